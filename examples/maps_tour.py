"""A tour of gammaray's maps: WCS, HEALPix and region maps built, filled and plotted.

Run from the repository root::

    python examples/maps_tour.py

It needs no downloaded data: events are simulated. When ``$GAMMARAY_DATA`` is
set it also reads a Fermi-LAT counts cube and the all-sky HEALPix exposure
cube from the data collection, reprojects HEALPix onto WCS and writes and
re-reads the maps. Figures and files go to ``examples/output/``.
"""

import os
import time
from pathlib import Path

import astropy.units as u
import matplotlib
import numpy as np
from astropy.coordinates import SkyCoord

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gammaray.maps import HpxGeom, Map, MapAxis, RegionGeom, WcsGeom
from gammaray.stats import CashCountsStatistic

OUTPUT = Path(__file__).parent / "output"


def simulate_events(n_background=200_000, n_source=5_000, seed=42):
    """Events of a Gaussian source on a flat background around the Galactic centre."""
    rng = np.random.default_rng(seed)
    lon_bkg = rng.uniform(-5, 5, n_background)
    lat_bkg = rng.uniform(-4, 4, n_background)
    lon_src = rng.normal(0.5, 0.15, n_source)
    lat_src = rng.normal(-0.3, 0.15, n_source)
    lon = np.concatenate([lon_bkg, lon_src])
    lat = np.concatenate([lat_bkg, lat_src])
    # power-law energies, index 2.7 for the background and 2.2 for the source
    u_rand = rng.uniform(size=lon.size)
    index = np.where(np.arange(lon.size) < n_background, 2.7, 2.2)
    g = 1 - index
    energy = (1 + u_rand * (100**g - 1)) ** (1 / g)
    return SkyCoord(lon, lat, unit="deg", frame="galactic"), energy * u.TeV


def wcs_part(events, energy):
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=8, name="energy")
    geom = WcsGeom.create(
        skydir=SkyCoord(0, 0, unit="deg", frame="galactic"),
        binsz=0.05,
        width=(10, 8) * u.deg,
        frame="galactic",
        axes=[energy_axis],
    )
    counts = Map.from_geom(geom, unit="")
    t0 = time.perf_counter()
    counts.fill_by_coord({"skycoord": events, "energy": energy})
    print(
        f"WCS: filled {energy.size} events in {1e3 * (time.perf_counter() - t0):.1f} ms"
    )
    print(counts)
    assert counts.data.sum() == np.sum((energy >= 1 * u.TeV) & (energy < 100 * u.TeV))

    image = counts.sum_over_axes(keepdims=False)
    smoothed = image.smooth("0.15 deg", kernel="gauss")
    fig = plt.figure(figsize=(12, 4))
    ax1 = fig.add_subplot(1, 2, 1, projection=image.geom.wcs)
    image.plot(ax=ax1, add_cbar=True)
    ax1.set_title("counts")
    ax2 = fig.add_subplot(1, 2, 2, projection=smoothed.geom.wcs)
    smoothed.plot(ax=ax2, add_cbar=True, stretch="sqrt")
    ax2.set_title("smoothed counts (0.15 deg Gaussian)")
    fig.savefig(OUTPUT / "wcs_counts.png", dpi=80)
    plt.close(fig)

    # excess significance in a circle around the source, background from a ring
    on = RegionGeom.create("galactic;circle(0.5, -0.3, 0.3)", axes=[energy_axis])
    on_counts = counts.to_region_nd_map(on.region)
    bkg_density = image.data.mean() / image.geom.solid_angle().mean()
    mu_bkg = (bkg_density * on.solid_angle()).to_value("")
    stat = CashCountsStatistic(on_counts.data.sum(), mu_bkg)
    print(
        f"Region: {on_counts.data.sum():.0f} counts, excess significance {float(stat.sqrt_ts):.1f} sigma"
    )
    fig, ax = plt.subplots()
    on_counts.plot(ax=ax)
    ax.set_title("counts spectrum in the on region")
    fig.savefig(OUTPUT / "region_spectrum.png", dpi=80)
    plt.close(fig)

    counts.write(OUTPUT / "counts_wcs.fits", overwrite=True)
    back = Map.read(OUTPUT / "counts_wcs.fits")
    assert np.array_equal(back.data, counts.data) and back.geom == counts.geom
    return counts


def hpx_part(events, energy):
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4, name="energy")
    geom = HpxGeom.create(
        binsz=0.2,
        skydir=SkyCoord(0, 0, unit="deg", frame="galactic"),
        width=12 * u.deg,
        frame="galactic",
        axes=[energy_axis],
    )
    counts = Map.from_geom(geom)
    counts.fill_by_coord({"skycoord": events, "energy": energy})
    print(counts)
    wcs_geom = WcsGeom.create(
        skydir=(0, 0), binsz=0.1, width=(10, 8), frame="galactic", axes=[energy_axis]
    )
    reprojected = counts.reproject_to_geom(wcs_geom, preserve_counts=True)
    fig = plt.figure(figsize=(6, 4))
    ax = fig.add_subplot(projection=reprojected.geom.wcs)
    reprojected.sum_over_axes(keepdims=False).plot(ax=ax, add_cbar=True)
    ax.set_title("HEALPix counts reprojected to WCS")
    fig.savefig(OUTPUT / "hpx_reprojected.png", dpi=80)
    plt.close(fig)


def real_data_part(data_dir):
    counts = Map.read(data_dir / "fermi-3fhl-gc" / "fermi-3fhl-gc-counts-cube.fits.gz")
    print("Fermi-LAT counts cube:", counts.geom.data_shape, "total", counts.data.sum())
    exposure = Map.read(
        data_dir / "fermi_3fhl" / "fermi_3fhl_exposure_cube_hpx.fits.gz"
    )
    print(exposure)
    target = counts.geom.to_image().to_cube([exposure.geom.axes[0]])
    wcs_exposure = exposure.interp_to_geom(target)
    fig = plt.figure(figsize=(6, 4))
    ax = fig.add_subplot(projection=wcs_exposure.geom.wcs)
    wcs_exposure.get_image_by_idx((0,)).plot(ax=ax, add_cbar=True)
    ax.set_title("3FHL exposure (HEALPix -> WCS)")
    fig.savefig(OUTPUT / "fermi_exposure.png", dpi=80)
    plt.close(fig)


def main():
    OUTPUT.mkdir(exist_ok=True)
    events, energy = simulate_events()
    wcs_part(events, energy)
    hpx_part(events, energy)
    data = os.environ.get("GAMMARAY_DATA")
    if data:
        real_data_part(Path(data))
    else:
        print("GAMMARAY_DATA not set: skipping the part on real Fermi-LAT files.")
    print(f"Figures written to {OUTPUT}")


if __name__ == "__main__":
    main()
