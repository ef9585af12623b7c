"""Spatial models: base class and analytic morphologies.

All spatial models return a surface brightness in ``sr-1``; the normalised
ones integrate to one over the sky. `SpatialModel.integrate_geom` integrates
a model over map pixels, oversampling pixels that are large compared with
the model.
"""

import logging

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from scipy.special import gamma as gamma_function

from gammaray.utils.errors import InvalidFrameError, UnitMismatchError

from ..parameter import Parameter
from .core import ModelBase

__all__ = [
    "SpatialModel",
    "PointSpatialModel",
    "GaussianSpatialModel",
    "GeneralizedGaussianSpatialModel",
    "DiskSpatialModel",
]

log = logging.getLogger(__name__)

_FRAMES = {"icrs": "icrs", "galactic": "galactic", "fk5": "fk5"}
#: Maximum number of sub-pixels evaluated per energy bin by the oversampling.
MAX_OVERSAMPLED_PIXELS = 2_000_000


def _check_frame(frame):
    if frame is None:
        return None
    name = getattr(frame, "name", frame)
    if name not in _FRAMES:
        raise InvalidFrameError(
            f"Unsupported sky frame {frame!r}; use 'icrs' or 'galactic'."
        )
    return _FRAMES[name]


def angular_separation(lon1, lat1, lon2, lat2):
    """Great-circle distance (Vincenty formula), arguments in radians."""
    sdlon = np.sin(lon2 - lon1)
    cdlon = np.cos(lon2 - lon1)
    slat1, slat2 = np.sin(lat1), np.sin(lat2)
    clat1, clat2 = np.cos(lat1), np.cos(lat2)
    num1 = clat2 * sdlon
    num2 = clat1 * slat2 - slat1 * clat2 * cdlon
    denominator = slat1 * slat2 + clat1 * clat2 * cdlon
    return np.arctan2(np.hypot(num1, num2), denominator)


def position_angle(lon1, lat1, lon2, lat2):
    """Position angle (east of north) of point 2 seen from point 1, in radians."""
    deltalon = lon2 - lon1
    colat = np.cos(lat2)
    x = np.sin(lat2) * np.cos(lat1) - colat * np.sin(lat1) * np.cos(deltalon)
    y = np.sin(deltalon) * colat
    return np.arctan2(y, x)


def _rad(quantity):
    return u.Quantity(quantity).to_value("rad")


def _elliptical_radius(major, e, phi, lon, lat, lon_0, lat_0):
    """Radius of an ellipse (major semi-axis ``major``) in the direction of (lon, lat)."""
    if np.all(e == 0):
        return major
    minor = major * np.sqrt(1 - e**2)
    pa = position_angle(lon_0, lat_0, lon, lat) - phi
    return major * minor / np.hypot(minor * np.cos(pa), major * np.sin(pa))


def smooth_edge(x, width):
    """Smooth step from 1 (x << 0) to 0 (x >> 0); drops from 95% to 5% over ``width``."""
    width = np.asarray(width, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = width / (2 * np.arctanh(0.9))
        value = 0.5 * (1 - np.tanh(x / scale))
    return np.where(width > 0, value, np.where(x <= 0, 1.0, 0.0))


class SpatialModel(ModelBase):
    """Base class of spatial models.

    Subclasses implement ``evaluate(lon, lat, **parameters)`` returning a
    surface brightness in ``sr-1``.

    Parameters
    ----------
    frame : {"icrs", "galactic"}
        Sky frame of the position parameters ``lon_0``/``lat_0``.
    **kwargs : dict
        Parameter values.
    """

    type = "spatial"
    #: Whether the model depends on energy (template cubes).
    is_energy_dependent = False
    #: Whether the model integrates to one over the sky.
    is_normalized = True

    def __init__(self, frame="icrs", **kwargs):
        self.frame = _check_frame(frame)
        super().__init__(**kwargs)
        if "lat_0" in self._parameters_dict:
            lat = self._parameters_dict["lat_0"]
            if np.isnan(lat.min):
                lat.min = -90
            if np.isnan(lat.max):
                lat.max = 90

    def _parameter_kwargs(self):
        return {p.name: p.quantity for p in self._parameters_dict.values()}

    # ---- position ------------------------------------------------------------
    @property
    def position(self):
        """Model position (`~astropy.coordinates.SkyCoord`), None if it has none."""
        lon, lat = self.position_lonlat
        if lon is None:
            return None
        return SkyCoord(lon, lat, unit="deg", frame=self.frame)

    @position.setter
    def position(self, skycoord):
        skycoord = skycoord.transform_to(self.frame)
        self.lon_0.quantity = skycoord.data.lon.to("deg")
        self.lat_0.quantity = skycoord.data.lat.to("deg")

    @property
    def position_lonlat(self):
        """Model position as ``(lon, lat)`` floats in deg ((None, None) without one)."""
        pars = self._parameters_dict
        if "lon_0" not in pars:
            return None, None
        lon = pars["lon_0"].quantity.to_value("deg")
        lat = pars["lat_0"].quantity.to_value("deg")
        return lon, lat

    @property
    def position_error(self):
        """Position error ellipse as a `~regions.EllipseSkyRegion` (1 sigma)."""
        from regions import EllipseSkyRegion

        pars = self._parameters_dict
        covar = self.covariance.get_subcovariance(
            self.parameters.__class__([pars["lon_0"], pars["lat_0"]])
        ).data
        lon, lat = self.position_lonlat
        covar = covar.copy()
        covar[0, :] *= np.cos(np.deg2rad(lat))
        covar[:, 0] *= np.cos(np.deg2rad(lat))
        eig_vals, eig_vecs = np.linalg.eigh(covar)
        eig_vals = np.clip(eig_vals, 0, None)
        angle = np.arctan2(eig_vecs[0, 1], eig_vecs[1, 1])
        return EllipseSkyRegion(
            center=self.position,
            width=2 * np.sqrt(eig_vals[0]) * u.deg,
            height=2 * np.sqrt(eig_vals[1]) * u.deg,
            angle=Angle(angle, "rad").to("deg"),
        )

    # ---- evaluation ----------------------------------------------------------
    def __call__(self, lon, lat, energy=None):
        """Evaluate the model (``sr-1``) at sky positions.

        Parameters
        ----------
        lon, lat : `~astropy.units.Quantity`
            Positions in the model frame.
        energy : `~astropy.units.Quantity`, optional
            Energy (used by energy-dependent models only).
        """
        lon, lat = u.Quantity(lon, "deg"), u.Quantity(lat, "deg")
        kwargs = self._parameter_kwargs()
        if self.is_energy_dependent:
            return self.evaluate(lon, lat, energy, **kwargs)
        return self.evaluate(lon, lat, **kwargs)

    def _coords_for_geom(self, geom):
        if self.is_energy_dependent:
            coords = geom.get_coord(frame=self.frame, sparse=True)
            names = coords.axis_names
            name = "energy_true" if "energy_true" in names else "energy"
            energy = u.Quantity(coords[name], "TeV")
        else:
            coords = geom.to_image().get_coord(frame=self.frame, sparse=True)
            energy = None
        return u.Quantity(coords.lon, "deg"), u.Quantity(coords.lat, "deg"), energy

    def evaluate_geom(self, geom):
        """Evaluate the model at the pixel centres of a geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry; energy-independent models are evaluated on its image.

        Returns
        -------
        values : `~astropy.units.Quantity`
            Surface brightness (``sr-1``).
        """
        lon, lat, energy = self._coords_for_geom(geom)
        value = self(lon, lat, energy)
        shape = (
            geom.data_shape if self.is_energy_dependent else geom.to_image().data_shape
        )
        return np.broadcast_to(value, shape, subok=True)

    def _oversampling_size(self):
        """Angular size (deg) that the pixel size is compared with (None: no oversampling)."""
        return None

    def _default_oversampling_factor(self, geom):
        size = self._oversampling_size()
        if size is None or size <= 0:
            return 1
        binsz = float(np.max(u.Quantity(geom.pixel_scales).to_value("deg")))
        return int(np.clip(np.ceil(5 * binsz / size), 1, 100))

    def integrate_geom(self, geom, oversampling_factor=None):
        """Integrate the model over the pixels of a geometry.

        Pixels are oversampled (near the model only) when the model is small
        compared with them, so that the sum of the result over a geometry
        that contains the model is one for normalised models.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom` or `~gammaray.maps.RegionGeom`
            Geometry.
        oversampling_factor : int, optional
            Sub-pixels per pixel and axis (default: from the model size).

        Returns
        -------
        integral : `~gammaray.maps.Map`
            Integral of the model over each pixel (dimensionless), on ``geom``
            (its image for energy-independent models and WCS geometries).
        """
        from gammaray.maps import Map

        if getattr(geom, "region", "no-region") != "no-region":
            return self._integrate_region_geom(geom, oversampling_factor)
        out_geom = geom if self.is_energy_dependent else geom.to_image()
        values = self._integrate_wcs(out_geom, oversampling_factor)
        return Map.from_geom(out_geom, data=values, unit="", dtype=float)

    def _integrate_wcs(self, geom, oversampling_factor=None):
        solid_angle = geom.solid_angle().to_value("sr")
        values = self.evaluate_geom(geom).to_value("sr-1") * solid_angle
        values = np.array(values, dtype=float)
        factor = (
            self._default_oversampling_factor(geom)
            if oversampling_factor is None
            else int(oversampling_factor)
        )
        if factor <= 1 or self.position is None:
            return values
        self._oversample_cutout(geom, values, factor, solid_angle)
        return values

    def _cutout_slices(self, geom):
        image = geom.to_image()
        x, y = image.coord_to_pix({"skycoord": self.position})
        x, y = float(np.ravel(x)[0]), float(np.ravel(y)[0])
        binsz = float(np.min(u.Quantity(geom.pixel_scales).to_value("deg")))
        radius = u.Quantity(self.evaluation_radius).to_value("deg")
        n = int(np.ceil(radius / binsz)) + 2
        nx, ny = image.npix
        nx, ny = int(np.ravel(nx)[0]), int(np.ravel(ny)[0])
        ix0, ix1 = max(int(np.round(x)) - n, 0), min(int(np.round(x)) + n + 1, nx)
        iy0, iy1 = max(int(np.round(y)) - n, 0), min(int(np.round(y)) + n + 1, ny)
        if ix0 >= ix1 or iy0 >= iy1:
            return None
        return slice(iy0, iy1), slice(ix0, ix1)

    def _oversample_cutout(self, geom, values, factor, solid_angle):
        slices = self._cutout_slices(geom)
        if slices is None:
            return
        sy, sx = slices
        ny, nx = sy.stop - sy.start, sx.stop - sx.start
        n_energy = int(np.prod(geom.data_shape[:-2])) if self.is_energy_dependent else 1
        max_factor = int(np.sqrt(MAX_OVERSAMPLED_PIXELS / max(nx * ny * n_energy, 1)))
        factor = max(1, min(factor, max_factor))
        if factor <= 1:
            return
        offsets = (np.arange(factor) + 0.5) / factor - 0.5
        xs = (np.arange(sx.start, sx.stop)[:, None] + offsets).ravel()
        ys = (np.arange(sy.start, sy.stop)[:, None] + offsets).ravel()
        xx, yy = np.meshgrid(xs, ys)
        lon, lat = geom.to_image().pix_to_coord((xx, yy))
        image = geom.to_image()
        sky = SkyCoord(lon, lat, frame=image.frame).transform_to(self.frame)
        lon, lat = sky.data.lon.to("deg"), sky.data.lat.to("deg")
        energy = None
        if self.is_energy_dependent:
            name = "energy_true" if "energy_true" in geom.axes.names else "energy"
            energy = geom.axes[name].center.reshape((-1, 1, 1))
        sub = self(lon, lat, energy).to_value("sr-1")
        sub = sub.reshape(sub.shape[:-2] + (ny, factor, nx, factor)).mean(axis=(-1, -3))
        cut = values[..., sy, sx]
        values[..., sy, sx] = np.broadcast_to(sub * solid_angle[sy, sx], cut.shape)

    def _integrate_region_geom(self, geom, oversampling_factor=None):
        from gammaray.maps import Map

        if geom.region is None or geom.is_all_point_sky_regions:
            # no extension: the value at the centre (per sr)
            lon, lat, energy = self._coords_for_geom(geom)
            data = self(lon, lat, energy).to_value("sr-1")
            shape = (
                geom.data_shape
                if self.is_energy_dependent
                else geom.to_image().data_shape
            )
            return Map.from_geom(
                geom if self.is_energy_dependent else geom.to_image(),
                data=np.broadcast_to(data, shape).astype(float),
                unit="sr-1",
                dtype=float,
            )
        wcs_geom = geom.to_wcs_geom().to_image()
        if self.is_energy_dependent:
            wcs_geom = wcs_geom.to_cube(geom.axes)
        integral = self._integrate_wcs(wcs_geom, oversampling_factor)
        inside = geom.contains(wcs_geom.to_image().get_coord())
        summed = (integral * inside).sum(axis=(-1, -2))
        out_geom = geom if self.is_energy_dependent else geom.to_image()
        data = summed.reshape(out_geom.data_shape)
        return Map.from_geom(out_geom, data=data, unit="", dtype=float)

    # ---- regions and plots ---------------------------------------------------
    @property
    def evaluation_radius(self):
        """Radius containing (nearly) all of the emission (`~astropy.coordinates.Angle`)."""
        return None

    @property
    def evaluation_region(self):
        """Circle of radius `evaluation_radius` around the position (`~regions.CircleSkyRegion`)."""
        from regions import CircleSkyRegion

        if self.evaluation_radius is None or self.position is None:
            return None
        return CircleSkyRegion(self.position, Angle(self.evaluation_radius))

    def to_region(self, **kwargs):
        """Region representing the model extension (`regions.SkyRegion`)."""
        from regions import PointSkyRegion

        return PointSkyRegion(self.position)

    def _default_plot_geom(self):
        from gammaray.maps import WcsGeom

        radius = self.evaluation_radius
        width = 2 * u.Quantity(radius if radius is not None else 1 * u.deg).to_value(
            "deg"
        )
        width = max(width, 0.5)
        return WcsGeom.create(
            skydir=self.position, frame=self.frame, width=width, binsz=width / 100
        )

    def plot(self, ax=None, geom=None, **kwargs):
        """Plot the model on a sky image.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes.
        geom : `~gammaray.maps.WcsGeom`, optional
            Geometry (default: centred on the model, covering its evaluation radius).
        **kwargs : dict
            Passed to `~gammaray.maps.Map.plot`.

        Returns
        -------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`
            Axes.
        """
        from gammaray.maps import Map

        if geom is None:
            geom = self._default_plot_geom()
        if self.is_energy_dependent and geom.is_image:
            raise ValueError(
                "Energy-dependent model: give a geometry with an energy axis to plot."
            )
        data = self.evaluate_geom(
            geom.to_image() if not self.is_energy_dependent else geom
        )
        m = Map.from_geom(
            geom if self.is_energy_dependent else geom.to_image(),
            data=data.to_value("sr-1"),
            unit="sr-1",
            dtype=float,
        )
        if self.is_energy_dependent:
            m = m.slice_by_idx({m.geom.axes[0].name: 0})
        return m.plot(ax=ax, **kwargs)

    def plot_error(self, ax=None, which="position", kwargs_position=None, **kwargs):
        """Plot the 1-sigma position error ellipse on a sky image.

        Parameters
        ----------
        ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
            Axes (default: current axes).
        which : {"position", "all"}
            What to draw (only the position error is supported).
        kwargs_position : dict, optional
            Passed to the region artist.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            ax = plt.gca()
        kwargs_position = dict(kwargs_position or {})
        kwargs_position.setdefault("edgecolor", "red")
        kwargs_position.setdefault("facecolor", "none")
        region = self.position_error
        if hasattr(ax, "wcs"):
            region.to_pixel(ax.wcs).plot(ax=ax, **kwargs_position)
        return ax

    # ---- serialisation -------------------------------------------------------
    def to_dict(self, full_output=False):
        """Model as a dict (Gammapy YAML layout, including ``frame``)."""
        data = super().to_dict(full_output=full_output)
        inner = data[self.type]
        out = {"type": inner["type"]}
        if self.frame is not None and "lon_0" in self._parameters_dict:
            out["frame"] = self.frame
        out["parameters"] = inner["parameters"]
        return {self.type: out}

    def _update_parameters_from_dict(self, items):
        super()._update_parameters_from_dict(items)
        self._check_default_units()

    @classmethod
    def _from_dict(cls, data, **kwargs):
        if "frame" in data:
            kwargs.setdefault("frame", data["frame"])
        return super()._from_dict(data, **kwargs)


def _check_angle(value, what):
    value = u.Quantity(value)
    if not value.unit.is_equivalent("deg"):
        raise UnitMismatchError(f"{what} must be an angle, got unit {value.unit!r}.")
    return value


def point_source_pixel_weights(x, y, shape):
    """Share a point source's flux between pixels, smoothly in its position.

    The weights are the quadratic B-spline around the pixel position
    ``(x, y)`` (pixel centres at integers): nine pixels, summing to one, with
    their centroid at ``(x, y)``. Unlike bilinear sharing they are
    continuously differentiable in the position, so fits of a point-source
    position do not stall on kinks at pixel centres; the smoothing (0.5 pixel
    r.m.s.) is negligible against any PSF. Weights falling outside the image
    are dropped.

    Parameters
    ----------
    x, y : float
        Pixel coordinates of the source.
    shape : tuple of int
        Image shape ``(ny, nx)``.

    Returns
    -------
    weights : `~numpy.ndarray`
        Image of weights.
    """
    values = np.zeros(tuple(shape), dtype=float)
    ny, nx = values.shape
    ix0, iy0 = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
    wx = _bspline2(x - ix0)
    wy = _bspline2(y - iy0)
    ix = ix0 + np.arange(-1, 2)
    iy = iy0 + np.arange(-1, 2)
    okx = (ix >= 0) & (ix < nx)
    oky = (iy >= 0) & (iy < ny)
    if okx.any() and oky.any():
        values[np.ix_(iy[oky], ix[okx])] = np.outer(wy[oky], wx[okx])
    return values


def _bspline2(t):
    """Quadratic B-spline weights of pixels -1, 0, +1 for an offset ``t`` in [-0.5, 0.5]."""
    return np.array([0.5 * (0.5 - t) ** 2, 0.75 - t**2, 0.5 * (0.5 + t) ** 2])


class PointSpatialModel(SpatialModel):
    """Point source.

    Parameters
    ----------
    lon_0, lat_0 : `~astropy.coordinates.Angle`
        Position.
    frame : {"icrs", "galactic"}
        Frame of the position.
    """

    tag = ["PointSpatialModel", "point"]
    lon_0 = Parameter("lon_0", "0 deg")
    lat_0 = Parameter("lat_0", "0 deg", min=-90, max=90)

    @property
    def evaluation_radius(self):
        """Zero (`~astropy.coordinates.Angle`)."""
        return Angle(0, "deg")

    @staticmethod
    def evaluate(lon, lat, lon_0, lat_0):
        """Zero everywhere except at the exact position (infinite); use `integrate_geom`."""
        sep = angular_separation(_rad(lon), _rad(lat), _rad(lon_0), _rad(lat_0))
        return u.Quantity(np.where(sep == 0, np.inf, 0.0), "sr-1")

    def evaluate_geom(self, geom):
        """Pixel integral divided by the pixel solid angle (``sr-1``)."""
        image = geom.to_image()
        return self._bilinear(image) / image.solid_angle()

    def _bilinear(self, image):
        x, y = image.coord_to_pix({"skycoord": self.position})
        x, y = float(np.ravel(x)[0]), float(np.ravel(y)[0])
        return point_source_pixel_weights(x, y, image.data_shape[-2:])

    def _integrate_wcs(self, geom, oversampling_factor=None):
        return self._bilinear(geom.to_image())

    def to_region(self, **kwargs):
        """`~regions.PointSkyRegion` at the position."""
        from regions import PointSkyRegion

        return PointSkyRegion(self.position, **kwargs)


class GaussianSpatialModel(SpatialModel):
    """Two-dimensional (elongated) Gaussian, normalised on the sphere.

    ``f(r) = N exp(-(1 - cos r) / (2 (1 - cos sigma_eff)))`` with
    ``sigma_eff`` the radius of the ellipse of major semi-axis ``sigma``,
    eccentricity ``e`` and position angle ``phi`` (east of north) in the
    direction of the evaluated point.

    Parameters
    ----------
    lon_0, lat_0 : `~astropy.coordinates.Angle`
        Centre.
    sigma : `~astropy.coordinates.Angle`
        Width (major semi-axis).
    e : float
        Eccentricity (0 <= e < 1).
    phi : `~astropy.coordinates.Angle`
        Rotation angle of the major axis, east of north.
    frame : {"icrs", "galactic"}
        Frame.
    """

    tag = ["GaussianSpatialModel", "gauss"]
    lon_0 = Parameter("lon_0", "0 deg")
    lat_0 = Parameter("lat_0", "0 deg", min=-90, max=90)
    sigma = Parameter("sigma", "1 deg", min=0)
    e = Parameter("e", 0, min=0, max=1, frozen=True)
    phi = Parameter("phi", "0 deg", frozen=True)

    @property
    def evaluation_radius(self):
        """Five times ``sigma`` (`~astropy.coordinates.Angle`)."""
        return Angle(5 * self.sigma.quantity)

    def _oversampling_size(self):
        return self.sigma.quantity.to_value("deg") * np.sqrt(1 - self.e.value**2)

    @staticmethod
    def evaluate(lon, lat, lon_0, lat_0, sigma, e, phi):
        """Surface brightness (``sr-1``)."""
        lon, lat, lon_0, lat_0 = _rad(lon), _rad(lat), _rad(lon_0), _rad(lat_0)
        sigma, e, phi = _rad(sigma), u.Quantity(e).to_value(""), _rad(phi)
        sep = angular_separation(lon, lat, lon_0, lat_0)
        sigma_eff = _elliptical_radius(sigma, e, phi, lon, lat, lon_0, lat_0)
        a_eff = 1 - np.cos(sigma_eff)
        a_major = 1 - np.cos(sigma)
        a_minor = 1 - np.cos(sigma * np.sqrt(1 - e**2))
        a_mean = np.sqrt(a_major * a_minor)
        norm = 1 / (4 * np.pi * a_mean * (-np.expm1(-1 / a_mean)))
        exponent = 0.5 * (1 - np.cos(sep)) / a_eff
        return u.Quantity(norm * np.exp(-exponent), "sr-1")

    def to_region(self, x_sigma=1.5, **kwargs):
        """Ellipse of semi-axes ``x_sigma`` times the Gaussian widths (`~regions.EllipseSkyRegion`)."""
        from regions import EllipseSkyRegion

        minor = self.sigma.quantity * np.sqrt(1 - self.e.value**2)
        return EllipseSkyRegion(
            center=self.position,
            height=2 * x_sigma * self.sigma.quantity,
            width=2 * x_sigma * minor,
            angle=self.phi.quantity,
            **kwargs,
        )


class GeneralizedGaussianSpatialModel(SpatialModel):
    """Generalised Gaussian ``f(r) = N exp(-(r / r_eff) ** (1 / eta))``.

    ``eta = 0.5`` is a Gaussian (of width ``r_0 / sqrt(2)``), ``eta = 1`` a
    Laplace profile and ``eta -> 0`` a disk. Normalised in the small-angle
    approximation, ``N = 1 / (2 pi a b eta Gamma(2 eta))``.

    Parameters
    ----------
    lon_0, lat_0 : `~astropy.coordinates.Angle`
        Centre.
    r_0 : `~astropy.coordinates.Angle`
        Length scale (major semi-axis).
    eta : float
        Shape parameter (0 < eta <= 1).
    e : float
        Eccentricity.
    phi : `~astropy.coordinates.Angle`
        Rotation angle of the major axis, east of north.
    frame : {"icrs", "galactic"}
        Frame.
    """

    tag = ["GeneralizedGaussianSpatialModel", "gauss-general"]
    lon_0 = Parameter("lon_0", "0 deg")
    lat_0 = Parameter("lat_0", "0 deg", min=-90, max=90)
    r_0 = Parameter("r_0", "1 deg", min=0)
    eta = Parameter("eta", 0.5, min=0.01, max=1)
    e = Parameter("e", 0, min=0, max=1, frozen=True)
    phi = Parameter("phi", "0 deg", frozen=True)

    @property
    def evaluation_radius(self):
        """Radius containing all but ~1e-5 of the flux (`~astropy.coordinates.Angle`)."""
        return Angle(self.r_0.quantity * 14.0 ** (2 * self.eta.value) / 2)

    def _oversampling_size(self):
        return self.r_0.quantity.to_value("deg") * np.sqrt(1 - self.e.value**2) * 0.5

    @staticmethod
    def evaluate(lon, lat, lon_0, lat_0, r_0, eta, e, phi):
        """Surface brightness (``sr-1``)."""
        lon, lat, lon_0, lat_0 = _rad(lon), _rad(lat), _rad(lon_0), _rad(lat_0)
        r_0, e, phi = _rad(r_0), u.Quantity(e).to_value(""), _rad(phi)
        eta = u.Quantity(eta).to_value("")
        sep = angular_separation(lon, lat, lon_0, lat_0)
        r_eff = _elliptical_radius(r_0, e, phi, lon, lat, lon_0, lat_0)
        minor = r_0 * np.sqrt(1 - e**2)
        norm = 1 / (2 * np.pi * r_0 * minor * eta * gamma_function(2 * eta))
        return u.Quantity(norm * np.exp(-((sep / r_eff) ** (1 / eta))), "sr-1")

    def to_region(self, x_r_0=1, **kwargs):
        """Ellipse of semi-axes ``x_r_0`` times ``r_0`` (`~regions.EllipseSkyRegion`)."""
        from regions import EllipseSkyRegion

        minor = self.r_0.quantity * np.sqrt(1 - self.e.value**2)
        return EllipseSkyRegion(
            center=self.position,
            height=2 * x_r_0 * self.r_0.quantity,
            width=2 * x_r_0 * minor,
            angle=self.phi.quantity,
            **kwargs,
        )


class DiskSpatialModel(SpatialModel):
    """Uniform (elliptical) disk with an optionally smooth edge.

    Normalised on the sphere: ``N = 1 / (2 pi sqrt((1 - cos a)(1 - cos b)))``.

    Parameters
    ----------
    lon_0, lat_0 : `~astropy.coordinates.Angle`
        Centre.
    r_0 : `~astropy.coordinates.Angle`
        Radius (major semi-axis).
    e : float
        Eccentricity.
    phi : `~astropy.coordinates.Angle`
        Rotation angle of the major axis, east of north.
    edge_width : float
        Width of the edge (95% to 5% drop) as a fraction of ``r_0``.
    frame : {"icrs", "galactic"}
        Frame.
    """

    tag = ["DiskSpatialModel", "disk"]
    lon_0 = Parameter("lon_0", "0 deg")
    lat_0 = Parameter("lat_0", "0 deg", min=-90, max=90)
    r_0 = Parameter("r_0", "1 deg", min=0)
    e = Parameter("e", 0, min=0, max=1, frozen=True)
    phi = Parameter("phi", "0 deg", frozen=True)
    edge_width = Parameter("edge_width", 0.01, min=0, max=1, frozen=True)

    @property
    def evaluation_radius(self):
        """Radius including the edge (`~astropy.coordinates.Angle`)."""
        return Angle(self.r_0.quantity * (1 + self.edge_width.value))

    def _oversampling_size(self):
        # sharp edge: sample it finely
        return self.r_0.quantity.to_value("deg") * np.sqrt(1 - self.e.value**2) / 10

    @staticmethod
    def evaluate(lon, lat, lon_0, lat_0, r_0, e, phi, edge_width):
        """Surface brightness (``sr-1``)."""
        lon, lat, lon_0, lat_0 = _rad(lon), _rad(lat), _rad(lon_0), _rad(lat_0)
        r_0, e, phi = _rad(r_0), u.Quantity(e).to_value(""), _rad(phi)
        edge_width = u.Quantity(edge_width).to_value("")
        sep = angular_separation(lon, lat, lon_0, lat_0)
        r_eff = _elliptical_radius(r_0, e, phi, lon, lat, lon_0, lat_0)
        minor = r_0 * np.sqrt(1 - e**2)
        norm = 1 / (2 * np.pi * np.sqrt((1 - np.cos(r_0)) * (1 - np.cos(minor))))
        # the smooth edge is a Fermi function of scale k r_eff; its area is
        # pi r^2 (1 + pi^2 k^2 / 3) (Sommerfeld), which the norm compensates
        k = edge_width / (4 * np.arctanh(0.9))
        norm = norm / (1 + np.pi**2 * k**2 / 3)
        return u.Quantity(norm * smooth_edge(sep - r_eff, edge_width * r_eff), "sr-1")

    def to_region(self, **kwargs):
        """The disk ellipse (`~regions.EllipseSkyRegion`)."""
        from regions import EllipseSkyRegion

        minor = self.r_0.quantity * np.sqrt(1 - self.e.value**2)
        return EllipseSkyRegion(
            center=self.position,
            height=2 * self.r_0.quantity,
            width=2 * minor,
            angle=self.phi.quantity,
            **kwargs,
        )
