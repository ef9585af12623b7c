"""The makers API example of the original design runs unchanged and builds the right dataset."""

import os
import runpy

import numpy as np
import pytest


@pytest.fixture(scope="module")
def example_namespace(api_examples_dir, gammaray_data):
    cwd = os.getcwd()
    os.chdir(api_examples_dir)
    try:
        return runpy.run_path(str(api_examples_dir / "makers.py"))
    finally:
        os.chdir(cwd)


def test_makers_example(example_namespace):
    ns = example_namespace
    dataset, obs, geom = ns["dataset"], ns["obs"], ns["geom"]
    assert obs.obs_id == 23523
    # 4 x 3 deg of 0.02 deg pixels, 6 energy bins 1-10 TeV
    assert dataset.counts.geom.data_shape == (6, 150, 200)
    axis = dataset.counts.geom.axes["energy"]
    assert axis.nbin == 6
    np.testing.assert_allclose(axis.edges[[0, -1]].to_value("TeV"), [1, 10])
    # counts: exactly the events inside the map footprint and energy range
    events = obs.events
    x, y = geom.wcs.world_to_pixel(events.radec)
    energy = events.energy.to_value("TeV")
    inside = (x >= -0.5) & (x < 199.5) & (y >= -0.5) & (y < 149.5)
    inside &= (energy >= 1) & (energy < 10)
    assert dataset.counts.data.sum() == inside.sum()
    # background scaled by the FoV background maker
    bkg_model = dataset.models[f"{dataset.name}-bkg"]
    norm = bkg_model.spectral_model.norm.value
    assert 0.5 < norm < 1.5
    np.testing.assert_allclose(
        dataset.npred_background().data, norm * dataset.background.data, rtol=1e-12
    )
    # safe mask: offset-max 2 deg and the aeff default threshold
    pointing = obs.get_pointing_icrs(obs.tmid)
    sep = geom.to_image().separation(pointing).deg
    lo = obs.aeff.meta["LO_THRES"]
    energy_ok = axis.edges[:-1].to_value("TeV") >= lo * (1 - 1e-10)
    expected = (sep < 2.0)[np.newaxis] & energy_ok[:, np.newaxis, np.newaxis]
    assert np.array_equal(dataset.mask_safe.data, expected)
    assert 0 < dataset.mask_safe.data.sum() < dataset.mask_safe.data.size


def test_peek_renders(example_namespace):
    import matplotlib.pyplot as plt

    # the example called peek(); the figure must hold drawn axes
    figs = [plt.figure(n) for n in plt.get_fignums()]
    if not figs:
        example_namespace["dataset"].peek()
        figs = [plt.figure(n) for n in plt.get_fignums()]
    assert figs and len(figs[-1].axes) >= 2
    figs[-1].canvas.draw()
