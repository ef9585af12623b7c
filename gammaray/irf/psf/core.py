"""Base class of point-spread-function IRFs: containment and plots."""

import astropy.units as u
import numpy as np

from ..core import IRF

__all__ = ["PSF"]

DEFAULT_FRACTIONS = (0.68, 0.95)


class PSF(IRF):
    """Base class of PSF IRFs (axes include ``energy_true`` and ``offset``).

    The PSF is a probability density per solid angle (sr-1) of the angular
    distance ``rad`` between true and reconstructed direction, normalised to
    unit integral over the (small-angle, flat) plane.
    """

    def _other_coords(self, kwargs):
        """``energy_true`` (required) and ``offset`` (default 0 deg) as Quantities."""
        if kwargs.get("energy_true") is None:
            raise ValueError(
                f"{type(self).__name__}: energy_true is required, e.g. energy_true=1 * u.TeV."
            )
        out = {"energy_true": u.Quantity(kwargs["energy_true"])}
        if self.has_offset_axis:
            out["offset"] = u.Quantity(kwargs.get("offset", 0 * u.deg))
        return out

    def _rad_grid_max(self, **kwargs):
        """Largest radius of the grid used for numerical containment (Quantity)."""
        return self.axes["rad"].edges[-1]

    def containment(self, rad, **kwargs):
        """Fraction of the PSF within ``rad``.

        Parameters
        ----------
        rad : `~astropy.units.Quantity`
            Radius.
        **kwargs : `~astropy.units.Quantity`
            ``energy_true`` and ``offset`` (default 0 deg), broadcast with ``rad``.

        Returns
        -------
        containment : `~numpy.ndarray`
            Containment fraction.
        """
        rad = u.Quantity(rad, "deg")
        coords = self._other_coords(kwargs)
        shape = np.broadcast_shapes(*[c.shape for c in coords.values()])
        rad_max = self._rad_grid_max(**coords)
        n_grid = max(20 * self.axes["rad"].nbin, 200)
        grid = np.linspace(0, 1, n_grid + 1) * rad_max
        grid_b = grid.reshape((-1,) + (1,) * len(shape))
        values = self.evaluate(rad=grid_b, **coords)
        values = np.broadcast_to(values, (len(grid),) + shape, subok=True)
        r = grid_b.to_value("rad")
        integrand = 2 * np.pi * r * values.to_value("sr-1")
        steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(r, axis=0)
        cumulative = np.concatenate([np.zeros((1,) + shape), np.cumsum(steps, axis=0)])
        # interpolate the cumulative at rad, point by point
        full = np.broadcast_shapes(rad.shape, shape)
        rad_v = np.broadcast_to(rad.to_value(grid.unit), full)
        extra = (1,) * (len(full) - len(shape))
        cumulative = cumulative.reshape((len(grid),) + extra + shape)
        cum = np.broadcast_to(cumulative, (len(grid),) + full)
        g = grid.value
        idx = np.clip(np.searchsorted(g, rad_v, side="right") - 1, 0, len(g) - 2)
        w = np.clip((rad_v - g[idx]) / (g[idx + 1] - g[idx]), 0, 1)
        c0 = np.take_along_axis(cum, idx[np.newaxis], axis=0)[0]
        c1 = np.take_along_axis(cum, idx[np.newaxis] + 1, axis=0)[0]
        result = c0 + w * (c1 - c0)
        return np.where(rad_v > g[-1], cum[-1], result)

    def containment_radius(self, fraction, factor=20, **kwargs):
        """Radius containing a given fraction of the PSF.

        The containment is computed on a fine radius grid (``factor`` points
        per bin of the ``rad`` axis, at least 400) and the root is found by
        linear interpolation between grid points.

        Parameters
        ----------
        fraction : float or `~numpy.ndarray`
            Containment fraction(s), broadcast with the other coordinates.
        factor : int
            Grid refinement factor.
        **kwargs : `~astropy.units.Quantity`
            ``energy_true`` and ``offset``.

        Returns
        -------
        radius : `~astropy.units.Quantity`
            Containment radius (deg); NaN if the fraction is never reached.
        """
        coords = self._other_coords(kwargs)
        fraction = np.asarray(fraction, dtype=float)
        shape = np.broadcast_shapes(fraction.shape, *[c.shape for c in coords.values()])
        rad_max = self._rad_grid_max(**coords).to("deg")
        nbin = self.axes["rad"].nbin if "rad" in self.axes.names else 20
        n_grid = max(factor * nbin, 400)
        grid = np.linspace(0, 1, n_grid + 1) * rad_max
        grid_b = grid.reshape((-1,) + (1,) * len(shape))
        cont = np.broadcast_to(
            self.containment(rad=grid_b, **coords), (len(grid),) + shape
        )
        frac = np.broadcast_to(fraction, shape)
        above = cont >= frac
        idx = np.argmax(above, axis=0)
        reached = above.any(axis=0)
        idx0 = np.clip(idx - 1, 0, None)
        c0 = np.take_along_axis(cont, idx0[np.newaxis], axis=0)[0]
        c1 = np.take_along_axis(cont, idx[np.newaxis], axis=0)[0]
        g = grid.value
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(c1 > c0, (frac - c0) / (c1 - c0), 0.0)
        radius = g[idx0] + w * (g[idx] - g[idx0])
        radius = np.where(reached, radius, np.nan)
        return u.Quantity(radius, "deg")

    def info(
        self,
        fraction=DEFAULT_FRACTIONS,
        energy_true=(1.0, 10.0) * u.TeV,
        offset=0 * u.deg,
    ):
        """Text summary of containment radii.

        Parameters
        ----------
        fraction : tuple of float
            Containment fractions.
        energy_true : `~astropy.units.Quantity`
            True energies.
        offset : `~astropy.units.Quantity`
            Offset.

        Returns
        -------
        info : str
            Summary.
        """
        lines = [f"{type(self).__name__} containment radii at offset {offset}:"]
        for e in np.atleast_1d(u.Quantity(energy_true)):
            for f in np.atleast_1d(fraction):
                r = self.containment_radius(f, energy_true=e, offset=offset)
                lines.append(f"  {100 * f:.0f}% containment radius at {e:.3g}: {r:.3f}")
        return "\n".join(lines)

    def plot_containment_radius_vs_energy(
        self, ax=None, fraction=DEFAULT_FRACTIONS, offset=(0, 1) * u.deg, **kwargs
    ):
        """Plot containment radii versus true energy.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        fraction : tuple of float
            Containment fractions.
        offset : `~astropy.units.Quantity`
            Offsets.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        energy = self.axes["energy_true"].center
        for off in np.atleast_1d(u.Quantity(offset)):
            for f in np.atleast_1d(fraction):
                radius = self.containment_radius(f, energy_true=energy, offset=off)
                label = f"{100 * f:.0f}%, offset {off:.1f}"
                ax.plot(energy.value, radius.value, label=label, **kwargs)
        ax.set_xscale("log")
        ax.set_xlabel(f"True energy [{energy.unit}]")
        ax.set_ylabel("Containment radius [deg]")
        ax.legend(loc="best")
        return ax

    def plot_psf_vs_rad(
        self, ax=None, offset=0 * u.deg, energy_true=(0.1, 1, 10) * u.TeV, **kwargs
    ):
        """Plot the PSF density versus radius.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        offset : `~astropy.units.Quantity`
            Offset.
        energy_true : `~astropy.units.Quantity`
            True energies.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        coords = {"energy_true": u.Quantity(energy_true)[0], "offset": offset}
        rad = np.linspace(0, 1, 200) * self._rad_grid_max(**coords).to("deg")
        for e in np.atleast_1d(u.Quantity(energy_true)):
            kw = {"energy_true": e}
            if self.has_offset_axis:
                kw["offset"] = offset
            values = self.evaluate(rad=rad, **kw)
            ax.plot(rad.value, values.to_value("sr-1"), label=f"{e:.3g}", **kwargs)
        ax.set_yscale("log")
        ax.set_xlabel("Rad [deg]")
        ax.set_ylabel("PSF [sr-1]")
        ax.legend(loc="best")
        return ax

    def peek(self, figsize=(12, 5)):
        """Quick-look: containment radii and PSF profiles."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=figsize)
        self.plot_containment_radius_vs_energy(ax=axes[0])
        energy = self.axes["energy_true"].center
        e = np.geomspace(energy[0], energy[-1], 3)
        self.plot_psf_vs_rad(ax=axes[1], energy_true=e)
        fig.tight_layout()
        return fig
