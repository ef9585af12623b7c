"""Joint fit of the Crab spectrum with Fermi-LAT (3D), H.E.S.S. (1D on/off) and HAWC (flux points).

One `LogParabolaSpectralModel` is shared by the three datasets; the other
Fermi-LAT models (diffuse emission, other sources) are kept as they are.

Run with ``GAMMARAY_DATA`` set::

    python examples/joint_crab_fit.py

Prints the fitted parameters with errors and writes
``examples/output/joint_crab_fit.png``.
"""

from pathlib import Path

import astropy.units as u
import matplotlib.pyplot as plt

from gammaray.datasets import Datasets, FluxPointsDataset, SpectrumDatasetOnOff
from gammaray.estimators import FluxPoints
from gammaray.modeling import Fit
from gammaray.modeling.models import LogParabolaSpectralModel, SkyModel

HESS_OBS = (23523, 23526, 23559, 23592)
OUTPUT = Path(__file__).parent / "output"


def read_datasets():
    """Fermi-LAT map dataset, stacked H.E.S.S. spectrum and HAWC flux points."""
    fermi = Datasets.read(
        "$GAMMARAY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml",
        filename_models="$GAMMARAY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml",
    )
    hess_runs = Datasets(
        [
            SpectrumDatasetOnOff.read(
                f"$GAMMARAY_DATA/joint-crab/spectra/hess/pha_obs{obs}.fits"
            )
            for obs in HESS_OBS
        ]
    )
    hess = hess_runs.stack_reduce(name="H.E.S.S.")
    flux_points = FluxPoints.read(
        "$GAMMARAY_DATA/hawc/crab_flux/HAWC19_flux_points.fits", sed_type="dnde"
    )
    hawc = FluxPointsDataset(data=flux_points, name="HAWC")
    return fermi, hess, hawc


def set_models(fermi, hess, hawc):
    """Replace the Crab's spectral model by one log-parabola shared by all datasets."""
    spectral = LogParabolaSpectralModel(
        amplitude=3.5e-11 * u.Unit("cm-2 s-1 TeV-1"),
        reference=1 * u.TeV,
        alpha=1.6,
        beta=0.1,
    )
    models = fermi.models
    crab = models["Crab Nebula"]
    crab_joint = SkyModel(
        spectral_model=spectral,
        spatial_model=crab.spatial_model,
        name="Crab Nebula",
    )
    others = [m for m in models if m.name != "Crab Nebula"]
    datasets = Datasets([*fermi, hess, hawc])
    # the Fermi-LAT background/diffuse models name the Fermi dataset; the Crab
    # (no datasets_names) applies to all three
    datasets.models = [crab_joint, *others]
    return datasets, spectral


def plot(datasets, spectral, filename):
    """Plot the joint model SED with the HAWC points, the H.E.S.S. excess and the
    Fermi-LAT counts spectrum, each with the model prediction."""
    fig, axes = plt.subplots(1, 3, figsize=(19, 5))
    # the model SED with its 1-sigma band from the fit covariance
    ax = axes[0]
    energy_bounds = [0.01, 200] * u.TeV
    spectral.plot(energy_bounds, ax=ax, sed_type="e2dnde", label="Joint model")
    spectral.plot_error(energy_bounds, ax=ax, sed_type="e2dnde", alpha=0.3)
    datasets["HAWC"].data.plot(ax=ax, sed_type="e2dnde", label="HAWC flux points")
    ax.set_title("Crab Nebula SED (joint fit)")
    ax.legend()
    datasets["H.E.S.S."].plot_excess(ax=axes[1])
    axes[1].set_title("H.E.S.S. excess counts and model")
    plot_fermi_spectrum(datasets["Fermi-LAT"], ax=axes[2])
    fig.tight_layout()
    fig.savefig(filename)
    plt.close(fig)
    return filename


def plot_fermi_spectrum(dataset, ax):
    """Fermi-LAT counts and predicted counts (all models, and the Crab alone)
    per reconstructed-energy bin, summed over the fit mask."""
    mask = dataset.mask.data
    energy = dataset.counts.geom.axes["energy"]
    center = energy.center.to_value("GeV")
    counts = (dataset.counts.data * mask).sum(axis=(1, 2))
    npred = (dataset.npred().data * mask).sum(axis=(1, 2))
    crab = (dataset.npred_signal(model_names=["Crab Nebula"]).data * mask).sum(
        axis=(1, 2)
    )
    ax.errorbar(center, counts, yerr=counts**0.5, fmt="o", label="Fermi-LAT counts")
    ax.step(center, npred, where="mid", label="npred (all models)")
    ax.step(center, crab, where="mid", label="npred (Crab Nebula)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Energy [GeV]")
    ax.set_ylabel("Counts")
    ax.set_title("Fermi-LAT counts and model")
    ax.legend()


def main():
    """Run the joint fit; return the fit result and the shared spectral model."""
    fermi, hess, hawc = read_datasets()
    datasets, spectral = set_models(fermi, hess, hawc)
    result = Fit().run(datasets)
    print(result)
    print("\nJoint Crab log-parabola:")
    for par in spectral.parameters:
        if par.frozen:
            print(f"  {par.name:10s} = {par.value:.4g} {par.unit} (frozen)")
        else:
            print(f"  {par.name:10s} = {par.value:.4g} +/- {par.error:.2g} {par.unit}")
    for dataset in datasets:
        print(f"  stat({dataset.name}) = {dataset.stat_sum():.2f}")
    OUTPUT.mkdir(exist_ok=True)
    filename = plot(datasets, spectral, OUTPUT / "joint_crab_fit.png")
    print(f"Figure written to {filename}")
    return result, spectral, datasets


if __name__ == "__main__":
    main()
