"""Joint Crab fit: Fermi-LAT (3D) + H.E.S.S. (on/off spectra) + HAWC (flux points)."""

import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from gammaray.datasets import FluxPointsDataset, MapDataset, SpectrumDatasetOnOff

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "joint_crab_fit.py"


def test_joint_crab_fit(gammaray_data, tmp_path, monkeypatch):
    module = runpy.run_path(str(EXAMPLE), run_name="joint_crab_example")
    monkeypatch.setitem(module["main"].__globals__, "OUTPUT", tmp_path)
    result, spectral, datasets = module["main"]()
    plt.close("all")
    assert result.success
    assert [type(d) for d in datasets] == [
        MapDataset,
        SpectrumDatasetOnOff,
        FluxPointsDataset,
    ]
    # one model object is shared by the three datasets
    crab = [d.models["Crab Nebula"] for d in datasets]
    assert crab[0] is crab[1] is crab[2]
    assert crab[0].spectral_model is spectral
    amplitude = spectral.amplitude.quantity.to_value("cm-2 s-1 TeV-1")
    assert 3e-11 < amplitude < 4.5e-11
    assert 2.2 < spectral.alpha.value < 2.8
    assert 0.0 < spectral.beta.value < 0.2
    for par in (spectral.amplitude, spectral.alpha, spectral.beta):
        assert 0 < par.error < 0.2 * abs(par.value)
    assert (tmp_path / "joint_crab_fit.png").stat().st_size > 10000
    # every dataset contributes a finite statistic with the fitted model
    for dataset in datasets:
        assert np.isfinite(dataset.stat_sum()), dataset.name
    assert datasets["H.E.S.S."].npred_signal().data.sum() > 100
