"""Tests of `FoVBackgroundMaker`."""

import logging

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from gammaray.datasets import MapDataset
from gammaray.makers import FoVBackgroundMaker, MapDatasetMaker
from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.utils.errors import GammarayWarning, InvalidModelError

CRAB = SkyCoord(83.633, 22.014, unit="deg")


@pytest.fixture(scope="module")
def small_dataset(crab_observations):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(skydir=CRAB, width=2.0, binsz=0.05, axes=[axis])
    empty = MapDataset.create(geom, name="small")
    return MapDatasetMaker(selection=["counts", "background"]).run(
        empty, crab_observations[0]
    )


def _exclusion(geom, radius=0.3):
    return ~geom.to_image().region_mask([CircleSkyRegion(CRAB, radius * u.deg)])


def test_scale_norm_is_counts_over_background(small_dataset):
    exclusion = _exclusion(small_dataset.counts.geom)
    ds = FoVBackgroundMaker(exclusion_mask=exclusion).run(small_dataset)
    mask = np.broadcast_to(exclusion.data, small_dataset.counts.data.shape)
    expected = (
        small_dataset.counts.data[mask].sum()
        / small_dataset.background.data[mask].sum()
    )
    norm = ds.models[f"{ds.name}-bkg"].spectral_model.norm
    assert norm.value == pytest.approx(expected, rel=1e-12)
    assert norm.error == pytest.approx(
        np.sqrt(small_dataset.counts.data[mask].sum())
        / small_dataset.background.data[mask].sum()
    )
    assert 0.5 < norm.value < 1.5
    # npred background is scaled; mask_fit restored
    np.testing.assert_allclose(
        ds.npred_background().data, expected * small_dataset.background.data, rtol=1e-10
    )
    assert ds.mask_fit is None
    assert small_dataset.models is None  # input untouched


def test_fit_agrees_with_scale(small_dataset):
    exclusion = _exclusion(small_dataset.counts.geom)
    scale = FoVBackgroundMaker(exclusion_mask=exclusion).run(small_dataset)
    fit = FoVBackgroundMaker(method="fit", exclusion_mask=exclusion).run(small_dataset)
    n_scale = scale.models[0].spectral_model.norm.value
    n_fit = fit.models[0].spectral_model.norm.value
    # for a single free norm the Cash maximum-likelihood solution is counts / background
    assert n_fit == pytest.approx(n_scale, rel=1e-3)


def test_integer_and_reprojected_masks(small_dataset):
    geom = small_dataset.counts.geom
    exclusion = _exclusion(geom)
    as_int = Map.from_geom(exclusion.geom, data=exclusion.data.astype(np.int16))
    a = FoVBackgroundMaker(exclusion_mask=exclusion).run(small_dataset)
    b = FoVBackgroundMaker(exclusion_mask=as_int).run(small_dataset)
    assert (
        a.models[0].spectral_model.norm.value == b.models[0].spectral_model.norm.value
    )
    # a galactic mask with another pixel size is reprojected with a warning
    gal_geom = WcsGeom.create(
        skydir=CRAB.galactic, width=3.0, binsz=0.04, frame="galactic"
    )
    gal = _exclusion(gal_geom)
    with pytest.warns(GammarayWarning, match="reprojected"):
        c = FoVBackgroundMaker(exclusion_mask=gal).run(small_dataset)
    assert c.models[0].spectral_model.norm.value == pytest.approx(
        a.models[0].spectral_model.norm.value, rel=0.02
    )


def test_too_few_counts_sets_mask_false(small_dataset, caplog):
    with caplog.at_level(logging.WARNING):
        ds = FoVBackgroundMaker(min_counts=1e9).run(small_dataset)
    assert "FoVBackgroundMaker failed" in caplog.text
    assert not ds.mask_safe.data.any()


def test_bad_spectral_model():
    from gammaray.modeling.models import PowerLawSpectralModel

    with pytest.raises(InvalidModelError, match="norm spectral model"):
        FoVBackgroundMaker(spectral_model=PowerLawSpectralModel())
    with pytest.raises(ValueError, match="Unknown FoVBackgroundMaker method"):
        FoVBackgroundMaker(method="magic")
