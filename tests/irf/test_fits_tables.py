"""Tests of the fast FITS binary-table reader (`gammaray.irf._fits_tables`)."""

import gzip
import io
import warnings

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table

from gammaray.irf._fits_tables import find_hdu, parse_cards, read_bintable, scan_fits


def _file_bytes(*hdus):
    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), *hdus]).writeto(buffer)
    return buffer.getvalue()


def _simple_table_hdu():
    rng = np.random.default_rng(1)
    columns = [
        fits.Column(name="ID", format="K", array=np.arange(5)),
        fits.Column(name="TIME", format="D", unit="s", array=rng.random(5)),
        fits.Column(
            name="CUBE",
            format="6E",
            dim="(3,2)",
            unit="TeV",
            array=rng.random((5, 2, 3)),
        ),
        fits.Column(name="VEC", format="4J", array=rng.integers(0, 9, (5, 4))),
        fits.Column(name="SMALL", format="I", array=rng.integers(0, 9, 5)),
        fits.Column(name="BYTE", format="B", array=rng.integers(0, 9, 5)),
        fits.Column(name="RATE", format="E", unit="1/s/MeV/sr", array=rng.random(5)),
    ]
    hdu = fits.BinTableHDU.from_columns(columns, name="EVENTS")
    hdu.header["OBS_ID"] = (20136, "an int")
    hdu.header["DEADC"] = 0.9
    hdu.header["TELESCOP"] = "HESS  "
    hdu.header["QUOTE"] = "it's"
    hdu.header["FLAG"] = True
    hdu.header["DUP"] = 1
    hdu.header.append(("DUP", 2))
    hdu.header["COMMENT"] = "first comment"
    hdu.header["HISTORY"] = "some history"
    return hdu


def _assert_same_table(table, ref):
    assert table.colnames == ref.colnames
    assert table.meta == ref.meta
    assert list(table.meta) == list(ref.meta)
    for name in ref.colnames:
        col, ref_col = table[name], ref[name]
        assert type(col) is type(ref_col)
        assert col.dtype == ref_col.dtype
        assert col.shape == ref_col.shape
        assert col.unit == ref_col.unit
        np.testing.assert_array_equal(np.asarray(col), np.asarray(ref_col))


def test_read_bintable_equals_table_read():
    data = _file_bytes(_simple_table_hdu())
    hdus = scan_fits(data)
    assert [h.name for h in hdus] == ["PRIMARY", "EVENTS"]
    table = read_bintable(hdus[1])
    with fits.open(io.BytesIO(data)) as hdulist, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = Table.read(hdulist["EVENTS"], unit_parse_strict="silent")
    _assert_same_table(table, ref)
    assert table.meta["DUP"] == [1, 2]
    # fresh, writable copies of the data
    table["ID"][0] = 99
    assert read_bintable(hdus[1])["ID"][0] == 0


def test_scan_and_cards_match_astropy():
    data = gzip.decompress(gzip.compress(_file_bytes(_simple_table_hdu())))
    hdus = scan_fits(data)
    with fits.open(io.BytesIO(data)) as hdulist:
        assert len(hdus) == len(hdulist)
        for raw, hdu in zip(hdus, hdulist, strict=True):
            assert raw.header == hdu.header
            expected = [(card.keyword, card.value) for card in hdu.header.cards]
            cards = raw.cards()
            assert cards == expected
            assert [type(v) for _, v in cards] == [type(v) for _, v in expected]


def test_find_hdu():
    hdus = scan_fits(_file_bytes(_simple_table_hdu()))
    assert find_hdu(hdus, "events") is hdus[1]
    assert find_hdu(hdus, "PRIMARY") is hdus[0]
    assert find_hdu(hdus, 1) is hdus[1]
    assert find_hdu(hdus, -1) is hdus[1]
    assert find_hdu(hdus, "GTI") is None
    assert find_hdu(hdus, 5) is None
    assert find_hdu(hdus, ("EVENTS", 1)) is None


@pytest.mark.parametrize(
    "column",
    [
        fits.Column(name="X", format="E", array=np.array([1.0, np.nan])),
        fits.Column(name="X", format="J", bzero=32768, array=np.array([1, 2])),
        fits.Column(name="X", format="8A", array=np.array(["a", "b"])),
        fits.Column(name="X", format="L", array=np.array([True, False])),
        fits.Column(name="X", format="J", null=-1, array=np.array([1, -1])),
    ],
)
def test_read_bintable_falls_back(column):
    hdus = scan_fits(_file_bytes(fits.BinTableHDU.from_columns([column], name="T")))
    assert read_bintable(hdus[1]) is None


def test_parse_cards_needs_astropy_for_long_strings():
    header = fits.Header()
    header["LONGSTR"] = "x" * 100
    assert parse_cards(header.tostring().encode()) is None
    header = fits.Header()
    header["DP1"] = "AXIS.1: 1"
    assert parse_cards(header.tostring().encode()) is None


def test_scan_fits_rejects_non_fits():
    assert scan_fits(b"not a fits file" * 300) is None
    truncated = _file_bytes(_simple_table_hdu())[:-2880]
    assert scan_fits(truncated) is None


def test_hdu_location_fast_path_equals_astropy(gammaray_data):
    """Loading through the cached bytes gives the same objects as through astropy."""
    from gammaray.data import DataStore

    store = DataStore.from_dir(gammaray_data / "hess-dl3-dr1")
    fast = store.obs(23523)
    slow = store.obs(23523)
    for holder in slow._hdus.values():
        if holder.source is not None:
            holder.source.cache = False
    assert fast.meta == slow.meta
    _assert_same_table(fast.events.table, slow.events.table)
    np.testing.assert_array_equal(fast.gti.met_start, slow.gti.met_start)
    assert fast.pointing.fixed_icrs == slow.pointing.fixed_icrs
    for name in ("aeff", "edisp", "psf", "bkg"):
        a, b = getattr(fast, name), getattr(slow, name)
        assert type(a) is type(b)
        assert a.axes == b.axes
        assert a.unit == b.unit
        assert a.data.dtype == b.data.dtype
        np.testing.assert_array_equal(a.data, b.data)
        assert a.meta == b.meta
