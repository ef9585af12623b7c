"""Tests of gammaray.modeling.models.temporal and temporal_template."""

import numpy as np
import pytest
from astropy import units as u
from astropy.table import Table
from astropy.time import Time
from scipy.integrate import quad

from gammaray.data import GTI
from gammaray.modeling.models import (
    ConstantTemporalModel,
    ExpDecayTemporalModel,
    GaussianTemporalModel,
    GeneralizedGaussianTemporalModel,
    LightCurveTemplateTemporalModel,
    LinearTemporalModel,
    PowerLawTemporalModel,
    SineTemporalModel,
    TemplatePhaseCurveTemporalModel,
    TemporalModel,
)
from gammaray.utils.errors import MissingColumnError, UnitMismatchError

T_REF = 59000.0


def _models():
    return [
        ConstantTemporalModel(),
        LinearTemporalModel(alpha=1.0, beta="0.5 d-1", t_ref=T_REF * u.d),
        ExpDecayTemporalModel(t0="2 d", t_ref=T_REF * u.d),
        GaussianTemporalModel(t_ref=(T_REF + 1) * u.d, sigma="0.5 d"),
        GeneralizedGaussianTemporalModel(
            t_ref=(T_REF + 1) * u.d, t_rise="0.3 d", t_decay="1.2 d", eta=0.7
        ),
        PowerLawTemporalModel(alpha=-1.5, t_ref=(T_REF - 1) * u.d, t0="1 d"),
        SineTemporalModel(amp=0.5, omega="2 rad / d", t_ref=T_REF * u.d),
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: type(m).__name__)
def test_integral_against_quad(model):
    t_min = Time([T_REF, T_REF + 0.7], format="mjd")
    t_max = Time([T_REF + 0.5, T_REF + 3.0], format="mjd")
    result = model.integral(t_min, t_max)
    total = 0.5 + 2.3

    def f(mjd):
        return float(model(Time(mjd, format="mjd")))

    expected = [
        quad(f, a, b, limit=200)[0] / total for a, b in zip(t_min.mjd, t_max.mjd)
    ]
    assert result.shape == (2,)
    assert result == pytest.approx(expected, rel=1e-6)


def test_constant_over_gti_sums_to_one():
    gti = GTI.create(
        [0, 100, 300] * u.s,
        [50, 200, 330] * u.s,
        reference_time=Time(T_REF, format="mjd"),
    )
    norm = ConstantTemporalModel().integral(gti.time_start, gti.time_stop)
    assert norm.sum() == pytest.approx(1, rel=1e-9)
    assert norm == pytest.approx(np.array([50, 100, 30]) / 180, rel=1e-6)


def test_gaussian_sampling():
    model = GaussianTemporalModel(t_ref=(T_REF + 0.5) * u.d, sigma="0.1 d")
    times = model.sample_time(
        5000,
        Time(T_REF, format="mjd"),
        Time(T_REF + 1, format="mjd"),
        t_delta="1 min",
        random_state=1,
    )
    assert isinstance(times, Time)
    assert len(times) == 5000
    assert np.mean(times.mjd) == pytest.approx(T_REF + 0.5, abs=0.005)
    assert np.std(times.mjd) == pytest.approx(0.1, rel=0.05)


def test_evaluate_values_and_reference_time():
    model = ExpDecayTemporalModel(t0="2 d", t_ref=Time(T_REF, format="mjd"))
    assert model.reference_time.mjd == pytest.approx(T_REF)
    assert model(Time(T_REF + 2, format="mjd")) == pytest.approx(np.exp(-1))
    sine = SineTemporalModel(amp=0.5, omega="1 rad / d", t_ref=T_REF * u.d)
    assert sine(Time(T_REF + np.pi / 2, format="mjd")) == pytest.approx(1.5)


@pytest.mark.parametrize("model", _models(), ids=lambda m: type(m).__name__)
def test_dict_round_trip(model):
    new = TemporalModel.from_dict(model.to_dict())
    assert type(new) is type(model)
    for p1, p2 in zip(model.parameters, new.parameters):
        assert (p1.name, p1.value, p1.unit, p1.frozen) == (
            p2.name,
            p2.value,
            p2.unit,
            p2.frozen,
        )


def test_wrong_unit():
    with pytest.raises(UnitMismatchError):
        GaussianTemporalModel(sigma="1 TeV")
    data = ExpDecayTemporalModel().to_dict()
    data["temporal"]["parameters"][0]["unit"] = "deg"
    with pytest.raises(UnitMismatchError, match="t0"):
        TemporalModel.from_dict(data)


def test_plot():
    model = GaussianTemporalModel(t_ref=T_REF * u.d, sigma="1 d")
    ax = model.plot((Time(T_REF - 3, format="mjd"), Time(T_REF + 3, format="mjd")))
    assert len(ax.lines) == 1


def _lc_table():
    table = Table()
    table["TIME"] = np.array([0.0, 1.0, 2.0, 4.0]) * u.d
    table["NORM"] = [0.0, 1.0, 3.0, 1.0]
    table.meta.update({"MJDREFI": int(T_REF), "MJDREFF": 0.0, "TIMESYS": "tt"})
    return table


def test_light_curve_template(tmp_path):
    model = LightCurveTemplateTemporalModel.from_table(_lc_table())
    t0 = Time(T_REF, format="mjd", scale="tt")
    assert model(t0 + [0.5, 1.5, 3.0] * u.d) == pytest.approx([0.5, 2.0, 2.0])
    assert model(t0 + 10 * u.d) == 0
    # trapezoid integral: 0.5 + 2 + 4 = 6.5 over a 4-day interval
    result = model.integral(t0, t0 + 4 * u.d)
    assert result == pytest.approx(6.5 / 4)

    def f(mjd):
        return float(model(Time(mjd, format="mjd", scale="tt")))

    a, b = T_REF + 0.3, T_REF + 2.6
    expected = quad(f, a, b, points=[T_REF + 1, T_REF + 2])[0] / (b - a)
    assert model.integral(
        Time(a, format="mjd", scale="tt"), Time(b, format="mjd", scale="tt")
    ) == pytest.approx(expected)

    filename = tmp_path / "lc.fits"
    model.write(filename)
    new = TemporalModel.from_dict(model.to_dict())
    assert new(t0 + [0.5, 1.5, 3.0] * u.d) == pytest.approx([0.5, 2.0, 2.0])
    assert new.filename == str(filename)


def test_light_curve_template_bad_table():
    with pytest.raises(MissingColumnError, match="NORM"):
        LightCurveTemplateTemporalModel.from_table(Table({"TIME": [1.0, 2.0]}))


def test_phase_curve(tmp_path):
    table = Table(
        {"PHASE": [0.0, 0.25, 0.5, 0.75, 1.0], "NORM": [1.0, 3.0, 1.0, 1.0, 1.0]}
    )
    model = TemplatePhaseCurveTemporalModel(table, t_ref=T_REF * u.d, f0="1 s-1")
    t0 = Time(T_REF, format="mjd")
    assert model(t0 + 0.25 * u.s) == pytest.approx(3.0)
    assert model(t0 + 10.25 * u.s) == pytest.approx(3.0)
    # mean over whole periods: 1 + 2 * 0.25 = 1.5
    assert model.integral(t0, t0 + 100 * u.s) == pytest.approx(1.5)
    # partial interval compared with numerical integration
    t1, t2 = T_REF, T_REF + 0.3 / 86400
    expected = quad(
        lambda t: float(model(Time(t, format="mjd"))),
        t1,
        t2,
        points=[T_REF + 0.25 / 86400],
    )[0] / (t2 - t1)
    assert model.integral(
        Time(t1, format="mjd"), Time(t2, format="mjd")
    ) == pytest.approx(expected, rel=1e-6)
    # with a frequency derivative the numerical path is used
    model.f1.value = 1e-6
    assert model.integral(t0, t0 + 100 * u.s) == pytest.approx(1.5, rel=1e-2)
    model.f1.value = 0
    filename = tmp_path / "phase.fits"
    model.write(filename)
    new = TemporalModel.from_dict(model.to_dict())
    assert new.f0.value == 1
    assert new(t0 + 0.25 * u.s) == pytest.approx(3.0)
    read = TemplatePhaseCurveTemporalModel.read(filename, t_ref=T_REF * u.d, f0="1 s-1")
    assert read(t0 + 0.25 * u.s) == pytest.approx(3.0)
