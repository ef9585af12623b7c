"""Non-spatial map axes: `MapAxis`, `LabelMapAxis`, `TimeMapAxis` and `MapAxes`.

The implementation is split over private modules (``_axis_*.py``); import the
public classes from here (or from `gammaray.maps`).
"""

from ._axis_axes import MapAxes
from ._axis_label import LabelMapAxis
from ._axis_map import MapAxis
from ._axis_time import TimeMapAxis

__all__ = ["MapAxis", "MapAxes", "LabelMapAxis", "TimeMapAxis"]
