"""Tests of the model registry: tags resolve per model kind, as in Gammapy."""

import pytest
import yaml

from gammaray.modeling.models import (
    MODEL_REGISTRY,
    PRIOR_REGISTRY,
    SKY_MODEL_REGISTRY,
    SPATIAL_MODEL_REGISTRY,
    SPECTRAL_MODEL_REGISTRY,
    TEMPORAL_MODEL_REGISTRY,
    ConstantSpatialModel,
    ConstantSpectralModel,
    ConstantTemporalModel,
    FoVBackgroundModel,
    GaussianPrior,
    GaussianSpatialModel,
    GaussianSpectralModel,
    GaussianTemporalModel,
    LightCurveTemplateTemporalModel,
    Models,
    PiecewiseNormSpatialModel,
    PiecewiseNormSpectralModel,
    PowerLawSpectralModel,
    SkyModel,
    SpatialModel,
    SpectralModel,
    TemplateSpatialModel,
    TemplateSpectralModel,
    TemporalModel,
)
from gammaray.utils.errors import InvalidModelFileError, UnknownModelTagError

SHARED_ALIASES = [
    ("const", ConstantSpectralModel, ConstantSpatialModel, ConstantTemporalModel),
    ("gauss", GaussianSpectralModel, GaussianSpatialModel, GaussianTemporalModel),
    (
        "template",
        TemplateSpectralModel,
        TemplateSpatialModel,
        LightCurveTemplateTemporalModel,
    ),
    ("piecewise-norm", PiecewiseNormSpectralModel, PiecewiseNormSpatialModel, None),
]


@pytest.mark.parametrize(("tag", "spectral", "spatial", "temporal"), SHARED_ALIASES)
def test_shared_alias_resolves_per_kind(tag, spectral, spatial, temporal):
    assert SPECTRAL_MODEL_REGISTRY.get_cls(tag) is spectral
    assert SPATIAL_MODEL_REGISTRY.get_cls(tag) is spatial
    assert MODEL_REGISTRY.get_cls(tag, base=SpectralModel) is spectral
    assert MODEL_REGISTRY.get_cls(tag, base=SpatialModel) is spatial
    if temporal is not None:
        assert TEMPORAL_MODEL_REGISTRY.get_cls(tag) is temporal
        assert MODEL_REGISTRY.get_cls(tag, base=TemporalModel) is temporal
    # without a kind the alias is ambiguous: a clear error naming the candidates
    with pytest.raises(UnknownModelTagError, match=spatial.__name__):
        MODEL_REGISTRY.get_cls(tag)


def test_flat_registry_still_resolves_unique_tags():
    assert MODEL_REGISTRY.get_cls("pl") is PowerLawSpectralModel
    assert MODEL_REGISTRY.get_cls("GaussianSpatialModel") is GaussianSpatialModel
    assert MODEL_REGISTRY.get_cls("GaussianPrior") is GaussianPrior
    assert PRIOR_REGISTRY.get_cls("GaussianPrior") is GaussianPrior
    assert SKY_MODEL_REGISTRY.get_cls("fov-bkg") is FoVBackgroundModel
    assert "gauss" in MODEL_REGISTRY.tags(SpatialModel)
    assert "pl" not in SPATIAL_MODEL_REGISTRY
    with pytest.raises(
        UnknownModelTagError, match="expected a subclass of SpatialModel"
    ):
        MODEL_REGISTRY.get_cls("GaussianSpectralModel", base=SpatialModel)
    with pytest.raises(UnknownModelTagError, match="Unknown model tag 'nope'"):
        SPATIAL_MODEL_REGISTRY.get_cls("nope")


def test_short_aliases_in_yaml_build_the_right_kind():
    text = """
components:
- name: src
  type: SkyModel
  spectral: {type: gauss, parameters: [{name: mean, value: 2, unit: TeV}]}
  spatial: {type: gauss, frame: icrs, parameters: [{name: sigma, value: 0.3, unit: deg}]}
  temporal: {type: const}
"""
    models = Models.from_dict(yaml.safe_load(text))
    model = models["src"]
    assert isinstance(model, SkyModel)
    assert isinstance(model.spectral_model, GaussianSpectralModel)
    assert isinstance(model.spatial_model, GaussianSpatialModel)
    assert isinstance(model.temporal_model, ConstantTemporalModel)
    assert model.spatial_model.sigma.value == pytest.approx(0.3)
    assert model.spectral_model.mean.value == pytest.approx(2)


def test_sky_component_tags():
    with pytest.raises(InvalidModelFileError, match="not a sky model"):
        Models.from_yaml("components:\n- {name: x, type: gauss}\n")
    with pytest.raises(
        UnknownModelTagError, match="Registered tags.*FoVBackgroundModel"
    ):
        Models.from_yaml("components:\n- {name: x, type: nope}\n")
    text = "components:\n- {name: d-bkg, type: fov-bkg, datasets_names: [d]}\n"
    models = Models.from_yaml(text)
    assert isinstance(models["d-bkg"], FoVBackgroundModel)
