"""Model library: base classes, registry, priors and spectral models."""

from .core import MODEL_REGISTRY, ModelBase, Registry
from .prior import GaussianPrior, LogUniformPrior, Prior, UniformPrior
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

#: Registry of the spectral model classes (a view of `MODEL_REGISTRY`).
SPECTRAL_MODEL_REGISTRY = Registry(
    {tag: cls for tag, cls in MODEL_REGISTRY.items() if issubclass(cls, SpectralModel)}
)
#: Registry of the prior classes.
PRIOR_REGISTRY = Registry(
    {tag: cls for tag, cls in MODEL_REGISTRY.items() if issubclass(cls, Prior)}
)

__all__ = [
    "MODEL_REGISTRY",
    "SPECTRAL_MODEL_REGISTRY",
    "PRIOR_REGISTRY",
    "Registry",
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
]
