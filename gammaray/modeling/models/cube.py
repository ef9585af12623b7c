"""Sky models: `SkyModel`, `FoVBackgroundModel` and `TemplateNPredModel`."""

import copy
import logging
import uuid

import numpy as np
from astropy import units as u

from gammaray.utils.errors import InvalidModelError, UnitMismatchError
from gammaray.utils.paths import make_path

from ..covariance import Covariance
from ..parameter import Parameters
from .core import ModelBase
from .spatial import SpatialModel
from .spectral import PowerLawNormSpectralModel, SpectralModel
from .temporal import TemporalModel

__all__ = ["SkyModel", "FoVBackgroundModel", "TemplateNPredModel", "make_name"]

log = logging.getLogger(__name__)

_COMPONENTS = ("spectral", "spatial", "temporal")


def make_name(name=None):
    """Return ``name`` or, if None, a random 8-character name."""
    if name is not None:
        return str(name)
    return uuid.uuid4().hex[:8]


def _format_parameter(par):
    unit = "" if par.unit == u.dimensionless_unscaled else par.unit.to_string()
    frozen = " (frozen)" if par.frozen else ""
    error = "" if par.frozen else f"   +/- {par.error:10.2e}"
    return f"    {par.name:28s}{frozen:9s}: {par.value:12.4g}{error} {unit}".rstrip()


class _CompositeModel(ModelBase):
    """Shared machinery of models made of spectral/spatial/temporal components."""

    def _components(self):
        return [
            m for m in (getattr(self, f"{t}_model", None) for t in _COMPONENTS) if m
        ]

    @property
    def parameters(self):
        """Parameters of all components (`~gammaray.modeling.Parameters`)."""
        return Parameters.from_stack([m.parameters for m in self._components()])

    @property
    def parameters_unique_names(self):
        """Parameter names prefixed with the component type (list of str)."""
        return [
            f"{t}.{p.name}"
            for t in _COMPONENTS
            if getattr(self, f"{t}_model", None) is not None
            for p in getattr(self, f"{t}_model").parameters
        ]

    @property
    def covariance(self):
        """Covariance of all parameters (`~gammaray.modeling.Covariance`)."""
        parameters = self.parameters
        if (
            getattr(self, "_covariance", None) is None
            or self._covariance.parameters != parameters
        ):
            covar = Covariance.from_stack([m.covariance for m in self._components()])
            self._covariance = covar
        return self._covariance

    @covariance.setter
    def covariance(self, covariance):
        current = self.covariance
        if isinstance(covariance, Covariance):
            current.set_subcovariance(covariance)
        else:
            current.data = covariance
        for model in self._components():
            model.covariance = current.get_subcovariance(model.parameters)

    def freeze(self, model_type=None):
        """Freeze the parameters of all components, or of one (``"spectral"``, ...)."""
        for t in _COMPONENTS if model_type is None else [model_type]:
            model = getattr(self, f"{t}_model", None)
            if model is not None:
                model.freeze()

    def unfreeze(self, model_type=None):
        """Restore the default frozen status of all components, or of one."""
        for t in _COMPONENTS if model_type is None else [model_type]:
            model = getattr(self, f"{t}_model", None)
            if model is not None:
                model.unfreeze()

    def _components_to_dict(self, data, full_output=False):
        for t in _COMPONENTS:
            model = getattr(self, f"{t}_model", None)
            if model is not None:
                data.update(model.to_dict(full_output=full_output))
        return data

    def _covariance_from_errors(self):
        """Set the covariance to the diagonal of the parameter errors (after reading)."""
        parameters = self.covariance.parameters
        self.covariance = np.diag(np.array([p.error for p in parameters]) ** 2)
        return self

    @staticmethod
    def _components_from_dict(data):
        from .spatial import SpatialModel as _Spatial

        bases = {
            "spectral": SpectralModel,
            "spatial": _Spatial,
            "temporal": TemporalModel,
        }
        out = {}
        for t in _COMPONENTS:
            if data.get(t) is not None:
                out[f"{t}_model"] = bases[t].from_dict({t: data[t]})
        return out


class SkyModel(_CompositeModel):
    """Sky model: spectral x spatial x temporal components.

    ``dN/dE dOmega dt (E, lon, lat, t) = spectral(E) * spatial(lon, lat, E) * temporal(t)``

    Parameters
    ----------
    spectral_model : `SpectralModel`
        Spectral model (``cm-2 s-1 TeV-1``).
    spatial_model : `SpatialModel`, optional
        Spatial model (``sr-1``); None for a model without morphology (1D analysis).
    temporal_model : `TemporalModel`, optional
        Temporal model (dimensionless).
    name : str, optional
        Unique name (random by default).
    apply_irf : dict, optional
        Which IRFs to apply (``exposure``, ``psf``, ``edisp``; all True by default).
    datasets_names : list of str, optional
        Datasets the model applies to (None: all).
    covariance_data : `~numpy.ndarray`, optional
        Initial covariance matrix.
    """

    tag = ["SkyModel", "sky-model"]
    type = "sky"
    _apply_irf_default = {"exposure": True, "psf": True, "edisp": True}

    def __init__(
        self,
        spectral_model,
        spatial_model=None,
        temporal_model=None,
        name=None,
        apply_irf=None,
        datasets_names=None,
        covariance_data=None,
    ):
        self.spectral_model = spectral_model
        self.spatial_model = spatial_model
        self.temporal_model = temporal_model
        self._name = make_name(name)
        apply = dict(self._apply_irf_default)
        apply.update(apply_irf or {})
        self.apply_irf = apply
        self.datasets_names = None if datasets_names is None else list(datasets_names)
        super().__init__()
        self._covariance = None
        self._check_unit()
        if covariance_data is not None:
            self.covariance = covariance_data

    # ---- components ----------------------------------------------------------
    @property
    def name(self):
        """Model name (str)."""
        return self._name

    @property
    def spectral_model(self):
        """Spectral component (`SpectralModel`)."""
        return self._spectral_model

    @spectral_model.setter
    def spectral_model(self, model):
        if not isinstance(model, SpectralModel):
            raise InvalidModelError(
                f"spectral_model must be a SpectralModel, got {type(model).__name__}."
            )
        self._spectral_model = model

    @property
    def spatial_model(self):
        """Spatial component (`SpatialModel` or None)."""
        return self._spatial_model

    @spatial_model.setter
    def spatial_model(self, model):
        if model is not None and not isinstance(model, SpatialModel):
            raise InvalidModelError(
                f"spatial_model must be a SpatialModel or None, got {type(model).__name__}."
            )
        self._spatial_model = model

    @property
    def temporal_model(self):
        """Temporal component (`TemporalModel` or None)."""
        return self._temporal_model

    @temporal_model.setter
    def temporal_model(self, model):
        if model is not None and not isinstance(model, TemporalModel):
            raise InvalidModelError(
                f"temporal_model must be a TemporalModel or None, got {type(model).__name__}."
            )
        self._temporal_model = model

    def _check_unit(self):
        try:
            value = self.spectral_model(1 * u.TeV)
        except Exception:  # models that cannot be evaluated standalone
            return
        unit = u.Quantity(value).unit
        if self.spatial_model is not None:
            unit = unit * u.Unit("sr-1")
            expected = u.Unit("cm-2 s-1 TeV-1 sr-1")
        else:
            expected = u.Unit("cm-2 s-1 TeV-1")
        if self.spatial_model is not None and not self.spatial_model.is_normalized:
            # templates in absolute units carry the flux themselves
            return
        if not unit.is_equivalent(expected):
            raise UnitMismatchError(
                f"SkyModel {self.name!r}: spectral model unit "
                f"{u.Quantity(value).unit!r} gives {unit!r}, expected a differential "
                f"flux ({expected}); use e.g. PowerLawSpectralModel with an amplitude "
                "in cm-2 s-1 TeV-1."
            )

    @property
    def is_energy_dependent(self):
        """Whether the spatial model depends on energy."""
        return bool(
            self.spatial_model is not None and self.spatial_model.is_energy_dependent
        )

    # ---- position ------------------------------------------------------------
    @property
    def position(self):
        """Position of the spatial model (`~astropy.coordinates.SkyCoord` or None)."""
        return None if self.spatial_model is None else self.spatial_model.position

    @position.setter
    def position(self, skycoord):
        if self.spatial_model is None:
            raise InvalidModelError(f"SkyModel {self.name!r} has no spatial model.")
        self.spatial_model.position = skycoord

    @property
    def position_lonlat(self):
        """Position as ``(lon, lat)`` in deg."""
        if self.spatial_model is None:
            return None, None
        return self.spatial_model.position_lonlat

    @property
    def frame(self):
        """Frame of the spatial model (None without one)."""
        return None if self.spatial_model is None else self.spatial_model.frame

    @property
    def evaluation_radius(self):
        """Evaluation radius of the spatial model (`~astropy.coordinates.Angle` or None)."""
        return (
            None if self.spatial_model is None else self.spatial_model.evaluation_radius
        )

    @property
    def evaluation_region(self):
        """Evaluation region of the spatial model (`~regions.SkyRegion` or None)."""
        return (
            None if self.spatial_model is None else self.spatial_model.evaluation_region
        )

    def contributes(self, mask, margin="0 deg"):
        """Whether the model is within ``margin`` of a True pixel of ``mask``.

        Parameters
        ----------
        mask : `~gammaray.maps.Map`
            Boolean mask (e.g. a dataset's fit mask).
        margin : str or `~astropy.units.Quantity`
            Extra distance.

        Returns
        -------
        contributes : bool
            True if the model can contribute to the masked bins.
        """
        if self.spatial_model is None or self.position is None:
            return True
        geom = mask.geom
        data = np.asarray(mask.data, dtype=bool)
        image = (
            data.reshape((-1,) + data.shape[-2:]).any(axis=0) if data.ndim > 2 else data
        )
        if getattr(geom, "region", "none") != "none":
            return bool(np.any(image))
        radius = self.evaluation_radius
        radius = u.Quantity(0 if radius is None else radius, "deg")
        binsz = np.max(u.Quantity(geom.pixel_scales).to_value("deg"))
        limit = radius + u.Quantity(margin) + np.sqrt(2) * binsz * u.deg
        separation = geom.to_image().separation(self.position)
        return bool(np.any(image & (u.Quantity(separation) <= limit)))

    # ---- evaluation ----------------------------------------------------------
    def __call__(self, lon, lat, energy, time=None):
        """Evaluate the model (see `evaluate`)."""
        return self.evaluate(lon, lat, energy, time)

    def evaluate(self, lon, lat, energy, time=None):
        """Differential flux at sky positions, energies and times.

        Parameters
        ----------
        lon, lat : `~astropy.units.Quantity`
            Positions (in the frame of the spatial model).
        energy : `~astropy.units.Quantity`
            True energy.
        time : `~astropy.time.Time`, optional
            Time (ignored without a temporal model).

        Returns
        -------
        value : `~astropy.units.Quantity`
            ``cm-2 s-1 TeV-1 sr-1`` (``cm-2 s-1 TeV-1`` without spatial model).
        """
        value = self.spectral_model(energy)
        if self.spatial_model is not None:
            energy_spatial = energy if self.spatial_model.is_energy_dependent else None
            value = value * self.spatial_model(lon, lat, energy_spatial)
        if self.temporal_model is not None and time is not None:
            value = value * self.temporal_model(time)
        return value

    def _energy_axis(self, geom):
        names = geom.axes.names
        name = "energy_true" if "energy_true" in names else "energy"
        if name not in names:
            raise InvalidModelError(
                "SkyModel evaluation needs a geometry with an 'energy_true' axis; "
                "create it with axes=[MapAxis.from_energy_bounds(..., name='energy_true')]."
            )
        return geom.axes[name]

    def _temporal_factor(self, gti):
        if self.temporal_model is None or gti is None:
            return 1.0
        return float(
            np.sum(self.temporal_model.integral(gti.time_start, gti.time_stop))
        )

    def evaluate_geom(self, geom, gti=None):
        """Differential flux at the pixel centres of a geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with an ``energy_true`` axis.
        gti : `~gammaray.data.GTI`, optional
            Good time intervals (scale by the mean temporal norm over them).

        Returns
        -------
        value : `~astropy.units.Quantity`
            ``cm-2 s-1 TeV-1 sr-1`` with shape ``geom.data_shape``.
        """
        axis = self._energy_axis(geom)
        energy = axis.center.reshape((-1, 1, 1))
        value = self.spectral_model(energy)
        if self.spatial_model is not None:
            value = value * self.spatial_model.evaluate_geom(geom)
        value = value * self._temporal_factor(gti)
        return np.broadcast_to(value, geom.data_shape, subok=True) * 1

    def integrate_geom(self, geom, gti=None, oversampling_factor=None):
        """Flux integrated over the energy bins and pixels of a geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with an ``energy_true`` axis.
        gti : `~gammaray.data.GTI`, optional
            Good time intervals (scale by the mean temporal norm over them).
        oversampling_factor : int, optional
            Passed to `SpatialModel.integrate_geom`.

        Returns
        -------
        flux : `~gammaray.maps.Map`
            Flux per bin (``cm-2 s-1``).
        """
        from gammaray.maps import Map

        axis = self._energy_axis(geom)
        edges = axis.edges
        flux = u.Quantity(self.spectral_model.integral(edges[:-1], edges[1:]))
        flux = flux.reshape((-1, 1, 1))
        if self.spatial_model is not None:
            spatial = self.spatial_model.integrate_geom(
                geom, oversampling_factor=oversampling_factor
            )
            flux = flux * spatial.quantity
        flux = flux * self._temporal_factor(gti)
        flux = np.broadcast_to(flux, geom.data_shape, subok=True)
        return Map.from_geom(
            geom, data=flux.to_value("cm-2 s-1"), unit="cm-2 s-1", dtype=float
        )

    # ---- misc ----------------------------------------------------------------
    def copy(self, name=None, copy_data=False, **kwargs):
        """Deep copy with a new name (random if None).

        Parameters
        ----------
        name : str, optional
            Name of the copy.
        **kwargs : dict
            Constructor arguments to replace (e.g. ``spectral_model``).
        """
        model = copy.deepcopy(self)
        model._name = make_name(name)
        for key, value in kwargs.items():
            setattr(model, key, value)
        return model

    def __add__(self, other):
        from .models import Models

        if isinstance(other, ModelBase):
            return Models([self, other])
        return Models([self, *other])

    def __radd__(self, other):
        return self.__add__(other)

    def to_dict(self, full_output=False):
        """Model as a dict (Gammapy YAML layout)."""
        data = {"name": self.name, "type": self.tag[0]}
        if self.apply_irf != self._apply_irf_default:
            data["apply_irf"] = dict(self.apply_irf)
        if self.datasets_names is not None:
            data["datasets_names"] = list(self.datasets_names)
        return self._components_to_dict(data, full_output=full_output)

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create from a dict in the Gammapy YAML layout."""
        components = cls._components_from_dict(data)
        if "spectral_model" not in components:
            raise InvalidModelError(
                f"SkyModel {data.get('name')!r} has no 'spectral' entry; every SkyModel "
                "needs a spectral model."
            )
        model = cls(
            name=data.get("name"),
            datasets_names=data.get("datasets_names"),
            apply_irf=data.get("apply_irf"),
            **components,
        )
        return model._covariance_from_errors()

    def __str__(self):
        lines = [
            f"{type(self).__name__}",
            "",
            f"  Name                      : {self.name}",
            f"  Datasets names            : {self.datasets_names}",
        ]
        for t in _COMPONENTS:
            model = getattr(self, f"{t}_model")
            label = f"{t.capitalize()} model type"
            lines.append(f"  {label:26s}: {type(model).__name__ if model else ''}")
        if self.spatial_model is not None and self.frame is not None:
            lines.append(f"  {'Frame':26s}: {self.frame}")
        lines.append("  Parameters:")
        lines.extend(_format_parameter(p) for p in self.parameters)
        return "\n".join(lines) + "\n"

    def __repr__(self):
        comps = ", ".join(type(m).__name__ for m in self._components())
        return f"{type(self).__name__}(name={self.name!r}, {comps})"


class FoVBackgroundModel(_CompositeModel):
    """Field-of-view background model: a norm (spectral and optionally spatial) on a dataset's background.

    Parameters
    ----------
    spectral_model : `SpectralModel`, optional
        Dimensionless norm model (default `PowerLawNormSpectralModel`).
    dataset_name : str
        Name of the dataset; the model is named ``"<dataset_name>-bkg"``.
    spatial_model : `SpatialModel`, optional
        Dimensionless spatial norm.
    covariance_data : `~numpy.ndarray`, optional
        Initial covariance.

    The dataset name may also be given as the first positional argument.
    """

    tag = ["FoVBackgroundModel", "fov-bkg"]
    type = "fov-bkg"

    def __init__(
        self,
        spectral_model=None,
        dataset_name=None,
        spatial_model=None,
        covariance_data=None,
    ):
        if isinstance(spectral_model, str):
            spectral_model, dataset_name = dataset_name, spectral_model
        if dataset_name is None:
            raise InvalidModelError(
                "FoVBackgroundModel needs a dataset_name (the dataset it applies to)."
            )
        if spectral_model is None:
            spectral_model = PowerLawNormSpectralModel()
        if not isinstance(spectral_model, SpectralModel):
            raise InvalidModelError("spectral_model must be a SpectralModel.")
        unit = u.Quantity(spectral_model(1 * u.TeV)).unit
        if not unit.is_equivalent(u.dimensionless_unscaled):
            raise UnitMismatchError(
                f"FoVBackgroundModel spectral model must be a dimensionless norm, got "
                f"unit {unit!r}; use e.g. PowerLawNormSpectralModel."
            )
        self.spectral_model = spectral_model
        self.spatial_model = spatial_model
        self.temporal_model = None
        self.datasets_names = [str(dataset_name)]
        super().__init__()
        self._covariance = None
        if covariance_data is not None:
            self.covariance = covariance_data

    @property
    def name(self):
        """``"<dataset_name>-bkg"``."""
        return f"{self.datasets_names[0]}-bkg"

    @property
    def position(self):
        """None (no position)."""
        return None

    @property
    def evaluation_radius(self):
        """None (covers the whole dataset)."""
        return None

    def contributes(self, *args, **kwargs):
        """Always True."""
        return True

    def evaluate(self, energy, lon=None, lat=None):
        """Norm at reconstructed ``energy`` (times the spatial norm at lon/lat)."""
        value = self.spectral_model(energy)
        if self.spatial_model is not None:
            value = value * self.spatial_model(lon, lat).to_value("sr-1")
        return u.Quantity(value).to_value("")

    def evaluate_geom(self, geom):
        """Norm on a geometry with an ``energy`` axis (dimensionless array)."""
        energy = geom.axes["energy"].center.reshape((-1, 1, 1))
        value = u.Quantity(self.spectral_model(energy)).to_value("")
        if self.spatial_model is not None:
            value = value * self.spatial_model.evaluate_geom(geom).value
        return np.broadcast_to(value, geom.data_shape) * 1.0

    def copy(self, name=None, **kwargs):
        """Deep copy (``name`` is ignored: the name follows the dataset name)."""
        model = copy.deepcopy(self)
        for key, value in kwargs.items():
            setattr(model, key, value)
        return model

    def reset_to_default(self):
        """Reset to a default `PowerLawNormSpectralModel` and no spatial model."""
        self.spectral_model = PowerLawNormSpectralModel()
        self.spatial_model = None
        self._covariance = None

    def to_dict(self, full_output=False):
        """Model as a dict (Gammapy YAML layout)."""
        data = {"type": self.tag[0], "datasets_names": list(self.datasets_names)}
        return self._components_to_dict(data, full_output=full_output)

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create from a dict in the Gammapy YAML layout."""
        names = data.get("datasets_names") or []
        if not names:
            raise InvalidModelError("FoVBackgroundModel entry has no 'datasets_names'.")
        components = cls._components_from_dict(data)
        model = cls(
            spectral_model=components.get("spectral_model"),
            spatial_model=components.get("spatial_model"),
            dataset_name=names[0],
        )
        return model._covariance_from_errors()

    def __str__(self):
        lines = [
            f"{type(self).__name__}",
            "",
            f"  Name                      : {self.name}",
            f"  Datasets names            : {self.datasets_names}",
            f"  Spectral model type       : {type(self.spectral_model).__name__}",
            "  Parameters:",
        ]
        lines.extend(_format_parameter(p) for p in self.parameters)
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class TemplateNPredModel(_CompositeModel):
    """Background (or source) template in predicted counts, scaled by a spectral norm.

    Parameters
    ----------
    map : `~gammaray.maps.Map`
        Predicted counts with an ``energy`` axis.
    spectral_model : `SpectralModel`, optional
        Dimensionless norm (default `PowerLawNormSpectralModel`).
    name : str, optional
        Name (random by default).
    filename : str, optional
        File the map is written to / read from.
    datasets_names : list of str, optional
        Datasets the model applies to.
    copy_data : bool
        Copy the map.
    """

    tag = ["TemplateNPredModel", "template-npred"]
    type = "template-npred"

    def __init__(
        self,
        map,
        spectral_model=None,
        name=None,
        filename=None,
        datasets_names=None,
        copy_data=True,
    ):
        self.map = map.copy() if copy_data else map
        self.spectral_model = spectral_model or PowerLawNormSpectralModel()
        self.spatial_model = None
        self.temporal_model = None
        self._name = make_name(name)
        self.filename = None if filename is None else str(filename)
        self.datasets_names = None if datasets_names is None else list(datasets_names)
        super().__init__()
        self._covariance = None

    @property
    def name(self):
        """Model name (str)."""
        return self._name

    @property
    def position(self):
        """Centre of the map (`~astropy.coordinates.SkyCoord`)."""
        return self.map.geom.center_skydir

    @property
    def evaluation_radius(self):
        """Half the diagonal of the map (`~astropy.coordinates.Angle`)."""
        from astropy.coordinates import Angle

        width = np.ravel(u.Quantity(self.map.geom.width).to_value("deg"))
        return Angle(0.5 * float(np.hypot(width[0], width[-1])), "deg")

    def contributes(self, *args, **kwargs):
        """Always True."""
        return True

    def evaluate(self):
        """Predicted counts: template times the spectral norm at the ``energy`` centres.

        Returns
        -------
        npred : `~gammaray.maps.Map`
            Predicted counts.
        """
        value = np.asarray(self.map.data, dtype=float)
        if "energy" in self.map.geom.axes.names:
            energy = self.map.geom.axes["energy"].center
            shape = [1] * value.ndim
            shape[-3] = -1
            norm = u.Quantity(self.spectral_model(energy)).to_value("")
            value = value * norm.reshape(shape)
        return self.map.__class__(self.map.geom, data=value, unit=self.map.unit)

    def write(self, overwrite=False):
        """Write the template map to `filename`."""
        if self.filename is None:
            raise ValueError("No filename set for the TemplateNPredModel map.")
        self.map.write(make_path(self.filename), overwrite=overwrite)

    def copy(self, name=None, copy_data=False, **kwargs):
        """Deep copy with a new name (random if None)."""
        model = copy.deepcopy(self)
        model._name = make_name(name)
        for key, value in kwargs.items():
            setattr(model, key, value)
        return model

    def to_dict(self, full_output=False):
        """Model as a dict (Gammapy YAML layout)."""
        data = {"name": self.name, "type": self.tag[0]}
        if self.datasets_names is not None:
            data["datasets_names"] = list(self.datasets_names)
        data = self._components_to_dict(data, full_output=full_output)
        data["filename"] = self.filename
        return data

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create from a dict (reads the map from ``filename``)."""
        from gammaray.maps import Map

        filename = data.get("filename")
        if filename is None:
            raise InvalidModelError(
                f"TemplateNPredModel {data.get('name')!r} has no 'filename' to read the map from."
            )
        m = Map.read(make_path(filename))
        components = cls._components_from_dict(data)
        return cls(
            map=m,
            spectral_model=components.get("spectral_model"),
            name=data.get("name"),
            filename=filename,
            datasets_names=data.get("datasets_names"),
        )

    def __str__(self):
        lines = [
            f"{type(self).__name__}",
            "",
            f"  Name                      : {self.name}",
            f"  Datasets names            : {self.datasets_names}",
            "  Parameters:",
        ]
        lines.extend(_format_parameter(p) for p in self.parameters)
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"
