import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from numpy.testing import assert_allclose

from gammaray.irf import IRF, Background3D, EffectiveAreaTable2D, FoVAlignment
from gammaray.maps import MapAxis
from gammaray.utils.errors import AxisError, InvalidFileError, OverwriteError


class _ToyIRF(IRF):
    tag = "aeff_2d"
    required_axes = ["energy_true", "offset"]
    default_unit = u.m**2


@pytest.fixture
def toy():
    energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", 2, name="energy_true")
    offset = MapAxis.from_edges([0, 1, 2, 3] * u.deg, name="offset")
    data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return _ToyIRF(axes=[energy, offset], data=data, unit="m2")


def test_init_checks_axes_and_shape(toy):
    with pytest.raises(AxisError, match="needs axes"):
        _ToyIRF(axes=[toy.axes["offset"]], data=1)
    with pytest.raises(AxisError, match="shape"):
        _ToyIRF(axes=toy.axes, data=np.ones((3, 2)))
    # axes given in another order are reordered to required_axes
    irf = _ToyIRF(axes=toy.axes[::-1], data=toy.data)
    assert irf.axes.names == ["energy_true", "offset"]


def test_evaluate_at_nodes_and_between(toy):
    e = toy.axes["energy_true"].center  # sqrt(10) TeV, sqrt(1000) TeV
    off = toy.axes["offset"].center  # 0.5, 1.5, 2.5 deg
    assert_allclose(toy.evaluate(energy_true=e[1], offset=off[2]).to_value("m2"), 6)
    # log-energy midpoint of the two centres = 10 TeV; linear in values
    value = toy.evaluate(energy_true=10 * u.TeV, offset=1.0 * u.deg)
    assert_allclose(value.to_value("m2"), 0.5 * (0.5 * (1 + 2) + 0.5 * (4 + 5)))
    # unit conversion of the coordinates
    value_gev = toy.evaluate(energy_true=1e4 * u.GeV, offset=60 * u.arcmin)
    assert_allclose(value_gev.value, value.value)


def test_evaluate_missing_axes_at_centres(toy):
    values = toy.evaluate(offset=0.5 * u.deg)
    assert values.shape == (2, 1)
    assert_allclose(values.to_value("m2")[:, 0], [1, 4])
    values = toy.evaluate()
    assert values.shape == (2, 3)
    assert_allclose(values.value, toy.data)


def test_evaluate_broadcast_and_unit_error(toy):
    values = toy.evaluate(
        energy_true=[[10], [20]] * u.TeV, offset=[0.5, 1.5, 2.5] * u.deg
    )
    assert values.shape == (2, 3)
    with pytest.raises(u.UnitConversionError, match="offset"):
        toy.evaluate(offset=1 * u.m)
    with pytest.raises(AxisError, match="no axis"):
        toy.evaluate(rad=1 * u.deg)


def test_fill_value_outside_edges(toy):
    aeff = EffectiveAreaTable2D(axes=toy.axes, data=toy.data, unit="m2")
    assert aeff.evaluate(energy_true=1000 * u.TeV, offset=0.5 * u.deg).value == 0
    # inside the edges but beyond the last centre: extrapolated, non-negative
    value = aeff.evaluate(energy_true=90 * u.TeV, offset=2.9 * u.deg)
    assert value.value > 6


def test_integrate_log_log_power_law():
    energy = MapAxis.from_energy_bounds("1 TeV", "100 TeV", 10, name="energy")
    lon = MapAxis.from_edges([-1, 0, 1] * u.deg, name="fov_lon")
    lat = MapAxis.from_edges([-1, 0, 1] * u.deg, name="fov_lat")
    e = energy.center.to_value("TeV")
    data = np.ones((10, 2, 2)) * (e**-2)[:, None, None]
    bkg = Background3D(axes=[energy, lon, lat], data=data, unit="s-1 TeV-1 sr-1")
    edges = [1, 10] * u.TeV
    integral = bkg.integrate_log_log(
        axis_name="energy",
        energy=edges[:, None, None],
        fov_lon=[-0.5, 0.5] * u.deg,
        fov_lat=[[0.5]] * u.deg,
    )
    assert integral.shape == (1, 1, 2)
    # int_1^10 E^-2 dE = 0.9
    assert_allclose(integral.to_value("s-1 sr-1"), 0.9, rtol=1e-6)


def test_integral_and_normalize(toy):
    # offset bins of 1 deg; cumulative at 1.5 deg for energy centre 0 = 1 + 0.5*2
    value = toy.integral("offset", offset=1.5 * u.deg)
    assert_allclose(value.to_value("m2 deg")[:, 0], [2.0, 6.5])
    irf = toy.copy()
    irf.normalize("offset")
    assert_allclose(irf.data.sum(axis=1), 1)
    assert irf.unit == u.Unit("deg-1")


def test_pad_and_slice(toy):
    padded = toy.pad(1, "offset")
    assert padded.data.shape == (2, 5)
    assert_allclose(padded.axes["offset"].edges.value, [-1, 0, 1, 2, 3, 4])
    assert padded.data[0, 0] == 0
    sliced = toy.slice_by_idx({"offset": slice(1, 3)})
    assert sliced.data.shape == (2, 2)
    assert_allclose(sliced.data, toy.data[:, 1:3])
    single = toy.slice_by_idx({"energy_true": 1})
    assert single.data.shape == (1, 3)


def test_properties_and_str(toy):
    assert not toy.is_pointlike
    assert toy.has_offset_axis
    assert toy.fov_alignment == FoVAlignment.RADEC
    text = str(toy)
    assert "energy_true" in text and "m2" in text
    assert "shape=(2, 3)" in repr(toy)


def test_from_table_transposes_fits_order():
    # FITS column-major: TDIM (n_energy, n_offset) -> numpy (n_offset, n_energy)
    table = Table()
    table["ENERG_LO"] = [[1, 10]] * u.TeV
    table["ENERG_HI"] = [[10, 100]] * u.TeV
    table["THETA_LO"] = [[0, 1, 2]] * u.deg
    table["THETA_HI"] = [[1, 2, 3]] * u.deg
    data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (energy, offset)
    table["EFFAREA"] = u.Quantity(data.T[None], "m2")
    aeff = EffectiveAreaTable2D.from_table(table)
    assert_allclose(aeff.data, data)
    assert aeff.unit == u.m**2
    table["EFFAREA"] = u.Quantity(np.ones((1, 4, 4)), "m2")
    with pytest.raises(InvalidFileError, match="does not match"):
        EffectiveAreaTable2D.from_table(table)


def test_write_read_roundtrip(toy, tmp_path):
    aeff = EffectiveAreaTable2D(
        axes=toy.axes, data=toy.data.astype(np.float32), unit="m2"
    )
    path = tmp_path / "aeff.fits"
    aeff.write(path)
    with pytest.raises(OverwriteError):
        aeff.write(path)
    aeff.write(path, overwrite=True)
    header = fits.getheader(path, "EFFECTIVE AREA")
    assert header["HDUCLAS2"] == "EFF_AREA"
    assert header["HDUCLAS4"] == "AEFF_2D"
    assert header["HDUCLAS3"] == "FULL-ENCLOSURE"
    back = EffectiveAreaTable2D.read(path)
    assert back.data.dtype == np.float32
    assert np.array_equal(back.data, aeff.data)
    assert back.axes == aeff.axes
    assert_allclose(
        back.axes["energy_true"].edges.value, toy.axes["energy_true"].edges.value
    )


def test_read_missing_hdu(toy, tmp_path):
    from gammaray.utils.errors import MissingIRFError

    path = tmp_path / "aeff.fits"
    EffectiveAreaTable2D(axes=toy.axes, data=toy.data).write(path)
    with pytest.raises(MissingIRFError, match="NOPE"):
        EffectiveAreaTable2D.read(path, hdu="NOPE")
