import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from numpy.testing import assert_allclose

from gammaray.irf import EDispKernel
from gammaray.maps import MapAxis
from gammaray.utils.errors import MissingIRFError

RMFS = [
    "joint-crab/spectra/hess/rmf_obs23523.fits",
    "PKS2155-steady/pks2155-304_steady_rmf.fits.gz",
]


@pytest.fixture
def axes():
    energy_true = MapAxis.from_energy_bounds(
        "0.5 TeV", "50 TeV", 20, name="energy_true"
    )
    energy = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", 60, name="energy")
    return energy_true, energy


def test_from_diagonal_response(axes):
    energy_true, _ = axes
    kernel = EDispKernel.from_diagonal_response(energy_true)
    assert_allclose(kernel.pdf_matrix, np.eye(20))
    # reco bins twice as fine: each true bin splits in two halves
    fine = MapAxis.from_energy_bounds("0.5 TeV", "50 TeV", 40, name="energy")
    kernel = EDispKernel.from_diagonal_response(energy_true, fine)
    assert_allclose(kernel.pdf_matrix.sum(axis=1), 1)
    assert_allclose(kernel.pdf_matrix[0, :2], 0.5)


def test_from_gauss_bias_resolution(axes):
    energy_true, energy = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.1, bias=0.05)
    assert_allclose(kernel.pdf_matrix.sum(axis=1), 1, atol=1e-4)
    assert_allclose(kernel.get_bias([1, 10] * u.TeV), 0.05, atol=5e-3)
    assert_allclose(kernel.get_resolution(5 * u.TeV), 0.1, rtol=0.1)
    mean = kernel.get_mean(2 * u.TeV)
    center = energy_true.center[energy_true.coord_to_idx(2 * u.TeV)]
    assert_allclose(mean.to_value("TeV"), 1.05 * center.to_value("TeV"), rtol=5e-3)


def test_get_bias_energy():
    energy_true = MapAxis.from_energy_bounds(
        "0.1 TeV", "100 TeV", 30, name="energy_true"
    )
    energy = MapAxis.from_energy_bounds("0.01 TeV", "1000 TeV", 300, name="energy")
    e = energy_true.center.to_value("TeV")
    bias = 0.2 * (1 - np.log10(e))  # 0.2 at 1 TeV, 0 at 10 TeV
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.05, bias=bias)
    value = kernel.get_bias_energy(0.1)
    assert value.to_value("TeV") == pytest.approx(10**0.5, rel=0.05)
    assert np.isnan(kernel.get_bias_energy(5.0).value)


def test_safe_range_and_image(axes):
    energy_true, energy = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.2, bias=0)
    masked = kernel.pdf_in_safe_range(1 * u.TeV, 10 * u.TeV)
    centers = energy.center
    outside = (centers < 1 * u.TeV) | (centers > 10 * u.TeV)
    assert np.all(masked[:, outside] == 0)
    assert np.array_equal(masked[:, ~outside], kernel.pdf_matrix[:, ~outside])
    image = kernel.to_image(1 * u.TeV, 10 * u.TeV)
    assert image.pdf_matrix.shape == (20, 1)
    assert_allclose(image.pdf_matrix[:, 0], masked.sum(axis=1))


@pytest.mark.parametrize("filename", RMFS)
def test_read_rmf_roundtrip(gammaray_data, filename, tmp_path):
    kernel = EDispKernel.read(gammaray_data / filename)
    assert kernel.pdf_matrix.dtype == np.float32
    sums = kernel.pdf_matrix.sum(axis=1)
    assert np.all(sums <= 1 + 1e-5)
    assert np.max(sums) > 0.5
    for fmt in ("ogip", "ogip-sherpa"):
        path = tmp_path / f"rmf_{fmt}.fits"
        kernel.write(path, format=fmt)
        back = EDispKernel.read(path)
        assert np.array_equal(back.pdf_matrix, kernel.pdf_matrix)
        assert back.axes.is_allclose(kernel.axes, rtol=1e-12)
    with fits.open(tmp_path / "rmf_ogip-sherpa.fits") as hdulist:
        assert hdulist["EBOUNDS"].columns["E_MIN"].unit == "keV"


def test_read_specresp_matrix_name(axes, tmp_path):
    energy_true, energy = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.1, bias=0)
    hdulist = kernel.to_hdulist()
    hdulist["MATRIX"].name = "SPECRESP MATRIX"
    path = tmp_path / "rsp.fits"
    hdulist.writeto(path)
    back = EDispKernel.read(path)
    assert_allclose(back.pdf_matrix, kernel.pdf_matrix)
    with pytest.raises(MissingIRFError, match="FOO"):
        EDispKernel.read(path, hdu1="FOO")


def test_kernel_plots(axes):
    energy_true, energy = axes
    kernel = EDispKernel.from_gauss(energy_true, energy, sigma=0.1, bias=0)
    fig = kernel.peek()
    assert len(fig.axes) >= 2
    ax = kernel.plot_matrix(add_cbar=False)
    assert ax.get_xscale() == "log"


def test_to_table(axes):
    energy_true, energy = axes
    kernel = EDispKernel.from_diagonal_response(energy_true)
    table = kernel.to_table()
    assert table.colnames == [
        "ENERG_LO",
        "ENERG_HI",
        "N_GRP",
        "F_CHAN",
        "N_CHAN",
        "MATRIX",
    ]
    assert len(table) == 20
    assert kernel.to_table_hdu().name == "MATRIX"
