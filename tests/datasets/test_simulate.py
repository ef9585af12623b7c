"""MapDatasetEventSampler: simulated events binned back reproduce npred."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time

from gammaray.data import GTI, EventList, FixedPointingInfo, Observation
from gammaray.datasets import MapDataset, MapDatasetEventSampler
from gammaray.irf import EDispKernelMap, PSFMap
from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.modeling.models import (
    ExpDecayTemporalModel,
    PointSpatialModel,
    PowerLawSpectralModel,
    SkyModel,
)

T_REF = Time("2020-01-01T00:00:00", scale="utc")


@pytest.fixture(scope="module")
def dataset():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
    axis_true = MapAxis.from_energy_bounds(
        "0.5 TeV", "20 TeV", nbin=12, name="energy_true"
    )
    geom = WcsGeom.create(
        skydir=(83.63, 22.01), binsz=0.05, width=2.0, axes=[axis], frame="icrs"
    )
    ds = MapDataset.create(geom, energy_axis_true=axis_true, name="sim")
    ds.exposure.quantity = np.full(ds.exposure.data.shape, 2e13) * u.Unit("cm2 s")
    ds.background.data[...] = 1.5
    ds.mask_safe.data[...] = True
    ds.psf = PSFMap.from_gauss(axis_true, sigma=0.1 * u.deg)
    ds.edisp = EDispKernelMap.from_gauss(
        axis, axis_true, sigma=0.15, bias=0, geom=geom.to_image()
    )
    ds.gti = GTI.create([0] * u.s, [3600] * u.s, reference_time=T_REF)
    ds.models = SkyModel(
        spectral_model=PowerLawSpectralModel(
            amplitude="1e-10 cm-2 s-1 TeV-1", index=2.5
        ),
        spatial_model=PointSpatialModel(
            lon_0="83.63 deg", lat_0="22.01 deg", frame="icrs"
        ),
        name="src",
    )
    return ds


def test_binned_events_match_npred(dataset):
    npred = dataset.npred()
    n_signal = dataset.npred_signal().data.sum()
    assert n_signal > 1000
    events = MapDatasetEventSampler(random_state=0).run(dataset)
    assert isinstance(events, EventList)
    table = events.table
    assert {"EVENT_ID", "TIME", "RA", "DEC", "ENERGY", "MC_ID"} <= set(table.colnames)
    counts = Map.from_geom(npred.geom)
    counts.fill_events(events)
    # events outside the geometry are not expected (PSF spill-over is small)
    assert counts.data.sum() == pytest.approx(len(table), rel=0.02)
    n_src = np.sum(table["MC_ID"] == 1)
    assert n_src == pytest.approx(n_signal, abs=5 * np.sqrt(n_signal))
    # chi2 test on 0.1 deg pixels with enough counts
    n = counts.downsample(2).data
    mu = npred.downsample(2).data
    sel = mu >= 5
    chi2_red = np.sum((n[sel] - mu[sel]) ** 2 / mu[sel]) / sel.sum()
    assert sel.sum() > 200
    assert 0.8 < chi2_red < 1.2
    # signal-dominated bins alone (tests PSF and energy dispersion sampling)
    signal = dataset.npred_signal().downsample(2).data
    sel = signal > 3 * (mu - signal) + 5
    assert sel.sum() > 10
    chi2_src = np.sum((n[sel] - mu[sel]) ** 2 / mu[sel]) / sel.sum()
    assert chi2_src < 1.6
    # energy distribution of the source events follows npred
    for i in range(5):
        assert n[i].sum() == pytest.approx(mu[i].sum(), abs=5 * np.sqrt(mu[i].sum()))


def test_times_meta_and_observation(dataset):
    pointing = FixedPointingInfo(fixed_icrs=SkyCoord(83.63, 22.51, unit="deg"))
    obs = Observation(
        obs_id=42,
        pointing=pointing,
        gti=dataset.gti,
        meta={"LIVETIME": 3600.0, "DEADC": 1.0},
    )
    sampler = MapDatasetEventSampler(random_state=1, keep_mc_id=False)
    events = sampler.run(dataset, observation=obs)
    table = events.table
    assert "MC_ID" not in table.colnames
    assert np.all((table["TIME"] >= 0) & (table["TIME"] <= 3600))
    assert np.all(np.diff(table["TIME"]) >= 0)
    meta = table.meta
    assert meta["OBS_ID"] == 42
    assert meta["RA_PNT"] == pytest.approx(83.63)
    assert meta["DEC_PNT"] == pytest.approx(22.51)
    assert meta["MMN00001"] == "src"
    assert meta["TSTART"] == pytest.approx(0) and meta["TSTOP"] == pytest.approx(3600)
    assert "DETX" in table.colnames


def test_temporal_model_times(dataset):
    ds = dataset.copy(name="flare")
    model = dataset.models["src"].copy(name="flare")
    model.temporal_model = ExpDecayTemporalModel(t0="600 s", t_ref=T_REF.mjd * u.d)
    ds.models = model
    ds.background = None
    sampler = MapDatasetEventSampler(random_state=2)
    table = sampler.sample_sources(ds)
    times = (table["TIME"] - T_REF).to_value("s")
    # exponential decay with 600 s: the mean within [0, 3600] s is well below 1800 s
    assert 400 < np.mean(times) < 800


def test_sample_edisp_and_psf_shapes(dataset):
    sampler = MapDatasetEventSampler(random_state=3)
    table = sampler.sample_sources(dataset)
    with_psf = sampler.sample_psf(dataset.psf, table)
    sep = SkyCoord(with_psf["RA"], with_psf["DEC"]).separation(
        SkyCoord(with_psf["RA_TRUE"], with_psf["DEC_TRUE"])
    )
    # Gaussian PSF sigma 0.1 deg: 68 % containment radius 0.151 deg
    assert np.percentile(sep.deg, 68) == pytest.approx(0.151, rel=0.1)
    with_edisp = sampler.sample_edisp(dataset.edisp, with_psf)
    ratio = (
        with_edisp["ENERGY"].quantity / with_edisp["ENERGY_TRUE"].quantity
    ).to_value("")
    # no bias; the spread is the resolution plus the reco bin width (factor 1.58)
    assert np.median(ratio) == pytest.approx(1, abs=0.1)
    assert 0.15 < np.std(ratio) < 0.35
    assert len(with_edisp) < len(
        with_psf
    )  # events dispersed outside 1-10 TeV are dropped
