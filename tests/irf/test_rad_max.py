import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from gammaray.irf import EffectiveAreaTable2D, RadMax2D
from gammaray.maps import MapAxis
from gammaray.utils.errors import InvalidFileError


def test_magic_rad_max_table(gammaray_data):
    path = (
        gammaray_data
        / "magic/rad_max/data/20131004_05029747_DL3_CrabNebula-W0.40+035.fits"
    )
    rad_max = RadMax2D.read(path, hdu="RAD_MAX")
    assert rad_max.axes.names == ["energy", "offset"]
    assert rad_max.is_pointlike
    values = rad_max.evaluate(energy=[0.1, 1, 10] * u.TeV, offset=0.4 * u.deg)
    assert np.all((values > 0.01 * u.deg) & (values < 0.5 * u.deg))
    fig = rad_max.peek()
    assert fig.axes


def _pointlike_aeff(rad_max=0.1):
    energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", 4, name="energy_true")
    offset = MapAxis.from_edges([0, 1, 2] * u.deg, name="offset")
    return EffectiveAreaTable2D(
        axes=[energy, offset],
        data=np.ones((4, 2)),
        unit="m2",
        is_pointlike=True,
        meta={"RAD_MAX": rad_max},
    )


def test_from_irf_constant():
    aeff = _pointlike_aeff(0.12)
    rad_max = RadMax2D.from_irf(aeff)
    assert rad_max.data.shape == (1, 1)
    assert_allclose(rad_max.axes["energy"].edges.to_value("TeV"), [0.1, 10])
    value = rad_max.evaluate(energy=[0.2, 5] * u.TeV, offset=1.5 * u.deg)
    assert_allclose(value.to_value("deg"), 0.12)


def test_from_irf_errors():
    aeff = _pointlike_aeff()
    aeff.meta.pop("RAD_MAX")
    with pytest.raises(InvalidFileError, match="RAD_MAX"):
        RadMax2D.from_irf(aeff)
    full = EffectiveAreaTable2D(axes=aeff.axes, data=aeff.data)
    with pytest.raises(InvalidFileError, match="point-like"):
        RadMax2D.from_irf(full)


def test_rad_max_roundtrip(tmp_path):
    energy = MapAxis.from_energy_bounds("0.1 TeV", "10 TeV", 3, name="energy")
    offset = MapAxis.from_edges([0, 1] * u.deg, name="offset")
    data = np.array([[0.2], [0.15], [0.1]], dtype=np.float32)
    rad_max = RadMax2D(axes=[energy, offset], data=data, unit="deg", is_pointlike=True)
    rad_max.write(tmp_path / "rad.fits")
    back = RadMax2D.read(tmp_path / "rad.fits")
    assert np.array_equal(back.data, data)
    assert back.is_pointlike
    assert back.unit == u.deg
