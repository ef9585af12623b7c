"""The models API example of the design runs unchanged and builds the expected objects."""

import runpy

import pytest
from astropy import units as u

from gammaray.modeling.models import (
    CompoundSpectralModel,
    ConstantTemporalModel,
    EBLAbsorptionNormSpectralModel,
    PointSpatialModel,
    PowerLawSpectralModel,
    SkyModel,
)


def test_models_api_example(api_examples_dir, monkeypatch, capsys):
    monkeypatch.chdir(api_examples_dir)
    namespace = runpy.run_path(str(api_examples_dir / "models.py"), run_name="__main__")

    model = namespace["model"]
    assert isinstance(model, SkyModel)
    assert model.name == "my-model"
    spectral = model.spectral_model
    assert isinstance(spectral, PowerLawSpectralModel)
    assert spectral.amplitude.quantity == 1e-12 * u.Unit("TeV-1 cm-2 s-1")
    assert spectral.index.value == 2.3
    spatial = model.spatial_model
    assert isinstance(spatial, PointSpatialModel)
    assert spatial.frame == "galactic"
    assert spatial.lon_0.quantity == 45.6 * u.deg
    assert spatial.lat_0.quantity == 3.2 * u.deg
    assert spatial.position.galactic.l.deg == pytest.approx(45.6)
    assert isinstance(model.temporal_model, ConstantTemporalModel)
    assert model.parameters.names == [
        "index",
        "amplitude",
        "reference",
        "lon_0",
        "lat_0",
    ]

    printed = capsys.readouterr().out
    for item in (
        "my-model",
        "PowerLawSpectralModel",
        "PointSpatialModel",
        "ConstantTemporalModel",
    ):
        assert item in printed
    assert "amplitude" in printed and "1e-12" in printed

    absorbed = namespace["absorbed"]
    assert isinstance(absorbed, CompoundSpectralModel)
    assert absorbed.model1 is namespace["pwl"]
    assert isinstance(absorbed.model2, EBLAbsorptionNormSpectralModel)
    assert absorbed.model2.redshift.value == 0.5
    energy = [0.1, 1, 10] * u.TeV
    ratio = (absorbed(energy) / namespace["pwl"](energy)).to_value("")
    # EBL absorption: no gain, and much stronger at 10 TeV than at 0.1 TeV for z = 0.5
    assert all(ratio <= 1)
    assert ratio[2] < 0.01 < ratio[0]
