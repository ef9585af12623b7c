"""Energy-dispersion map: the pdf of ``migra = E_reco / E_true`` at every sky pixel."""

import logging

import astropy.units as u
import numpy as np

from gammaray.irf._plot import plot_exposure
from gammaray.irf.core_map import IRFMap
from gammaray.maps import MapAxis

__all__ = ["EDispMap", "MIGRA_AXIS_DEFAULT"]

log = logging.getLogger(__name__)

#: Default ``migra`` axis: 0.2 - 5 in 48 linear bins.
MIGRA_AXIS_DEFAULT = MapAxis.from_bounds(
    0.2, 5, nbin=48, node_type="edges", name="migra"
)


def _cdf_at(cdf, edges, x):
    """Linear interpolation of CDF rows at points.

    Parameters
    ----------
    cdf : `~numpy.ndarray`
        Shape (n_true, n_edges, P): CDF at the migra edges per true energy and
        pixel.
    edges : `~numpy.ndarray`
        Migra edges (n_edges,).
    x : `~numpy.ndarray`
        Shape (n_true, K): migra values per true energy.

    Returns
    -------
    values : `~numpy.ndarray`
        Shape (n_true, K, P); 0 below the first edge, the last value above.
    """
    n = edges.size
    i = np.clip(np.searchsorted(edges, x, side="right"), 1, n - 1)
    w = np.clip((x - edges[i - 1]) / (edges[i] - edges[i - 1]), 0, 1)
    t = np.arange(cdf.shape[0])[:, None]
    return cdf[t, i - 1] * (1 - w)[..., None] + cdf[t, i] * w[..., None]


class EDispMap(IRFMap):
    """Energy-dispersion map: pdf of ``migra`` per ``energy_true`` at every pixel.

    Parameters
    ----------
    edisp_map : `~gammaray.maps.Map`
        Map with axes ``migra`` and ``energy_true``; values are the probability
        density in ``migra`` (dimensionless).
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (``migra`` squashed to one bin), the stacking weight.
    """

    tag = "edisp_map"
    required_axes = ("migra", "energy_true")
    _exposure_squash_axis = "migra"

    def __init__(self, edisp_map, exposure_map=None):
        super().__init__(edisp_map, exposure_map)

    @property
    def edisp_map(self):
        """Migration map (`~gammaray.maps.Map`)."""
        return self._irf_map

    @edisp_map.setter
    def edisp_map(self, value):
        self._irf_map = value

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    @classmethod
    def from_diagonal_response(cls, energy_axis_true, migra_axis=None):
        """Migration map of a perfect energy resolution.

        The ``migra`` bin containing 1 holds the density ``1 / bin_width``.

        Parameters
        ----------
        energy_axis_true : `~gammaray.maps.MapAxis`
            True-energy axis.
        migra_axis : `~gammaray.maps.MapAxis`, optional
            Migration axis (0.2 - 5 in 48 bins by default).

        Returns
        -------
        edisp_map : `EDispMap`
            Map on an all-sky 2 x 1 pixel geometry with an exposure of 1 m2 s.
        """
        from gammaray.maps import Map, WcsGeom

        if migra_axis is None:
            migra_axis = MIGRA_AXIS_DEFAULT.copy()
        energy_axis_true = energy_axis_true.copy(name="energy_true")
        geom = WcsGeom.create(
            npix=(2, 1), binsz=180, proj="CAR", axes=[migra_axis, energy_axis_true]
        )
        edges = migra_axis.edges.to_value("")
        idx = int(
            np.clip(np.searchsorted(edges, 1.0, side="right") - 1, 0, edges.size - 2)
        )
        values = np.zeros(migra_axis.nbin)
        values[idx] = 1.0 / (edges[idx + 1] - edges[idx])
        data = np.broadcast_to(values[None, :, None, None], geom.data_shape).copy()
        edisp_map = Map.from_geom(geom, data=data, unit="", dtype=float)
        exposure_map = Map.from_geom(
            geom.squash(axis_name="migra"), unit="m2 s", dtype=float
        )
        exposure_map.data += 1.0
        return cls(edisp_map, exposure_map)

    # ------------------------------------------------------------------
    # migration pdf -> kernels
    # ------------------------------------------------------------------
    def _migra_edges(self):
        return self.edisp_map.geom.axes["migra"].edges.to_value("").astype(float)

    def _cdf(self, data):
        """CDF at the migra edges of data (n_true, n_migra, P)."""
        width = np.diff(self._migra_edges())
        steps = np.asarray(data, dtype=float) * width[None, :, None]
        zeros = np.zeros((steps.shape[0], 1, steps.shape[2]))
        return np.concatenate([zeros, np.cumsum(steps, axis=1)], axis=1)

    def _kernel_data(self, data, energy_axis):
        """Kernel (n_true, n_reco, P) from migra pdf data (n_true, n_migra, P)."""
        e_true = self.edisp_map.geom.axes["energy_true"].center
        e_reco = energy_axis.edges.to(e_true.unit)
        migra = (e_reco[None, :] / e_true[:, None]).to_value("")
        cdf = self._cdf(data)
        values = _cdf_at(cdf, self._migra_edges(), migra)
        return np.diff(values, axis=1)

    def _default_energy_axis(self, energy_axis):
        if energy_axis is None:
            energy_axis = self.edisp_map.geom.axes["energy_true"]
        return energy_axis.copy(name="energy")

    def get_edisp_kernel(self, position=None, energy_axis=None):
        """Energy-dispersion kernel at a position.

        The migration pdf is integrated over the migra range of each
        reconstructed-energy bin, evaluated at the true-energy bin centres.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`, optional
            Position (nearest pixel with exposure); the map centre if None.
        energy_axis : `~gammaray.maps.MapAxis`, optional
            Reconstructed-energy axis; the true-energy axis by default.

        Returns
        -------
        edisp : `~gammaray.irf.EDispKernel`
            Kernel.
        """
        from gammaray.irf.edisp.kernel import EDispKernel

        energy_axis = self._default_energy_axis(energy_axis)
        if position is None:
            position = self.edisp_map.geom.center_skydir
        position = self._get_nearest_valid_position(position)
        data = self._values_at(position)  # (n_true, n_migra)
        kernel = self._kernel_data(np.asarray(data)[..., None], energy_axis)[..., 0]
        axes = [self.edisp_map.geom.axes["energy_true"], energy_axis]
        return EDispKernel(axes=axes, data=kernel)

    def to_edisp_kernel_map(self, energy_axis):
        """Convert to an `~gammaray.irf.EDispKernelMap` on a reconstructed-energy axis.

        Parameters
        ----------
        energy_axis : `~gammaray.maps.MapAxis`
            Reconstructed-energy axis.

        Returns
        -------
        edisp_map : `~gammaray.irf.EDispKernelMap`
            Kernel map (exposure map with a squashed ``energy`` axis).
        """
        from gammaray.irf.edisp.kernel_map import EDispKernelMap
        from gammaray.maps import Map

        energy_axis = self._default_energy_axis(energy_axis)
        m = self.edisp_map
        shape = m.data.shape
        data = m.data.reshape(shape[:2] + (-1,))
        kernel = self._kernel_data(data, energy_axis)
        geom = m.geom.to_image().to_cube([energy_axis, m.geom.axes["energy_true"]])
        kernel = kernel.reshape(kernel.shape[:2] + shape[2:])
        edisp_map = Map.from_geom(geom, data=kernel, unit="", dtype=float)
        exposure_map = None
        if self.exposure_map is not None:
            exp_geom = m.geom.to_image().to_cube(
                [energy_axis.squash(), m.geom.axes["energy_true"]]
            )
            exposure_map = Map.from_geom(
                exp_geom,
                data=self.exposure_map.data.copy(),
                unit=self.exposure_map.unit,
            )
        return EDispKernelMap(edisp_map, exposure_map)

    def normalize(self):
        """Normalise the migration pdf in place to unit integral over ``migra``."""
        m = self.edisp_map
        width = np.diff(self._migra_edges())
        data = np.asarray(m.data, dtype=float)
        shape = [1] * data.ndim
        shape[1] = -1
        integral = np.sum(data * width.reshape(shape), axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = np.nan_to_num(data / integral, nan=0.0, posinf=0.0)
        m.data = data.astype(m.data.dtype, copy=False)

    def sample_coord(self, map_coord, random_state=0):
        """Apply the energy dispersion to events by random sampling of ``migra``.

        Parameters
        ----------
        map_coord : `~gammaray.maps.MapCoord`
            Coordinates with a sky position and ``energy_true``.
        random_state : int, str or `~numpy.random.RandomState`
            Random state.

        Returns
        -------
        map_coord : `~gammaray.maps.MapCoord`
            Coordinates with the sky position and the reconstructed ``energy``.
        """
        from gammaray.irf.psf.map import _invert_cumulative
        from gammaray.maps import MapCoord
        from gammaray.utils.random import get_random_state

        rng = get_random_state(random_state)
        skycoord = map_coord.skycoord.reshape(-1)
        energy_true = u.Quantity(map_coord["energy_true"]).reshape(-1)
        if energy_true.unit == u.dimensionless_unscaled:
            axis = self.edisp_map.geom.axes["energy_true"]
            energy_true = u.Quantity(energy_true.value, axis.unit)
        rows = self._interp_rows("migra", "energy_true", energy_true, skycoord)
        edges = self._migra_edges()
        cdf = self._cdf(rows[:, :, None])[..., 0]
        total = cdf[:, -1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            cdf = np.where(total > 0, cdf / total, 0)
        migra = _invert_cumulative(cdf, edges, rng.uniform(size=energy_true.size))
        energy = energy_true * migra
        return MapCoord.create(
            {"skycoord": skycoord, "energy": energy}, frame=map_coord.frame
        )

    # ------------------------------------------------------------------
    # plotting
    # ------------------------------------------------------------------
    def peek(self, figsize=(15, 5)):
        """Quick-look figure: migration pdf vs true energy at the centre, exposure.

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
        data = np.asarray(self._values_at(self.edisp_map.geom.center_skydir), float)
        e_true = self.edisp_map.geom.axes["energy_true"].edges
        migra = self._migra_edges()
        mesh = axes[0].pcolormesh(e_true.value, migra, data.T, shading="flat")
        fig.colorbar(mesh, ax=axes[0], label="Probability density")
        axes[0].set_xscale("log")
        axes[0].set_xlabel(f"True energy [{e_true.unit}]")
        axes[0].set_ylabel("Migra")
        axes[0].set_title("Migration pdf (map centre)")
        plot_exposure(axes[1], self.exposure_map)
        fig.tight_layout()
        return fig
