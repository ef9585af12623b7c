"""Tests of `MapDataset`: creation, likelihood, reductions, plots and errors."""

import astropy.units as u
import matplotlib.pyplot as plt
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from regions import CircleSkyRegion

from gammaray.datasets import MapDataset
from gammaray.maps import MapAxis, WcsGeom
from gammaray.stats import cash
from gammaray.utils.errors import (
    GeometryMismatchError,
    InvalidDataError,
    OverwriteError,
    ZeroExposureError,
)

from .conftest import make_dataset, make_models


def test_create_members():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    axis_true = MapAxis.from_energy_bounds(
        "0.5 TeV", "20 TeV", nbin=5, name="energy_true"
    )
    geom = WcsGeom.create(skydir=(0, 0), binsz=0.1, width=2, axes=[axis])
    ds = MapDataset.create(geom, energy_axis_true=axis_true, name="a")
    assert ds.name == "a"
    assert ds.exposure.geom.axes["energy_true"].nbin == 5
    assert type(ds.edisp).__name__ == "EDispKernelMap"
    assert type(ds.psf).__name__ == "PSFMap"
    assert ds.mask_safe.data.dtype == bool and not ds.mask_safe.data.any()
    assert ds.data_shape == (3, 20, 20)
    migra = MapAxis.from_bounds(0.2, 5, nbin=10, name="migra")
    ds2 = MapDataset.create(
        geom, energy_axis_true=axis_true, migra_axis=migra, reco_psf=True
    )
    assert type(ds2.edisp).__name__ == "EDispMap"
    assert type(ds2.psf).__name__ == "RecoPSFMap"


def test_stat_sum_matches_cash_and_masks(dataset_irf):
    ds = dataset_irf
    ds.fake(random_state=1)
    npred = ds.npred().data
    expected = cash(ds.counts.data, npred).sum()
    assert ds.stat_sum() == pytest.approx(expected, rel=1e-10)
    assert np.allclose(ds.stat_array(), cash(ds.counts.data, npred))
    ds.mask_fit = ds.counts.copy(data=np.zeros(ds.data_shape, dtype=bool))
    ds.mask_fit.data[0] = True
    assert ds.stat_sum() == pytest.approx(
        cash(ds.counts.data, npred)[0].sum(), rel=1e-10
    )
    assert ds.mask.data.sum() == ds.data_shape[1] * ds.data_shape[2]


def test_prior_is_included(dataset_irf):
    from gammaray.modeling.models import GaussianPrior

    ds = dataset_irf
    base = ds.stat_sum()
    par = ds.models["source"].spectral_model.index
    par.prior = GaussianPrior(mu=2.0, sigma=0.1)
    assert ds.stat_sum() == pytest.approx(base + ((2.5 - 2.0) / 0.1) ** 2, rel=1e-9)


def test_fake_poisson_mean(dataset_irf):
    ds = dataset_irf
    ds.models["source"].spectral_model.amplitude.value = 1e-10
    npred = ds.npred().data
    ds.fake(random_state=42)
    counts = ds.counts.data
    assert np.all(counts == np.round(counts))
    total = npred.sum()
    assert abs(counts.sum() - total) < 5 * np.sqrt(total)
    # per-bin mean over many draws
    draws = np.random.default_rng(0)
    mean = np.mean([draws.poisson(npred) for _ in range(200)], axis=0)
    assert abs(mean.sum() - total) < 5 * np.sqrt(total / 200)


def test_residuals_and_info(dataset_irf):
    ds = dataset_irf
    ds.counts.data = ds.npred().data.copy()
    res = ds.residuals(method="diff")
    assert np.allclose(res.data, 0, atol=1e-12)
    res = ds.residuals(method="diff/sqrt(model)")
    assert np.allclose(res.data, 0, atol=1e-12)
    with pytest.raises(ValueError, match="method"):
        ds.residuals(method="bad")
    info = ds.info_dict()
    assert info["n_bins"] == int(np.prod(ds.data_shape))
    assert info["npred"] == pytest.approx(ds.counts.data.sum())
    assert info["stat_type"] == "cash"
    assert info["background"] == pytest.approx(0.2 * np.prod(ds.data_shape))
    text = str(ds)
    assert "MapDataset" in text and "Number of fit bins" in text


def test_energy_ranges(dataset):
    dataset.mask_safe.data[0] = False
    lo, hi = dataset.energy_range_safe
    assert np.allclose(lo.quantity.to_value("TeV"), 10 ** (1 / 3))
    assert np.allclose(hi.quantity.to_value("TeV"), 10)
    emin, emax = dataset.energy_range_total
    assert emin.to_value("TeV") == pytest.approx(10 ** (1 / 3))


def test_stack_sums_counts_and_exposure():
    a = make_dataset(name="a", psf_sigma=0.1, edisp=True)
    b = make_dataset(name="b", psf_sigma=0.2, edisp=True)
    a.counts.data += 1
    b.counts.data += 2
    b.mask_safe.data[2] = False
    a.stack(b)
    assert np.allclose(a.counts.data[:2], 3) and np.allclose(a.counts.data[2], 1)
    assert np.allclose(a.background.data[2], 0.2)
    assert np.allclose(a.exposure.quantity.to_value("cm2 s"), 2e11)
    # exposure-weighted PSF: containment between the two
    r = a.psf.containment_radius(0.68, energy_true=2 * u.TeV)
    assert 0.1 * 1.5 < r.to_value("deg").max() < 0.2 * 1.51


def test_stack_geometry_mismatch():
    a = make_dataset(name="a")
    b = make_dataset(name="b", width=1.0)
    with pytest.raises(GeometryMismatchError, match="geometries differ"):
        a.stack(b)


def test_npred_without_exposure_raises(dataset):
    dataset.models = make_models(bkg=False)
    dataset.exposure = None
    with pytest.raises(ZeroExposureError, match="no exposure"):
        dataset.npred()


def test_cutout_downsample_pad_slice(dataset_irf):
    ds = dataset_irf
    ds.fake(random_state=0)
    cut = ds.cutout(
        SkyCoord(0, 0, unit="deg", frame="galactic"), width=1 * u.deg, name="c"
    )
    assert cut.data_shape == (3, 20, 20) and cut.name == "c"
    assert cut.counts.data.sum() == pytest.approx(ds.counts.data[:, 10:30, 10:30].sum())
    down = ds.downsample(2)
    assert down.data_shape == (3, 20, 20)
    assert down.counts.data.sum() == pytest.approx(ds.counts.data.sum())
    assert down.background.data.sum() == pytest.approx(ds.background.data.sum())
    padded = ds.pad(2)
    assert padded.data_shape == (3, 44, 44)
    assert padded.counts.data.sum() == pytest.approx(ds.counts.data.sum())
    sliced = ds.slice_by_energy(energy_min=2 * u.TeV, energy_max=10 * u.TeV)
    assert sliced.data_shape[0] == 2
    assert np.allclose(sliced.counts.data, ds.counts.data[1:])
    image = ds.to_image()
    assert image.data_shape[0] == 1
    assert image.counts.data.sum() == pytest.approx(ds.counts.data.sum())
    masked = ds.to_masked(name="m")
    assert masked.counts.data.sum() == pytest.approx(ds.counts.data.sum())
    region = CircleSkyRegion(SkyCoord(0, 0, unit="deg", frame="galactic"), 0.3 * u.deg)
    reg = ds.to_region_map_dataset(region)
    assert reg.data_shape[0] == 3
    assert 0 < reg.counts.data.sum() <= ds.counts.data.sum()
    copy = ds.copy(name="copy")
    assert copy.name == "copy" and copy.models is None


def test_plots(dataset_irf):
    ds = dataset_irf
    ds.fake(random_state=0)
    ds.plot_residuals_spectral(method="diff/sqrt(model)")
    plt.close("all")
    ax_spatial, ax_spectral = ds.plot_residuals()
    assert ax_spectral.get_xscale() == "log"
    plt.close("all")
    fig = ds.peek()
    assert len(fig.axes) >= 4
    plt.close("all")


def test_write_read_round_trip(tmp_path, dataset_irf):
    ds = dataset_irf
    ds.fake(random_state=3)
    ds.mask_fit = ds.mask_safe.copy()
    ds.mask_fit.data[0, :3] = False
    path = tmp_path / "ds.fits"
    ds.write(path)
    with pytest.raises(OverwriteError, match="overwrite=True"):
        ds.write(path)
    ds.write(path, overwrite=True)
    new = MapDataset.read(path, name="new")
    assert new.name == "new"
    for attr in ("counts", "exposure", "background", "mask_safe", "mask_fit"):
        a, b = getattr(ds, attr), getattr(new, attr)
        assert np.array_equal(a.data, b.data), attr
        assert a.unit == b.unit
    assert np.array_equal(ds.psf.psf_map.data, new.psf.psf_map.data)
    assert np.array_equal(ds.edisp.edisp_map.data, new.edisp.edisp_map.data)
    # edges not representable in float32 are written as float64: exact
    for attr in ("counts", "exposure"):
        (ax_a,), (ax_b,) = getattr(ds, attr).geom.axes, getattr(new, attr).geom.axes
        assert np.array_equal(ax_a.edges, ax_b.edges), attr
    with fits.open(path) as hdulist:
        assert hdulist["COUNTS_BANDS"].columns["E_MIN"].format == "D"
    new.models = make_models(dataset_name="new")
    assert new.stat_sum() == pytest.approx(ds.stat_sum(), rel=1e-10)


@pytest.mark.parametrize("bad", [np.nan, -1.0])
def test_read_invalid_counts(tmp_path, dataset, bad):
    dataset.counts.data[0, 0, 0] = bad
    path = tmp_path / "bad.fits"
    dataset.write(path)
    with pytest.raises(InvalidDataError, match="bad.fits"):
        MapDataset.read(path)


def _region_and_inside(dataset, radius=0.3):
    region = CircleSkyRegion(
        SkyCoord(0.1, -0.05, unit="deg", frame="galactic"), radius * u.deg
    )
    geom = dataset.counts.geom.to_image()
    inside = region.contains(geom.get_coord().skycoord, geom.wcs)
    return region, inside


def test_to_spectrum_dataset_sums_pixels_in_region(dataset_irf):
    from gammaray.datasets import SpectrumDataset

    ds = dataset_irf
    ds.fake(random_state=0)
    # exposure varying across the map: the region keeps the mean inside
    ds.exposure.data = ds.exposure.data * np.linspace(1, 2, ds.data_shape[-1])
    ds.mask_safe.data[2] = False
    region, inside = _region_and_inside(ds)
    assert 50 < inside.sum() < 200
    spec = ds.to_spectrum_dataset(region, name="spec")
    assert type(spec) is SpectrumDataset and spec.name == "spec"
    assert spec.data_shape == (3, 1, 1) and spec.psf is None
    safe = ds.mask_safe.data[:, inside].any(axis=1)
    counts = np.where(safe, ds.counts.data[:, inside].sum(axis=1), 0)
    assert np.array_equal(spec.counts.data.ravel(), counts)
    background = np.where(safe, ds.background.data[:, inside].sum(axis=1), 0)
    assert np.allclose(spec.background.data.ravel(), background, rtol=1e-12)
    assert np.array_equal(spec.mask_safe.data.ravel(), [True, True, False])
    assert np.allclose(
        spec.exposure.quantity.to_value("cm2 s").ravel(),
        ds.exposure.quantity.to_value("cm2 s")[:, inside].mean(axis=1),
        rtol=1e-12,
    )
    assert np.array_equal(
        spec.edisp.get_edisp_kernel().data, ds.edisp.get_edisp_kernel().data
    )
    # the region map dataset keeps the PSF (taken at the region centre)
    region_ds = ds.to_region_map_dataset(region)
    assert type(region_ds) is MapDataset and region_ds.psf is not None
    assert np.array_equal(region_ds.counts.data, spec.counts.data)


def test_to_spectrum_dataset_containment_correction(dataset_irf):
    ds = dataset_irf
    region, _ = _region_and_inside(ds, radius=0.15)
    plain = ds.to_spectrum_dataset(region)
    corrected = ds.to_spectrum_dataset(region, containment_correction=True)
    ratio = corrected.exposure.data.ravel() / plain.exposure.data.ravel()
    # Gaussian PSF (sigma 0.1 deg): containment 1 - exp(-r^2 / 2 sigma^2)
    expected = 1 - np.exp(-0.5 * (0.15 / 0.1) ** 2)
    assert np.allclose(ratio, expected, rtol=5e-3)
    from regions import RectangleSkyRegion

    box = RectangleSkyRegion(region.center, 0.3 * u.deg, 0.3 * u.deg)
    with pytest.raises(TypeError, match="CircleSkyRegion"):
        ds.to_spectrum_dataset(box, containment_correction=True)
    ds.psf = None
    with pytest.raises(ValueError, match="PSF"):
        ds.to_spectrum_dataset(region, containment_correction=True)


def test_downsample_and_pad_keep_irf_maps(dataset_irf):
    """IRF maps live on their own (coarse) geometry, interpolated by sky
    coordinate: spatial downsampling and padding leave them unchanged, and the
    predicted counts of a source are conserved."""
    ds = dataset_irf
    npred = ds.npred_signal().data.sum(axis=(1, 2))
    down = ds.downsample(2)
    assert down.psf.psf_map.geom == ds.psf.psf_map.geom
    assert np.array_equal(down.psf.psf_map.data, ds.psf.psf_map.data)
    assert np.array_equal(down.edisp.edisp_map.data, ds.edisp.edisp_map.data)
    down.models = make_models(dataset_name=down.name)
    assert np.allclose(down.npred_signal().data.sum(axis=(1, 2)), npred, rtol=2e-3)
    padded = ds.pad(4)
    assert padded.psf.psf_map.geom == ds.psf.psf_map.geom
    padded.models = make_models(dataset_name=padded.name)
    assert np.allclose(padded.npred_signal().data.sum(axis=(1, 2)), npred, rtol=1e-6)
    # downsampling along energy sums counts, keeps exposure (true energy)
    ds.fake(random_state=0)
    e_down = ds.downsample(3, axis_name="energy")
    assert e_down.data_shape == (1, 40, 40)
    assert e_down.counts.data.sum() == ds.counts.data.sum()
    assert np.array_equal(e_down.exposure.data, ds.exposure.data)
    assert e_down.edisp.edisp_map.geom.axes["energy"].nbin == 1


def test_stack_applies_fov_background_models():
    from gammaray.modeling.models import FoVBackgroundModel

    from .conftest import make_dataset

    first = make_dataset(name="a", background=0.2)
    second = make_dataset(name="b", background=0.4)
    for dataset, norm in ((first, 2.0), (second, 0.5)):
        model = FoVBackgroundModel(dataset_name=dataset.name)
        model.spectral_model.norm.value = norm
        dataset.models = [model]
    first.stack(second)
    # 2 x 0.2 + 0.5 x 0.4 per bin, and the model is baked in (not applied twice)
    np.testing.assert_allclose(first.background.data, 0.6)
    assert first.background_model is None
    np.testing.assert_allclose(first.npred_background().data, 0.6)
