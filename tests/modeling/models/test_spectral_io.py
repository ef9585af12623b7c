import numpy as np
import pytest
import yaml
from astropy import units as u
from astropy.table import Table

from gammaray.modeling.models import (
    CompoundSpectralModel,
    EBLAbsorptionNormSpectralModel,
    ModelBase,
    PowerLawSpectralModel,
    SpectralModel,
    TemplateSpectralModel,
)
from gammaray.utils.errors import (
    InvalidModelError,
    InvalidModelFileError,
    ParameterBoundsError,
    UnitMismatchError,
    UnknownModelTagError,
)

from .test_spectral import make_models


def assert_parameters_equal(pars1, pars2):
    assert pars1.names == pars2.names
    for p1, p2 in zip(pars1, pars2):
        assert p1.value == p2.value, p1.name
        assert p1.unit == p2.unit, p1.name
        np.testing.assert_equal(p1.min, p2.min)
        np.testing.assert_equal(p1.max, p2.max)
        assert p1.frozen == p2.frozen, p1.name
        assert p1.error == p2.error, p1.name
        assert p1.is_norm == p2.is_norm, p1.name


@pytest.mark.parametrize("full_output", [False, True])
@pytest.mark.parametrize("name", list(make_models()))
def test_dict_yaml_round_trip(name, full_output):
    model = make_models()[name]
    # change values, bounds, errors and frozen flags away from the defaults
    for i, par in enumerate(model.parameters.unique_parameters):
        par.error = 0.01 * (i + 1) * abs(par.value)
        if i % 2 == 0:
            par.min = par.value - 10 * abs(par.value) - 1
            par.max = par.value + 10 * abs(par.value) + 1
        par.frozen = not par.frozen if i % 3 == 0 else par.frozen
        par.value = par.value * 1.1 if par.value != 0 else 0.1
    data = model.to_dict(full_output=full_output)
    text = yaml.safe_dump(data, sort_keys=False)
    model2 = SpectralModel.from_dict(yaml.safe_load(text))
    assert type(model2) is type(model)
    assert_parameters_equal(model.parameters, model2.parameters)
    energy = [0.3, 1, 10] * u.TeV
    np.testing.assert_allclose(model2(energy).value, model(energy).value, rtol=1e-12)
    assert model2(energy).unit == model(energy).unit


def test_compact_dict_matches_gammapy_layout():
    model = PowerLawSpectralModel(index=2.3, amplitude="1e-12 cm-2 s-1 TeV-1")
    data = model.to_dict()
    assert list(data) == ["spectral"]
    assert data["spectral"]["type"] == "PowerLawSpectralModel"
    pars = data["spectral"]["parameters"]
    assert pars[0] == {"name": "index", "value": 2.3}
    assert pars[1]["unit"] == "TeV-1 s-1 cm-2" and set(pars[1]) == {
        "name",
        "value",
        "unit",
    }
    assert pars[2] == {"name": "reference", "value": 1.0, "unit": "TeV"}
    full = model.to_dict(full_output=True)["spectral"]["parameters"][0]
    assert {"name", "value", "unit", "error", "min", "max", "frozen", "is_norm"} <= set(
        full
    )


def test_read_gammapy_model_dicts(gammaray_data):
    # spectral entries of model files written by Gammapy
    for path in [
        "fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml",
        "datasets/simulations/simulated_spectrum_dataset_ECPL_model.yaml",
        "estimators/pks2155_hess_lc/models.yaml",
    ]:
        with open(gammaray_data / path) as fh:
            data = yaml.safe_load(fh)
        for component in data["components"]:
            model = SpectralModel.from_dict({"spectral": component["spectral"]})
            for item in component["spectral"]["parameters"]:
                par = model.parameters[item["name"]]
                assert par.value == pytest.approx(item["value"])
                if "unit" in item:
                    assert par.unit == u.Unit(item["unit"])
                if "frozen" in item:
                    assert par.frozen == item["frozen"]
    with open(gammaray_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml") as fh:
        lp = SpectralModel.from_dict(yaml.safe_load(fh)["components"][0])
    assert lp.amplitude.error == pytest.approx(0.003026327991562108)


def test_bad_input_errors():
    with pytest.raises(ParameterBoundsError, match="outside its bounds"):
        model = PowerLawSpectralModel()
        model.index.min = 0
        model.index.max = 5
        model.index.value = 6
    with pytest.raises(UnitMismatchError, match="not convertible"):
        PowerLawSpectralModel(amplitude=3 * u.m)
    with pytest.raises(UnitMismatchError):
        PowerLawSpectralModel().amplitude.quantity = "1 km"
    with pytest.raises(UnitMismatchError):
        PowerLawSpectralModel()(3 * u.m)
    with pytest.raises(UnknownModelTagError, match="Unknown model tag 'NoSuchModel'"):
        SpectralModel.from_dict({"type": "NoSuchModel", "parameters": []})
    with pytest.raises(UnknownModelTagError, match="expected a subclass"):
        SpectralModel.from_dict({"type": "GaussianPrior", "parameters": []})
    with pytest.raises(KeyError):  # UnknownModelTagError is a KeyError too
        ModelBase.from_dict({"type": "nope"})
    with pytest.raises(InvalidModelFileError, match="no parameter 'foo'"):
        SpectralModel.from_dict(
            {"type": "pl", "parameters": [{"name": "foo", "value": 1}]}
        )
    with pytest.raises(InvalidModelFileError, match="no 'type'"):
        SpectralModel.from_dict({"parameters": []})
    with pytest.raises(InvalidModelError, match="unknown arguments"):
        PowerLawSpectralModel(indx=2)
    with pytest.raises(InvalidModelError, match="strictly increasing"):
        TemplateSpectralModel([2, 1] * u.TeV, [1, 2] * u.Unit("cm-2 s-1 TeV-1"))
    # bounds violation in a file
    with pytest.raises(ParameterBoundsError):
        SpectralModel.from_dict(
            {
                "type": "pl",
                "parameters": [{"name": "index", "value": 9, "min": 0, "max": 5}],
            }
        )


def ebl_table(path):
    spectra = Table.read(path, hdu="SPECTRA")
    energies = Table.read(path, hdu="ENERGIES")
    energy = np.sqrt(energies["ENERG_LO"].astype(float) * energies["ENERG_HI"]) * u.keV
    return (
        np.asarray(spectra["PARAMVAL"], float),
        energy,
        np.asarray(spectra["INTPSPEC"], float),
    )


@pytest.mark.parametrize(
    ("reference", "filename"),
    [
        ("dominguez", "ebl_dominguez11.fits.gz"),
        ("franceschini", "ebl_franceschini.fits.gz"),
        ("finke", "frd_abs.fits.gz"),
        ("franceschini17", "ebl_franceschini_2017.fits.gz"),
        ("saldana-lopez21", "ebl_saldana-lopez_2021.fits.gz"),
    ],
)
def test_ebl_absorbed_power_law_at_table_nodes(gammaray_data, reference, filename):
    param, energy, data = ebl_table(gammaray_data / "ebl" / filename)
    iz = int(np.argmin(np.abs(param - 0.1)))
    redshift = float(param[iz])
    ebl = EBLAbsorptionNormSpectralModel.read_builtin(reference, redshift=redshift)
    pl = PowerLawSpectralModel(index=2.0)
    absorbed = pl * ebl
    assert isinstance(absorbed, CompoundSpectralModel)
    ratio = (absorbed(energy) / pl(energy)).to_value("")
    expected = data[iz]
    good = expected > 1e-100
    np.testing.assert_allclose(ratio[good], expected[good], rtol=1e-5)
    # alpha_norm scales the optical depth
    ebl.alpha_norm.value = 2.0
    np.testing.assert_allclose(
        ebl(energy).value[good], expected[good] ** 2, rtol=1e-4, atol=1e-280
    )


def test_ebl_redshift_dependence_and_round_trip(gammaray_data):
    ebl = EBLAbsorptionNormSpectralModel.read(
        "$GAMMARAY_DATA/ebl/ebl_dominguez11.fits.gz", redshift=0.05
    )
    energy = [0.1, 1, 5] * u.TeV
    low = ebl(energy).value
    ebl.redshift.value = 0.5
    high = ebl(energy).value
    assert np.all(high <= low) and np.all(high[1:] < low[1:])
    assert np.all((low > 0) & (low <= 1))
    data = ebl.to_dict()
    assert data["spectral"]["filename"] == "$GAMMARAY_DATA/ebl/ebl_dominguez11.fits.gz"
    model = SpectralModel.from_dict(yaml.safe_load(yaml.safe_dump(data)))
    np.testing.assert_allclose(model(energy).value, high, rtol=1e-12)
    assert model.redshift.value == 0.5
    # a model built from arrays writes its table
    small = EBLAbsorptionNormSpectralModel(
        energy=ebl.energy[::50],
        param=ebl.param[::40],
        data=ebl.data[::40, ::50],
        redshift=0.5,
    )
    data = small.to_dict()
    assert "values" in data["spectral"]
    model = SpectralModel.from_dict(yaml.safe_load(yaml.safe_dump(data)))
    np.testing.assert_allclose(model(energy).value, small(energy).value, rtol=1e-12)
    with pytest.raises(InvalidModelError, match="Unknown EBL model"):
        EBLAbsorptionNormSpectralModel.read_builtin("nope")


def test_template_read_xspec_model(gammaray_data):
    model = TemplateSpectralModel.read_xspec_model(
        gammaray_data / "ebl/ebl_dominguez11.fits.gz", param=0.3
    )
    ebl = EBLAbsorptionNormSpectralModel.read_builtin("dominguez", redshift=0.3)
    energy = model.energy[100:110]
    np.testing.assert_allclose(model(energy).value, ebl(energy).value, rtol=1e-5)
