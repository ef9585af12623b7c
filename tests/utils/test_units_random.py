import astropy.units as u
import numpy as np
import pytest

from gammaray.utils.errors import UnitMismatchError
from gammaray.utils.random import get_random_state, sample_powerlaw, sample_sphere
from gammaray.utils.units import as_quantity, check_physical_type, standardise_unit


def test_standardise_unit_fixes_known_strings():
    assert standardise_unit("1/s/MeV/sr") == u.Unit("s-1 MeV-1 sr-1")
    assert standardise_unit("ph/cm2/s") == u.Unit("cm-2 s-1")
    assert standardise_unit("counts") == u.dimensionless_unscaled
    assert standardise_unit("TeV") == u.TeV
    assert standardise_unit(u.m) is u.m


def test_standardise_unit_drops_photons_and_counts():
    # as Gammapy's standardise_unit: "ph" and "ct" factors are dropped
    assert standardise_unit("ph cm-2 s-1") == u.Unit("cm-2 s-1")
    assert standardise_unit("ct cm-2 s-1") == u.Unit("cm-2 s-1")
    assert standardise_unit(u.Unit("ph TeV-1 cm-2 s-1")) == u.Unit("TeV-1 cm-2 s-1")
    assert standardise_unit("ph") == u.dimensionless_unscaled
    assert standardise_unit("cm-2 s-1") == u.Unit("cm-2 s-1")


def test_check_physical_type():
    check_physical_type(1 * u.TeV, "energy")
    check_physical_type(1 * u.deg, u.rad)
    with pytest.raises(UnitMismatchError, match="energy"):
        check_physical_type(1 * u.m, "energy", name="energy_min")
    with pytest.raises(UnitMismatchError, match="Quantity"):
        check_physical_type(1.0, "energy")


def test_as_quantity():
    q = as_quantity("1 TeV", unit="GeV", physical_type="energy")
    assert q.unit == u.GeV and q.value == pytest.approx(1000)
    assert as_quantity([1, 2], unit="deg").unit == u.deg
    with pytest.raises(UnitMismatchError, match="cannot be converted"):
        as_quantity("1 m", unit="TeV")
    with pytest.raises(UnitMismatchError, match="Cannot interpret"):
        as_quantity("not a unit thing", unit="TeV")


def test_get_random_state():
    a = get_random_state(42).uniform(size=3)
    b = get_random_state(42).uniform(size=3)
    np.testing.assert_array_equal(a, b)
    rng = np.random.RandomState(1)
    assert get_random_state(rng) is rng
    assert get_random_state("global-rng") is np.random.mtrand._rand
    assert isinstance(get_random_state("random-seed"), np.random.RandomState)
    with pytest.raises(ValueError, match="Invalid random state"):
        get_random_state("nonsense")
    with pytest.raises(ValueError):
        get_random_state(1.5)


def test_sample_powerlaw_mean():
    x = sample_powerlaw(1, 10, 2.0, size=200000, random_state=0)
    assert x.min() >= 1 and x.max() <= 10
    # mean of x^-2 on [1, 10]: int x^-1 / int x^-2 = ln10 / 0.9
    assert np.mean(x) == pytest.approx(np.log(10) / 0.9, rel=5e-3)


def test_sample_sphere_uniform():
    lon, lat = sample_sphere(100000, random_state=1)
    # uniform on the sphere: mean of sin(lat) is 0 and of sin^2 is 1/3
    assert np.mean(np.sin(lat.rad) ** 2) == pytest.approx(1 / 3, abs=5e-3)
    assert lon.deg.min() >= 0 and lon.deg.max() <= 360
