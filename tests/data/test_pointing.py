import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.time import Time

from gammaray.data import FixedPointingInfo, PointingMode, observatory_locations
from gammaray.utils.errors import InvalidDataError

HEADER = {
    "MJDREFI": 51910,
    "MJDREFF": 0.000742870370370241,
    "TIMESYS": "TT",
    "TSTART": 123890826.0,
    "TSTOP": 123892513.0,
    "RA_PNT": 83.633333333333,
    "DEC_PNT": 21.514444444444,
    "ALT_PNT": 41.3897890380338,
    "AZ_PNT": 22.4817052274739,
    "GEOLON": 16.5002222222222,
    "GEOLAT": -23.2717777777778,
    "ALTITUDE": 1835.0,
    "OBS_MODE": "WOBBLE",
}


def test_pointing_mode_aliases():
    assert PointingMode.RADEC is PointingMode.POINTING
    assert PointingMode.ALTAZ is PointingMode.DRIFT
    assert PointingMode.from_gadf_string("drift") is PointingMode.DRIFT
    assert PointingMode.from_gadf_string("WOBBLE") is PointingMode.POINTING


def test_from_fits_header_pointing():
    pointing = FixedPointingInfo.from_fits_header(HEADER)
    assert pointing.mode is PointingMode.POINTING
    assert pointing.fixed_icrs.ra.deg == pytest.approx(83.6333, abs=1e-4)
    assert pointing.fixed_altaz is None
    assert pointing.legacy_altaz.alt.deg == pytest.approx(41.39, abs=0.01)
    assert pointing.location.lat.deg == pytest.approx(-23.2718, abs=1e-4)
    assert pointing.time_start.tt.isot == "2004-12-04T22:08:10.184"
    assert (pointing.time_stop - pointing.time_start).to_value("s") == pytest.approx(
        1687
    )
    # mean alt/az over the run agrees with the header value
    times = pointing.time_start + np.linspace(0, 1687, 5) * u.s
    altaz = pointing.get_altaz(times)
    assert altaz.shape == (5,)
    # the header mean Alt/Az is matched at mid-run to within ~0.6 deg
    assert altaz.az.deg[2] == pytest.approx(22.48, abs=0.2)
    assert altaz.alt.deg[2] == pytest.approx(41.39, abs=0.7)
    icrs = pointing.get_icrs(times)
    assert icrs.shape == (5,)
    assert np.allclose(icrs.ra.deg, 83.6333, atol=1e-4)
    assert "POINTING" in str(pointing)
    header = pointing.to_fits_header()
    assert header["RA_PNT"] == pytest.approx(HEADER["RA_PNT"])


def test_drift_mode():
    header = dict(HEADER, OBS_MODE="DRIFT", ALT_PNT=90.0, AZ_PNT=0.0)
    pointing = FixedPointingInfo.from_fits_header(header)
    assert pointing.mode is PointingMode.DRIFT
    assert pointing.fixed_icrs is None
    time = pointing.time_start
    icrs = pointing.get_icrs(time)
    # zenith: declination equals the site latitude
    assert icrs.dec.deg == pytest.approx(-23.2718, abs=0.05)
    with pytest.raises(InvalidDataError):
        pointing.get_icrs(None)
    assert pointing.get_altaz(time).alt.deg == pytest.approx(90)


def test_invalid():
    with pytest.raises(InvalidDataError):
        FixedPointingInfo()
    with pytest.raises(InvalidDataError, match="RA_PNT"):
        FixedPointingInfo.from_fits_header({"MJDREFI": 1, "MJDREFF": 0.0})
    pointing = FixedPointingInfo(fixed_icrs=SkyCoord(0, 0, unit="deg"))
    with pytest.raises(InvalidDataError, match="location"):
        pointing.get_altaz(Time("2020-01-01"))


def test_read(gammaray_data):
    path = gammaray_data / "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"
    pointing = FixedPointingInfo.read(path)
    assert pointing.fixed_icrs.dec.deg == pytest.approx(21.514, abs=1e-3)


def test_observatory_locations():
    for name in [
        "hess",
        "magic",
        "veritas",
        "cta_south",
        "cta_north",
        "hawc",
        "lhaaso",
    ]:
        assert name in observatory_locations
    hess = observatory_locations["hess"]
    assert hess.lat.deg == pytest.approx(-23.27, abs=0.01)
    assert hess.lon.deg == pytest.approx(16.50, abs=0.01)
    assert observatory_locations["hawc"].height.to_value("m") == pytest.approx(4100)
    # MAGIC and CTA North are both on La Palma, within 1 km
    d = (
        observatory_locations["magic"].get_itrs().cartesian
        - observatory_locations["cta_north"].get_itrs().cartesian
    ).norm()
    assert d < 1 * u.km
