import astropy.units as u
import numpy as np
import pytest
from numpy.testing import assert_allclose

from gammaray.irf import PSF3D
from gammaray.maps import MapAxis


@pytest.fixture
def gauss_psf3d():
    energy_true = MapAxis.from_energy_bounds(
        "0.1 TeV", "100 TeV", 3, name="energy_true"
    )
    offset = MapAxis.from_edges([0, 1, 2] * u.deg, name="offset")
    rad = MapAxis.from_edges(np.linspace(0, 1, 201) * u.deg, name="rad")
    sigma = 0.1 * u.deg
    r = rad.center
    s2 = sigma.to_value("rad") ** 2
    pdf = np.exp(-0.5 * (r / sigma).to_value("") ** 2) / (2 * np.pi * s2)
    data = np.broadcast_to(pdf.value if hasattr(pdf, "value") else pdf, (3, 2, 200))
    return PSF3D(axes=[energy_true, offset, rad], data=np.array(data), unit="sr-1")


def test_gauss_containment(gauss_psf3d):
    sigma = 0.1
    # Gaussian: containment(r) = 1 - exp(-r^2 / 2 sigma^2)
    rad = [0.05, 0.1, 0.2] * u.deg
    expected = 1 - np.exp(-0.5 * (rad.value / sigma) ** 2)
    value = gauss_psf3d.containment(rad=rad, energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert_allclose(value, expected, atol=2e-3)
    # r68 = sigma sqrt(-2 ln 0.32)
    r68 = gauss_psf3d.containment_radius(
        0.68, energy_true=1 * u.TeV, offset=0.5 * u.deg
    )
    assert_allclose(r68.to_value("deg"), sigma * np.sqrt(-2 * np.log(0.32)), rtol=5e-3)
    radii = gauss_psf3d.containment_radius(
        [0.5, 0.95], energy_true=[[1], [10]] * u.TeV, offset=0.5 * u.deg
    )
    assert radii.shape == (2, 2)
    assert_allclose(
        radii[:, 0].to_value("deg"), sigma * np.sqrt(2 * np.log(2)), rtol=5e-3
    )


def test_normalize(gauss_psf3d):
    psf = gauss_psf3d.copy()
    psf.data = psf.data * 5
    psf.normalize()
    total = psf.containment(rad=1 * u.deg, energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert total == pytest.approx(1, abs=2e-3)


def test_hess_psf(hess_irfs):
    psf = hess_irfs["psf"]
    assert psf.unit == u.Unit("sr-1")
    r68 = psf.containment_radius(0.68, energy_true=1 * u.TeV, offset=0.5 * u.deg)
    assert 0.03 < r68.to_value("deg") < 0.2
    total = psf.containment(
        rad=psf.axes["rad"].edges[-1], energy_true=1 * u.TeV, offset=0.5 * u.deg
    )
    assert total == pytest.approx(1, abs=0.02)
    # value interpolated by hand between two rad nodes (linear axis, linear values)
    e = psf.axes["energy_true"].center
    o = psf.axes["offset"].center
    r = psf.axes["rad"].center
    i, j, k = 10, 1, 5
    expected = 0.5 * (psf.data[i, j, k] + psf.data[i, j, k + 1])
    value = psf.evaluate(energy_true=e[i], offset=o[j], rad=0.5 * (r[k] + r[k + 1]))
    assert_allclose(value.to_value("sr-1"), expected, rtol=1e-6)
    assert "68% containment" in psf.info()


def test_psf3d_roundtrip_and_peek(gauss_psf3d, tmp_path):
    gauss_psf3d.write(tmp_path / "psf.fits")
    back = PSF3D.read(tmp_path / "psf.fits")
    assert np.array_equal(back.data, gauss_psf3d.data)
    fig = back.peek()
    assert len(fig.axes) == 2


def test_psf_requires_energy(gauss_psf3d):
    with pytest.raises(ValueError, match="energy_true"):
        gauss_psf3d.containment_radius(0.68)
