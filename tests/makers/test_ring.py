"""Tests of gammaray.makers.background.ring (ring and adaptive ring background)."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose
from regions import CircleSkyRegion

from gammaray.datasets import MapDataset, MapDatasetOnOff
from gammaray.makers.background.ring import (
    AdaptiveRingBackgroundMaker,
    RingBackgroundMaker,
)
from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.utils.errors import FormatWarning, GammarayWarning

CENTER = SkyCoord(0, 0, unit="deg", frame="galactic")


@pytest.fixture(scope="module")
def geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    return WcsGeom.create(
        skydir=CENTER, binsz=0.02, width=4, frame="galactic", axes=[axis]
    )


@pytest.fixture(scope="module")
def exclusion(geom):
    region = CircleSkyRegion(CENTER, 0.3 * u.deg)
    return geom.to_image().region_mask([region], inside=False)


def make_dataset(geom, bkg_level=(2.0, 5.0), source=0.0):
    """Flat background, counts = background (+ a bright source in the centre)."""
    bkg_data = np.empty(geom.data_shape)
    bkg_data[...] = np.asarray(bkg_level)[:, None, None]
    counts = bkg_data.copy()
    if source:
        sep = geom.separation(CENTER).to_value("deg")
        counts[:, sep < 0.2] += source
    return MapDataset(
        counts=Map.from_geom(geom, data=counts),
        background=Map.from_geom(geom, data=bkg_data),
        name="flat",
    )


def test_ring_kernel_shape(geom):
    maker = RingBackgroundMaker(r_in="0.1 deg", width="0.04 deg")
    kernel = maker.kernel(geom)
    # r_in = 5 pix, width = 2 pix -> radius of the array 7 pix
    assert kernel.shape == (15, 15)
    y, x = np.mgrid[-7:8, -7:8]
    r = np.hypot(x, y)
    assert np.all(kernel[(r >= 5) & (r <= 7)] == 1)
    assert np.all(kernel[(r < 5) | (r > 7)] == 0)


def test_ring_flat_background_alpha(geom, exclusion):
    dataset = make_dataset(geom, source=50.0)
    maker = RingBackgroundMaker(
        r_in="0.5 deg", width="0.3 deg", exclusion_mask=exclusion
    )
    onoff = maker.run(dataset)
    assert isinstance(onoff, MapDatasetOnOff)
    assert onoff.counts_off.data.shape == geom.data_shape
    # far from the map edges: alpha * counts_off reproduces the flat background
    inner = geom.separation(CENTER).to_value("deg") < 1.1
    bkg_est = (onoff.alpha * onoff.counts_off).data
    assert_allclose(bkg_est[:, inner], dataset.background.data[:, inner], rtol=1e-10)
    # the source (inside the exclusion) never enters the OFF counts
    assert_allclose(
        onoff.background.data[:, inner], dataset.background.data[:, inner], rtol=1e-10
    )
    # the ring area: number of kernel pixels times the background level
    npix = maker.kernel(geom).sum()
    assert_allclose(onoff.counts_off.data[:, 100, 100], npix * np.array([2.0, 5.0]))
    assert_allclose(onoff.alpha.data[:, 100, 100], 1 / npix)
    # acceptance is the background model
    assert_allclose(onoff.acceptance.data, dataset.background.data)


def test_ring_without_exclusion_picks_up_source(geom):
    dataset = make_dataset(geom, source=50.0)
    maker = RingBackgroundMaker(r_in="0.1 deg", width="0.2 deg")
    onoff = maker.run(dataset)
    # without exclusion, pixels 0.25 deg from the source see it in their ring
    idx = geom.to_image().coord_to_idx({"lon": 0.25, "lat": 0.0})
    j, i = int(idx[1][0]), int(idx[0][0])
    assert np.all(
        onoff.background.data[:, j, i] > dataset.background.data[:, j, i] * 1.01
    )


def test_ring_mask_safe_excludes_pixels(geom):
    dataset = make_dataset(geom)
    safe = np.ones(geom.data_shape, dtype=bool)
    safe[:, :, :100] = False
    dataset.mask_safe = Map.from_geom(geom, data=safe)
    onoff = RingBackgroundMaker(r_in="0.2 deg", width="0.2 deg").make_maps_off(dataset)
    full = RingBackgroundMaker(r_in="0.2 deg", width="0.2 deg").make_maps_off(
        make_dataset(geom)
    )
    # pixels near the safe-mask edge have fewer OFF counts; ratio stays consistent
    assert onoff["counts_off"].data[0, 100, 100] < full["counts_off"].data[0, 100, 100]
    ratio = (
        onoff["counts_off"].data[1, 100, 100]
        / onoff["acceptance_off"].data[1, 100, 100]
    )
    assert_allclose(ratio, 1.0)


def test_ring_counts_off_integers(geom):
    rng = np.random.default_rng(1)
    dataset = make_dataset(geom)
    dataset.counts = Map.from_geom(
        geom, data=rng.poisson(3.0, geom.data_shape).astype(float)
    )
    maps = RingBackgroundMaker(r_in="0.3 deg", width="0.2 deg").make_maps_off(dataset)
    data = maps["counts_off"].data
    assert np.all(data >= 0)
    assert_allclose(data, np.rint(data), atol=0)


def test_ring_integer_and_other_frame_mask(geom, exclusion):
    int_mask = Map.from_geom(exclusion.geom, data=exclusion.data.astype(np.int64))
    with pytest.warns(FormatWarning, match="converted to boolean"):
        maker = RingBackgroundMaker(
            r_in="0.5 deg", width="0.3 deg", exclusion_mask=int_mask
        )
    assert maker.exclusion_mask.data.dtype == bool

    # the same exclusion in ICRS: reprojected with a warning, same result where it matters
    icrs_geom = WcsGeom.create(skydir=CENTER.icrs, binsz=0.02, width=4, frame="icrs")
    icrs_mask = icrs_geom.region_mask(
        [CircleSkyRegion(CENTER.icrs, 0.3 * u.deg)], inside=False
    )
    maker_icrs = RingBackgroundMaker(
        r_in="0.5 deg", width="0.3 deg", exclusion_mask=icrs_mask
    )
    dataset = make_dataset(geom, source=50.0)
    with pytest.warns(GammarayWarning, match="reprojected"):
        onoff = maker_icrs.run(dataset)
    inner = geom.separation(CENTER).to_value("deg") < 1.1
    assert_allclose(
        onoff.background.data[:, inner], dataset.background.data[:, inner], rtol=1e-10
    )


def test_ring_errors(geom):
    with pytest.raises(ValueError, match="width"):
        RingBackgroundMaker(r_in="0.5 deg", width="0 deg")
    dataset = make_dataset(geom)
    dataset.background = None
    with pytest.raises(ValueError, match="background"):
        RingBackgroundMaker(r_in="0.5 deg", width="0.3 deg").run(dataset)


def test_adaptive_ring_kernels(geom):
    maker = AdaptiveRingBackgroundMaker(
        r_in="0.2 deg", r_out_max="0.5 deg", width="0.1 deg", stepsize="0.1 deg"
    )
    kernels = maker.kernels(geom)
    # r_in = 0.2, 0.3, 0.4 deg
    assert len(kernels) == 3
    assert kernels[0].shape == (31, 31)
    assert kernels[-1].shape == (51, 51)
    maker = AdaptiveRingBackgroundMaker(
        r_in="0.2 deg",
        r_out_max="0.5 deg",
        width="0.1 deg",
        stepsize="0.1 deg",
        method="fixed_r_in",
    )
    sizes = [k.sum() for k in maker.kernels(geom)]
    assert len(sizes) == 3
    assert sizes[0] < sizes[1] < sizes[2]
    with pytest.raises(ValueError, match="method"):
        AdaptiveRingBackgroundMaker("0.2 deg", "0.5 deg", "0.1 deg", method="grow")


def test_adaptive_ring_grows_near_exclusion(geom):
    # large exclusion: the smallest ring around the centre lies entirely in it
    region = CircleSkyRegion(CENTER, 0.6 * u.deg)
    exclusion = geom.to_image().region_mask([region], inside=False)
    dataset = make_dataset(geom, source=50.0)
    maker = AdaptiveRingBackgroundMaker(
        r_in="0.2 deg",
        r_out_max="1.5 deg",
        width="0.2 deg",
        stepsize="0.1 deg",
        threshold_alpha=0.2,
        theta="0.1 deg",
        exclusion_mask=exclusion,
    )
    onoff = maker.run(dataset)
    inner = geom.separation(CENTER).to_value("deg") < 0.5
    # flat background: estimate exact wherever a ring was found, source never in OFF
    assert_allclose(
        onoff.background.data[:, inner], dataset.background.data[:, inner], rtol=1e-10
    )
    # in the centre the ring had to grow beyond the exclusion (r_in >= 0.4 deg)
    alpha_adaptive = onoff.alpha.data[0, 100, 100]
    first_ring = maker.kernels(geom)[0].sum()
    assert alpha_adaptive < 1 / first_ring
    # the alpha criterion is met in the centre
    theta_pix = np.sum(geom.to_image().separation(CENTER).to_value("deg") <= 0.1)
    assert theta_pix * onoff.alpha.data[0, 100, 100] <= 0.2 + 1e-9


# ------------------------------------------------------------------ real data
CRAB = SkyCoord(83.633, 22.014, unit="deg")


@pytest.fixture(scope="session")
def crab_stacked_map_dataset(crab_observations):
    """Stacked MapDataset (counts, background, exposure) of the four H.E.S.S. Crab runs.

    ``crab_observations`` (runs 23523, 23526, 23559, 23592) is the session fixture
    of ``tests/makers/conftest.py``.
    """
    from gammaray.makers import MapDatasetMaker, SafeMaskMaker

    observations = crab_observations
    axis = MapAxis.from_energy_bounds("0.5 TeV", "40 TeV", nbin=3)
    geom = WcsGeom.create(
        skydir=CRAB, binsz=0.02, width=(5, 5), frame="icrs", axes=[axis]
    )
    stacked = MapDataset.create(geom, name="crab-stacked")
    maker = MapDatasetMaker(selection=["counts", "background", "exposure"])
    safe = SafeMaskMaker(methods=["offset-max"], offset_max="2.5 deg")
    for observation in observations:
        dataset = maker.run(
            MapDataset.create(geom, name=str(observation.obs_id)), observation
        )
        stacked.stack(safe.run(dataset, observation))
    return stacked


def test_ring_crab_significance(crab_stacked_map_dataset):
    from gammaray.stats import WStatCountsStatistic

    stacked = crab_stacked_map_dataset
    geom = stacked.counts.geom
    exclusion = geom.to_image().region_mask(
        [CircleSkyRegion(CRAB, 0.3 * u.deg)], inside=False
    )
    maker = RingBackgroundMaker(
        r_in="0.5 deg", width="0.3 deg", exclusion_mask=exclusion
    )
    onoff = maker.run(stacked)
    assert isinstance(onoff, MapDatasetOnOff)
    on = geom.to_image().separation(CRAB) < 0.1 * u.deg
    n_on = onoff.counts.data[:, on].sum()
    n_off = onoff.counts_off.data[:, on].sum()
    background = onoff.background.data[:, on].sum()
    stat = WStatCountsStatistic(n_on, n_off, background / n_off)
    assert stat.n_sig > 300
    assert float(stat.sqrt_ts) > 20
    # away from the source the ring estimate agrees with the counts (within 5 %)
    ring = (geom.to_image().separation(CRAB) > 0.6 * u.deg) & (
        geom.to_image().separation(CRAB) < 1.2 * u.deg
    )
    assert_allclose(
        onoff.background.data[:, ring].sum(),
        onoff.counts.data[:, ring].sum(),
        rtol=0.05,
    )
