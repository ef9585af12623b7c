"""`MapDatasetMaker`: reduce one observation to a `~gammaray.datasets.MapDataset`."""

import logging
import threading

import astropy.units as u
import numpy as np
from astropy.table import Table

from gammaray.maps import Map
from gammaray.utils.errors import AxisError, MissingIRFError

from .core import Maker
from .utils import (
    make_edisp_kernel_map,
    make_edisp_map,
    make_map_background_irf,
    make_map_exposure_true_energy,
    make_psf_map,
)

__all__ = ["MapDatasetMaker"]

log = logging.getLogger(__name__)

#: Per-thread memo of values computed once per `MapDatasetMaker.run` call.
_RUN_MEMO = threading.local()

#: IRF (or HDU) of an observation that each selection item needs.
_REQUIRED_IRF = {
    "counts": "events",
    "exposure": "aeff",
    "background": "bkg",
    "psf": "psf",
    "edisp": "edisp",
}


def _obs_label(observation):
    obs_id = getattr(observation, "obs_id", None)
    return f"Observation {obs_id}" if obs_id is not None else "The observation"


def _check_energy_axis(geom, what="dataset"):
    if "energy" not in geom.axes.names:
        raise AxisError(
            f"The {what} geometry has no 'energy' axis (axes: {geom.axes.names}); "
            "create it with axes=[MapAxis.from_energy_bounds(..., name='energy')]."
        )


class MapDatasetMaker(Maker):
    """Make the maps of a `~gammaray.datasets.MapDataset` from an observation.

    Counts are binned from the events; exposure, background, PSF and energy
    dispersion are computed from the IRFs of the observation on the geometries
    of the reference dataset given to `run`.

    Parameters
    ----------
    background_oversampling : int, optional
        Spatial oversampling factor of the background evaluation.
    selection : list of str, optional
        Maps to make, a subset of ``["counts", "exposure", "background", "psf",
        "edisp"]`` (default all).
    background_interp_missing_data : bool
        Fill empty bins of the background IRF along energy (log-log) before use.
    background_pad_offset : bool
        Kept for compatibility (the background is extrapolated to the edges of
        its offset axis anyway).
    fov_rotation_step : `~astropy.units.Quantity`
        Largest rotation of the field of view between the time steps used for
        ALTAZ-aligned backgrounds.
    """

    tag = "MapDatasetMaker"
    available_selection = ["counts", "exposure", "background", "psf", "edisp"]

    def __init__(
        self,
        background_oversampling=None,
        selection=None,
        background_interp_missing_data=True,
        background_pad_offset=True,
        fov_rotation_step=1.0 * u.deg,
    ):
        self.background_oversampling = background_oversampling
        self.background_interp_missing_data = background_interp_missing_data
        self.background_pad_offset = background_pad_offset
        self.fov_rotation_step = u.Quantity(fov_rotation_step, "deg")
        if selection is None:
            selection = list(self.available_selection)
        selection = list(selection)
        unknown = set(selection) - set(self.available_selection)
        if unknown:
            raise ValueError(
                f"Unknown selection {sorted(unknown)}; choose from {self.available_selection}."
            )
        self.selection = selection

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _pointing(observation):
        """ICRS pointing at the middle of the observation (memoised during `run`)."""
        memo = getattr(_RUN_MEMO, "pointing", None)
        if memo is not None and memo[0] is observation:
            return memo[1]
        pointing = observation.pointing
        if pointing is None:
            raise MissingIRFError(
                f"{_obs_label(observation)} has no pointing information (RA_PNT/DEC_PNT)."
            )
        return observation.get_pointing_icrs(observation.tmid)

    def _check_irfs(self, observation, selection):
        available = set(getattr(observation, "available_hdus", []))
        for item in selection:
            name = _REQUIRED_IRF[item]
            if name in available:
                continue
            value = getattr(observation, name, None)
            if value is None:
                raise MissingIRFError(
                    f"{_obs_label(observation)} has no {name!r} IRF, which the selection "
                    f"item {item!r} of {type(self).__name__} needs; remove {item!r} from "
                    "selection or use observations that provide it."
                )

    # ------------------------------------------------------------------ makers
    @staticmethod
    def make_counts(geom, observation):
        """Counts map: events binned on the geometry (one vectorised pass).

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Counts geometry (``energy`` axis).
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        counts : `~gammaray.maps.Map`
            Counts.
        """
        _check_energy_axis(geom, "counts")
        counts = Map.from_geom(geom, unit="")
        counts.fill_events(observation.events)
        return counts

    def make_exposure(self, geom, observation, use_region_center=True):
        """Exposure map: effective area times live time.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with an ``energy_true`` axis.
        observation : `~gammaray.data.Observation`
            Observation.
        use_region_center : bool
            For region geometries: centre (True) or region average (False).

        Returns
        -------
        exposure : `~gammaray.maps.Map`
            Exposure (``m2 s``).
        """
        aeff = observation.aeff
        if isinstance(aeff, Map):
            return _exposure_from_aeff_map(aeff, geom, observation)
        return make_map_exposure_true_energy(
            pointing=self._pointing(observation),
            livetime=observation.observation_live_time_duration,
            aeff=aeff,
            geom=geom,
            use_region_center=use_region_center,
        )

    def make_exposure_irf(self, geom, observation, use_region_center=True):
        """Exposure on the (coarse) geometry of an IRF map.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            IRF-map geometry with an ``energy_true`` axis; other axes are squashed.
        observation : `~gammaray.data.Observation`
            Observation.
        use_region_center : bool
            For region geometries: centre (True) or region average (False).

        Returns
        -------
        exposure : `~gammaray.maps.Map`
            Exposure (``m2 s``).
        """
        return MapDatasetMaker.make_exposure(self, geom, observation, use_region_center)

    def make_background(self, geom, observation):
        """Background map from the background IRF.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Counts geometry (``energy`` axis).
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        background : `~gammaray.maps.Map`
            Predicted background counts.
        """
        _check_energy_axis(geom, "background")
        bkg = observation.bkg
        if isinstance(bkg, Map):
            return bkg.interp_to_geom(geom, preserve_counts=True)
        use_region_center = getattr(self, "use_region_center", True)
        kwargs = {}
        if str(getattr(bkg, "fov_alignment", "RADEC")).upper().endswith("ALTAZ"):
            # the FoV rotates: the pointing info (location, times) is needed
            pointing = observation.pointing
            kwargs = dict(
                obstime=observation.tmid,
                time_start=observation.tstart,
                time_stop=observation.tstop,
            )
        else:
            pointing = self._pointing(observation)
        return make_map_background_irf(
            pointing=pointing,
            ontime=observation.observation_time_duration,
            bkg=bkg,
            geom=geom,
            oversampling=self.background_oversampling,
            use_region_center=use_region_center,
            fov_rotation_step=self.fov_rotation_step,
            interp_missing_data=self.background_interp_missing_data,
            **kwargs,
        )

    def make_edisp(self, geom, observation):
        """Energy-dispersion map (migration axis) on an IRF geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with axes ``migra`` and ``energy_true``.
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        edisp : `~gammaray.irf.EDispMap`
            Energy-dispersion map with its exposure map.
        """
        return self._make_edisp(geom, observation, "migra", make_edisp_map)

    def make_edisp_kernel(self, geom, observation):
        """Energy-dispersion kernel map on an IRF geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with axes ``energy`` and ``energy_true``.
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        edisp : `~gammaray.irf.EDispKernelMap`
            Kernel map with its exposure map.
        """
        return self._make_edisp(geom, observation, "energy", make_edisp_kernel_map)

    def _make_edisp(self, geom, observation, squash_axis, builder):
        """Dispersion map from IRF maps, or from the table with its exposure map."""
        edisp = observation.edisp
        if _is_irf_map(edisp):
            return _interp_irf_map(edisp, geom)
        use_region_center = getattr(self, "use_region_center", True)
        exposure = self.make_exposure_irf(
            geom.squash(axis_name=squash_axis), observation, use_region_center
        )
        return builder(
            edisp=edisp,
            pointing=self._pointing(observation),
            geom=geom,
            exposure_map=exposure,
            use_region_center=use_region_center,
        )

    def make_psf(self, geom, observation):
        """PSF map on an IRF geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with axes ``rad`` and ``energy_true`` (or ``energy`` for a
            `~gammaray.irf.RecoPSFMap` taken from IRF maps, e.g. HAWC).
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        psf : `~gammaray.irf.PSFMap`
            PSF map with its exposure map.
        """
        psf = observation.psf
        if _is_irf_map(psf):
            return _interp_irf_map(psf, geom)
        exposure = self.make_exposure_irf(geom.squash(axis_name="rad"), observation)
        return make_psf_map(
            psf=psf,
            pointing=self._pointing(observation),
            geom=geom,
            exposure_map=exposure,
        )

    @staticmethod
    def make_meta_table(observation):
        """One-row table of observation metadata (obs id, pointing, times).

        Parameters
        ----------
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        meta_table : `~astropy.table.Table`
            Table with columns ``TELESCOP``, ``OBS_ID``, ``RA_PNT``, ``DEC_PNT``
            and, if known, ``ALT_PNT``/``AZ_PNT``.
        """
        meta = getattr(observation, "meta", None) or {}
        table = Table()
        table["TELESCOP"] = [str(meta.get("TELESCOP", ""))]
        table["OBS_ID"] = [observation.obs_id if observation.obs_id is not None else -1]
        pointing = observation.pointing
        if pointing is not None:
            icrs = MapDatasetMaker._pointing(observation)
            table["RA_PNT"] = [icrs.ra.deg] * u.deg
            table["DEC_PNT"] = [icrs.dec.deg] * u.deg
        for key in ("ALT_PNT", "AZ_PNT"):
            if key in meta:
                table[key] = [float(meta[key])] * u.deg
        return table

    # ------------------------------------------------------------------ run
    def run(self, dataset, observation):
        """Make the selected maps for one observation.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Reference dataset whose geometries are used (usually empty).
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        dataset : `~gammaray.datasets.MapDataset`
            New dataset (same class, name and models) with the maps, the GTI,
            the meta table and an all-true safe mask.
        """
        return self._run_on_geoms(_ReferenceGeoms.from_dataset(dataset), observation)

    def _run_on_geoms(self, reference, observation):
        """`run` for a reference given by its geometries (`_ReferenceGeoms`)."""
        _check_energy_axis(reference.geom)
        self._check_irfs(observation, self.selection)
        _RUN_MEMO.pointing = None
        _RUN_MEMO.pointing = (observation, self._pointing(observation))
        try:
            return self._run(reference, observation)
        finally:
            _RUN_MEMO.pointing = None

    def _run(self, reference, observation):
        geom = reference.geom
        kwargs = {
            "gti": observation.gti,
            "meta_table": self.make_meta_table(observation),
        }
        mask_safe = Map.from_geom(geom, dtype=bool)
        mask_safe.data[...] = True
        kwargs["mask_safe"] = mask_safe

        if "counts" in self.selection:
            kwargs["counts"] = self.make_counts(geom, observation)
        else:
            kwargs["counts"] = Map.from_geom(geom, unit="")

        if "exposure" in self.selection:
            if reference.geom_exposure is None:
                raise AxisError(
                    "The reference dataset has no exposure map; create it with "
                    "MapDataset.create(geom, energy_axis_true=...)."
                )
            kwargs["exposure"] = self.make_exposure(
                reference.geom_exposure, observation
            )

        if "background" in self.selection:
            kwargs["background"] = self.make_background(geom, observation)

        if "psf" in self.selection and reference.geom_psf is not None:
            kwargs["psf"] = self.make_psf(reference.geom_psf, observation)

        edisp_geom = reference.geom_edisp
        if "edisp" in self.selection and edisp_geom is not None:
            if "migra" in edisp_geom.axes.names:
                kwargs["edisp"] = self.make_edisp(edisp_geom, observation)
            else:
                kwargs["edisp"] = self.make_edisp_kernel(edisp_geom, observation)

        meta = dict(reference.meta or {})
        if getattr(observation, "obs_id", None) is not None:
            meta["obs_id"] = observation.obs_id
        kwargs["meta"] = meta
        result = reference.cls(name=reference.name, **kwargs)
        if reference.models is not None:
            # models of the reference (e.g. sources to keep out of the FoV
            # background normalisation) carry over
            result.models = reference.models
        return result


class _ReferenceGeoms:
    """What `MapDatasetMaker` takes from a reference dataset: its class, name,
    models, meta and the geometries of its maps (data are not used)."""

    __slots__ = (
        "cls",
        "name",
        "models",
        "meta",
        "geom",
        "geom_exposure",
        "geom_psf",
        "geom_edisp",
    )

    def __init__(self, cls, name, geom, geom_exposure=None, geom_psf=None,
                 geom_edisp=None, models=None, meta=None):  # fmt: skip
        self.cls = cls
        self.name = name
        self.geom = geom
        self.geom_exposure = geom_exposure
        self.geom_psf = geom_psf
        self.geom_edisp = geom_edisp
        self.models = models
        self.meta = meta

    @property
    def geoms(self):
        """The geometries as keyword arguments of ``MapDataset.from_geoms``."""
        return {
            "geom": self.geom,
            "geom_exposure": self.geom_exposure,
            "geom_psf": self.geom_psf,
            "geom_edisp": self.geom_edisp,
        }

    def renamed(self, name):
        """The same reference under another dataset name."""
        return _ReferenceGeoms(
            cls=self.cls, name=name, models=self.models, meta=self.meta, **self.geoms
        )

    @classmethod
    def from_dataset(cls, dataset):
        """Geometries of a reference dataset."""
        return cls(
            cls=dataset.__class__,
            name=dataset.name,
            geom=dataset.counts.geom,
            geom_exposure=(
                dataset.exposure.geom if dataset.exposure is not None else None
            ),
            geom_psf=dataset.psf.psf_map.geom if dataset.psf is not None else None,
            geom_edisp=(
                dataset.edisp.edisp_map.geom if dataset.edisp is not None else None
            ),
            models=dataset.models,
            meta=getattr(dataset, "meta", None),
        )


# ----------------------------------------------------------------------------
# IRFs given as maps (HAWC-like data)
# ----------------------------------------------------------------------------
def _is_irf_map(irf):
    return hasattr(irf, "exposure_map") and hasattr(irf, "_irf_map")


def _interp_irf_map(irf_map, geom):
    """IRF map interpolated onto the spatial pixels of ``geom`` (axes kept)."""
    if geom.is_region or irf_map._irf_map.geom.is_allclose(geom):
        return (
            irf_map.copy()
            if not geom.is_region
            else irf_map.to_region_nd_map(geom.region)
        )
    image = geom.to_image()
    m = irf_map._irf_map
    new_geom = image.to_cube(list(m.geom.axes))
    data = m.interp_to_geom(new_geom)
    exposure = None
    if irf_map.exposure_map is not None:
        exposure = irf_map.exposure_map.interp_to_geom(
            image.to_cube(list(irf_map.exposure_map.geom.axes))
        )
    return irf_map.__class__(data, exposure)


def _n_transits(aeff_map, observation):
    for source in (
        getattr(aeff_map, "meta", None) or {},
        getattr(observation, "meta", {}) or {},
    ):
        for key in ("TRANSITS", "N_TRANSITS", "NTRANSIT"):
            if key in source:
                return float(source[key])
    transits = getattr(observation, "transits", None)
    if transits is not None:
        return transits
    return None


def _exposure_from_aeff_map(aeff, geom, observation):
    """Exposure from an effective-area map (HAWC): aeff x transits (or x livetime)."""
    target = (
        geom.to_image().to_cube([geom.axes["energy_true"]])
        if not geom.is_region
        else geom
    )
    exposure = aeff.interp_to_geom(target)
    unit = exposure.unit
    transits = _n_transits(aeff, observation)
    if isinstance(transits, Map):
        transits = transits.interp_to_geom(target.to_image()).data
    if unit.physical_type == "area":
        # an effective area without time: exposure = area x live time
        exposure = exposure * observation.observation_live_time_duration
    elif transits is not None:
        # exposure per transit (area x time) x number of transits
        exposure = exposure * np.asarray(transits)
    data = np.broadcast_to(exposure.data, geom.data_shape)
    return Map.from_geom(
        geom, data=np.array(data, dtype=float), unit=exposure.unit
    ).to_unit("m2 s")
