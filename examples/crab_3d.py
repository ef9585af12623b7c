"""3D analysis of the Crab nebula with four H.E.S.S. DL3-DR1 runs.

The runs 23523, 23526, 23559 and 23592 are reduced to one stacked
`MapDataset` (4 x 3 deg, 0.02 deg pixels, 6 energy bins 1-10 TeV), the
background template is normalised outside an exclusion region around the
Crab (FoV background), and a point source with a power-law spectrum is fitted.

Run with ``python examples/crab_3d.py`` (``GAMMARAY_DATA`` must be set).
"""

import astropy.units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from gammaray.data import DataStore
from gammaray.datasets import MapDataset
from gammaray.makers import (
    DatasetsMaker,
    FoVBackgroundMaker,
    MapDatasetMaker,
    SafeMaskMaker,
)
from gammaray.maps import MapAxis, WcsGeom
from gammaray.modeling import Fit
from gammaray.modeling.models import (
    FoVBackgroundModel,
    Models,
    PointSpatialModel,
    PowerLawSpectralModel,
    SkyModel,
)

CRAB = SkyCoord(83.633, 22.014, unit="deg", frame="icrs")
OBS_IDS = [23523, 23526, 23559, 23592]


def make_stacked_dataset(n_jobs=1, show_progress=False):
    """Reduce the four Crab runs into one stacked `MapDataset`."""
    data_store = DataStore.from_dir("$GAMMARAY_DATA/hess-dl3-dr1")
    observations = data_store.get_observations(OBS_IDS)
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=6)
    energy_axis_true = MapAxis.from_energy_bounds(
        "0.5 TeV", "20 TeV", nbin=20, name="energy_true"
    )
    geom = WcsGeom.create(
        skydir=CRAB, width=(4, 3) * u.deg, binsz=0.02 * u.deg, axes=[energy_axis]
    )
    empty = MapDataset.create(
        geom, energy_axis_true=energy_axis_true, name="crab-stacked"
    )
    exclusion_mask = ~geom.to_image().region_mask([CircleSkyRegion(CRAB, 0.3 * u.deg)])
    makers = [
        MapDatasetMaker(),
        SafeMaskMaker(methods=["offset-max", "aeff-default"], offset_max="2.5 deg"),
        FoVBackgroundMaker(method="scale", exclusion_mask=exclusion_mask),
    ]
    maker = DatasetsMaker(
        makers, stack_datasets=True, n_jobs=n_jobs, show_progress=show_progress
    )
    return maker.run(empty, observations)[0]


def fit_crab(dataset):
    """Fit a point source with a power law plus the FoV background norm."""
    spectral_model = PowerLawSpectralModel(
        index=2.6, amplitude="4e-11 cm-2 s-1 TeV-1", reference="1 TeV"
    )
    spatial_model = PointSpatialModel(lon_0=CRAB.ra, lat_0=CRAB.dec, frame="icrs")
    source = SkyModel(
        spectral_model=spectral_model, spatial_model=spatial_model, name="crab"
    )
    dataset.models = Models([source, FoVBackgroundModel(dataset_name=dataset.name)])
    result = Fit().run(datasets=[dataset])
    return result, source


if __name__ == "__main__":
    stacked = make_stacked_dataset()
    print(stacked)
    result, crab = fit_crab(stacked)
    print(result)
    pars = crab.spectral_model
    print(f"index     = {pars.index.value:.3f} +- {pars.index.error:.3f}")
    print(
        f"amplitude = {pars.amplitude.value:.3e} +- {pars.amplitude.error:.3e} cm-2 s-1 TeV-1"
    )
