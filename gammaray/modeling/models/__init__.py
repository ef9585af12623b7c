"""Model library: registry, priors, spectral, spatial and temporal models, sky models and model collections."""

from .core import MODEL_REGISTRY, ModelBase, ModelRegistry, Registry
from .cube import FoVBackgroundModel, SkyModel, TemplateNPredModel
from .models import DatasetModels, Models
from .prior import GaussianPrior, LogUniformPrior, Prior, UniformPrior
from .spatial import (
    DiskSpatialModel,
    GaussianSpatialModel,
    GeneralizedGaussianSpatialModel,
    PointSpatialModel,
    SpatialModel,
)
from .spatial_extra import (
    ConstantFluxSpatialModel,
    ConstantSpatialModel,
    Shell2SpatialModel,
    ShellSpatialModel,
)
from .spatial_template import (
    PiecewiseNormSpatialModel,
    TemplateNDSpatialModel,
    TemplateSpatialModel,
)
from .spectral import (
    ConstantSpectralModel,
    GaussianSpectralModel,
    PowerLaw2SpectralModel,
    PowerLawNormSpectralModel,
    PowerLawSpectralModel,
    SpectralModel,
    integrate_spectrum,
)
from .spectral_compound import CompoundSpectralModel
from .spectral_cutoff import (
    BrokenPowerLawSpectralModel,
    ExpCutoffPowerLaw3FGLSpectralModel,
    ExpCutoffPowerLawNormSpectralModel,
    ExpCutoffPowerLawSpectralModel,
    LogParabola2SpectralModel,
    LogParabolaNormSpectralModel,
    LogParabolaSpectralModel,
    SmoothBrokenPowerLawSpectralModel,
    SuperExpCutoffPowerLaw3FGLSpectralModel,
    SuperExpCutoffPowerLaw4FGLDR3SpectralModel,
    SuperExpCutoffPowerLaw4FGLSpectralModel,
)
from .spectral_ebl import (
    EBL_DATA_BUILTIN,
    EBLAbsorptionNormSpectralModel,
    MeyerCrabSpectralModel,
    create_crab_spectral_model,
)
from .spectral_template import (
    PiecewiseNormSpectralModel,
    ScaleSpectralModel,
    TemplateNDSpectralModel,
    TemplateSpectralModel,
)
from .temporal import (
    ConstantTemporalModel,
    ExpDecayTemporalModel,
    GaussianTemporalModel,
    GeneralizedGaussianTemporalModel,
    LinearTemporalModel,
    PowerLawTemporalModel,
    SineTemporalModel,
    TemporalModel,
)
from .temporal_template import (
    LightCurveTemplateTemporalModel,
    TemplatePhaseCurveTemporalModel,
)

#: Registry of the spatial model classes (tags resolved among spatial models).
SPATIAL_MODEL_REGISTRY = MODEL_REGISTRY.kinds["spatial"]
#: Registry of the temporal model classes.
TEMPORAL_MODEL_REGISTRY = MODEL_REGISTRY.kinds["temporal"]
#: Registry of the spectral model classes.
SPECTRAL_MODEL_REGISTRY = MODEL_REGISTRY.kinds["spectral"]
#: Registry of the prior classes.
PRIOR_REGISTRY = MODEL_REGISTRY.kinds["prior"]
#: Registry of the sky-level models (SkyModel, FoVBackgroundModel, TemplateNPredModel).
SKY_MODEL_REGISTRY = MODEL_REGISTRY.kinds["sky"]

__all__ = [
    "MODEL_REGISTRY",
    "SPECTRAL_MODEL_REGISTRY",
    "PRIOR_REGISTRY",
    "SKY_MODEL_REGISTRY",
    "Registry",
    "ModelRegistry",
    "ModelBase",
    "Prior",
    "GaussianPrior",
    "UniformPrior",
    "LogUniformPrior",
    "SpectralModel",
    "integrate_spectrum",
    "ConstantSpectralModel",
    "PowerLawSpectralModel",
    "PowerLaw2SpectralModel",
    "PowerLawNormSpectralModel",
    "GaussianSpectralModel",
    "BrokenPowerLawSpectralModel",
    "SmoothBrokenPowerLawSpectralModel",
    "ExpCutoffPowerLawSpectralModel",
    "ExpCutoffPowerLawNormSpectralModel",
    "ExpCutoffPowerLaw3FGLSpectralModel",
    "SuperExpCutoffPowerLaw3FGLSpectralModel",
    "SuperExpCutoffPowerLaw4FGLSpectralModel",
    "SuperExpCutoffPowerLaw4FGLDR3SpectralModel",
    "LogParabolaSpectralModel",
    "LogParabola2SpectralModel",
    "LogParabolaNormSpectralModel",
    "TemplateSpectralModel",
    "TemplateNDSpectralModel",
    "PiecewiseNormSpectralModel",
    "ScaleSpectralModel",
    "CompoundSpectralModel",
    "EBLAbsorptionNormSpectralModel",
    "EBL_DATA_BUILTIN",
    "MeyerCrabSpectralModel",
    "create_crab_spectral_model",
    "SPATIAL_MODEL_REGISTRY",
    "TEMPORAL_MODEL_REGISTRY",
    "SpatialModel",
    "PointSpatialModel",
    "GaussianSpatialModel",
    "GeneralizedGaussianSpatialModel",
    "DiskSpatialModel",
    "ShellSpatialModel",
    "Shell2SpatialModel",
    "ConstantSpatialModel",
    "ConstantFluxSpatialModel",
    "TemplateSpatialModel",
    "TemplateNDSpatialModel",
    "PiecewiseNormSpatialModel",
    "TemporalModel",
    "ConstantTemporalModel",
    "LinearTemporalModel",
    "ExpDecayTemporalModel",
    "GaussianTemporalModel",
    "GeneralizedGaussianTemporalModel",
    "PowerLawTemporalModel",
    "SineTemporalModel",
    "LightCurveTemplateTemporalModel",
    "TemplatePhaseCurveTemporalModel",
    "SkyModel",
    "FoVBackgroundModel",
    "TemplateNPredModel",
    "DatasetModels",
    "Models",
]
