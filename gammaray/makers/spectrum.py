"""`SpectrumDatasetMaker`: reduce one observation to a `~gammaray.datasets.SpectrumDataset`."""

import logging

import astropy.units as u
import numpy as np

from gammaray.maps import Map
from gammaray.utils.errors import InvalidDataError, InvalidModelError

from ._irf_eval import offsets_deg
from .map import MapDatasetMaker, _obs_label
from .utils import _energy_first_shape, make_counts_rad_max, make_map_background_irf

__all__ = ["SpectrumDatasetMaker"]

log = logging.getLogger(__name__)


def _is_point_region(geom):
    from regions import PointSkyRegion

    return isinstance(geom.region, PointSkyRegion)


class SpectrumDatasetMaker(MapDatasetMaker):
    """Make the maps of a `~gammaray.datasets.SpectrumDataset` (ON region) from an observation.

    Parameters
    ----------
    selection : list of str, optional
        Maps to make, a subset of ``["counts", "exposure", "background",
        "edisp"]`` (default ``["counts", "exposure", "edisp"]``).
    containment_correction : bool
        Multiply the exposure by the fraction of the PSF contained in the
        (circular) ON region at each true energy (full-enclosure IRFs only).
    background_oversampling : int, optional
        Spatial oversampling of the background evaluation (unused for regions).
    use_region_center : bool
        Evaluate the IRFs at the region centre (True) or average them over the
        region (False).

    Notes
    -----
    For point-like IRFs with a direction cut (``RAD_MAX``) on a
    `~regions.PointSkyRegion`, counts are taken within ``rad_max(E)`` of the
    region centre in each energy bin and the background is integrated over the
    same solid angle.
    """

    tag = "SpectrumDatasetMaker"
    available_selection = ["counts", "background", "exposure", "edisp"]

    def __init__(
        self,
        selection=None,
        containment_correction=False,
        background_oversampling=None,
        use_region_center=True,
    ):
        if selection is None:
            selection = ["counts", "exposure", "edisp"]
        self.containment_correction = containment_correction
        self.use_region_center = use_region_center
        super().__init__(
            selection=selection, background_oversampling=background_oversampling
        )

    # ------------------------------------------------------------------ checks
    @staticmethod
    def _check_in_fov(geom, observation):
        aeff = observation.aeff
        if aeff is None or not getattr(aeff, "has_offset_axis", False):
            return
        pointing = observation.get_pointing_icrs(observation.tmid)
        offset = float(offsets_deg(geom.center_skydir.reshape((1,)), pointing)[0])
        offset_max = aeff.axes["offset"].edges[-1].to_value("deg")
        if offset > offset_max:
            raise InvalidDataError(
                f"The ON region centre is {offset:.2f} deg from the pointing of "
                f"{_obs_label(observation).lower()}, outside its field of view (IRFs "
                f"up to {offset_max:.2f} deg); choose observations that cover the region."
            )

    # ------------------------------------------------------------------ makers
    def make_counts(self, geom, observation):
        """Counts in the ON region (within ``rad_max(E)`` for point-like IRFs).

        Parameters
        ----------
        geom : `~gammaray.maps.RegionGeom`
            Geometry with an ``energy`` axis.
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        counts : `~gammaray.maps.RegionNDMap`
            Counts.
        """
        if _is_point_region(geom):
            rad_max = observation.rad_max
            if rad_max is None:
                raise InvalidDataError(
                    f"{_obs_label(observation)} has no RAD_MAX: counts in a point region "
                    "need point-like IRFs with a direction cut; use a circular region."
                )
            return make_counts_rad_max(geom, rad_max, observation.events)
        return MapDatasetMaker.make_counts(geom, observation)

    def make_exposure(self, geom, observation, use_region_center=None):
        """Exposure, optionally corrected for the PSF containment in the region.

        Parameters
        ----------
        geom : `~gammaray.maps.RegionGeom`
            Geometry with an ``energy_true`` axis.
        observation : `~gammaray.data.Observation`
            Observation.
        use_region_center : bool, optional
            Default the maker's ``use_region_center``.

        Returns
        -------
        exposure : `~gammaray.maps.RegionNDMap`
            Exposure (``m2 s``).
        """
        if use_region_center is None:
            use_region_center = self.use_region_center
        exposure = super().make_exposure(geom, observation, use_region_center)
        aeff = observation.aeff
        is_pointlike = bool(getattr(aeff, "is_pointlike", False))
        exposure.meta["is_pointlike"] = is_pointlike
        if is_pointlike and not use_region_center:
            log.warning(
                "Point-like IRFs are evaluated at the region centre only; "
                "use_region_center=False has no effect on their direction cut."
            )
        if self.containment_correction:
            from regions import CircleSkyRegion

            if is_pointlike:
                raise InvalidModelError(
                    "Cannot apply a containment correction with point-like IRFs; set "
                    "containment_correction=False."
                )
            if not isinstance(geom.region, CircleSkyRegion):
                raise TypeError(
                    "The containment correction needs a circular ON region "
                    f"(CircleSkyRegion), got {type(geom.region).__name__}."
                )
            pointing = observation.get_pointing_icrs(observation.tmid)
            offset = geom.center_skydir.separation(pointing)
            energy = geom.axes["energy_true"].center
            containment = observation.psf.containment(
                rad=geom.region.radius, energy_true=energy, offset=offset
            )
            containment = np.asarray(containment, dtype=float).reshape(energy.shape)
            shape = _energy_first_shape(geom, "energy_true")
            exposure.data = exposure.data * containment.reshape(shape)
        return exposure

    def make_background(self, geom, observation):
        """Background in the ON region (within ``rad_max(E)`` for point-like IRFs).

        Parameters
        ----------
        geom : `~gammaray.maps.RegionGeom`
            Geometry with an ``energy`` axis.
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        background : `~gammaray.maps.RegionNDMap`
            Predicted background counts.
        """
        if not _is_point_region(geom):
            return super().make_background(geom, observation)
        rad_max = observation.rad_max
        if rad_max is None:
            raise InvalidDataError(
                f"{_obs_label(observation)} has no RAD_MAX: the background in a point "
                "region needs point-like IRFs with a direction cut."
            )
        energy = geom.axes["energy"].center
        pointing = observation.get_pointing_icrs(observation.tmid)
        offset = geom.center_skydir.separation(pointing)
        cut = rad_max.evaluate(method="nearest", energy=energy, offset=offset)
        cut = np.broadcast_to(u.Quantity(cut).to_value("rad").ravel(), energy.shape)
        solid_angle = 2 * np.pi * (1 - np.cos(cut)) * u.sr
        return make_map_background_irf(
            pointing=observation.pointing,
            ontime=observation.observation_time_duration,
            bkg=observation.bkg,
            geom=geom,
            use_region_center=True,
            obstime=observation.tmid,
            fov_rotation_step=self.fov_rotation_step,
            time_start=observation.tstart,
            time_stop=observation.tstop,
            interp_missing_data=self.background_interp_missing_data,
            solid_angle=solid_angle,
        )

    def run(self, dataset, observation):
        """Make the selected maps for one observation in the ON region.

        Parameters
        ----------
        dataset : `~gammaray.datasets.SpectrumDataset`
            Reference dataset (region geometry).
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        dataset : `~gammaray.datasets.SpectrumDataset`
            New dataset with the maps.
        """
        geom = dataset.counts.geom
        if geom.is_region:
            self._check_in_fov(geom, observation)
        result = super().run(dataset, observation)
        if "counts" not in self.selection:
            result.counts = Map.from_geom(geom, unit="")
        return result
