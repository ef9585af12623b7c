"""Plots of event lists (matplotlib imported lazily)."""

import astropy.units as u
import numpy as np

__all__ = [
    "plot_energy",
    "plot_time",
    "plot_offset2_distribution",
    "plot_energy_offset",
    "plot_image",
    "peek",
]


def _get_ax(ax):
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


def _energy_bins(energy, nbins=50):
    energy = energy.to_value("TeV")
    energy = energy[np.isfinite(energy) & (energy > 0)]
    if energy.size == 0:
        return np.geomspace(0.1, 100, nbins + 1)
    lo, hi = energy.min(), energy.max()
    if hi <= lo:
        hi = lo * 1.1
    return np.geomspace(lo, hi * (1 + 1e-9), nbins + 1)


def plot_energy(events, ax=None, **kwargs):
    """Histogram of event energies with logarithmic bins.

    Parameters
    ----------
    events : `~gammaray.data.EventList`
        Events.
    ax : `~matplotlib.axes.Axes`, optional
        Axes.
    **kwargs : dict
        Passed to `~matplotlib.axes.Axes.hist`.

    Returns
    -------
    ax : `~matplotlib.axes.Axes`
        The axes.
    """
    ax = _get_ax(ax)
    energy = events.energy.to_value("TeV")
    kwargs.setdefault("histtype", "step")
    kwargs.setdefault("log", True)
    ax.hist(energy, bins=_energy_bins(events.energy), **kwargs)
    ax.set_xscale("log")
    ax.set_xlabel("Energy [TeV]")
    ax.set_ylabel("Counts")
    return ax


def plot_time(events, ax=None, **kwargs):
    """Event counts versus time (histogram, 100 bins, MJD).

    Parameters
    ----------
    events : `~gammaray.data.EventList`
        Events.
    ax : `~matplotlib.axes.Axes`, optional
        Axes.
    **kwargs : dict
        Passed to `~matplotlib.axes.Axes.hist`.

    Returns
    -------
    ax : `~matplotlib.axes.Axes`
        The axes.
    """
    ax = _get_ax(ax)
    met = events.table["TIME"].data.astype(float)
    if met.size:
        t0 = met.min()
        kwargs.setdefault("histtype", "step")
        ax.hist((met - t0), bins=100, **kwargs)
        start = events.time_ref + t0 * u.s
        ax.set_xlabel(f"Time - {start.iso} {start.scale.upper()} [s]")
    else:
        ax.set_xlabel("Time [s]")
    ax.set_ylabel("Counts")
    return ax


def plot_offset2_distribution(
    events, ax=None, center=None, max_percentile=98, **kwargs
):
    """Histogram of squared offsets from ``center`` (default: pointing position).

    Parameters
    ----------
    events : `~gammaray.data.EventList`
        Events.
    ax : `~matplotlib.axes.Axes`, optional
        Axes.
    center : `~astropy.coordinates.SkyCoord`, optional
        Centre; default pointing position (or median event position).
    max_percentile : float
        Upper percentile of offset^2 to show.
    **kwargs : dict
        Passed to `~matplotlib.axes.Axes.hist`.

    Returns
    -------
    ax : `~matplotlib.axes.Axes`
        The axes.
    """
    ax = _get_ax(ax)
    if center is None:
        offset = (
            events.offset
            if events.is_pointed_observation
            else events.offset_from_median
        )
    else:
        offset = events.radec.separation(center)
    offset2 = offset.deg**2
    if offset2.size:
        upper = np.percentile(offset2, max_percentile)
        kwargs.setdefault("histtype", "step")
        kwargs.setdefault("bins", 30)
        ax.hist(offset2, range=(0, max(upper, 1e-6)), **kwargs)
    ax.set_xlabel("Offset^2 [deg^2]")
    ax.set_ylabel("Counts")
    return ax


def plot_energy_offset(events, ax=None, center=None, **kwargs):
    """2D histogram of event energy versus offset.

    Parameters
    ----------
    events : `~gammaray.data.EventList`
        Events.
    ax : `~matplotlib.axes.Axes`, optional
        Axes.
    center : `~astropy.coordinates.SkyCoord`, optional
        Centre for offsets; default pointing (or median event position).
    **kwargs : dict
        Passed to `~matplotlib.axes.Axes.pcolormesh`.

    Returns
    -------
    ax : `~matplotlib.axes.Axes`
        The axes.
    """
    from matplotlib.colors import LogNorm

    ax = _get_ax(ax)
    if center is None:
        offset = (
            events.offset
            if events.is_pointed_observation
            else events.offset_from_median
        )
    else:
        offset = events.radec.separation(center)
    energy_bins = _energy_bins(events.energy)
    offset_max = max(float(np.max(offset.deg)) if offset.size else 1.0, 1e-3)
    offset_bins = np.linspace(0, offset_max, 31)
    counts, _, _ = np.histogram2d(
        events.energy.to_value("TeV"), offset.deg, bins=(energy_bins, offset_bins)
    )
    kwargs.setdefault("norm", LogNorm(vmin=0.5, vmax=max(counts.max(), 1)))
    mesh = ax.pcolormesh(energy_bins, offset_bins, counts.T, **kwargs)
    ax.set_xscale("log")
    ax.set_xlabel("Energy [TeV]")
    ax.set_ylabel("Offset [deg]")
    ax.figure.colorbar(mesh, ax=ax, label="Counts")
    return ax


def _image_wcs(events, allsky):
    from astropy.wcs import WCS

    wcs = WCS(naxis=2)
    if allsky:
        wcs.wcs.ctype = ["GLON-CAR", "GLAT-CAR"]
        wcs.wcs.crval = [0, 0]
        wcs.wcs.cdelt = [-1.0, 1.0]
        wcs.wcs.crpix = [180.5, 90.5]
        return wcs, (180, 360)
    if events.is_pointed_observation:
        center = events.pointing_radec
    else:
        radec = events.radec
        center = radec[0] if len(radec) else None
        if len(radec):
            from astropy.coordinates import SkyCoord

            center = SkyCoord(np.median(radec.ra), np.median(radec.dec), frame="icrs")
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [center.ra.deg, center.dec.deg] if center is not None else [0, 0]
    binsz = 0.02
    npix = 250
    wcs.wcs.cdelt = [-binsz, binsz]
    wcs.wcs.crpix = [npix / 2 + 0.5, npix / 2 + 0.5]
    return wcs, (npix, npix)


def plot_image(events, ax=None, allsky=False):
    """Counts image of the events (local TAN 5x5 deg, or all-sky Galactic CAR).

    Parameters
    ----------
    events : `~gammaray.data.EventList`
        Events.
    ax : `~astropy.visualization.wcsaxes.WCSAxes`, optional
        Axes with the projection of the image; created when None.
    allsky : bool
        All-sky Galactic image with 1 deg pixels.

    Returns
    -------
    ax : `~astropy.visualization.wcsaxes.WCSAxes`
        The axes.
    """
    import matplotlib.pyplot as plt

    wcs, shape = _image_wcs(events, allsky)
    coord = events.galactic if allsky else events.radec
    x, y = wcs.world_to_pixel(coord)
    ny, nx = shape
    counts, _, _ = np.histogram2d(
        np.asarray(y),
        np.asarray(x),
        bins=(ny, nx),
        range=((-0.5, ny - 0.5), (-0.5, nx - 0.5)),
    )
    if ax is None:
        fig = plt.gcf()
        ax = fig.add_subplot(projection=wcs)
    ax.imshow(counts, origin="lower", cmap="viridis", interpolation="nearest")
    return ax


def peek(events, allsky=False):
    """Quick-look figure of an event list.

    Parameters
    ----------
    events : `~gammaray.data.EventList`
        Events.
    allsky : bool
        All-sky image instead of a local one.

    Returns
    -------
    fig : `~matplotlib.figure.Figure`
        The figure.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12, 8))
    wcs, _ = _image_wcs(events, allsky)
    ax_image = fig.add_subplot(2, 3, 1, projection=wcs)
    plot_image(events, ax=ax_image, allsky=allsky)
    plot_energy(events, ax=fig.add_subplot(2, 3, 2))
    plot_offset2_distribution(events, ax=fig.add_subplot(2, 3, 3))
    plot_time(events, ax=fig.add_subplot(2, 3, 4))
    plot_energy_offset(events, ax=fig.add_subplot(2, 3, 5))
    fig.tight_layout()
    return fig
