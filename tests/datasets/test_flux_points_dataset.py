"""FluxPointsDataset: chi2 and asymmetric-error statistics, residuals, plots, I/O."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from astropy import units as u
from astropy.table import Table

from gammaray.datasets import Datasets, FluxPointsDataset
from gammaray.modeling import Fit
from gammaray.modeling.models import PowerLawSpectralModel, SkyModel
from gammaray.products.flux_points import FluxPoints
from gammaray.utils.errors import OverwriteError


def make_flux_points(with_ul=False):
    energy = np.geomspace(1, 10, 5) * u.TeV
    model = PowerLawSpectralModel(index=2.0, amplitude="1e-12 cm-2 s-1 TeV-1")
    dnde = model(energy).to("cm-2 s-1 TeV-1")
    table = Table()
    table["e_ref"] = energy
    table["dnde"] = dnde * np.array([1.1, 0.9, 1.0, 1.05, 0.95])
    table["dnde_err"] = 0.1 * dnde
    table["dnde_errn"] = 0.1 * dnde
    table["dnde_errp"] = 0.2 * dnde
    if with_ul:
        table["dnde_ul"] = 2 * dnde
        table["is_ul"] = np.array([False, False, False, False, True])
    table.meta["SED_TYPE"] = "dnde"
    return FluxPoints.from_table(table, sed_type="dnde"), model


def test_chi2_analytic():
    fp, model = make_flux_points()
    ds = FluxPointsDataset(
        models=SkyModel(spectral_model=model, name="m"), data=fp, name="fp"
    )
    assert ds.stat_type == "chi2"
    expected = np.array([0.1, -0.1, 0.0, 0.05, -0.05]) ** 2 / 0.1**2
    np.testing.assert_allclose(ds.stat_array().ravel(), expected, atol=1e-10)
    assert ds.stat_sum() == pytest.approx(expected.sum())
    np.testing.assert_allclose(
        ds.residuals(method="diff/model"), [0.1, -0.1, 0, 0.05, -0.05], atol=1e-12
    )
    ds.mask_fit = np.array([True, True, False, False, False])
    assert ds.stat_sum() == pytest.approx(2.0)
    assert ds.info_dict()["n_fit_points"] == 2
    with pytest.raises(ValueError):
        ds.residuals(method="bad")
    with pytest.raises(ValueError, match="stat_type"):
        FluxPointsDataset(data=fp, stat_type="cash")


def test_distrib_with_upper_limits():
    fp, model = make_flux_points(with_ul=True)
    sky = SkyModel(spectral_model=model, name="m")
    chi2 = FluxPointsDataset(models=sky, data=fp, name="a")
    assert chi2.mask_safe.data.ravel().tolist() == [True] * 4 + [False]
    dist = FluxPointsDataset(models=sky, data=fp, name="b", stat_type="distrib")
    assert dist.mask_safe.data.all()
    stat = dist.stat_array().ravel()
    # model above data -> errp (0.2), below -> errn (0.1)
    np.testing.assert_allclose(stat[:4], [1.0, 0.25, 0, 0.25], atol=1e-10)
    # upper limit at twice the model: small penalty, larger when the model exceeds it
    assert 0 <= stat[4] < 0.5
    model.amplitude.value *= 3
    assert dist.stat_array().ravel()[4] > 2


def test_fit_recovers_model():
    fp, _ = make_flux_points()
    model = PowerLawSpectralModel(index=2.5, amplitude="3e-12 cm-2 s-1 TeV-1")
    ds = FluxPointsDataset(models=SkyModel(spectral_model=model, name="m"), data=fp)
    result = Fit().run([ds])
    assert result.success
    assert model.index.value == pytest.approx(2.0, abs=0.15)
    assert model.amplitude.value == pytest.approx(1e-12, rel=0.15)


def test_hawc_flux_points(gammaray_data):
    path = gammaray_data / "hawc/crab_flux/HAWC19_flux_points.fits"
    fp = FluxPoints.read(path, sed_type="dnde")
    ds = FluxPointsDataset(data=fp, name="hawc")
    model = PowerLawSpectralModel(index=2.6, amplitude="3e-11 cm-2 s-1 TeV-1")
    ds.models = SkyModel(spectral_model=model, name="crab")
    result = Fit().run([ds])
    assert result.success
    assert 2.5 < model.index.value < 3.2
    text = str(ds)
    assert "FluxPointsDataset" in text and "chi2" in text
    ax_spec, ax_res = ds.plot_fit()
    assert ax_res.get_xscale() == "log"
    plt.close("all")


def test_write_read(tmp_path):
    fp, model = make_flux_points()
    ds = FluxPointsDataset(data=fp, name="fp", mask_fit=[True, False, True, True, True])
    ds.write(tmp_path / "fp.fits")
    new = FluxPointsDataset.read(tmp_path / "fp.fits")
    assert new.name == "fp"
    np.testing.assert_array_equal(new.mask_fit.data, ds.mask_fit.data)
    np.testing.assert_allclose(
        new.data.dnde.quantity.to_value("cm-2 s-1 TeV-1"),
        fp.dnde.quantity.to_value("cm-2 s-1 TeV-1"),
    )
    with pytest.raises(OverwriteError):
        ds.write(tmp_path / "fp.fits")
    datasets = Datasets([ds])
    datasets.write(tmp_path / "datasets.yaml")
    back = Datasets.read(tmp_path / "datasets.yaml")
    assert isinstance(back[0], FluxPointsDataset)
