"""Registry of IRF classes by HDU class and loaders for DL3 IRF files."""

import importlib
import logging
import warnings

from gammaray.utils.errors import FormatWarning, InvalidFileError, MissingIRFError
from gammaray.utils.fits import hdu_names, open_fits
from gammaray.utils.paths import make_path

from .core import read_irf_table, standardise_irf_table

__all__ = [
    "IRF_REGISTRY",
    "IRF_MAP_REGISTRY",
    "classify_irf_hdu",
    "get_irf_class",
    "load_irf",
    "load_irf_dict_from_file",
]

log = logging.getLogger(__name__)

#: HDU class (lower-case ``HDUCLAS4``) -> (module, class name).
IRF_REGISTRY = {
    "aeff_2d": ("effective_area", "EffectiveAreaTable2D"),
    "edisp_2d": ("edisp.core", "EnergyDispersion2D"),
    "psf_table": ("psf.table", "PSF3D"),
    "psf_3gauss": ("psf.parametric", "EnergyDependentMultiGaussPSF"),
    "psf_king": ("psf.parametric", "PSFKing"),
    "bkg_2d": ("background", "Background2D"),
    "bkg_3d": ("background", "Background3D"),
    "rad_max_2d": ("rad_max", "RadMax2D"),
}

#: HDUCLAS2 -> key of the dict returned by `load_irf_dict_from_file`.
_HDUCLAS2_TO_KEY = {
    "EFF_AREA": "aeff",
    "EDISP": "edisp",
    "RPSF": "psf",
    "PSF": "psf",
    "BKG": "bkg",
    "RAD_MAX": "rad_max",
}

#: EXTNAME -> HDUCLAS2, used when HDUCLAS2 is missing.
_EXTNAME_TO_HDUCLAS2 = {
    "EFFECTIVE AREA": "EFF_AREA",
    "AEFF": "EFF_AREA",
    "ENERGY DISPERSION": "EDISP",
    "EDISP": "EDISP",
    "POINT SPREAD FUNCTION": "RPSF",
    "PSF": "RPSF",
    "BACKGROUND": "BKG",
    "BKG": "BKG",
    "RAD_MAX": "RAD_MAX",
}

#: Legacy (CTA 1DC) HDUCLAS4 values: (HDUCLAS4, HDUCLAS2) -> HDU class.
_LEGACY_HDUCLAS4 = {
    ("2D", "EFF_AREA"): "aeff_2d",
    ("2D", "EDISP"): "edisp_2d",
    ("2D", "BKG"): "bkg_2d",
    ("3D", "BKG"): "bkg_3d",
    ("3GAUSS", "RPSF"): "psf_3gauss",
    ("3GAUSS", "PSF"): "psf_3gauss",
    ("KING", "RPSF"): "psf_king",
    ("KING", "PSF"): "psf_king",
    ("TABLE", "RPSF"): "psf_table",
    ("TABLE", "PSF"): "psf_table",
}


def get_irf_class(hdu_class):
    """IRF class registered for an HDU class (e.g. ``"aeff_2d"``).

    Raises
    ------
    InvalidFileError
        If the HDU class is unknown.
    """
    key = str(hdu_class).strip().lower()
    if key not in IRF_REGISTRY:
        raise InvalidFileError(
            f"Unknown IRF HDU class {hdu_class!r}; known: {sorted(IRF_REGISTRY)}."
        )
    module, name = IRF_REGISTRY[key]
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


def _hduclas2(header):
    value = str(header.get("HDUCLAS2", "")).strip().upper()
    if not value:
        value = _EXTNAME_TO_HDUCLAS2.get(
            str(header.get("EXTNAME", "")).strip().upper(), ""
        )
    return value


#: HDU class assumed for each IRF kind when ``HDUCLAS4`` is absent.
_DEFAULT_HDU_CLASS = {
    "aeff": "aeff_2d",
    "edisp": "edisp_2d",
    "psf": "psf_table",
    "bkg": "bkg_3d",
    "rad_max": "rad_max_2d",
}


def classify_irf_hdu(header):
    """Kind and HDU class of an IRF HDU from its GADF header keywords.

    The kind comes from ``HDUCLAS2`` (or ``EXTNAME``), the class from
    ``HDUCLAS4``; legacy CTA 1DC values (``2D``, ``3D``, ``3GAUSS``) are mapped
    to the standard classes and a missing ``HDUCLAS4`` gives the kind's default.

    Parameters
    ----------
    header : `~astropy.io.fits.Header` or dict
        HDU header.

    Returns
    -------
    result : tuple or None
        ``(kind, hdu_class, note)``: ``kind`` is ``aeff``, ``edisp``, ``psf``,
        ``bkg`` or ``rad_max``; ``hdu_class`` the resolved class (None if
        ``HDUCLAS4`` is unknown); ``note`` is ``"legacy"``, ``"missing"`` or
        None. None if the header is not that of an IRF.
    """
    hduclas2 = _hduclas2(header)
    kind = _HDUCLAS2_TO_KEY.get(hduclas2)
    if kind is None:
        return None
    hduclas4 = str(header.get("HDUCLAS4", "")).strip()
    if hduclas4.lower() in IRF_REGISTRY:
        return kind, hduclas4.lower(), None
    if not hduclas4:
        return kind, _DEFAULT_HDU_CLASS[kind], "missing"
    legacy = _LEGACY_HDUCLAS4.get((hduclas4.upper(), hduclas2))
    if legacy is not None:
        return kind, legacy, "legacy"
    return kind, None, None


def _resolve_hdu_class(header, source, hdu):
    """HDU class of an IRF HDU from its header (legacy values with a warning)."""
    hduclas4 = str(header.get("HDUCLAS4", "")).strip()
    kind, hdu_class, note = classify_irf_hdu(header) or (None, None, None)
    if note is not None:
        what = (
            f"legacy HDUCLAS4={hduclas4!r} (CTA 1DC)"
            if note == "legacy"
            else "no HDUCLAS4 keyword"
        )
        warnings.warn(
            f"{source}, HDU {hdu!r}: {what}; resolved with HDUCLAS2/EXTNAME as "
            f"{hdu_class.upper()!r}.",
            FormatWarning,
            stacklevel=3,
        )
    if hdu_class is not None:
        return hdu_class
    raise InvalidFileError(
        f"{source}, HDU {hdu!r}: unknown IRF HDUCLAS4={hduclas4!r} "
        f"(HDUCLAS2={_hduclas2(header)!r}); expected one of "
        f"{sorted(k.upper() for k in IRF_REGISTRY)}."
    )


def _load_from_hdu(table_hdu, source, hdu, hdu_class=None):
    if hdu_class is None:
        hdu_class = _resolve_hdu_class(table_hdu.header, source, hdu)
    cls = get_irf_class(hdu_class)
    table = read_irf_table(table_hdu, source=source)
    return cls.from_table(table, format="gadf-dl3")


def load_irf(filename, hdu, hdu_class=None):
    """Load the IRF stored in one HDU of a FITS file.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        File name (``$GAMMARAY_DATA`` is expanded).
    hdu : str or int
        HDU name or index.
    hdu_class : str, optional
        HDU class from the HDU index table (``aeff_2d``, ``edisp_2d``,
        ``psf_table``, ``psf_3gauss``, ``psf_king``, ``bkg_2d``, ``bkg_3d``,
        ``rad_max_2d``); by default it is taken from the ``HDUCLAS4`` keyword.

    Returns
    -------
    irf : `~gammaray.irf.core.IRF`
        The IRF.

    Raises
    ------
    MissingIRFError
        If the HDU is not in the file.
    InvalidFileError
        If the HDU class is unknown.
    """
    path = make_path(filename)
    if hdu_class is not None and str(hdu_class).strip().lower() in IRF_MAP_REGISTRY:
        return _load_irf_map(path, hdu, hdu_class)
    with open_fits(path) as hdulist:
        try:
            table_hdu = hdulist[hdu]
        except (KeyError, IndexError):
            raise MissingIRFError(
                f"IRF HDU {hdu!r} not found in {path}; available HDUs: "
                f"{hdu_names(hdulist)}."
            ) from None
        hdu_class = _check_hdu_class(table_hdu.header, path, hdu, hdu_class)
        return _load_from_hdu(table_hdu, str(path), hdu, hdu_class=hdu_class)


def _check_hdu_class(header, path, hdu, hdu_class):
    """HDU class to load: the index's, unless the header's known ``HDUCLAS4`` differs."""
    if hdu_class is None:
        return None
    key = str(hdu_class).strip().lower()
    if key not in IRF_REGISTRY:
        raise InvalidFileError(
            f"{path}, HDU {hdu!r}: unknown IRF HDU class {hdu_class!r}; known: "
            f"{sorted(IRF_REGISTRY)}."
        )
    # a known HDUCLAS4 in the header wins over the index
    hduclas4 = str(header.get("HDUCLAS4", "")).strip().lower()
    if hduclas4 in IRF_REGISTRY and hduclas4 != key:
        log.warning(
            "HDU index says %s but HDUCLAS4 is %s in %s (HDU %r); using %s.",
            key,
            hduclas4,
            path,
            hdu,
            hduclas4,
        )
        return hduclas4
    return hdu_class


def _load_irf_raw(raw, path, hdu, hdu_class=None):
    """Load an IRF from a `~gammaray.irf._fits_tables.RawHDU` (None: use `load_irf`).

    Gives the same IRF as `load_irf` for the simple binary tables of DL3
    files, without going through `astropy.io.fits` table machinery.
    """
    from ._fits_tables import read_bintable

    if hdu_class is not None and str(hdu_class).strip().lower() in IRF_MAP_REGISTRY:
        return None
    cards = raw.cards()
    if cards is None:
        cards = [(card.keyword, card.value) for card in raw.header.cards]
    table = read_bintable(raw, unit_parse_strict="silent", cards=cards)
    if table is None:
        return None
    header = {}
    for key, value in cards:
        header.setdefault(key, value)
    hdu_class = _check_hdu_class(header, path, hdu, hdu_class)
    if hdu_class is None:
        hdu_class = _resolve_hdu_class(header, str(path), hdu)
    cls = get_irf_class(hdu_class)
    table = standardise_irf_table(table, source=str(path))
    return cls.from_table(table, format="gadf-dl3")


def load_irf_dict_from_file(filename):
    """Load all IRFs of a file.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        File name.

    Returns
    -------
    irfs : dict
        IRFs keyed ``aeff``, ``edisp``, ``psf``, ``bkg``, ``rad_max`` (only
        those present). A point-like file without a ``RAD_MAX`` HDU whose
        effective area has a ``RAD_MAX`` header keyword gets a constant
        `~gammaray.irf.RadMax2D` (with a `FormatWarning`).
    """
    path = make_path(filename)
    irfs = {}
    with open_fits(path) as hdulist:
        for idx, table_hdu in enumerate(hdulist):
            header = table_hdu.header
            if idx == 0 or str(header.get("HDUCLAS1", "")).strip() != "RESPONSE":
                continue
            key = _HDUCLAS2_TO_KEY.get(_hduclas2(header))
            if key is None:
                log.debug("Skipping HDU %s of %s (not an IRF)", table_hdu.name, path)
                continue
            if key in irfs:
                log.warning("%s: more than one %s HDU; using the first.", path, key)
                continue
            irfs[key] = _load_from_hdu(table_hdu, str(path), table_hdu.name)
    aeff = irfs.get("aeff")
    if (
        "rad_max" not in irfs
        and aeff is not None
        and aeff.is_pointlike
        and "RAD_MAX" in aeff.meta
    ):
        from .rad_max import RadMax2D

        warnings.warn(
            f"{path}: point-like IRF gives RAD_MAX={aeff.meta['RAD_MAX']} as a header "
            "keyword instead of a RAD_MAX_2D table; using a constant RadMax2D.",
            FormatWarning,
            stacklevel=2,
        )
        irfs["rad_max"] = RadMax2D.from_irf(aeff)
    return irfs


# ----------------------------------------------------------------------------------
# IRF maps (HAWC-style DL3 data stores): additive hook owned by the IRF-maps module
# ----------------------------------------------------------------------------------

#: HDU class of IRF *maps* in HDU index tables -> (module, class name); ``map``
#: is a plain `~gammaray.maps.Map` (e.g. HAWC effective-area and background maps).
IRF_MAP_REGISTRY = {
    "map": ("gammaray.maps", "Map"),
    "psf_map": ("gammaray.irf.psf.map", "PSFMap"),
    "psf_map_reco": ("gammaray.irf.psf.map", "RecoPSFMap"),
    "edisp_map": ("gammaray.irf.edisp.map", "EDispMap"),
    "edisp_kernel_map": ("gammaray.irf.edisp.kernel_map", "EDispKernelMap"),
}


def _load_irf_map(filename, hdu, hdu_class):
    """Load an IRF map (``map``, ``psf_map``, ``psf_map_reco``, ``edisp_map``,
    ``edisp_kernel_map``) stored in a FITS file.

    Parameters
    ----------
    filename : str or `~pathlib.Path`
        File name.
    hdu : str or int
        Name (case-insensitive) or index of the map HDU.
    hdu_class : str
        HDU class from the HDU index table.

    Returns
    -------
    irf : `~gammaray.maps.Map` or `~gammaray.irf.core_map.IRFMap`
        The map.
    """
    path = make_path(filename)
    module, name = IRF_MAP_REGISTRY[str(hdu_class).strip().lower()]
    cls = getattr(importlib.import_module(module), name)
    with open_fits(path) as hdulist:
        try:
            hdu_name = hdulist[hdu].name
        except (KeyError, IndexError):
            raise MissingIRFError(
                f"IRF map HDU {hdu!r} not found in {path}; available HDUs: "
                f"{hdu_names(hdulist)}."
            ) from None
    return cls.read(path, hdu=hdu_name)
