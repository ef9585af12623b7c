"""Fast reading of simple FITS binary tables from an in-memory file (private).

Reading a DL3 file with `astropy.io.fits` and `~astropy.table.Table.read`
costs far more than decompressing it: every HDU access re-parses the headers
before it, and every table goes through ``FITS_rec``/``ColDefs``. For the
simple binary tables of DL3 files (numeric columns, no scaling, no nulls)
this module scans the file once for its HDU boundaries and builds the same
`~astropy.table.Table` that ``Table.read(hdu, unit_parse_strict=...)`` would
(same column names, dtypes, shapes, units and meta) straight from the bytes.
Anything else returns None and the caller falls back to astropy.
"""

import functools
import re

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Column, Table

__all__ = []

_BLOCK = 2880
_CARD = 80

#: Keywords that ``Table.read`` does not copy to the table meta.
_REMOVE_KEYWORDS = {
    "XTENSION",
    "BITPIX",
    "NAXIS",
    "NAXIS1",
    "NAXIS2",
    "PCOUNT",
    "GCOUNT",
    "TFIELDS",
    "THEAP",
}
_COLUMN_KEYWORD = re.compile(
    "(TTYPE|TFORM|TUNIT|TNULL|TSCAL|TZERO|TDISP|TBCOL|TDIM|TCTYP|TCUNI|TCRPX"
    "|TCRVL|TCDLT|TRPOS)[0-9]+"
)
#: Column keywords whose presence needs astropy's general reader.
_UNSUPPORTED_COLUMN_KEYWORD = re.compile("(TNULL|TSCAL|TZERO|TDISP|TBCOL)[0-9]+")
_TFORM = re.compile(r"^\s*(\d*)([A-Z])\s*$")
_FORMAT_DTYPES = {
    "B": np.dtype("u1"),
    "I": np.dtype(">i2"),
    "J": np.dtype(">i4"),
    "K": np.dtype(">i8"),
    "E": np.dtype(">f4"),
    "D": np.dtype(">f8"),
}
_SERIALIZED_SENTINEL = "--BEGIN-ASTROPY-SERIALIZED-COLUMNS--"


class RawHDU:
    """One HDU of an in-memory FITS file: header bytes and data bytes.

    Parameters
    ----------
    buffer : bytes
        Whole (decompressed) file.
    index : int
        HDU index.
    header_slice, data_slice : tuple of int
        ``(start, stop)`` byte ranges of the header and data.
    keywords : dict
        Structural keywords read while scanning (``XTENSION``, ``BITPIX``,
        ``NAXIS``, ``NAXISn``, ``PCOUNT``, ``GCOUNT``, ``EXTNAME``, ``EXTVER``).
    """

    def __init__(self, buffer, index, header_slice, data_slice, keywords):
        self._buffer = buffer
        self.index = index
        self.header_slice = header_slice
        self.data_slice = data_slice
        self.keywords = keywords
        name = keywords.get("EXTNAME")
        if name is None and index == 0:
            name = "PRIMARY"
        self.name = (name or "").strip().upper()
        self.ver = keywords.get("EXTVER", 1)

    @property
    def header(self):
        """A freshly parsed `~astropy.io.fits.Header`."""
        start, stop = self.header_slice
        return fits.Header.fromstring(self._buffer[start:stop].decode("ascii"))

    def cards(self):
        """``[(keyword, value), ...]`` of the header, as astropy parses them.

        A fast parser for plain fixed-format cards; None if any card needs
        astropy's general parser (``CONTINUE``, ``HIERARCH``, record-valued,
        complex or undefined values, non-standard layouts).
        """
        start, stop = self.header_slice
        return parse_cards(self._buffer[start:stop])

    @property
    def is_bintable(self):
        """Whether the HDU is a binary table extension."""
        return self.keywords.get("XTENSION", "").strip() == "BINTABLE"

    def data_bytes(self):
        """Memory view of the data (without padding)."""
        start, stop = self.data_slice
        return memoryview(self._buffer)[start:stop]


def _card_value(card):
    """Value of a fixed-format card: int, float, str or bool (None if unparsable)."""
    if card[8:10] != b"= ":
        return None
    text = card[10:].decode("ascii", "replace")
    stripped = text.strip()
    if stripped.startswith("'"):
        match = re.match(r"\s*'((?:[^']|'')*)'", text)
        if match is None:
            return None
        return match.group(1).replace("''", "'").rstrip()
    value = stripped.split("/", 1)[0].strip()
    if value in ("T", "F"):
        return value == "T"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value.replace("D", "E"))
    except ValueError:
        return None


_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([DE][+-]?[0-9]+)?")
_KEYWORD = re.compile(r"[A-Z0-9_-]{1,8}")
_STRING = re.compile(r"'((?:[^']|'')*)'(\s*(/.*)?)$")
#: String values that astropy may read as record-valued keyword cards.
_RVKC_LIKE = re.compile(r"\s*[a-zA-Z_]\w*(\.\w+)*\s*:\s*[+-]?\.?[0-9]")


def parse_cards(header_bytes):
    """``[(keyword, value), ...]`` of fixed-format header cards (None: use astropy).

    Values are those of `astropy.io.fits.Card.value` with the default
    configuration: str (trailing blanks removed), bool, int or float;
    commentary cards (``COMMENT``, ``HISTORY``) give their text.
    """
    try:
        text = header_bytes.decode("ascii")
    except UnicodeDecodeError:
        return None
    cards = []
    for pos in range(0, len(text), _CARD):
        card = text[pos : pos + _CARD]
        key = card[:8].rstrip()
        if key == "END":
            return cards
        if key in ("COMMENT", "HISTORY"):
            cards.append((key, card[8:].rstrip()))
            continue
        if not key or _KEYWORD.fullmatch(key) is None or card[8:10] != "= ":
            return None
        if key == "CONTINUE":
            return None
        rest = card[10:].lstrip()
        if rest.startswith("'"):
            match = _STRING.match(rest)
            if match is None:
                return None
            value = match.group(1).replace("''", "'").rstrip()
            if value.endswith("&") or _RVKC_LIKE.match(value):
                return None
        else:
            token = rest.split("/", 1)[0].strip()
            if token == "T" or token == "F":
                value = token == "T"
            elif _INT.fullmatch(token):
                value = int(token)
            elif _FLOAT.fullmatch(token):
                value = float(token.replace("D", "E"))
            else:
                return None
        cards.append((key, value))
    return None


_SCAN_KEYS = {b"XTENSION", b"SIMPLE", b"BITPIX", b"NAXIS", b"PCOUNT", b"GCOUNT"}
_SCAN_KEYS |= {b"EXTNAME", b"EXTVER", b"GROUPS"}


def scan_fits(buffer):
    """HDUs of an in-memory FITS file (list of `RawHDU`), or None if not simple.

    Only the structural keywords are parsed; headers are parsed fully on
    demand (`RawHDU.header`).
    """
    size = len(buffer)
    if size < _BLOCK or buffer[:9] != b"SIMPLE  =":
        return None
    hdus = []
    pos = 0
    while pos < size:
        if size - pos < _BLOCK:
            # trailing bytes that are not an HDU: astropy ignores them too
            break
        start = pos
        keywords = {}
        end = None
        while end is None:
            if pos + _BLOCK > size:
                return None
            block = buffer[pos : pos + _BLOCK]
            for offset in range(0, _BLOCK, _CARD):
                card = block[offset : offset + _CARD]
                key = card[:8].rstrip()
                if key == b"END":
                    end = pos + offset + _CARD
                    break
                if key in _SCAN_KEYS or key.startswith(b"NAXIS"):
                    keywords[key.decode("ascii")] = _card_value(card)
            pos += _BLOCK
        if not hdus and "SIMPLE" not in keywords:
            return None
        if hdus and "XTENSION" not in keywords:
            if buffer[start:pos].strip(b"\x00 ") == b"":
                break
            return None
        naxis = keywords.get("NAXIS")
        bitpix = keywords.get("BITPIX")
        if not isinstance(naxis, int) or not isinstance(bitpix, int):
            return None
        if keywords.get("GROUPS"):
            return None
        if naxis > 0:
            dims = [keywords.get(f"NAXIS{i}") for i in range(1, naxis + 1)]
            if not all(isinstance(d, int) and d >= 0 for d in dims):
                return None
            n = 1
            for d in dims:
                n *= d
            pcount = keywords.get("PCOUNT", 0) or 0
            gcount = keywords.get("GCOUNT", 1) or 1
            nbytes = abs(bitpix) // 8 * gcount * (pcount + n)
        else:
            nbytes = 0
        data_start = pos
        data_stop = data_start + nbytes
        if data_stop > size:
            return None
        hdus.append(
            RawHDU(buffer, len(hdus), (start, end), (data_start, data_stop), keywords)
        )
        pos = data_start + -(-nbytes // _BLOCK) * _BLOCK
    return hdus


def find_hdu(hdus, hdu):
    """The `RawHDU` named (or indexed by) ``hdu``, as ``HDUList[hdu]`` finds it.

    Returns None if ``hdu`` is neither a str nor an int, or is not found.
    """
    if isinstance(hdu, (int, np.integer)) and not isinstance(hdu, bool):
        idx = int(hdu)
        if -len(hdus) <= idx < len(hdus):
            return hdus[idx]
        return None
    if not isinstance(hdu, str):
        return None
    key = hdu.strip().upper()
    for idx, raw in enumerate(hdus):
        if raw.name == key or (key == "PRIMARY" and idx == 0):
            return raw
    return None


@functools.lru_cache(maxsize=256)
def _parse_unit_silent(text):
    return u.Unit(text, format="fits", parse_strict="silent")


def _parse_unit(text, parse_strict):
    # units are immutable: the silent parse is memoised (no warnings to repeat)
    if parse_strict == "silent":
        return _parse_unit_silent(text)
    return u.Unit(text, format="fits", parse_strict=parse_strict)


def read_bintable(raw, unit_parse_strict="silent", cards=None):
    """The `~astropy.table.Table` of a simple binary table HDU, or None.

    Equal to ``Table.read(hdu, unit_parse_strict=unit_parse_strict)`` (column
    names, dtypes, shapes, units, meta); the column data are fresh copies.
    Returns None when the table needs astropy's general reader (scaled,
    null-valued, string, logical, variable-length or NaN-holding columns,
    display formats, serialised mixin columns). ``cards`` are the header
    cards of ``raw`` (`RawHDU.cards`) if the caller already has them.
    """
    if not raw.is_bintable or raw.keywords.get("NAXIS") != 2:
        return None
    if raw.keywords.get("PCOUNT", 0):
        return None
    if cards is None:
        cards = raw.cards()
    if cards is None:
        cards = [(card.keyword, card.value) for card in raw.header.cards]
    keywords = {}
    for key, value in cards:
        keywords.setdefault(key, value)
    nfields = keywords.get("TFIELDS")
    width = raw.keywords.get("NAXIS1")
    nrows = raw.keywords.get("NAXIS2")
    if not isinstance(nfields, int) or nfields < 1:
        return None
    names, formats, offsets = [], [], []
    units = []
    offset = 0
    for idx in range(1, nfields + 1):
        name = keywords.get(f"TTYPE{idx}")
        tform = keywords.get(f"TFORM{idx}")
        if not isinstance(name, str) or not name or not isinstance(tform, str):
            return None
        match = _TFORM.match(tform)
        if match is None or match.group(2) not in _FORMAT_DTYPES:
            return None
        repeat = int(match.group(1)) if match.group(1) else 1
        if repeat < 1:
            return None
        dtype = _FORMAT_DTYPES[match.group(2)]
        tdim = keywords.get(f"TDIM{idx}")
        if tdim is not None:
            if repeat == 1 or not isinstance(tdim, str):
                return None
            try:
                dims = [int(d) for d in tdim.strip().strip("()").split(",")]
            except ValueError:
                return None
            shape = tuple(reversed(dims))
            if int(np.prod(shape)) != repeat:
                return None
        else:
            shape = () if repeat == 1 else (repeat,)
        names.append(name)
        formats.append((dtype, shape) if shape else dtype)
        offsets.append(offset)
        offset += dtype.itemsize * repeat
        unit = keywords.get(f"TUNIT{idx}")
        if unit is not None and (not isinstance(unit, str) or not unit):
            return None
        units.append(unit)
    if offset != width or len(set(n.upper() for n in names)) != len(names):
        return None
    for key in keywords:
        if _UNSUPPORTED_COLUMN_KEYWORD.fullmatch(key):
            return None
    row = np.dtype(
        {"names": names, "formats": formats, "offsets": offsets, "itemsize": width}
    )
    records = np.frombuffer(raw.data_bytes(), dtype=row, count=nrows)
    columns = []
    for name, unit in zip(names, units, strict=True):
        data = np.array(records[name])
        if data.dtype.kind == "f" and np.isnan(data).any():
            return None
        column = Column(data=data, name=name, copy=False)
        if unit is not None:
            column.unit = _parse_unit(unit, unit_parse_strict)
        columns.append(column)
    table = Table(columns, copy=False)
    meta = table.meta
    for key, value in cards:
        if key in ("COMMENT", "HISTORY"):
            key = "comments" if key == "COMMENT" else key
            if key in meta:
                meta[key].append(value)
            else:
                meta[key] = [value]
        elif key in meta:
            if isinstance(meta[key], list):
                meta[key].append(value)
            else:
                meta[key] = [meta[key], value]
        elif key in _REMOVE_KEYWORDS or _COLUMN_KEYWORD.match(key):
            pass
        else:
            meta[key] = value
    if _SERIALIZED_SENTINEL in meta.get("comments", []):
        return None
    return table
