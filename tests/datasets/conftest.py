"""Small synthetic map datasets shared by the datasets tests."""

import astropy.units as u
import numpy as np
import pytest

from gammaray.datasets import MapDataset
from gammaray.maps import MapAxis, WcsGeom


def make_dataset(
    name="test",
    psf_sigma=None,
    edisp=False,
    background=0.2,
    exposure=1e11,
    width=2.0,
    binsz=0.05,
):
    """3-bin (1-10 TeV) dataset around (0, 0) galactic with constant exposure (cm2 s)."""
    from gammaray.irf import EDispKernelMap, PSFMap

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    geom = WcsGeom.create(
        skydir=(0, 0), binsz=binsz, width=(width, width), frame="galactic", axes=[axis]
    )
    dataset = MapDataset.create(geom, name=name)
    dataset.exposure.quantity = np.full(dataset.exposure.data.shape, exposure) * u.Unit(
        "cm2 s"
    )
    dataset.background.data = np.full(dataset.data_shape, float(background))
    dataset.mask_safe.data[...] = True
    axis_true = dataset.exposure.geom.axes["energy_true"]
    if psf_sigma is None:
        dataset.psf = None
    else:
        dataset.psf = PSFMap.from_gauss(axis_true, sigma=psf_sigma * u.deg)
    if edisp:
        dataset.edisp = EDispKernelMap.from_diagonal_response(axis, axis_true)
    else:
        dataset.edisp = None
    return dataset


def make_models(dataset_name="test", lon=0.0, lat=0.0, amplitude=1e-11, bkg=True):
    from gammaray.modeling.models import (
        FoVBackgroundModel,
        Models,
        PointSpatialModel,
        PowerLawSpectralModel,
        SkyModel,
    )

    model = SkyModel(
        spectral_model=PowerLawSpectralModel(
            index=2.5, amplitude=f"{amplitude} cm-2 s-1 TeV-1", reference="1 TeV"
        ),
        spatial_model=PointSpatialModel(
            lon_0=f"{lon} deg", lat_0=f"{lat} deg", frame="galactic"
        ),
        name="source",
    )
    models = [model]
    if bkg:
        models.append(FoVBackgroundModel(dataset_name=dataset_name))
    return Models(models)


@pytest.fixture
def dataset():
    return make_dataset()


@pytest.fixture
def dataset_irf():
    """Dataset with a Gaussian PSF (0.1 deg) and diagonal energy dispersion, with models."""
    ds = make_dataset(psf_sigma=0.1, edisp=True)
    ds.models = make_models()
    return ds


FERMI = "fermi-3fhl-crab"


@pytest.fixture(scope="session")
def fermi_paths(gammaray_data):
    base = gammaray_data / FERMI
    return {
        "datasets": base / "Fermi-LAT-3FHL_datasets.yaml",
        "models": base / "Fermi-LAT-3FHL_models.yaml",
        "data": base / "Fermi-LAT-3FHL_data_Fermi-LAT.fits",
    }
