"""SpectrumDatasetOnOff: stacking, WStat fit of H.E.S.S. Crab spectra, plots, I/O."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gammaray.datasets import Datasets, SpectrumDataset, SpectrumDatasetOnOff
from gammaray.modeling import Fit
from gammaray.modeling.models import PowerLawSpectralModel, SkyModel

HESS_OBS = (23523, 23526, 23559, 23592)


@pytest.fixture(scope="module")
def hess_datasets(gammaray_data):
    path = gammaray_data / "joint-crab/spectra/hess"
    return Datasets(
        [SpectrumDatasetOnOff.read(path / f"pha_obs{obs}.fits") for obs in HESS_OBS]
    )


def test_stack_reduce(hess_datasets):
    stacked = hess_datasets.stack_reduce(name="hess")
    assert isinstance(stacked, SpectrumDatasetOnOff)
    assert stacked.name == "hess"
    mask_sum_on = sum((d.counts.data * d.mask_safe.data).sum() for d in hess_datasets)
    assert stacked.counts.data.sum() == mask_sum_on
    off_sum = sum((d.counts_off.data * d.mask_safe.data).sum() for d in hess_datasets)
    assert stacked.counts_off.data.sum() == off_sum
    bkg_sum = sum((d.background.data * d.mask_safe.data).sum() for d in hess_datasets)
    assert stacked.background.data.sum() == pytest.approx(bkg_sum)
    exposure = sum(d.exposure.quantity.to_value("m2 s") for d in hess_datasets)
    # bins in the safe range of every run add up exactly
    np.testing.assert_allclose(
        stacked.exposure.quantity.to_value("m2 s")[40], exposure[40], rtol=1e-6
    )


def test_hess_crab_fit(hess_datasets):
    stacked = hess_datasets.stack_reduce(name="hess")
    pwl = PowerLawSpectralModel(
        index=2, amplitude="1e-11 cm-2 s-1 TeV-1", reference="1 TeV"
    )
    stacked.models = SkyModel(spectral_model=pwl, name="crab")
    result = Fit().run([stacked])
    assert result.success
    assert 2.4 < pwl.index.value < 2.8
    amplitude = pwl.amplitude.quantity.to_value("cm-2 s-1 TeV-1")
    assert 3.5e-11 < amplitude < 5.5e-11
    assert 0 < pwl.index.error < 0.2
    # the joint WStat fit of the individual runs agrees with the stacked fit
    joint = hess_datasets.copy()
    pwl2 = PowerLawSpectralModel(index=2, amplitude="1e-11 cm-2 s-1 TeV-1")
    joint.models = [SkyModel(spectral_model=pwl2, name="crab")]
    result = Fit().run(joint)
    assert result.success
    assert pwl2.index.value == pytest.approx(pwl.index.value, abs=0.1)


def test_wstat_matches_stats(hess_datasets):
    from gammaray.stats import wstat

    ds = hess_datasets[0]
    expected = wstat(
        n_on=ds.counts.data, n_off=ds.counts_off.data, alpha=ds.alpha.data, mu_sig=0
    )
    np.testing.assert_allclose(ds.stat_array(), expected)
    assert ds.stat_sum() == pytest.approx(expected[ds.mask_safe.data].sum())


def test_conversions(hess_datasets):
    ds = hess_datasets[0]
    spec = ds.to_spectrum_dataset(name="plain")
    assert type(spec) is SpectrumDataset
    np.testing.assert_allclose(spec.background.data, ds.background.data)
    back = SpectrumDatasetOnOff.from_spectrum_dataset(
        spec, acceptance=1, acceptance_off=12, counts_off=ds.counts_off
    )
    np.testing.assert_allclose(back.alpha.data, ds.alpha.data)
    assert back.name == "plain"


def test_plots(hess_datasets):
    ds = hess_datasets[0].copy(name="plot")
    ds.models = SkyModel(
        spectral_model=PowerLawSpectralModel(
            index=2.6, amplitude="4e-11 cm-2 s-1 TeV-1"
        ),
        name="crab",
    )
    ax_spec, ax_res = ds.plot_fit()
    assert ax_res.get_ylabel().startswith("Residuals")
    plt.close("all")
    fig = ds.peek()
    assert len(fig.axes) >= 3
    plt.close("all")
    ds.plot_excess()
    plt.close("all")


def test_gadf_round_trip(hess_datasets, tmp_path):
    ds = hess_datasets[1]
    ds.write(tmp_path / "ds.fits", format="gadf")
    new = SpectrumDatasetOnOff.read(tmp_path / "ds.fits", format="gadf")
    assert isinstance(new, SpectrumDatasetOnOff)
    for attr in ("counts", "counts_off", "mask_safe"):
        np.testing.assert_array_equal(getattr(new, attr).data, getattr(ds, attr).data)
    np.testing.assert_allclose(new.alpha.data, ds.alpha.data)
    np.testing.assert_allclose(new.exposure.data, ds.exposure.data)


def test_datasets_yaml_round_trip(hess_datasets, tmp_path):
    datasets = Datasets([hess_datasets[0], hess_datasets[1]])
    datasets.write(tmp_path / "datasets.yaml")
    new = Datasets.read(tmp_path / "datasets.yaml")
    assert new.names == datasets.names
    assert isinstance(new[0], SpectrumDatasetOnOff)
    assert new.stat_sum() == pytest.approx(datasets.stat_sum())


def test_info_dict(hess_datasets):
    info = hess_datasets[0].info_dict()
    assert info["counts_off"] > 0
    assert info["alpha"] == pytest.approx(1 / 12)
    assert info["sqrt_ts"] > 5
    assert "SpectrumDatasetOnOff" in str(hess_datasets[0])
