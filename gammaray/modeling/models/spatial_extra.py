"""Shell and constant spatial models."""

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle

from ..parameter import Parameter
from .spatial import SpatialModel, _rad, angular_separation

__all__ = [
    "ShellSpatialModel",
    "Shell2SpatialModel",
    "ConstantSpatialModel",
    "ConstantFluxSpatialModel",
]


def _shell_profile(sep, r_in, r_out):
    """Projected emissivity of a uniform 3D shell (flat-sky), normalised to one."""
    with np.errstate(invalid="ignore"):
        outer = np.sqrt(np.clip(r_out**2 - sep**2, 0, None))
        inner = np.sqrt(np.clip(r_in**2 - sep**2, 0, None))
    norm = 3 / (2 * np.pi * (r_out**3 - r_in**3))
    return norm * (outer - inner)


class ShellSpatialModel(SpatialModel):
    """Projection of a uniformly emitting spherical shell.

    Parameters
    ----------
    lon_0, lat_0 : `~astropy.coordinates.Angle`
        Centre.
    radius : `~astropy.coordinates.Angle`
        Inner radius.
    width : `~astropy.coordinates.Angle`
        Shell width (outer radius = radius + width).
    frame : {"icrs", "galactic"}
        Frame.
    """

    tag = ["ShellSpatialModel", "shell"]
    lon_0 = Parameter("lon_0", "0 deg")
    lat_0 = Parameter("lat_0", "0 deg", min=-90, max=90)
    radius = Parameter("radius", "1 deg")
    width = Parameter("width", "0.2 deg")

    @property
    def evaluation_radius(self):
        """Outer radius (`~astropy.coordinates.Angle`)."""
        return Angle(self.radius.quantity + self.width.quantity)

    def _oversampling_size(self):
        return self.width.quantity.to_value("deg") / 4

    @staticmethod
    def evaluate(lon, lat, lon_0, lat_0, radius, width):
        """Surface brightness (``sr-1``)."""
        sep = angular_separation(_rad(lon), _rad(lat), _rad(lon_0), _rad(lat_0))
        r_in = _rad(radius)
        return u.Quantity(_shell_profile(sep, r_in, r_in + _rad(width)), "sr-1")

    def to_region(self, **kwargs):
        """Annulus between inner and outer radius (`~regions.CircleAnnulusSkyRegion`)."""
        from regions import CircleAnnulusSkyRegion

        return CircleAnnulusSkyRegion(
            center=self.position,
            inner_radius=self.radius.quantity,
            outer_radius=self.radius.quantity + self.width.quantity,
            **kwargs,
        )


class Shell2SpatialModel(SpatialModel):
    """Shell parametrised by outer radius ``r_0`` and relative width ``eta``.

    The inner radius is ``(1 - eta) r_0``.

    Parameters
    ----------
    lon_0, lat_0 : `~astropy.coordinates.Angle`
        Centre.
    r_0 : `~astropy.coordinates.Angle`
        Outer radius.
    eta : float
        Width relative to ``r_0`` (0 < eta <= 1).
    frame : {"icrs", "galactic"}
        Frame.
    """

    tag = ["Shell2SpatialModel", "shell2"]
    lon_0 = Parameter("lon_0", "0 deg")
    lat_0 = Parameter("lat_0", "0 deg", min=-90, max=90)
    r_0 = Parameter("r_0", "1 deg")
    eta = Parameter("eta", 0.2, min=0.02, max=1)

    @property
    def evaluation_radius(self):
        """Outer radius (`~astropy.coordinates.Angle`)."""
        return Angle(self.r_0.quantity)

    def _oversampling_size(self):
        return self.r_0.quantity.to_value("deg") * self.eta.value / 4

    @staticmethod
    def evaluate(lon, lat, lon_0, lat_0, r_0, eta):
        """Surface brightness (``sr-1``)."""
        sep = angular_separation(_rad(lon), _rad(lat), _rad(lon_0), _rad(lat_0))
        r_out = _rad(r_0)
        r_in = (1 - u.Quantity(eta).to_value("")) * r_out
        return u.Quantity(_shell_profile(sep, r_in, r_out), "sr-1")

    def to_region(self, **kwargs):
        """Annulus between inner and outer radius (`~regions.CircleAnnulusSkyRegion`)."""
        from regions import CircleAnnulusSkyRegion

        return CircleAnnulusSkyRegion(
            center=self.position,
            inner_radius=(1 - self.eta.value) * self.r_0.quantity,
            outer_radius=self.r_0.quantity,
            **kwargs,
        )


class ConstantSpatialModel(SpatialModel):
    """Constant surface brightness (not normalised).

    Parameters
    ----------
    value : `~astropy.units.Quantity`
        Surface brightness (``sr-1``).
    """

    tag = ["ConstantSpatialModel", "const"]
    value = Parameter("value", "1 sr-1", frozen=True)
    is_normalized = False

    def __init__(self, frame=None, **kwargs):
        super().__init__(frame=frame, **kwargs)

    @property
    def evaluation_radius(self):
        """None (the model covers the whole sky)."""
        return None

    @staticmethod
    def evaluate(lon, lat, value):
        """The constant value, broadcast to the positions (``sr-1``)."""
        shape = np.broadcast_shapes(np.shape(lon), np.shape(lat))
        return np.broadcast_to(u.Quantity(value, "sr-1"), shape, subok=True) * 1

    def to_region(self, **kwargs):
        """None (no region)."""
        return None


class ConstantFluxSpatialModel(SpatialModel):
    """Constant flux spread evenly over the evaluated geometry.

    `evaluate_geom` returns ``1 / total solid angle`` so that the integral over
    the geometry is one.
    """

    tag = ["ConstantFluxSpatialModel", "const-flux"]

    def __init__(self, frame=None, **kwargs):
        super().__init__(frame=frame, **kwargs)

    @property
    def evaluation_radius(self):
        """None (no extension defined)."""
        return None

    @staticmethod
    def evaluate(lon, lat):
        """One (``sr-1``); use `evaluate_geom` for the geometry-normalised value."""
        shape = np.broadcast_shapes(np.shape(lon), np.shape(lat))
        return u.Quantity(np.ones(shape), "sr-1")

    def evaluate_geom(self, geom):
        """``1 / total solid angle`` of the geometry (``sr-1``)."""
        image = geom.to_image()
        solid_angle = u.Quantity(image.solid_angle())
        total = np.nansum(np.broadcast_to(solid_angle, image.data_shape, subok=True))
        return np.broadcast_to(1 / total, image.data_shape, subok=True) * 1

    def _integrate_wcs(self, geom, oversampling_factor=None):
        solid_angle = np.broadcast_to(
            geom.solid_angle().to_value("sr"), geom.data_shape
        )
        return solid_angle / np.nansum(solid_angle)

    def _integrate_region_geom(self, geom, oversampling_factor=None):
        from gammaray.maps import Map

        image = geom.to_image()
        return Map.from_geom(
            image, data=np.ones(image.data_shape), unit="", dtype=float
        )

    def to_region(self, **kwargs):
        """None (no region)."""
        return None
