"""Quick-look figure of an `~gammaray.data.Observation` (matplotlib imported lazily).

One panel per plottable HDU, as Gammapy's ``Observation.peek``: the events
(energy and offset distributions), the effective area versus energy, the
energy bias, the PSF containment radius versus energy, the background rate
versus energy, and ``RAD_MAX`` for point-like IRFs. IRF tables and IRF maps
(HAWC: effective area and background as WCS maps, `EDispKernelMap`,
`RecoPSFMap`) are both drawn.
"""

import logging

import numpy as np

__all__ = ["plot_observation"]

log = logging.getLogger(__name__)


def _plot_map_spectrum(ax, irf_map, label):
    """Plot a map's values at its centre versus its non-spatial axis."""
    geom = irf_map.geom
    axis = geom.axes[0]
    coords = {"skycoord": geom.center_skydir, axis.name: axis.center}
    values = irf_map.get_by_coord(coords)
    ax.plot(axis.center.value, values, label="map centre")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"{axis.name} [{axis.unit}]")
    ax.set_ylabel(f"{label} [{irf_map.unit}]")
    ax.legend(loc="best")


def _plot_events_energy(obs, ax):
    obs.events.plot_energy(ax=ax)
    ax.set_title("Events: energy")


def _plot_events_offset(obs, ax):
    obs.events.plot_offset2_distribution(ax=ax)
    ax.set_title("Events: offset$^2$")


def _plot_aeff(obs, ax):
    aeff = obs.aeff
    if hasattr(aeff, "plot_energy_dependence"):
        aeff.plot_energy_dependence(ax=ax)
    else:
        # HAWC stores the exposure per transit (cm2 s) as its effective area
        is_area = aeff.unit.is_equivalent("m2")
        _plot_map_spectrum(ax, aeff, "Effective area" if is_area else "Exposure")
    ax.set_title("Effective area")


def _plot_edisp(obs, ax):
    edisp = obs.edisp
    if hasattr(edisp, "get_edisp_kernel"):
        edisp = edisp.get_edisp_kernel()
        edisp.plot_bias(ax=ax)
    else:
        edisp.plot_bias(ax=ax, add_cbar=True)
    ax.set_title("Energy dispersion: bias")


def _plot_psf(obs, ax):
    obs.psf.plot_containment_radius_vs_energy(ax=ax)
    ax.set_title("Point spread function")


def _plot_bkg(obs, ax):
    bkg = obs.bkg
    if hasattr(bkg, "plot_energy_dependence"):
        bkg.plot_energy_dependence(ax=ax)
    else:
        _plot_map_spectrum(ax, bkg, "Background")
    ax.set_title("Background rate")


def _plot_rad_max(obs, ax):
    obs.rad_max.plot_rad_max_vs_energy(ax=ax)
    ax.set_title("Rad max")


def _panels(obs):
    """Panel functions for the HDUs the observation has."""
    panels = []
    events = obs.events if obs._hdus["events"].present else None
    if events is not None and len(events):
        panels.append(_plot_events_energy)
        if obs.pointing is not None and obs.pointing.mode.name == "POINTING":
            panels.append(_plot_events_offset)
    plotters = {
        "aeff": _plot_aeff,
        "edisp": _plot_edisp,
        "psf": _plot_psf,
        "bkg": _plot_bkg,
        "rad_max": _plot_rad_max,
    }
    panels += [plotters[name] for name in plotters if name in obs.available_irfs]
    return panels


def plot_observation(obs, figsize=(15, 10)):
    """Multi-panel quick-look figure of an observation.

    Parameters
    ----------
    obs : `~gammaray.data.Observation`
        Observation.
    figsize : tuple of float
        Figure size in inches.

    Returns
    -------
    fig : `~matplotlib.figure.Figure`
        The figure (one titled panel per plotted HDU; unused axes hidden).
    """
    import matplotlib.pyplot as plt

    panels = _panels(obs)
    ncols = 3 if len(panels) > 4 else 2
    nrows = max(1, int(np.ceil(len(panels) / ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    axes = axes.ravel()
    for ax, panel in zip(axes, panels, strict=False):
        panel(obs, ax)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    fig.suptitle(f"Observation {obs.obs_id}")
    fig.tight_layout()
    return fig
