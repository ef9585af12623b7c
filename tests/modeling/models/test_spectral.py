import numpy as np
import pytest
from astropy import units as u
from scipy.integrate import quad

from gammaray.modeling.models import (
    MODEL_REGISTRY,
    BrokenPowerLawSpectralModel,
    CompoundSpectralModel,
    ConstantSpectralModel,
    ExpCutoffPowerLaw3FGLSpectralModel,
    ExpCutoffPowerLawNormSpectralModel,
    ExpCutoffPowerLawSpectralModel,
    GaussianSpectralModel,
    LogParabola2SpectralModel,
    LogParabolaNormSpectralModel,
    LogParabolaSpectralModel,
    MeyerCrabSpectralModel,
    PiecewiseNormSpectralModel,
    PowerLaw2SpectralModel,
    PowerLawNormSpectralModel,
    PowerLawSpectralModel,
    ScaleSpectralModel,
    SmoothBrokenPowerLawSpectralModel,
    SpectralModel,
    SuperExpCutoffPowerLaw3FGLSpectralModel,
    SuperExpCutoffPowerLaw4FGLDR3SpectralModel,
    SuperExpCutoffPowerLaw4FGLSpectralModel,
    TemplateSpectralModel,
    create_crab_spectral_model,
    integrate_spectrum,
)

AMP = "cm-2 s-1 TeV-1"


def template_model():
    energy = np.geomspace(0.05, 200, 30) * u.TeV
    values = PowerLawSpectralModel(index=2.7)(energy) * np.exp(-energy / (20 * u.TeV))
    return TemplateSpectralModel(energy=energy, values=values)


def make_models():
    pl = PowerLawSpectralModel(index=2.3, amplitude=f"2e-12 {AMP}")
    ecpl = ExpCutoffPowerLawSpectralModel(index=1.8, lambda_="0.2 TeV-1")
    return {
        "const": ConstantSpectralModel(const=f"3e-12 {AMP}"),
        "pl": pl,
        "pl_index1": PowerLawSpectralModel(index=1.0),
        "pl_index2": PowerLawSpectralModel(index=2.0),
        "pl_near1": PowerLawSpectralModel(index=1.0 + 1e-9),
        "pl2": PowerLaw2SpectralModel(index=2.6, amplitude="1e-11 cm-2 s-1"),
        "pl2_index1": PowerLaw2SpectralModel(index=1.0),
        "pl_norm": PowerLawNormSpectralModel(norm=1.5, tilt=0.4),
        "gauss": GaussianSpectralModel(mean="2 TeV", sigma="0.5 TeV"),
        "bpl": BrokenPowerLawSpectralModel(index1=1.5, index2=3.2, ebreak="2.5 TeV"),
        "sbpl": SmoothBrokenPowerLawSpectralModel(
            index1=1.5, index2=3.0, ebreak="2 TeV", beta=0.5
        ),
        "ecpl": ecpl,
        "ecpl_alpha": ExpCutoffPowerLawSpectralModel(
            index=2.0, lambda_="0.3 TeV-1", alpha=0.6
        ),
        "ecpl_norm": ExpCutoffPowerLawNormSpectralModel(index=0.5, lambda_="0.1 TeV-1"),
        "ecpl_3fgl": ExpCutoffPowerLaw3FGLSpectralModel(index=1.7, ecut="5 TeV"),
        "secpl_3fgl": SuperExpCutoffPowerLaw3FGLSpectralModel(
            ecut="8 TeV", index_2=0.8
        ),
        "secpl_4fgl": SuperExpCutoffPowerLaw4FGLSpectralModel(
            expfactor=0.05, index_2=0.7
        ),
        "secpl_4fgl_dr3": SuperExpCutoffPowerLaw4FGLDR3SpectralModel(
            expfactor=0.1, index_2=0.5
        ),
        "secpl_4fgl_dr3_b0": SuperExpCutoffPowerLaw4FGLDR3SpectralModel(
            expfactor=0.1, index_2=1e-5
        ),
        "lp": LogParabolaSpectralModel(reference="1 TeV", alpha=2.3, beta=0.15),
        "lp_norm": LogParabolaNormSpectralModel(alpha=0.3, beta=0.1),
        "lp2": LogParabola2SpectralModel(alpha=2.3, beta=0.3),
        "template": template_model(),
        "piecewise": PiecewiseNormSpectralModel(
            energy=[0.3, 1, 3, 10] * u.TeV, norms=[1.0, 2.0, 0.5, 0.8]
        ),
        "scale": ScaleSpectralModel(pl.copy(), norm=2.0),
        "sum": pl.copy() + ecpl.copy(),
        "product": pl.copy() * PowerLawNormSpectralModel(norm=2, tilt=0.5),
        "ratio": ecpl.copy() / PowerLawNormSpectralModel(norm=2, tilt=0.5),
        "meyer": MeyerCrabSpectralModel(),
    }


MODELS = make_models()
RANGES = [(0.1, 1.0), (0.5, 20.0), (1.0, 100.0), (3.0, 3.0001)]


def quad_log(func, emin, emax, breaks=None):
    """Reference integral by adaptive quadrature in log(E)."""
    points = None
    if breaks is not None:
        b = np.log(np.atleast_1d(breaks.to_value("TeV")))
        points = [p for p in b if np.log(emin) < p < np.log(emax)] or None

    def integrand(x):
        energy = np.exp(x)
        return func(energy * u.TeV) * energy

    value, _ = quad(
        integrand,
        np.log(emin),
        np.log(emax),
        points=points,
        epsabs=0,
        epsrel=1e-12,
        limit=500,
    )
    return value


@pytest.mark.parametrize("name", list(MODELS))
def test_integral_and_energy_flux_match_quadrature(name):
    model = MODELS[name]
    unit = model(1 * u.TeV).unit
    breaks = model._integration_breaks()
    for emin, emax in RANGES:
        ref = quad_log(lambda e: model(e).to_value(unit), emin, emax, breaks)
        value = model.integral(emin * u.TeV, emax * u.TeV)
        assert value.unit.is_equivalent(unit * u.TeV)
        assert value.to_value(unit * u.TeV) == pytest.approx(ref, rel=1e-6, abs=1e-300)
        ref = quad_log(
            lambda e: (e * model(e)).to_value(unit * u.TeV), emin, emax, breaks
        )
        value = model.energy_flux(emin * u.TeV, emax * u.TeV)
        assert value.to_value(unit * u.TeV**2) == pytest.approx(
            ref, rel=1e-6, abs=1e-300
        )


def test_integral_vectorised_and_units():
    model = MODELS["ecpl"]
    edges = np.geomspace(100, 1e5, 11) * u.GeV
    flux = model.integral(edges[:-1], edges[1:])
    assert flux.shape == (10,)
    total = model.integral(edges[0], edges[-1])
    assert flux.sum().to_value("cm-2 s-1") == pytest.approx(
        total.to_value("cm-2 s-1"), rel=1e-9
    )
    generic = integrate_spectrum(model, edges[:-1], edges[1:])
    np.testing.assert_allclose(
        generic.to_value("cm-2 s-1"), flux.to_value("cm-2 s-1"), rtol=1e-12
    )
    # 2-d bounds broadcast
    emin = np.array([[1, 2], [3, 4]]) * u.TeV
    assert model.integral(emin, 2 * emin).shape == (2, 2)


def test_power_law_closed_forms():
    pl = PowerLawSpectralModel(index=2, amplitude=f"1e-12 {AMP}")
    flux = pl.integral(1 * u.TeV, 10 * u.TeV)
    assert flux.to_value("cm-2 s-1") == pytest.approx(1e-12 * (1 - 0.1))
    eflux = pl.energy_flux(1 * u.TeV, 10 * u.TeV)
    assert eflux.to_value("TeV cm-2 s-1") == pytest.approx(1e-12 * np.log(10))
    pl1 = PowerLawSpectralModel(index=1)
    assert pl1.integral(1 * u.TeV, np.e * u.TeV).to_value("cm-2 s-1") == pytest.approx(
        1e-12
    )
    pl2 = PowerLaw2SpectralModel(amplitude="1e-11 cm-2 s-1", index=2.3)
    assert pl2.integral(pl2.emin.quantity, pl2.emax.quantity).to_value(
        "cm-2 s-1"
    ) == pytest.approx(1e-11)
    gauss = GaussianSpectralModel(
        amplitude="1e-11 cm-2 s-1", mean="5 TeV", sigma="0.1 TeV"
    )
    assert gauss.integral(1 * u.TeV, 100 * u.TeV).to_value("cm-2 s-1") == pytest.approx(
        1e-11
    )
    assert gauss.energy_flux(1 * u.TeV, 100 * u.TeV).to_value(
        "TeV cm-2 s-1"
    ) == pytest.approx(5e-11)


def test_spectral_index_and_inverse():
    pl = PowerLawSpectralModel(index=2.3)
    assert pl.spectral_index(3 * u.TeV) == pytest.approx(2.3, rel=1e-8)
    lp = LogParabolaSpectralModel(reference="1 TeV", alpha=2.0, beta=0.3)
    energy = 5 * u.TeV
    assert lp.spectral_index(energy) == pytest.approx(
        2.0 + 2 * 0.3 * np.log(5), rel=1e-7
    )
    assert pl.inverse(pl(3 * u.TeV)).to_value("TeV") == pytest.approx(3)
    ecpl = ExpCutoffPowerLawSpectralModel()
    value = ecpl([2, 7] * u.TeV)
    energy = SpectralModel.inverse(ecpl, value)
    np.testing.assert_allclose(energy.to_value("TeV"), [2, 7], rtol=1e-8)
    assert np.isnan(SpectralModel.inverse(ecpl, 1 * u.Unit(AMP)).value)
    # E^2 dN/dE of a hard cutoff spectrum crosses a value twice
    sed = ExpCutoffPowerLawSpectralModel(index=1.0, lambda_="0.5 TeV-1")
    roots = sed.inverse_all(sed([1.0] * u.TeV), 0.01 * u.TeV, 100 * u.TeV)
    assert len(roots) == 1 and roots[0][0].to_value("TeV") == pytest.approx(1.0)


def test_evaluate_error_power_law_analytic():
    pl = PowerLawSpectralModel(index=2.5, amplitude=f"1e-11 {AMP}")
    var_a, var_g, cov = (1e-12) ** 2, 0.1**2, -0.3 * 1e-12 * 0.1
    pl.covariance = np.array([[var_g, cov, 0], [cov, var_a, 0], [0, 0, 0]])
    assert pl.index.error == pytest.approx(0.1)
    energy = [0.3, 1, 10] * u.TeV
    value, error = pl.evaluate_error(energy)
    x = np.log(energy.to_value("TeV"))
    f = pl(energy).value
    # d f / d A = f / A, d f / d index = -f log(x)
    expected = f * np.sqrt(var_a / 1e-22 + x**2 * var_g - 2 * x * cov / 1e-11)
    np.testing.assert_allclose(error.value, expected, rtol=1e-6)
    np.testing.assert_allclose(value.value, f)
    flux, flux_err = pl.integral_error(1 * u.TeV, 10 * u.TeV)
    assert flux_err.unit == flux.unit and flux_err.value > 0
    eflux, eflux_err = pl.energy_flux_error(1 * u.TeV, 10 * u.TeV)
    assert eflux_err.value > 0
    index, index_err = pl.spectral_index_error(2 * u.TeV)
    assert index == pytest.approx(2.5) and index_err == pytest.approx(0.1, rel=1e-4)
    # generic pivot energy agrees with the closed form
    pivot = pl.pivot_energy
    assert pivot.to_value("TeV") == pytest.approx(np.exp(cov / (1e-11 * var_g)))
    generic = SpectralModel.pivot_energy.fget(pl)
    assert generic.to_value("TeV") == pytest.approx(pivot.to_value("TeV"), rel=1e-4)


def test_parameters_accept_strings_quantities_and_parameters():
    pl = PowerLawSpectralModel(amplitude="1e-12 TeV-1 cm-2 s-1", index=3)
    assert pl.amplitude.unit == u.Unit("TeV-1 cm-2 s-1")
    pl2 = PowerLawSpectralModel(amplitude=1e-9 * u.Unit("m-2 s-1 GeV-1"))
    assert pl2(1 * u.TeV).to_value(AMP) == pytest.approx(1e-9 * 1e-4 * 1e3)
    pl3 = PowerLawSpectralModel(index=pl.index)
    assert pl3.index is pl.index  # linked
    pl.index = 2.1
    assert pl3.index.value == 2.1
    pl.reference = "2 TeV"
    assert pl.reference.quantity == 2 * u.TeV
    assert PowerLawSpectralModel.index.value == 2.0  # class default untouched


def test_freeze_unfreeze_and_copy():
    model = ExpCutoffPowerLawSpectralModel()
    model.freeze()
    assert model.frozen
    model.unfreeze()
    assert model.reference.frozen and model.alpha.frozen and not model.index.frozen
    copy = model.copy(index=3.0)
    assert copy.index.value == 3.0 and model.index.value == 1.5
    assert copy.index is not model.index


def test_create_crab_spectral_model():
    for reference in [
        "meyer",
        "hegra",
        "hess_pl",
        "hess_ecpl",
        "magic_lp",
        "magic_ecpl",
    ]:
        model = create_crab_spectral_model(reference)
        dnde = model(1 * u.TeV).to_value(AMP)
        assert 2.5e-11 < dnde < 4.5e-11, reference
    flux = create_crab_spectral_model("meyer").integral(1 * u.TeV, 1e3 * u.TeV)
    assert 1.8e-11 < flux.to_value("cm-2 s-1") < 2.6e-11


def test_plot(tmp_path):
    import matplotlib.pyplot as plt

    pl = PowerLawSpectralModel()
    pl.covariance = np.diag([0.01, 1e-26, 0])
    fig, ax = plt.subplots()
    for sed_type in ["dnde", "e2dnde", "flux", "eflux"]:
        pl.plot([0.1, 100] * u.TeV, ax=ax, sed_type=sed_type, n_points=20)
        pl.plot_error([0.1, 100] * u.TeV, ax=ax, sed_type=sed_type, n_points=20)
    assert len(ax.lines) == 4 and len(ax.collections) == 4
    x, y = ax.lines[1].get_data()
    # E^2 dN/dE of index 2, drawn in erg cm-2 s-1 (the flux-point display unit)
    expected = (1e-12 * u.Unit("TeV cm-2 s-1")).to_value("erg cm-2 s-1")
    np.testing.assert_allclose(y, expected * np.ones(20), rtol=1e-10)
    ax2 = pl.plot([0.1, 100] * u.TeV, energy_power=2)
    assert ax2.get_xscale() == "log"
    with pytest.raises(ValueError, match="sed_type"):
        pl.plot([1, 10] * u.TeV, sed_type="nope")


def test_is_norm_spectral_model():
    assert MODELS["pl_norm"].is_norm_spectral_model
    assert MODELS["piecewise"].is_norm_spectral_model
    assert not MODELS["pl"].is_norm_spectral_model


def test_registry_tags():
    assert MODEL_REGISTRY.get_cls("pl") is PowerLawSpectralModel
    assert MODEL_REGISTRY.get_cls("CompoundSpectralModel") is CompoundSpectralModel
    assert "ExpCutoffPowerLawSpectralModel" in MODEL_REGISTRY.tags(SpectralModel)
    assert "GaussianPrior" not in MODEL_REGISTRY.tags(SpectralModel)
    assert "PowerLawSpectralModel" in str(MODEL_REGISTRY)


def test_reference_fluxes():
    class Axis:
        edges_min = [1, 2] * u.TeV
        edges_max = [2, 4] * u.TeV
        center = np.sqrt(edges_min * edges_max)

    pl = PowerLawSpectralModel()
    fluxes = pl.reference_fluxes(Axis)
    assert set(fluxes) == {
        "e_ref",
        "e_min",
        "e_max",
        "ref_dnde",
        "ref_flux",
        "ref_eflux",
        "ref_e2dnde",
    }
    np.testing.assert_allclose(
        fluxes["ref_flux"].to_value("cm-2 s-1"), [0.5e-12, 0.25e-12]
    )
    np.testing.assert_allclose(fluxes["ref_e2dnde"].to_value("TeV cm-2 s-1"), 1e-12)


def test_log_parabola2_matches_natural_log_form():
    lp2 = LogParabola2SpectralModel(
        amplitude="3e-11 cm-2 s-1 TeV-1", alpha=2.4, beta=0.25
    )
    lp = lp2.to_log_parabola()
    energy = [0.1, 1, 3, 30] * u.TeV
    np.testing.assert_allclose(
        lp2(energy).value, lp(energy).to_value(lp2(energy).unit), rtol=1e-12
    )
    np.testing.assert_allclose(
        lp2.e_peak.to_value("TeV"), lp.e_peak.to_value("TeV"), rtol=1e-12
    )
