"""PSF convolution kernel: a small WCS map (odd size, centred) per energy bin."""

import logging

import astropy.units as u
import numpy as np

from gammaray.utils.errors import GeometryMismatchError

__all__ = ["PSFKernel"]

log = logging.getLogger(__name__)


class PSFKernel:
    """PSF kernel for map convolution.

    The kernel is a `~gammaray.maps.WcsNDMap` with an odd number of pixels,
    centred on its central pixel, and (usually) one image per energy bin, each
    normalised to unit sum.

    Parameters
    ----------
    psf_kernel_map : `~gammaray.maps.Map`
        Kernel map.
    normalize : bool
        Normalise each image to unit sum.
    """

    def __init__(self, psf_kernel_map, normalize=True):
        self._psf_kernel_map = psf_kernel_map
        if normalize:
            self.normalize()

    @property
    def psf_kernel_map(self):
        """Kernel map (`~gammaray.maps.WcsNDMap`)."""
        return self._psf_kernel_map

    @property
    def data(self):
        """Kernel data (`~numpy.ndarray`)."""
        return self._psf_kernel_map.data

    def normalize(self):
        """Normalise each image of the kernel to unit sum (in place)."""
        data = self._psf_kernel_map.data.astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = data / np.sum(data, axis=(-2, -1), keepdims=True)
        self._psf_kernel_map.data = np.nan_to_num(data)

    def __str__(self):
        geom = self._psf_kernel_map.geom
        return (
            f"PSFKernel\n---------\n\n"
            f"\taxes  : {['lon', 'lat'] + list(geom.axes.names)}\n"
            f"\tshape : {tuple(geom.data_shape)[::-1]}\n"
            f"\tbinsz : {geom.pixel_scales.max().to_value('deg'):.4g} deg\n"
        )

    __repr__ = __str__

    # ------------------------------------------------------------------
    # I/O
    # ------------------------------------------------------------------
    @classmethod
    def read(cls, *args, **kwargs):
        """Read a kernel map from a FITS file (arguments of `~gammaray.maps.Map.read`)."""
        from gammaray.maps import Map

        return cls(Map.read(*args, **kwargs), normalize=False)

    def write(self, *args, **kwargs):
        """Write the kernel map to a FITS file (arguments of `~gammaray.maps.Map.write`)."""
        self._psf_kernel_map.write(*args, **kwargs)

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    @classmethod
    def from_spatial_model(cls, model, geom, max_radius=None, factor=4):
        """Kernel from a spatial model, integrated over oversampled pixels.

        Parameters
        ----------
        model : spatial model
            Model with ``position`` and ``evaluate_geom(geom)`` (values per solid
            angle on the pixel centres), e.g. a `GaussianSpatialModel`. A copy is
            moved to the kernel centre.
        geom : `~gammaray.maps.WcsGeom`
            Geometry defining the pixel size and non-spatial axes.
        max_radius : `~astropy.units.Quantity`, optional
            Kernel radius; ``model.evaluation_radius`` by default.
        factor : int
            Oversampling factor.

        Returns
        -------
        kernel : `PSFKernel`
            Normalised kernel.
        """
        import copy

        from gammaray.maps import Map

        if max_radius is None:
            max_radius = model.evaluation_radius
        geom = geom.to_odd_npix(max_radius=u.Quantity(max_radius, "deg"))
        model = copy.deepcopy(model)
        model.position = geom.center_skydir
        geom_up = geom.upsample(int(factor))
        values = model.evaluate_geom(geom_up)
        values = u.Quantity(values)
        solid_angle = geom_up.to_image().solid_angle()
        data = (values * solid_angle).to_value("")
        data = np.broadcast_to(data, geom_up.data_shape)
        kernel_up = Map.from_geom(geom_up, data=np.array(data, dtype=float))
        return cls(kernel_up.downsample(int(factor), preserve_counts=True))

    @classmethod
    def from_gauss(cls, geom, sigma, max_radius=None, containment_fraction=0.99):
        """Gaussian kernel, integrated analytically over the pixels.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom`
            Geometry defining the pixel size and non-spatial axes.
        sigma : `~astropy.units.Quantity`
            Gaussian width (angle).
        max_radius : `~astropy.units.Quantity`, optional
            Kernel radius; the ``containment_fraction`` radius
            ``sigma * sqrt(-2 ln(1 - containment_fraction))`` by default.
        containment_fraction : float
            Containment fraction for the default ``max_radius``.

        Returns
        -------
        kernel : `PSFKernel`
            Normalised kernel.
        """
        from scipy.special import erf

        from gammaray.maps import Map

        sigma = u.Quantity(sigma, "deg")
        if max_radius is None:
            max_radius = sigma * np.sqrt(-2 * np.log(1 - containment_fraction))
        max_radius = u.Quantity(max_radius, "deg")
        kernel_geom = geom.to_odd_npix(max_radius=max_radius)
        binsz = kernel_geom.pixel_scales.to_value("deg")
        nx, ny = (int(n) for n in np.ravel(kernel_geom.npix)[:2])
        s = sigma.to_value("deg")

        def _profile(n, b):
            edges = (np.arange(n + 1) - n / 2) * b
            c = 0.5 * (1 + erf(edges / (np.sqrt(2) * s)))
            return np.diff(c)

        image = np.outer(_profile(ny, binsz[1]), _profile(nx, binsz[0]))
        data = np.broadcast_to(image, kernel_geom.data_shape).copy()
        return cls(Map.from_geom(kernel_geom, data=data, dtype=float))

    # ------------------------------------------------------------------
    # operations
    # ------------------------------------------------------------------
    def to_image(self, spectrum=None, exposure=None, keepdims=True):
        """Weighted sum of the kernel images over the energy axis.

        Parameters
        ----------
        spectrum : spectral model, optional
            Spectrum used as weight (``integral(energy_min, energy_max)`` or
            callable); ``E^-2`` by default.
        exposure : `~astropy.units.Quantity` or `~numpy.ndarray`, optional
            Exposure per energy bin, multiplied with the spectral weights.
        keepdims : bool
            Keep the energy axis with one bin.

        Returns
        -------
        kernel : `PSFKernel`
            Normalised kernel image.
        """
        m = self._psf_kernel_map
        names = list(m.geom.axes.names)
        name = "energy_true" if "energy_true" in names else "energy"
        if name not in names:
            raise GeometryMismatchError(
                f"PSFKernel.to_image needs an energy axis; kernel axes: {names}."
            )
        axis = m.geom.axes[name]
        if spectrum is None:
            e = axis.edges.to_value(axis.unit)
            weights = 1.0 / e[:-1] - 1.0 / e[1:]
        elif hasattr(spectrum, "integral"):
            weights = u.Quantity(
                spectrum.integral(energy_min=axis.edges[:-1], energy_max=axis.edges[1:])
            ).value
        else:
            weights = u.Quantity(spectrum(axis.center) * axis.bin_width).value
        if exposure is not None:
            weights = weights * np.asarray(u.Quantity(exposure).value).reshape(-1)
        weights = np.asarray(weights, dtype=float)
        weights = weights / np.sum(weights)
        idx = m._data_axis_index(name)
        shape = [1] * m.data.ndim
        shape[idx] = -1
        image = m.copy(data=m.data * weights.reshape(shape)).reduce(
            name, func=np.add, keepdims=keepdims
        )
        return self.__class__(image, normalize=True)

    def slice_by_idx(self, slices):
        """Slice the non-spatial axes by index (dict axis name -> int or slice)."""
        return self.__class__(
            self._psf_kernel_map.slice_by_idx(slices), normalize=False
        )

    def containment_radius(self, fraction=0.68):
        """Radius containing ``fraction`` of each kernel image.

        Pixels are sorted by the distance of their centre from the kernel
        centre and accumulated; the radius is interpolated between pixels.

        Parameters
        ----------
        fraction : float
            Containment fraction.

        Returns
        -------
        radius : `~astropy.units.Quantity`
            Radius (deg) per image (shape of the non-spatial axes, data order).
        """
        from gammaray.irf.psf.map import _invert_cumulative

        m = self._psf_kernel_map
        geom = m.geom.to_image()
        sep = geom.separation(geom.center_skydir).to_value("deg").ravel()
        order = np.argsort(sep, kind="stable")
        r = sep[order]
        data = m.data.reshape(m.data.shape[:-2] + (-1,))[..., order]
        cumul = np.cumsum(data, axis=-1)
        cumul = cumul / cumul[..., -1:]
        flat = cumul.reshape(-1, r.size)
        cumul0 = np.concatenate([np.zeros((flat.shape[0], 1)), flat], axis=1)
        nodes = np.concatenate([[0.0], r])
        fraction = np.full(flat.shape[0], float(fraction))
        out = _invert_cumulative(cumul0, nodes, fraction)
        return u.Quantity(out.reshape(m.data.shape[:-2]), "deg")

    # ------------------------------------------------------------------
    # plotting
    # ------------------------------------------------------------------
    def plot_kernel(self, ax=None, energy=None, add_cbar=False, **kwargs):
        """Plot one kernel image.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes; the current axes if None.
        energy : `~astropy.units.Quantity`, optional
            Energy of the image to show; the first energy bin if None.
        add_cbar : bool
            Add a colour bar.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.imshow`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        m = self._psf_kernel_map
        data = m.data
        if m.geom.axes:
            if energy is not None:
                name = [n for n in m.geom.axes.names if n.startswith("energy")][0]
                axis = m.geom.axes[name]
                i = int(
                    np.clip(axis.coord_to_idx(u.Quantity(energy)), 0, axis.nbin - 1)
                )
                image = m.slice_by_idx({name: i}).data
            else:
                image = data.reshape((-1,) + data.shape[-2:])[0]
        else:
            image = data
        image = np.asarray(image).reshape(data.shape[-2:])
        half = m.geom.width.to_value("deg").ravel() / 2
        extent = [-half[0], half[0], -half[1], half[1]]
        kwargs.setdefault("origin", "lower")
        kwargs.setdefault("interpolation", "nearest")
        im = ax.imshow(image, extent=extent, **kwargs)
        ax.set_xlabel("Offset lon [deg]")
        ax.set_ylabel("Offset lat [deg]")
        if add_cbar:
            ax.figure.colorbar(im, ax=ax)
        return ax

    def peek(self, figsize=(15, 5)):
        """Quick-look figure: kernel images of the first, middle and last energy bins.

        Parameters
        ----------
        figsize : tuple
            Figure size (inch).

        Returns
        -------
        fig : `~matplotlib.figure.Figure`
            Figure.
        """
        import matplotlib.pyplot as plt

        m = self._psf_kernel_map
        names = [n for n in m.geom.axes.names if n.startswith("energy")]
        fig, axes = plt.subplots(1, 3, figsize=figsize)
        if names:
            axis = m.geom.axes[names[0]]
            for ax, i in zip(axes, [0, axis.nbin // 2, axis.nbin - 1]):
                self.plot_kernel(ax=ax, energy=axis.center[i], add_cbar=True)
                ax.set_title(f"{names[0]} = {axis.center[i]:.3g}")
        else:
            self.plot_kernel(ax=axes[0], add_cbar=True)
            axes[1].set_axis_off()
            axes[2].set_axis_off()
        fig.tight_layout()
        return fig
