"""Tests of `gammaray.maps.axes.MapAxes`."""

import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from gammaray.maps.axes import LabelMapAxis, MapAxes, MapAxis
from gammaray.utils.errors import AxisError


@pytest.fixture
def axes():
    energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", 4)
    offset = MapAxis.from_bounds(0, 3, 3, name="offset", unit="deg")
    return MapAxes([energy, offset], n_spatial_axes=2)


def test_names_shape_len(axes):
    assert axes.names == ["energy", "offset"]
    assert axes.shape == (4, 3)
    assert len(axes) == 2
    assert axes.n_spatial_axes == 2


def test_getitem(axes):
    assert axes[0].name == "energy"
    assert axes["offset"].nbin == 3
    assert axes[-1].name == "offset"
    sub = axes[1:]
    assert isinstance(sub, MapAxes)
    assert sub.names == ["offset"]
    assert axes[["offset", "energy"]].names == ["offset", "energy"]
    with pytest.raises(KeyError, match="available axes"):
        axes["time"]
    assert "energy" in axes
    assert "time" not in axes


def test_duplicate_names_raise():
    ax = MapAxis([0, 1], name="x")
    with pytest.raises(AxisError, match="unique"):
        MapAxes([ax, ax.copy()])


def test_index_and_index_data(axes):
    assert axes.index("energy") == 0
    assert axes.index("offset") == 1
    # data shape (n_offset, n_energy, ny, nx)
    assert axes.index_data("energy") == 1
    assert axes.index_data("offset") == 0
    with pytest.raises(KeyError):
        axes.index("time")


def test_reverse(axes):
    assert axes.reverse.names == ["offset", "energy"]
    assert axes.reverse.shape == (3, 4)


def test_flat_unidimensional_primary(axes):
    assert not axes.is_flat
    assert not axes.is_unidimensional
    assert axes.primary_axis.name == "energy"
    squashed = axes.squash()
    assert squashed.is_flat
    assert squashed.is_unidimensional
    one = axes.squash("offset")
    assert one.is_unidimensional
    assert one.shape == (4, 1)
    assert one.primary_axis.name == "energy"


def test_iter_with_reshape(axes):
    shapes = {axis.name: shape for shape, axis in axes.iter_with_reshape}
    assert shapes["energy"] == (1, -1, 1, 1)
    assert shapes["offset"] == (-1, 1, 1, 1)
    no_spatial = MapAxes(list(axes))
    shapes = [shape for shape, _ in no_spatial.iter_with_reshape]
    assert shapes == [(-1, 1), (1, -1)]


def test_get_coord_shapes(axes):
    coords = axes.get_coord()
    assert coords["energy"].shape == (1, 4, 1, 1)
    assert coords["offset"].shape == (3, 1, 1, 1)
    assert coords["energy"].unit == u.TeV
    edges = axes.get_coord(mode="edges", axis_name="energy")
    assert edges["energy"].shape == (1, 5, 1, 1)
    assert edges["offset"].shape == (3, 1, 1, 1)
    assert_allclose(edges["energy"].ravel()[[0, -1]].value, [1, 100])


def test_bin_volume(axes):
    volume = axes.bin_volume()
    assert volume.shape == (3, 4, 1, 1)
    assert volume.unit.is_equivalent("TeV deg")
    expected = axes["offset"].bin_width[:, None] * axes["energy"].bin_width[None, :]
    assert_allclose(volume[..., 0, 0].to_value("TeV deg"), expected.to_value("TeV deg"))


def test_coord_pix_idx_conversions(axes):
    coord = {"energy": [1.0, 50.0] * u.TeV, "offset": [0.5, 2.5] * u.deg}
    pix = axes.coord_to_pix(coord)
    assert_allclose(pix[0], axes["energy"].coord_to_pix(coord["energy"]))
    assert_allclose(pix[1], [0, 2])
    idx = axes.coord_to_idx(([0.5, 50], [0.5, 2.5]), clip=False)
    assert_array_equal(idx[0], [-1, 3])
    assert_array_equal(idx[1], [0, 2])
    idx = axes.coord_to_idx(([0.5, 50], [0.5, 2.5]), clip=True)
    assert_array_equal(idx[0], [0, 3])
    back = axes.pix_to_coord(pix)
    assert_allclose(back[0].value, [1, 50])
    assert_array_equal(axes.pix_to_idx(([-1.0, 3.4], [0.2, 2.6])), [[-1, 3], [0, -1]])
    with pytest.raises(AxisError, match="one per axis"):
        axes.coord_to_pix(([1.0],))


def test_manipulations(axes):
    assert axes.downsample(2, "energy").shape == (2, 3)
    assert axes.upsample(2, "offset").shape == (4, 6)
    assert axes.upsample(2).shape == (8, 6)
    assert axes.pad("offset", 1).shape == (4, 5)
    assert axes.drop("energy").names == ["offset"]
    new = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 7)
    replaced = axes.replace(new)
    assert replaced["energy"].nbin == 7
    assert replaced.names == ["energy", "offset"]
    assert axes.resample(new)["energy"] == new
    renamed = axes.rename_axes("offset", "theta")
    assert renamed.names == ["energy", "theta"]
    renamed = axes.rename_axes(["energy", "offset"], ["energy_true", "rad"])
    assert renamed.names == ["energy_true", "rad"]
    assert axes.names == ["energy", "offset"]
    # n_spatial_axes is kept
    assert axes.drop("energy").n_spatial_axes == 2


def test_slice_by_idx(axes):
    sliced = axes.slice_by_idx({"energy": slice(1, 3)})
    assert sliced.shape == (2, 3)
    assert_allclose(sliced["energy"].edges.value, axes["energy"].edges.value[1:4])
    dropped = axes.slice_by_idx({"energy": 1})
    assert dropped.names == ["offset"]


def test_equality_and_allclose(axes):
    other = MapAxes([ax.copy() for ax in axes])
    assert axes == other
    assert axes.is_allclose(other)
    assert axes != axes.squash()
    assert axes != axes[:1]
    assert not axes.is_allclose(axes.rename_axes("offset", "theta"))


def test_from_default():
    axes = MapAxes.from_default([np.array([0, 1, 2]), MapAxis([0, 1, 2, 3])])
    assert axes.names == ["axis0", "axis1"]
    assert axes.shape == (2, 3)


def test_center_coord(axes):
    center = axes.center_coord
    assert_allclose(center[0].value, 10)
    assert_allclose(center[1].value, 1.5)


def test_to_header(axes):
    header = axes.to_header()
    assert header["AXCOLS1"] == "E_MIN,E_MAX"
    assert header["INTERP1"] == "log"
    assert header["AXCOLS2"] == "OFFSET_MIN,OFFSET_MAX"
    assert header["INTERP2"] == "lin"
    center = MapAxes([MapAxis.from_nodes([1, 2], name="theta")])
    assert center.to_header()["AXCOLS1"] == "THETA"


def test_mixed_axes_with_label(axes):
    label = LabelMapAxis(["a", "b"], name="dataset")
    mixed = MapAxes([*axes, label])
    assert mixed.shape == (4, 3, 2)
    assert mixed.squash("dataset")["dataset"].center[0] == "a...b"
    assert mixed.coord_to_idx({"energy": 2, "offset": 1, "dataset": "b"})[2] == 1


def test_non_axis_raises_type_error():
    with pytest.raises(TypeError, match="from_default"):
        MapAxes([np.array([0, 1, 2])])


def test_to_table_hdu_ogip(axes):
    hdu = axes.to_table_hdu(format="ogip")
    assert hdu.name == "EBOUNDS"
    assert hdu.header["HDUCLASS"] == "OGIP"
    assert hdu.header["DETCHANS"] == 4
    assert axes.to_table_hdu(format="ogip-arf").name == "SPECRESP"
    assert axes.to_table_hdu(format="fgst-ccube").name == "EBOUNDS"
    assert axes.to_table_hdu(format="gadf").name == "BANDS"
