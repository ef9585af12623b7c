"""Tests of `Datasets`: list behaviour, models, joint likelihood, stacking."""

import astropy.units as u
import numpy as np
import pytest

from gammaray.datasets import Datasets, UnknownDatasetError
from gammaray.modeling import Fit
from gammaray.modeling.models import FoVBackgroundModel, Models
from gammaray.utils.errors import DuplicateNameError

from .conftest import make_dataset, make_models


def test_list_behaviour_and_unique_names():
    a, b = make_dataset(name="a"), make_dataset(name="b")
    datasets = Datasets([a, b])
    assert datasets.names == ["a", "b"]
    assert datasets["b"] is b and datasets[0] is a
    assert isinstance(datasets[:1], Datasets) and len(datasets[:1]) == 1
    with pytest.raises(DuplicateNameError, match="unique"):
        datasets.append(make_dataset(name="a"))
    with pytest.raises(DuplicateNameError):
        Datasets([a, a])
    assert datasets.is_all_same_type and datasets.is_all_same_shape
    assert datasets.energy_axes_are_aligned
    copy = datasets.copy()
    assert copy.names == ["a", "b"] and copy[0] is not a
    assert "Dataset 1" in str(datasets)


def test_models_setter_assigns_by_dataset_name():
    a, b = make_dataset(name="a"), make_dataset(name="b")
    datasets = Datasets([a, b])
    models = make_models(dataset_name="a")
    models.append(FoVBackgroundModel(dataset_name="b"))
    datasets.models = models
    assert a.background_model.name == "a-bkg"
    assert b.background_model.name == "b-bkg"
    assert set(a.models.names) == {"source", "a-bkg"}
    assert set(datasets.models.names) == {"source", "a-bkg", "b-bkg"}
    # shared source model -> shared parameters
    assert a.models["source"] is b.models["source"]
    assert len(datasets.parameters.free_parameters) == 6  # 4 source + 2 bkg norms


def test_models_unknown_dataset_name():
    datasets = Datasets([make_dataset(name="a")])
    models = Models([FoVBackgroundModel(dataset_name="nope")])
    with pytest.raises(UnknownDatasetError, match="'nope'"):
        datasets.models = models


def test_stat_sum_is_sum():
    a, b = make_dataset(name="a", psf_sigma=0.1), make_dataset(name="b")
    datasets = Datasets([a, b])
    datasets.models = make_models(dataset_name="a")
    a.fake(random_state=1)
    b.fake(random_state=2)
    assert datasets.stat_sum() == pytest.approx(a.stat_sum() + b.stat_sum(), rel=1e-12)


def test_split_stack_equals_joint_fit():
    full = make_dataset(name="full", psf_sigma=0.1, edisp=True)
    full.models = make_models(dataset_name="full", amplitude=2e-9, bkg=False)
    full.fake(random_state=7)
    rng = np.random.default_rng(0)
    halves = []
    for name in ("h1", "h2"):
        half = make_dataset(
            name=name, psf_sigma=0.1, edisp=True, exposure=0.5e11, background=0.1
        )
        halves.append(half)
    c1 = rng.binomial(full.counts.data.astype(int), 0.5)
    halves[0].counts.data = c1.astype(float)
    halves[1].counts.data = (full.counts.data - c1).astype(float)

    joint = Datasets(halves)
    joint.models = make_models(dataset_name="h1", amplitude=1e-9, bkg=False)
    stacked = joint.stack_reduce(name="stacked")
    assert np.allclose(stacked.counts.data, full.counts.data)
    assert np.allclose(
        stacked.exposure.quantity.to_value("cm2 s"),
        full.exposure.quantity.to_value("cm2 s"),
    )
    stacked.models = make_models(dataset_name="stacked", amplitude=1e-9, bkg=False)

    # the bilinear point-source pixelisation is not smooth in position: fit the spectrum
    for models in (joint.models, stacked.models):
        models["source"].spatial_model.freeze()
    r_joint = Fit().run(joint)
    r_stack = Fit().run([stacked])
    assert r_joint.success and r_stack.success
    for name in ("amplitude", "index"):
        pj = joint.models["source"].parameters[name]
        ps = stacked.models["source"].parameters[name]
        assert pj.value == pytest.approx(ps.value, rel=1e-3), name
    assert stacked.models["source"].spectral_model.index.value == pytest.approx(
        2.5, abs=0.2
    )


def test_info_table_and_slice_by_energy():
    a, b = make_dataset(name="a"), make_dataset(name="b")
    a.counts.data += 1
    b.counts.data += 2
    datasets = Datasets([a, b])
    table = datasets.info_table()
    assert list(table["name"]) == ["a", "b"]
    assert table["counts"][1] == 2 * table["counts"][0]
    cumulative = datasets.info_table(cumulative=True)
    assert cumulative["counts"][1] == pytest.approx(table["counts"].sum())
    sliced = datasets.slice_by_energy(energy_min=2.1 * u.TeV, energy_max=10 * u.TeV)
    assert sliced.names == ["a", "b"] and sliced[0].data_shape[0] == 2
