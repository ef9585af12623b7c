"""Plotting of HEALPix maps (matplotlib is imported lazily)."""

import numpy as np

__all__ = ["plot_hpx"]


def plot_hpx(
    m,
    method="raster",
    ax=None,
    normalize=False,
    proj="AIT",
    oversample=2,
    width_pix=1000,
    **kwargs,
):
    """Plot an image HEALPix map on WCS axes (see `~gammaray.maps.HpxNDMap.plot`)."""
    if not m.geom.is_flat:
        raise TypeError(
            "plot() needs an image; select one with map.get_image_by_idx(...) or "
            "sum with map.sum_over_axes()."
        )
    if method == "raster":
        wcs_map = m.to_wcs(
            normalize=normalize,
            proj=proj,
            oversample=oversample,
            width_pix=width_pix,
            sum_bands=True,
        )
        return wcs_map.plot(ax=ax, **kwargs)
    if method == "poly":
        return _plot_poly(
            m, ax=ax, proj=proj, oversample=oversample, width_pix=width_pix, **kwargs
        )
    raise ValueError(f"Unknown plot method {method!r}; use 'raster' or 'poly'.")


def _plot_poly(m, ax=None, proj="AIT", oversample=2, width_pix=1000, **kwargs):
    import healpy as hp
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    from .utils import lonlat_to_frame

    geom = m.geom
    image = m.sum_over_axes(keepdims=False) if geom.axes else m
    wcs_geom = geom.to_image().to_wcs_geom(
        proj=proj, oversample=oversample, width_pix=width_pix
    )
    if ax is None:
        fig = plt.gcf()
        ax = fig.add_subplot(1, 1, 1, projection=wcs_geom.wcs)
    vec = hp.boundaries(geom.nside, geom.ipix, step=1, nest=geom.nest)
    vec = vec.reshape(geom.npix, 3, -1)
    lon, lat = hp.vec2ang(np.moveaxis(vec, 1, -1).reshape(-1, 3), lonlat=True)
    lon, lat = lonlat_to_frame(lon, lat, geom.frame, wcs_geom.frame)
    x, y = wcs_geom.wcs.wcs_world2pix(lon, lat, 0)
    x = x.reshape(geom.npix, -1)
    y = y.reshape(geom.npix, -1)
    ny, nx = wcs_geom.data_shape[-2:]
    ok = np.all(np.isfinite(x) & np.isfinite(y), axis=1)
    # skip polygons that wrap around the edge of the projection
    ok &= (np.ptp(x, axis=1) < nx / 4) & (np.ptp(y, axis=1) < ny / 4)
    verts = np.stack([x[ok], y[ok]], axis=-1)
    values = np.asarray(image.data, dtype=float)[ok]
    kwargs.setdefault("cmap", "afmhot")
    kwargs.setdefault("edgecolors", "face")
    coll = PolyCollection(verts, array=values, **kwargs)
    ax.add_collection(coll)
    ax.set_xlim(-0.5, nx - 0.5)
    ax.set_ylim(-0.5, ny - 0.5)
    return ax
