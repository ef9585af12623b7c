"""Tests of gammaray.makers.background.reflected (reflected / wobble OFF regions)."""

import itertools
import logging

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.table import Table
from numpy.testing import assert_allclose
from regions import CircleSkyRegion, PointSkyRegion, RectangleSkyRegion

from gammaray.data import GTI, EventList, FixedPointingInfo, Observation
from gammaray.datasets import SpectrumDataset, SpectrumDatasetOnOff
from gammaray.irf import RadMax2D
from gammaray.makers.background.reflected import (
    ReflectedRegionsBackgroundMaker,
    ReflectedRegionsFinder,
    WobbleRegionsFinder,
)
from gammaray.maps import MapAxis, RegionGeom, WcsGeom
from gammaray.utils.errors import FormatWarning

POINTING = SkyCoord(83.63, 22.51, unit="deg")
TARGET = SkyCoord(83.63, 21.51, unit="deg")  # offset 1 deg, position angle 180 deg
RADIUS = 0.2 * u.deg


def n_expected(size, min_distance_input=0.1, min_distance=0.0):
    """Analytic number of reflected regions (angles in rad)."""
    angle_min = size + min_distance_input
    angle_max = 2 * np.pi - angle_min
    return int(np.floor((angle_max - angle_min) / (size + min_distance) + 1e-9)) + 1


def circle_size(radius, offset):
    """Angle subtended by a circle (small-angle TAN geometry is exact for the pixel rotation)."""
    r = np.tan(np.deg2rad(radius))
    d = np.tan(np.deg2rad(offset))
    return 2 * np.arcsin(r / d)


@pytest.fixture(scope="module")
def on_region():
    return CircleSkyRegion(TARGET, RADIUS)


def check_geometry(regions, on_region, radius=RADIUS):
    offsets = [r.center.separation(POINTING).deg for r in regions]
    assert_allclose(offsets, 1.0, atol=1e-9)
    for r in regions:
        assert_allclose(r.radius.to_value("deg"), radius.to_value("deg"), rtol=1e-3)
    for a, b in itertools.combinations([on_region, *regions], 2):
        assert a.center.separation(b.center).deg >= 2 * radius.to_value("deg") * (
            1 - 1e-3
        )


def test_reflected_regions_count_and_geometry(on_region):
    regions, wcs = ReflectedRegionsFinder().run(on_region, POINTING)
    size = circle_size(0.2, 1.0)
    assert len(regions) == n_expected(size) == 14
    check_geometry(regions, on_region)
    # first region at angle size + min_distance_input from the ON region
    sep = on_region.center.separation(regions[0].center)
    angle = 2 * np.arcsin(np.sin(sep.rad / 2) / np.sin(np.deg2rad(1.0)))
    assert_allclose(angle, size + 0.1, rtol=1e-3)
    assert wcs.wcs.ctype[0].endswith("TAN")


def test_reflected_regions_min_distance_and_max_number(on_region):
    finder = ReflectedRegionsFinder(
        min_distance="0.2 rad", min_distance_input="0.3 rad"
    )
    regions, _ = finder.run(on_region, POINTING)
    size = circle_size(0.2, 1.0)
    assert len(regions) == n_expected(size, 0.3, 0.2)
    check_geometry(regions, on_region)
    regions, _ = ReflectedRegionsFinder(max_region_number=3).run(on_region, POINTING)
    assert len(regions) == 3


def test_reflected_regions_exclusion(on_region):
    # exclude a disk diametrically opposite to the ON region (around the north)
    excluded_center = SkyCoord(83.63, 23.51, unit="deg")
    geom = WcsGeom.create(skydir=POINTING, binsz=0.02, width=4, frame="icrs")
    exclusion = geom.region_mask(
        [CircleSkyRegion(excluded_center, 0.5 * u.deg)], inside=False
    )
    regions, _ = ReflectedRegionsFinder().run(
        on_region, POINTING, exclusion_mask=exclusion
    )
    assert 0 < len(regions) < 14
    check_geometry(regions, on_region)
    for r in regions:
        # no overlap with the excluded disk (up to one mask pixel)
        assert r.center.separation(excluded_center).deg > 0.2 + 0.5 - 0.03
    # integer masks are accepted
    int_mask = exclusion.copy(data=exclusion.data.astype(np.int16))
    with pytest.warns(FormatWarning, match="boolean"):
        regions_int, _ = ReflectedRegionsFinder().run(
            on_region, POINTING, exclusion_mask=int_mask
        )
    assert len(regions_int) == len(regions)


def test_reflected_regions_exclusion_galactic(on_region):
    # the same exclusion defined in galactic coordinates gives the same regions
    excluded_center = SkyCoord(83.63, 23.51, unit="deg")
    geom = WcsGeom.create(
        skydir=POINTING.galactic, binsz=0.02, width=4, frame="galactic"
    )
    exclusion = geom.region_mask(
        [CircleSkyRegion(excluded_center.galactic, 0.5 * u.deg)], inside=False
    )
    regions, _ = ReflectedRegionsFinder().run(
        on_region, POINTING, exclusion_mask=exclusion
    )
    for r in regions:
        assert r.center.separation(excluded_center).deg > 0.2 + 0.5 - 0.03
    assert 0 < len(regions) < 14


def test_reflected_regions_rectangle():
    region = RectangleSkyRegion(TARGET, width=0.3 * u.deg, height=0.2 * u.deg)
    regions, _ = ReflectedRegionsFinder().run(region, POINTING)
    assert len(regions) > 5
    offsets = [r.center.separation(POINTING).deg for r in regions]
    assert_allclose(offsets, 1.0, atol=1e-9)
    # neighbours separated by at least the rectangle's width
    for a, b in zip(regions[:-1], regions[1:], strict=True):
        assert a.center.separation(b.center).deg >= 0.3 * 0.99


def test_reflected_regions_polygon_and_point():
    from regions import PolygonSkyRegion

    vertices = SkyCoord([83.5, 83.8, 83.65], [21.4, 21.4, 21.7], unit="deg")
    regions, _ = ReflectedRegionsFinder().run(PolygonSkyRegion(vertices), POINTING)
    assert len(regions) > 10
    assert all(isinstance(r, PolygonSkyRegion) for r in regions)
    # every vertex keeps its offset from the pointing
    for r in regions:
        assert_allclose(
            np.sort(r.vertices.separation(POINTING).deg),
            np.sort(vertices.separation(POINTING).deg),
            rtol=1e-9,
        )
    # a point has no extent: it needs a minimal distance between OFF positions
    with pytest.raises(ValueError, match="min_distance"):
        ReflectedRegionsFinder().run(PointSkyRegion(TARGET), POINTING)
    regions, _ = ReflectedRegionsFinder(min_distance="0.5 rad").run(
        PointSkyRegion(TARGET), POINTING
    )
    assert len(regions) == int((2 * np.pi - 0.2) / 0.5 + 1e-9) + 1


def test_reflected_regions_center_inside_on_region():
    region = CircleSkyRegion(POINTING, 0.3 * u.deg)
    with pytest.raises(ValueError, match="pointing"):
        ReflectedRegionsFinder().run(region, POINTING)


def test_wobble_regions_positions(on_region):
    regions, _ = WobbleRegionsFinder(n_off_regions=3).run(on_region, POINTING)
    assert len(regions) == 3
    angles = [POINTING.position_angle(r.center).to_value("deg") for r in regions]
    on_angle = POINTING.position_angle(on_region.center).to_value("deg")
    rel = np.sort((np.array(angles) - on_angle) % 360)
    assert_allclose(rel, [90, 180, 270], atol=1e-6)
    check_geometry(regions, on_region)
    # with an exclusion on the opposite side the 180 deg region is dropped
    geom = WcsGeom.create(skydir=POINTING, binsz=0.02, width=4, frame="icrs")
    exclusion = geom.region_mask(
        [CircleSkyRegion(SkyCoord(83.63, 23.51, unit="deg"), 0.1 * u.deg)], inside=False
    )
    regions, _ = WobbleRegionsFinder(n_off_regions=3).run(
        on_region, POINTING, exclusion
    )
    rel = np.sort(
        (
            [POINTING.position_angle(r.center).to_value("deg") for r in regions]
            - on_angle
        )
        % 360
    )
    assert_allclose(rel, [90, 270], atol=1e-6)
    with pytest.raises(ValueError):
        WobbleRegionsFinder(n_off_regions=0)


# ----------------------------------------------------------------- the maker
ENERGY_AXIS = MapAxis.from_energy_edges([1, 2, 4, 8] * u.TeV, name="energy")


N_RING = 7200


def make_observation(rad_max=None):
    """Events evenly spaced in angle on the circle of offset 1 deg around the pointing.

    Event ``j`` has energy 1.5, 3 or 6 TeV for ``j % 3 = 0, 1, 2``. A circle of
    angular size ``s`` (seen from the pointing) centred on the ring contains
    ``N_RING * s / (2 pi)`` events (+- 1), a third per energy bin.
    """
    angle = 2 * np.pi * (np.arange(N_RING) + 0.5) / N_RING
    positions = POINTING.directional_offset_by(angle * u.rad, 1 * u.deg)
    energy = np.array([1.5, 3.0, 6.0])[np.arange(N_RING) % 3]
    table = Table(
        {
            "EVENT_ID": np.arange(N_RING),
            "TIME": np.linspace(0, 100, N_RING) * u.s,
            "RA": positions.ra.to(u.deg),
            "DEC": positions.dec.to(u.deg),
            "ENERGY": energy * u.TeV,
        }
    )
    table.meta.update({"RA_PNT": POINTING.ra.deg, "DEC_PNT": POINTING.dec.deg})
    return Observation(
        obs_id=1,
        events=EventList(table),
        gti=GTI.create(start=[0] * u.s, stop=[100] * u.s),
        pointing=FixedPointingInfo(fixed_icrs=POINTING),
        rad_max=rad_max,
        meta={"LIVETIME": 100.0, "DEADC": 1.0},
    )


def expected_counts(n_regions, size):
    """Expected OFF counts per energy bin and the tolerance (one event per region edge)."""
    return n_regions * N_RING * size / (2 * np.pi) / 3, 2 * n_regions


def make_dataset(region):
    geom = RegionGeom.create(region, axes=[ENERGY_AXIS])
    return SpectrumDataset.create(geom=geom, name="synthetic")


@pytest.fixture(scope="module")
def observation():
    return make_observation()


def test_reflected_maker_counts_off(on_region, observation):
    dataset = make_dataset(on_region)
    maker = ReflectedRegionsBackgroundMaker()
    onoff = maker.run(dataset, observation)
    assert isinstance(onoff, SpectrumDatasetOnOff)
    expected, tol = expected_counts(14, circle_size(0.2, 1.0))
    assert_allclose(onoff.counts_off.data.ravel(), expected, atol=tol)
    assert_allclose(onoff.acceptance_off.data.ravel(), 14)
    assert_allclose(onoff.acceptance.data.ravel(), 1)
    assert_allclose(onoff.alpha.data.ravel(), 1 / 14)
    assert onoff.name == "synthetic"
    # the OFF counts geometry holds the OFF regions
    assert onoff.counts_off.geom.data_shape == dataset.counts.geom.data_shape


def test_reflected_maker_exclusion(on_region, observation):
    geom = WcsGeom.create(skydir=POINTING, binsz=0.02, width=4, frame="icrs")
    exclusion = geom.region_mask(
        [CircleSkyRegion(SkyCoord(83.63, 23.51, unit="deg"), 0.5 * u.deg)], inside=False
    )
    maker = ReflectedRegionsBackgroundMaker(exclusion_mask=exclusion)
    counts_off, acceptance_off = maker.make_counts_off(
        make_dataset(on_region), observation
    )
    n_off = acceptance_off.data.ravel()[0]
    assert 0 < n_off < 14
    expected, tol = expected_counts(n_off, circle_size(0.2, 1.0))
    assert_allclose(counts_off.data.ravel(), expected, atol=tol)


def test_reflected_maker_no_off_region(on_region, observation, caplog):
    geom = WcsGeom.create(skydir=POINTING, binsz=0.05, width=4, frame="icrs")
    exclusion = geom.region_mask([CircleSkyRegion(POINTING, 1.5 * u.deg)], inside=False)
    maker = ReflectedRegionsBackgroundMaker(exclusion_mask=exclusion)
    with caplog.at_level(logging.WARNING):
        onoff = maker.run(make_dataset(on_region), observation)
    assert "no OFF region" in caplog.text
    assert_allclose(onoff.counts_off.data, 0)
    assert_allclose(onoff.acceptance_off.data, 0)
    assert_allclose(onoff.alpha.data, 0)


def test_reflected_maker_wobble_finder(on_region, observation):
    maker = ReflectedRegionsBackgroundMaker(
        region_finder=WobbleRegionsFinder(n_off_regions=3)
    )
    counts_off, acceptance_off = maker.make_counts_off(
        make_dataset(on_region), observation
    )
    assert_allclose(acceptance_off.data.ravel(), 3)
    expected, tol = expected_counts(3, circle_size(0.2, 1.0))
    assert_allclose(counts_off.data.ravel(), expected, atol=tol)
    with pytest.raises(ValueError, match="region_finder"):
        ReflectedRegionsBackgroundMaker(
            region_finder=WobbleRegionsFinder(1), min_distance="1 rad"
        )


def test_reflected_maker_on_region_outside_fov(observation, caplog):
    far = CircleSkyRegion(SkyCoord(100, 22, unit="deg"), 0.1 * u.deg)
    with caplog.at_level(logging.WARNING):
        onoff = ReflectedRegionsBackgroundMaker().run(make_dataset(far), observation)
    assert "outside the field of view" in caplog.text
    assert_allclose(onoff.acceptance_off.data, 0)


def test_reflected_maker_rad_max():
    # point-like IRF: RAD_MAX 0.1 deg below 2 TeV, 0.15 deg above
    offset_axis = MapAxis.from_edges([0, 2.5] * u.deg, name="offset")
    energy_axis = MapAxis.from_energy_edges([0.5, 2, 10] * u.TeV, name="energy")
    rad_max = RadMax2D(
        axes=[energy_axis, offset_axis], data=[[0.1], [0.15]], unit="deg"
    )
    observation = make_observation(rad_max=rad_max)
    dataset = make_dataset(PointSkyRegion(TARGET))
    counts_off, acceptance_off = ReflectedRegionsBackgroundMaker().make_counts_off(
        dataset, observation
    )
    # OFF regions are placed for the largest RAD_MAX (0.15 deg), so never overlap
    n_off = n_expected(circle_size(0.15, 1.0))
    assert_allclose(acceptance_off.data.ravel(), n_off)
    counts = counts_off.data.ravel()
    size_lo, size_hi = circle_size(0.1, 1.0), circle_size(0.15, 1.0)
    expected_lo, tol = expected_counts(n_off, size_lo)
    expected_hi, _ = expected_counts(n_off, size_hi)
    assert_allclose(counts, [expected_lo, expected_hi, expected_hi], atol=tol)
    # without RAD_MAX a point ON region is an error
    with pytest.raises(KeyError, match="RAD_MAX"):
        ReflectedRegionsBackgroundMaker().make_counts_off(dataset, make_observation())


# ----------------------------------------------------------------- real data
def test_wobble_rad_max_magic(gammaray_data):
    """Point-like MAGIC runs: 3 wobble OFF regions, events within RAD_MAX(E) of each."""
    from gammaray.data import DataStore

    crab = SkyCoord(83.633, 22.014, unit="deg")
    store = DataStore.from_dir(gammaray_data / "magic/rad_max/data")
    observation = store.get_observations(required_irf="point-like")[0]
    energy_axis = MapAxis.from_energy_bounds(
        "0.08 TeV", "20 TeV", nbin=5, per_decade=True
    )
    dataset = SpectrumDataset.create(
        geom=RegionGeom.create(PointSkyRegion(crab), axes=[energy_axis]), name="magic"
    )
    maker = ReflectedRegionsBackgroundMaker(
        region_finder=WobbleRegionsFinder(n_off_regions=3)
    )
    counts_off, acceptance_off = maker.make_counts_off(dataset, observation)
    assert_allclose(acceptance_off.data, 3)

    # independent count: OFF centres at 90, 180, 270 deg from the ON position
    pointing = observation.get_pointing_icrs(observation.tmid)
    offset = crab.separation(pointing)
    pa0 = pointing.position_angle(crab)
    events = observation.events
    cut = observation.rad_max.evaluate(
        method="nearest", energy=events.energy, offset=offset
    )
    inside = np.zeros(len(events), dtype=bool)
    for k in (1, 2, 3):
        center = pointing.directional_offset_by(pa0 + k * 90 * u.deg, offset)
        inside |= events.radec.separation(center) <= cut
    expected, _ = np.histogram(
        events.energy[inside].to_value("TeV"), bins=energy_axis.edges.to_value("TeV")
    )
    assert counts_off.data.sum() > 100
    assert_allclose(counts_off.data.ravel(), expected, atol=2)
