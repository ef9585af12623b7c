import logging

import numpy as np
import pytest
import yaml
from astropy import units as u

from gammaray.modeling import Parameter, Parameters, PriorParameter, PriorParameters
from gammaray.modeling.models import (
    GaussianPrior,
    LogUniformPrior,
    ModelBase,
    UniformPrior,
)
from gammaray.utils.errors import ParameterBoundsError, UnitMismatchError


def test_parameter_basics():
    par = Parameter("amplitude", "1e-12 TeV-1 cm-2 s-1", min=0, error=1e-13)
    assert par.unit == u.Unit("TeV-1 cm-2 s-1")
    assert par.value == 1e-12 and par.quantity == 1e-12 * par.unit
    assert par.factor == 1e-12 and par.scale == 1
    par.autoscale()
    assert par.scale == pytest.approx(1e-12) and par.factor == pytest.approx(1)
    assert par.value == pytest.approx(1e-12)
    par.factor = 2
    assert par.value == pytest.approx(2e-12)
    assert par.factor_min == 0 and np.isnan(par.factor_max)
    par.quantity = 3e-9 * u.Unit("GeV-1 m-2 s-1")
    assert par.unit == u.Unit("GeV-1 m-2 s-1")
    assert par.value == pytest.approx(3e-9)
    assert par.error == pytest.approx(1e-13 * 1e-3 * 1e4)  # converted with the unit
    assert "amplitude" in repr(par)


def test_parameter_scale_methods():
    par = Parameter("x", -350.0, scale_method="factor1")
    par.autoscale()
    assert par.scale == -350 and par.factor == 1
    par.min, par.max = -1000, -100
    assert par.factor_min == pytest.approx(100 / 350)
    assert par.factor_max == pytest.approx(1000 / 350)
    par = Parameter("x", 0.0)
    par.autoscale()
    assert par.scale == 1 and par.value == 0
    par = Parameter("x", 4.2e-7)
    par.autoscale()
    assert par.scale == pytest.approx(1e-7) and par.factor == pytest.approx(4.2)


def test_parameter_bounds_and_units():
    par = Parameter("index", 2.0, min=1, max=4)
    with pytest.raises(ParameterBoundsError, match="'index' is outside its bounds"):
        par.value = 5
    assert par.value == 2.0
    with pytest.raises(ParameterBoundsError):
        Parameter("index", 0.0, min=1)
    par.factor = 10  # optimisers may write factors without a check
    assert not par.check_limits()
    length = Parameter("sigma", "1 deg")
    with pytest.raises(UnitMismatchError, match="not convertible"):
        length.quantity = 1 * u.TeV
    with pytest.raises(UnitMismatchError):
        length.value = "3 s"
    length.value = 60 * u.arcmin
    assert length.unit == u.arcmin and length.value == 60
    with pytest.raises(UnitMismatchError, match="Cannot interpret"):
        par.value = "abc"
    with pytest.raises(ValueError, match="must be a number"):
        par.value = [1, 2]


def test_parameter_scan_values():
    par = Parameter("x", 2.0, error=0.5)
    np.testing.assert_allclose(par.scan_values, np.linspace(1, 3, 11))
    par = Parameter("x", 2.0, scan_min=1, scan_max=100, scan_n_values=3, interp="log")
    np.testing.assert_allclose(par.scan_values, [1, 10, 100])
    par = Parameter("x", 0.5, error=1.0, min=0, scan_n_values=5)
    assert par.scan_values[0] == 0
    with pytest.raises(ValueError):
        par.interp = "cubic"


def test_parameter_dict_round_trip():
    par = Parameter(
        "lat_0", "10 deg", min=-90, max=90, frozen=True, error=0.1, is_norm=False
    )
    par.prior = GaussianPrior(mu=10, sigma=1)
    data = yaml.safe_load(yaml.safe_dump(par.to_dict()))
    assert data["unit"] == "deg" and data["prior"]["type"] == "GaussianPrior"
    par2 = Parameter("lat_0", 0)
    par2.update_from_dict(data)
    for attr in ("value", "unit", "min", "max", "frozen", "error", "is_norm", "interp"):
        assert getattr(par2, attr) == getattr(par, attr)
    assert isinstance(par2.prior, GaussianPrior) and par2.prior.sigma.value == 1
    assert par2.prior_stat_sum() == 0
    par2.value = 12
    assert par2.prior_stat_sum() == pytest.approx(4)


def test_parameters_selection_and_arrays():
    a = Parameter("a", 1.0)
    b = Parameter("b", 2.0, frozen=True, error=0.2)
    c = Parameter("c", 3.0, min=0)
    pars = Parameters([a, b, c])
    assert pars.names == ["a", "b", "c"] and len(pars) == 3
    assert pars["b"] is b and pars[2] is c and pars[b] is b
    assert pars[np.array([True, False, True])].names == ["a", "c"]
    assert pars[["a", "c"]].names == ["a", "c"]
    assert pars[1:].names == ["b", "c"]
    assert pars.free_parameters.names == ["a", "c"]
    assert pars.select(frozen=True).names == ["b"]
    np.testing.assert_array_equal(pars.value, [1, 2, 3])
    pars.value = [4, 5, 6]
    assert c.value == 6
    np.testing.assert_array_equal(pars.error, [0, 0.2, 0])
    assert np.isnan(pars.min[0]) and pars.min[2] == 0
    with pytest.raises(IndexError, match="No parameter named 'd'"):
        pars["d"]
    stacked = Parameters.from_stack([pars, Parameters([a])])
    assert len(stacked) == 4 and len(stacked.unique_parameters) == 3
    pars.set_parameter_factors([1, 1, 1])
    np.testing.assert_array_equal(pars.value, [1, 1, 1])
    with pytest.raises(ValueError):
        pars.set_parameter_factors([1, 2])


def test_parameters_freeze_restore_and_table():
    pars = Parameters([Parameter("a", 1.0), Parameter("b", 2e-12, unit="cm-2")])
    with pars.restore_status():
        pars.freeze_all()
        pars.value = [5, 6]
        pars.autoscale()
        assert np.all(pars.frozen)
    assert not np.any(pars.frozen)
    np.testing.assert_array_equal(pars.value, [1, 2e-12])
    with pars.restore_status(restore_values=False):
        pars["a"].value = 7
        pars.unfreeze_all()
    assert pars["a"].value == 7
    table = pars.to_table()
    assert table.colnames == [
        "type",
        "name",
        "value",
        "unit",
        "error",
        "min",
        "max",
        "frozen",
        "is_norm",
        "link",
        "prior",
    ]
    assert table["unit"][1] == "cm-2"
    assert "b" in str(pars)
    pars2 = Parameters.from_dict(pars.to_dict())
    np.testing.assert_array_equal(pars2.value, pars.value)


def test_priors():
    gauss = GaussianPrior(mu=2.0, sigma=0.5)
    assert gauss(Parameter("x", 3.0)) == pytest.approx(4.0)
    uniform = UniformPrior(min=0, max=1)
    assert uniform(0.5) == 0 and uniform(2.0) == np.inf
    logu = LogUniformPrior(min=1, max=np.e)
    assert logu(1.0) == pytest.approx(0.0)
    assert logu(2.0) == pytest.approx(2 * np.log(2))
    assert logu(5.0) == np.inf
    assert isinstance(gauss.parameters, PriorParameters)
    assert isinstance(gauss.mu, PriorParameter)
    weighted = GaussianPrior(mu=0, sigma=1, weight=2)
    data = weighted.to_dict()
    assert data["prior"]["weight"] == 2
    back = ModelBase.from_dict(yaml.safe_load(yaml.safe_dump(data)))
    assert isinstance(back, GaussianPrior) and back.weight == 2 and back(1.0) == 2
    par = Parameter("x", 1.0, prior=gauss)
    pars = Parameters([par, par, Parameter("y", 0.0, prior=uniform)])
    assert pars.prior_stat_sum() == pytest.approx(4.0)  # unique parameters only


def test_check_limits_logs(caplog):
    par = Parameter("x", 1.0, min=0, max=2)
    par.factor = 3
    with caplog.at_level(logging.WARNING):
        assert not Parameters([par]).check_limits()
    assert "outside its bounds" in caplog.text
