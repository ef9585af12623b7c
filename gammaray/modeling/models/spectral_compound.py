"""Arithmetic combination of two spectral models."""

import operator

import numpy as np

from gammaray.utils.errors import InvalidModelFileError

from ..covariance import Covariance
from ..parameter import Parameters
from .spectral import SpectralModel, integrate_spectrum

__all__ = ["CompoundSpectralModel"]

_OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
}


class CompoundSpectralModel(SpectralModel):
    """Two spectral models combined by ``+``, ``-``, ``*`` or ``/``.

    Usually created with the operators, e.g. ``pl * ebl``.

    Parameters
    ----------
    model1, model2 : `SpectralModel`
        Models.
    operator : callable
        One of `operator.add`, `operator.sub`, `operator.mul`, `operator.truediv`.
    """

    tag = ["CompoundSpectralModel", "compound"]

    def __init__(self, model1, model2, operator):
        if operator.__name__ not in _OPERATORS:
            raise ValueError(f"Unsupported operator {operator!r}.")
        self.model1 = model1
        self.model2 = model2
        self.operator = operator
        super().__init__()
        self._covariance = Covariance.from_stack([model1.covariance, model2.covariance])

    @property
    def parameters(self):
        """Parameters of ``model1`` followed by those of ``model2``."""
        return Parameters(list(self.model1.parameters) + list(self.model2.parameters))

    def __call__(self, energy):
        """Combined dN/dE."""
        return self.operator(self.model1(energy), self.model2(energy))

    def _integration_breaks(self):
        breaks = [
            b
            for b in (
                self.model1._integration_breaks(),
                self.model2._integration_breaks(),
            )
            if b is not None
        ]
        if not breaks:
            return None
        unit = breaks[0].unit
        return np.concatenate([np.atleast_1d(b.to_value(unit)) for b in breaks]) * unit

    def integral(self, energy_min, energy_max, **kwargs):
        """Integral flux (sum of the integrals for ``+``/``-``, numerical otherwise)."""
        if self.operator in (operator.add, operator.sub):
            return self.operator(
                self.model1.integral(energy_min, energy_max, **kwargs),
                self.model2.integral(energy_min, energy_max, **kwargs),
            )
        return integrate_spectrum(
            self, energy_min, energy_max, breaks=self._integration_breaks(), **kwargs
        )

    def energy_flux(self, energy_min, energy_max, **kwargs):
        """Energy flux (sum for ``+``/``-``, numerical otherwise)."""
        if self.operator in (operator.add, operator.sub):
            return self.operator(
                self.model1.energy_flux(energy_min, energy_max, **kwargs),
                self.model2.energy_flux(energy_min, energy_max, **kwargs),
            )
        return super().energy_flux(energy_min, energy_max, **kwargs)

    def _all_default_frozen(self):
        out = self.model1._all_default_frozen()
        out.update(self.model2._all_default_frozen())
        return out

    def to_dict(self, full_output=False):
        """Model dict with ``model1``, ``model2`` and ``operator``."""
        return {
            "spectral": {
                "type": self.tag[0],
                "model1": self.model1.to_dict(full_output)["spectral"],
                "model2": self.model2.to_dict(full_output)["spectral"],
                "operator": self.operator.__name__,
            }
        }

    @classmethod
    def _from_dict(cls, data, **kwargs):
        try:
            op = _OPERATORS[data["operator"]]
            model1 = SpectralModel.from_dict({"spectral": data["model1"]})
            model2 = SpectralModel.from_dict({"spectral": data["model2"]})
        except KeyError as exc:
            raise InvalidModelFileError(
                f"CompoundSpectralModel dict needs 'model1', 'model2' and a valid "
                f"'operator' (one of {list(_OPERATORS)}): missing {exc}."
            ) from None
        return cls(model1, model2, op)
