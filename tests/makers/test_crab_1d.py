"""1D (reflected-regions) analysis of the H.E.S.S. DL3 DR1 Crab runs, end to end.

The session fixture ``crab_observations`` (runs 23523, 23526, 23559, 23592) comes
from ``tests/makers/conftest.py``.
"""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose
from regions import CircleSkyRegion

from gammaray.datasets import Datasets, SpectrumDataset, SpectrumDatasetOnOff
from gammaray.maps import Map, MapAxis, RegionGeom
from gammaray.utils.errors import FormatWarning

CRAB = SkyCoord(83.633, 22.014, unit="deg", frame="icrs")


@pytest.fixture(scope="session")
def crab_exclusion_mask(gammaray_data):
    """The joint-crab exclusion mask: integer-typed on disk, accepted as boolean."""
    return Map.read(gammaray_data / "joint-crab/exclusion/exclusion_mask_crab.fits.gz")


@pytest.fixture(scope="session")
def crab_spectrum_datasets(crab_observations, crab_exclusion_mask):
    from gammaray.makers import (
        ReflectedRegionsBackgroundMaker,
        SafeMaskMaker,
        SpectrumDatasetMaker,
    )

    energy_axis = MapAxis.from_energy_bounds(
        "0.5 TeV", "40 TeV", nbin=5, per_decade=True
    )
    energy_axis_true = MapAxis.from_energy_bounds(
        "0.3 TeV", "100 TeV", nbin=10, per_decade=True, name="energy_true"
    )
    geom = RegionGeom.create(CircleSkyRegion(CRAB, 0.11 * u.deg), axes=[energy_axis])
    empty = SpectrumDataset.create(geom=geom, energy_axis_true=energy_axis_true)
    maker = SpectrumDatasetMaker(
        containment_correction=True, selection=["counts", "exposure", "edisp"]
    )
    with pytest.warns(FormatWarning, match="boolean"):
        bkg_maker = ReflectedRegionsBackgroundMaker(exclusion_mask=crab_exclusion_mask)
    safe_maker = SafeMaskMaker(methods=["aeff-max"], aeff_percent=10)
    datasets = Datasets()
    for observation in crab_observations:
        dataset = maker.run(empty.copy(name=str(observation.obs_id)), observation)
        dataset_onoff = bkg_maker.run(dataset, observation)
        datasets.append(safe_maker.run(dataset_onoff, observation))
    return datasets


def test_crab_reflected_regions(crab_spectrum_datasets, crab_observations):
    for dataset, observation in zip(
        crab_spectrum_datasets, crab_observations, strict=True
    ):
        assert isinstance(dataset, SpectrumDatasetOnOff)
        n_off_regions = dataset.acceptance_off.data.ravel()
        assert np.all(n_off_regions == n_off_regions[0])
        pointing = observation.get_pointing_icrs(observation.tmid)
        offset = CRAB.separation(pointing).deg
        # wobble offsets 0.5 deg (runs 23523, 23526) and 1.5 deg (23559, 23592);
        # at most 2 pi / (angular size) regions fit on the circle, fewer with exclusion
        size = 2 * np.arcsin(0.11 / offset)
        n_max = int((2 * np.pi - 2 * (size + 0.1)) / size) + 1
        assert 0.5 * n_max <= n_off_regions[0] <= n_max
        assert_allclose(dataset.acceptance.data, 1)
        assert dataset.counts_off.data.sum() > dataset.counts.data.sum() * 0.5
        # strong source: the ON counts exceed the scaled OFF counts by far
        excess = (
            dataset.counts.data.sum() - (dataset.alpha * dataset.counts_off).data.sum()
        )
        assert excess > 50


def test_crab_1d_power_law_fit(crab_spectrum_datasets):
    from gammaray.modeling import Fit
    from gammaray.modeling.models import PowerLawSpectralModel, SkyModel

    stacked = Datasets(crab_spectrum_datasets).stack_reduce(name="crab-stacked")
    assert isinstance(stacked, SpectrumDatasetOnOff)
    spectral_model = PowerLawSpectralModel(
        index=2.5, amplitude=3e-11 * u.Unit("cm-2 s-1 TeV-1"), reference=1 * u.TeV
    )
    stacked.models = SkyModel(spectral_model=spectral_model, name="crab")
    result = Fit().run(datasets=[stacked])
    assert result.success
    model = stacked.models["crab"].spectral_model
    index = model.parameters["index"].value
    amplitude = model.parameters["amplitude"].quantity.to_value("cm-2 s-1 TeV-1")
    assert 2.4 < index < 2.8
    assert 3.5e-11 < amplitude < 5.5e-11
    assert 0 < model.parameters["index"].error < 0.2
