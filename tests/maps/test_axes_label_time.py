"""Tests of `LabelMapAxis` and `TimeMapAxis`."""

import astropy.units as u
import numpy as np
import pytest
from astropy.table import Table
from astropy.time import Time
from numpy.testing import assert_allclose, assert_array_equal

from gammaray.maps.axes import LabelMapAxis, MapAxes, MapAxis, TimeMapAxis
from gammaray.utils.errors import AxisError, UnitMismatchError

T0 = Time("2020-01-01T00:00:00", scale="tt")


class StandInGTI:
    """Minimal object with the GTI interface used by TimeMapAxis.from_gti."""

    def __init__(self, start, stop):
        self.time_start = start
        self.time_stop = stop


# --------------------------------------------------------------------- LabelMapAxis
@pytest.fixture
def label_axis():
    return LabelMapAxis(["crab", "vela", "pks"], name="dataset")


def test_label_basic(label_axis):
    assert label_axis.nbin == 3
    assert label_axis.name == "dataset"
    assert list(label_axis.center) == ["crab", "vela", "pks"]
    assert_allclose(label_axis.edges.value, [-0.5, 0.5, 1.5, 2.5])
    assert label_axis.node_type == "label"
    assert label_axis.unit == u.dimensionless_unscaled
    assert not label_axis.is_energy_axis


def test_label_coord_conversions(label_axis):
    assert_array_equal(label_axis.coord_to_idx(["pks", "crab"]), [2, 0])
    assert_allclose(label_axis.coord_to_pix("vela"), 1.0)
    assert_array_equal(label_axis.pix_to_coord([0, 1.2, 2]), ["crab", "vela", "pks"])
    assert_array_equal(label_axis.pix_to_idx([-1, 0.2, 3]), [-1, 0, -1])
    with pytest.raises(AxisError, match="valid label"):
        label_axis.coord_to_idx(["geminga"])


def test_label_unique_required():
    with pytest.raises(AxisError, match="unique"):
        LabelMapAxis(["a", "a"])
    with pytest.raises(AxisError):
        LabelMapAxis([])


def test_label_squash_stack_concatenate(label_axis):
    assert list(label_axis.squash().center) == ["crab...pks"]
    other = LabelMapAxis(["geminga"], name="dataset")
    stacked = LabelMapAxis.from_stack([label_axis, other])
    assert list(stacked.center) == ["crab", "vela", "pks", "geminga"]
    assert label_axis.concatenate(other) == stacked
    with pytest.raises(AxisError, match="unique"):
        label_axis.concatenate(label_axis)
    with pytest.raises(AxisError, match="name"):
        LabelMapAxis.from_stack([label_axis, LabelMapAxis(["x"], name="other")])


def test_label_resample_and_slice(label_axis):
    resampled = label_axis.resample([["crab", "vela"], "pks"])
    assert list(resampled.center) == ["crab...vela", "pks"]
    assert list(label_axis.resample([[0, 1, 2]]).center) == ["crab...pks"]
    assert list(label_axis.slice(slice(1, None)).center) == ["vela", "pks"]
    assert list(label_axis.slice(0).center) == ["crab"]
    with pytest.raises(NotImplementedError):
        label_axis.upsample(2)


def test_label_equality_and_header(label_axis):
    assert label_axis == LabelMapAxis(["crab", "vela", "pks"], name="dataset")
    assert label_axis != LabelMapAxis(["crab", "pks", "vela"], name="dataset")
    assert label_axis != MapAxis([0, 1, 2, 3], name="dataset")
    assert label_axis.to_header(idx=1)["AXCOLS1"] == "DATASET"
    assert "crab" in repr(label_axis)


def test_label_table_roundtrip(label_axis):
    table = label_axis.to_table()
    assert list(table["DATASET"]) == ["crab", "vela", "pks"]
    assert LabelMapAxis.from_table(table, idx=0) == label_axis
    table["X"] = [1.0, 2.0, 3.0]
    table.meta["AXCOLS1"] = "X"
    with pytest.raises(TypeError):
        LabelMapAxis.from_table(table, idx=0)


def test_label_plot_format(label_axis):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    label_axis.format_plot_xaxis(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["crab", "vela", "pks"]
    plt.close(fig)


# --------------------------------------------------------------------- TimeMapAxis
@pytest.fixture
def gap_axis():
    # bins [0, 1] h, [2, 3] h, [3, 5] h: gap between 1 h and 2 h
    return TimeMapAxis([0, 2, 3] * u.h, [1, 3, 5] * u.h, T0)


def test_time_basic(gap_axis):
    assert gap_axis.name == "time"
    assert gap_axis.nbin == 3
    assert gap_axis.unit == u.h
    assert not gap_axis.is_contiguous
    assert_allclose(gap_axis.time_delta.to_value("h"), [1, 1, 2])
    assert_allclose((gap_axis.time_min - T0).to_value("h"), [0, 2, 3], atol=1e-9)
    assert_allclose((gap_axis.time_max - T0).to_value("h"), [1, 3, 5], atol=1e-9)
    assert_allclose((gap_axis.time_mid - T0).to_value("h"), [0.5, 2.5, 4], atol=1e-9)
    assert_allclose((gap_axis.time_bounds - T0).to_value("h"), [0, 5], atol=1e-9)
    assert_allclose(gap_axis.center.to_value("h"), [0.5, 2.5, 4])
    with pytest.raises(AxisError, match="gaps"):
        _ = gap_axis.time_edges


def test_time_coord_to_idx_gaps(gap_axis):
    times = T0 + [-1, 0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.9, 5.0, 6] * u.h
    assert_array_equal(gap_axis.coord_to_idx(times), [-1, 0, 0, 0, -1, 1, 2, 2, 2, -1])
    clipped = gap_axis.coord_to_idx(times, clip=True)
    # outside the axis clipped, gaps stay invalid
    assert_array_equal(clipped, [0, 0, 0, 0, -1, 1, 2, 2, 2, 2])


def test_time_coord_to_pix(gap_axis):
    pix = gap_axis.coord_to_pix(T0 + [0.5, 1.5, 3.0, 4.0] * u.h)
    assert_allclose(pix[[0, 2, 3]], [0.0, 1.5, 2.0], atol=1e-9)
    assert np.isnan(pix[1])
    # quantities are offsets from the reference time
    assert_allclose(gap_axis.coord_to_pix(150 * u.min), 1.0, atol=1e-9)
    with pytest.raises(UnitMismatchError):
        gap_axis.coord_to_pix(3 * u.m)


def test_time_pix_to_coord(gap_axis):
    times = gap_axis.pix_to_coord([0.0, 1.0, 2.25])
    assert_allclose((times - T0).to_value("h"), [0.5, 2.5, 4.5], atol=1e-9)
    assert_array_equal(gap_axis.pix_to_idx([-0.7, 0.2, 2.6]), [-1, 0, -1])


def test_time_validation():
    with pytest.raises(AxisError, match="overlap"):
        TimeMapAxis([0, 1] * u.h, [2, 3] * u.h, T0)
    with pytest.raises(AxisError, match="edges_max > edges_min"):
        TimeMapAxis([0, 1] * u.h, [0, 2] * u.h, T0)
    with pytest.raises(AxisError, match="sorted"):
        TimeMapAxis([2, 0] * u.h, [3, 1] * u.h, T0)
    with pytest.raises(UnitMismatchError):
        TimeMapAxis([0] * u.m, [1] * u.m, T0)


def test_time_from_time_edges_and_bounds():
    tmin = T0 + [0, 1, 2] * u.d
    tmax = T0 + [1, 2, 3] * u.d
    axis = TimeMapAxis.from_time_edges(tmin, tmax)
    assert axis.is_contiguous
    assert axis.unit == u.d
    assert_allclose((axis.time_edges - T0).to_value("d"), [0, 1, 2, 3], atol=1e-12)
    bounds = TimeMapAxis.from_time_bounds(T0, T0 + 6 * u.h, nbin=3, unit="h")
    assert_allclose(bounds.edges.to_value("h"), [0, 2, 4, 6])
    assert bounds == TimeMapAxis.from_time_edges(
        T0 + [0, 2, 4] * u.h, T0 + [2, 4, 6] * u.h, unit="h"
    )


def test_time_from_gti_standin():
    gti = StandInGTI(T0 + [0, 10] * u.min, T0 + [5, 20] * u.min)
    axis = TimeMapAxis.from_gti(gti)
    assert axis.nbin == 2
    assert not axis.is_contiguous
    assert_allclose(axis.time_delta.to_value("min"), [5, 10])
    assert_array_equal(axis.coord_to_idx(T0 + [2, 7, 15] * u.min), [0, -1, 1])
    bounds = TimeMapAxis.from_gti_bounds(gti, t_delta=4 * u.min)
    assert bounds.nbin == 5
    assert bounds.is_contiguous
    assert_allclose((bounds.time_bounds - T0).to_value("min"), [0, 20], atol=1e-6)


def test_time_to_contiguous(gap_axis):
    contiguous = gap_axis.to_contiguous()
    assert contiguous.is_contiguous
    assert_allclose(contiguous.edges.to_value("h"), [0, 1, 2, 3, 5])


def test_time_slice_squash_resample(gap_axis):
    assert_allclose(gap_axis.slice(slice(1, 3)).edges_min.to_value("h"), [2, 3])
    assert gap_axis.slice(-1).nbin == 1
    assert_allclose(gap_axis.slice([0, 2]).edges_max.to_value("h"), [1, 5])
    squashed = gap_axis.squash()
    assert squashed.nbin == 1
    assert_allclose(squashed.time_delta.to_value("h"), 5)
    up = gap_axis.upsample(2)
    assert up.nbin == 6
    assert_allclose(up.edges_min.to_value("h"), [0, 0.5, 2, 2.5, 3, 4])
    down = up.downsample(2)
    assert down == gap_axis
    with pytest.raises(AxisError, match="divisible"):
        gap_axis.downsample(2)
    assert gap_axis.downsample(2, strict=False).nbin == 2


def test_time_group_table(gap_axis):
    edges = T0 + [0, 1.5, 5, 6] * u.h
    groups = gap_axis.group_table(edges)
    assert_array_equal(groups["idx_min"], [0, 1, -1])
    assert_array_equal(groups["idx_max"], [0, 2, -1])
    assert [b.strip() for b in groups["bin_type"]] == ["normal", "normal", "overflow"]
    assert_allclose(groups["time_min"][0], T0.mjd)


def test_time_equality_independent_of_reference(gap_axis):
    shifted = TimeMapAxis([-1, 1, 2] * u.h, [0, 2, 4] * u.h, T0 + 1 * u.h)
    assert gap_axis == shifted
    assert gap_axis != gap_axis.squash()
    assert gap_axis != gap_axis.rename("t")
    assert "TimeMapAxis" in repr(gap_axis)


def test_time_header(gap_axis):
    header = gap_axis.to_header(idx=2)
    assert header["AXCOLS2"] == "TIME_MIN,TIME_MAX"
    assert header["MJDREFI"] == 58849
    assert header["TIMESYS"] == "TT"
    assert header["TIMEUNIT"] == "h"


def test_time_lightcurve_table_roundtrip(gap_axis):
    table = gap_axis.to_table(format="lightcurve")
    assert_allclose(table["time_min"], gap_axis.time_min.mjd)
    back = TimeMapAxis.from_table(table, format="lightcurve")
    assert back == gap_axis


def test_time_lightcurve_real_file(gammaray_data):
    path = gammaray_data / "estimators" / "pks2155_hess_lc" / "pks2155_hess_lc.fits"
    table = Table.read(path, hdu="FLUXPOINTS")
    axis = TimeMapAxis.from_table(table, format="lightcurve")
    assert axis.nbin == len(table)
    assert_array_equal(axis.time_min.mjd, np.asarray(table["time_min"]))
    assert_array_equal(axis.time_max.mjd, np.asarray(table["time_max"]))
    out = axis.to_table(format="lightcurve")
    assert_array_equal(np.asarray(out["time_min"]), np.asarray(table["time_min"]))
    axes = MapAxes.from_table(table, format="lightcurve")
    assert axes.names == ["energy", "time"]
    assert axes.shape == (1, len(table))


def test_time_plot_helpers(gap_axis):
    import matplotlib.pyplot as plt

    lo, hi = gap_axis.as_plot_xerr
    assert_allclose(lo.to_value("h"), [0.5, 0.5, 1])
    fig, ax = plt.subplots()
    gap_axis.format_plot_xaxis(ax)
    assert "Time" in ax.get_xlabel()
    plt.close(fig)
    assert len(gap_axis.as_plot_labels) == 3


def test_lightcurve_axes_table_roundtrip(gap_axis):
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    axes = MapAxes([energy, gap_axis])
    table = axes.to_table(format="lightcurve")
    assert len(table) == 3
    assert table["e_min"].shape == (3, 2)
    back = MapAxes.from_table(table, format="lightcurve")
    assert back["energy"] == energy
    assert back["time"] == gap_axis
