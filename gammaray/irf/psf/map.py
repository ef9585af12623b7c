"""PSF maps: the PSF as a function of offset ``rad`` and energy at every sky pixel.

`PSFMap` is defined on a true-energy axis (``energy_true``, the usual case),
`RecoPSFMap` on a reconstructed-energy axis (``energy``, e.g. HAWC). Values
are a surface density (``sr-1``); the containment fraction within radius ``r``
is the integral of ``2 pi r' psf(r') dr'`` from 0 to ``r``.
"""

import logging

import astropy.units as u
import numpy as np

from gammaray.irf.core_map import IRFMap
from gammaray.irf.psf._map_plot import PSFMapPlotMixin
from gammaray.maps import MapAxis
from gammaray.utils.errors import AxisError

__all__ = ["PSFMap", "RecoPSFMap", "RAD_AXIS_DEFAULT"]

log = logging.getLogger(__name__)


#: Default ``rad`` axis of PSF maps: 0 - 0.66 deg in 66 bins.
RAD_AXIS_DEFAULT = MapAxis.from_bounds(
    0, 0.66, nbin=66, node_type="edges", name="rad", unit="deg"
)


def _rad_axis_default():
    return RAD_AXIS_DEFAULT.copy()


def _allsky_geom(axes):
    from gammaray.maps import WcsGeom

    return WcsGeom.create(npix=(2, 1), binsz=180, proj="CAR", axes=axes)


def _invert_cumulative(cumul, nodes, fraction):
    """Radius where each row of ``cumul`` (N, n) reaches ``fraction`` (N,).

    Linear interpolation between the nodes; fractions beyond the last value
    give the last node.
    """
    n = cumul.shape[1]
    i = np.sum(cumul < fraction[:, None], axis=1)
    i = np.clip(i, 1, n - 1)
    rows = np.arange(cumul.shape[0])
    c0, c1 = cumul[rows, i - 1], cumul[rows, i]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(c1 > c0, (fraction - c0) / (c1 - c0), 0.0)
    w = np.clip(w, 0, 1)
    return nodes[i - 1] + w * (nodes[i] - nodes[i - 1])


class PSFMap(PSFMapPlotMixin, IRFMap):
    """PSF map: PSF per ``rad`` and ``energy_true`` at every sky pixel.

    Parameters
    ----------
    psf_map : `~gammaray.maps.Map`
        Map with axes ``rad`` and ``energy_true``, values in ``sr-1`` (or any
        inverse solid angle).
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (axes ``rad`` squashed to one bin and ``energy_true``),
        the weight for stacking.
    """

    tag = "psf_map"
    required_axes = ("rad", "energy_true")
    _irf_unit = "sr-1"
    _exposure_squash_axis = "rad"
    energy_name = "energy_true"

    def __init__(self, psf_map, exposure_map=None):
        super().__init__(psf_map, exposure_map)

    @property
    def psf_map(self):
        """PSF map (`~gammaray.maps.Map`)."""
        return self._irf_map

    @psf_map.setter
    def psf_map(self, value):
        self._irf_map = value

    @property
    def energy_axis(self):
        """Energy axis of the PSF map (`~gammaray.maps.MapAxis`)."""
        return self.psf_map.geom.axes[self.energy_name]

    @property
    def rad_axis(self):
        """Offset axis of the PSF map (`~gammaray.maps.MapAxis`)."""
        return self.psf_map.geom.axes["rad"]

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    @classmethod
    def from_hdulist(
        cls,
        hdulist,
        hdu=None,
        hdu_bands=None,
        exposure_hdu=None,
        exposure_hdu_bands=None,
        format="gadf",
    ):
        """Create the PSF map from an `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        hdu, hdu_bands, exposure_hdu, exposure_hdu_bands : str, optional
            HDU names ("gadf" format), see `IRFMap.from_hdulist`.
        format : {"gadf", "gtpsf"}
            ``"gtpsf"`` reads the output of the Fermi-LAT ``gtpsf`` tool (tables
            ``PSF`` with ``Energy`` [MeV], ``Exposure`` [cm2 s], ``Psf`` [sr-1]
            and ``THETA`` with ``Theta`` [deg]) into a map on a region geometry.

        Returns
        -------
        psf_map : `PSFMap`
            PSF map.
        """
        if format != "gtpsf":
            return super().from_hdulist(
                hdulist,
                hdu=hdu,
                hdu_bands=hdu_bands,
                exposure_hdu=exposure_hdu,
                exposure_hdu_bands=exposure_hdu_bands,
                format=format,
            )
        from gammaray.maps import Map, RegionGeom
        from gammaray.utils.fits import get_hdu

        psf_hdu = get_hdu(hdulist, hdu or "PSF")
        theta_hdu = get_hdu(hdulist, "THETA")
        psf_data = psf_hdu.data
        theta = np.asarray(theta_hdu.data["Theta"], dtype=float)
        energy = np.asarray(psf_data["Energy"], dtype=float)
        rad_axis = MapAxis.from_nodes(theta * u.deg, name="rad", interp="lin")
        energy_axis = MapAxis.from_nodes(
            energy * u.MeV, name=cls.energy_name, interp="log"
        )
        geom = RegionGeom.create(region=None, axes=[rad_axis, energy_axis])
        data = np.asarray(psf_data["Psf"]).reshape(geom.data_shape)
        psf_map = Map.from_geom(geom, data=data, unit="sr-1", dtype=data.dtype)
        exposure = np.asarray(psf_data["Exposure"])
        exp_geom = geom.squash(axis_name="rad")
        exposure_map = Map.from_geom(
            exp_geom, data=exposure.reshape(exp_geom.data_shape), unit="cm2 s"
        )
        return cls(psf_map, exposure_map)

    @classmethod
    def from_gauss(cls, energy_axis_true, rad_axis=None, sigma=0.1 * u.deg, geom=None):
        """Gaussian PSF map, the same at every sky pixel.

        ``psf(r) = exp(-r^2 / (2 sigma^2)) / (2 pi sigma^2)``.

        Parameters
        ----------
        energy_axis_true : `~gammaray.maps.MapAxis`
            Energy axis (``energy_true`` for `PSFMap`, ``energy`` for
            `RecoPSFMap`).
        rad_axis : `~gammaray.maps.MapAxis`, optional
            Offset axis; 0 - 0.66 deg in 66 bins by default.
        sigma : `~astropy.units.Quantity`
            Gaussian width (angle), a scalar or one value per energy bin.
        geom : `~gammaray.maps.Geom`, optional
            Sky geometry (its non-spatial axes are replaced); an all-sky
            2 x 1 pixel map by default.

        Returns
        -------
        psf_map : `PSFMap`
            PSF map with an exposure of 1 cm2 s everywhere.
        """
        from gammaray.maps import Map

        if rad_axis is None:
            rad_axis = _rad_axis_default()
        energy_axis = energy_axis_true.copy(name=cls.energy_name)
        sigma = u.Quantity(sigma, "deg")
        sigma = np.broadcast_to(sigma.to_value("rad"), (energy_axis.nbin,))
        axes = [rad_axis, energy_axis]
        if geom is None:
            geom = _allsky_geom(axes)
        else:
            geom = geom.to_image().to_cube(axes)
        r = rad_axis.center.to_value("rad")[None, :]
        s = sigma[:, None]
        values = np.exp(-0.5 * (r / s) ** 2) / (2 * np.pi * s**2)
        n_spatial = len(geom.data_shape) - 2
        data = np.broadcast_to(
            values.reshape(values.shape + (1,) * n_spatial), geom.data_shape
        ).copy()
        psf_map = Map.from_geom(geom, data=data, unit="sr-1", dtype=float)
        exposure_map = Map.from_geom(
            geom.squash(axis_name="rad"), unit="cm2 s", dtype=float
        )
        exposure_map.data += 1.0
        return cls(psf_map, exposure_map)

    # ------------------------------------------------------------------
    # PSF values and containment
    # ------------------------------------------------------------------
    def _rad_nodes(self):
        """Offset nodes (radian, starting at 0) and whether 0 was prepended."""
        r = self.rad_axis.center.to_value("rad").astype(float)
        prepend = r[0] > 0
        if prepend:
            r = np.concatenate([[0.0], r])
        return r, prepend

    def _psf_rows(self, energy, position=None):
        """PSF values (sr-1) on the rad nodes for each (energy, position) point.

        Parameters
        ----------
        energy : `~astropy.units.Quantity`
            Energies, shape (N,).
        position : `~astropy.coordinates.SkyCoord`, optional
            Scalar or shape (N,) positions; the map centre if None.

        Returns
        -------
        rows : `~numpy.ndarray`
            Shape (N, n_nodes), linear interpolation in the energy axis pixel
            coordinate (clipped to the axis range); nearest sky pixel.
        """
        scale = self.psf_map.unit.to("sr-1")
        rows = self._interp_rows("rad", self.energy_name, energy, position) * scale
        rows = np.nan_to_num(rows)
        if self._rad_nodes()[1]:
            rows = np.concatenate([rows[:, :1], rows], axis=1)
        return rows

    @staticmethod
    def _cumulative(rows, r):
        """Containment at the nodes ``r`` (rad) for PSF rows (N, n) in sr-1.

        The integral of ``2 pi r psf(r)`` is exact for a PSF that is linear
        between the nodes (the interpolation used everywhere else).
        """
        h = np.diff(r)[None, :]
        r0, r1 = r[None, :-1], r[None, 1:]
        p0, p1 = rows[:, :-1], rows[:, 1:]
        steps = 2 * np.pi * h / 6 * (p0 * (2 * r0 + r1) + p1 * (r0 + 2 * r1))
        zeros = np.zeros((rows.shape[0], 1))
        return np.concatenate([zeros, np.cumsum(steps, axis=1)], axis=1)

    def _broadcast(self, energy, position, *others):
        energy = u.Quantity(energy)
        shapes = [np.shape(energy)] + [np.shape(o) for o in others]
        if position is not None and not position.isscalar:
            shapes.append(position.shape)
        shape = np.broadcast_shapes(*shapes)
        energy = np.broadcast_to(energy, shape, subok=True).reshape(-1)
        if position is not None and not position.isscalar:
            position = np.broadcast_to(position, shape, subok=True).reshape(-1)
        others = [np.broadcast_to(o, shape, subok=True).reshape(-1) for o in others]
        return shape, energy, position, others

    def _containment(self, rad, energy, position=None):
        rad = u.Quantity(rad, "deg")
        shape, energy, position, (rad_flat,) = self._broadcast(energy, position, rad)
        rows = self._psf_rows(energy, position)
        r, _ = self._rad_nodes()
        cumul = self._cumulative(rows, r)
        x = rad_flat.to_value("rad")
        i = np.clip(np.searchsorted(r, x, side="right"), 1, r.size - 1)
        cols = np.arange(x.size)
        c0, c1 = cumul[cols, i - 1], cumul[cols, i]
        w = np.clip((x - r[i - 1]) / (r[i] - r[i - 1]), 0, 1)
        values = c0 + w * (c1 - c0)
        return u.Quantity(values.reshape(shape), "")

    def _containment_radius(self, fraction, energy, position=None):
        fraction = np.asarray(fraction, dtype=float)
        shape, energy, position, (frac,) = self._broadcast(energy, position, fraction)
        rows = self._psf_rows(energy, position)
        r, _ = self._rad_nodes()
        cumul = self._cumulative(rows, r)
        radius = _invert_cumulative(cumul, r, frac)
        radius[cumul[:, -1] <= 0] = np.nan
        return u.Quantity(np.rad2deg(radius).reshape(shape), "deg")

    def containment(self, rad, energy_true, position=None):
        """Containment fraction within ``rad``.

        Parameters
        ----------
        rad : `~astropy.units.Quantity`
            Radius (angle).
        energy_true : `~astropy.units.Quantity`
            Energy (broadcast with ``rad``).
        position : `~astropy.coordinates.SkyCoord`, optional
            Position (nearest map pixel); the map centre if None.

        Returns
        -------
        containment : `~astropy.units.Quantity`
            Containment fraction (dimensionless).
        """
        return self._containment(rad, energy_true, position)

    def containment_radius(self, fraction, energy_true, position=None):
        """Radius containing a fraction of the PSF.

        Parameters
        ----------
        fraction : float or `~numpy.ndarray`
            Containment fraction (0 - 1).
        energy_true : `~astropy.units.Quantity`
            Energy (broadcast with ``fraction`` and ``position``).
        position : `~astropy.coordinates.SkyCoord`, optional
            Position(s) (nearest map pixel); the map centre if None.

        Returns
        -------
        radius : `~astropy.units.Quantity`
            Containment radius (deg); linear interpolation between the ``rad``
            nodes, the last node if the fraction is not reached, NaN where the
            PSF is zero.
        """
        return self._containment_radius(fraction, energy_true, position)

    def containment_radius_map(self, energy_true, fraction=0.68):
        """Map of the containment radius over the sky geometry.

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            Scalar energy (an image is returned) or 1D array of energies (a cube
            with an energy axis with these nodes).
        fraction : float
            Containment fraction.

        Returns
        -------
        radius_map : `~gammaray.maps.Map`
            Containment radius (deg).
        """
        from gammaray.maps import Map, MapAxis

        energy = u.Quantity(energy_true)
        geom = self.psf_map.geom.to_image()
        coords = geom.get_coord()
        skycoord = coords.skycoord
        if energy.isscalar:
            radius = self._containment_radius(fraction, energy, skycoord)
            return Map.from_geom(geom, data=radius.value, unit="deg", dtype=float)
        axis = MapAxis.from_nodes(energy, name=self.energy_name, interp="log")
        cube = geom.to_cube([axis])
        shape = (energy.size,) + tuple(skycoord.shape)
        e = energy.reshape((-1,) + (1,) * skycoord.ndim)
        radius = self._containment_radius(
            fraction,
            np.broadcast_to(e, shape, subok=True),
            np.broadcast_to(skycoord, shape, subok=True),
        )
        return Map.from_geom(cube, data=radius.value, unit="deg", dtype=float)

    def normalize(self):
        """Normalise the PSF in place so that its integral over ``rad`` is 1."""
        psf = self.psf_map
        i_rad = psf._data_axis_index("rad")
        data = np.moveaxis(psf.quantity.to_value("sr-1").astype(float), i_rad, -1)
        r, prepend = self._rad_nodes()
        if prepend:
            data_ext = np.concatenate([data[..., :1], data], axis=-1)
        else:
            data_ext = data
        shape = data_ext.shape
        integral = self._cumulative(data_ext.reshape(-1, shape[-1]), r)[:, -1]
        integral = integral.reshape(shape[:-1])
        with np.errstate(invalid="ignore", divide="ignore"):
            data = data / integral[..., None]
        data = np.nan_to_num(data, nan=0.0, posinf=0.0)
        data = np.moveaxis(data, -1, i_rad)
        psf.data = (data * u.Unit("sr-1").to(psf.unit)).astype(psf.data.dtype)

    # ------------------------------------------------------------------
    # kernels, images, sampling
    # ------------------------------------------------------------------
    def get_psf_kernel(
        self, geom, position=None, max_radius=None, containment=0.999, factor=4
    ):
        """PSF kernel at a position, one image per energy bin of ``geom``.

        The PSF is evaluated at the pixel centres of an oversampled geometry
        (``factor`` sub-pixels per axis), summed back to the pixels of ``geom``
        and normalised to unit sum per energy.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom`
            Geometry with the energy axis (pixel size and energy bins of the
            kernel).
        position : `~astropy.coordinates.SkyCoord`, optional
            Position; the PSF map centre if None.
        max_radius : `~astropy.units.Quantity`, optional
            Kernel radius; the largest ``containment`` radius by default.
        containment : float
            Containment fraction defining the default ``max_radius``.
        factor : int
            Oversampling factor.

        Returns
        -------
        kernel : `~gammaray.irf.PSFKernel`
            Kernel with an odd number of pixels, centred on its centre pixel.
        """
        from gammaray.irf.psf.kernel import PSFKernel
        from gammaray.maps import Map

        if self.energy_name not in geom.axes.names:
            raise AxisError(
                f"get_psf_kernel needs a geometry with an {self.energy_name!r} axis; "
                f"got axes {list(geom.axes.names)}."
            )
        if position is None:
            position = self.psf_map.geom.center_skydir
        position = self._get_nearest_valid_position(position)
        energy = geom.axes[self.energy_name].center
        if max_radius is None:
            radii = self._containment_radius(containment, energy, position)
            if np.all(np.isnan(radii)):
                raise ValueError(
                    "The PSF is zero at all energies of the geometry at this "
                    "position; pass max_radius explicitly."
                )
            max_radius = np.nanmax(radii)
        max_radius = u.Quantity(max_radius, "deg")
        kernel_geom = geom.to_odd_npix(max_radius=max_radius)
        geom_up = kernel_geom.to_image().upsample(int(factor))
        sep = geom_up.separation(kernel_geom.center_skydir).to_value("rad").ravel()
        rows = self._psf_rows(energy, position)  # (n_e, n_nodes)
        r, _ = self._rad_nodes()
        i = np.clip(np.searchsorted(r, sep, side="right"), 1, r.size - 1)
        w = np.clip((sep - r[i - 1]) / (r[i] - r[i - 1]), 0, 1)
        values = rows[:, i - 1] * (1 - w) + rows[:, i] * w
        values[:, sep > r[-1]] = 0.0
        values = np.clip(values, 0, None)
        n_e = energy.size
        data = values.reshape((n_e,) + tuple(geom_up.data_shape))
        energy_axis = geom.axes[self.energy_name]
        up_cube = geom_up.to_cube([energy_axis])
        kernel_up = Map.from_geom(up_cube, data=data, dtype=float)
        other = [ax for ax in kernel_geom.axes if ax.name != self.energy_name]
        kernel_map = kernel_up.downsample(int(factor), preserve_counts=True)
        if other:
            kernel_map = kernel_map.to_cube(other).reorder_axes(
                list(kernel_geom.axes.names)
            )
        return PSFKernel(kernel_map, normalize=True)

    def _spectral_weights(self, spectral_model=None):
        """Relative weights per energy bin: integral of the spectrum over the bin."""
        axis = self.energy_axis
        lo, hi = axis.edges[:-1], axis.edges[1:]
        if spectral_model is None:
            e = axis.edges.to_value(axis.unit)
            return 1.0 / e[:-1] - 1.0 / e[1:]
        if hasattr(spectral_model, "integral"):
            value = spectral_model.integral(energy_min=lo, energy_max=hi)
        else:
            value = spectral_model(axis.center) * axis.bin_width
        return np.asarray(u.Quantity(value).value, dtype=float)

    def to_image(self, spectral_model=None, keepdims=True):
        """Spectrum- and exposure-weighted average PSF over the energy axis.

        Parameters
        ----------
        spectral_model : callable or spectral model, optional
            Spectrum used as weight (anything with ``integral(energy_min,
            energy_max)`` or callable on energies); ``E^-2`` by default.
        keepdims : bool
            Keep the energy axis with one bin.

        Returns
        -------
        psf_map : `PSFMap`
            PSF map with a single energy bin.
        """
        weights = self._spectral_weights(spectral_model)
        name = self.energy_name
        psf = self.psf_map
        idx = psf._data_axis_index(name)
        shape = [1] * psf.data.ndim
        shape[idx] = -1
        w = weights.reshape(shape)
        if self.exposure_map is not None:
            exp = self.exposure_map.data.astype(float) * w
            exposure = self.exposure_map.copy(data=exp).sum_over_axes(
                axes_names=[name], keepdims=keepdims
            )
        else:
            exp = np.broadcast_to(w, psf.data.shape)
            exposure = None
        wsum = np.sum(np.broadcast_to(exp, psf.data.shape), axis=idx, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = np.sum(psf.data * exp, axis=idx, keepdims=True) / wsum
        data = np.nan_to_num(data)
        geom = psf.geom.squash(axis_name=name)
        if not keepdims:
            geom = psf.geom.drop(axis_name=name)
            data = np.squeeze(data, axis=idx)
        psf_map = psf._init_copy(geom=geom, data=data)
        if keepdims:
            return self.__class__(psf_map, exposure)
        result = self.__class__.__new__(self.__class__)
        result._irf_map = psf_map
        result.exposure_map = exposure
        return result

    def sample_coord(self, map_coord, random_state=0):
        """Apply the PSF to event positions by random sampling.

        Parameters
        ----------
        map_coord : `~gammaray.maps.MapCoord`
            Coordinates with a sky position (``lon``/``lat``) and the energy
            axis of the PSF map.
        random_state : int, str or `~numpy.random.RandomState`
            Random state.

        Returns
        -------
        map_coord : `~gammaray.maps.MapCoord`
            Coordinates with the positions displaced by random offsets drawn
            from the PSF (uniform position angle) and the energy unchanged.
        """
        from gammaray.maps import MapCoord
        from gammaray.utils.random import get_random_state

        rng = get_random_state(random_state)
        skycoord = map_coord.skycoord.reshape(-1)
        energy = u.Quantity(map_coord[self.energy_name]).reshape(-1)
        if not hasattr(energy, "unit") or energy.unit == u.dimensionless_unscaled:
            energy = u.Quantity(energy.value, self.energy_axis.unit)
        rows = self._psf_rows(energy, skycoord)
        r, _ = self._rad_nodes()
        cumul = self._cumulative(rows, r)
        total = cumul[:, -1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            cumul = np.where(total > 0, cumul / total, 0)
        rad = _invert_cumulative(cumul, r, rng.uniform(size=energy.size)) * u.rad
        phi = rng.uniform(0, 2 * np.pi, size=energy.size) * u.rad
        position = skycoord.directional_offset_by(phi, rad.to("deg"))
        return MapCoord.create(
            {"skycoord": position, self.energy_name: energy}, frame=map_coord.frame
        )


class RecoPSFMap(PSFMap):
    """PSF map on a reconstructed-energy axis (``energy``), e.g. for HAWC.

    Same interface as `PSFMap` with the ``energy`` axis in place of
    ``energy_true``.

    Parameters
    ----------
    psf_map : `~gammaray.maps.Map`
        Map with axes ``rad`` and ``energy``.
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map, the weight for stacking.
    """

    tag = "psf_map_reco"
    required_axes = ("rad", "energy")
    energy_name = "energy"

    def containment(self, rad, energy, position=None):
        """Containment fraction within ``rad`` (see `PSFMap.containment`)."""
        return self._containment(rad, energy, position)

    def containment_radius(self, fraction, energy, position=None):
        """Containment radius in deg (see `PSFMap.containment_radius`)."""
        return self._containment_radius(fraction, energy, position)

    def containment_radius_map(self, energy, fraction=0.68):
        """Map of the containment radius (see `PSFMap.containment_radius_map`)."""
        return super().containment_radius_map(energy, fraction=fraction)
