"""Observation filters: time and event selections applied on access."""

import copy
import logging

from astropy.time import Time

from gammaray.utils.errors import InvalidDataError

__all__ = ["ObservationFilter"]

log = logging.getLogger(__name__)


class ObservationFilter:
    """Filter applied to the events and GTI of an observation when accessed.

    Parameters
    ----------
    time_filter : `~astropy.time.Time`, optional
        ``[start, stop]``: keep events and GTIs in this interval.
    event_filters : list of dict, optional
        Event selections, each ``{"type": kind, "opts": {...}}`` where
        ``kind`` is ``"sky_region"`` (``EventList.select_region``),
        ``"custom"`` (``EventList.select_parameter``) or the suffix of any
        ``EventList.select_<kind>`` method (``energy``, ``offset``, ...).

    Examples
    --------
    >>> from astropy.time import Time
    >>> from gammaray.data import ObservationFilter
    >>> f = ObservationFilter(
    ...     time_filter=Time(["2021-03-27T20:10:00", "2021-03-27T22:10:00"]),
    ...     event_filters=[{"type": "custom", "opts": {"parameter": "ENERGY", "band": [1, 10]}}],
    ... )
    """

    EVENT_FILTER_TYPES = {"sky_region": "select_region", "custom": "select_parameter"}

    def __init__(self, time_filter=None, event_filters=None):
        if time_filter is not None:
            time_filter = Time(time_filter)
            if time_filter.shape != (2,):
                raise InvalidDataError(
                    f"time_filter must be Time([start, stop]), got shape {time_filter.shape}."
                )
        self.time_filter = time_filter
        self.event_filters = list(event_filters) if event_filters else []

    @property
    def is_active(self):
        """Whether any filter is set."""
        return self.time_filter is not None or bool(self.event_filters)

    def __repr__(self):
        return (
            f"{type(self).__name__}(time_filter={self.time_filter!r}, "
            f"event_filters={self.event_filters!r})"
        )

    def copy(self):
        """A deep copy."""
        return copy.deepcopy(self)

    def filter_events(self, events):
        """Apply the time and event filters to an `~gammaray.data.EventList`."""
        if events is None:
            return None
        if self.time_filter is not None:
            events = events.select_time(self.time_filter)
        for event_filter in self.event_filters:
            kind = event_filter["type"]
            method = self.EVENT_FILTER_TYPES.get(kind, f"select_{kind}")
            if not hasattr(events, method):
                raise InvalidDataError(
                    f"Unknown event filter type {kind!r}; use 'sky_region', 'custom' "
                    "or an EventList.select_<type> suffix."
                )
            events = getattr(events, method)(**event_filter.get("opts", {}))
        return events

    def filter_gti(self, gti):
        """Apply the time filter to a `~gammaray.data.GTI`."""
        if gti is None or self.time_filter is None:
            return gti
        return gti.select_time(self.time_filter)
