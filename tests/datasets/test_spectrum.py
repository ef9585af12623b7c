"""SpectrumDataset: creation, Cash fit, plots and I/O."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from gammaray.datasets import SpectrumDataset
from gammaray.irf import EDispKernelMap
from gammaray.maps import MapAxis, RegionGeom, WcsGeom
from gammaray.modeling import Fit
from gammaray.modeling.models import PowerLawSpectralModel, SkyModel
from gammaray.utils.errors import GeometryMismatchError


def make_dataset(name="spec"):
    axis = MapAxis.from_energy_bounds("0.5 TeV", "50 TeV", nbin=12)
    axis_true = MapAxis.from_energy_bounds(
        "0.3 TeV", "80 TeV", nbin=20, name="energy_true"
    )
    region = CircleSkyRegion(SkyCoord(83.63, 22.01, unit="deg"), 0.1 * u.deg)
    geom = RegionGeom.create(region, axes=[axis])
    ds = SpectrumDataset.create(geom, energy_axis_true=axis_true, name=name)
    ds.exposure.quantity = np.full(ds.exposure.data.shape, 1e12) * u.Unit("cm2 s")
    ds.edisp = EDispKernelMap.from_gauss(axis, axis_true, sigma=0.1, bias=0, geom=geom)
    ds.background.data[...] = 2.0
    ds.mask_safe.data[...] = True
    return ds


def test_create():
    ds = make_dataset()
    assert ds.tag == "SpectrumDataset"
    assert ds.counts.data.shape == (12, 1, 1)
    assert ds.exposure.geom.axes.names == ["energy_true"]
    assert ds.psf is None
    with pytest.raises(GeometryMismatchError):
        geom = WcsGeom.create(width=1, binsz=0.5, axes=[ds._geom.axes["energy"]])
        SpectrumDataset.create(geom)


def test_fake_and_fit():
    ds = make_dataset()
    pwl = PowerLawSpectralModel(index=2.5, amplitude="1e-11 cm-2 s-1 TeV-1")
    ds.models = SkyModel(spectral_model=pwl, name="src")
    npred = ds.npred().data
    # analytic check: the dispersion keeps the counts within the reco range
    flux = pwl.integral(0.5 * u.TeV, 50 * u.TeV).to_value("cm-2 s-1") * 1e12
    assert ds.npred_signal().data.sum() == pytest.approx(flux, rel=0.1)
    ds.fake(random_state=0)
    assert ds.counts.data.sum() == pytest.approx(
        npred.sum(), abs=4 * np.sqrt(npred.sum())
    )
    pwl.index.value = 2.0
    result = Fit().run([ds])
    assert result.success
    assert pwl.index.value == pytest.approx(2.5, abs=3 * pwl.index.error)


def test_plots():
    ds = make_dataset()
    ds.models = SkyModel(
        spectral_model=PowerLawSpectralModel(amplitude="1e-11 cm-2 s-1 TeV-1"), name="m"
    )
    ds.fake(random_state=1)
    ax_spec, ax_res = ds.plot_fit()
    assert len(ax_spec.lines) + len(ax_spec.collections) > 0
    plt.close("all")
    ax = ds.plot_counts()
    assert ax.get_ylabel() == "Counts"
    plt.close("all")
    ds.plot_masks()
    plt.close("all")
    fig = ds.peek()
    assert len(fig.axes) >= 3
    plt.close("all")


def test_write_read_gadf(tmp_path):
    ds = make_dataset()
    ds.counts.data[...] = 3
    ds.write(tmp_path / "spec.fits")
    new = SpectrumDataset.read(tmp_path / "spec.fits")
    assert isinstance(new, SpectrumDataset)
    np.testing.assert_array_equal(new.counts.data, ds.counts.data)
    np.testing.assert_allclose(new.background.data, ds.background.data)
    assert new.counts.geom.region is not None


def test_read_ogip_as_spectrum_dataset(gammaray_data):
    path = gammaray_data / "joint-crab/spectra/hess/pha_obs23523.fits"
    ds = SpectrumDataset.read(path, format="ogip")
    assert type(ds) is SpectrumDataset
    assert ds.background.data.sum() == pytest.approx(229 / 12)
