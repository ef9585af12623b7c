"""MapDatasetOnOff: WStat likelihood, alpha bookkeeping, operations, I/O."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from regions import CircleSkyRegion

from gammaray.datasets import MapDataset, MapDatasetOnOff, SpectrumDatasetOnOff
from gammaray.maps import MapAxis, WcsGeom
from gammaray.modeling import Fit
from gammaray.modeling.models import PointSpatialModel, PowerLawSpectralModel, SkyModel
from gammaray.stats import get_wstat_mu_bkg, wstat
from gammaray.utils.errors import GeometryMismatchError, OverwriteError

CENTER = SkyCoord(0, 0, unit="deg", frame="galactic")


def make_dataset(name="a", n_on=5, n_off=20, acc_off=4.0):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    geom = WcsGeom.create(skydir=CENTER, binsz=0.1, width=1.0, axes=[axis])
    ds = MapDatasetOnOff.create(geom, name=name)
    ds.psf = None
    ds.edisp = None
    ds.counts.data[...] = n_on
    ds.counts_off.data[...] = n_off
    ds.acceptance_off.data[...] = acc_off
    ds.exposure.data[...] = 1e9  # m2 s
    ds.mask_safe.data[...] = True
    return ds


def point_model(amplitude="1e-12 cm-2 s-1 TeV-1"):
    return SkyModel(
        spectral_model=PowerLawSpectralModel(amplitude=amplitude, index=2),
        spatial_model=PointSpatialModel(
            lon_0="0.05 deg", lat_0="0.05 deg", frame="galactic"
        ),
        name="src",
    )


def test_alpha_background_and_profile():
    ds = make_dataset()
    assert ds.stat_type == "wstat"
    assert ds.tag == "MapDatasetOnOff"
    np.testing.assert_allclose(ds.alpha.data, 0.25)
    np.testing.assert_allclose(ds.background.data, 5.0)
    # n_on = alpha n_off: the profiled background equals the measured one
    np.testing.assert_allclose(ds.npred_background().data, 5.0)
    np.testing.assert_allclose(ds.stat_array(), 0, atol=1e-10)
    ds.counts.data[...] = 9
    expected = 0.25 * get_wstat_mu_bkg(9, 20, 0.25, 0)
    np.testing.assert_allclose(ds.npred_background().data, expected)
    np.testing.assert_allclose(ds.npred_off().data, get_wstat_mu_bkg(9, 20, 0.25, 0))


def test_wstat_with_model():
    ds = make_dataset()
    ds.models = point_model()
    mu_sig = ds.npred_signal().data
    assert mu_sig.sum() > 1
    expected = wstat(n_on=5.0, n_off=20.0, alpha=0.25, mu_sig=mu_sig)
    np.testing.assert_allclose(ds.stat_array(), expected)
    assert ds.stat_sum() == pytest.approx(expected.sum())
    ds.mask_safe.data[0] = False
    assert ds.stat_sum() == pytest.approx(expected[1:].sum())
    npred = ds.npred().data
    np.testing.assert_allclose(npred, mu_sig + ds.npred_background().data)


def test_fake_and_fit_recovers_amplitude():
    ds = make_dataset()
    ds.exposure.data[...] = 1e10
    model = point_model("1e-12 cm-2 s-1 TeV-1")
    model.spectral_model.index.frozen = True
    ds.models = model
    bkg = ds.background.copy()
    ds.fake(npred_background=bkg, random_state=1)
    assert ds.counts.data.sum() == pytest.approx(
        ds.npred_signal().data.sum() + bkg.data.sum(), rel=0.05
    )
    assert ds.counts_off.data.sum() == pytest.approx((bkg.data / 0.25).sum(), rel=0.05)
    model.spectral_model.amplitude.value = 3e-12
    result = Fit().run([ds])
    assert result.success
    amp = model.spectral_model.amplitude
    assert amp.value == pytest.approx(1e-12, abs=3 * amp.error)


def test_stack_keeps_background():
    a = make_dataset("a", acc_off=4.0)
    b = make_dataset("b", acc_off=2.0)
    b.mask_safe.data[0] = False
    bkg_total = a.background.data + b.background.data * b.mask_safe.data
    off_total = a.counts_off.data + b.counts_off.data * b.mask_safe.data
    a.stack(b)
    np.testing.assert_allclose(a.counts_off.data, off_total)
    np.testing.assert_allclose(a.background.data, bkg_total)
    np.testing.assert_allclose(a.alpha.data[1], (0.25 * 20 + 0.5 * 20) / 40)
    np.testing.assert_allclose(a.counts.data[1], 10)
    with pytest.raises(TypeError):
        a.stack(a.to_map_dataset())


def test_from_and_to_map_dataset():
    ds = make_dataset()
    md = ds.to_map_dataset(name="md")
    assert type(md) is MapDataset
    np.testing.assert_allclose(md.background.data, ds.background.data)
    back = MapDatasetOnOff.from_map_dataset(md, acceptance=1, acceptance_off=5)
    np.testing.assert_allclose(back.counts_off.data, ds.background.data * 5)
    np.testing.assert_allclose(back.background.data, md.background.data)
    assert back.name == "md"


def test_geometry_mismatch():
    ds = make_dataset()
    with pytest.raises(GeometryMismatchError):
        MapDatasetOnOff(
            counts=ds.counts,
            counts_off=ds.counts.sum_over_axes(keepdims=False),
            acceptance=1,
            acceptance_off=1,
        )


@pytest.mark.parametrize(
    "op",
    [
        lambda d: d.cutout(CENTER, 0.5 * u.deg),
        lambda d: d.downsample(2),
        lambda d: d.to_image(),
        lambda d: d.slice_by_idx({"energy": slice(1, 3)}),
        lambda d: d.resample_energy_axis(
            MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
        ),
    ],
)
def test_operations_conserve_background(op):
    ds = make_dataset()
    ds.counts_off.data[0, 0, 0] = 0  # a bin without OFF counts
    new = op(ds)
    assert isinstance(new, MapDatasetOnOff)
    md = op(ds.to_map_dataset())
    np.testing.assert_allclose(new.background.data, md.background.data, rtol=1e-6)
    np.testing.assert_allclose(new.counts.data, md.counts.data)
    off = op(MapDataset(counts=ds.counts_off, mask_safe=ds.mask_safe, name="x")).counts
    np.testing.assert_allclose(new.counts_off.data, off.data)


def test_to_spectrum_dataset():
    ds = make_dataset()
    region = CircleSkyRegion(CENTER, 0.2 * u.deg)
    spec = ds.to_spectrum_dataset(region, name="spec")
    assert isinstance(spec, SpectrumDatasetOnOff)
    n_pix = spec.counts.data[0, 0, 0] / 5
    assert n_pix > 5
    np.testing.assert_allclose(spec.counts_off.data, 20 * n_pix)
    np.testing.assert_allclose(spec.alpha.data, 0.25)


def test_write_read(tmp_path):
    ds = make_dataset()
    ds.acceptance_off.data[0] = 3.0
    ds.write(tmp_path / "ds.fits")
    with fits.open(tmp_path / "ds.fits") as hdulist:
        names = [h.name for h in hdulist]
    for hdu in ("COUNTS_OFF", "ACCEPTANCE", "ACCEPTANCE_OFF", "ACCEPTANCE_OFF_BANDS"):
        assert hdu in names
    assert "BACKGROUND" not in names
    new = MapDatasetOnOff.read(tmp_path / "ds.fits", name="new")
    assert new.name == "new"
    for attr in ("counts", "counts_off", "acceptance", "acceptance_off", "mask_safe"):
        np.testing.assert_array_equal(getattr(new, attr).data, getattr(ds, attr).data)
    np.testing.assert_allclose(new.alpha.data, ds.alpha.data)
    with pytest.raises(OverwriteError):
        ds.write(tmp_path / "ds.fits")


def test_info_and_str():
    ds = make_dataset()
    ds.counts.data[...] = 8
    info = ds.info_dict()
    assert info["counts_off"] == 20 * ds.counts.data.size
    assert info["alpha"] == pytest.approx(0.25)
    assert info["excess"] == pytest.approx(3 * ds.counts.data.size)
    assert info["sqrt_ts"] > 5
    text = str(ds)
    assert "wstat" in text and "Mean alpha" in text
