"""Session fixtures of the makers tests (real H.E.S.S. DL3-DR1 data)."""

import astropy.units as u
import pytest

CRAB_OBS_IDS = [23523, 23526, 23559, 23592]


@pytest.fixture(scope="session")
def hess_data_store(gammaray_data):
    """`DataStore` of hess-dl3-dr1."""
    from gammaray.data import DataStore

    return DataStore.from_dir(gammaray_data / "hess-dl3-dr1")


@pytest.fixture(scope="session")
def crab_observations(hess_data_store):
    """The four Crab runs (IRFs loaded once per session)."""
    return hess_data_store.get_observations(CRAB_OBS_IDS)


@pytest.fixture(scope="session")
def crab_geom():
    """4 x 3 deg, 0.02 deg pixels, 6 energy bins 1-10 TeV, centred on the Crab."""
    from gammaray.maps import MapAxis, WcsGeom

    energy_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=6)
    return WcsGeom.create(
        skydir=(83.633, 22.014), width=(4, 3) * u.deg, binsz=0.02, axes=[energy_axis]
    )


@pytest.fixture(scope="session")
def energy_axis_true():
    """20 true-energy bins 0.5-20 TeV."""
    from gammaray.maps import MapAxis

    return MapAxis.from_energy_bounds("0.5 TeV", "20 TeV", nbin=20, name="energy_true")


@pytest.fixture(scope="session")
def crab_dataset_23523(crab_observations, crab_geom, energy_axis_true):
    """Run 23523 reduced with the default MapDatasetMaker on the Crab geometry."""
    from gammaray.datasets import MapDataset
    from gammaray.makers import MapDatasetMaker

    empty = MapDataset.create(crab_geom, energy_axis_true=energy_axis_true, name="ref")
    return MapDatasetMaker().run(empty, crab_observations[0])


@pytest.fixture(scope="session")
def crab_stacked_3d():
    """The stacked 3D Crab dataset of ``examples/crab_3d.py``."""
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "crab_3d.py"
    module = runpy.run_path(str(path))
    return module["make_stacked_dataset"](), module["fit_crab"]
