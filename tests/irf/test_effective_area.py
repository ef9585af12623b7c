import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from gammaray.irf import EffectiveAreaTable2D
from gammaray.maps import MapAxis

PKS_RUNS = [33787, 33794, 33801]


def test_hess_aeff_values(hess_irfs):
    aeff = hess_irfs["aeff"]
    assert isinstance(aeff, EffectiveAreaTable2D)
    assert aeff.data.shape == (96, 6)
    value = aeff.evaluate(energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert 3e4 < value.to_value("m2") < 3e5


def test_hess_aeff_interpolation_by_hand(hess_irfs):
    aeff = hess_irfs["aeff"]
    e = aeff.axes["energy_true"].center
    off = aeff.axes["offset"].center
    i, j = 50, 1
    # geometric mean of two adjacent energy nodes: energy axis is log-interpolated
    e_mid = np.sqrt(e[i] * e[i + 1])
    expected = 0.5 * (aeff.data[i, j] + aeff.data[i + 1, j])
    value = aeff.evaluate(energy_true=e_mid, offset=off[j])
    assert_allclose(value.to_value(aeff.unit), expected, rtol=1e-6)
    # 1/4 of the way between two offset nodes: offset axis is linear
    o = off[j] + 0.25 * (off[j + 1] - off[j])
    expected = 0.75 * aeff.data[i, j] + 0.25 * aeff.data[i, j + 1]
    value = aeff.evaluate(energy_true=e[i], offset=o)
    assert_allclose(value.to_value(aeff.unit), expected, rtol=1e-6)


@pytest.mark.parametrize("obs_id", PKS_RUNS)
def test_pks2155_runs_aeff(gammaray_data, obs_id):
    path = gammaray_data / f"hess-dl3-dr1/data/hess_dl3_dr1_obs_id_{obs_id:06d}.fits.gz"
    aeff = EffectiveAreaTable2D.read(path, hdu="AEFF")
    value = aeff.evaluate(energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert 3e4 < value.to_value("m2") < 3e5


@pytest.mark.parametrize(
    ("instrument", "expected"),
    # g1 (E/MeV)^-g2 exp(-g3/E) at 1 TeV, by hand
    [
        ("HESS", 6.85e9 * 1e6**-0.0891 * np.exp(-0.5)),
        ("HESS2", 2.05e9 * 1e6**-0.0891 * np.exp(-0.1)),
        ("CTA", 1.71e11 * 1e6**-0.0891 * np.exp(-0.1)),
        ("CTAO", 1.71e11 * 1e6**-0.0891 * np.exp(-0.1)),
    ],
)
def test_from_parametrization(instrument, expected):
    axis = MapAxis.from_energy_edges([0.9, 1.0, 1.0 / 0.9] * u.TeV, name="energy_true")
    aeff = EffectiveAreaTable2D.from_parametrization(axis, instrument=instrument)
    value = aeff.evaluate(energy_true=1 * u.TeV, offset=1 * u.deg)
    assert_allclose(value.to_value("cm2"), expected, rtol=1e-3)


def test_from_parametrization_unknown():
    with pytest.raises(ValueError, match="Unknown instrument"):
        EffectiveAreaTable2D.from_parametrization(instrument="FOO")


def test_aeff_peek_and_roundtrip(hess_irfs, tmp_path):
    aeff = hess_irfs["aeff"]
    fig = aeff.peek()
    assert len(fig.axes) >= 3
    aeff.write(tmp_path / "aeff.fits")
    back = EffectiveAreaTable2D.read(tmp_path / "aeff.fits")
    assert np.array_equal(back.data, aeff.data)
    assert back.data.dtype == aeff.data.dtype
