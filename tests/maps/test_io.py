"""Tests of the shared map FITS helpers in `gammaray.maps.io`."""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table

from gammaray.maps import Map
from gammaray.maps.io import (
    data_from_fits,
    data_to_fits,
    find_bands_hdu,
    find_map_hdu,
    identify_bands_format,
    identify_map_type,
    meta_from_header,
    unit_from_header,
)
from gammaray.utils.errors import FormatWarning, MissingHDUError


def _image_hdu(name="IMG", shape=(3, 4)):
    header = fits.Header()
    header["CTYPE1"] = "RA---CAR"
    header["CTYPE2"] = "DEC--CAR"
    header["CRPIX1"] = 2.5
    header["CRPIX2"] = 2.0
    header["CDELT1"] = -1.0
    header["CDELT2"] = 1.0
    header["CRVAL1"] = 0.0
    header["CRVAL2"] = 0.0
    return fits.ImageHDU(np.ones(shape, dtype="float32"), header=header, name=name)


def test_find_map_hdu_first_with_data():
    hdulist = fits.HDUList([fits.PrimaryHDU(), _image_hdu("A"), _image_hdu("B")])
    assert find_map_hdu(hdulist).name == "A"
    assert find_map_hdu(hdulist, hdu="b").name == "B"


def test_find_map_hdu_missing_named():
    hdulist = fits.HDUList([fits.PrimaryHDU(), _image_hdu("A")])
    with pytest.raises(MissingHDUError, match=r"'NOPE' not found in f.fits.*'A'"):
        find_map_hdu(hdulist, hdu="NOPE", filename="f.fits")
    # also a KeyError
    with pytest.raises(KeyError):
        find_map_hdu(hdulist, hdu="NOPE")


def test_read_file_without_map_hdu(tmp_path):
    path = tmp_path / "gti.fits"
    table = Table({"START": [1.0], "STOP": [2.0]})
    hdu = fits.table_to_hdu(table)
    hdu.name = "GTI"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    with pytest.raises(MissingHDUError) as excinfo:
        Map.read(path)
    message = str(excinfo.value)
    assert "gti.fits" in message
    assert "GTI" in message and "PRIMARY" in message


def test_read_missing_hdu_lists_available(gammaray_data):
    path = gammaray_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    with pytest.raises(MissingHDUError, match="COUNTS_BANDS"):
        Map.read(path, hdu="NOT_THERE")


def test_identify_map_type():
    img = _image_hdu("A")
    hdulist = fits.HDUList([fits.PrimaryHDU(), img])
    assert identify_map_type(hdulist, img) == "wcs"
    hpx = fits.BinTableHDU.from_columns(
        [fits.Column(name="CHANNEL1", format="E", array=np.zeros(12))], name="SKYMAP"
    )
    hpx.header["PIXTYPE"] = "HEALPIX"
    hdulist = fits.HDUList([fits.PrimaryHDU(), hpx])
    assert identify_map_type(hdulist, hpx) == "hpx"
    assert find_map_hdu(hdulist).name == "SKYMAP"
    spec = fits.BinTableHDU.from_columns(
        [fits.Column(name="COUNTS", format="E", array=np.zeros(3))], name="SPECTRUM"
    )
    region = fits.BinTableHDU.from_columns(
        [fits.Column(name="SHAPE", format="10A", array=["circle"])],
        name="SPECTRUM_REGION",
    )
    hdulist = fits.HDUList([fits.PrimaryHDU(), spec, region])
    assert find_map_hdu(hdulist).name == "SPECTRUM"
    assert identify_map_type(hdulist, spec) == "region"


def test_find_bands_hdu(gammaray_data):
    with fits.open(
        gammaray_data / "fermi-3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz"
    ) as hdulist:
        name = find_bands_hdu(hdulist, hdulist[0])
        assert name == "EBOUNDS"
        assert identify_bands_format(hdulist[name]) == "fgst-ccube"
    with fits.open(
        gammaray_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits"
    ) as hdulist:
        assert find_bands_hdu(hdulist, hdulist["EXPOSURE"]) == "EXPOSURE_BANDS"
        assert identify_bands_format(hdulist["EXPOSURE_BANDS"]) == "gadf"
    hdulist = fits.HDUList([fits.PrimaryHDU(np.zeros((2, 2)))])
    assert find_bands_hdu(hdulist, hdulist[0]) is None


def test_unit_and_meta_from_header():
    header = fits.Header()
    header["BUNIT"] = "cm2 s"
    assert unit_from_header(header) == u.Unit("cm2 s")
    header["BUNIT"] = "ph/cm2/s"
    assert unit_from_header(header) == u.Unit("cm-2 s-1")
    header["BUNIT"] = "furlongs per fortnight!"
    with pytest.warns(FormatWarning, match="bad.fits"):
        assert unit_from_header(header, filename="bad.fits") == u.dimensionless_unscaled
    header["META"] = '{"a": 1, "b": "x"}'
    assert meta_from_header(header) == {"a": 1, "b": "x"}
    assert meta_from_header(fits.Header()) == {}


def test_bool_data_conversion():
    header = fits.Header()
    data = np.array([[True, False]])
    stored = data_to_fits(data, header)
    assert stored.dtype == np.uint8
    assert header["MAPDTYPE"] == "bool"
    back = data_from_fits(stored, header)
    assert back.dtype == bool
    assert np.array_equal(back, data)
    big = np.arange(3, dtype=">f4")
    native = data_from_fits(big, fits.Header())
    assert native.dtype.isnative
    assert native.dtype == np.float32
    assert native.tobytes() == np.arange(3, dtype="float32").tobytes()
