"""The gammaray main job: a complete gamma-ray analysis, simulated and real.

Part 1 (always, needs no downloaded data) simulates a CTAO-like observation
campaign and analyses it like real data:

1. IRFs: a parametrised effective area (with an offset fall-off), a Gaussian
   energy dispersion, a double-Gaussian PSF (`EnergyDependentMultiGaussPSF`)
   and a power-law `Background2D` — or, when ``$GAMMARAY_DATA`` is set, the
   CTAO prod5 South IRFs.
2. Four 30-min wobble observations (`Observation.create`, 0.5 deg offsets
   around the target) are reduced with `MapDatasetMaker` + `SafeMaskMaker`
   (`DatasetsMaker`, stacked) into one `MapDataset`.
3. A known sky model — a point source with a log-parabola spectrum and, 0.8 deg
   away, a Gaussian source with a power law — plus a `FoVBackgroundModel`
   is put on the dataset and Poisson counts are drawn (fixed seed).
4. The model is fitted in 3D (starting away from the truth); a table compares
   the fitted parameters with the truth (errors and pulls).
5. A 1D spectrum in a circle around the point source
   (`to_spectrum_dataset`, PSF containment correction, background from the
   fitted 3D background model) is fitted with a log-parabola as well.

Part 2 (when ``$GAMMARAY_DATA`` is set) analyses real data, reusing the other
examples of this folder (``crab_3d.py``, ``crab_1d.py``, ``joint_crab_fit.py``):

* the H.E.S.S. DL3 DR1 Crab runs 23523, 23526, 23559, 23592 in 3D (FoV
  background, point source + power law) and in 1D (reflected regions,
  containment correction, power law);
* the joint Fermi-LAT + H.E.S.S. + HAWC log-parabola fit of the Crab.

Figures go to ``--output`` (default ``examples/output/``)::

    python examples/analysis_demo.py            # full (a few minutes)
    python examples/analysis_demo.py --fast     # small geometries (< 1 min)

`main` returns a dict with all results (used by ``tests/test_analysis_demo.py``).
"""

import argparse
import importlib.util
import os
import sys
import time
import warnings
from pathlib import Path

import astropy.units as u
import matplotlib
import numpy as np
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from gammaray.data import FixedPointingInfo, Observation, observatory_locations
from gammaray.datasets import MapDataset
from gammaray.irf import (
    Background2D,
    EffectiveAreaTable2D,
    EnergyDependentMultiGaussPSF,
    EnergyDispersion2D,
    load_irf_dict_from_file,
)
from gammaray.makers import DatasetsMaker, MapDatasetMaker, SafeMaskMaker
from gammaray.maps import MapAxis, WcsGeom
from gammaray.modeling import Fit
from gammaray.modeling.models import (
    FoVBackgroundModel,
    GaussianSpatialModel,
    LogParabolaSpectralModel,
    Models,
    PointSpatialModel,
    PowerLawSpectralModel,
    SkyModel,
)

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"
PROD5_SOUTH = "$GAMMARAY_DATA/cta-caldb/Prod5-South-20deg-AverageAz-14MSTs37SSTs.180000s-v0.1.fits.gz"
#: Centre of the simulated field (wobble centre, map centre).
TARGET = SkyCoord(120.0, -40.0, unit="deg", frame="icrs")
#: Simulated point source, close to the map centre.
SOURCE = SkyCoord(120.0, -40.0, unit="deg", frame="icrs")
SEED = 20260
FLUX_UNIT = u.Unit("cm-2 s-1 TeV-1")


def data_available():
    """True if ``$GAMMARAY_DATA`` (or ``$GAMMAPY_DATA``) names a folder."""
    value = os.environ.get("GAMMARAY_DATA") or os.environ.get("GAMMAPY_DATA")
    return bool(value) and Path(value).is_dir()


def _pyplot():
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


# ----------------------------------------------------------------------------- IRFs
def make_synthetic_irfs():
    """CTAO-like IRFs built from parametrisations (no data needed).

    Returns
    -------
    irfs : dict
        ``aeff`` (`EffectiveAreaTable2D`), ``edisp`` (`EnergyDispersion2D`),
        ``psf`` (`EnergyDependentMultiGaussPSF`), ``bkg`` (`Background2D`).
    """
    energy_true = MapAxis.from_energy_bounds(
        "0.02 TeV", "200 TeV", nbin=10, per_decade=True, name="energy_true"
    )
    offset = MapAxis.from_bounds(0, 6, nbin=12, unit="deg", name="offset")
    fall_off = np.exp(-0.5 * (offset.center / (3 * u.deg)) ** 2).to_value("")

    # effective area: parametrised energy dependence x Gaussian offset fall-off
    aeff_1d = EffectiveAreaTable2D.from_parametrization(energy_true, instrument="CTA")
    aeff = EffectiveAreaTable2D(
        axes=[energy_true, offset], data=aeff_1d.quantity[:, :1] * fall_off
    )

    # energy dispersion: Gaussian in migra, resolution 16% at 0.1 TeV, 7% at 10 TeV
    migra = MapAxis.from_bounds(0.2, 5, nbin=150, node_type="edges", name="migra")
    e_tev = energy_true.center.to_value("TeV")
    sigma_e = 0.06 + 0.1 * np.sqrt(0.1 / e_tev)
    edisp = EnergyDispersion2D.from_gauss(
        energy_axis_true=energy_true,
        migra_axis=migra,
        offset_axis=offset,
        bias=0.0,
        sigma=sigma_e,
    )

    # PSF: core Gaussian (68% radius ~0.13 deg at 0.1 TeV, ~0.05 deg at 1 TeV)
    # plus a 10% tail 2.5x wider; broadens away from the camera centre
    broadening = 1 + 0.05 * (offset.center.to_value("deg")) ** 2
    sigma_1 = (0.015 + 0.022 / np.sqrt(e_tev))[:, None] * broadening[None, :]
    shape = (energy_true.nbin, offset.nbin)
    psf = EnergyDependentMultiGaussPSF(
        axes=[energy_true, offset],
        data={
            "sigma_1": sigma_1 * u.deg,
            "sigma_2": 2.5 * sigma_1 * u.deg,
            "sigma_3": sigma_1 * u.deg,
            "scale": np.ones(shape),
            "ampl_2": np.full(shape, 0.1),
            "ampl_3": np.zeros(shape),
        },
    )

    # background: power law of index 2.7 in reconstructed energy, radial fall-off
    energy = MapAxis.from_energy_bounds(
        "0.02 TeV", "200 TeV", nbin=8, per_decade=True, name="energy"
    )
    offset_bkg = MapAxis.from_bounds(0, 6, nbin=24, unit="deg", name="offset")
    spectrum = 5e-4 * energy.center.to_value("TeV") ** -2.7
    radial = np.exp(-0.5 * (offset_bkg.center / (3 * u.deg)) ** 2).to_value("")
    bkg = Background2D(
        axes=[energy, offset_bkg],
        data=spectrum[:, None] * radial[None, :] * u.Unit("s-1 MeV-1 sr-1"),
    )
    return {"aeff": aeff, "edisp": edisp, "psf": psf, "bkg": bkg}


def load_prod5_irfs():
    """CTAO prod5 South IRFs (aeff, edisp, psf, bkg) from ``$GAMMARAY_DATA``.

    The prod5 v0.1 energy dispersion stores probabilities per ``migra`` bin
    instead of a density; the reader converts it and says so with a
    ``FormatWarning``, which is expected here and silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*probabilities per migra bin.*")
        return load_irf_dict_from_file(PROD5_SOUTH)


# --------------------------------------------------------------------- simulation
def make_observations(irfs, n_obs=4, livetime=0.5 * u.h, wobble=0.5 * u.deg):
    """Wobble observations around `TARGET` (position angles 0, 90, 180, 270 deg)."""
    location = observatory_locations["ctao_south"]
    observations = []
    for idx in range(n_obs):
        pointing = TARGET.directional_offset_by(idx * 360 / n_obs * u.deg, wobble)
        tstart = idx * 1 * u.h
        info = FixedPointingInfo(fixed_icrs=pointing.icrs, location=location)
        observations.append(
            Observation.create(
                pointing=info,
                location=location,
                obs_id=idx + 1,
                livetime=livetime,
                tstart=tstart,
                irfs=irfs,
            )
        )
    return observations


def true_models():
    """The simulated sky: a point source (log-parabola) and a Gaussian (power law)."""
    point = SkyModel(
        spatial_model=PointSpatialModel(
            lon_0=SOURCE.ra, lat_0=SOURCE.dec, frame="icrs"
        ),
        spectral_model=LogParabolaSpectralModel(
            amplitude=1e-12 * FLUX_UNIT, reference=1 * u.TeV, alpha=2.3, beta=0.12
        ),
        name="point",
    )
    gauss_pos = SOURCE.directional_offset_by(60 * u.deg, 0.8 * u.deg)
    gauss = SkyModel(
        spatial_model=GaussianSpatialModel(
            lon_0=gauss_pos.ra, lat_0=gauss_pos.dec, sigma=0.2 * u.deg, frame="icrs"
        ),
        spectral_model=PowerLawSpectralModel(
            amplitude=2e-12 * FLUX_UNIT, reference=1 * u.TeV, index=2.2
        ),
        name="gauss",
    )
    return [point, gauss]


def start_models(models):
    """Copies of the true models, moved away from the truth as fit start values."""
    start = [model.copy(name=model.name) for model in models]
    for model in start:
        spatial, spectral = model.spatial_model, model.spectral_model
        spatial.lon_0.value += 0.05
        spatial.lat_0.value -= 0.04
        spectral.amplitude.value *= 0.6
        for name, shift in (("alpha", 0.3), ("beta", -0.07), ("index", -0.3)):
            if name in spectral.parameters.names:
                spectral.parameters[name].value += shift
        if "sigma" in spatial.parameters.names:
            spatial.sigma.value *= 1.4
            spatial.sigma.min = 0.01
    return start


def reduce_simulated(observations, fast):
    """Reduce the observations into one stacked `MapDataset` on a geometry around `TARGET`."""
    if fast:
        width, binsz, nbin, nbin_true = 3.0, 0.04, 2, 4
    else:
        width, binsz, nbin, nbin_true = 4.0, 0.02, 5, 10
    energy_axis = MapAxis.from_energy_bounds(
        "0.1 TeV", "50 TeV", nbin=nbin, per_decade=True
    )
    energy_axis_true = MapAxis.from_energy_bounds(
        "0.05 TeV", "100 TeV", nbin=nbin_true, per_decade=True, name="energy_true"
    )
    geom = WcsGeom.create(
        skydir=TARGET,
        width=width * u.deg,
        binsz=binsz,
        axes=[energy_axis],
        frame="icrs",
    )
    empty = MapDataset.create(geom, energy_axis_true=energy_axis_true, name="simulated")
    makers = [
        MapDatasetMaker(selection=["exposure", "background", "psf", "edisp"]),
        SafeMaskMaker(methods=["offset-max", "aeff-max"], offset_max=2.5 * u.deg),
    ]
    maker = DatasetsMaker(makers, stack_datasets=True, n_jobs=1, show_progress=False)
    return maker.run(empty, observations)[0]


def compare_parameters(truth_models, fitted_models):
    """Fitted versus true values of every free parameter.

    Returns
    -------
    rows : list of dict
        ``model``, ``name``, ``unit``, ``truth``, ``value``, ``error``, ``pull``.
    """
    rows = []
    for truth_model in truth_models:
        fitted = fitted_models[truth_model.name]
        for par in fitted.parameters.free_parameters:
            truth = truth_model.parameters[par.name].quantity.to_value(par.unit)
            error = par.error
            pull = (par.value - truth) / error if error > 0 else np.nan
            rows.append(
                dict(
                    model=truth_model.name,
                    name=par.name,
                    unit=str(par.unit),
                    truth=truth,
                    value=par.value,
                    error=error,
                    pull=pull,
                )
            )
    return rows


def format_table(rows, title):
    """Plain-text table of `compare_parameters` rows."""
    lines = [
        title,
        f"  {'model':7s} {'parameter':10s} {'truth':>11s} {'fitted':>11s} "
        f"{'error':>10s} {'pull':>6s}  unit",
    ]
    for row in rows:
        lines.append(
            f"  {row['model']:7s} {row['name']:10s} {row['truth']:11.6g} "
            f"{row['value']:11.6g} {row['error']:10.2g} {row['pull']:6.2f}  {row['unit']}"
        )
    return "\n".join(lines)


def plot_simulated_3d(dataset, filename):
    """Counts, predicted counts, significance-like residuals and spectral residuals."""
    plt = _pyplot()
    image_wcs = dataset.counts.geom.to_image().wcs
    fig = plt.figure(figsize=(18, 4.5))
    ax_counts = fig.add_subplot(1, 4, 1, projection=image_wcs)
    ax_npred = fig.add_subplot(1, 4, 2, projection=image_wcs)
    ax_resid = fig.add_subplot(1, 4, 3, projection=image_wcs)
    ax_spec = fig.add_subplot(1, 4, 4)
    counts = dataset.counts * dataset.mask_safe
    counts.sum_over_axes().smooth("0.05 deg").plot(ax=ax_counts, add_cbar=True)
    ax_counts.set_title("Counts (smoothed 0.05 deg)")
    npred = dataset.npred() * dataset.mask_safe
    npred.sum_over_axes().plot(ax=ax_npred, add_cbar=True)
    ax_npred.set_title("Predicted counts (fit)")
    dataset.plot_residuals_spatial(
        ax=ax_resid, method="diff/sqrt(model)", smooth_radius="0.1 deg", add_cbar=True
    )
    ax_resid.set_title("Residuals (diff/sqrt(model))")
    dataset.plot_residuals_spectral(ax=ax_spec, method="diff/sqrt(model)")
    ax_spec.set_title("Spectral residuals (whole map)")
    fig.tight_layout()
    fig.savefig(filename, dpi=80)
    plt.close(fig)
    return Path(filename)


def plot_simulated_spectrum(spectrum, truth, fitted, filename):
    """1D excess with the fitted model, and the true and fitted SEDs."""
    plt = _pyplot()
    fig, (ax_excess, ax_sed) = plt.subplots(1, 2, figsize=(12, 4.5))
    spectrum.plot_excess(ax=ax_excess)
    ax_excess.set_title("1D spectrum (circle 0.15 deg): excess and model")
    energy_bounds = [0.1, 50] * u.TeV
    truth.plot(energy_bounds, ax=ax_sed, sed_type="e2dnde", label="truth", ls="--")
    fitted.plot(energy_bounds, ax=ax_sed, sed_type="e2dnde", label="1D fit")
    fitted.plot_error(energy_bounds, ax=ax_sed, sed_type="e2dnde")
    ax_sed.set_title("Point source SED")
    ax_sed.legend()
    fig.tight_layout()
    fig.savefig(filename, dpi=80)
    plt.close(fig)
    return Path(filename)


def run_simulation(irfs, irf_name, fast, output_dir, seed=SEED):
    """Part 1: simulate, reduce, fit in 3D and in 1D; return the results (dict)."""
    t0 = time.perf_counter()
    observations = make_observations(irfs)
    dataset = reduce_simulated(observations, fast=fast)
    t_reduce = time.perf_counter() - t0

    truth = true_models()
    dataset.models = Models([*truth, FoVBackgroundModel(dataset_name=dataset.name)])
    dataset.fake(random_state=seed)

    fitted = start_models(truth)
    bkg_model = FoVBackgroundModel(dataset_name=dataset.name)
    dataset.models = Models([*fitted, bkg_model])
    t1 = time.perf_counter()
    result_3d = Fit().run(datasets=[dataset])
    t_fit = time.perf_counter() - t1
    rows_3d = compare_parameters(truth, dataset.models)
    bkg_norm = bkg_model.spectral_model.norm
    rows_3d.append(
        dict(
            model="bkg",
            name="norm",
            unit="",
            truth=1.0,
            value=bkg_norm.value,
            error=bkg_norm.error,
            pull=(bkg_norm.value - 1.0) / bkg_norm.error,
        )
    )

    # 1D: circle around the point source; background = fitted 3D background
    on_region = CircleSkyRegion(SOURCE, 0.15 * u.deg)
    reduced = dataset.copy(name="simulated-1d-input")
    reduced.background = dataset.npred_background()
    spectrum = reduced.to_spectrum_dataset(
        on_region, containment_correction=True, name="simulated-1d"
    )
    spectral_1d = start_models(truth)[0].spectral_model
    spectrum.models = SkyModel(spectral_model=spectral_1d, name="point")
    result_1d = Fit().run(datasets=[spectrum])
    rows_1d = compare_parameters(
        [SkyModel(spectral_model=truth[0].spectral_model, name="point")],
        spectrum.models,
    )

    figures = [
        plot_simulated_3d(dataset, Path(output_dir) / "sim_3d_maps.png"),
        plot_simulated_spectrum(
            spectrum,
            truth[0].spectral_model,
            spectral_1d,
            Path(output_dir) / "sim_1d_spectrum.png",
        ),
    ]
    info = dataset.info_dict()
    return {
        "irfs": irf_name,
        "n_observations": len(observations),
        "livetime": float(
            sum(o.observation_live_time_duration.to_value("h") for o in observations)
        ),
        "counts": float(info["counts"]),
        "excess": float(info["excess"]),
        "data_shape": dataset.counts.data.shape,
        "fit_3d": {"success": result_3d.success, "rows": rows_3d, "time": t_fit},
        "fit_1d": {"success": result_1d.success, "rows": rows_1d},
        "time_reduce": t_reduce,
        "figures": figures,
    }


# ------------------------------------------------------------------- real data
def _load_example(name):
    """Import a sibling example script (``examples/<name>.py``) as a module."""
    module_name = f"_gammaray_example_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _par(par):
    return {"value": par.value, "error": par.error, "unit": str(par.unit)}


def _spectral_results(spectral_model, success):
    out = {"success": success}
    for par in spectral_model.parameters.free_parameters:
        out[par.name] = _par(par)
    # amplitude in the unit of the expected ranges
    amp = spectral_model.amplitude
    out["amplitude_1tev"] = amp.quantity.to_value(FLUX_UNIT)
    out["amplitude_1tev_error"] = (amp.error * amp.unit).to_value(FLUX_UNIT)
    return out


def run_crab_3d(output_dir):
    """H.E.S.S. DR1 Crab in 3D: stacked map dataset, point source + power law."""
    crab_3d = _load_example("crab_3d")
    stacked = crab_3d.make_stacked_dataset(n_jobs=1, show_progress=False)
    result, crab = crab_3d.fit_crab(stacked)
    plt = _pyplot()
    fig = plt.figure(figsize=(12, 4))
    ax_spatial = fig.add_subplot(1, 2, 1, projection=stacked.counts.geom.to_image().wcs)
    ax_spectral = fig.add_subplot(1, 2, 2)
    stacked.plot_residuals(
        ax_spatial=ax_spatial,
        ax_spectral=ax_spectral,
        kwargs_spatial=dict(method="diff/sqrt(model)", add_cbar=True),
    )
    ax_spatial.set_title("Crab 3D: residuals (diff/sqrt(model))")
    fig.tight_layout()
    filename = Path(output_dir) / "crab_3d_residuals.png"
    fig.savefig(filename, dpi=80)
    plt.close(fig)
    out = _spectral_results(crab.spectral_model, result.success)
    out["position"] = crab.spatial_model.position
    out["figure"] = filename
    return out


def run_crab_1d(output_dir):
    """H.E.S.S. DR1 Crab in 1D: reflected regions, containment correction, power law."""
    crab_1d = _load_example("crab_1d")
    datasets = crab_1d.reduce_data()
    stacked, result = crab_1d.fit_power_law(datasets)
    spectral = stacked.models["crab"].spectral_model
    plt = _pyplot()
    fig, (ax_sed, ax_excess) = plt.subplots(1, 2, figsize=(12, 4.5))
    spectral.plot([0.5, 40] * u.TeV, ax=ax_sed, sed_type="e2dnde", label="power law")
    spectral.plot_error([0.5, 40] * u.TeV, ax=ax_sed, sed_type="e2dnde")
    ax_sed.set_title("Crab 1D (H.E.S.S. DR1, 4 runs)")
    ax_sed.legend()
    stacked.plot_excess(ax=ax_excess)
    fig.tight_layout()
    filename = Path(output_dir) / "crab_1d_spectrum.png"
    fig.savefig(filename, dpi=80)
    plt.close(fig)
    out = _spectral_results(spectral, result.success)
    out["n_on"] = float(np.sum(stacked.counts.data[stacked.mask_safe.data]))
    out["figure"] = filename
    return out


def run_joint_crab(output_dir):
    """Joint Fermi-LAT + H.E.S.S. + HAWC log-parabola fit (``joint_crab_fit.py``)."""
    joint = _load_example("joint_crab_fit")
    datasets, spectral = joint.set_models(*joint.read_datasets())
    result = Fit().run(datasets)
    filename = joint.plot(datasets, spectral, Path(output_dir) / "joint_crab_fit.png")
    out = _spectral_results(spectral, result.success)
    out["stat"] = {d.name: float(d.stat_sum()) for d in datasets}
    out["figure"] = Path(filename)
    return out


# ------------------------------------------------------------------------ main
def _fmt(res, name):
    par = res[name]
    return f"{par['value']:.3f} +- {par['error']:.3f}"


def _fmt_amp(res):
    return f"({res['amplitude_1tev']:.3e} +- {res['amplitude_1tev_error']:.1e}) cm-2 s-1 TeV-1"


def main(fast=False, output_dir=None, irfs=None):
    """Run the demo; print progress and a summary; return all results.

    Parameters
    ----------
    fast : bool
        Small geometries and fewer energy bins (the whole demo in < 1 min).
    output_dir : str or `~pathlib.Path`, optional
        Folder for the figures (default ``examples/output``); created if needed.
    irfs : {None, "synthetic", "prod5"}
        IRFs of the simulation; default prod5 when ``$GAMMARAY_DATA`` is set,
        synthetic otherwise.

    Returns
    -------
    results : dict
        ``simulation`` (Part 1), and with data ``crab_3d``, ``crab_1d``,
        ``joint_crab`` (Part 2); ``figures`` (paths) and ``runtime`` (s).
    """
    t_start = time.perf_counter()
    output_dir = Path(output_dir) if output_dir is not None else OUTPUT
    output_dir.mkdir(parents=True, exist_ok=True)
    has_data = data_available()
    if irfs is None:
        irfs = "prod5" if has_data else "synthetic"
    results = {"fast": fast, "data": has_data}

    print(f"=== Part 1: simulated CTAO-like observations ({irfs} IRFs) ===")
    irf_dict = load_prod5_irfs() if irfs == "prod5" else make_synthetic_irfs()
    sim = run_simulation(irf_dict, irfs, fast=fast, output_dir=output_dir)
    results["simulation"] = sim
    print(
        f"{sim['n_observations']} observations, {sim['livetime']:.1f} h, "
        f"map shape {sim['data_shape']}: {sim['counts']:.0f} counts, "
        f"excess {sim['excess']:.0f} (reduction {sim['time_reduce']:.1f} s)"
    )
    print(
        format_table(
            sim["fit_3d"]["rows"],
            f"3D fit (success={sim['fit_3d']['success']}, {sim['fit_3d']['time']:.1f} s):",
        )
    )
    print(
        format_table(
            sim["fit_1d"]["rows"],
            f"1D fit in a 0.15 deg circle (success={sim['fit_1d']['success']}):",
        )
    )
    figures = list(sim["figures"])

    if has_data:
        print("\n=== Part 2: real data ===")
        crab_3d = run_crab_3d(output_dir)
        print(
            f"H.E.S.S. Crab 3D (point source + power law): index {_fmt(crab_3d, 'index')}, "
            f"amplitude {_fmt_amp(crab_3d)}"
        )
        crab_1d = run_crab_1d(output_dir)
        print(
            f"H.E.S.S. Crab 1D (reflected regions, power law): index {_fmt(crab_1d, 'index')}, "
            f"amplitude {_fmt_amp(crab_1d)}"
        )
        joint = run_joint_crab(output_dir)
        print(
            f"Joint Fermi-LAT + H.E.S.S. + HAWC log-parabola: alpha {_fmt(joint, 'alpha')}, "
            f"beta {_fmt(joint, 'beta')}, amplitude {_fmt_amp(joint)}"
        )
        results.update(crab_3d=crab_3d, crab_1d=crab_1d, joint_crab=joint)
        figures += [crab_3d["figure"], crab_1d["figure"], joint["figure"]]
    else:
        print("\n(Part 2 skipped: set GAMMARAY_DATA to analyse real data.)")

    results["figures"] = figures
    results["runtime"] = time.perf_counter() - t_start

    rows = sim["fit_3d"]["rows"] + sim["fit_1d"]["rows"]
    max_pull = max(abs(row["pull"]) for row in rows)
    print("\n=== Summary ===")
    print(
        f"Simulation: {len(rows)} fitted parameters (3D + 1D), max |pull| = {max_pull:.2f}"
    )
    if has_data:
        for key, label in (("crab_3d", "Crab 3D"), ("crab_1d", "Crab 1D")):
            res = results[key]
            print(
                f"{label}: index {res['index']['value']:.2f}, "
                f"amplitude {res['amplitude_1tev']:.2e} cm-2 s-1 TeV-1"
            )
        print(
            f"Joint Crab: alpha {joint['alpha']['value']:.2f}, "
            f"beta {joint['beta']['value']:.3f}"
        )
    print(f"{len(figures)} figures written to {output_dir}")
    print(f"Total run time: {results['runtime']:.1f} s")
    return results


def _parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fast", action="store_true", help="small geometries (< 1 min)"
    )
    parser.add_argument(
        "--output", default=str(OUTPUT), help="output folder for the figures"
    )
    parser.add_argument(
        "--irfs",
        choices=["synthetic", "prod5"],
        default=None,
        help="IRFs of the simulation (default: prod5 if GAMMARAY_DATA is set)",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse_args()
    main(fast=args.fast, output_dir=args.output, irfs=args.irfs)
