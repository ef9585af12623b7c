"""YAML index + per-dataset FITS layout of `Datasets.read` / `Datasets.write`.

The index file (Gammapy's layout)::

    datasets:
    - name: Fermi-LAT
      type: MapDataset
      filename: Fermi-LAT-3FHL_data_Fermi-LAT.fits

Relative file names resolve next to the YAML file; ``$GAMMARAY_DATA`` expands.
"""

import logging
from pathlib import Path

import yaml

from gammaray.utils.errors import DataNotFoundError, InvalidFileError
from gammaray.utils.paths import atomic_write, check_overwrite, make_path

__all__ = ["read_datasets", "write_datasets", "DatasetsIndex"]

log = logging.getLogger(__name__)


class DatasetsIndex:
    """Content of a ``datasets.yaml`` file: a list of ``{name, type, filename}`` dicts."""

    def __init__(self, entries):
        self.entries = list(entries)

    @classmethod
    def read(cls, filename):
        """Read and validate the index file."""
        path = make_path(filename)
        if not path.exists():
            raise DataNotFoundError(f"Datasets file {path} does not exist.")
        try:
            data = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise InvalidFileError(f"Invalid YAML in {path}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("datasets"), list):
            raise InvalidFileError(
                f"{path} is not a datasets file: expected a top-level 'datasets:' list "
                "of {name, type, filename} entries."
            )
        for entry in data["datasets"]:
            missing = [k for k in ("name", "type", "filename") if k not in entry]
            if missing:
                raise InvalidFileError(
                    f"Entry {entry} of {path} lacks the key(s) {missing}."
                )
        return cls(data["datasets"])


def _resolve(filename, base):
    path = make_path(filename)
    if not path.is_absolute():
        path = base / path
    return path


def read_datasets(
    cls, filename, filename_models=None, lazy=True, cache=True, checksum=False
):
    """Read datasets listed in a YAML index (see module docstring)."""
    from .core import DATASET_REGISTRY

    path = make_path(filename)
    index = DatasetsIndex.read(path)
    datasets = []
    for entry in index.entries:
        dataset_cls = DATASET_REGISTRY.get_cls(entry["type"])
        file = _resolve(entry["filename"], path.parent)
        kwargs = {"name": entry["name"]}
        if checksum:
            kwargs["checksum"] = True
        datasets.append(dataset_cls.read(file, **kwargs))
    datasets = cls(datasets)
    if filename_models is not None:
        from gammaray.modeling.models import DatasetModels

        datasets.models = DatasetModels.read(filename_models, checksum=checksum)
    return datasets


def write_datasets(
    datasets,
    filename,
    filename_models=None,
    overwrite=False,
    write_covariance=True,
    checksum=False,
):
    """Write the YAML index, one FITS file per dataset and, optionally, the models."""
    path = make_path(filename)
    base = path.parent
    stem = path.stem
    if stem.endswith("_datasets"):
        stem = stem[: -len("_datasets")]
    entries, files = [], []
    for dataset in datasets:
        fits_name = f"{stem}_data_{dataset.name}.fits"
        entries.append(
            {"name": dataset.name, "type": dataset.tag, "filename": fits_name}
        )
        files.append(base / fits_name)
    # refuse early, before anything is written
    for file in [path, *files]:
        check_overwrite(file, overwrite)
    if filename_models is not None:
        check_overwrite(make_path(filename_models), overwrite)
    for dataset, file in zip(datasets, files):
        dataset.write(file, overwrite=overwrite, checksum=checksum)
    text = yaml.dump(
        {"datasets": entries}, sort_keys=False, indent=4, default_flow_style=False
    )
    with atomic_write(path, overwrite=overwrite, mode="w") as tmp:
        Path(tmp).write_text(text)
    if filename_models is not None:
        datasets.models.write(
            filename_models,
            overwrite=overwrite,
            write_covariance=write_covariance,
            checksum=checksum,
        )
