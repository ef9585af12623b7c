"""Tests of the generic `Map` behaviour (exercised through `WcsNDMap`)."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from gammaray.maps import Map, MapAxis, WcsGeom, WcsNDMap
from gammaray.utils.errors import (
    AxisError,
    GeometryMismatchError,
    UnitMismatchError,
)


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4)


@pytest.fixture
def geom(energy_axis):
    return WcsGeom.create(
        skydir=(0, 0), npix=(6, 5), binsz=0.5, frame="galactic", axes=[energy_axis]
    )


@pytest.fixture
def cube(geom):
    data = np.arange(np.prod(geom.data_shape), dtype="float32").reshape(geom.data_shape)
    return Map.from_geom(geom, data=data, unit="cm-2 s-1")


# ---------------------------------------------------------------------------
# construction
# ---------------------------------------------------------------------------
def test_map_is_abstract(geom):
    with pytest.raises(TypeError, match="abstract"):
        Map(geom)


def test_from_geom_dispatch_and_defaults(geom):
    m = Map.from_geom(geom)
    assert isinstance(m, WcsNDMap)
    assert m.data.shape == (4, 5, 6)
    assert m.data.dtype == np.float32
    assert m.unit == u.dimensionless_unscaled
    assert m.meta == {}
    m = Map.from_geom(geom, dtype="int64", unit="s", meta={"a": 1})
    assert m.data.dtype == np.int64
    assert m.unit == u.s
    assert m.meta["a"] == 1


def test_create_wcs():
    m = Map.create(npix=(10, 8), binsz=0.1, map_type="wcs", unit="TeV")
    assert isinstance(m, WcsNDMap)
    assert m.data.shape == (8, 10)
    assert m.unit == u.TeV


def test_create_unknown_map_type():
    with pytest.raises(ValueError, match="Unknown map_type"):
        Map.create(npix=3, map_type="foo")


def test_data_shape_mismatch(geom):
    with pytest.raises(GeometryMismatchError, match=r"\(4, 5, 6\)"):
        Map.from_geom(geom, data=np.zeros((3, 5, 6)))


def test_data_setter_quantity(geom):
    m = Map.from_geom(geom, unit="m")
    m.data = np.ones(geom.data_shape) * u.km
    assert np.allclose(m.data, 1000)
    with pytest.raises(UnitMismatchError):
        m.data = np.ones(geom.data_shape) * u.s


def test_quantity_setter(geom):
    m = Map.from_geom(geom)
    m.quantity = np.full(geom.data_shape, 2.0) * u.TeV
    assert m.unit == u.TeV
    assert np.all(m.data == 2)
    assert m.quantity.unit == u.TeV


def test_is_mask_and_repr(geom):
    m = Map.from_geom(geom, dtype=bool)
    assert m.is_mask
    text = repr(m)
    assert "WcsNDMap" in text
    assert "['lon', 'lat', 'energy']" in text
    assert "(6, 5, 4)" in text
    assert "bool" in text


def test_copy_and_to_unit(cube):
    c = cube.copy()
    c.data[0, 0, 0] = -1
    assert cube.data[0, 0, 0] == 0
    c2 = cube.copy(unit="m")
    assert c2.unit == u.m
    with pytest.raises(GeometryMismatchError):
        cube.copy(geom=cube.geom.to_image())
    m = cube.to_unit("m-2 s-1")
    assert np.allclose(m.data, cube.data * 1e4)
    with pytest.raises(UnitMismatchError):
        cube.to_unit("TeV")


# ---------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------
def test_arithmetic_numbers_and_units(cube):
    m = cube * 2
    assert np.allclose(m.data, cube.data * 2)
    assert m.unit == cube.unit
    m = cube * (2 * u.s)
    assert m.unit == u.Unit("cm-2")
    m = (cube + 1 * cube.unit) / (cube + 1 * cube.unit)
    assert np.allclose(m.data, 1)
    assert m.unit == u.dimensionless_unscaled
    m = cube**2
    assert m.unit == u.Unit("cm-4 s-2")
    m = cube + 1 * u.Unit("m-2 s-1")
    assert np.allclose(m.data, cube.data + 1e-4)
    m = 2 * cube
    assert np.allclose(m.data, 2 * cube.data)
    m = 1 / (cube + 1 * cube.unit)
    assert m.unit == u.Unit("cm2 s")
    m = -cube
    assert np.allclose(m.data, -cube.data)


def test_arithmetic_unit_mismatch(cube):
    # zero (and inf/nan) combine with any unit, as in astropy
    assert (cube > 0).data.sum() == (cube.data > 0).sum()
    assert np.allclose((cube + 0).data, cube.data)
    with pytest.raises(UnitMismatchError, match="compare"):
        _ = cube > 1
    with pytest.raises(UnitMismatchError, match="add or subtract"):
        cube + 1 * u.TeV
    with pytest.raises(UnitMismatchError):
        cube - Map.from_geom(cube.geom, unit="s")


def test_arithmetic_geometry_mismatch(cube):
    other = Map.create(npix=(3, 3), binsz=0.5, frame="galactic")
    with pytest.raises(GeometryMismatchError, match="inconsistent geometries"):
        cube + other


def test_arithmetic_broadcast_image(cube):
    image = Map.from_geom(cube.geom.to_image(), data=np.full((5, 6), 2.0), unit="s")
    m = cube * image
    assert m.geom == cube.geom
    assert m.unit == u.Unit("cm-2")
    assert np.allclose(m.data, 2 * cube.data)
    m = image * cube
    assert m.data.shape == cube.data.shape


def test_inplace(cube):
    m = cube.copy()
    m += 1 * cube.unit
    assert np.allclose(m.data, cube.data + 1)
    m *= 2
    assert np.allclose(m.data, 2 * (cube.data + 1))


def test_comparisons_and_logic(cube):
    mask = cube > 10 * cube.unit
    assert mask.is_mask
    assert mask.data.sum() == (cube.data > 10).sum()
    mask2 = cube <= 50 * cube.unit
    both = mask & mask2
    assert both.data.sum() == ((cube.data > 10) & (cube.data <= 50)).sum()
    assert (mask | mask2).data.all()
    assert (~mask).data.sum() == (cube.data <= 10).sum()
    assert (mask ^ mask2).data.sum() == ((cube.data > 10) ^ (cube.data <= 50)).sum()
    eq = cube == cube
    assert eq.data.all()


def test_numpy_ufuncs(cube):
    m = np.sqrt(cube)
    assert isinstance(m, WcsNDMap)
    assert m.unit == u.Unit("cm-2 s-1") ** 0.5
    assert np.allclose(m.data, np.sqrt(cube.data))
    mask = cube > 5 * cube.unit
    m = np.logical_not(mask)
    assert m.is_mask
    arr = np.asarray(cube)
    assert arr.shape == cube.data.shape
    assert np.sum(cube.data) == pytest.approx(
        float(np.add.reduce(cube.data, axis=None))
    )


# ---------------------------------------------------------------------------
# coordinates
# ---------------------------------------------------------------------------
def test_get_by_coord_and_fill(cube, energy_axis):
    e = energy_axis.center
    vals = cube.get_by_coord((0.0, 0.0, e[1]))
    idx = cube.geom.coord_to_idx((0.0, 0.0, e[1]))
    assert vals == cube.data[idx[2], idx[1], idx[0]]
    vals = cube.get_by_coord((50.0, 0.0, e[1]))
    assert np.isnan(vals)
    vals = cube.get_by_coord({"lon": 0, "lat": 0, "energy": e[1]})
    assert np.isfinite(vals)
    sky = SkyCoord(0, 0, unit="deg", frame="galactic").icrs
    vals = cube.get_by_coord({"skycoord": sky, "energy": e[1]})
    assert vals == cube.data[idx[2], idx[1], idx[0]]


def test_fill_by_coord_counts(geom, energy_axis):
    m = Map.from_geom(geom)
    rng = np.random.default_rng(0)
    n = 2000
    lon = rng.uniform(-3, 3, n)
    lat = rng.uniform(-3, 3, n)
    energy = 10 ** rng.uniform(-0.5, 2.5, n) * u.TeV
    m.fill_by_coord((lon, lat, energy))
    inside = m.geom.contains((lon, lat, energy))
    assert m.data.sum() == inside.sum()
    assert 0 < inside.sum() < n
    # weights
    m2 = Map.from_geom(geom)
    m2.fill_by_coord(
        {"lon": lon, "lat": lat, "energy": energy}, weights=np.full(n, 2.0)
    )
    assert np.allclose(m2.data, 2 * m.data)


def test_fill_by_idx_and_bool(geom):
    m = Map.from_geom(geom, dtype="int32")
    m.fill_by_idx(([0, 0, 1, -1], [0, 0, 2, 0], [0, 0, 3, 0]))
    assert m.data[0, 0, 0] == 2
    assert m.data[3, 2, 1] == 1
    assert m.data.sum() == 3
    assert m.data.dtype == np.int32
    mask = Map.from_geom(geom, dtype=bool)
    mask.fill_by_idx(([1], [1], [1]))
    assert mask.data.sum() == 1


def test_set_by(cube):
    m = cube.copy()
    m.set_by_idx(([0, 5, 9], [0, 4, 0], [0, 3, 0]), [-1, -2, -3])
    assert m.data[0, 0, 0] == -1
    assert m.data[3, 4, 5] == -2
    m.set_by_pix(([1.2], [0.9], [0.0]), 7)
    assert m.data[0, 1, 1] == 7
    assert m.get_by_pix(([1.2], [0.9], [0.0]))[0] == 7
    assert np.isnan(m.get_by_idx(([10], [0], [0]))[0])


def test_interp_linear_exact(energy_axis):
    geom = WcsGeom.create(
        skydir=(0, 0),
        npix=(20, 10),
        binsz=0.1,
        frame="galactic",
        proj="CAR",
        axes=[energy_axis],
    )
    pix = geom.get_pix()
    # linear function of pixel coordinates
    data = 2.0 * pix[0] + 3.0 * pix[1] + 5.0 * pix[2]
    m = Map.from_geom(geom, data=data, dtype="float64")
    rng = np.random.default_rng(2)
    px = rng.uniform(0, 19, 100)
    py = rng.uniform(0, 9, 100)
    pe = rng.uniform(0, 3, 100)
    vals = m.interp_by_pix((px, py, pe))
    assert np.allclose(vals, 2 * px + 3 * py + 5 * pe)
    coords = geom.pix_to_coord((px, py, pe))
    vals = m.interp_by_coord(coords)
    assert np.allclose(vals, 2 * px + 3 * py + 5 * pe, atol=1e-6)
    # outside -> fill value
    out = m.interp_by_pix(([30.0], [2.0], [1.0]), fill_value=-5)
    assert out[0] == -5
    near = m.interp_by_pix(([3.4], [2.6], [1.0]), method="nearest")
    assert near[0] == m.data[1, 3, 3]


def test_interp_log_scale():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    geom = WcsGeom.create(npix=(2, 2), binsz=1, axes=[axis])
    data = np.ones(geom.data_shape)
    data[1] = 100.0
    m = Map.from_geom(geom, data=data)
    vals = m.interp_by_pix(([0.0], [0.0], [0.5]), values_scale="log")
    assert np.allclose(vals, 10.0)


def test_interp_to_geom(cube):
    geom = cube.geom.to_image().to_cube(list(cube.geom.axes))
    m = cube.interp_to_geom(geom, method="nearest")
    assert np.allclose(m.data, cube.data)
    image = Map.from_geom(cube.geom.to_image(), data=np.ones((5, 6)))
    finer = WcsGeom.create(skydir=(0, 0), npix=(12, 10), binsz=0.25, frame="galactic")
    m = image.interp_to_geom(finer, preserve_counts=True)
    assert m.data.sum() == pytest.approx(30.0, rel=1e-5)


# ---------------------------------------------------------------------------
# reductions, slicing, iteration
# ---------------------------------------------------------------------------
def test_sum_and_reduce(cube):
    s = cube.sum_over_axes()
    assert s.data.shape == (1, 5, 6)
    assert np.allclose(s.data[0], cube.data.sum(axis=0))
    s = cube.sum_over_axes(keepdims=False)
    assert s.geom.is_image
    r = cube.reduce("energy", func=np.maximum)
    assert np.allclose(r.data, cube.data.max(axis=0))
    w = np.zeros(cube.data.shape)
    w[1] = 1
    s = cube.sum_over_axes(keepdims=False, weights=w)
    assert np.allclose(s.data, cube.data[1])
    with pytest.raises(AxisError):
        cube.reduce("time")


def test_resample_axis(cube, energy_axis):
    new_axis = MapAxis.from_edges(energy_axis.edges[::2], name="energy", interp="log")
    m = cube.resample_axis(new_axis)
    assert m.data.shape == (2, 5, 6)
    assert np.allclose(m.data[0], cube.data[0] + cube.data[1])
    assert m.data.sum() == pytest.approx(cube.data.sum())


def test_slicing_and_images(cube, energy_axis):
    m = cube.slice_by_idx({"energy": slice(1, 3)})
    assert m.data.shape == (2, 5, 6)
    assert np.all(m.data == cube.data[1:3])
    img = cube.get_image_by_idx((2,))
    assert img.geom.is_image
    assert np.all(img.data == cube.data[2])
    img = cube.get_image_by_coord({"energy": energy_axis.center[3]})
    assert np.all(img.data == cube.data[3])
    images = list(cube.iter_by_image())
    assert len(images) == 4
    assert np.all(images[1].data == cube.data[1])
    images = list(cube.iter_by_image(keepdims=True))
    assert images[0].data.shape == (1, 5, 6)
    planes = list(cube.iter_by_image_data())
    assert planes[3][1] == (3,)
    parts = cube.split_by_axis("energy")
    assert len(parts) == 4 and parts[0].data.shape == (1, 5, 6)
    by_axis = list(cube.iter_by_axis("energy"))
    assert np.all(by_axis[2].data == cube.data[2])


def test_to_cube_and_from_stack(cube, energy_axis):
    image = cube.get_image_by_idx((0,))
    c = image.to_cube([energy_axis])
    assert c.data.shape == (4, 5, 6)
    assert np.all(c.data[3] == image.data)
    parts = cube.split_by_axis("energy")
    stacked = Map.from_stack(parts, axis_name="energy")
    assert stacked.geom.axes["energy"].nbin == 4
    assert np.all(stacked.data == cube.data)
    label_axis = MapAxis.from_nodes([1.0, 2.0], name="idx", interp="lin")
    new = Map.from_stack([image, image * 2], axis=label_axis)
    assert new.data.shape == (2, 5, 6)
    assert np.allclose(new.data[1], 2 * image.data)


def test_axis_upsample_downsample(cube):
    down = cube.downsample(2, axis_name="energy")
    assert down.data.shape == (2, 5, 6)
    assert down.data.sum() == pytest.approx(cube.data.sum())
    up = cube.upsample(2, axis_name="energy")
    assert up.data.shape == (8, 5, 6)
    assert up.data.sum() == pytest.approx(cube.data.sum())


def test_stack_same_geom(cube):
    m = Map.from_geom(cube.geom, unit="m-2 s-1")
    m.stack(cube)
    assert np.allclose(m.data, cube.data * 1e4)
    w = Map.from_geom(cube.geom, dtype=bool)
    w.data[0] = True
    m2 = Map.from_geom(cube.geom, unit=cube.unit)
    m2.stack(cube, weights=w)
    assert m2.data.sum() == pytest.approx(cube.data[0].sum())


def test_mask_nearest_position(geom):
    mask = Map.from_geom(geom.to_image(), dtype=bool)
    mask.data[0, 0] = True
    pos = SkyCoord(0, 0, unit="deg", frame="galactic")
    nearest = mask.mask_nearest_position(pos)
    coord = mask.geom.pix_to_coord((0, 0))
    assert nearest.l.deg == pytest.approx(coord[0].to_value("deg") % 360)


def test_is_allclose(cube):
    assert cube.is_allclose(cube.copy())
    other = cube.copy()
    other.data[0, 0, 0] += 1
    assert not cube.is_allclose(other)
    assert not cube.is_allclose(cube.to_unit("m-2 s-1"))


# ---------------------------------------------------------------------------
# axis algebra, events
# ---------------------------------------------------------------------------
def test_rename_reorder_axes(geom, energy_axis):
    time_axis = MapAxis.from_edges([0, 1, 2], name="t", unit="s")
    m = Map.from_geom(geom.to_cube([time_axis]))
    m.data = np.random.default_rng(1).uniform(size=m.data.shape)
    r = m.rename_axes("t", "time")
    assert r.geom.axes.names == ["energy", "time"]
    o = m.reorder_axes(["t", "energy"])
    assert o.geom.axes.names == ["t", "energy"]
    assert o.data.shape == (4, 2, 5, 6)
    assert np.array_equal(o.data, np.swapaxes(m.data, 0, 1))
    with pytest.raises(AxisError):
        m.reorder_axes(["energy"])


def test_normalize_and_cumsum(cube):
    n = (cube + 1 * cube.unit).normalize("energy")
    assert np.allclose(n.data.sum(axis=0), 1)
    n = (cube + 1 * cube.unit).normalize()
    assert n.data.sum() == pytest.approx(1)
    rad = MapAxis.from_edges(np.linspace(0, 1, 11), name="rad", unit="deg")
    psf = Map.from_geom(cube.geom.to_image().to_cube([rad]), unit="deg-2")
    psf.data += 1.0
    c = psf.cumsum("rad")
    assert c.data.shape[0] == 11
    assert c.unit == u.dimensionless_unscaled
    # integral of 2 pi r dr from 0 to 1 deg = pi
    assert c.data[-1, 0, 0] == pytest.approx(np.pi, rel=1e-6)
    assert c.data[0, 0, 0] == 0


class _FakeEDisp:
    def __init__(self, axis_true, axis_reco):
        self.pdf_matrix = np.eye(axis_true.nbin, axis_reco.nbin)
        self.pdf_matrix[0] = [0.5, 0.5] + [0] * (axis_reco.nbin - 2)
        self.axes = {"energy": axis_reco}


def test_apply_edisp_and_dot(geom):
    true = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4, name="energy_true")
    reco = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4)
    m = Map.from_geom(geom.to_image().to_cube([true]))
    m.data += np.arange(1, 5)[:, None, None]
    out = m.apply_edisp(_FakeEDisp(true, reco))
    assert out.geom.axes.names == ["energy"]
    assert out.data.sum() == pytest.approx(m.data.sum())
    assert out.data[0, 0, 0] == pytest.approx(0.5)
    assert out.data[1, 0, 0] == pytest.approx(2.5)
    renamed = m.apply_edisp(None)
    assert renamed.geom.axes.names == ["energy"]
    kernel = Map.create(
        map_type="region", region="icrs;circle(0, 0, 1)", axes=[reco, true]
    )
    kernel.data = np.eye(4).reshape(4, 4, 1, 1)
    d = m.dot(kernel)
    assert d.geom.axes.names == ["energy"]
    assert np.allclose(d.data, m.data)


def test_sample_coord(geom):
    m = Map.from_geom(geom)
    m.data[2, 3, 4] = 1.0
    coords = m.sample_coord(100, random_state=0)
    idx = geom.coord_to_idx(coords)
    assert np.all(idx[0] == 4) and np.all(idx[1] == 3) and np.all(idx[2] == 2)
    assert coords["energy"].unit.is_equivalent("TeV")


class _FakeEvents:
    def __init__(self, lon, lat, energy):
        self.coords = {"lon": lon, "lat": lat, "energy": energy}

    def map_coord(self, geom):
        return self.coords


def test_fill_events(geom):
    m = Map.from_geom(geom)
    m.fill_events(
        _FakeEvents(np.array([0.0, 0.1, 20.0]), np.zeros(3), [2, 2, 2] * u.TeV)
    )
    assert m.data.sum() == 2


def test_reduce_over_axes(cube):
    total = cube.reduce_over_axes()
    assert total.geom.is_image
    assert np.allclose(total.data, cube.data.sum(axis=0))
    any_bright = (cube > 100 * u.Unit("cm-2 s-1")).reduce_over_axes(
        func=np.logical_or, keepdims=True
    )
    assert any_bright.data.shape == (1, 5, 6)
    assert np.array_equal(any_bright.data[0], (cube.data > 100).any(axis=0))


def test_interp_by_pix_scalar_and_array(cube):
    image = cube.get_image_by_idx((0,))
    value = image.interp_by_pix((1.25, 2.0))
    assert np.ndim(value) == 0
    expected = 0.75 * image.data[2, 1] + 0.25 * image.data[2, 2]
    assert value == pytest.approx(expected)
    assert image.interp_by_pix((100.0, 2.0), fill_value=-1) == -1
    values = image.interp_by_pix((np.array([1.25, 100.0]), np.array([2.0, 2.0])))
    assert values.shape == (2,)
    assert values[0] == pytest.approx(expected)


def test_wrong_geometry_kind_raises(geom):
    from gammaray.maps import HpxGeom

    with pytest.raises(TypeError, match="WcsNDMap needs a WcsGeom"):
        WcsNDMap(HpxGeom.create(nside=4))
