"""Datasets (DL4): binned data with IRFs and models, and their likelihood."""

from .core import DATASET_REGISTRY, Dataset, Datasets, UnknownDatasetError
from .evaluator import MapEvaluator
from .flux_points import FluxPointsDataset
from .map import MapDataset
from .map_onoff import MapDatasetOnOff
from .ogip import OGIPDatasetReader, OGIPDatasetWriter
from .simulate import MapDatasetEventSampler
from .spectrum import SpectrumDataset, SpectrumDatasetOnOff

__all__ = [
    "DATASET_REGISTRY",
    "Dataset",
    "Datasets",
    "MapDataset",
    "MapEvaluator",
    "UnknownDatasetError",
    "MapDatasetOnOff",
    "SpectrumDataset",
    "SpectrumDatasetOnOff",
    "FluxPointsDataset",
    "OGIPDatasetReader",
    "OGIPDatasetWriter",
    "MapDatasetEventSampler",
]
