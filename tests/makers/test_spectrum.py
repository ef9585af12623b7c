"""Tests of `SpectrumDatasetMaker`."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion, PointSkyRegion, RectangleSkyRegion

from gammaray.datasets import SpectrumDataset
from gammaray.irf import RadMax2D
from gammaray.makers import SpectrumDatasetMaker
from gammaray.maps import MapAxis, RegionGeom
from gammaray.utils.errors import InvalidDataError

CRAB = SkyCoord(83.633, 22.014, unit="deg")
ENERGY = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
ENERGY_TRUE = MapAxis.from_energy_bounds(
    "0.5 TeV", "20 TeV", nbin=12, name="energy_true"
)


def _empty(region):
    geom = RegionGeom.create(region=region, axes=[ENERGY])
    return SpectrumDataset.create(geom, energy_axis_true=ENERGY_TRUE, name="spec")


def test_counts_exposure_background(crab_observations):
    obs = crab_observations[0]
    region = CircleSkyRegion(CRAB, 0.11 * u.deg)
    maker = SpectrumDatasetMaker(
        selection=["counts", "exposure", "edisp", "background"]
    )
    ds = maker.run(_empty(region), obs)
    events = obs.events
    sep = events.radec.separation(CRAB).deg
    energy = events.energy.to_value("TeV")
    edges = ENERGY.edges.to_value("TeV")
    expected = np.histogram(energy[sep < 0.11], bins=edges)[0]
    assert np.array_equal(ds.counts.data.ravel(), expected)
    # exposure at the region centre
    offset = CRAB.separation(obs.get_pointing_icrs(obs.tmid))
    aeff = obs.aeff.evaluate(energy_true=ENERGY_TRUE.center, offset=offset)
    expected_exp = (aeff * obs.observation_live_time_duration).to_value("m2 s")
    np.testing.assert_allclose(
        ds.exposure.quantity.to_value("m2 s").ravel(), expected_exp, rtol=1e-10
    )
    assert np.all(ds.background.data > 0)
    assert ds.background.data.sum() < ds.counts.data.sum()  # the Crab dominates
    assert ds.edisp is not None and ds.mask_safe.data.all()


def test_containment_correction(crab_observations):
    obs = crab_observations[0]
    region = CircleSkyRegion(CRAB, 0.11 * u.deg)
    plain = SpectrumDatasetMaker().run(_empty(region), obs)
    corrected = SpectrumDatasetMaker(containment_correction=True).run(
        _empty(region), obs
    )
    offset = CRAB.separation(obs.get_pointing_icrs(obs.tmid))
    containment = obs.psf.containment(
        rad=0.11 * u.deg, energy_true=ENERGY_TRUE.center, offset=offset
    )
    ratio = corrected.exposure.data.ravel() / plain.exposure.data.ravel()
    np.testing.assert_allclose(ratio, np.asarray(containment).ravel(), rtol=1e-10)
    assert np.all((ratio > 0.3) & (ratio < 1))
    rect = RectangleSkyRegion(CRAB, 0.2 * u.deg, 0.2 * u.deg)
    with pytest.raises(TypeError, match="circular"):
        SpectrumDatasetMaker(containment_correction=True).run(_empty(rect), obs)


def test_region_average(crab_observations):
    obs = crab_observations[0]
    region = CircleSkyRegion(CRAB, 0.3 * u.deg)
    centre = SpectrumDatasetMaker().run(_empty(region), obs)
    average = SpectrumDatasetMaker(use_region_center=False).run(_empty(region), obs)
    ratio = average.exposure.data.ravel() / centre.exposure.data.ravel()
    # averaging over 0.3 deg changes the exposure by a little, not a lot
    assert np.all(np.abs(ratio - 1) < 0.05)
    assert not np.allclose(ratio, 1, rtol=1e-6)


def test_point_like_rad_max(crab_observations):
    obs = crab_observations[0]
    offset_axis = MapAxis.from_bounds(0, 3, nbin=1, unit="deg", name="offset")
    energy_axis = MapAxis.from_energy_bounds(
        "0.1 TeV", "100 TeV", nbin=4, name="energy"
    )
    cuts = np.array([[0.2], [0.15], [0.1], [0.1]])
    rad_max = RadMax2D(axes=[energy_axis, offset_axis], data=cuts, unit="deg")
    obs_pl = obs.copy(rad_max=rad_max)
    ds = SpectrumDatasetMaker(selection=["counts", "background"]).run(
        _empty(PointSkyRegion(CRAB)), obs_pl
    )
    events = obs.events
    sep = events.radec.separation(CRAB).deg
    energy = events.energy.to_value("TeV")
    cut = rad_max.evaluate(method="nearest", energy=ENERGY.center, offset=0.5 * u.deg)
    cut = np.asarray(cut.to_value("deg")).ravel()
    idx = np.searchsorted(ENERGY.edges.to_value("TeV"), energy, side="right") - 1
    ok = (idx >= 0) & (idx < ENERGY.nbin)
    keep = ok.copy()
    keep[ok] = sep[ok] <= cut[idx[ok]]
    expected = np.bincount(idx[keep], minlength=ENERGY.nbin)
    assert np.array_equal(ds.counts.data.ravel(), expected)
    assert np.all(ds.background.data > 0)
    with pytest.raises(InvalidDataError, match="RAD_MAX"):
        SpectrumDatasetMaker().run(_empty(PointSkyRegion(CRAB)), obs)


def test_region_outside_fov(crab_observations):
    far = CircleSkyRegion(SkyCoord(100, 22, unit="deg"), 0.1 * u.deg)
    with pytest.raises(InvalidDataError, match="outside its field of view"):
        SpectrumDatasetMaker().run(_empty(far), crab_observations[0])


def test_safe_mask_on_spectrum(crab_observations):
    from gammaray.makers import SafeMaskMaker

    obs = crab_observations[0]
    region = CircleSkyRegion(CRAB, 0.11 * u.deg)
    ds = SpectrumDatasetMaker().run(_empty(region), obs)
    methods = ["aeff-default", "offset-max", "aeff-max", "edisp-bias"]
    masked = SafeMaskMaker(methods=methods, offset_max="2 deg").run(ds, obs)
    mask = masked.mask_safe.data.ravel()
    # a contiguous high-energy range
    assert mask[-1] and mask.dtype == bool
    assert np.all(np.diff(mask.astype(int)) >= 0)
    strict = SafeMaskMaker(methods=["aeff-max"], aeff_percent=95).run(ds, obs)
    assert strict.mask_safe.data.sum() < mask.sum()
    far = SafeMaskMaker(methods=["offset-max"], offset_max="0.3 deg").run(ds, obs)
    assert not far.mask_safe.data.any()  # the Crab is 0.5 deg from the pointing
