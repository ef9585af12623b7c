"""Offset-dependent energy dispersion (GADF ``EDISP_2D``)."""

import warnings

import astropy.units as u
import numpy as np

from gammaray.utils.errors import FormatWarning

from ..core import IRF
from .kernel import EDispKernel

__all__ = ["EnergyDispersion2D"]


class EnergyDispersion2D(IRF):
    """Energy dispersion: pdf of ``migra = E_reco / E_true`` per true energy and offset.

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy_true``, ``migra`` and ``offset`` axes.
    data : `~numpy.ndarray`
        Probability density in ``migra`` (dimensionless), shape
        ``(n_energy_true, n_migra, n_offset)``.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "edisp_2d"
    required_axes = ["energy_true", "migra", "offset"]
    default_interp_kwargs = dict(fill_value=0.0, values_scale="lin")

    @classmethod
    def from_table(cls, table, format="gadf-dl3"):
        """Energy dispersion from a GADF ``EDISP_2D`` table.

        The format stores a probability density in ``migra``. Some files (e.g.
        the CTA prod5 IRFs) store the probability per ``migra`` bin instead:
        their rows sum to one while the density integrates to the bin width.
        Such tables are converted to a density with a `FormatWarning`.
        """
        edisp = super().from_table(table, format=format)
        data = np.asarray(edisp.data, dtype=float)
        width = edisp.axes["migra"].bin_width.to_value("")
        sums = data.sum(axis=1)
        integrals = (data * width[None, :, None]).sum(axis=1)
        filled = sums > 0
        per_bin = (
            filled.any()
            and np.allclose(sums[filled], 1, atol=1e-3)
            and np.median(integrals[filled]) < 0.5
        )
        if per_bin:
            source = table.meta.get("_GR_SOURCE", "the table")
            warnings.warn(
                f"{source}: the energy-dispersion MATRIX holds probabilities per "
                "migra bin (rows sum to 1) instead of a density in migra; it was "
                "divided by the migra bin width.",
                FormatWarning,
                stacklevel=2,
            )
            edisp.data = (data / width[None, :, None]).astype(edisp.data.dtype)
        return edisp

    @classmethod
    def from_gauss(
        cls, energy_axis_true, migra_axis, offset_axis, bias, sigma, pdf_threshold=1e-6
    ):
        """Gaussian dispersion in ``migra``, the same at all offsets.

        Parameters
        ----------
        energy_axis_true : `~gammaray.maps.MapAxis`
            True-energy axis.
        migra_axis : `~gammaray.maps.MapAxis`
            Migration axis.
        offset_axis : `~gammaray.maps.MapAxis`
            Offset axis.
        bias : float or `~numpy.ndarray`
            Mean of ``migra`` minus 1 (scalar or per true-energy bin).
        sigma : float or `~numpy.ndarray`
            Standard deviation of ``migra``.
        pdf_threshold : float
            Densities below this value are set to zero.

        Returns
        -------
        edisp : `EnergyDispersion2D`
            Dispersion; the density is the bin average of the Gaussian, so it
            integrates to one over an axis covering the Gaussian.
        """
        from scipy.special import ndtr

        edges = migra_axis.edges.to_value("")
        bias = np.asarray(bias, dtype=float).reshape(-1, 1)
        sigma = np.asarray(sigma, dtype=float).reshape(-1, 1)
        cdf = ndtr((edges[np.newaxis, :] - 1 - bias) / sigma)
        pdf = np.diff(cdf, axis=1) / np.diff(edges)
        pdf = np.broadcast_to(pdf, (energy_axis_true.nbin, migra_axis.nbin))
        pdf = np.where(pdf < pdf_threshold, 0.0, pdf)
        data = np.repeat(pdf[:, :, np.newaxis], offset_axis.nbin, axis=2)
        return cls(
            axes=[
                energy_axis_true.copy(name="energy_true"),
                migra_axis.copy(name="migra"),
                offset_axis.copy(name="offset"),
            ],
            data=data,
        )

    def normalize(self, axis_name="migra"):
        """Normalise the density in ``migra`` to unit integral (in place)."""
        super().normalize(axis_name=axis_name)
        self._unit = u.one

    def to_edisp_kernel(self, offset, energy_axis_true=None, energy_axis=None):
        """Energy-dispersion matrix at a given offset.

        The cumulative distribution in ``migra`` (densities constant within
        migra bins) is evaluated at ``E_reco_edges / E_true`` for each true
        energy, and differenced over the reconstructed-energy bins.

        Parameters
        ----------
        offset : `~astropy.units.Quantity`
            Offset.
        energy_axis_true : `~gammaray.maps.MapAxis`, optional
            True-energy axis (default: the IRF's).
        energy_axis : `~gammaray.maps.MapAxis`, optional
            Reconstructed-energy axis (default: the true-energy edges).

        Returns
        -------
        edisp : `~gammaray.irf.EDispKernel`
            Kernel.
        """
        offset = u.Quantity(offset)
        if energy_axis_true is None:
            energy_axis_true = self.axes["energy_true"]
        energy_axis_true = energy_axis_true.copy(name="energy_true")
        if energy_axis is None:
            energy_axis = energy_axis_true.copy(name="energy")
        energy_axis = energy_axis.copy(name="energy")

        migra_axis = self.axes["migra"]
        migra_edges = migra_axis.edges.to_value("")
        e_true = energy_axis_true.center[:, np.newaxis]
        pdf = self.evaluate(
            energy_true=e_true,
            migra=migra_axis.center[np.newaxis, :],
            offset=offset,
        ).to_value("")
        pdf = np.broadcast_to(pdf, (energy_axis_true.nbin, migra_axis.nbin))
        cdf = np.concatenate(
            [
                np.zeros((pdf.shape[0], 1)),
                np.cumsum(pdf * np.diff(migra_edges), axis=1),
            ],
            axis=1,
        )
        x = (energy_axis.edges[np.newaxis, :] / e_true).to_value("")
        x = np.clip(x, migra_edges[0], migra_edges[-1])
        idx = np.clip(
            np.searchsorted(migra_edges, x, side="right") - 1, 0, migra_axis.nbin - 1
        )
        x0 = migra_edges[idx]
        w = (x - x0) / (migra_edges[idx + 1] - x0)
        c0 = np.take_along_axis(cdf, idx, axis=1)
        c1 = np.take_along_axis(cdf, idx + 1, axis=1)
        cdf_reco = c0 + w * (c1 - c0)
        data = np.clip(np.diff(cdf_reco, axis=1), 0, None)
        return EDispKernel(axes=[energy_axis_true, energy_axis], data=data)

    # ------------------------------------------------------------------ plots
    def plot_migration(self, ax=None, offset=None, energy_true=None, **kwargs):
        """Plot the migration density for some offsets and true energies.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        offset : `~astropy.units.Quantity`, optional
            Offsets (default: first offset bin centre).
        energy_true : `~astropy.units.Quantity`, optional
            True energies (default: 1 and 10 TeV).
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        if offset is None:
            offset = self.axes["offset"].center[:1]
        if energy_true is None:
            energy_true = [1, 10] * u.TeV
        migra = self.axes["migra"].center
        for off in np.atleast_1d(u.Quantity(offset)):
            for e in np.atleast_1d(u.Quantity(energy_true)):
                values = self.evaluate(offset=off, energy_true=e, migra=migra)
                label = f"offset = {off:.1f}, energy = {e:.1f}"
                ax.plot(migra.value, values.value, label=label, **kwargs)
        ax.set_xlabel("Migra (E_reco / E_true)")
        ax.set_ylabel("Probability density")
        ax.legend(loc="upper left")
        return ax

    def plot_bias(self, ax=None, offset=None, add_cbar=False, **kwargs):
        """Plot the migration density versus true energy at one offset.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        offset : `~astropy.units.Quantity`, optional
            Offset (default: first offset bin centre).
        add_cbar : bool
            Add a colour bar.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.pcolormesh`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        if offset is None:
            offset = self.axes["offset"].center[0]
        energy = self.axes["energy_true"]
        migra = self.axes["migra"]
        z = self.evaluate(
            offset=offset,
            energy_true=energy.center[:, np.newaxis],
            migra=migra.center[np.newaxis, :],
        ).value
        kwargs.setdefault("cmap", "GnBu")
        mesh = ax.pcolormesh(energy.edges.value, migra.edges.value, z.T, **kwargs)
        ax.set_xscale("log")
        ax.set_xlabel(f"True energy [{energy.unit}]")
        ax.set_ylabel("Migra (E_reco / E_true)")
        if add_cbar:
            ax.figure.colorbar(mesh, ax=ax, label="Probability density")
        return ax

    def peek(self, figsize=(15, 5)):
        """Quick-look: bias image, migration densities and the kernel at the first offset."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=figsize)
        self.plot_bias(ax=axes[0])
        self.plot_migration(ax=axes[1])
        offset = self.axes["offset"].center[0]
        self.to_edisp_kernel(offset=offset).plot_matrix(ax=axes[2])
        fig.tight_layout()
        return fig
