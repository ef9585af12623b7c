"""Tabulated spectral models: templates, piecewise norms and scaled models."""

import logging

import numpy as np
from astropy import units as u
from astropy.table import Table

from gammaray.utils.errors import InvalidModelError, InvalidModelFileError
from gammaray.utils.paths import make_path

from ..covariance import Covariance
from ..parameter import Parameter, Parameters
from .spectral import SpectralModel

__all__ = [
    "TemplateSpectralModel",
    "PiecewiseNormSpectralModel",
    "ScaleSpectralModel",
    "TemplateNDSpectralModel",
]

log = logging.getLogger(__name__)

_TINY = 1e-300


def _quantity_to_dict(quantity):
    quantity = u.Quantity(quantity)
    unit = (
        "" if quantity.unit == u.dimensionless_unscaled else quantity.unit.to_string()
    )
    return {"data": np.asarray(quantity.value).tolist(), "unit": unit}


def _quantity_from_dict(data):
    return u.Quantity(np.asarray(data["data"], dtype=float), data.get("unit", "") or "")


def _interp_1d(x, xp, fp, log_values, extrapolate=True):
    """Linear interpolation of ``fp(xp)`` (log of values if ``log_values``), vectorised."""
    xp = np.asarray(xp, dtype=float)
    fp = np.asarray(fp, dtype=float)
    if log_values:
        fp = np.log(np.clip(fp, _TINY, None))
    x = np.asarray(x, dtype=float)
    if len(xp) == 1:
        out = np.full(x.shape, fp[0])
    else:
        idx = np.clip(np.searchsorted(xp, x) - 1, 0, len(xp) - 2)
        x0, x1 = xp[idx], xp[idx + 1]
        w = (x - x0) / (x1 - x0)
        out = fp[idx] * (1 - w) + fp[idx + 1] * w
        if not extrapolate:
            out = np.where((x < xp[0]) | (x > xp[-1]), np.nan, out)
    if log_values:
        out = np.exp(out)
        if not extrapolate:
            out = np.where(np.isnan(out), 0.0, out)
    return out


class TemplateSpectralModel(SpectralModel):
    """Spectral model from tabulated energies and values.

    Values are interpolated linearly in ``log(E)``; by default the values
    are interpolated in log too (``interp_kwargs={"values_scale": "log"}``)
    and extrapolated as a power law outside the table.

    Parameters
    ----------
    energy : `~astropy.units.Quantity`
        Increasing energies.
    values : `~astropy.units.Quantity`
        Values at the energies (e.g. ``cm-2 s-1 TeV-1``).
    interp_kwargs : dict, optional
        ``values_scale`` (``"log"`` or ``"lin"``) and ``extrapolate`` (bool).
    meta : dict, optional
        Metadata.
    """

    tag = ["TemplateSpectralModel", "template"]

    def __init__(self, energy, values, interp_kwargs=None, meta=None, **kwargs):
        energy = u.Quantity(energy)
        values = u.Quantity(values)
        if energy.shape != values.shape or energy.ndim != 1:
            raise InvalidModelError(
                f"Template energies {energy.shape} and values {values.shape} must be "
                f"1-d arrays of the same length."
            )
        if np.any(np.diff(energy.value) <= 0):
            raise InvalidModelError("Template energies must be strictly increasing.")
        self.energy = energy
        self.values = values
        self.interp_kwargs = dict(interp_kwargs or {})
        self.meta = dict(meta or {})
        super().__init__(**kwargs)

    def evaluate(self, energy, **kwargs):
        """Interpolated values at ``energy``."""
        x = np.log(u.Quantity(energy).to_value(self.energy.unit))
        log_values = self.interp_kwargs.get("values_scale", "log") == "log"
        extrapolate = self.interp_kwargs.get("extrapolate", True)
        out = _interp_1d(
            x, np.log(self.energy.value), self.values.value, log_values, extrapolate
        )
        return u.Quantity(out, self.values.unit)

    def _integration_breaks(self):
        return self.energy

    def to_dict(self, full_output=False):
        """Model dict with the table (``energy`` and ``values``)."""
        data = super().to_dict(full_output=full_output)
        data["spectral"]["energy"] = _quantity_to_dict(self.energy)
        data["spectral"]["values"] = _quantity_to_dict(self.values)
        if self.interp_kwargs:
            data["spectral"]["interp_kwargs"] = dict(self.interp_kwargs)
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        try:
            energy = _quantity_from_dict(data["energy"])
            values = _quantity_from_dict(data["values"])
        except KeyError as exc:
            raise InvalidModelFileError(
                f"{cls.__name__} dict needs 'energy' and 'values' entries ({exc})."
            ) from None
        kwargs.setdefault("interp_kwargs", data.get("interp_kwargs"))
        model = cls(energy=energy, values=values, **kwargs)
        model._update_parameters_from_dict(data.get("parameters", []))
        return model

    @classmethod
    def read_xspec_model(cls, filename, param, **kwargs):
        """Read an XSPEC table model (OGIP FITS, energies in keV).

        The spectrum of the row whose parameter value is closest to ``param``
        is used, at the geometric bin centres, interpolated linearly.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        param : float
            Parameter value (e.g. redshift).
        """
        path = make_path(filename)
        table_energy = Table.read(path, hdu="ENERGIES")
        energy_lo = u.Quantity(table_energy["ENERG_LO"].data.astype(float), "keV")
        energy_hi = u.Quantity(table_energy["ENERG_HI"].data.astype(float), "keV")
        energy = np.sqrt(energy_lo * energy_hi)
        table_spectra = Table.read(path, hdu="SPECTRA")
        idx = int(np.abs(np.asarray(table_spectra["PARAMVAL"]) - param).argmin())
        values = u.Quantity(np.asarray(table_spectra["INTPSPEC"][idx], dtype=float), "")
        kwargs.setdefault("interp_kwargs", {"values_scale": "lin"})
        return cls(energy=energy, values=values, **kwargs)


class PiecewiseNormSpectralModel(SpectralModel):
    """Dimensionless norm given at nodes, interpolated in ``log(E)``.

    Parameters
    ----------
    energy : `~astropy.units.Quantity`
        Node energies (increasing).
    norms : array-like, optional
        Norms at the nodes (default 1); parameters ``norm_0``, ``norm_1``, ...
    interp : {"log", "lin"}
        Interpolation of the norm values.
    """

    tag = ["PiecewiseNormSpectralModel", "piecewise-norm"]

    def __init__(self, energy, norms=None, interp="log"):
        energy = u.Quantity(energy)
        if energy.ndim != 1 or len(energy) < 1:
            raise InvalidModelError(
                "PiecewiseNormSpectralModel needs 1-d node energies."
            )
        if norms is None:
            norms = np.ones(len(energy))
        if isinstance(norms, Parameters) or (
            len(norms) and isinstance(norms[0], Parameter)
        ):
            pars = list(norms)
        else:
            norms = np.asarray(u.Quantity(norms).value, dtype=float)
            pars = [
                Parameter(f"norm_{i}", float(v), is_norm=True)
                for i, v in enumerate(norms)
            ]
        if len(pars) != len(energy):
            raise InvalidModelError(
                f"Got {len(pars)} norms for {len(energy)} node energies."
            )
        self._energy = energy
        self._interp = interp
        super().__init__()
        for par in pars:
            par.type = self.type
            self._parameters_dict[par.name] = par
        self._covariance = Covariance(self.parameters)

    @property
    def energy(self):
        """Node energies (`~astropy.units.Quantity`)."""
        return self._energy

    @property
    def norms(self):
        """Norm parameters (`~gammaray.modeling.Parameters`)."""
        return self.parameters

    def evaluate(self, energy, **norms):
        """Interpolated norm at ``energy``."""
        values = np.array([u.Quantity(v).value for v in norms.values()], dtype=float)
        x = np.log(u.Quantity(energy).to_value(self._energy.unit))
        out = _interp_1d(
            x, np.log(self._energy.value), values, log_values=self._interp == "log"
        )
        return u.Quantity(out, "")

    def _integration_breaks(self):
        return self._energy

    def unfreeze(self):
        """Unfreeze all norms."""
        self.parameters.unfreeze_all()

    def to_dict(self, full_output=False):
        """Model dict with node ``energy`` and ``interp``."""
        data = super().to_dict(full_output=full_output)
        data["spectral"]["energy"] = _quantity_to_dict(self._energy)
        data["spectral"]["interp"] = self._interp
        return data

    def _defaults_by_name(self):
        return {
            p.name: Parameter(p.name, 1.0, is_norm=True).to_dict()
            for p in self.parameters
        }

    def _all_default_frozen(self):
        return {id(p): False for p in self.parameters}

    @classmethod
    def _from_dict(cls, data, **kwargs):
        energy = _quantity_from_dict(data["energy"])
        pars = Parameters.from_dict(data.get("parameters", []))
        for par in pars:
            par.is_norm = True
        return cls(energy=energy, norms=pars, interp=data.get("interp", "log"))


class ScaleSpectralModel(SpectralModel):
    """A spectral model multiplied by a free ``norm``.

    Parameters
    ----------
    model : `SpectralModel`
        Model to scale.
    norm : float
        Scale factor (default 1).
    """

    tag = ["ScaleSpectralModel"]
    norm = Parameter("norm", 1.0, is_norm=True)

    def __init__(self, model, norm=1.0):
        self.model = model
        super().__init__(norm=norm)

    @property
    def parameters(self):
        """The norm followed by the parameters of the scaled model."""
        return Parameters([self._parameters_dict["norm"]]) + self.model.parameters

    def __call__(self, energy):
        """Scaled dN/dE."""
        return self.norm.value * self.model(energy)

    def integral(self, energy_min, energy_max, **kwargs):
        """Scaled integral of the model."""
        return self.norm.value * self.model.integral(energy_min, energy_max, **kwargs)

    def energy_flux(self, energy_min, energy_max, **kwargs):
        """Scaled energy flux of the model."""
        return self.norm.value * self.model.energy_flux(
            energy_min, energy_max, **kwargs
        )

    def _integration_breaks(self):
        return self.model._integration_breaks()

    def _all_default_frozen(self):
        out = self.model._all_default_frozen()
        out[id(self.norm)] = False
        return out

    def to_dict(self, full_output=False):
        """Model dict with the scaled ``model``."""
        data = {
            "type": self.tag[0],
            "parameters": [self.norm.to_dict()],
            "model": self.model.to_dict(full_output=full_output)["spectral"],
        }
        if not full_output:
            data["parameters"] = super()._parameters_to_dict()[:1]
        return {"spectral": data}

    def _defaults_by_name(self):
        return {"norm": self._default_parameters_dict["norm"].to_dict()}

    @classmethod
    def _from_dict(cls, data, **kwargs):
        model = SpectralModel.from_dict({"spectral": data["model"]})
        scaled = cls(model=model)
        scaled._update_parameters_from_dict(data.get("parameters", []))
        return scaled


class TemplateNDSpectralModel(SpectralModel):
    """Spectral model tabulated on a map with an energy axis and parameter axes.

    Every non-energy axis of the map becomes a parameter (named after the
    axis, bounded by its nodes); the values are interpolated linearly in
    ``(log E, parameters...)`` on the log of the map data, and extrapolated.

    Parameters
    ----------
    map : `~gammaray.maps.RegionNDMap`
        Map with an ``energy_true`` (or ``energy``) axis, parameter axes, and
        a single spatial pixel; its unit is the unit of dN/dE.
    interp_kwargs : dict, optional
        ``values_scale`` (``"log"`` or ``"lin"``).
    meta : dict, optional
        Metadata.
    filename : str, optional
        File the map is (to be) stored in; needed for `to_dict`.
    """

    tag = ["TemplateNDSpectralModel", "templateND"]

    def __init__(self, map, interp_kwargs=None, meta=None, filename=None):
        axes = map.geom.axes
        names = list(axes.names)
        energy_name = "energy_true" if "energy_true" in names else "energy"
        if energy_name not in names:
            raise InvalidModelError(
                "TemplateNDSpectralModel needs a map with an 'energy_true' or 'energy' axis."
            )
        data = np.asarray(map.data, dtype=float)
        n_axes = len(names)
        spatial = data.shape[n_axes:]
        if int(np.prod(spatial)) != 1:
            raise InvalidModelError(
                f"TemplateNDSpectralModel needs a single spatial pixel, got shape {spatial}."
            )
        # numpy order is the reverse of the geometry axes order
        data = data.reshape(data.shape[:n_axes]).transpose(list(range(n_axes))[::-1])
        self.map = map
        self.filename = filename
        self.interp_kwargs = dict(interp_kwargs or {})
        self.meta = dict(meta or {})
        self._energy_index = names.index(energy_name)
        self._energy = axes[energy_name].center
        self._axis_names = [n for n in names if n != energy_name]
        order = [self._energy_index] + [names.index(n) for n in self._axis_names]
        self._data = data.transpose(order)
        self._unit = u.Unit(map.unit)
        self._nodes = [np.log(self._energy.value)]
        super().__init__()
        for name in self._axis_names:
            center = axes[name].center
            values = u.Quantity(center).value
            self._nodes.append(values)
            par = Parameter(
                name,
                float(np.median(values)),
                unit=u.Quantity(center).unit,
                min=float(values.min()),
                max=float(values.max()),
            )
            par.type = self.type
            self._parameters_dict[name] = par
        self._covariance = Covariance(self.parameters)

    def evaluate(self, energy, **kwargs):
        """Interpolated dN/dE at ``energy`` for the current parameter values."""
        from scipy.interpolate import RegularGridInterpolator

        log_values = self.interp_kwargs.get("values_scale", "log") == "log"
        values = np.log(np.clip(self._data, _TINY, None)) if log_values else self._data
        interp = RegularGridInterpolator(
            self._nodes, values, method="linear", bounds_error=False, fill_value=None
        )
        x = np.log(u.Quantity(energy).to_value(self._energy.unit))
        points = [x] + [
            np.full(
                x.shape,
                u.Quantity(kwargs[name]).to_value(self._parameters_dict[name].unit),
            )
            for name in self._axis_names
        ]
        out = interp(np.stack([np.ravel(p) for p in points], axis=-1)).reshape(x.shape)
        if log_values:
            out = np.exp(out)
        return u.Quantity(out, self._unit)

    def _all_default_frozen(self):
        return {id(p): False for p in self.parameters}

    def _defaults_by_name(self):
        return {}

    def write(self, overwrite=False):
        """Write the map to ``filename``."""
        if self.filename is None:
            raise InvalidModelError(
                "Set `filename` before writing a TemplateNDSpectralModel."
            )
        self.map.write(make_path(self.filename), overwrite=overwrite)

    def to_dict(self, full_output=False):
        """Model dict with ``filename`` (the map must be written there, see `write`)."""
        if self.filename is None:
            raise InvalidModelError(
                "TemplateNDSpectralModel.to_dict needs `filename`: set it and call write()."
            )
        data = super().to_dict(full_output=full_output)
        data["spectral"]["filename"] = str(self.filename)
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        from gammaray.maps import Map

        filename = data.get("filename")
        if filename is None:
            raise InvalidModelFileError(
                "TemplateNDSpectralModel dict needs a 'filename'."
            )
        model = cls(Map.read(make_path(filename)), filename=filename)
        model._update_parameters_from_dict(data.get("parameters", []))
        return model
