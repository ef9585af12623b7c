"""Curved spectral models: broken power laws, cutoffs and log parabolas."""

import numpy as np
from astropy import units as u

from ..parameter import Parameter
from .spectral import SpectralModel, _power_law_integral

__all__ = [
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
]


def _ratio(energy, reference):
    return (energy / reference).to_value("")


class BrokenPowerLawSpectralModel(SpectralModel):
    """Broken power law.

    ``dN/dE = amplitude * (E / ebreak) ** -index1`` below ``ebreak`` and
    ``amplitude * (E / ebreak) ** -index2`` above.

    Parameters
    ----------
    index1, index2 : float
        Indices below and above the break (default 2).
    amplitude : `~astropy.units.Quantity`
        dN/dE at the break (default ``1e-12 cm-2 s-1 TeV-1``).
    ebreak : `~astropy.units.Quantity`
        Break energy (default 1 TeV).
    """

    tag = ["BrokenPowerLawSpectralModel", "bpl"]
    index1 = Parameter("index1", 2.0)
    index2 = Parameter("index2", 2.0)
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    ebreak = Parameter("ebreak", "1 TeV")

    @staticmethod
    def evaluate(energy, index1, index2, amplitude, ebreak):
        """dN/dE."""
        x = _ratio(energy, ebreak)
        index = np.where(x < 1, u.Quantity(index1).value, u.Quantity(index2).value)
        return amplitude * np.power(x, -index)

    @staticmethod
    def _integral(energy_min, energy_max, index1, index2, amplitude, ebreak, power):
        # int E^power dN/dE: split at the break, each part a power law
        unit = ebreak.unit
        emin = energy_min.to(unit)
        emax = energy_max.to(unit)
        low_max = np.minimum(emax.value, ebreak.value) * unit
        high_min = np.maximum(emin.value, ebreak.value) * unit
        low_max = np.maximum(low_max, emin)
        high_min = np.minimum(high_min, emax)
        norm = amplitude * ebreak**power
        low = _power_law_integral(norm, ebreak, index1 - power, emin, low_max)
        high = _power_law_integral(norm, ebreak, index2 - power, high_min, emax)
        return low + high

    @classmethod
    def evaluate_integral(
        cls, energy_min, energy_max, index1, index2, amplitude, ebreak
    ):
        """Closed-form integral."""
        return cls._integral(
            energy_min, energy_max, index1, index2, amplitude, ebreak, 0
        )

    @classmethod
    def evaluate_energy_flux(
        cls, energy_min, energy_max, index1, index2, amplitude, ebreak
    ):
        """Closed-form energy flux."""
        return cls._integral(
            energy_min, energy_max, index1, index2, amplitude, ebreak, 1
        )

    def _integration_breaks(self):
        return self.ebreak.quantity


class SmoothBrokenPowerLawSpectralModel(SpectralModel):
    """Smoothly broken power law.

    ``dN/dE = amplitude (E/reference)^-index1 [1 + (E/ebreak)^((index2 - index1)/beta)]^-beta``

    Parameters
    ----------
    index1, index2 : float
        Indices below and above the break (default 2).
    amplitude : `~astropy.units.Quantity`
        Normalisation (default ``1e-12 cm-2 s-1 TeV-1``).
    ebreak : `~astropy.units.Quantity`
        Break energy (default 1 TeV).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    beta : float
        Smoothness (default 1, frozen).
    """

    tag = ["SmoothBrokenPowerLawSpectralModel", "sbpl"]
    index1 = Parameter("index1", 2.0)
    index2 = Parameter("index2", 2.0)
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    ebreak = Parameter("ebreak", "1 TeV")
    reference = Parameter("reference", "1 TeV", frozen=True)
    beta = Parameter("beta", 1.0, frozen=True)

    @staticmethod
    def evaluate(energy, index1, index2, amplitude, ebreak, reference, beta):
        """dN/dE."""
        beta = u.Quantity(beta).value
        pwl = amplitude * np.power(_ratio(energy, reference), -index1)
        exponent = u.Quantity((index2 - index1) / beta).value
        brk = np.power(1 + np.power(_ratio(energy, ebreak), exponent), -beta)
        return pwl * brk


class ExpCutoffPowerLawSpectralModel(SpectralModel):
    """Power law with exponential cutoff.

    ``dN/dE = amplitude (E / reference)^-index exp(-(lambda_ E)^alpha)``

    Parameters
    ----------
    index : float
        Index (default 1.5).
    amplitude : `~astropy.units.Quantity`
        Normalisation (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    lambda_ : `~astropy.units.Quantity`
        Inverse cutoff energy (default 0.1 TeV-1).
    alpha : float
        Cutoff sharpness (default 1, frozen).
    """

    tag = ["ExpCutoffPowerLawSpectralModel", "ecpl"]
    index = Parameter("index", 1.5)
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)
    lambda_ = Parameter("lambda_", "0.1 TeV-1")
    alpha = Parameter("alpha", 1.0, frozen=True)

    @staticmethod
    def evaluate(energy, index, amplitude, reference, lambda_, alpha):
        """dN/dE."""
        pwl = amplitude * np.power(_ratio(energy, reference), -index)
        cutoff = np.exp(-np.power((energy * lambda_).to_value(""), alpha))
        return pwl * cutoff

    @property
    def e_peak(self):
        """Peak energy of ``E^2 dN/dE``, ``((2 - index) / alpha)^(1/alpha) / lambda_``.

        NaN if there is no peak (index >= 2 or lambda_ <= 0).
        """
        index, alpha = self.index.value, self.alpha.value
        lam = self.lambda_.quantity
        if index >= 2 or lam.value <= 0 or alpha <= 0:
            return np.nan * self.reference.unit
        return (((2 - index) / alpha) ** (1 / alpha) / lam).to(self.reference.unit)


class ExpCutoffPowerLawNormSpectralModel(SpectralModel):
    """Dimensionless exponential-cutoff power-law norm.

    ``norm (E / reference)^-index exp(-(lambda_ E)^alpha)``

    Parameters
    ----------
    index : float
        Index (default 1.5).
    norm : float
        Normalisation (default 1).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    lambda_ : `~astropy.units.Quantity`
        Inverse cutoff energy (default 0.1 TeV-1).
    alpha : float
        Cutoff sharpness (default 1, frozen).
    """

    tag = ["ExpCutoffPowerLawNormSpectralModel", "ecpl-norm"]
    index = Parameter("index", 1.5)
    norm = Parameter("norm", 1.0, is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)
    lambda_ = Parameter("lambda_", "0.1 TeV-1")
    alpha = Parameter("alpha", 1.0, frozen=True)

    @staticmethod
    def evaluate(energy, index, norm, reference, lambda_, alpha):
        """Norm factor."""
        pwl = norm * np.power(_ratio(energy, reference), -index)
        return pwl * np.exp(-np.power((energy * lambda_).to_value(""), alpha))


class ExpCutoffPowerLaw3FGLSpectralModel(SpectralModel):
    """3FGL exponential-cutoff power law.

    ``dN/dE = amplitude (E / reference)^-index exp((reference - E) / ecut)``

    Parameters
    ----------
    index : float
        Index (default 1.5).
    amplitude : `~astropy.units.Quantity`
        Normalisation (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    ecut : `~astropy.units.Quantity`
        Cutoff energy (default 10 TeV).
    """

    tag = ["ExpCutoffPowerLaw3FGLSpectralModel", "ecpl-3fgl"]
    index = Parameter("index", 1.5)
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)
    ecut = Parameter("ecut", "10 TeV")

    @staticmethod
    def evaluate(energy, index, amplitude, reference, ecut):
        """dN/dE."""
        pwl = amplitude * np.power(_ratio(energy, reference), -index)
        return pwl * np.exp(((reference - energy) / ecut).to_value(""))


class SuperExpCutoffPowerLaw3FGLSpectralModel(SpectralModel):
    """3FGL super-exponential-cutoff power law.

    ``dN/dE = amplitude (E/reference)^-index_1 exp((reference/ecut)^index_2 - (E/ecut)^index_2)``

    Parameters
    ----------
    amplitude : `~astropy.units.Quantity`
        Normalisation (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    ecut : `~astropy.units.Quantity`
        Cutoff energy (default 10 TeV).
    index_1 : float
        Index (default 1.5).
    index_2 : float
        Cutoff exponent (default 2).
    """

    tag = ["SuperExpCutoffPowerLaw3FGLSpectralModel", "secpl-3fgl"]
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)
    ecut = Parameter("ecut", "10 TeV")
    index_1 = Parameter("index_1", 1.5)
    index_2 = Parameter("index_2", 2.0)

    @staticmethod
    def evaluate(energy, amplitude, reference, ecut, index_1, index_2):
        """dN/dE."""
        pwl = amplitude * np.power(_ratio(energy, reference), -index_1)
        index_2 = u.Quantity(index_2).value
        cutoff = np.exp(
            np.power(_ratio(reference, ecut), index_2)
            - np.power(_ratio(energy, ecut), index_2)
        )
        return pwl * cutoff


class _SuperExpCutoff4FGLBase(SpectralModel):
    """Parameters shared by the 4FGL super-exponential-cutoff power laws (no tag)."""

    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)
    expfactor = Parameter("expfactor", 1e-2)
    index_1 = Parameter("index_1", 1.5)
    index_2 = Parameter("index_2", 2.0)


class SuperExpCutoffPowerLaw4FGLSpectralModel(_SuperExpCutoff4FGLBase):
    """4FGL (DR1/DR2) super-exponential-cutoff power law.

    ``dN/dE = amplitude (E/reference)^-index_1 exp(expfactor (reference^index_2 - E^index_2))``
    with energies in the unit of ``reference``.

    Parameters
    ----------
    amplitude : `~astropy.units.Quantity`
        Normalisation (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    expfactor : float
        Exponential factor (default 0.01, in ``reference.unit ** -index_2``).
    index_1 : float
        Index (default 1.5).
    index_2 : float
        Cutoff exponent (default 2).
    """

    tag = ["SuperExpCutoffPowerLaw4FGLSpectralModel", "secpl-4fgl"]

    @staticmethod
    def evaluate(energy, amplitude, reference, expfactor, index_1, index_2):
        """dN/dE."""
        pwl = amplitude * np.power(_ratio(energy, reference), -index_1)
        index_2 = u.Quantity(index_2).value
        e = energy.to_value(reference.unit)
        e0 = reference.value
        expfactor = u.Quantity(expfactor).value
        return pwl * np.exp(expfactor * (np.power(e0, index_2) - np.power(e, index_2)))


class SuperExpCutoffPowerLaw4FGLDR3SpectralModel(_SuperExpCutoff4FGLBase):
    """4FGL-DR3 super-exponential-cutoff power law.

    ``dN/dE = amplitude x^(d/b - index_1) exp(d/b^2 (1 - x^b))`` with
    ``x = E / reference``, ``d = expfactor`` and ``b = index_2``; the
    ``b -> 0`` limit ``x^(-index_1 - d/2 ln x)`` is handled by a series.
    Parameters as `SuperExpCutoffPowerLaw4FGLSpectralModel`, with ``expfactor``
    the curvature and ``index_1`` the index at the reference energy.
    """

    tag = ["SuperExpCutoffPowerLaw4FGLDR3SpectralModel", "secpl-4fgl-dr3"]

    @staticmethod
    def evaluate(energy, amplitude, reference, expfactor, index_1, index_2):
        """dN/dE."""
        x = np.log(_ratio(energy, reference))
        d = u.Quantity(expfactor).value
        b = u.Quantity(index_2).value
        g = u.Quantity(index_1).value
        y = b * x
        small = np.abs(y) < 1e-2
        y_safe = np.where(small, 1.0, y)
        b_safe = b if b != 0 else 1.0
        # (exp(y) - 1 - y) / b^2, with its series for small y
        series = x**2 * (0.5 + y / 6 + y**2 / 24 + y**3 / 120)
        exact = (np.expm1(y_safe) - y_safe) / b_safe**2
        curvature = np.where(small, series, exact)
        return amplitude * np.exp(-g * x - d * curvature)


def _log_parabola(energy, norm, reference, alpha, beta, log=np.log):
    """``norm x^(-alpha - beta log(x))`` with ``x = energy / reference``."""
    xx = _ratio(energy, reference)
    exponent = -alpha - beta * log(xx)
    return norm * np.power(xx, u.Quantity(exponent).value)


def _log_parabola_peak(model, base):
    """Peak energy of ``E^2 dN/dE`` of a log parabola with curvature in log_base."""
    beta = model.beta.value
    if beta <= 0:
        return np.nan * model.reference.unit
    return model.reference.quantity * base ** ((2 - model.alpha.value) / (2 * beta))


class LogParabolaSpectralModel(SpectralModel):
    """Log parabola ``dN/dE = amplitude x^(-alpha - beta ln x)``, ``x = E / reference``.

    Parameters
    ----------
    amplitude : `~astropy.units.Quantity`
        dN/dE at the reference energy (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 10 TeV, frozen).
    alpha : float
        Index at the reference energy (default 2).
    beta : float
        Curvature in natural-log units (default 1).
    """

    tag = ["LogParabolaSpectralModel", "lp"]
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "10 TeV", frozen=True)
    alpha = Parameter("alpha", 2.0)
    beta = Parameter("beta", 1.0)

    @classmethod
    def from_log10(cls, amplitude, reference, alpha, beta):
        """Create from a curvature ``beta`` given for base-10 logarithms."""
        beta_ln = u.Quantity(beta) / np.log(10)
        return cls(amplitude=amplitude, reference=reference, alpha=alpha, beta=beta_ln)

    @staticmethod
    def evaluate(energy, amplitude, reference, alpha, beta):
        """dN/dE."""
        return _log_parabola(energy, amplitude, reference, alpha, beta)

    @property
    def e_peak(self):
        """Peak energy of ``E^2 dN/dE``: ``reference exp((2 - alpha) / (2 beta))``."""
        return _log_parabola_peak(self, np.e)


class LogParabola2SpectralModel(SpectralModel):
    """Log parabola with base-10 curvature ``dN/dE = amplitude x^(-alpha - beta log10 x)``.

    ``x = E / reference``. This is the parametrisation of many published
    catalogues (e.g. MAGIC and Fermi-LAT papers); ``beta`` here equals
    ``ln(10)`` times the ``beta`` of `LogParabolaSpectralModel`.

    Parameters
    ----------
    amplitude : `~astropy.units.Quantity`
        dN/dE at the reference energy (default ``1e-12 cm-2 s-1 TeV-1``).
    reference : `~astropy.units.Quantity`
        Reference energy (default 1 TeV, frozen).
    alpha : float
        Index at the reference energy (default 2).
    beta : float
        Curvature in base-10 logarithm units (default 0.1).
    """

    tag = ["LogParabola2SpectralModel", "lp2"]
    amplitude = Parameter("amplitude", "1e-12 cm-2 s-1 TeV-1", is_norm=True)
    reference = Parameter("reference", "1 TeV", frozen=True)
    alpha = Parameter("alpha", 2.0)
    beta = Parameter("beta", 0.1)

    @staticmethod
    def evaluate(energy, amplitude, reference, alpha, beta):
        """dN/dE."""
        return _log_parabola(energy, amplitude, reference, alpha, beta, log=np.log10)

    @property
    def e_peak(self):
        """Peak energy of ``E^2 dN/dE``: ``reference 10^((2 - alpha) / (2 beta))``."""
        return _log_parabola_peak(self, 10.0)

    def to_log_parabola(self):
        """The equivalent `LogParabolaSpectralModel` (natural-log curvature)."""
        return LogParabolaSpectralModel.from_log10(
            amplitude=self.amplitude.quantity,
            reference=self.reference.quantity,
            alpha=self.alpha.value,
            beta=self.beta.value,
        )


class LogParabolaNormSpectralModel(SpectralModel):
    """Dimensionless log-parabola norm ``norm x^(-alpha - beta ln x)``.

    Parameters
    ----------
    norm : float
        Normalisation (default 1).
    reference : `~astropy.units.Quantity`
        Reference energy (default 10 TeV, frozen).
    alpha : float
        Index (default 2).
    beta : float
        Curvature in natural-log units (default 1).
    """

    tag = ["LogParabolaNormSpectralModel", "lp-norm"]
    norm = Parameter("norm", 1.0, is_norm=True)
    reference = Parameter("reference", "10 TeV", frozen=True)
    alpha = Parameter("alpha", 2.0)
    beta = Parameter("beta", 1.0)

    @staticmethod
    def evaluate(energy, norm, reference, alpha, beta):
        """Norm factor."""
        return _log_parabola(energy, norm, reference, alpha, beta)
