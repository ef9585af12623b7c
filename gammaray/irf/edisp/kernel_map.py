"""Energy-dispersion kernel map: an `EDispKernel` matrix at every sky pixel."""

import logging

import numpy as np

from gammaray.irf._plot import plot_exposure
from gammaray.irf.core_map import IRFMap

__all__ = ["EDispKernelMap"]

log = logging.getLogger(__name__)


class EDispKernelMap(IRFMap):
    """Energy-dispersion kernel map.

    Parameters
    ----------
    edisp_kernel_map : `~gammaray.maps.Map`
        Map with axes ``energy`` (reconstructed) and ``energy_true``; for each
        true-energy bin and pixel the probabilities of the reconstructed-energy
        bins (dimensionless).
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (``energy`` squashed to one bin), the stacking weight.
    """

    tag = "edisp_kernel_map"
    required_axes = ("energy", "energy_true")
    _exposure_squash_axis = "energy"

    def __init__(self, edisp_kernel_map, exposure_map=None):
        super().__init__(edisp_kernel_map, exposure_map)

    @property
    def edisp_map(self):
        """Kernel map (`~gammaray.maps.Map`)."""
        return self._irf_map

    @edisp_map.setter
    def edisp_map(self, value):
        self._irf_map = value

    def _sum_axes(self):
        return ("energy",)

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    @classmethod
    def from_edisp_kernel(cls, edisp, geom=None):
        """Kernel map with the same kernel at every pixel.

        Parameters
        ----------
        edisp : `~gammaray.irf.EDispKernel`
            Kernel.
        geom : `~gammaray.maps.Geom`, optional
            Sky geometry (its non-spatial axes are replaced by the kernel's);
            a region geometry without region by default.

        Returns
        -------
        edisp_map : `EDispKernelMap`
            Kernel map with a zero exposure map (``m2 s``).
        """
        from gammaray.maps import Map, RegionGeom

        axes = [edisp.axes["energy"], edisp.axes["energy_true"]]
        if geom is None:
            geom = RegionGeom.create(region=None, axes=axes)
        else:
            geom = geom.to_image().to_cube(axes)
        matrix = np.asarray(edisp.pdf_matrix, dtype=float)
        n_spatial = len(geom.data_shape) - 2
        data = np.broadcast_to(
            matrix.reshape(matrix.shape + (1,) * n_spatial), geom.data_shape
        ).copy()
        edisp_map = Map.from_geom(geom, data=data, unit="", dtype=float)
        exposure_map = Map.from_geom(
            geom.squash(axis_name="energy"), unit="m2 s", dtype=float
        )
        return cls(edisp_map, exposure_map)

    @classmethod
    def from_diagonal_response(cls, energy_axis, energy_axis_true, geom=None):
        """Kernel map of a perfect energy resolution.

        Parameters
        ----------
        energy_axis : `~gammaray.maps.MapAxis`
            Reconstructed-energy axis.
        energy_axis_true : `~gammaray.maps.MapAxis`
            True-energy axis.
        geom : `~gammaray.maps.Geom`, optional
            Sky geometry.

        Returns
        -------
        edisp_map : `EDispKernelMap`
            Kernel map with an exposure of 1 m2 s.
        """
        from gammaray.irf.edisp.kernel import EDispKernel

        kernel = EDispKernel.from_diagonal_response(
            energy_axis_true=energy_axis_true, energy_axis=energy_axis
        )
        result = cls.from_edisp_kernel(kernel, geom=geom)
        result.exposure_map.data += 1.0
        return result

    @classmethod
    def from_gauss(
        cls, energy_axis, energy_axis_true, sigma, bias, pdf_threshold=1e-6, geom=None
    ):
        """Kernel map of a Gaussian dispersion in ``migra = E_reco / E_true``.

        Parameters
        ----------
        energy_axis : `~gammaray.maps.MapAxis`
            Reconstructed-energy axis.
        energy_axis_true : `~gammaray.maps.MapAxis`
            True-energy axis.
        sigma : float or `~numpy.ndarray`
            Relative resolution.
        bias : float or `~numpy.ndarray`
            Relative bias.
        pdf_threshold : float
            Probabilities below this value are set to zero.
        geom : `~gammaray.maps.Geom`, optional
            Sky geometry.

        Returns
        -------
        edisp_map : `EDispKernelMap`
            Kernel map with an exposure of 1 m2 s.
        """
        from gammaray.irf.edisp.kernel import EDispKernel

        kernel = EDispKernel.from_gauss(
            energy_axis_true=energy_axis_true,
            energy_axis=energy_axis,
            sigma=sigma,
            bias=bias,
            pdf_threshold=pdf_threshold,
        )
        result = cls.from_edisp_kernel(kernel, geom=geom)
        result.exposure_map.data += 1.0
        return result

    # ------------------------------------------------------------------
    # kernels and resampling
    # ------------------------------------------------------------------
    def get_edisp_kernel(self, position=None, energy_axis=None):
        """Energy-dispersion kernel at a position.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord` or `~regions.SkyRegion`, optional
            Position (nearest pixel with exposure); the map centre if None. For a
            region the region centre is used.
        energy_axis : `~gammaray.maps.MapAxis`, optional
            Reconstructed-energy axis to resample onto (its edges must be a
            subset of the map's).

        Returns
        -------
        edisp : `~gammaray.irf.EDispKernel`
            Kernel.
        """
        from gammaray.irf.edisp.kernel import EDispKernel

        m = self.edisp_map
        if energy_axis is not None:
            m = self.resample_energy_axis(energy_axis).edisp_map
        if position is not None and hasattr(position, "center"):
            position = position.center
        if position is None:
            position = m.geom.center_skydir
        if not self.has_single_spatial_bin:
            position = self._get_nearest_valid_position(position)
        n_true = m.geom.axes["energy_true"].nbin
        n_reco = m.geom.axes["energy"].nbin
        idx = self._spatial_index(position)
        n_spatial = m.data.ndim - 2
        if len(idx) != n_spatial:
            idx = tuple([np.zeros_like(idx[0])] * (n_spatial - len(idx))) + idx
        data = m.data[(Ellipsis,) + tuple(int(np.ravel(i)[0]) for i in idx)]
        data = np.asarray(data, dtype=float).reshape(n_true, n_reco)
        axes = [m.geom.axes["energy_true"], m.geom.axes["energy"]]
        return EDispKernel(axes=axes, data=data)

    def resample_energy_axis(self, energy_axis, weights=None):
        """Sum the kernel into coarser reconstructed-energy bins.

        Parameters
        ----------
        energy_axis : `~gammaray.maps.MapAxis`
            New ``energy`` axis whose edges are a subset of the current edges.
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights (e.g. a safe mask on reconstructed energy) applied first.

        Returns
        -------
        edisp_map : `EDispKernelMap`
            Resampled kernel map (same exposure).
        """
        axis = energy_axis.copy(name="energy")
        m = self.edisp_map.resample_axis(axis, weights=weights)
        exposure = None if self.exposure_map is None else self.exposure_map.copy()
        return self.__class__(m, exposure)

    def to_image(self, weights=None):
        """Sum the kernel over reconstructed energy (one ``energy`` bin).

        Parameters
        ----------
        weights : `~gammaray.maps.Map` or `~numpy.ndarray`, optional
            Weights (e.g. a safe mask on reconstructed energy) applied first.

        Returns
        -------
        edisp_map : `EDispKernelMap`
            Kernel map with a single reconstructed-energy bin.
        """
        m = self.edisp_map
        data = np.asarray(m.data, dtype=float)
        if weights is not None:
            data = data * np.asarray(getattr(weights, "data", weights))
        idx = m._data_axis_index("energy")
        data = np.sum(data, axis=idx, keepdims=True)
        geom = m.geom.squash(axis_name="energy")
        edisp_map = m._init_copy(geom=geom, data=data)
        exposure = None if self.exposure_map is None else self.exposure_map.copy()
        return self.__class__(edisp_map, exposure)

    # ------------------------------------------------------------------
    # plotting
    # ------------------------------------------------------------------
    def peek(self, figsize=(15, 5)):
        """Quick-look figure: kernel matrix at the map centre and exposure.

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

        fig, axes = plt.subplots(1, 2, figsize=figsize)
        self.get_edisp_kernel().plot_matrix(ax=axes[0], add_cbar=True)
        axes[0].set_title("Energy dispersion kernel (map centre)")
        plot_exposure(axes[1], self.exposure_map)
        fig.tight_layout()
        return fig
