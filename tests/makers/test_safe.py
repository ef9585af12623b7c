"""Tests of `SafeMaskMaker`."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from gammaray.makers import SafeMaskMaker


def test_offset_max(crab_dataset_23523, crab_observations, crab_geom):
    obs = crab_observations[0]
    ds = SafeMaskMaker(methods=["offset-max"], offset_max="1.5 deg").run(
        crab_dataset_23523, obs
    )
    sep = crab_geom.to_image().separation(obs.get_pointing_icrs(obs.tmid)).deg
    expected = np.broadcast_to(sep < 1.5, crab_geom.data_shape)
    assert np.array_equal(ds.mask_safe.data, expected)
    assert ds.mask_safe.data.dtype == bool
    # input unchanged
    assert crab_dataset_23523.mask_safe.data.all()


def test_aeff_default(crab_dataset_23523, crab_observations):
    obs = crab_observations[0]
    lo = obs.aeff.meta["LO_THRES"] * u.TeV
    ds = SafeMaskMaker(methods=["aeff-default"]).run(crab_dataset_23523, obs)
    edges = crab_dataset_23523.counts.geom.axes["energy"].edges
    expected = edges[:-1] >= lo
    assert np.array_equal(ds.mask_safe.data[:, 0, 0], expected)
    assert ds.mask_safe.data.any()


def test_combined_with_existing_mask(crab_dataset_23523, crab_observations):
    obs = crab_observations[0]
    first = SafeMaskMaker(methods=["offset-max"], offset_max="1 deg").run(
        crab_dataset_23523, obs
    )
    both = SafeMaskMaker(methods=["offset-max"], offset_max="2 deg").run(first, obs)
    assert np.array_equal(both.mask_safe.data, first.mask_safe.data)


def test_aeff_max_dl3_and_dl4(crab_dataset_23523, crab_observations):
    obs = crab_observations[0]
    pos = SkyCoord(83.633, 22.014, unit="deg")
    dl4 = SafeMaskMaker(methods=["aeff-max"], aeff_percent=10, position=pos).run(
        crab_dataset_23523, obs
    )
    dl3 = SafeMaskMaker(
        methods=["aeff-max"], aeff_percent=10, position=pos, irfs="DL3"
    ).run(crab_dataset_23523, obs)
    # the threshold lies below 1 TeV for H.E.S.S. at 0.5 deg offset: all bins kept
    assert dl4.mask_safe.data.all()
    assert dl3.mask_safe.data.all()
    strict = SafeMaskMaker(
        methods=["aeff-max"], aeff_percent=90, position=pos, irfs="DL3"
    )
    mask = strict.run(crab_dataset_23523, obs).mask_safe.data[:, 0, 0]
    # mask is a contiguous high-energy range that excludes the lowest bin
    assert not mask[0] and mask[-1]
    assert np.all(np.diff(mask.astype(int)) >= 0)
    fixed = SafeMaskMaker(
        methods=["aeff-max"], aeff_percent=90, fixed_offset="0.5 deg", irfs="DL3"
    )
    assert np.array_equal(
        fixed.run(crab_dataset_23523, obs).mask_safe.data[:, 0, 0], mask
    )


def test_edisp_bias(crab_dataset_23523, crab_observations):
    obs = crab_observations[0]
    ds = SafeMaskMaker(methods=["edisp-bias"], bias_percent=10).run(
        crab_dataset_23523, obs
    )
    mask = ds.mask_safe.data[:, 0, 0]
    assert mask[-1]
    assert np.all(np.diff(mask.astype(int)) >= 0)
    dl3 = SafeMaskMaker(methods=["edisp-bias"], bias_percent=10, irfs="DL3")
    assert dl3.run(crab_dataset_23523, obs).mask_safe.data[-1].all()


def test_bkg_peak(crab_dataset_23523, crab_observations):
    ds = SafeMaskMaker(methods=["bkg-peak"]).run(
        crab_dataset_23523, crab_observations[0]
    )
    spectrum = crab_dataset_23523.background.data.sum(axis=(1, 2))
    peak = int(np.argmax(spectrum))
    expected = np.arange(6) >= peak
    assert np.array_equal(ds.mask_safe.data[:, 0, 0], expected)


def test_errors(crab_dataset_23523, crab_observations):
    with pytest.raises(ValueError, match="Unknown safe mask methods"):
        SafeMaskMaker(methods=["nope"])
    with pytest.raises(ValueError, match="observation"):
        SafeMaskMaker(methods=["offset-max"]).run(crab_dataset_23523)
    obs = crab_observations[0]
    aeff = obs.aeff.copy()
    aeff.meta = {}
    with pytest.raises(ValueError, match="LO_THRES"):
        SafeMaskMaker().run(crab_dataset_23523, obs.copy(aeff=aeff))
    assert "aeff-default" in str(SafeMaskMaker())
