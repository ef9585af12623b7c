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
    """Two halves (counts split binomially, exposure and background halved, same
    IRFs): fitting their stack and fitting them jointly give the same parameters,
    the source position free (the Cash statistics differ by a constant only)."""
    full = make_dataset(name="full", psf_sigma=0.1, edisp=True)
    full.models = make_models(
        dataset_name="full", amplitude=2e-9, bkg=False, lon=0.03, lat=-0.02
    )
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

    r_joint = Fit().run(joint)
    r_stack = Fit().run([stacked])
    assert r_joint.success and r_stack.success
    names = ("amplitude", "index", "lon_0", "lat_0")
    free = joint.models["source"].parameters.free_parameters.names
    assert set(free) == set(names)
    for name in names:
        pj = joint.models["source"].parameters[name]
        ps = stacked.models["source"].parameters[name]
        assert pj.value == pytest.approx(ps.value, rel=1e-3), name
        assert pj.error == pytest.approx(ps.error, rel=1e-2), name
    spatial = stacked.models["source"].spatial_model
    assert abs(spatial.lon_0.value - 0.03) < 3 * spatial.lon_0.error
    assert abs(spatial.lat_0.value + 0.02) < 3 * spatial.lat_0.error
    assert 0 < spatial.lon_0.error < 0.05
    index = stacked.models["source"].spectral_model.index
    assert abs(index.value - 2.5) < 3 * index.error


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


def test_select_time_and_str():
    from astropy.time import Time

    from gammaray.data import GTI

    a, b = make_dataset(name="a"), make_dataset(name="b")
    t0 = Time("2020-01-01T00:00:00", scale="utc")
    a.gti = GTI.create(0 * u.s, 100 * u.s, reference_time=t0)
    b.gti = GTI.create(200 * u.s, 300 * u.s, reference_time=t0)
    datasets = Datasets([a, b])
    assert datasets.select_time(t0, t0 + 150 * u.s).names == ["a"]
    assert datasets.select_time(t0 + 150 * u.s, t0 + 400 * u.s).names == ["b"]
    assert datasets.select_time(t0, t0 + 300 * u.s).names == ["a", "b"]
    # the tolerance: a GTI ending 1 microsecond after time_max is accepted
    assert datasets.select_time(t0, t0 + (100 - 5e-7) * u.s).names == ["a"]
    assert len(datasets.select_time(t0 + 10 * u.s, t0 + 250 * u.s)) == 0
    a.models = make_models(dataset_name="a")
    text = str(datasets)
    assert "Dataset 0" in text and "Dataset 1" in text
    assert "Name       : b" in text and "'source'" in text
    info = str(a)
    assert "Name                              : a" in info
    assert "Number of models                  : 2" in info
    assert "Number of free parameters         : 5" in info
