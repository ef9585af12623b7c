"""DL3 data: events, good time intervals, observations, pointing and the data store."""

from .data_store import DataStore
from .event_list import EventList
from .filters import ObservationFilter
from .gti import GTI
from .hdu_index_table import HDUIndexTable, HDULocation
from .obs_table import ObservationTable
from .observations import Observation, Observations
from .observatories import observatory_locations
from .pointing import FixedPointingInfo, PointingMode

__all__ = [
    "DataStore",
    "EventList",
    "FixedPointingInfo",
    "GTI",
    "HDUIndexTable",
    "HDULocation",
    "Observation",
    "ObservationFilter",
    "ObservationTable",
    "Observations",
    "PointingMode",
    "observatory_locations",
]
