"""Background estimation from pulsar phase intervals."""

import copy
import logging

import numpy as np

from gammaray.datasets import MapDatasetOnOff, SpectrumDataset, SpectrumDatasetOnOff
from gammaray.makers.core import Maker

__all__ = ["PhaseBackgroundMaker"]

log = logging.getLogger(__name__)


def _normalise_intervals(intervals, name):
    """List of ``(lo, hi)`` phase intervals within [0, 1]; wrapping intervals are split.

    An interval with ``lo > hi`` (e.g. ``(0.9, 0.1)``) wraps across phase 1 and
    becomes ``(lo, 1)`` and ``(0, hi)``.
    """
    if intervals is None:
        raise ValueError(f"{name} must be given, e.g. [(0.1, 0.2)].")
    arr = np.asarray(intervals, dtype=float)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"{name} must be an interval (lo, hi) or a list of them, got {intervals!r}."
        )
    if np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie within [0, 1], got {intervals!r}.")
    result = []
    for lo, hi in arr:
        if lo > hi:
            result.extend([(float(lo), 1.0), (0.0, float(hi))])
        else:
            result.append((float(lo), float(hi)))
    return result


class PhaseBackgroundMaker(Maker):
    """Background from OFF phase intervals of a pulsar (same sky region).

    Events with a phase in the ON intervals are the ON counts, those in the OFF
    intervals the OFF counts; ``acceptance`` and ``acceptance_off`` are the
    total ON and OFF phase widths. Intervals are half-open ``[lo, hi)``; an
    interval with ``lo > hi`` wraps across phase 1.

    Parameters
    ----------
    on_phase : tuple or list of tuple
        ON phase interval(s), e.g. ``(0.5, 0.6)`` or ``[(0.9, 0.1), (0.4, 0.5)]``.
    off_phase : tuple or list of tuple
        OFF phase interval(s).
    phase_column_name : str
        Name of the phase column of the event list.
    """

    tag = "PhaseBackgroundMaker"

    def __init__(self, on_phase, off_phase, phase_column_name="PHASE"):
        self.on_phase = _normalise_intervals(on_phase, "on_phase")
        self.off_phase = _normalise_intervals(off_phase, "off_phase")
        self.phase_column_name = phase_column_name

    def __str__(self):
        return (
            f"{type(self).__name__}\n{'-' * len(type(self).__name__)}\n\n"
            f"\ton_phase          : {self.on_phase}\n"
            f"\toff_phase         : {self.off_phase}\n"
            f"\tphase_column_name : {self.phase_column_name}\n"
        )

    def _phase_mask(self, events, intervals):
        names = events.table.colnames
        if self.phase_column_name not in names:
            raise KeyError(
                f"The event list has no column {self.phase_column_name!r} (columns: "
                f"{names}); compute the pulsar phase first or set phase_column_name."
            )
        phase = np.asarray(events.table[self.phase_column_name], dtype=float)
        mask = np.zeros(phase.shape, dtype=bool)
        for lo, hi in intervals:
            mask |= (phase >= lo) & (phase < hi)
            if hi == 1.0:
                mask |= phase == 1.0
        return mask

    def _make_counts(self, dataset, observation, intervals):
        from regions import PointSkyRegion

        from gammaray.maps import Map

        geom = dataset.counts.geom
        events = observation.events
        events = events.select_row_subset(self._phase_mask(events, intervals))
        region = getattr(geom, "region", None)
        if isinstance(region, PointSkyRegion):
            rad_max = observation.rad_max
            if rad_max is None:
                raise ValueError(
                    f"Dataset {dataset.name!r} has a point ON region but observation "
                    f"{observation.obs_id} has no RAD_MAX; use a circle ON region."
                )
            events = events.select_rad_max(rad_max, position=region.center)
            # the point region contains no event position: fill by energy only
            counts = Map.from_geom(geom, dtype=np.asarray(dataset.counts.data).dtype)
            edges = geom.axes["energy"].edges
            energy = events.energy.to_value(edges.unit)
            idx = np.searchsorted(edges.value, energy, side="right") - 1
            valid = (idx >= 0) & (idx < len(edges) - 1)
            hist = np.bincount(idx[valid], minlength=len(edges) - 1)
            counts.data = hist.reshape(geom.data_shape).astype(counts.data.dtype)
            return counts
        counts = Map.from_geom(geom, dtype=np.asarray(dataset.counts.data).dtype)
        counts.fill_events(events)
        return counts

    def make_counts(self, dataset, observation):
        """ON counts: events in the ON phase intervals, binned like the dataset counts.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset` or `~gammaray.datasets.SpectrumDataset`
            Dataset defining the geometry.
        observation : `~gammaray.data.Observation`
            Observation with a phase column in its events.

        Returns
        -------
        counts : `~gammaray.maps.Map`
            ON counts.
        """
        return self._make_counts(dataset, observation, self.on_phase)

    def make_counts_off(self, dataset, observation):
        """OFF counts: events in the OFF phase intervals (see `make_counts`)."""
        return self._make_counts(dataset, observation, self.off_phase)

    def run(self, dataset, observation):
        """Make the ON/OFF dataset.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset` or `~gammaray.datasets.SpectrumDataset`
            Dataset (exposure, IRFs; the counts are replaced by the ON-phase counts).
        observation : `~gammaray.data.Observation`
            Observation with a phase column in its events.

        Returns
        -------
        dataset_onoff : `~gammaray.datasets.MapDatasetOnOff` or `~gammaray.datasets.SpectrumDatasetOnOff`
            ON/OFF dataset of the matching kind.
        """
        from gammaray.maps import Map

        geom = dataset.counts.geom
        counts = self.make_counts(dataset, observation)
        counts_off = self.make_counts_off(dataset, observation)
        on_width = float(sum(hi - lo for lo, hi in self.on_phase))
        off_width = float(sum(hi - lo for lo, hi in self.off_phase))
        acceptance = Map.from_geom(geom, data=np.full(geom.data_shape, on_width))
        acceptance_off = Map.from_geom(geom, data=np.full(geom.data_shape, off_width))
        # shallow copy: the input dataset is left unchanged
        dataset = copy.copy(dataset)
        dataset.counts = counts
        if isinstance(dataset, SpectrumDataset):
            return SpectrumDatasetOnOff.from_spectrum_dataset(
                dataset=dataset,
                acceptance=acceptance,
                acceptance_off=acceptance_off,
                counts_off=counts_off,
            )
        return MapDatasetOnOff.from_map_dataset(
            dataset=dataset,
            acceptance=acceptance,
            acceptance_off=acceptance_off,
            counts_off=counts_off,
        )
