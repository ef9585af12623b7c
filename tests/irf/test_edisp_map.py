"""Tests of gammaray/irf/edisp/map.py (EDispMap)."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord

from gammaray.irf import EDispKernel, EDispKernelMap, EDispMap
from gammaray.maps import MapAxis, MapCoord, WcsGeom


@pytest.fixture
def energy_axis_true():
    return MapAxis.from_energy_bounds("0.5 TeV", "50 TeV", nbin=10, name="energy_true")


def gauss_edisp_map(energy_axis_true, sigma=0.1, bias=0.0):
    migra = MapAxis.from_bounds(0, 3, nbin=300, name="migra", node_type="edges")
    geom = WcsGeom.create(npix=(2, 1), binsz=1.0, axes=[migra, energy_axis_true])
    edisp = EDispMap.from_geom(geom)
    m = migra.center.value
    pdf = np.exp(-0.5 * ((m - 1 - bias) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
    edisp.edisp_map.data[...] = pdf[None, :, None, None]
    edisp.exposure_map.data[...] = 1
    return edisp


def test_diagonal_response(energy_axis_true):
    edisp = EDispMap.from_diagonal_response(energy_axis_true)
    assert edisp.edisp_map.geom.axes.names == ["migra", "energy_true"]
    kernel = edisp.get_edisp_kernel()
    np.testing.assert_allclose(kernel.pdf_matrix, np.eye(10), atol=1e-12)


def test_get_edisp_kernel_gauss(energy_axis_true):
    edisp = gauss_edisp_map(energy_axis_true, sigma=0.1, bias=0.05)
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
    kernel = edisp.get_edisp_kernel(energy_axis=energy_axis)
    direct = EDispKernel.from_gauss(energy_axis_true, energy_axis, sigma=0.1, bias=0.05)
    np.testing.assert_allclose(kernel.pdf_matrix, direct.pdf_matrix, atol=2e-3)


def test_to_edisp_kernel_map(energy_axis_true):
    edisp = gauss_edisp_map(energy_axis_true)
    energy_axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
    kernel_map = edisp.to_edisp_kernel_map(energy_axis)
    assert isinstance(kernel_map, EDispKernelMap)
    assert kernel_map.edisp_map.geom.data_shape == (10, 5, 1, 2)
    np.testing.assert_allclose(
        kernel_map.get_edisp_kernel().pdf_matrix,
        edisp.get_edisp_kernel(energy_axis=energy_axis).pdf_matrix,
    )
    assert kernel_map.exposure_map.geom.axes["energy"].nbin == 1


def test_normalize(energy_axis_true):
    edisp = gauss_edisp_map(energy_axis_true)
    edisp.edisp_map.data *= 2.5
    edisp.normalize()
    width = np.diff(edisp.edisp_map.geom.axes["migra"].edges.value)
    integral = np.sum(edisp.edisp_map.data * width[None, :, None, None], axis=1)
    np.testing.assert_allclose(integral, 1)


def test_sample_coord(energy_axis_true):
    edisp = gauss_edisp_map(energy_axis_true, sigma=0.1, bias=0.0)
    n = 20000
    coords = MapCoord.create(
        {
            "skycoord": SkyCoord(np.zeros(n), np.zeros(n), unit="deg"),
            "energy_true": np.full(n, 3.0) * u.TeV,
        }
    )
    sampled = edisp.sample_coord(coords, random_state=0)
    migra = (
        (sampled["energy"] / 3.0).value
        if not hasattr(sampled["energy"], "unit")
        else (sampled["energy"] / (3 * u.TeV)).to_value("")
    )
    assert abs(np.mean(migra) - 1) < 0.005
    assert abs(np.std(migra) - 0.1) < 0.005


def test_roundtrip_and_stack(energy_axis_true, tmp_path):
    edisp = gauss_edisp_map(energy_axis_true)
    edisp.write(tmp_path / "edisp.fits")
    back = EDispMap.read(tmp_path / "edisp.fits")
    assert np.array_equal(back.edisp_map.data, edisp.edisp_map.data)
    other = gauss_edisp_map(energy_axis_true, sigma=0.2)
    other.exposure_map.data *= 3
    expected = (edisp.edisp_map.data + 3 * other.edisp_map.data) / 4
    edisp.stack(other)
    np.testing.assert_allclose(edisp.edisp_map.data, expected, rtol=1e-6)


def test_peek(energy_axis_true):
    fig = EDispMap.from_diagonal_response(energy_axis_true).peek()
    assert len(fig.axes) >= 2
