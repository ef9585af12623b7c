"""Tests of the YAML + FITS layout of `Datasets.read` / `Datasets.write`."""

import numpy as np
import pytest
import yaml

from gammaray.datasets import Datasets
from gammaray.utils.errors import InvalidFileError, OverwriteError

from .conftest import make_dataset, make_models


def test_write_read_round_trip(tmp_path):
    a, b = make_dataset(name="a", psf_sigma=0.1, edisp=True), make_dataset(name="b")
    datasets = Datasets([a, b])
    datasets.models = make_models(dataset_name="a")
    a.fake(random_state=0)
    b.fake(random_state=1)
    path = tmp_path / "sub" / "my_datasets.yaml"
    models_path = tmp_path / "sub" / "my_models.yaml"
    datasets.write(path, filename_models=models_path)
    index = yaml.safe_load(path.read_text())
    assert index == {
        "datasets": [
            {"name": "a", "type": "MapDataset", "filename": "my_data_a.fits"},
            {"name": "b", "type": "MapDataset", "filename": "my_data_b.fits"},
        ]
    }
    assert (tmp_path / "sub" / "my_data_a.fits").exists()
    with pytest.raises(OverwriteError):
        datasets.write(path, filename_models=models_path)
    new = Datasets.read(path, filename_models=models_path)
    assert new.names == ["a", "b"]
    assert np.array_equal(new["a"].counts.data, a.counts.data)
    assert new.stat_sum() == pytest.approx(datasets.stat_sum(), rel=1e-10)
    datasets.write(path, filename_models=models_path, overwrite=True)


def test_read_invalid_index(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("something: else\n")
    with pytest.raises(InvalidFileError, match="datasets"):
        Datasets.read(path)
    path.write_text("datasets:\n- name: x\n  type: MapDataset\n")
    with pytest.raises(InvalidFileError, match="filename"):
        Datasets.read(path)


def test_read_env_variable_path(gammaray_data):
    datasets = Datasets.read(
        "$GAMMARAY_DATA/fermi-3fhl-crab/Fermi-LAT-3FHL_datasets.yaml"
    )
    assert datasets.names == ["Fermi-LAT"]
    assert datasets[0].counts.data.sum() > 0
