"""3D analysis of the Crab with four H.E.S.S. runs (``examples/crab_3d.py``)."""

import numpy as np


def test_crab_3d_fit(crab_stacked_3d):
    stacked, fit_crab = crab_stacked_3d
    assert stacked.counts.geom.data_shape == (6, 150, 200)
    assert len(stacked.meta_table) == 4
    assert set(stacked.meta_table["OBS_ID"]) == {23523, 23526, 23559, 23592}
    dataset = stacked.copy(name="crab-fit")
    result, crab = fit_crab(dataset)
    assert result.success
    index = crab.spectral_model.index.value
    amplitude = crab.spectral_model.amplitude.quantity.to_value("cm-2 s-1 TeV-1")
    assert 2.4 < index < 2.8
    assert 3.5e-11 < amplitude < 5.5e-11
    # the position is recovered within 0.02 deg
    pos = crab.spatial_model.position
    assert (
        pos.separation(
            crab.spatial_model.position.__class__(83.633, 22.014, unit="deg")
        ).deg
        < 0.02
    )
    # FoV background norm close to one after the per-run scaling
    bkg_norm = dataset.models[f"{dataset.name}-bkg"].spectral_model.norm.value
    assert abs(bkg_norm - 1) < 0.1
    assert np.isfinite(result.total_stat)
