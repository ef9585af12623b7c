import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from gammaray.irf import EDispKernel, EnergyDispersion2D
from gammaray.maps import MapAxis


@pytest.fixture
def gauss_edisp():
    energy_true = MapAxis.from_energy_bounds(
        "0.3 TeV", "30 TeV", 20, name="energy_true"
    )
    migra = MapAxis.from_bounds(0.2, 3, 280, name="migra")
    offset = MapAxis.from_edges([0, 1, 2] * u.deg, name="offset")
    return EnergyDispersion2D.from_gauss(
        energy_axis_true=energy_true,
        migra_axis=migra,
        offset_axis=offset,
        bias=0.05,
        sigma=0.1,
    )


def test_from_gauss_is_normalised_pdf(gauss_edisp):
    width = gauss_edisp.axes["migra"].bin_width.value
    integral = (gauss_edisp.data * width[:, None]).sum(axis=1)
    assert_allclose(integral, 1, rtol=1e-4)
    # density at the mean: 1 / (sqrt(2 pi) sigma) (bin average of the Gaussian)
    value = gauss_edisp.evaluate(energy_true=1 * u.TeV, migra=1.05, offset=0.5 * u.deg)
    assert_allclose(value.value, 1 / (np.sqrt(2 * np.pi) * 0.1), rtol=2e-3)


def test_to_edisp_kernel_rows_bias_resolution(gauss_edisp):
    energy = MapAxis.from_energy_bounds("0.03 TeV", "300 TeV", 200, name="energy")
    kernel = gauss_edisp.to_edisp_kernel(offset=0.5 * u.deg, energy_axis=energy)
    assert isinstance(kernel, EDispKernel)
    assert kernel.pdf_matrix.shape == (20, 200)
    assert_allclose(kernel.pdf_matrix.sum(axis=1), 1, rtol=1e-4)
    assert_allclose(kernel.get_bias([1, 10] * u.TeV), 0.05, atol=3e-3)
    assert_allclose(kernel.get_resolution([1, 10] * u.TeV), 0.1, rtol=0.05)


def test_to_edisp_kernel_default_axes(gauss_edisp):
    kernel = gauss_edisp.to_edisp_kernel(offset=0.5 * u.deg)
    assert kernel.axes["energy"].nbin == 20
    # rows in the middle are fully contained in the reco range
    assert_allclose(kernel.pdf_matrix.sum(axis=1)[5:15], 1, rtol=1e-4)


def test_hess_edisp_interpolation(hess_irfs):
    edisp = hess_irfs["edisp"]
    e = edisp.axes["energy_true"].center
    m = edisp.axes["migra"].center
    o = edisp.axes["offset"].center
    i, j, k = 40, 80, 1
    expected = 0.5 * (edisp.data[i, j, k] + edisp.data[i, j + 1, k])
    value = edisp.evaluate(energy_true=e[i], migra=0.5 * (m[j] + m[j + 1]), offset=o[k])
    assert_allclose(value.value, expected, rtol=1e-6)
    kernel = edisp.to_edisp_kernel(offset=0.5 * u.deg)
    sums = kernel.pdf_matrix.sum(axis=1)
    assert np.all(sums <= 1 + 1e-5)
    assert np.max(sums) == pytest.approx(1, abs=1e-3)
    bias = kernel.get_bias(1 * u.TeV)
    assert abs(bias) < 0.2


def test_normalize(gauss_edisp):
    edisp = gauss_edisp.copy()
    edisp.data = edisp.data * 3
    edisp.normalize()
    width = edisp.axes["migra"].bin_width.value
    assert_allclose((edisp.data * width[:, None]).sum(axis=1), 1, rtol=1e-6)


def test_edisp_roundtrip_and_peek(gauss_edisp, tmp_path, hess_irfs):
    gauss_edisp.write(tmp_path / "edisp.fits")
    back = EnergyDispersion2D.read(tmp_path / "edisp.fits")
    assert np.array_equal(back.data, gauss_edisp.data)
    assert back.axes == gauss_edisp.axes
    fig = hess_irfs["edisp"].peek()
    assert len(fig.axes) >= 3
