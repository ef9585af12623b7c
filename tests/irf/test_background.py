import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from numpy.testing import assert_allclose

from gammaray.irf import Background2D, Background3D, FoVAlignment, load_irf
from gammaray.maps import MapAxis
from gammaray.utils.errors import FormatWarning


def test_hess_bkg_values(hess_irfs):
    bkg = hess_irfs["bkg"]
    assert isinstance(bkg, Background3D)
    assert bkg.fov_alignment == FoVAlignment.RADEC
    assert bkg.data.shape == (20, 50, 50)
    value = bkg.evaluate(energy=1 * u.TeV, fov_lon=0.3 * u.deg, fov_lat=0.2 * u.deg)
    assert 1e-4 < value.to_value("s-1 MeV-1 sr-1") < 1


def test_hess_bkg_interpolation_by_hand(hess_irfs):
    bkg = hess_irfs["bkg"]
    e = bkg.axes["energy"].center
    lon = bkg.axes["fov_lon"].center
    lat = bkg.axes["fov_lat"].center
    i, j, k = 8, 24, 26
    v0, v1 = bkg.data[i, j, k], bkg.data[i + 1, j, k]
    assert v0 > 0 and v1 > 0
    # log energy scale, log value scale: geometric mean at the geometric midpoint
    value = bkg.evaluate(
        energy=np.sqrt(e[i] * e[i + 1]), fov_lon=lon[j], fov_lat=lat[k]
    )
    assert_allclose(value.to_value(bkg.unit), np.sqrt(v0 * v1), rtol=1e-6)
    # linear lon scale, log values: 30% of the way -> v0^0.7 v1^0.3
    w0, w1 = bkg.data[i, j, k], bkg.data[i, j + 1, k]
    lon_x = lon[j] + 0.3 * (lon[j + 1] - lon[j])
    value = bkg.evaluate(energy=e[i], fov_lon=lon_x, fov_lat=lat[k])
    assert_allclose(value.to_value(bkg.unit), w0**0.7 * w1**0.3, rtol=1e-6)


def test_bkg_integrate_and_to_2d(hess_irfs):
    bkg = hess_irfs["bkg"]
    edges = [1, 2, 4] * u.TeV
    rate = bkg.integrate_log_log(
        axis_name="energy",
        energy=edges[:, None, None],
        fov_lon=0.5 * u.deg,
        fov_lat=0 * u.deg,
    )
    assert rate.shape == (2, 1, 1)
    assert rate.unit.is_equivalent("s-1 sr-1")
    value = bkg.evaluate(energy=1.4 * u.TeV, fov_lon=0.5 * u.deg, fov_lat=0 * u.deg)
    # integral over [1, 2] TeV comparable to rate at 1.4 TeV x 1 TeV
    assert 0.3 < (rate[0, 0, 0] / (value * 1 * u.TeV)).to_value("") < 3
    bkg2d = bkg.to_2d()
    assert isinstance(bkg2d, Background2D)
    v3 = bkg.evaluate(energy=1 * u.TeV, fov_lon=1 * u.deg, fov_lat=0 * u.deg)
    v2 = bkg2d.evaluate(energy=1 * u.TeV, offset=1 * u.deg)
    assert 0.5 < (v2 / v3).to_value("") < 2


def _bkg2d(dtype=np.float32):
    energy = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", 6, name="energy")
    offset = MapAxis.from_edges(np.linspace(0, 3, 7) * u.deg, name="offset")
    e = energy.center.to_value("TeV")[:, None]
    off = offset.center.to_value("deg")[None, :]
    data = (1e-3 * e**-2.7 * np.exp(-0.5 * off**2)).astype(dtype)
    return Background2D(axes=[energy, offset], data=data, unit="s-1 MeV-1 sr-1")


def test_bkg2d_roundtrip_and_evaluate(tmp_path):
    bkg = _bkg2d()
    path = tmp_path / "bkg2d.fits"
    bkg.write(path)
    header = fits.getheader(path, "BACKGROUND")
    assert header["HDUCLAS4"] == "BKG_2D"
    back = load_irf(path, hdu="BACKGROUND")
    assert isinstance(back, Background2D)
    assert back.data.dtype == np.float32
    assert np.array_equal(back.data, bkg.data)
    # fov_lon/fov_lat -> offset
    v1 = back.evaluate(energy=1 * u.TeV, fov_lon=0.6 * u.deg, fov_lat=0.8 * u.deg)
    v2 = back.evaluate(energy=1 * u.TeV, offset=1.0 * u.deg)
    assert_allclose(v1.value, v2.value)
    bkg3d = back.to_3d()
    assert bkg3d.data.shape == (6, 12, 12)
    v3 = bkg3d.evaluate(energy=1 * u.TeV, fov_lon=0.75 * u.deg, fov_lat=0.25 * u.deg)
    v4 = back.evaluate(energy=1 * u.TeV, offset=np.hypot(0.75, 0.25) * u.deg)
    assert_allclose(v3.value, v4.value, rtol=1e-6)


def test_bkg3d_altaz_roundtrip(tmp_path):
    bkg3d = _bkg2d().to_3d()
    altaz = Background3D(
        axes=bkg3d.axes, data=bkg3d.data, unit=bkg3d.unit, fov_alignment="ALTAZ"
    )
    path = tmp_path / "bkg3d.fits"
    altaz.write(path)
    assert fits.getheader(path, "BACKGROUND")["FOVALIGN"] == "ALTAZ"
    back = Background3D.read(path)
    assert back.fov_alignment == FoVAlignment.ALTAZ
    assert np.array_equal(back.data, altaz.data)
    assert back.data.dtype == np.float32


def test_bkg_legacy_bgd_column(tmp_path):
    bkg = _bkg2d().to_3d()
    hdu = bkg.to_table_hdu()
    cols = []
    for col in hdu.columns:
        if col.name == "BKG":
            col = fits.Column(
                "BGD", col.format, unit="1/s/MeV/sr", dim=col.dim, array=col.array
            )
        cols.append(col)
    legacy = fits.BinTableHDU.from_columns(cols, header=hdu.header, name="BACKGROUND")
    legacy.header["HDUCLAS4"] = "3D"
    path = tmp_path / "legacy.fits"
    fits.HDUList([fits.PrimaryHDU(), legacy]).writeto(path)
    with pytest.warns(FormatWarning) as record:
        back = load_irf(path, hdu="BACKGROUND")
    messages = " ".join(str(r.message) for r in record)
    assert "BGD" in messages and "3D" in messages and str(path) in messages
    assert "1/s/MeV/sr" in messages
    assert back.unit == u.Unit("s-1 MeV-1 sr-1")
    assert np.array_equal(back.data, bkg.data)


def test_bkg_peek(hess_irfs):
    fig = hess_irfs["bkg"].peek()
    assert len(fig.axes) >= 2
    fig2 = _bkg2d().peek()
    assert fig2.axes
    ax = _bkg2d().plot()
    assert ax.get_xscale() == "log"
