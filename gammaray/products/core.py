"""`FluxMaps`: norm-based flux estimates on any map geometry (DL5).

A `FluxMaps` holds a dict of `~gammaray.maps.Map` keyed by quantity name. All
flux-like quantities are stored as dimensionless ``norm`` values relative to a
reference model; the physical SED quantities (``dnde``, ``e2dnde``, ``flux``,
``eflux`` and their errors and upper limits) are the norms multiplied by the
reference model evaluated per energy bin:

- ``dnde_ref``: reference ``dN/dE`` at the bin's reference energy ``e_ref``;
- ``e2dnde_ref = e_ref ** 2 * dnde_ref``;
- ``flux_ref``: integral of the reference over the bin;
- ``eflux_ref``: energy flux of the reference over the bin.
"""

import logging

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from gammaray.utils.errors import GammarayError, MissingColumnError

from .utils import (
    OPTIONAL_QUANTITIES,
    OPTIONAL_QUANTITIES_COMMON,
    REQUIRED_MAPS,
    VALID_QUANTITIES,
    check_sed_type,
    default_reference_model,
    get_reference_spectral_model,
    guess_sed_type,
    wrap_reference_model,
)

__all__ = ["FluxMaps", "MissingQuantityError"]

log = logging.getLogger(__name__)

_NORM_QUANTITIES = OPTIONAL_QUANTITIES["likelihood"]


class MissingQuantityError(GammarayError, AttributeError):
    """A flux quantity is not available on a `FluxMaps` / `FluxPoints` object."""


def _sed_property(sed_type, suffix):
    """Property ``<sed_type><suffix>`` = ``norm<suffix> * <sed_type>_ref``."""
    norm_name = f"norm{suffix}"

    def getter(self):
        norm = getattr(self, norm_name)
        return norm * getattr(self, f"{sed_type}_ref")

    getter.__doc__ = (
        f"{sed_type}{suffix} (`~gammaray.maps.Map` with unit): ``{norm_name}`` times "
        f"the reference ``{sed_type}`` per energy bin."
    )
    return property(getter)


def _norm_property(name):
    def getter(self):
        return self._filter_convergence_failure(self._get(name))

    getter.__doc__ = (
        f"{name} (`~gammaray.maps.Map`, dimensionless); NaN where the fit failed."
    )
    return property(getter)


def _plain_property(name):
    def getter(self):
        return self._get(name)

    getter.__doc__ = f"{name} (`~gammaray.maps.Map`)."
    return property(getter)


class FluxMaps:
    """Flux estimates (norms relative to a reference model) on a map geometry.

    Parameters
    ----------
    data : dict of `~gammaray.maps.Map`
        Maps keyed by quantity name: ``norm``, ``norm_err``, ``norm_errn``,
        ``norm_errp``, ``norm_ul``, ``norm_sensitivity``, ``ts``, ``sqrt_ts``,
        ``npred``, ``npred_excess``, ``npred_background``, ``stat``,
        ``stat_null``, ``stat_scan`` (with a ``norm`` axis), ``norm_scan``,
        ``success``, ``is_ul``, ``counts``, ``niter``, ``n_dof``.
    reference_model : `~gammaray.modeling.models.SkyModel` or `~gammaray.modeling.models.SpectralModel`
        Reference model; a spectral model is wrapped into a sky model.
    meta : dict, optional
        Metadata (``n_sigma``, ``n_sigma_ul``, ``sqrt_ts_threshold_ul``,
        ``sed_type_init``, ...).
    gti : `~gammaray.data.GTI`, optional
        Good time intervals of the data the estimates come from.
    filter_success_nan : bool
        Set the norm quantities to NaN where ``success`` is False.
    """

    def __init__(
        self, data, reference_model, meta=None, gti=None, filter_success_nan=True
    ):
        if "norm" not in data:
            raise MissingColumnError(
                f"FluxMaps data needs a 'norm' map; got {sorted(data)}. Use "
                "FluxMaps.from_maps(maps, sed_type=...) to build from dnde/flux maps."
            )
        unknown = [key for key in data if key not in VALID_QUANTITIES]
        if unknown:
            raise ValueError(
                f"Unknown quantities {unknown} in FluxMaps data; valid names are "
                f"{VALID_QUANTITIES}."
            )
        self._data = dict(data)
        if reference_model is None:
            log.warning(
                "No reference model given to FluxMaps; assuming a power law of index 2."
            )
            reference_model = default_reference_model()
        self._reference_model = wrap_reference_model(reference_model)
        self.meta = dict(meta or {})
        self.gti = gti
        self._filter_success_nan = filter_success_nan

    # ---- basic access ------------------------------------------------------
    def _get(self, name):
        try:
            return self._data[name]
        except KeyError:
            raise MissingQuantityError(
                f"Quantity {name!r} is not defined on this {type(self).__name__}; "
                f"available: {self.available_quantities}."
            ) from None

    def _filter_convergence_failure(self, some_map):
        if not self._filter_success_nan or "success" not in self._data:
            return some_map
        success = np.asarray(self._data["success"].data, dtype=bool)
        if np.all(success):
            return some_map
        data = np.array(some_map.data, dtype=np.result_type(some_map.data, np.float32))
        data[np.broadcast_to(~success, data.shape)] = np.nan
        return some_map.copy(data=data)

    @property
    def filter_success_nan(self):
        """Whether norm quantities are NaN where ``success`` is False (bool)."""
        return self._filter_success_nan

    @filter_success_nan.setter
    def filter_success_nan(self, value):
        self._filter_success_nan = bool(value)

    @property
    def available_quantities(self):
        """Names of the stored quantities (list of str)."""
        return list(self._data)

    @staticmethod
    def all_quantities(sed_type):
        """All quantities that may be available for an SED type (list of str)."""
        check_sed_type(sed_type)
        return (
            REQUIRED_MAPS[sed_type]
            + OPTIONAL_QUANTITIES[sed_type]
            + OPTIONAL_QUANTITIES_COMMON
        )

    @property
    def geom(self):
        """Geometry of the ``norm`` map."""
        return self._data["norm"].geom

    @property
    def energy_axis(self):
        """Energy axis (`~gammaray.maps.MapAxis`)."""
        return self.geom.axes["energy"]

    @property
    def energy_ref(self):
        """Reference energies (`~astropy.units.Quantity`): bin centres of the log energy axis."""
        return self.energy_axis.center

    @property
    def energy_min(self):
        """Lower energy bin edges (`~astropy.units.Quantity`)."""
        return self.energy_axis.edges_min

    @property
    def energy_max(self):
        """Upper energy bin edges (`~astropy.units.Quantity`)."""
        return self.energy_axis.edges_max

    # ---- reference model -----------------------------------------------------
    @property
    def reference_model(self):
        """Reference model (`~gammaray.modeling.models.SkyModel`)."""
        return self._reference_model

    @property
    def reference_spectral_model(self):
        """Spectral part of the reference model."""
        return get_reference_spectral_model(self._reference_model)

    @property
    def reference_model_default(self):
        """Default reference model: power law of index 2."""
        return default_reference_model()

    @property
    def is_convertible_to_flux_sed_type(self):
        """True if the reference model is not a dimensionless norm model."""
        return not self.reference_spectral_model.is_norm_spectral_model

    def _expand_dims(self, values, geom=None):
        """Reshape an energy-axis quantity to broadcast against ``geom`` data."""
        geom = self.geom if geom is None else geom
        shape = [1] * len(geom.data_shape)
        names = geom.axes.names
        shape[len(names) - 1 - names.index("energy")] = values.size
        return values.reshape(shape)

    @property
    def reference_fluxes(self):
        """Reference fluxes per energy bin (dict of `~astropy.units.Quantity`).

        Keys ``e_ref``, ``e_min``, ``e_max``, ``ref_dnde``, ``ref_flux``,
        ``ref_eflux``, ``ref_e2dnde``.
        """
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.reference_spectral_model.reference_fluxes(self.energy_axis)

    @property
    def dnde_ref(self):
        """Reference differential flux at ``e_ref`` (`~astropy.units.Quantity`, broadcastable)."""
        return self._expand_dims(self.reference_spectral_model(self.energy_ref))

    @property
    def e2dnde_ref(self):
        """Reference ``e_ref ** 2 * dnde`` (`~astropy.units.Quantity`, broadcastable)."""
        energy = self.energy_ref
        return self._expand_dims(energy**2 * self.reference_spectral_model(energy))

    @property
    def flux_ref(self):
        """Reference integral flux per bin (`~astropy.units.Quantity`, broadcastable)."""
        model = self.reference_spectral_model
        return self._expand_dims(model.integral(self.energy_min, self.energy_max))

    @property
    def eflux_ref(self):
        """Reference energy flux per bin (`~astropy.units.Quantity`, broadcastable)."""
        model = self.reference_spectral_model
        return self._expand_dims(model.energy_flux(self.energy_min, self.energy_max))

    # ---- metadata --------------------------------------------------------------
    @property
    def sed_type_init(self):
        """SED type the object was created from (str or None)."""
        return self.meta.get("sed_type_init")

    @property
    def sed_type_plot_default(self):
        """Default SED type for plots: ``dnde`` for likelihood data, else `sed_type_init`."""
        if self.sed_type_init in (None, "likelihood"):
            return "dnde"
        return self.sed_type_init

    @property
    def n_sigma(self):
        """Number of sigma of the errors (default 1)."""
        return self.meta.get("n_sigma", 1)

    @property
    def n_sigma_ul(self):
        """Number of sigma of the upper limits (None if unknown)."""
        return self.meta.get("n_sigma_ul")

    @property
    def sqrt_ts_threshold_ul(self):
        """``sqrt_ts`` below which a bin is an upper limit (default 2)."""
        return self.meta.get("sqrt_ts_threshold_ul", 2)

    @sqrt_ts_threshold_ul.setter
    def sqrt_ts_threshold_ul(self, value):
        if not self.has_any_ts:
            raise MissingQuantityError(
                "Setting sqrt_ts_threshold_ul needs 'ts' or 'sqrt_ts'; this object "
                f"has {self.available_quantities}."
            )
        self.meta["sqrt_ts_threshold_ul"] = value
        with np.errstate(invalid="ignore"):
            self.is_ul = self.sqrt_ts.data < value

    @property
    def has_ul(self):
        """True if upper limits (``norm_ul``) are available."""
        return "norm_ul" in self._data

    @property
    def has_any_ts(self):
        """True if ``ts`` or ``sqrt_ts`` is available."""
        return "ts" in self._data or "sqrt_ts" in self._data

    @property
    def has_stat_profiles(self):
        """True if likelihood profiles (``stat_scan``) are available."""
        return "stat_scan" in self._data

    @property
    def has_success(self):
        """True if the fit ``success`` flags are available."""
        return "success" in self._data

    # ---- norm-based quantities -------------------------------------------------
    norm = _norm_property("norm")
    norm_err = _norm_property("norm_err")
    norm_errn = _norm_property("norm_errn")
    norm_errp = _norm_property("norm_errp")
    norm_ul = _norm_property("norm_ul")
    norm_sensitivity = _norm_property("norm_sensitivity")
    ts = _plain_property("ts")
    npred = _plain_property("npred")
    npred_excess = _plain_property("npred_excess")
    stat = _plain_property("stat")
    stat_null = _plain_property("stat_null")
    stat_scan = _plain_property("stat_scan")
    success = _plain_property("success")
    counts = _plain_property("counts")
    niter = _plain_property("niter")
    n_dof = _plain_property("n_dof")

    @property
    def sqrt_ts(self):
        """Signed square root of TS (`~gammaray.maps.Map`); computed from ``ts`` if not stored."""
        if "sqrt_ts" in self._data:
            return self._data["sqrt_ts"]
        ts = self._get("ts")
        norm = self._data["norm"].data
        with np.errstate(invalid="ignore"):
            data = np.where(norm > 0, np.sqrt(ts.data), -np.sqrt(ts.data))
        return ts.copy(data=data)

    @property
    def npred_background(self):
        """Predicted background counts (`~gammaray.maps.Map`): stored or ``npred - npred_excess``."""
        if "npred_background" in self._data:
            return self._data["npred_background"]
        return self._get("npred") - self._get("npred_excess")

    @property
    def norm_scan(self):
        """Scanned norm values (`~gammaray.maps.Map` on the ``stat_scan`` geometry)."""
        if "norm_scan" in self._data:
            return self._data["norm_scan"]
        stat_scan = self._get("stat_scan")
        axis = stat_scan.geom.axes["norm"]
        shape = [1] * stat_scan.data.ndim
        names = stat_scan.geom.axes.names
        shape[len(names) - 1 - names.index("norm")] = axis.nbin
        data = np.broadcast_to(axis.center.value.reshape(shape), stat_scan.data.shape)
        return stat_scan.copy(data=np.array(data, dtype=float), unit="")

    @property
    def is_ul(self):
        """Upper-limit flags (`~gammaray.maps.Map` of bool).

        Stored flags if present; otherwise ``sqrt_ts < sqrt_ts_threshold_ul``
        when TS and upper limits exist; otherwise all False.
        """
        if "is_ul" in self._data:
            return self._data["is_ul"]
        norm = self._data["norm"]
        if self.has_any_ts and self.has_ul:
            with np.errstate(invalid="ignore"):
                data = self.sqrt_ts.data < self.sqrt_ts_threshold_ul
        else:
            data = np.zeros(norm.data.shape, dtype=bool)
        return norm.copy(data=np.asarray(data, dtype=bool), unit="")

    @is_ul.setter
    def is_ul(self, value):
        if value is None:
            self._data.pop("is_ul", None)
            return
        data = np.asarray(getattr(value, "data", value), dtype=bool)
        norm = self._data["norm"]
        self._data["is_ul"] = norm.copy(
            data=np.broadcast_to(data, norm.data.shape).copy(), unit=""
        )

    # ---- physical SED quantities -------------------------------------------------
    dnde = _sed_property("dnde", "")
    dnde_err = _sed_property("dnde", "_err")
    dnde_errn = _sed_property("dnde", "_errn")
    dnde_errp = _sed_property("dnde", "_errp")
    dnde_ul = _sed_property("dnde", "_ul")
    e2dnde = _sed_property("e2dnde", "")
    e2dnde_err = _sed_property("e2dnde", "_err")
    e2dnde_errn = _sed_property("e2dnde", "_errn")
    e2dnde_errp = _sed_property("e2dnde", "_errp")
    e2dnde_ul = _sed_property("e2dnde", "_ul")
    flux = _sed_property("flux", "")
    flux_err = _sed_property("flux", "_err")
    flux_errn = _sed_property("flux", "_errn")
    flux_errp = _sed_property("flux", "_errp")
    flux_ul = _sed_property("flux", "_ul")
    flux_sensitivity = _sed_property("flux", "_sensitivity")
    eflux = _sed_property("eflux", "")
    eflux_err = _sed_property("eflux", "_err")
    eflux_errn = _sed_property("eflux", "_errn")
    eflux_errp = _sed_property("eflux", "_errp")
    eflux_ul = _sed_property("eflux", "_ul")

    # ---- construction / conversion -----------------------------------------------
    @staticmethod
    def _validate_data(data, sed_type):
        check_sed_type(sed_type)
        missing = set(REQUIRED_MAPS[sed_type]).difference(data)
        if missing:
            raise MissingColumnError(
                f"Missing data for sed_type {sed_type!r}: {sorted(missing)}; "
                f"available: {sorted(data)}."
            )

    @classmethod
    def from_maps(cls, maps, sed_type=None, reference_model=None, gti=None, meta=None):
        """Create from a dict of maps of any SED type.

        Maps of a physical SED type (``dnde``, ``e2dnde``, ``flux``, ``eflux``
        and their ``_err``/``_errn``/``_errp``/``_ul`` variants) are converted to
        norms by dividing by the reference model per energy bin.

        Parameters
        ----------
        maps : dict or `~gammaray.maps.Maps`
            Maps keyed by quantity name.
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}, optional
            SED type of the maps; guessed from the names if None.
        reference_model : `SkyModel` or `SpectralModel`, optional
            Reference model; for likelihood data it is required, otherwise a
            power law of index 2 is assumed when None.
        gti : `~gammaray.data.GTI`, optional
            Good time intervals.
        meta : dict, optional
            Metadata.

        Returns
        -------
        flux_maps : `FluxMaps`
            Flux maps.
        """
        if sed_type is None:
            sed_type = guess_sed_type(maps, required=REQUIRED_MAPS)
        if sed_type is None:
            raise MissingColumnError(
                f"Cannot guess the SED type from the maps {sorted(maps)}; give sed_type= "
                "one of 'likelihood', 'dnde', 'e2dnde', 'flux', 'eflux'."
            )
        cls._validate_data(maps, sed_type)
        meta = dict(meta or {})
        meta.setdefault("sed_type_init", sed_type)
        if sed_type == "likelihood":
            data = {key: maps[key] for key in maps if key in VALID_QUANTITIES}
            return cls(data=data, reference_model=reference_model, meta=meta, gti=gti)

        if reference_model is None:
            log.warning(
                "No reference model set for FluxMaps; assuming a point source with an "
                "E^-2 power-law spectrum."
            )
            reference_model = default_reference_model()
        reference_model = wrap_reference_model(reference_model)
        map_ref = maps[sed_type]
        energy_axis = map_ref.geom.axes["energy"]
        with np.errstate(invalid="ignore", divide="ignore"):
            fluxes = get_reference_spectral_model(reference_model).reference_fluxes(
                energy_axis
            )
        data = {}
        prefix = f"{sed_type}_"
        for key in maps:
            m = maps[key]
            if key == sed_type or key.startswith(prefix):
                norm_key = "norm" + key[len(sed_type) :]
                if norm_key not in VALID_QUANTITIES:
                    continue
                names = m.geom.axes.names
                shape = [1] * m.data.ndim
                shape[len(names) - 1 - names.index("energy")] = energy_axis.nbin
                factor = fluxes[f"ref_{sed_type}"].to(m.unit).reshape(shape)
                with np.errstate(invalid="ignore", divide="ignore"):
                    values = np.asarray(m.data, dtype=np.float64) / factor.value
                data[norm_key] = m.copy(data=values.astype(m.data.dtype), unit="")
            elif key in VALID_QUANTITIES:
                data[key] = m
        return cls(data=data, reference_model=reference_model, meta=meta, gti=gti)

    def to_maps(self, sed_type="likelihood"):
        """Quantities converted to an SED type.

        Parameters
        ----------
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}
            SED type; None means `sed_type_init`.

        Returns
        -------
        maps : `~gammaray.maps.Maps` or dict
            Maps keyed by quantity name (a plain dict when the quantities have
            different geometries, e.g. with ``stat_scan``).
        """
        from gammaray.maps import Maps

        if sed_type is None:
            sed_type = self.sed_type_init or "likelihood"
        check_sed_type(sed_type)
        out = {}
        for quantity in self.all_quantities(sed_type):
            try:
                out[quantity] = getattr(self, quantity)
            except MissingQuantityError:
                continue
        if "norm_scan" in self._data and sed_type == "likelihood":
            out["norm_scan"] = self._data["norm_scan"]
        try:
            return Maps(**out)
        except (GammarayError, ValueError):
            return out

    def copy(self, reference_model=None):
        """Deep copy, optionally with a new reference model (norms are kept)."""
        import copy

        model = self.reference_model if reference_model is None else reference_model
        return self.__class__(
            data={key: m.copy() for key, m in self._data.items()},
            reference_model=copy.deepcopy(model),
            meta=copy.deepcopy(self.meta),
            gti=self.gti,
            filter_success_nan=self._filter_success_nan,
        )

    # ---- slicing -----------------------------------------------------------------
    def slice_by_idx(self, slices):
        """Slice all quantities along non-spatial axes.

        Parameters
        ----------
        slices : dict
            Axis name -> int or slice (an int drops the axis).

        Returns
        -------
        flux_maps : `FluxMaps`
            Sliced object of the same class.
        """
        data = {key: m.slice_by_idx(slices) for key, m in self._data.items()}
        return self.__class__(
            data=data,
            reference_model=self.reference_model,
            meta=dict(self.meta),
            gti=self.gti,
            filter_success_nan=self._filter_success_nan,
        )

    def slice_by_energy(self, energy_min=None, energy_max=None):
        """Keep the energy bins inside ``[energy_min, energy_max]``.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity`, optional
            Energy bounds (bins are kept when their centre lies within).

        Returns
        -------
        flux_maps : `FluxMaps`
            Sliced object.
        """
        axis = self.energy_axis
        center = axis.center
        lo = center.min() if energy_min is None else u.Quantity(energy_min)
        hi = center.max() if energy_max is None else u.Quantity(energy_max)
        idx = np.nonzero((center >= lo) & (center <= hi))[0]
        if idx.size == 0:
            raise ValueError(
                f"No energy bin centre between {lo} and {hi}; the bins span "
                f"{axis.edges[0]} to {axis.edges[-1]}."
            )
        return self.slice_by_idx({"energy": slice(int(idx[0]), int(idx[-1]) + 1)})

    def iter_by_axis(self, axis_name):
        """Iterate over the bins of an axis, yielding one object per bin (axis kept).

        Parameters
        ----------
        axis_name : str
            Axis name (e.g. ``"time"``, ``"energy"``).

        Yields
        ------
        flux_maps : `FluxMaps`
            Object restricted to one bin.
        """
        axis = self.geom.axes[axis_name]
        for idx in range(axis.nbin):
            item = self.slice_by_idx({axis_name: slice(idx, idx + 1)})
            if self.gti is not None and hasattr(axis, "time_min"):
                item.gti = self.gti.select_time(
                    [axis.time_min[idx], axis.time_max[idx]]
                )
            yield item

    def get_flux_points(self, position=None):
        """Flux points at a sky position (nearest pixel).

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`, optional
            Position; the map centre if None.

        Returns
        -------
        flux_points : `~gammaray.products.FluxPoints`
            Flux points.
        """
        from regions import PointSkyRegion

        from .flux_points import FluxPoints

        if position is None:
            position = self.geom.center_skydir
        region = (
            PointSkyRegion(position) if isinstance(position, SkyCoord) else position
        )
        data = {
            key: m.to_region_nd_map(region=region, method="nearest")
            for key, m in self._data.items()
        }
        return FluxPoints(
            data=data,
            reference_model=self.reference_model,
            meta=dict(self.meta),
            gti=self.gti,
            filter_success_nan=self._filter_success_nan,
        )

    # ---- FITS I/O of maps ------------------------------------------------------------
    def to_hdulist(self, sed_type="likelihood"):
        """Convert to an HDU list: one image HDU per quantity, bands tables, GTI.

        Parameters
        ----------
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}
            SED type of the written quantities.

        Returns
        -------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list (``SED_TYPE`` in the primary header).
        """
        from .io import flux_maps_to_hdulist

        return flux_maps_to_hdulist(self, sed_type=sed_type)

    @classmethod
    def from_hdulist(cls, hdulist, hdu_bands=None, sed_type=None, reference_model=None):
        """Create from an HDU list written by `to_hdulist`.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        hdu_bands : str, optional
            Name of the bands HDU (from each map's ``BANDSHDU`` keyword if None).
        sed_type : str, optional
            SED type; from the ``SED_TYPE`` keyword if None.
        reference_model : `SkyModel` or `SpectralModel`, optional
            Reference model.
        """
        from .io import flux_maps_from_hdulist

        maps, sed_type, gti = flux_maps_from_hdulist(hdulist, hdu_bands, sed_type)
        return cls.from_maps(
            maps, sed_type=sed_type, reference_model=reference_model, gti=gti
        )

    @classmethod
    def read(
        cls,
        filename,
        filename_model=None,
        format="gadf",
        map_type="wcs",
        checksum=False,
    ):
        """Read flux maps from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        filename_model : str or `~pathlib.Path`, optional
            Reference model YAML; from the ``MODEL`` header keyword if None.
        format : {"gadf"}
            File format.
        map_type : {"wcs", "hpx", "region"}
            Kind of maps (kept for API compatibility; detected from the file).
        checksum : bool
            Verify checksums.

        Returns
        -------
        flux_maps : `FluxMaps`
            Flux maps.
        """
        from .io import read_flux_maps

        return read_flux_maps(cls, filename, filename_model, format, checksum)

    def write(
        self,
        filename,
        filename_model=None,
        overwrite=False,
        sed_type="likelihood",
        checksum=False,
    ):
        """Write flux maps (FITS) and the reference model (YAML), atomically.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            FITS file name.
        filename_model : str or `~pathlib.Path`, optional
            Model file; ``<stem>_model.yaml`` next to the FITS file if None.
        overwrite : bool
            Replace existing files.
        sed_type : str
            SED type of the written quantities.
        checksum : bool
            Write checksums.
        """
        from .io import write_flux_maps

        write_flux_maps(self, filename, filename_model, overwrite, sed_type, checksum)

    # ---- representation --------------------------------------------------------------
    def __str__(self):
        geom = self.geom
        model = self.reference_model
        lines = [
            f"{type(self).__name__}",
            "-" * len(type(self).__name__),
            "",
            f"  geom                   : {type(geom).__name__}",
            f"  axes                   : {['lon', 'lat'] + list(geom.axes.names)}",
            f"  shape                  : {tuple(geom.data_shape[::-1])}",
            f"  quantities             : {self.available_quantities}",
            f"  ref. model             : {getattr(model, 'tag', [type(model).__name__])[0]}",
            f"  n_sigma                : {self.n_sigma}",
            f"  n_sigma_ul             : {self.n_sigma_ul}",
            f"  sqrt_ts_threshold_ul   : {self.sqrt_ts_threshold_ul}",
            f"  sed type init          : {self.sed_type_init}",
        ]
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return (
            f"{type(self).__name__}(quantities={self.available_quantities}, "
            f"sed_type_init={self.sed_type_init!r}, shape={tuple(self.geom.data_shape)})"
        )
