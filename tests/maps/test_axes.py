"""Tests of `gammaray.maps.axes.MapAxis` (construction, pixel/coord conversions, resampling)."""

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from gammaray.maps.axes import MapAxis
from gammaray.utils.errors import AxisError, UnitMismatchError


@pytest.fixture
def log_axis():
    return MapAxis.from_edges([1, 10, 100] * u.TeV, interp="log", name="energy")


# --------------------------------------------------------------------- construction
def test_basic_properties(log_axis):
    assert log_axis.name == "energy"
    assert log_axis.unit == u.TeV
    assert log_axis.nbin == 2
    assert log_axis.node_type == "edges"
    assert log_axis.interp == "log"
    assert log_axis.is_energy_axis
    assert_array_equal(log_axis.edges.value, [1, 10, 100])
    assert_array_equal(log_axis.edges_min.value, [1, 10])
    assert_array_equal(log_axis.edges_max.value, [10, 100])
    assert_array_equal(log_axis.bounds.value, [1, 100])
    assert_allclose(log_axis.bin_width.to_value("TeV"), [9, 90])


def test_unit_from_string_and_quantity():
    axis = MapAxis([0, 1, 2], unit="deg", name="x")
    assert axis.unit == u.deg
    axis = MapAxis([0, 60, 120] * u.arcmin, unit="deg")
    assert axis.unit == u.deg
    assert_allclose(axis.edges.value, [0, 1, 2])


@pytest.mark.parametrize(
    ("nodes", "kwargs", "match"),
    [
        ([1, 3, 2], {}, "strictly increasing"),
        ([3, 2, 1], {}, "strictly increasing"),
        ([1, 1, 2], {}, "strictly increasing"),
        ([0, 1, 2], {"interp": "log"}, "positive"),
        ([-1, 1, 2], {"interp": "log"}, "positive"),
        ([-1, 1], {"interp": "sqrt"}, "non-negative"),
        ([1], {}, "at least two edges"),
        ([1, np.nan], {}, "finite"),
        ([1, 2], {"interp": "cubic"}, "interpolation"),
        ([1, 2], {"node_type": "bins"}, "node_type"),
    ],
)
def test_invalid_nodes_raise_axis_error(nodes, kwargs, match):
    with pytest.raises(AxisError, match=match):
        MapAxis(nodes, **kwargs)


def test_axis_error_is_value_error():
    with pytest.raises(ValueError):
        MapAxis([2, 1])


def test_name_must_be_str():
    with pytest.raises(TypeError):
        MapAxis([1, 2], name=3)


def test_single_center_node_not_allowed():
    with pytest.raises(AxisError, match="single bin"):
        MapAxis.from_nodes([5.0], unit="deg", name="x")
    with pytest.raises(AxisError, match="single bin"):
        MapAxis.from_bounds(1, 2, 1, node_type="center")


def test_list_of_quantities():
    axis = MapAxis([1 * u.TeV, 2000 * u.GeV])
    assert axis.unit == u.TeV
    assert_allclose(axis.edges.value, [1, 2])


def test_from_bounds_lin():
    axis = MapAxis.from_bounds(0, 10, nbin=5, unit="deg", name="x")
    assert_allclose(axis.edges.value, [0, 2, 4, 6, 8, 10])
    assert_allclose(axis.center.value, [1, 3, 5, 7, 9])
    assert axis.unit == u.deg


def test_from_bounds_quantity_and_center():
    axis = MapAxis.from_bounds(
        1 * u.TeV, 100 * u.TeV, nbin=3, interp="log", node_type="center"
    )
    assert axis.node_type == "center"
    assert_allclose(axis.center.value, [1, 10, 100])
    assert axis.unit == u.TeV
    # edges are half way in log between nodes, extrapolated at the ends
    assert_allclose(axis.edges.value, [10**-0.5, 10**0.5, 10**1.5, 10**2.5])


def test_from_bounds_sqrt():
    axis = MapAxis.from_bounds(0, 16, nbin=2, interp="sqrt")
    assert_allclose(axis.edges.value, [0, 4, 16])
    # centre of bin 0: ((0 + 2) / 2) ** 2 = 1
    assert_allclose(axis.center.value, [1, 9])


def test_from_bounds_errors():
    with pytest.raises(AxisError, match="positive integer"):
        MapAxis.from_bounds(0, 1, nbin=0)
    with pytest.raises(AxisError, match="larger"):
        MapAxis.from_bounds(2, 1, nbin=2)


def test_from_energy_bounds_strings():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    assert axis.name == "energy"
    assert axis.interp == "log"
    assert axis.unit == u.TeV
    assert_allclose(axis.edges.value, [1, np.sqrt(10), 10])
    # centre of bin 0 is the geometric mean sqrt(1 * sqrt(10)) = 10 ** 0.25
    assert_allclose(axis.center.value, [10**0.25, 10**0.75])


def test_from_energy_bounds_unit_and_name():
    axis = MapAxis.from_energy_bounds(
        100 * u.GeV, 10 * u.TeV, 2, unit="GeV", name="energy_true"
    )
    assert axis.unit == u.GeV
    assert axis.name == "energy_true"
    assert_allclose(axis.edges.value, [100, 1000, 10000])


def test_from_energy_bounds_per_decade():
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=5, per_decade=True)
    assert axis.nbin == 10
    assert_allclose(axis.nbin_per_decade, 5)
    # 1.5 decades * 4 = 6 bins with strict bounds
    axis = MapAxis.from_energy_bounds(
        "1 TeV", f"{10**1.4} TeV", nbin=4, per_decade=True
    )
    assert axis.nbin == 6
    assert_allclose(axis.edges[-1].value, 10**1.4)
    axis = MapAxis.from_energy_bounds(
        "1 TeV", f"{10**1.4} TeV", nbin=4, per_decade=True, strict_bounds=False
    )
    assert axis.nbin == 6
    assert_allclose(axis.edges[-1].value, 10**1.5)
    assert_allclose(axis.nbin_per_decade, 4)


def test_from_energy_bounds_errors():
    with pytest.raises(UnitMismatchError):
        MapAxis.from_energy_bounds("1 deg", "10 deg", 3)
    with pytest.raises(AxisError, match="energy"):
        MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3, name="offset")


def test_from_energy_edges():
    axis = MapAxis.from_energy_edges([1, 2, 4] * u.TeV)
    assert axis.name == "energy"
    assert axis.interp == "log"
    axis = MapAxis.from_energy_edges(
        [1, 2, 4], unit="GeV", name="energy_true", interp="lin"
    )
    assert axis.unit == u.GeV
    assert axis.interp == "lin"
    with pytest.raises(UnitMismatchError):
        MapAxis.from_energy_edges([1, 2] * u.m)


def test_nbin_per_decade_requires_log():
    with pytest.raises(AxisError, match="log"):
        _ = MapAxis.from_bounds(0, 1, 2).nbin_per_decade


# --------------------------------------------------------------------- conversions
@pytest.mark.parametrize(
    ("interp", "edges", "center0"),
    [
        ("lin", [1.0, 3.0, 5.0], 2.0),
        ("log", [1.0, 100.0, 10000.0], 10.0),
        ("sqrt", [1.0, 9.0, 25.0], 4.0),
    ],
)
def test_pix_coord_edges_all_interps(interp, edges, center0):
    axis = MapAxis(edges, interp=interp)
    assert_allclose(axis.coord_to_pix(edges), [-0.5, 0.5, 1.5])
    assert_allclose(axis.coord_to_pix(center0), 0.0, atol=1e-12)
    assert_allclose(
        axis.pix_to_coord([-0.5, 0.0, 0.5, 1.5]), [edges[0], center0, *edges[1:]]
    )
    assert_allclose(axis.center.value[0], center0)


@pytest.mark.parametrize("interp", ["lin", "log", "sqrt"])
def test_pix_coord_roundtrip(interp):
    axis = MapAxis.from_bounds(1, 50, nbin=7, interp=interp)
    pix = np.linspace(-0.5, 6.5, 29)
    assert_allclose(axis.coord_to_pix(axis.pix_to_coord(pix)), pix, atol=1e-10)


def test_pix_coord_center_nodes():
    axis = MapAxis.from_nodes([1, 10, 100], interp="log", unit="TeV")
    assert_allclose(axis.coord_to_pix([1, 10, 100] * u.TeV), [0, 1, 2])
    assert_allclose(axis.pix_to_coord(0.5).value, 10**0.5)
    assert_allclose(axis.edges.value, [10**-0.5, 10**0.5, 10**1.5, 10**2.5])


def test_extrapolation_outside():
    axis = MapAxis([0, 1, 2])
    assert_allclose(axis.coord_to_pix([-1, 3]), [-1.5, 2.5])
    assert_allclose(axis.pix_to_coord([-1.5, 2.5]), [-1, 3])
    log = MapAxis([1, 10, 100], interp="log")
    assert_allclose(log.pix_to_coord(2.5), 1000)


def test_coord_to_pix_invalid_log_coords_are_nan():
    axis = MapAxis([1, 10, 100], interp="log")
    pix = axis.coord_to_pix([-1, 0, np.nan])
    assert np.all(np.isnan(pix))


def test_coord_to_pix_converts_units(log_axis):
    assert_allclose(log_axis.coord_to_pix(10_000 * u.GeV), 0.5)
    # plain numbers are taken in the axis unit
    assert_allclose(log_axis.coord_to_pix(10), 0.5)


def test_coord_wrong_unit_raises(log_axis):
    with pytest.raises(UnitMismatchError, match="TeV"):
        log_axis.coord_to_pix(1 * u.deg)
    with pytest.raises(UnitMismatchError):
        log_axis.coord_to_idx(1 * u.s)


def test_coord_to_idx_and_clip(log_axis):
    coords = [0.5, 1, 5, 10, 99, 100, 200] * u.TeV
    assert_array_equal(log_axis.coord_to_idx(coords), [-1, 0, 0, 1, 1, 1, -1])
    assert_array_equal(log_axis.coord_to_idx(coords, clip=True), [0, 0, 0, 1, 1, 1, 1])
    # NaN stays invalid even with clip
    assert_array_equal(log_axis.coord_to_idx([np.nan], clip=True), [-1])


def test_coord_to_idx_shape_preserved():
    axis = MapAxis([0, 1, 2, 3])
    idx = axis.coord_to_idx(np.array([[0.5, 1.5], [2.5, 9]]))
    assert idx.shape == (2, 2)
    assert_array_equal(idx, [[0, 1], [2, -1]])
    assert idx.dtype.kind == "i"


def test_pix_to_idx_and_clip():
    axis = MapAxis([0, 1, 2, 3])
    pix = [-0.6, -0.5, 0.49, 0.5, 2.49, 2.5, 2.6, np.nan]
    assert_array_equal(axis.pix_to_idx(pix), [-1, 0, 0, 1, 2, 2, -1, -1])
    assert_array_equal(axis.pix_to_idx(pix, clip=True), [0, 0, 0, 1, 2, 2, 2, -1])
    assert_array_equal(axis.pix_to_idx(np.array([-1, 0, 3])), [-1, 0, -1])


def test_round_to_nearest_edge(log_axis):
    # 2 TeV is closer (in log) to 1 than to 10, 5 TeV is closer to 10
    assert_allclose(log_axis.round([2, 5] * u.TeV).value, [1, 10])
    assert_allclose(log_axis.round(1000 * u.TeV, clip=True).value, 100)


# --------------------------------------------------------------------- manipulations
def test_upsample_log():
    axis = MapAxis.from_edges([1, 100, 10000], interp="log", name="energy", unit="TeV")
    up = axis.upsample(2)
    assert up.nbin == 4
    assert_allclose(up.edges.value, [1, 10, 100, 1000, 10000])
    assert up.name == "energy"
    assert up.unit == u.TeV


def test_upsample_center():
    axis = MapAxis.from_nodes([0, 2, 4])
    up = axis.upsample(2)
    assert_allclose(up.center, [0, 1, 2, 3, 4])
    assert up.node_type == "center"


def test_downsample():
    axis = MapAxis.from_bounds(0, 6, 6)
    down = axis.downsample(2)
    assert_allclose(down.edges, [0, 2, 4, 6])
    with pytest.raises(AxisError, match="divisible"):
        axis.downsample(4)
    down = axis.downsample(4, strict=False)
    assert_allclose(down.edges, [0, 4, 6])


def test_squash():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 5)
    squashed = axis.squash()
    assert squashed.nbin == 1
    assert_allclose(squashed.edges.value, [1, 10])
    assert squashed.name == "energy"
    assert squashed.interp == "log"
    center = MapAxis.from_nodes([0, 1, 2], name="x").squash()
    assert center.node_type == "edges"
    assert_allclose(center.edges, [-0.5, 2.5])


def test_pad():
    axis = MapAxis.from_edges([1, 10, 100], interp="log")
    padded = axis.pad(1)
    assert_allclose(padded.edges, [0.1, 1, 10, 100, 1000])
    padded = axis.pad((0, 2))
    assert_allclose(padded.edges, [1, 10, 100, 1000, 10000])
    lin = MapAxis.from_nodes([0, 1, 2]).pad(1)
    assert_allclose(lin.center, [-1, 0, 1, 2, 3])


def test_slice():
    axis = MapAxis.from_bounds(0, 5, 5, name="x")
    assert_allclose(axis.slice(slice(1, 3)).edges, [1, 2, 3])
    assert_allclose(axis.slice(slice(None)).edges, axis.edges)
    assert_allclose(axis.slice(2).edges, [2, 3])
    assert_allclose(axis.slice(-1).edges, [4, 5])
    assert_allclose(axis.slice([1, 2]).edges, [1, 2, 3])
    with pytest.raises(AxisError, match="contiguous"):
        axis.slice([0, 2])
    with pytest.raises(IndexError):
        axis.slice(5)
    nodes = MapAxis.from_nodes([1, 2, 3, 4]).slice([0, 2])
    assert_allclose(nodes.center, [1, 3])


def test_copy_rename_and_node_type(log_axis):
    copy = log_axis.copy(name="energy_true")
    assert copy.name == "energy_true"
    assert log_axis.name == "energy"
    assert log_axis.rename("x").name == "x"
    center = log_axis.to_node_type("center")
    assert center.node_type == "center"
    assert_allclose(center.center.value, log_axis.center.value)
    back = center.to_node_type("edges")
    assert_allclose(back.edges.value, [1, 10, 100])


def test_nodes_are_immutable(log_axis):
    edges = log_axis.edges
    edges[0] = 0.5 * u.TeV
    assert log_axis.edges[0].value == 1


def test_iter_by_edges(log_axis):
    pairs = list(log_axis.iter_by_edges)
    assert len(pairs) == 2
    assert pairs[1][0] == 10 * u.TeV
    assert pairs[1][1] == 100 * u.TeV


def test_from_stack_and_concatenate():
    a = MapAxis.from_edges([1, 2, 3], name="x")
    b = MapAxis.from_edges([3, 5], name="x")
    stacked = MapAxis.from_stack([a, b])
    assert_allclose(stacked.edges, [1, 2, 3, 5])
    assert a.concatenate(b) == stacked
    with pytest.raises(AxisError, match="contiguous"):
        MapAxis.from_stack([a, MapAxis.from_edges([4, 5], name="x")])


# --------------------------------------------------------------------- group_table
def test_group_table_normal_under_overflow():
    axis = MapAxis.from_edges(np.arange(7.0), name="x", unit="m")
    groups = axis.group_table([1.1, 3, 4.4] * u.m)
    assert list(groups["bin_type"]) == [
        "underflow",
        "normal   ",
        "normal   ",
        "overflow",
    ]
    assert_array_equal(groups["idx_min"], [0, 1, 3, 4])
    assert_array_equal(groups["idx_max"], [0, 2, 3, 5])
    assert_allclose(groups["x_min"].quantity.to_value("m"), [0, 1, 3, 4])
    assert_allclose(groups["x_max"].quantity.to_value("m"), [1, 3, 4, 6])
    assert_array_equal(groups["group_idx"], [0, 1, 2, 3])


def test_group_table_exact_cover_and_energy_names():
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", 4)
    groups = axis.group_table([1, 10, 100] * u.TeV)
    assert list(groups["bin_type"]) == ["normal   ", "normal   "]
    assert_array_equal(groups["idx_min"], [0, 2])
    assert_array_equal(groups["idx_max"], [1, 3])
    assert_allclose(groups["energy_min"].quantity.to_value("TeV"), [1, 10])
    # edges beyond the axis are clipped
    groups = axis.group_table([0.1, 1000] * u.TeV)
    assert len(groups) == 1
    assert_array_equal(groups["idx_max"], [3])


def test_group_table_errors():
    axis = MapAxis.from_edges([0, 1, 2])
    with pytest.raises(AxisError, match="overlap"):
        axis.group_table([5, 6])
    with pytest.raises(AxisError, match="edge"):
        MapAxis.from_nodes([0, 1, 2]).group_table([0, 1])


# --------------------------------------------------------------------- comparisons
def test_equality_and_allclose(log_axis):
    same = MapAxis.from_edges(
        [1000, 10000, 100000] * u.GeV, interp="log", name="energy"
    )
    assert log_axis == same
    assert log_axis.is_allclose(same)
    assert log_axis != log_axis.copy(name="energy_true")
    assert log_axis != log_axis.copy(interp="lin")
    assert log_axis != MapAxis.from_edges(
        [1, 10, 101] * u.TeV, interp="log", name="energy"
    )
    assert log_axis != log_axis.upsample(2)
    assert not log_axis.is_allclose("energy")
    assert (log_axis == "energy") is False


def test_is_aligned():
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", 4)
    assert axis.is_aligned(axis.downsample(2))
    assert axis.is_aligned(axis.slice(slice(1, 3)))
    assert not axis.is_aligned(MapAxis.from_energy_bounds("1.5 TeV", "100 TeV", 4))


def test_repr_is_readable(log_axis):
    text = repr(log_axis)
    assert "MapAxis" in text
    assert "energy" in text
    assert "nbins      : 2" in text
    assert "log" in text


def test_assert_name(log_axis):
    log_axis.assert_name("energy")
    with pytest.raises(AxisError, match="energy_true"):
        log_axis.assert_name("energy_true")


# --------------------------------------------------------------------- plotting helpers
def test_plot_helpers(log_axis):
    lo, hi = log_axis.as_plot_xerr
    assert_allclose(lo.value, log_axis.center.value - [1, 10])
    assert_allclose(hi.value, [10, 100] - log_axis.center.value)
    labels = log_axis.as_plot_labels
    assert labels[0].startswith("1.00e+00 TeV")
    assert_allclose(log_axis.as_plot_edges.value, [1, 10, 100])


def test_format_plot_xaxis(log_axis):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    log_axis.format_plot_xaxis(ax)
    assert ax.get_xscale() == "log"
    assert "TeV" in ax.get_xlabel()
    plt.close(fig)
