"""Bad input to the maps layer raises specific errors that say what was wrong."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table

from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.utils.errors import (
    AxisError,
    GeometryMismatchError,
    InvalidFrameError,
    InvalidProjectionError,
    MissingHDUError,
    UnitMismatchError,
)


@pytest.fixture
def geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    return WcsGeom.create(npix=(5, 4), binsz=0.1, axes=[axis])


def test_arithmetic_shape_mismatch(geom):
    m1 = Map.from_geom(geom)
    m2 = Map.from_geom(WcsGeom.create(npix=(6, 4), binsz=0.1, axes=[geom.axes[0]]))
    with pytest.raises(GeometryMismatchError):
        m1 + m2


def test_arithmetic_unit_mismatch(geom):
    m1 = Map.from_geom(geom, unit="cm2 s")
    m2 = Map.from_geom(geom, unit="TeV")
    with pytest.raises(UnitMismatchError):
        m1 + m2
    with pytest.raises(UnitMismatchError):
        m1 + 1 * u.m


def test_data_shape_mismatch(geom):
    with pytest.raises(GeometryMismatchError, match=r"\(3, 4, 5\)"):
        Map.from_geom(geom, data=np.zeros((2, 4, 5)))


def test_unknown_projection_and_frame():
    with pytest.raises(InvalidProjectionError, match="XYZ"):
        WcsGeom.create(npix=10, proj="XYZ")
    with pytest.raises(InvalidFrameError, match="ecliptic-nonsense"):
        WcsGeom.create(npix=10, frame="ecliptic-nonsense")


def test_bad_axis_edges():
    with pytest.raises(AxisError, match="increasing"):
        MapAxis.from_edges([1, 3, 2], interp="lin")
    with pytest.raises(AxisError, match="positive"):
        MapAxis.from_edges([0, 1, 2], interp="log")
    with pytest.raises(AxisError):
        MapAxis.from_edges([-1, 1, 2], interp="log")


def test_fits_without_map_hdu(tmp_path):
    path = tmp_path / "table_only.fits"
    fits.HDUList(
        [fits.PrimaryHDU(), fits.BinTableHDU(Table({"a": [1, 2]}), name="STUFF")]
    ).writeto(path)
    with pytest.raises(MissingHDUError, match="table_only.fits"):
        Map.read(path)
    with pytest.raises(MissingHDUError, match="NOPE"):
        Map.read(path, hdu="NOPE")


def test_write_refuses_overwrite(tmp_path, geom):
    m = Map.from_geom(geom)
    path = tmp_path / "m.fits"
    m.write(path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        m.write(path)
    m.write(path, overwrite=True)


def test_arithmetic_with_array_of_wrong_shape(geom):
    m = Map.from_geom(geom)
    with pytest.raises(GeometryMismatchError, match=r"shape \(4,\)"):
        m + np.ones(4)  # data shape is (3, 4, 5)
    with pytest.raises(GeometryMismatchError, match="does not broadcast"):
        m * np.ones((2, 3, 4, 5))
    # arrays that broadcast are fine
    assert (m + np.ones(5 * 4).reshape(4, 5)).data.sum() == 3 * 4 * 5


def test_log_axis_bounds_must_be_positive():
    with pytest.raises(AxisError, match="positive bounds"):
        MapAxis.from_energy_bounds(-1, 10, 3, unit="TeV")
    with pytest.raises(AxisError, match="positive bounds"):
        MapAxis.from_bounds(0, 10, 3, interp="log")
    with pytest.raises(AxisError, match="non-negative"):
        MapAxis.from_bounds(-1, 1, 3, interp="sqrt")
    with pytest.raises(AxisError, match="larger than"):
        MapAxis.from_energy_bounds(10, 1, 3, unit="TeV")
