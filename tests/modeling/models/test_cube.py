"""Tests of gammaray.modeling.models.cube (SkyModel, FoVBackgroundModel, TemplateNPredModel)."""

import numpy as np
import pytest
from astropy import units as u
from astropy.time import Time

from gammaray.data import GTI
from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.modeling.models import (
    ConstantTemporalModel,
    ExpCutoffPowerLawSpectralModel,
    FoVBackgroundModel,
    GaussianSpatialModel,
    LinearTemporalModel,
    PointSpatialModel,
    PowerLawNormSpectralModel,
    PowerLawSpectralModel,
    SkyModel,
    TemplateNPredModel,
)
from gammaray.utils.errors import InvalidModelError, UnitMismatchError


@pytest.fixture
def geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", 4, name="energy_true")
    return WcsGeom.create(
        npix=(40, 40), binsz=0.05, skydir=(0, 0), frame="galactic", axes=[axis]
    )


@pytest.fixture
def sky_model():
    return SkyModel(
        spectral_model=PowerLawSpectralModel(
            index=2.5, amplitude="1e-12 cm-2 s-1 TeV-1"
        ),
        spatial_model=PointSpatialModel(
            lon_0="0.012 deg", lat_0="-0.02 deg", frame="galactic"
        ),
        temporal_model=ConstantTemporalModel(),
        name="src",
    )


def test_integrate_geom_point_powerlaw(geom, sky_model):
    flux = sky_model.integrate_geom(geom)
    assert flux.unit == u.Unit("cm-2 s-1")
    assert flux.data.shape == geom.data_shape
    edges = geom.axes["energy_true"].edges.to_value("TeV")
    index, amp = 2.5, 1e-12
    expected = (
        amp / (index - 1) * (edges[:-1] ** (1 - index) - edges[1:] ** (1 - index))
    )
    assert flux.data.sum(axis=(1, 2)) == pytest.approx(expected, rel=1e-9)


def test_integrate_geom_extended_with_gti(geom):
    model = SkyModel(
        PowerLawSpectralModel(),
        GaussianSpatialModel(
            lon_0="0 deg", lat_0="0 deg", sigma="0.1 deg", frame="galactic"
        ),
        LinearTemporalModel(alpha=1, beta="1 d-1", t_ref=59000 * u.d),
        name="ext",
    )
    gti = GTI.create([0] * u.d, [2] * u.d, reference_time=Time(59000, format="mjd"))
    flux = model.integrate_geom(geom, gti=gti)
    reference = model.integrate_geom(geom)
    # mean of 1 + t over [0, 2] days = 2
    assert flux.data.sum() == pytest.approx(2 * reference.data.sum(), rel=1e-6)
    expected = model.spectral_model.integral(1 * u.TeV, 100 * u.TeV).to_value(
        "cm-2 s-1"
    )
    assert reference.data.sum() == pytest.approx(expected, rel=1e-3)


def test_evaluate_geom(geom, sky_model):
    model = SkyModel(
        PowerLawSpectralModel(),
        GaussianSpatialModel(
            lon_0="0 deg", lat_0="0 deg", sigma="0.2 deg", frame="galactic"
        ),
        name="g",
    )
    value = model.evaluate_geom(geom)
    assert value.shape == geom.data_shape
    assert value.unit.is_equivalent("cm-2 s-1 TeV-1 sr-1")
    energy = geom.axes["energy_true"].center
    direct = model.evaluate(0 * u.deg, 0 * u.deg, energy)
    assert direct.unit.is_equivalent(value.unit)
    assert np.all(value.max(axis=(1, 2)).to_value(direct.unit) <= direct.value * 1.0001)


def test_parameters_and_freeze(sky_model):
    assert sky_model.parameters.names == [
        "index",
        "amplitude",
        "reference",
        "lon_0",
        "lat_0",
    ]
    sky_model.freeze("spatial")
    assert sky_model.spatial_model.frozen
    assert not sky_model.spectral_model.index.frozen
    sky_model.freeze()
    assert sky_model.frozen
    sky_model.unfreeze()
    assert not sky_model.spectral_model.index.frozen
    assert sky_model.spectral_model.reference.frozen
    assert not sky_model.spatial_model.lon_0.frozen


def test_covariance_propagates_to_components(sky_model):
    n = len(sky_model.parameters)
    data = np.diag(np.arange(1, n + 1, dtype=float))
    data[0, 3] = data[3, 0] = 0.5
    sky_model.covariance = data
    assert sky_model.covariance.data[0, 3] == 0.5
    assert sky_model.spectral_model.index.error == pytest.approx(1)
    assert sky_model.spatial_model.lon_0.error == pytest.approx(2)


def test_wrong_unit_and_component_type():
    with pytest.raises(UnitMismatchError, match="differential"):
        SkyModel(PowerLawNormSpectralModel(), PointSpatialModel(), name="bad")
    with pytest.raises(InvalidModelError):
        SkyModel(PowerLawSpectralModel(), spatial_model=PowerLawSpectralModel())


def test_copy_contributes_str(geom, sky_model):
    copy = sky_model.copy(name="src2")
    assert copy.name == "src2"
    assert copy.spectral_model is not sky_model.spectral_model
    assert sky_model.copy().name != sky_model.name
    mask = Map.from_geom(geom.to_image(), dtype=bool)
    assert not sky_model.contributes(mask)
    mask.data[20, 20] = True
    assert sky_model.contributes(mask)
    far = sky_model.copy(name="far")
    far.spatial_model.lon_0.value = 10
    assert not far.contributes(mask)
    assert far.contributes(mask, margin="11 deg")
    text = str(sky_model)
    for item in (
        "src",
        "PowerLawSpectralModel",
        "PointSpatialModel",
        "ConstantTemporalModel",
        "amplitude",
    ):
        assert item in text


def test_sky_model_without_spatial(geom):
    model = SkyModel(ExpCutoffPowerLawSpectralModel(), name="spec")
    assert model.position is None
    flux = model.integrate_geom(geom)
    assert flux.data[:, 0, 0].sum() == pytest.approx(
        model.spectral_model.integral(1 * u.TeV, 100 * u.TeV).to_value("cm-2 s-1"),
        rel=1e-4,
    )


def test_fov_background_model():
    model = FoVBackgroundModel(dataset_name="obs-1")
    assert model.name == "obs-1-bkg"
    assert model.datasets_names == ["obs-1"]
    model.spectral_model.norm.value = 1.5
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3)
    geom = WcsGeom.create(npix=(3, 3), axes=[axis])
    assert model.evaluate_geom(geom) == pytest.approx(np.full((3, 3, 3), 1.5))
    positional = FoVBackgroundModel("obs-2")
    assert positional.name == "obs-2-bkg"
    with pytest.raises(UnitMismatchError):
        FoVBackgroundModel(dataset_name="x", spectral_model=PowerLawSpectralModel())
    with pytest.raises(InvalidModelError):
        FoVBackgroundModel()
    data = model.to_dict()
    assert list(data) == ["type", "datasets_names", "spectral"]
    new = FoVBackgroundModel.from_dict(data)
    assert new.name == "obs-1-bkg"
    assert new.spectral_model.norm.value == 1.5


def test_template_npred_model(tmp_path):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 2)
    geom = WcsGeom.create(npix=(4, 3), axes=[axis])
    m = Map.from_geom(geom, dtype=float)
    m.data += 3.0
    model = TemplateNPredModel(
        m, name="bkg-template", filename=str(tmp_path / "bkg.fits")
    )
    model.spectral_model.norm.value = 2
    npred = model.evaluate()
    assert np.all(npred.data == 6)
    model.write()
    new = TemplateNPredModel.from_dict(model.to_dict())
    assert new.name == "bkg-template"
    assert new.spectral_model.norm.value == 2
    assert np.all(new.evaluate().data == 6)
