import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table

from gammaray.utils.errors import DataNotFoundError, InvalidFileError, MissingHDUError
from gammaray.utils.fits import (
    HDULocation,
    earth_location_from_dict,
    earth_location_to_dict,
    get_hdu,
    open_fits,
    read_table,
)


def test_missing_file_and_corrupt_file(tmp_path):
    with pytest.raises(DataNotFoundError, match="not found"):
        open_fits(tmp_path / "nope.fits")
    bad = tmp_path / "bad.fits"
    bad.write_bytes(b"this is not fits")
    with pytest.raises(InvalidFileError, match="FITS"), open_fits(bad) as h:
        h.info(output=False)


def test_get_hdu_lists_available(tmp_path):
    hdulist = fits.HDUList(
        [fits.PrimaryHDU(), fits.BinTableHDU(Table({"a": [1]}), name="EVENTS")]
    )
    with pytest.raises(MissingHDUError, match="EVENTS"):
        get_hdu(hdulist, "GTI", filename="x.fits")
    assert get_hdu(hdulist, "events").name == "EVENTS"


def test_read_table_fixes_units(tmp_path):
    table = Table({"BGD": np.ones(3)})
    hdu = fits.BinTableHDU(table, name="BKG")
    hdu.header["TUNIT1"] = "1/s/MeV/sr"
    path = tmp_path / "bkg.fits"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    result = read_table(path, hdu="BKG")
    assert result["BGD"].unit == u.Unit("s-1 MeV-1 sr-1")
    loc = HDULocation(tmp_path, "bkg.fits", "BKG")
    assert loc.get_hdu().name == "BKG"
    assert "bkg.fits" in repr(loc)


def test_earth_location_round_trip():
    meta = {"GEOLON": 16.5, "GEOLAT": -23.27, "ALTITUDE": 1835.0}
    location = earth_location_from_dict(meta)
    back = earth_location_to_dict(location)
    assert back["GEOLON"] == pytest.approx(16.5)
    assert back["GEOLAT"] == pytest.approx(-23.27)
    assert back["ALTITUDE"] == pytest.approx(1835.0)
    assert earth_location_from_dict({}) is None


def test_read_real_table(gammaray_data):
    table = read_table(gammaray_data / "hess-dl3-dr1" / "obs-index.fits.gz")
    assert len(table) == 105
