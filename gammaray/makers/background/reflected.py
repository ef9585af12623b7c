"""Reflected-regions background estimation for 1D (spectrum) datasets."""

import logging

import numpy as np
from astropy.coordinates import Angle

from gammaray.datasets import SpectrumDatasetOnOff
from gammaray.makers.core import Maker
from gammaray.utils.errors import MissingIRFError

from ._finders import (
    ReflectedRegionsFinder,
    RegionsFinder,
    WobbleRegionsFinder,
    _region_center,
    check_exclusion_mask,
    warn_if_other_frame,
)

__all__ = [
    "ReflectedRegionsBackgroundMaker",
    "ReflectedRegionsFinder",
    "RegionsFinder",
    "WobbleRegionsFinder",
]

log = logging.getLogger(__name__)


def _histogram_energy(events, edges):
    """Counts of events per energy bin, bins closed on the left (``[lo, hi)``)."""
    unit = edges.unit
    energy = events.energy.to_value(unit)
    idx = np.searchsorted(edges.value, energy, side="right") - 1
    nbin = len(edges) - 1
    valid = (idx >= 0) & (idx < nbin)
    return np.bincount(idx[valid], minlength=nbin).astype(float)


def _pointing_icrs(observation):
    """Pointing position of an observation (ICRS) at mid-time."""
    try:
        return observation.get_pointing_icrs(observation.tmid)
    except (AttributeError, TypeError, ValueError, KeyError):
        pass
    pointing = getattr(observation, "pointing", None)
    if pointing is not None:
        try:
            return pointing.get_icrs()
        except (AttributeError, TypeError, ValueError):
            pass
    return observation.events.pointing_radec.icrs


def _max_offset(observation):
    """Field-of-view radius: largest offset of the effective-area table (or of events)."""
    try:
        aeff = observation.aeff
    except Exception:
        aeff = None
    if aeff is not None and "offset" in aeff.axes.names:
        return Angle(aeff.axes["offset"].edges[-1])
    events = observation.events
    if len(events) == 0:
        return None
    return Angle(np.max(events.offset.to_value("deg")), "deg")


class ReflectedRegionsBackgroundMaker(Maker):
    """Background estimate from OFF regions reflected about the pointing position.

    The ON region of a `~gammaray.datasets.SpectrumDataset` is rotated about the
    pointing position (`ReflectedRegionsFinder` by default, or the given region
    finder); the events in the OFF regions are the OFF counts, the acceptance is
    1 and the OFF acceptance is the number of OFF regions (a radially symmetric
    acceptance is assumed).

    For point-like IRFs the ON region is a `~regions.PointSkyRegion` and the
    ON/OFF regions are circles of radius ``RAD_MAX(E, offset)``: OFF regions
    are found for a circle of the largest ``RAD_MAX`` of the energy axis (so they
    never overlap at any energy) and the OFF events are selected per event with
    `~gammaray.data.EventList.select_rad_max`.

    When no OFF region can be placed (all overlap the exclusion mask), or the
    ON region lies outside the field of view (offset above the largest offset
    of the effective area), a warning is logged and the dataset has
    ``counts_off = 0`` and ``acceptance_off = 0``.

    Parameters
    ----------
    region_finder : `RegionsFinder`, optional
        Finder of OFF regions; default ``ReflectedRegionsFinder(**kwargs)``.
    exclusion_mask : `~gammaray.maps.WcsNDMap`, optional
        Boolean mask, False where OFF regions must not lie (sources). Integer
        masks are accepted (non-zero = usable) with a warning.
    **kwargs : dict
        Passed to `ReflectedRegionsFinder` (only without ``region_finder``).
    """

    tag = "ReflectedRegionsBackgroundMaker"

    def __init__(self, region_finder=None, exclusion_mask=None, **kwargs):
        if region_finder is None:
            region_finder = ReflectedRegionsFinder(**kwargs)
        elif kwargs:
            raise ValueError(
                f"Arguments {sorted(kwargs)} are for the default ReflectedRegionsFinder; "
                "they cannot be combined with region_finder (configure the finder instead)."
            )
        if not isinstance(region_finder, RegionsFinder):
            raise TypeError(
                f"region_finder must be a RegionsFinder, got {type(region_finder).__name__}."
            )
        self.region_finder = region_finder
        self.exclusion_mask = check_exclusion_mask(exclusion_mask)

    # ------------------------------------------------------------------ helpers
    def _on_region(self, dataset):
        geom = dataset.counts.geom
        region = getattr(geom, "region", None)
        if region is None:
            raise ValueError(
                f"Dataset {dataset.name!r} has no ON region; the reflected-regions method "
                "needs a SpectrumDataset on a RegionGeom (RegionGeom.create(region, axes=...))."
            )
        return region

    def _rad_max_region(self, on_region, dataset, observation, pointing):
        """ON circle of the largest RAD_MAX for point-like IRFs."""
        from regions import CircleSkyRegion

        rad_max = observation.rad_max
        if rad_max is None:
            raise MissingIRFError(
                f"The ON region of dataset {dataset.name!r} is a point; observation "
                f"{observation.obs_id} must have a RAD_MAX (point-like IRFs). Use a "
                "circle ON region for full-enclosure IRFs."
            )
        edges = dataset.counts.geom.axes["energy"].edges
        offset = on_region.center.separation(pointing)
        values = rad_max.evaluate(method="nearest", energy=edges, offset=offset)
        return CircleSkyRegion(on_region.center, Angle(np.max(values))), rad_max

    def _find_regions(self, region, pointing):
        warn_if_other_frame(
            self.exclusion_mask, _region_center(region).frame.name, "the ON region"
        )
        return self.region_finder.run(
            region=region, center=pointing, exclusion_mask=self.exclusion_mask
        )

    def make_counts_off(self, dataset, observation):
        """OFF counts and OFF acceptance.

        Parameters
        ----------
        dataset : `~gammaray.datasets.SpectrumDataset`
            Dataset with the ON region geometry and reconstructed-energy axis.
        observation : `~gammaray.data.Observation`
            Observation (events, pointing, RAD_MAX for point-like IRFs).

        Returns
        -------
        counts_off : `~gammaray.maps.RegionNDMap`
            OFF counts per energy bin; its geometry holds the OFF regions (or
            the ON geometry when there is none).
        acceptance_off : `~gammaray.maps.RegionNDMap`
            Number of OFF regions per energy bin.
        """
        from regions import PointSkyRegion

        from gammaray.maps import RegionGeom, RegionNDMap

        geom = dataset.counts.geom
        energy_axis = geom.axes["energy"]
        on_region = self._on_region(dataset)
        pointing = _pointing_icrs(observation)
        is_point = isinstance(on_region, PointSkyRegion)

        counts_dtype = np.asarray(dataset.counts.data).dtype
        empty_counts = RegionNDMap.from_geom(
            geom, data=np.zeros(geom.data_shape), dtype=counts_dtype
        )
        empty_acceptance = RegionNDMap.from_geom(geom, data=np.zeros(geom.data_shape))

        on_center = _region_center(on_region)
        offset = on_center.separation(pointing)
        fov = _max_offset(observation)
        if fov is not None and offset > fov:
            log.warning(
                "ReflectedRegionsBackgroundMaker: the ON region of dataset %r is at offset "
                "%.3f deg, outside the field of view (%.3f deg) of observation %s; "
                "counts_off and acceptance_off are set to 0.",
                dataset.name,
                offset.deg,
                fov.deg,
                getattr(observation, "obs_id", "?"),
            )
            return empty_counts, empty_acceptance

        if is_point:
            finder_region, rad_max = self._rad_max_region(
                on_region, dataset, observation, pointing
            )
        else:
            finder_region, rad_max = on_region, None
        regions, wcs = self._find_regions(finder_region, pointing)

        if not regions:
            log.warning(
                "ReflectedRegionsBackgroundMaker failed: no OFF region found outside the "
                "exclusion mask for dataset %r; counts_off and acceptance_off are set to 0.",
                dataset.name,
            )
            return empty_counts, empty_acceptance

        events = observation.events
        edges = energy_axis.edges
        if is_point:
            data = np.zeros(energy_axis.nbin)
            for region in regions:
                selected = events.select_rad_max(rad_max, position=region.center)
                data += _histogram_energy(selected, edges)
        else:
            data = _histogram_energy(events.select_region(regions, wcs=wcs), edges)

        try:
            geom_off = RegionGeom.from_regions(regions, axes=[energy_axis], wcs=wcs)
            if tuple(geom_off.data_shape) != tuple(geom.data_shape):
                geom_off = geom
        except Exception:
            geom_off = geom
        counts_off = RegionNDMap.from_geom(
            geom_off,
            data=data.reshape(geom.data_shape).astype(counts_dtype),
            dtype=counts_dtype,
        )
        acceptance_off = RegionNDMap.from_geom(
            geom, data=np.full(geom.data_shape, float(len(regions)))
        )
        return counts_off, acceptance_off

    def run(self, dataset, observation):
        """Make the ON/OFF dataset.

        Parameters
        ----------
        dataset : `~gammaray.datasets.SpectrumDataset`
            Dataset (ON counts, exposure, energy dispersion).
        observation : `~gammaray.data.Observation`
            Observation.

        Returns
        -------
        dataset_onoff : `~gammaray.datasets.SpectrumDatasetOnOff`
            Dataset with ``acceptance = 1``, ``acceptance_off`` = number of OFF
            regions and the OFF counts.
        """
        counts_off, acceptance_off = self.make_counts_off(dataset, observation)
        return SpectrumDatasetOnOff.from_spectrum_dataset(
            dataset=dataset,
            acceptance=1,
            acceptance_off=acceptance_off,
            counts_off=counts_off,
        )
