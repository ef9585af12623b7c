"""Constants and small helpers shared by the DL5 product containers.

The quantity names follow the GADF SED specification and Gammapy: every
container stores dimensionless ``norm`` quantities relative to a reference
spectral model; the physical SED types (``dnde``, ``e2dnde``, ``flux``,
``eflux``) are derived on access.
"""

import logging

import numpy as np
from astropy import units as u

from gammaray.utils.errors import GammarayError

__all__ = [
    "SED_TYPES",
    "REQUIRED_MAPS",
    "REQUIRED_COLUMNS",
    "OPTIONAL_QUANTITIES",
    "OPTIONAL_QUANTITIES_COMMON",
    "VALID_QUANTITIES",
    "UnknownSEDTypeError",
    "check_sed_type",
    "guess_sed_type",
    "n_sigma_to_conf",
    "conf_to_n_sigma",
    "get_reference_spectral_model",
    "wrap_reference_model",
    "default_reference_model",
]

log = logging.getLogger(__name__)

#: The SED types: ``likelihood`` (norm quantities) and the four physical ones.
SED_TYPES = ("likelihood", "dnde", "e2dnde", "flux", "eflux")

#: Quantities a set of maps must contain to be interpreted as a given SED type.
REQUIRED_MAPS = {
    "dnde": ["dnde"],
    "e2dnde": ["e2dnde"],
    "flux": ["flux"],
    "eflux": ["eflux"],
    "likelihood": ["norm"],
}

#: Columns a GADF SED table must contain for a given SED type.
REQUIRED_COLUMNS = {
    "dnde": ["e_ref", "dnde"],
    "e2dnde": ["e_ref", "e2dnde"],
    "flux": ["e_min", "e_max", "flux"],
    "eflux": ["e_min", "e_max", "eflux"],
    "likelihood": ["e_min", "e_max", "e_ref", "ref_dnde", "norm"],
}

#: Optional error / upper-limit quantities per SED type.
OPTIONAL_QUANTITIES = {
    "dnde": ["dnde_err", "dnde_errn", "dnde_errp", "dnde_ul"],
    "e2dnde": ["e2dnde_err", "e2dnde_errn", "e2dnde_errp", "e2dnde_ul"],
    "flux": ["flux_err", "flux_errn", "flux_errp", "flux_ul", "flux_sensitivity"],
    "eflux": ["eflux_err", "eflux_errn", "eflux_errp", "eflux_ul"],
    "likelihood": ["norm_err", "norm_errn", "norm_errp", "norm_ul", "norm_sensitivity"],
}

#: Quantities that are independent of the SED type (in table column order).
OPTIONAL_QUANTITIES_COMMON = [
    "ts",
    "sqrt_ts",
    "npred",
    "npred_excess",
    "npred_background",
    "stat",
    "stat_null",
    "stat_scan",
    "niter",
    "is_ul",
    "counts",
    "success",
    "n_dof",
]

#: All quantities a `FluxMaps` may hold in its data dict.
VALID_QUANTITIES = [
    "norm",
    *OPTIONAL_QUANTITIES["likelihood"],
    *OPTIONAL_QUANTITIES_COMMON,
    "norm_scan",
]

#: Quantities that carry an extra ``dataset`` label axis.
DATASET_QUANTITIES = ("npred", "npred_excess", "npred_background", "counts")


class UnknownSEDTypeError(GammarayError, ValueError):
    """An SED type is not one of ``likelihood``, ``dnde``, ``e2dnde``, ``flux``, ``eflux``."""


def check_sed_type(sed_type):
    """Return ``sed_type`` if valid, raise `UnknownSEDTypeError` otherwise.

    Parameters
    ----------
    sed_type : str
        SED type.

    Returns
    -------
    sed_type : str
        The validated SED type.
    """
    if sed_type not in SED_TYPES:
        raise UnknownSEDTypeError(
            f"Unknown sed_type {sed_type!r}; use one of {list(SED_TYPES)}."
        )
    return sed_type


def guess_sed_type(names, required=REQUIRED_COLUMNS):
    """Guess the SED type from available column or map names.

    Parameters
    ----------
    names : iterable of str
        Column or map names.
    required : dict
        Required names per SED type (`REQUIRED_COLUMNS` or `REQUIRED_MAPS`).

    Returns
    -------
    sed_type : str or None
        First SED type whose required names are all present, None otherwise.
    """
    names = set(names)
    for sed_type in ("likelihood", "dnde", "e2dnde", "flux", "eflux"):
        if set(required[sed_type]).issubset(names):
            return sed_type
    return None


def n_sigma_to_conf(n_sigma):
    """Two-sided confidence level of ``n_sigma`` (``UL_CONF`` header value, 7 digits)."""
    from scipy.stats import norm

    return float(np.round(1 - 2 * norm.sf(n_sigma), 7))


def conf_to_n_sigma(conf):
    """Number of sigma of a two-sided confidence level (rounded to 0.1)."""
    from scipy.stats import norm

    return float(np.round(norm.isf(0.5 * (1 - conf)), 1))


def _sky_model_class():
    """`SkyModel` if the modeling layer provides it, else None."""
    try:
        from gammaray.modeling.models import SkyModel
    except ImportError:
        return None
    return SkyModel


def wrap_reference_model(model, name=None):
    """Wrap a spectral model into a `SkyModel` (when available).

    Parameters
    ----------
    model : `~gammaray.modeling.models.SpectralModel` or `SkyModel` or None
        Reference model.
    name : str, optional
        Name of the sky model.

    Returns
    -------
    model : `SkyModel` or `SpectralModel` or None
        The sky model, or the spectral model when `SkyModel` does not exist yet.
    """
    from gammaray.modeling.models import SpectralModel

    if model is None or not isinstance(model, SpectralModel):
        return model
    sky_model_cls = _sky_model_class()
    if sky_model_cls is None:
        return model
    kwargs = {"spectral_model": model}
    if name is not None:
        kwargs["name"] = name
    return sky_model_cls(**kwargs)


def get_reference_spectral_model(model):
    """Spectral part of a reference model (a `SkyModel` or a spectral model)."""
    if model is None:
        return None
    return getattr(model, "spectral_model", model)


def default_reference_model():
    """Default reference model: a power law of index 2 (1e-12 cm-2 s-1 TeV-1 at 1 TeV)."""
    from gammaray.modeling.models import PowerLawSpectralModel

    return wrap_reference_model(
        PowerLawSpectralModel(
            index=2, amplitude="1e-12 cm-2 s-1 TeV-1", reference="1 TeV"
        )
    )


def flat_if_equal(array):
    """First row of a 2-d array if all rows are equal (light-curve columns), else the array."""
    array = u.Quantity(array) if isinstance(array, u.Quantity) else np.asarray(array)
    if array.ndim == 2 and np.all(array == array[0]):
        return array[0]
    return array
