"""1D spectral analysis of the Crab Nebula with the reflected-regions background.

Four H.E.S.S. DL3 DR1 runs of the Crab are reduced to ON/OFF spectrum datasets
(ON region: circle of 0.11 deg at the Crab; OFF: reflected regions outside an
exclusion mask around the Crab), stacked, and fitted with a power law.

Run with ``GAMMARAY_DATA`` set::

    python examples/crab_1d.py

Prints the reduction summary and the fitted parameters with errors, and writes
``examples/output/crab_1d_spectrum.png``.
"""

from pathlib import Path

import astropy.units as u
import matplotlib.pyplot as plt
import numpy as np
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from gammaray.data import DataStore
from gammaray.datasets import Datasets, SpectrumDataset
from gammaray.makers import (
    ReflectedRegionsBackgroundMaker,
    SafeMaskMaker,
    SpectrumDatasetMaker,
)
from gammaray.maps import MapAxis, RegionGeom, WcsGeom
from gammaray.modeling import Fit
from gammaray.modeling.models import PowerLawSpectralModel, SkyModel

CRAB = SkyCoord(83.633, 22.014, unit="deg", frame="icrs")
RUNS = (23523, 23526, 23559, 23592)
OUTPUT = Path(__file__).parent / "output"


def make_exclusion_mask():
    """Boolean mask, False within 0.5 deg of the Crab (and of zeta Tau, 1.1 deg away)."""
    geom = WcsGeom.create(skydir=CRAB, binsz=0.02, width=(6, 6), frame="icrs")
    excluded = [
        CircleSkyRegion(CRAB, 0.5 * u.deg),
        CircleSkyRegion(SkyCoord(84.41, 21.14, unit="deg"), 0.3 * u.deg),
    ]
    return geom.region_mask(excluded, inside=False)


def reduce_data(data_store="$GAMMARAY_DATA/hess-dl3-dr1", exclusion_mask=None):
    """ON/OFF spectrum datasets, one per run.

    Parameters
    ----------
    data_store : str or `~pathlib.Path`
        H.E.S.S. DL3 DR1 folder.
    exclusion_mask : `~gammaray.maps.WcsNDMap`, optional
        Exclusion mask (default `make_exclusion_mask`).

    Returns
    -------
    datasets : `~gammaray.datasets.Datasets`
        `~gammaray.datasets.SpectrumDatasetOnOff` per run.
    """
    if exclusion_mask is None:
        exclusion_mask = make_exclusion_mask()
    observations = DataStore.from_dir(data_store).get_observations(list(RUNS))

    energy_axis = MapAxis.from_energy_bounds(
        "0.5 TeV", "40 TeV", nbin=5, per_decade=True
    )
    energy_axis_true = MapAxis.from_energy_bounds(
        "0.3 TeV", "100 TeV", nbin=10, per_decade=True, name="energy_true"
    )
    geom = RegionGeom.create(CircleSkyRegion(CRAB, 0.11 * u.deg), axes=[energy_axis])
    empty = SpectrumDataset.create(geom=geom, energy_axis_true=energy_axis_true)

    maker = SpectrumDatasetMaker(
        containment_correction=True, selection=["counts", "exposure", "edisp"]
    )
    bkg_maker = ReflectedRegionsBackgroundMaker(exclusion_mask=exclusion_mask)
    safe_maker = SafeMaskMaker(methods=["aeff-max"], aeff_percent=10)

    datasets = Datasets()
    for observation in observations:
        dataset = maker.run(empty.copy(name=str(observation.obs_id)), observation)
        dataset_onoff = bkg_maker.run(dataset, observation)
        datasets.append(safe_maker.run(dataset_onoff, observation))
    return datasets


def fit_power_law(datasets):
    """Stack the runs and fit a power law.

    Returns
    -------
    stacked : `~gammaray.datasets.SpectrumDatasetOnOff`
        Stacked dataset with the fitted model.
    result : `~gammaray.modeling.FitResult`
        Fit result.
    """
    stacked = Datasets(datasets).stack_reduce(name="crab-stacked")
    spectral_model = PowerLawSpectralModel(
        index=2.5, amplitude=3e-11 * u.Unit("cm-2 s-1 TeV-1"), reference=1 * u.TeV
    )
    stacked.models = SkyModel(spectral_model=spectral_model, name="crab")
    result = Fit().run(datasets=[stacked])
    return stacked, result


def main():
    datasets = reduce_data()
    for dataset in datasets:
        n_on = dataset.counts.data[dataset.mask_safe.data].sum()
        n_off = dataset.counts_off.data[dataset.mask_safe.data].sum()
        n_regions = int(np.max(dataset.acceptance_off.data))
        print(
            f"run {dataset.name}: n_on = {n_on:.0f}, n_off = {n_off:.0f}, "
            f"OFF regions = {n_regions}"
        )
    stacked, result = fit_power_law(datasets)
    print(f"fit success: {result.success}, total stat = {result.total_stat:.2f}")
    spectral_model = stacked.models["crab"].spectral_model
    for name in ("index", "amplitude"):
        par = spectral_model.parameters[name]
        print(f"{name:10s} = {par.value:.4g} +- {par.error:.2g} {par.unit}")

    OUTPUT.mkdir(exist_ok=True)
    fig, (ax, ax_excess) = plt.subplots(1, 2, figsize=(12, 4.5))
    energy_bounds = [0.5, 40] * u.TeV
    spectral_model.plot(energy_bounds, ax=ax, sed_type="e2dnde", label="power law")
    spectral_model.plot_error(energy_bounds, ax=ax, sed_type="e2dnde")
    ax.set_ylabel("E$^2$ dN/dE [TeV cm$^{-2}$ s$^{-1}$]")
    ax.set_title("Crab Nebula, H.E.S.S. DL3 DR1 (4 runs)")
    ax.legend()
    stacked.plot_excess(ax=ax_excess)
    ax_excess.set_title("Stacked excess (reflected regions) and fitted model")
    fig.tight_layout()
    path = OUTPUT / "crab_1d_spectrum.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
