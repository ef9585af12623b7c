"""Tabulated spatial models: map templates and piecewise norms."""

import logging

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle

from gammaray.utils.errors import InvalidModelError, UnitMismatchError
from gammaray.utils.paths import make_path

from ..covariance import Covariance
from ..parameter import Parameter, Parameters
from .spatial import SpatialModel

__all__ = [
    "TemplateSpatialModel",
    "TemplateNDSpatialModel",
    "PiecewiseNormSpatialModel",
]

log = logging.getLogger(__name__)


def _quantity_to_dict(quantity):
    quantity = u.Quantity(quantity)
    unit = (
        "" if quantity.unit == u.dimensionless_unscaled else quantity.unit.to_string()
    )
    return {"data": np.asarray(quantity.value).tolist(), "unit": unit}


def _quantity_from_dict(data):
    return u.Quantity(np.asarray(data["data"], dtype=float), data.get("unit", "") or "")


def _energy_axis_name(geom):
    for name in ("energy_true", "energy"):
        if name in geom.axes.names:
            return name
    return None


class TemplateSpatialModel(SpatialModel):
    """Spatial model given by a sky map (optionally with a true-energy axis).

    Parameters
    ----------
    map : `~gammaray.maps.WcsNDMap`
        Template. With ``normalize=True`` any unit is accepted and each energy
        slice is scaled to integrate to one; otherwise the unit must be a
        surface brightness (``sr-1``; a dimensionless map is taken as ``sr-1``)
        or a flux per solid angle (``cm-2 s-1 TeV-1 sr-1``, e.g. a diffuse model).
    meta : dict, optional
        Metadata.
    normalize : bool
        Normalise the template.
    interp_kwargs : dict, optional
        Interpolation options for `~gammaray.maps.Map.interp_by_coord`
        (default ``method="linear"``, ``fill_value=0``).
    copy_data : bool
        Kept for Gammapy compatibility (the template data is always copied).
    filename : str, optional
        File the template is read from / written to (stored in the YAML).
    """

    tag = ["TemplateSpatialModel", "template"]

    def __init__(
        self,
        map,
        meta=None,
        normalize=True,
        interp_kwargs=None,
        copy_data=True,
        filename=None,
        **kwargs,
    ):
        if not map.geom.is_image and _energy_axis_name(map.geom) is None:
            raise InvalidModelError(
                "TemplateSpatialModel needs an image or a map with an 'energy_true' "
                f"axis, got axes {map.geom.axes.names}."
            )
        self._unit_input = map.unit
        map = map.copy()
        data = np.asarray(map.data, dtype=float)
        if normalize:
            solid_angle = map.geom.to_image().solid_angle().to_value("sr")
            total = np.nansum(data * solid_angle, axis=(-1, -2), keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                data = np.where(total > 0, data / total, 0.0)
            unit = u.Unit("sr-1")
        else:
            unit = map.unit if map.unit != u.dimensionless_unscaled else u.Unit("sr-1")
            if not (unit * u.sr).is_equivalent(u.dimensionless_unscaled) and not (
                unit * u.sr
            ).is_equivalent("cm-2 s-1 TeV-1"):
                raise UnitMismatchError(
                    f"Template map unit {map.unit!r} is neither a surface brightness "
                    "(sr-1) nor a differential flux per solid angle "
                    "(cm-2 s-1 TeV-1 sr-1); fix the map unit or use normalize=True."
                )
        self.map = map.__class__(map.geom, data=data, unit=unit)
        self.normalize = bool(normalize)
        self.meta = dict(meta or {})
        self.filename = None if filename is None else str(filename)
        interp_kwargs = dict(interp_kwargs or {})
        interp_kwargs.setdefault("method", "linear")
        interp_kwargs.setdefault("fill_value", 0)
        self._interp_kwargs = interp_kwargs
        kwargs.setdefault("frame", map.geom.frame)
        super().__init__(**kwargs)

    @property
    def is_energy_dependent(self):
        """True if the template has an energy axis."""
        return not self.map.geom.is_image

    @property
    def is_normalized(self):
        """Whether the template was normalised."""
        return self.normalize

    @property
    def position(self):
        """Centre of the template map (`~astropy.coordinates.SkyCoord`)."""
        return self.map.geom.center_skydir

    @property
    def position_lonlat(self):
        """Centre of the template map as ``(lon, lat)`` in deg."""
        pos = self.position
        return pos.data.lon.deg, pos.data.lat.deg

    @property
    def evaluation_radius(self):
        """Half the diagonal of the map (`~astropy.coordinates.Angle`)."""
        width = u.Quantity(self.map.geom.width).to_value("deg")
        return Angle(0.5 * float(np.hypot(*np.ravel(width)[:2])), "deg")

    def evaluate(self, lon, lat, energy=None):
        """Interpolated template value (``sr-1`` or the map unit)."""
        coord = {
            "lon": u.Quantity(lon, "deg").value,
            "lat": u.Quantity(lat, "deg").value,
        }
        if self.is_energy_dependent:
            name = _energy_axis_name(self.map.geom)
            if energy is None:
                raise ValueError("Energy-dependent template: give an energy.")
            coord[name] = u.Quantity(energy)
        values = self.map.interp_by_coord(coord, **self._interp_kwargs)
        return u.Quantity(values, self.map.unit)

    def __call__(self, lon, lat, energy=None):
        """Evaluate the template at sky positions (and energies)."""
        return self.evaluate(lon, lat, energy)

    def integrate_geom(self, geom, oversampling_factor=None):
        """Template times the pixel solid angle (see `SpatialModel.integrate_geom`).

        The result is dimensionless for normalised templates and in the map
        unit times sr otherwise (e.g. ``cm-2 s-1 TeV-1``).
        """
        from gammaray.maps import Map

        if getattr(geom, "region", "no-region") != "no-region":
            wcs_geom = geom.to_wcs_geom().to_image()
            if self.is_energy_dependent:
                wcs_geom = wcs_geom.to_cube(geom.axes)
            value = self.integrate_geom(wcs_geom).quantity
            inside = geom.contains(wcs_geom.to_image().get_coord())
            out_geom = geom if self.is_energy_dependent else geom.to_image()
            summed = (value * inside).sum(axis=(-1, -2)).reshape(out_geom.data_shape)
            return Map.from_geom(
                out_geom, data=summed.value, unit=summed.unit, dtype=float
            )
        out_geom = geom if self.is_energy_dependent else geom.to_image()
        value = self.evaluate_geom(out_geom) * out_geom.to_image().solid_angle()
        unit = self.map.unit * u.sr
        value = value.to("" if unit.is_equivalent("") else unit)
        return Map.from_geom(out_geom, data=value.value, unit=value.unit, dtype=float)

    def to_region(self, **kwargs):
        """Rectangle footprint of the template (`~regions.RectangleSkyRegion`)."""
        from regions import RectangleSkyRegion

        width = np.ravel(u.Quantity(self.map.geom.width).to("deg"))
        return RectangleSkyRegion(
            self.position, width=width[0], height=width[1], **kwargs
        )

    @classmethod
    def read(cls, filename, normalize=True, **kwargs):
        """Read a template from a FITS map file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Map file.
        normalize : bool
            Normalise the template.
        **kwargs : dict
            Passed to the constructor.
        """
        from gammaray.maps import Map

        m = Map.read(make_path(filename))
        return cls(m, normalize=normalize, filename=filename, **kwargs)

    def write(self, overwrite=False, filename=None):
        """Write the template map to ``filename`` (default: the stored filename)."""
        filename = filename or self.filename
        if filename is None:
            raise ValueError("No filename given for the template; set `filename`.")
        self.map.write(make_path(filename), overwrite=overwrite)
        self.filename = str(filename)

    def to_dict(self, full_output=False):
        """Model dict with ``filename``, ``normalize`` and ``unit``."""
        data = super().to_dict(full_output=full_output)
        inner = data["spatial"]
        inner["frame"] = self.frame
        inner["filename"] = self.filename
        inner["normalize"] = self.normalize
        unit = self.map.unit
        inner["unit"] = "" if unit == u.dimensionless_unscaled else unit.to_string()
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        from gammaray.maps import Map

        filename = data["filename"]
        m = Map.read(make_path(filename))
        unit = data.get("unit")
        normalize = data.get("normalize", True)
        if unit and not normalize and m.unit == u.dimensionless_unscaled:
            m = m.__class__(m.geom, data=m.data, unit=unit)
        model = cls(m, normalize=normalize, filename=filename)
        model._update_parameters_from_dict(data.get("parameters", []))
        return model


class TemplateNDSpatialModel(SpatialModel):
    """Template map whose non-spatial axes are model parameters.

    Each non-spatial axis (other than energy) becomes a parameter named after
    the axis; the template is interpolated at the parameter values.

    Parameters
    ----------
    map : `~gammaray.maps.WcsNDMap`
        Template with parameter axes (surface brightness, ``sr-1``).
    interp_kwargs : dict, optional
        Interpolation options (default ``method="linear"``, ``fill_value=0``).
    filename : str, optional
        File name stored in the YAML.
    """

    tag = ["TemplateNDSpatialModel", "template-nd"]
    is_normalized = False

    def __init__(self, map, interp_kwargs=None, filename=None, **kwargs):
        self.map = map
        self.filename = None if filename is None else str(filename)
        interp_kwargs = dict(interp_kwargs or {})
        interp_kwargs.setdefault("method", "linear")
        interp_kwargs.setdefault("fill_value", 0)
        self._interp_kwargs = interp_kwargs
        kwargs.setdefault("frame", map.geom.frame)
        super().__init__(frame=kwargs.pop("frame"))
        for ax in map.geom.axes:
            if ax.name in ("energy", "energy_true"):
                continue
            center = np.asarray(
                ax.center.value if hasattr(ax.center, "value") else ax.center
            )
            par = Parameter(
                ax.name,
                float(kwargs.pop(ax.name, np.mean(center))),
                unit=getattr(ax, "unit", ""),
                min=float(np.min(center)),
                max=float(np.max(center)),
            )
            par.type = self.type
            self._parameters_dict[ax.name] = par
        self._covariance = Covariance(self.parameters)

    @property
    def is_energy_dependent(self):
        """True if the template has an energy axis."""
        return _energy_axis_name(self.map.geom) is not None

    @property
    def position(self):
        """Centre of the template map (`~astropy.coordinates.SkyCoord`)."""
        return self.map.geom.center_skydir

    @property
    def evaluation_radius(self):
        """Half the diagonal of the map (`~astropy.coordinates.Angle`)."""
        width = u.Quantity(self.map.geom.width).to_value("deg")
        return Angle(0.5 * float(np.hypot(*np.ravel(width)[:2])), "deg")

    def __call__(self, lon, lat, energy=None):
        """Evaluate the template at the current parameter values."""
        coord = {
            "lon": u.Quantity(lon, "deg").value,
            "lat": u.Quantity(lat, "deg").value,
        }
        for par in self.parameters:
            coord[par.name] = par.quantity
        name = _energy_axis_name(self.map.geom)
        if name is not None:
            coord[name] = u.Quantity(energy)
        values = self.map.interp_by_coord(coord, **self._interp_kwargs)
        unit = self.map.unit if self.map.unit != u.dimensionless_unscaled else "sr-1"
        return u.Quantity(values, unit)

    def _defaults_by_name(self):
        return {}

    def _all_default_frozen(self):
        return {id(p): False for p in self.parameters}

    def _integrate_wcs(self, geom, oversampling_factor=None):
        solid_angle = geom.to_image().solid_angle().to_value("sr")
        return np.array(self.evaluate_geom(geom).to_value("sr-1") * solid_angle)

    def to_dict(self, full_output=False):
        """Model dict with ``filename``."""
        data = super().to_dict(full_output=full_output)
        data["spatial"]["frame"] = self.frame
        data["spatial"]["filename"] = self.filename
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        from gammaray.maps import Map

        m = Map.read(make_path(data["filename"]))
        model = cls(m, filename=data["filename"])
        model._update_parameters_from_dict(data.get("parameters", []))
        return model


class PiecewiseNormSpatialModel(SpatialModel):
    """Dimensionless norm given at sky nodes, linearly interpolated (zero outside).

    Parameters
    ----------
    coords : `~gammaray.maps.MapCoord`
        Node positions (``lon``/``lat`` in deg).
    norms : array-like or `~gammaray.modeling.Parameters`, optional
        Norm values (default 1); parameters ``norm_0``, ``norm_1``, ...
    frame : {"icrs", "galactic"}
        Frame of the nodes.
    """

    tag = ["PiecewiseNormSpatialModel", "piecewise-norm"]
    is_normalized = False

    def __init__(self, coords, norms=None, frame="icrs", **kwargs):
        lon = np.ravel(u.Quantity(coords.lon, "deg").value)
        lat = np.ravel(u.Quantity(coords.lat, "deg").value)
        if norms is None:
            norms = np.ones(lon.size)
        if isinstance(norms, Parameters) or (
            len(norms) and isinstance(norms[0], Parameter)
        ):
            pars = list(norms)
        else:
            values = np.ravel(np.asarray(u.Quantity(norms).value, dtype=float))
            pars = [
                Parameter(f"norm_{i}", float(v), is_norm=True)
                for i, v in enumerate(values)
            ]
        if len(pars) != lon.size:
            raise InvalidModelError(f"Got {len(pars)} norms for {lon.size} nodes.")
        # avoid the wrap at 0/360 deg: nodes are kept within 180 deg of the first
        self._lon = u.Quantity(lon, "deg")
        self._lat = u.Quantity(lat, "deg")
        super().__init__(frame=frame, **kwargs)
        for par in pars:
            par.type = self.type
            self._parameters_dict[par.name] = par
        self._covariance = Covariance(self.parameters)

    @property
    def coords(self):
        """Node positions as ``(lon, lat)`` Quantities."""
        return self._lon, self._lat

    @property
    def position(self):
        """Mean node position (`~astropy.coordinates.SkyCoord`)."""
        from astropy.coordinates import SkyCoord

        return SkyCoord(
            np.mean(self._wrapped_lon()),
            np.mean(self._lat.value),
            unit="deg",
            frame=self.frame,
        )

    @property
    def evaluation_radius(self):
        """Largest distance of a node from `position` (`~astropy.coordinates.Angle`)."""
        from astropy.coordinates import SkyCoord

        nodes = SkyCoord(self._lon, self._lat, frame=self.frame)
        return Angle(np.max(nodes.separation(self.position).deg), "deg")

    def _wrapped_lon(self, lon=None):
        ref = self._lon.value[0]
        lon = self._lon.value if lon is None else lon
        return (lon - ref + 180) % 360 - 180 + ref

    def _parameter_kwargs(self):
        return {}

    def evaluate(self, lon, lat):
        """Interpolated norm (``sr-1``; zero outside the convex hull of the nodes)."""
        from scipy.interpolate import LinearNDInterpolator

        values = np.array([p.value for p in self.parameters], dtype=float)
        points = np.column_stack([self._wrapped_lon(), self._lat.value])
        lon = u.Quantity(lon, "deg").value
        lat = u.Quantity(lat, "deg").value
        lon, lat = np.broadcast_arrays(lon, lat)
        interp = LinearNDInterpolator(points, values, fill_value=0.0)
        out = interp(self._wrapped_lon(lon.ravel()), lat.ravel()).reshape(lon.shape)
        return u.Quantity(out, "sr-1")

    def __call__(self, lon, lat, energy=None):
        """Evaluate the model."""
        return self.evaluate(lon, lat)

    def _defaults_by_name(self):
        return {
            p.name: Parameter(p.name, 1.0, is_norm=True).to_dict()
            for p in self.parameters
        }

    def _all_default_frozen(self):
        return {id(p): False for p in self.parameters}

    def to_dict(self, full_output=False):
        """Model dict with node ``lon``/``lat``."""
        data = super().to_dict(full_output=full_output)
        inner = data["spatial"]
        inner["frame"] = self.frame
        inner["lon"] = _quantity_to_dict(self._lon)
        inner["lat"] = _quantity_to_dict(self._lat)
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        from gammaray.maps import MapCoord

        lon = _quantity_from_dict(data["lon"])
        lat = _quantity_from_dict(data["lat"])
        coords = MapCoord.create({"lon": lon, "lat": lat}, frame=data.get("frame"))
        pars = Parameters.from_dict(data.get("parameters", []))
        for par in pars:
            par.is_norm = True
        return cls(coords, norms=pars, frame=data.get("frame", "icrs"))
