"""Tests of the map-making functions of `gammaray.makers.utils` on synthetic IRFs."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import AltAz, EarthLocation, SkyCoord
from astropy.time import Time

from gammaray.data import FixedPointingInfo
from gammaray.irf import Background3D, EffectiveAreaTable2D, EnergyDispersion2D
from gammaray.makers.utils import (
    _fill_missing_energy,
    make_edisp_kernel_map,
    make_edisp_map,
    make_effective_livetime_map,
    make_map_background_irf,
    make_map_exposure_true_energy,
    make_observation_time_map,
    make_psf_map,
    make_theta_squared_table,
)
from gammaray.maps import MapAxis, RegionGeom, WcsGeom
from gammaray.utils.errors import AxisError

POINTING = SkyCoord(83.6, 22.0, unit="deg")
E_TRUE = MapAxis.from_energy_bounds("0.5 TeV", "20 TeV", nbin=8, name="energy_true")
E_RECO = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
OFFSET = MapAxis.from_bounds(0, 3, nbin=6, unit="deg", name="offset")


def _aeff(offset_dependent=True):
    energy = E_TRUE.center.to_value("TeV")[:, None]
    offset = OFFSET.center.to_value("deg")[None, :]
    data = (
        1e5
        * energy**0.5
        * ((1 - offset / 4) if offset_dependent else np.ones_like(offset))
    )
    return EffectiveAreaTable2D(axes=[E_TRUE, OFFSET], data=data, unit="m2")


def _bkg(func, fov_alignment="RADEC"):
    energy = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=12)
    lon = MapAxis.from_bounds(-3, 3, nbin=30, unit="deg", name="fov_lon")
    lat = MapAxis.from_bounds(-3, 3, nbin=30, unit="deg", name="fov_lat")
    e = energy.center.to_value("TeV")[:, None, None]
    x = lon.center.to_value("deg")[None, :, None]
    y = lat.center.to_value("deg")[None, None, :]
    data = np.broadcast_to(func(e, x, y), (12, 30, 30))
    return Background3D(
        axes=[energy, lon, lat],
        data=data,
        unit="s-1 MeV-1 sr-1",
        fov_alignment=fov_alignment,
    )


def _geom(axes, width=2.0, binsz=0.1):
    return WcsGeom.create(skydir=POINTING, width=width, binsz=binsz, axes=axes)


def test_exposure_exact():
    geom = _geom([E_TRUE])
    aeff = _aeff()
    exposure = make_map_exposure_true_energy(POINTING, 100 * u.s, aeff, geom)
    assert exposure.unit == u.Unit("m2 s")
    offset = geom.to_image().separation(POINTING)
    direct = (
        aeff.evaluate(energy_true=E_TRUE.center[:, None, None], offset=offset[None])
        * 100
        * u.s
    )
    np.testing.assert_allclose(exposure.data, direct.to_value("m2 s"), rtol=1e-12)
    # constant in offset: aeff * livetime exactly
    flat = make_map_exposure_true_energy(POINTING, 100 * u.s, _aeff(False), geom)
    expected = 1e7 * E_TRUE.center.to_value("TeV") ** 0.5
    np.testing.assert_allclose(flat.data[:, 5, 5], expected, rtol=1e-12)


def test_exposure_region_and_errors():
    region_geom = RegionGeom.create("icrs;circle(83.6, 22.5, 0.2)", axes=[E_TRUE])
    exposure = make_map_exposure_true_energy(POINTING, 10 * u.s, _aeff(), region_geom)
    assert exposure.data.shape == (8, 1, 1)
    value = _aeff().evaluate(energy_true=E_TRUE.center, offset=0.5 * u.deg) * 10 * u.s
    np.testing.assert_allclose(exposure.data.ravel(), value.to_value("m2 s"), rtol=1e-3)
    with pytest.raises(AxisError, match="energy_true"):
        make_map_exposure_true_energy(POINTING, 10 * u.s, _aeff(), _geom([E_RECO]))


def test_background_constant_rate_exact():
    rate = 1e-6  # s-1 MeV-1 sr-1
    bkg = _bkg(lambda e, x, y: rate + 0 * e * x * y)
    geom = _geom([E_RECO])
    counts = make_map_background_irf(POINTING, 1000 * u.s, bkg, geom)
    width = E_RECO.bin_width.to_value("MeV")[:, None, None]
    expected = rate * width * 1000 * geom.to_image().solid_angle().to_value("sr")
    np.testing.assert_allclose(counts.data, expected, rtol=1e-9)
    with pytest.raises(AxisError, match="energy"):
        make_map_background_irf(POINTING, 1000 * u.s, bkg, _geom([E_TRUE]))


def test_background_power_law_log_log_exact():
    bkg = _bkg(lambda e, x, y: 1e-6 * e**-2.7 + 0 * x * y)
    geom = _geom([E_RECO], width=0.5)
    counts = make_map_background_irf(POINTING, 1 * u.s, bkg, geom)
    emin, emax = E_RECO.edges[:-1].to_value("MeV"), E_RECO.edges[1:].to_value("MeV")
    norm = 1e-6 * (1e6) ** 2.7  # rate in MeV units
    integral = norm / 1.7 * (emin**-1.7 - emax**-1.7)
    expected = integral[:, None, None] * geom.to_image().solid_angle().to_value("sr")
    np.testing.assert_allclose(counts.data, expected, rtol=1e-6)


def test_background_radec_orientation():
    """RADEC alignment: fov_lon grows with RA (offset frame), fov_lat with Dec."""
    bkg = _bkg(lambda e, x, y: 1e-6 * np.exp(x + 2 * y) + 0 * e)
    geom = _geom([E_RECO])
    counts = make_map_background_irf(POINTING, 1 * u.s, bkg, geom).data[0]
    # pixel x grows towards smaller RA (CAR, east left); y grows with Dec
    assert counts[10, 5] > counts[10, 15]
    assert counts[15, 10] > counts[5, 10]


@pytest.fixture(scope="module")
def altaz_setup():
    location = EarthLocation(lon=16.5 * u.deg, lat=-23.27 * u.deg, height=1800 * u.m)
    t0 = Time("2004-12-04T22:00:00")
    pointing = FixedPointingInfo(
        fixed_icrs=POINTING, location=location, time_start=t0, time_stop=t0 + 1800 * u.s
    )
    return pointing, location, t0


def test_background_altaz_radial_equals_radec(altaz_setup):
    pointing, _, t0 = altaz_setup
    radial = lambda e, x, y: 1e-6 * np.exp(-(x**2 + y**2)) + 0 * e  # noqa: E731
    geom = _geom([E_RECO])
    kwargs = dict(time_start=t0, time_stop=t0 + 1800 * u.s)
    a = make_map_background_irf(
        pointing, 1800 * u.s, _bkg(radial, "ALTAZ"), geom, **kwargs
    )
    b = make_map_background_irf(
        pointing, 1800 * u.s, _bkg(radial, "RADEC"), geom, **kwargs
    )
    # equal up to the bilinear interpolation of the 0.2 deg model grid
    np.testing.assert_allclose(a.data, b.data, rtol=2e-2)
    assert a.data.sum() == pytest.approx(b.data.sum(), rel=2e-3)


def test_background_altaz_follows_altitude(altaz_setup):
    pointing, location, t0 = altaz_setup
    model = _bkg(lambda e, x, y: 1e-6 * np.exp(2 * y) + 0 * e, "ALTAZ")
    geom = _geom([E_RECO], width=2.0, binsz=0.2)
    # a short observation: the FoV hardly rotates, altitude gradient is well defined
    counts = make_map_background_irf(
        pointing, 60 * u.s, model, geom, time_start=t0, time_stop=t0 + 60 * u.s
    ).data[0]
    coords = geom.to_image().get_coord().skycoord
    alt = coords.transform_to(AltAz(obstime=t0 + 30 * u.s, location=location)).alt.deg
    # background grows with altitude: strongly correlated
    corr = np.corrcoef(np.log(counts.ravel()), alt.ravel())[0, 1]
    assert corr > 0.99
    # over a long observation the FoV rotates: the map differs from the short one
    long = make_map_background_irf(
        pointing,
        4 * 3600 * u.s,
        model,
        geom,
        time_start=t0,
        time_stop=t0 + 4 * 3600 * u.s,
        fov_rotation_step=1 * u.deg,
    ).data[0] / (4 * 60)
    assert not np.allclose(long, counts, rtol=1e-2)


def test_fill_missing_energy():
    bkg = _bkg(lambda e, x, y: 1e-6 * e**-2.0 + 0 * x * y)
    data = bkg.data.copy()
    data[5] = 0
    data[0] = 0  # leading zeros are not filled
    bkg.data = data
    filled = _fill_missing_energy(bkg)
    e = bkg.axes["energy"].center.to_value("TeV")
    np.testing.assert_allclose(filled.data[5], 1e-6 * e[5] ** -2.0, rtol=1e-5)
    assert np.all(filled.data[0] == 0)
    assert np.all(bkg.data[5] == 0)  # input untouched


def test_edisp_maps():
    migra = MapAxis.from_bounds(0.2, 5, nbin=120, name="migra")
    edisp = EnergyDispersion2D.from_gauss(E_TRUE, migra, OFFSET, bias=0.0, sigma=0.1)
    geom = _geom([E_RECO, E_TRUE], width=1.0, binsz=0.5)
    kernel_map = make_edisp_kernel_map(edisp, POINTING, geom)
    kernel = kernel_map.get_edisp_kernel(position=POINTING)
    direct = edisp.to_edisp_kernel(
        0 * u.deg, energy_axis_true=E_TRUE, energy_axis=E_RECO
    )
    np.testing.assert_allclose(kernel.pdf_matrix, direct.pdf_matrix, atol=2e-3)
    # rows of true energies well inside the reco range are normalised
    inside = (E_TRUE.center > 1.5 * u.TeV) & (E_TRUE.center < 7 * u.TeV)
    np.testing.assert_allclose(kernel.pdf_matrix[inside].sum(axis=1), 1, atol=1e-3)
    migra_map = make_edisp_map(
        edisp, POINTING, _geom([migra, E_TRUE], width=1.0, binsz=0.5)
    )
    assert migra_map.edisp_map.data.shape == (8, 120, 2, 2)


def test_psf_map(crab_observations):
    obs = crab_observations[0]
    rad = MapAxis.from_bounds(0, 0.5, nbin=25, unit="deg", name="rad")
    geom = _geom([rad, E_TRUE], width=2.0, binsz=0.5)
    pointing = obs.get_pointing_icrs(obs.tmid)
    psf_map = make_psf_map(obs.psf, pointing, geom)
    assert psf_map.psf_map.unit == u.Unit("sr-1")
    offset = geom.to_image().separation(pointing)
    direct = obs.psf.evaluate(
        energy_true=E_TRUE.center[:, None, None, None],
        rad=rad.center[None, :, None, None],
        offset=offset[None, None],
    )
    np.testing.assert_allclose(
        psf_map.psf_map.data, direct.to_value("sr-1"), rtol=1e-10
    )


def test_theta_squared_and_time_maps(crab_observations):
    obs = crab_observations[:2]
    axis = MapAxis.from_bounds(0, 0.2, nbin=10, unit="deg2", name="theta_squared")
    crab = SkyCoord(83.633, 22.014, unit="deg")
    table = make_theta_squared_table(obs, axis, crab)
    assert len(table) == 10
    # the Crab: on counts far above off counts in the first bin
    assert table["counts"][0] > 3 * table["counts_off"][0]
    total = sum(
        int(np.sum(o.events.radec.separation(crab).deg ** 2 < 0.2)) for o in obs
    )
    assert table["counts"].sum() == total
    geom = WcsGeom.create(skydir=crab, width=6, binsz=0.5)
    time_map = make_observation_time_map(obs, geom, offset_max=2.5 * u.deg)
    hours = sum(o.observation_time_duration.to_value("h") for o in obs)
    assert time_map.get_by_coord({"skycoord": crab})[0] == pytest.approx(hours)
    assert time_map.data.min() == 0
    lt = make_effective_livetime_map(
        obs, geom.to_cube([E_TRUE]), offset_max=2.5 * u.deg
    )
    assert lt.unit == u.h
    lt_hours = sum(o.observation_live_time_duration.to_value("h") for o in obs)
    value = lt.get_by_coord({"skycoord": crab, "energy_true": 1 * u.TeV})[0]
    assert 0.7 * lt_hours < value <= lt_hours * 1.001


def test_fast_background_integral_equals_direct(crab_observations):
    from gammaray.makers._irf_eval import background_integral

    bkg = crab_observations[0].bkg
    edges = np.geomspace(1, 10, 7) * u.TeV
    rng = np.random.default_rng(1)
    lon = rng.uniform(-3, 3, (30, 40))
    lat = rng.uniform(-3, 3, (30, 40))
    fast = background_integral(bkg, edges, lon, lat)
    direct = bkg.integrate_log_log(
        axis_name="energy",
        energy=edges[:, None, None],
        fov_lon=lon[None] * u.deg,
        fov_lat=lat[None] * u.deg,
    )
    np.testing.assert_allclose(fast.to_value(direct.unit), direct.value, rtol=1e-10)
    # no background model beyond the field-of-view edges (2.5 deg): zero
    outside = (np.abs(lon) > 2.5) | (np.abs(lat) > 2.5)
    assert np.all(fast.value[:, outside] == 0)
    assert np.all(fast.value[:, ~outside] > 0)


def test_background_far_outside_fov_is_zero(crab_observations):
    """Far from the pointing the background is zero, not an overflowing
    log-space extrapolation (which gave inf pixels)."""
    from gammaray.makers._irf_eval import background_integral

    bkg = crab_observations[0].bkg
    edges = np.geomspace(1, 10, 4) * u.TeV
    lon = np.linspace(-60, 60, 121)
    lat = np.linspace(-60, 60, 121)[::-1]
    with np.errstate(all="raise"):
        fast = background_integral(bkg, edges, lon, lat)
    assert np.all(np.isfinite(fast.value))
    assert np.all(fast.value[:, np.abs(lon) > 3] == 0)
    value = bkg.evaluate(energy=1 * u.TeV, fov_lon=30 * u.deg, fov_lat=0 * u.deg)
    assert value.value == 0
    # between the outermost bin centre and the edge the model is extrapolated
    edge = bkg.axes["fov_lon"].edges[-1].to_value("deg")
    inner = bkg.evaluate(energy=1 * u.TeV, fov_lon=edge * u.deg, fov_lat=0 * u.deg)
    assert np.isfinite(inner.value) and inner.value > 0


def test_reduction_far_from_pointing(hess_data_store):
    """An observation reduced on a geometry far from its pointing (a common
    survey geometry) gives a finite, zero background map."""
    from gammaray.datasets import MapDataset
    from gammaray.makers import MapDatasetMaker
    from gammaray.maps import MapAxis, WcsGeom

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(skydir=(83.6, 22.0), width=(4, 3), binsz=0.05, axes=[axis])
    obs = hess_data_store.obs(20136)  # 100 deg away from the Crab
    dataset = MapDatasetMaker(selection=["counts", "background"]).run(
        MapDataset.create(geom), obs
    )
    assert np.all(dataset.background.data == 0)
    assert dataset.counts.data.sum() == 0


def test_lazy_background_maker_names():
    import gammaray.makers as makers

    assert "RingBackgroundMaker" in makers.__all__
    assert "FoVBackgroundMaker" in dir(makers)
    with pytest.raises(AttributeError, match="NoSuchMaker"):
        makers.NoSuchMaker  # noqa: B018
    assert makers.MAKER_REGISTRY.get_cls("MapDatasetMaker") is makers.MapDatasetMaker
