"""The maps example of the original design runs unchanged and builds what it says."""

import runpy

import numpy as np


def test_maps_api_example(api_examples_dir, monkeypatch, capsys):
    monkeypatch.chdir(api_examples_dir)
    namespace = runpy.run_path(str(api_examples_dir / "maps.py"))
    m_wcs, m_hpx, m_region = (
        namespace["m_wcs"],
        namespace["m_hpx"],
        namespace["m_region"],
    )

    assert type(m_wcs).__name__ == "WcsNDMap"
    assert m_wcs.data.shape == (10, 80, 100)
    # as in Gammapy, a SkyCoord is transformed to the default frame (icrs)
    skydir = namespace["skydir"]
    assert m_wcs.geom.center_skydir.separation(skydir).deg < 1e-6
    np.testing.assert_allclose(m_wcs.geom.pixel_scales.deg, [0.1, 0.1])

    assert type(m_hpx).__name__ == "HpxNDMap"
    assert m_hpx.data.shape == (10, 3145728)
    assert m_hpx.geom.nside == 512 and m_hpx.geom.is_allsky

    assert type(m_region).__name__ == "RegionNDMap"
    assert m_region.data.shape == (10, 1, 1)
    center = m_region.geom.center_skydir.galactic
    np.testing.assert_allclose([center.l.deg, center.b.deg], [0, 5], atol=1e-10)

    for m in (m_wcs, m_hpx, m_region):
        axis = m.geom.axes["energy"]
        np.testing.assert_allclose(axis.edges[[0, -1]].to_value("TeV"), [1, 10])

    printed = capsys.readouterr().out
    assert "WcsNDMap" in printed and "HpxNDMap" in printed and "RegionNDMap" in printed
