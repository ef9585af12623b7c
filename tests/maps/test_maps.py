"""Tests of the `Maps` container."""

import astropy.units as u
import numpy as np
import pytest

from gammaray.maps import Map, MapAxis, Maps, WcsGeom
from gammaray.utils.errors import GeometryMismatchError, OverwriteError


@pytest.fixture
def geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    return WcsGeom.create(npix=(5, 4), binsz=0.2, axes=[axis])


def test_from_geom(geom):
    maps = Maps.from_geom(
        geom,
        names=["counts", "exposure"],
        kwargs_list=[{"dtype": "int32"}, {"unit": "cm2 s"}],
    )
    assert list(maps) == ["counts", "exposure"]
    assert maps["counts"].data.dtype == np.int32
    assert maps["exposure"].unit == u.Unit("cm2 s")
    assert maps.geom == geom
    assert len(maps) == 2
    text = repr(maps)
    assert "counts" in text and "exposure" in text and "WcsGeom" in text
    with pytest.raises(ValueError, match="kwargs_list"):
        Maps.from_geom(geom, names=["a"], kwargs_list=[{}, {}])


def test_geometry_check(geom):
    maps = Maps(a=Map.from_geom(geom))
    other = Map.create(npix=(3, 3), binsz=0.2)
    with pytest.raises(GeometryMismatchError, match="share one geometry"):
        maps["b"] = other
    with pytest.raises(TypeError):
        maps["c"] = np.zeros(3)
    del maps["a"]
    maps["b"] = other
    assert maps.geom == other.geom


def test_write_read_roundtrip(geom, tmp_path):
    maps = Maps.from_geom(
        geom, names=["Counts", "mask"], kwargs_list=[{}, {"dtype": bool}]
    )
    maps["Counts"].data = np.arange(60, dtype="float32").reshape(geom.data_shape)
    maps["mask"].data[1] = True
    path = tmp_path / "maps.fits"
    maps.write(path)
    with pytest.raises(OverwriteError):
        maps.write(path)
    maps2 = Maps.read(path)
    assert list(maps2) == ["Counts", "mask"]
    assert np.array_equal(maps2["Counts"].data, maps["Counts"].data)
    assert maps2["mask"].is_mask
    assert maps2["mask"].data.sum() == 20
    assert maps2.geom == geom
    hdulist = maps.to_hdulist()
    names = [h.name for h in hdulist]
    assert names == ["PRIMARY", "COUNTS", "BANDS", "MASK"]
    maps3 = Maps.from_hdulist(hdulist)
    assert maps3["Counts"].is_allclose(maps["Counts"])
