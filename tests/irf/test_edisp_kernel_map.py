"""Tests of gammaray/irf/edisp/kernel_map.py."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from gammaray.irf import EDispKernel, EDispKernelMap
from gammaray.maps import MapAxis, WcsGeom
from gammaray.utils.errors import AxisError


@pytest.fixture
def axes():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    energy_true = MapAxis.from_energy_bounds(
        "0.5 TeV", "20 TeV", nbin=8, name="energy_true"
    )
    return energy, energy_true


def test_from_gauss_equals_kernel(axes):
    energy, energy_true = axes
    edisp = EDispKernelMap.from_gauss(energy, energy_true, sigma=0.2, bias=0.05)
    kernel = edisp.get_edisp_kernel()
    direct = EDispKernel.from_gauss(
        energy_axis_true=energy_true, energy_axis=energy, sigma=0.2, bias=0.05
    )
    assert np.array_equal(kernel.pdf_matrix, direct.pdf_matrix)
    assert kernel.axes["energy"].is_allclose(energy)
    np.testing.assert_allclose(edisp.exposure_map.data, 1)


def test_from_gauss_wcs_position(axes):
    energy, energy_true = axes
    geom = WcsGeom.create(npix=3, binsz=1.0)
    edisp = EDispKernelMap.from_gauss(energy, energy_true, 0.1, 0.0, geom=geom)
    assert edisp.edisp_map.geom.data_shape == (8, 4, 3, 3)
    # modify one pixel; the kernel at that position follows
    edisp.edisp_map.data[..., 0, 0] = 0.5
    k = edisp.get_edisp_kernel(position=SkyCoord(1, -1, unit="deg"))
    np.testing.assert_allclose(k.pdf_matrix, 0.5)
    k0 = edisp.get_edisp_kernel()
    assert not np.allclose(k0.pdf_matrix, 0.5)


def test_diagonal_and_resample(axes):
    energy, energy_true = axes
    edisp = EDispKernelMap.from_diagonal_response(energy, energy_true)
    kernel = edisp.get_edisp_kernel()
    direct = EDispKernel.from_diagonal_response(energy_true, energy)
    np.testing.assert_allclose(kernel.pdf_matrix, direct.pdf_matrix)
    coarse = MapAxis.from_energy_edges(energy.edges[::2])
    resampled = edisp.resample_energy_axis(coarse)
    k2 = resampled.get_edisp_kernel()
    np.testing.assert_allclose(k2.pdf_matrix.sum(axis=1), kernel.pdf_matrix.sum(axis=1))
    k3 = edisp.get_edisp_kernel(energy_axis=coarse)
    np.testing.assert_allclose(k3.pdf_matrix, k2.pdf_matrix)


def test_to_image(axes):
    energy, energy_true = axes
    edisp = EDispKernelMap.from_gauss(energy, energy_true, 0.1, 0.0)
    image = edisp.to_image()
    assert image.edisp_map.geom.axes["energy"].nbin == 1
    expected = edisp.get_edisp_kernel().pdf_matrix.sum(axis=1)
    np.testing.assert_allclose(image.edisp_map.data[:, 0, 0, 0], expected)
    mask = np.zeros(edisp.edisp_map.data.shape, dtype=bool)
    mask[:, :2] = True
    image_masked = edisp.to_image(weights=mask)
    expected = edisp.get_edisp_kernel().pdf_matrix[:, :2].sum(axis=1)
    np.testing.assert_allclose(image_masked.edisp_map.data[:, 0, 0, 0], expected)


def test_stack_weighted(axes):
    energy, energy_true = axes
    geom = WcsGeom.create(npix=2, binsz=1.0)
    e1 = EDispKernelMap.from_gauss(energy, energy_true, 0.1, 0.0, geom=geom)
    e2 = EDispKernelMap.from_gauss(energy, energy_true, 0.3, 0.0, geom=geom)
    e1.exposure_map.data[...] = 2.0
    e2.exposure_map.data[...] = 6.0
    expected = (2 * e1.edisp_map.data + 6 * e2.edisp_map.data) / 8
    e1.stack(e2)
    np.testing.assert_allclose(e1.edisp_map.data, expected, rtol=1e-12)
    np.testing.assert_allclose(e1.exposure_map.data, 8.0)


def test_from_geom_and_roundtrip(axes, tmp_path):
    energy, energy_true = axes
    geom = WcsGeom.create(npix=2, binsz=1.0, axes=[energy, energy_true])
    edisp = EDispKernelMap.from_geom(geom)
    assert edisp.exposure_map.geom.axes["energy"].nbin == 1
    assert edisp.exposure_map.unit == u.Unit("m2 s")
    edisp.edisp_map.data = np.random.default_rng(0).uniform(size=geom.data_shape)
    edisp.write(tmp_path / "edisp.fits")
    back = EDispKernelMap.read(tmp_path / "edisp.fits")
    assert np.array_equal(back.edisp_map.data, edisp.edisp_map.data)
    assert np.array_equal(back.exposure_map.data, edisp.exposure_map.data)
    with pytest.raises(AxisError):
        EDispKernelMap.from_geom(WcsGeom.create(npix=2, binsz=1.0, axes=[energy]))


def test_fermi_edisp(gammaray_data):
    path = gammaray_data / "fermi-3fhl-crab" / "Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    edisp = EDispKernelMap.read(path)
    assert edisp.edisp_map.geom.axes.names == ["energy", "energy_true"]
    assert edisp.edisp_map.data.dtype == np.float32
    assert edisp.exposure_map.geom.axes["energy"].nbin == 1
    kernel = edisp.get_edisp_kernel()
    assert kernel.pdf_matrix.shape == (5, 5)
    # the 3FHL dataset uses a diagonal response
    np.testing.assert_allclose(kernel.pdf_matrix, np.eye(5), atol=1e-6)


def test_peek(axes):
    energy, energy_true = axes
    edisp = EDispKernelMap.from_gauss(energy, energy_true, 0.1, 0.0)
    fig = edisp.peek()
    assert len(fig.axes) >= 2


def test_region_roundtrip(axes, tmp_path):
    energy, energy_true = axes
    edisp = EDispKernelMap.from_gauss(energy, energy_true, 0.1, 0.0)
    path = tmp_path / "edisp_region.fits"
    edisp.write(path)
    back = EDispKernelMap.read(path)
    assert type(back.edisp_map.geom).__name__ == "RegionGeom"
    assert np.array_equal(back.edisp_map.data, edisp.edisp_map.data)
    assert np.array_equal(back.exposure_map.data, edisp.exposure_map.data)
    with pytest.raises(NotImplementedError):
        edisp.sample_coord(None)
