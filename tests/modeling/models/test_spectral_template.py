import numpy as np
import pytest
import yaml
from astropy import units as u

from gammaray.maps import MapAxis, RegionNDMap
from gammaray.modeling.models import (
    PowerLawSpectralModel,
    SpectralModel,
    TemplateNDSpectralModel,
)
from gammaray.utils.errors import InvalidModelError


def make_map():
    energy = MapAxis.from_energy_bounds(
        "0.1 TeV", "100 TeV", nbin=12, name="energy_true"
    )
    index = MapAxis.from_nodes([1.0, 2.0, 3.0], name="index", interp="lin")
    m = RegionNDMap.create(
        region="icrs;circle(0,0,1)", axes=[energy, index], unit="cm-2 s-1 TeV-1"
    )
    e = energy.center
    for i, idx in enumerate(index.center):
        m.data[i, :, 0, 0] = PowerLawSpectralModel(index=float(idx))(e).to_value(
            "cm-2 s-1 TeV-1"
        )
    return m


def test_template_nd_interpolates_parameter_axis():
    model = TemplateNDSpectralModel(make_map())
    assert model.parameters.names == ["index"]
    assert model.index.value == 2.0 and model.index.min == 1 and model.index.max == 3
    model.index.value = 1.7
    energy = [0.2, 1.0, 30.0, 300.0] * u.TeV
    expected = PowerLawSpectralModel(index=1.7)(energy)
    np.testing.assert_allclose(
        model(energy).to_value(expected.unit), expected.value, rtol=1e-6
    )  # float32 map


def test_template_nd_dict_round_trip(tmp_path):
    model = TemplateNDSpectralModel(make_map())
    with pytest.raises(InvalidModelError, match="filename"):
        model.to_dict()
    model.filename = str(tmp_path / "template.fits")
    model.write()
    model.index.value = 2.4
    data = yaml.safe_load(yaml.safe_dump(model.to_dict()))
    model2 = SpectralModel.from_dict(data)
    assert model2.index.value == 2.4
    energy = [0.5, 5.0] * u.TeV
    np.testing.assert_allclose(model2(energy).value, model(energy).value, rtol=1e-6)
