"""The `IRF` base class: an N-d quantity table on named axes.

Every IRF table (effective area, energy dispersion, PSF table, background,
RAD_MAX) is an `IRF`: a `~astropy.units.Quantity` array whose dimensions are
the `~gammaray.maps.MapAxis` objects held in a `~gammaray.maps.MapAxes`, in the
order given by the class attribute ``required_axes``. Values are interpolated
with per-axis scales (the ``interp`` of each axis) and a value scale.
"""

import copy
import logging
import warnings

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table

from gammaray.maps import MapAxes, MapAxis
from gammaray.utils.errors import (
    AxisError,
    FormatWarning,
    InvalidFileError,
    MissingColumnError,
    MissingIRFError,
)
from gammaray.utils.fits import hdu_names, open_fits
from gammaray.utils.integrate import trapz_loglog
from gammaray.utils.interpolation import ScaledRegularGridInterpolator
from gammaray.utils.paths import atomic_write, make_path
from gammaray.utils.units import standardise_unit

from .fov import FoVAlignment

__all__ = ["IRF", "IRF_DL3_HDU_SPECIFICATION"]

log = logging.getLogger(__name__)

#: GADF DL3 specification of the IRF HDUs, by IRF tag.
IRF_DL3_HDU_SPECIFICATION = {
    "aeff_2d": {
        "extname": "EFFECTIVE AREA",
        "column_name": "EFFAREA",
        "hduclas2": "EFF_AREA",
    },
    "edisp_2d": {
        "extname": "ENERGY DISPERSION",
        "column_name": "MATRIX",
        "hduclas2": "EDISP",
    },
    "psf_table": {
        "extname": "PSF",
        "column_name": "RPSF",
        "hduclas2": "RPSF",
    },
    "psf_3gauss": {
        "extname": "PSF",
        "column_name": {
            "sigma_1": "SIGMA_1",
            "sigma_2": "SIGMA_2",
            "sigma_3": "SIGMA_3",
            "scale": "SCALE",
            "ampl_2": "AMPL_2",
            "ampl_3": "AMPL_3",
        },
        "hduclas2": "RPSF",
    },
    "psf_king": {
        "extname": "PSF",
        "column_name": {"sigma": "SIGMA", "gamma": "GAMMA"},
        "hduclas2": "RPSF",
    },
    "bkg_3d": {
        "extname": "BACKGROUND",
        "column_name": "BKG",
        "hduclas2": "BKG",
    },
    "bkg_2d": {
        "extname": "BACKGROUND",
        "column_name": "BKG",
        "hduclas2": "BKG",
    },
    "rad_max_2d": {
        "extname": "RAD_MAX",
        "column_name": "RAD_MAX",
        "hduclas2": "RAD_MAX",
    },
}

#: Column prefixes of the GADF DL3 axes.
_AXIS_PREFIXES = ("ENERG", "ETRUE", "THETA", "MIGRA", "RAD", "DETX", "DETY")

#: Axis name -> column prefix when writing.
_AXIS_TO_PREFIX = {
    "energy": "ENERG",
    "energy_true": "ENERG",
    "offset": "THETA",
    "migra": "MIGRA",
    "rad": "RAD",
    "fov_lon": "DETX",
    "fov_lat": "DETY",
}


def _check_format(format):
    if format not in ("gadf-dl3", "gadf"):
        raise ValueError(f"Unknown IRF format {format!r}; use 'gadf-dl3'.")


def read_irf_table(hdu, source):
    """Read a table HDU as an astropy Table without unit warnings.

    Units astropy cannot parse (e.g. ``1/s/MeV/sr``) are standardised with
    `~gammaray.utils.units.standardise_unit`.
    """
    table = Table.read(hdu, unit_parse_strict="silent")
    return standardise_irf_table(table, source)


def standardise_irf_table(table, source):
    """Standardise the units astropy cannot parse and record the source (in place)."""
    for col in table.columns.values():
        if col.unit is not None and isinstance(col.unit, u.UnrecognizedUnit):
            col.meta["raw_unit"] = str(col.unit)
            col.unit = standardise_unit(str(col.unit))
    table.meta["_GR_SOURCE"] = source
    return table


def axes_from_dl3_table(table, source="table"):
    """Axes of a GADF DL3 IRF table, in the order of the columns.

    Parameters
    ----------
    table : `~astropy.table.Table`
        Table with ``<PREFIX>_LO``/``<PREFIX>_HI`` column pairs.
    source : str
        Name of the file for warning messages.

    Returns
    -------
    axes : list of `~gammaray.maps.MapAxis`
        Axes in column order.
    """
    axes = []
    for colname in table.colnames:
        if not colname.endswith("_LO"):
            continue
        prefix = colname[: -len("_LO")]
        if prefix not in _AXIS_PREFIXES:
            continue
        if prefix == "ETRUE":
            warnings.warn(
                f"{source}: columns ETRUE_LO/ETRUE_HI used instead of ENERG_LO/ENERG_HI "
                "(CTA 1DC convention); read as the true-energy axis.",
                FormatWarning,
                stacklevel=3,
            )
        axes.append(MapAxis.from_table(table, format="gadf-dl3", column_prefix=prefix))
    return axes


def data_to_required_order(data, axes_in_file, required_axes, source="table"):
    """Transpose a FITS-ordered array to the order of ``required_axes``.

    The numpy array of a FITS column has the axes in reversed column order; its
    transpose is ordered like the axis columns. When the sizes do not match
    that order, the axes are matched by size if that is unambiguous.
    """
    data = np.asarray(data).T
    shape_file = tuple(ax.nbin for ax in axes_in_file)
    names = [ax.name for ax in axes_in_file]
    if data.shape != shape_file:
        if sorted(data.shape) == sorted(shape_file) and len(set(shape_file)) == len(
            shape_file
        ):
            order = [data.shape.index(n) for n in shape_file]
            data = np.transpose(data, order)
        else:
            raise InvalidFileError(
                f"{source}: data shape {data.shape} (FITS order) does not match the axes "
                f"{names} with sizes {shape_file}."
            )
    order = [names.index(name) for name in required_axes]
    return np.transpose(data, order)


class IRF:
    """Base class of IRF tables.

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis` or `~gammaray.maps.MapAxes`
        Axes; their names must be the class' ``required_axes`` (any order).
    data : `~numpy.ndarray` or `~astropy.units.Quantity`
        Data, shape ``axes.shape`` in the order of ``required_axes``.
    unit : str or `~astropy.units.Unit`
        Unit of the data (if ``data`` is not a Quantity).
    is_pointlike : bool
        Whether the IRF is point-like (a direction cut ``RAD_MAX`` was applied).
    fov_alignment : `FoVAlignment`
        Orientation of the field-of-view coordinates.
    meta : dict, optional
        Metadata (FITS header keywords).
    interp_kwargs : dict, optional
        Interpolation options: ``values_scale`` (``"lin"``/``"log"``),
        ``fill_value`` (None extrapolates), ``method``.
    """

    tag = None
    required_axes = []
    default_unit = u.one
    default_interp_kwargs = dict(fill_value=None, values_scale="lin")

    def __init__(
        self,
        axes,
        data=0,
        unit="",
        is_pointlike=False,
        fov_alignment=FoVAlignment.RADEC,
        meta=None,
        interp_kwargs=None,
    ):
        axes = MapAxes(list(axes))
        missing = set(self.required_axes) - set(axes.names)
        if missing or len(axes) != len(self.required_axes):
            raise AxisError(
                f"{type(self).__name__} needs axes {self.required_axes}, got {axes.names}."
            )
        self._axes = axes[list(self.required_axes)]
        if isinstance(data, u.Quantity):
            unit = data.unit
            data = data.value
        data = np.asarray(data)
        if data.dtype.kind not in "fc":
            data = data.astype(float)
        if not data.dtype.isnative:
            # FITS data are big-endian; keep the precision, use native byte order
            data = data.astype(data.dtype.newbyteorder("="))
        if data.ndim == 0:
            data = np.full(self._axes.shape, data)
        if data.shape != self._axes.shape:
            raise AxisError(
                f"{type(self).__name__} data has shape {data.shape}, expected "
                f"{self._axes.shape} from axes {self._axes.names}."
            )
        self._data = data
        self._unit = standardise_unit(unit if unit not in (None, "") else "")
        if unit in (None, "") and self.default_unit != u.one:
            self._unit = self.default_unit
        self._is_pointlike = bool(is_pointlike)
        self._fov_alignment = FoVAlignment(fov_alignment)
        self.meta = dict(meta or {})
        kwargs = dict(self.default_interp_kwargs)
        kwargs.update(interp_kwargs or {})
        self.interp_kwargs = kwargs
        self._interpolator = None

    # ------------------------------------------------------------------ properties
    @property
    def axes(self):
        """Axes (`~gammaray.maps.MapAxes`)."""
        return self._axes

    @property
    def data(self):
        """Data values (`~numpy.ndarray`, unit in `unit`)."""
        return self._data

    @data.setter
    def data(self, value):
        if isinstance(value, u.Quantity):
            value = value.to_value(self.unit)
        value = np.asarray(value)
        if value.shape != self._axes.shape:
            raise AxisError(
                f"Data shape {value.shape} does not match axes shape {self._axes.shape}."
            )
        self._data = value
        self._interpolator = None

    @property
    def unit(self):
        """Unit of the data (`~astropy.units.Unit`)."""
        return self._unit

    @property
    def quantity(self):
        """Data as a `~astropy.units.Quantity`."""
        return u.Quantity(self._data, self._unit, copy=False)

    @quantity.setter
    def quantity(self, value):
        value = u.Quantity(value)
        self._unit = value.unit
        self.data = value.value

    @property
    def is_pointlike(self):
        """Whether the IRF is point-like (bool)."""
        return self._is_pointlike

    @property
    def has_offset_axis(self):
        """Whether the IRF has an ``offset`` axis (bool)."""
        return "offset" in self.axes.names

    @property
    def fov_alignment(self):
        """Field-of-view alignment (`FoVAlignment`)."""
        return self._fov_alignment

    # ------------------------------------------------------------------ evaluation
    def _get_interpolator(self):
        if self._interpolator is None:
            points = [ax.center for ax in self.axes]
            scales = [ax.interp for ax in self.axes]
            self._interpolator = ScaledRegularGridInterpolator(
                points=points,
                values=self.quantity,
                points_scale=scales,
                values_scale=self.interp_kwargs.get("values_scale", "lin"),
                method=self.interp_kwargs.get("method", "linear"),
                extrapolate=True,
            )
        return self._interpolator

    def _interpolate(self, coords, method=None):
        """Interpolate at coordinates (list in axis order, in axis units).

        Values are extrapolated between the outermost bin centres and edges;
        outside the axis edges they are ``fill_value`` (if not None). Negative
        results (round-off or linear extrapolation) are clipped to zero.
        """
        values = self._get_interpolator()(coords, method=method)
        values = np.clip(values, 0 * values.unit, None)
        fill_value = self.interp_kwargs.get("fill_value")
        if fill_value is not None:
            outside = np.zeros(values.shape, dtype=bool)
            for axis, coord in zip(self.axes, coords, strict=True):
                edges = axis.edges
                # small tolerance so that edge values count as inside
                tol = 1e-9 * np.abs(edges[-1] - edges[0])
                outside = outside | (coord < edges[0] - tol) | (coord > edges[-1] + tol)
            values = np.where(outside, fill_value * values.unit, values)
        return values

    def _coords(self, kwargs):
        unknown = set(kwargs) - set(self.axes.names)
        if unknown:
            raise AxisError(
                f"{type(self).__name__} has no axis {sorted(unknown)}; axes are "
                f"{self.axes.names}."
            )
        coords = []
        n = len(self.axes)
        for idx, axis in enumerate(self.axes):
            value = kwargs.get(axis.name)
            if value is None:
                shape = [1] * n
                shape[idx] = -1
                value = axis.center.reshape(shape)
            else:
                value = u.Quantity(value)
                try:
                    value = value.to(axis.unit)
                except u.UnitConversionError:
                    raise u.UnitConversionError(
                        f"Coordinate {axis.name!r} has unit {value.unit}, which cannot be "
                        f"converted to the axis unit {axis.unit}."
                    ) from None
            coords.append(value)
        return coords

    def evaluate(self, method=None, **kwargs):
        """Interpolate the IRF at coordinates.

        Parameters
        ----------
        method : {"linear", "nearest"}, optional
            Interpolation method.
        **kwargs : `~astropy.units.Quantity`
            Coordinates by axis name, broadcast against each other. Axes not
            given are evaluated at their bin centres (along their own dimension).

        Returns
        -------
        values : `~astropy.units.Quantity`
            Interpolated values.
        """
        coords = self._coords(kwargs)
        return self._interpolate(coords, method=method)

    def integrate_log_log(self, axis_name, **kwargs):
        """Integrate along an axis with the log-log trapezoidal rule.

        Parameters
        ----------
        axis_name : str
            Axis to integrate over.
        **kwargs : `~astropy.units.Quantity`
            Coordinates; ``kwargs[axis_name]`` are the integration nodes (edges)
            and must extend along the dimension of that axis.

        Returns
        -------
        integral : `~astropy.units.Quantity`
            Integral per interval (one fewer element along that dimension).
        """
        idx = self.axes.index(axis_name)
        values = u.Quantity(kwargs[axis_name])
        data = self.evaluate(**kwargs)
        nodes = np.broadcast_to(values, np.broadcast_shapes(values.shape, data.shape))
        return trapz_loglog(data, u.Quantity(nodes, values.unit), axis=idx)

    def integral(self, axis_name, **kwargs):
        """Cumulative integral along an axis, from its lowest edge to a coordinate.

        The data are taken as constant within each bin.

        Parameters
        ----------
        axis_name : str
            Axis to integrate over.
        **kwargs : `~astropy.units.Quantity`
            Coordinates; ``kwargs[axis_name]`` is the upper integration limit.

        Returns
        -------
        integral : `~astropy.units.Quantity`
            Integral.
        """
        idx = self.axes.index(axis_name)
        axis = self.axes[axis_name]
        widths = u.Quantity(axis.bin_width).value
        shape = [1] * len(self.axes)
        shape[idx] = -1
        cumsum = np.cumsum(self.data * widths.reshape(shape), axis=idx)
        zeros = np.zeros_like(np.take(cumsum, [0], axis=idx))
        cumsum = np.concatenate([zeros, cumsum], axis=idx)
        points = [ax.center for ax in self.axes]
        points[idx] = axis.edges
        scales = [ax.interp for ax in self.axes]
        scales[idx] = "lin"
        interp = ScaledRegularGridInterpolator(
            points, cumsum, points_scale=scales, extrapolate=False, fill_value=None
        )
        coords = self._coords(kwargs)
        edges = axis.edges
        coords[idx] = np.clip(coords[idx], edges[0], edges[-1])
        return interp(coords) * self.unit * axis.unit

    def normalize(self, axis_name):
        """Normalise the data to unit integral along an axis (in place).

        Parameters
        ----------
        axis_name : str
            Axis along which the data become a probability density.
        """
        idx = self.axes.index(axis_name)
        widths = u.Quantity(self.axes[axis_name].bin_width)
        shape = [1] * len(self.axes)
        shape[idx] = -1
        norm = np.sum(self.data * widths.value.reshape(shape), axis=idx, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = np.where(norm > 0, self.data / norm, 0.0)
        self._unit = u.Unit(1 / widths.unit) if widths.unit != u.one else u.one
        self.data = data.astype(self.data.dtype, copy=False)

    def pad(self, pad_width, axis_name, **kwargs):
        """A copy padded along an axis.

        Parameters
        ----------
        pad_width : int or tuple of int
            Bins added before and after.
        axis_name : str
            Axis to pad.
        **kwargs : dict
            Passed to `numpy.pad` (default ``mode="constant"``).

        Returns
        -------
        irf : `IRF`
            Padded IRF.
        """
        if np.isscalar(pad_width):
            pad_width = (pad_width, pad_width)
        idx = self.axes.index(axis_name)
        widths = [(0, 0)] * len(self.axes)
        widths[idx] = tuple(pad_width)
        kwargs.setdefault("mode", "constant")
        data = np.pad(self.data, widths, **kwargs)
        axes = self.axes.pad(axis_name, pad_width)
        return self._new(axes=axes, data=data)

    def slice_by_idx(self, slices):
        """A copy sliced along axes.

        Parameters
        ----------
        slices : dict
            ``{axis_name: slice}``; integer indices keep a one-bin axis.

        Returns
        -------
        irf : `IRF`
            Sliced IRF.
        """
        index, axes = [], []
        for axis in self.axes:
            sl = slices.get(axis.name, slice(None))
            if isinstance(sl, (int, np.integer)):
                sl = slice(int(sl), int(sl) + 1)
            index.append(sl)
            axes.append(axis.slice(sl))
        return self._new(axes=axes, data=self.data[tuple(index)])

    def _new(self, **kwargs):
        init = dict(
            axes=self.axes,
            data=self.data,
            unit=self.unit,
            is_pointlike=self.is_pointlike,
            fov_alignment=self.fov_alignment,
            meta=copy.deepcopy(self.meta),
            interp_kwargs=self.interp_kwargs,
        )
        init.update(kwargs)
        return self.__class__(**init)

    def copy(self):
        """Deep copy."""
        return copy.deepcopy(self)

    # ------------------------------------------------------------------ I/O
    @classmethod
    def from_table(cls, table, format="gadf-dl3"):
        """IRF from a GADF DL3 table.

        Parameters
        ----------
        table : `~astropy.table.Table`
            One-row table with the axis columns ``<PREFIX>_LO/_HI`` and the data
            column holding an N-d array in FITS order.
        format : {"gadf-dl3"}
            Format.

        Returns
        -------
        irf : `IRF`
            IRF.
        """
        _check_format(format)
        source = table.meta.get("_GR_SOURCE", "table")
        axes = axes_from_dl3_table(table, source=source)
        axes = cls._rename_axes(axes)
        column_name = cls._data_column(table, source)
        column = table[column_name]
        unit = column.unit if column.unit is not None else cls.default_unit
        data = data_to_required_order(
            np.asarray(column)[0],
            axes,
            cls.required_axes,
            source=f"{source} ({column_name})",
        )
        return cls(
            axes=axes,
            data=data,
            unit=unit,
            meta=cls._clean_meta(table.meta),
            **cls._meta_kwargs(table.meta),
        )

    @classmethod
    def _rename_axes(cls, axes):
        if "energy" in cls.required_axes and "energy_true" not in cls.required_axes:
            axes = [
                ax.rename("energy") if ax.name == "energy_true" else ax for ax in axes
            ]
        return axes

    @classmethod
    def _data_column(cls, table, source):
        name = IRF_DL3_HDU_SPECIFICATION[cls.tag]["column_name"]
        if name not in table.colnames:
            raise MissingColumnError(
                f"{source}: no {name!r} column for {cls.__name__}; columns are "
                f"{table.colnames}."
            )
        return name

    @staticmethod
    def _clean_meta(meta):
        skip = {"_GR_SOURCE", "EXTNAME"}
        return {k: v for k, v in meta.items() if k not in skip}

    @staticmethod
    def _meta_kwargs(meta):
        kwargs = {"is_pointlike": str(meta.get("HDUCLAS3", "")).upper() == "POINT-LIKE"}
        align = str(meta.get("FOVALIGN", "RADEC")).strip().upper()
        try:
            kwargs["fov_alignment"] = FoVAlignment(align)
        except ValueError:
            raise InvalidFileError(
                f"Unknown FOVALIGN {align!r}; use one of "
                f"{[a.value for a in FoVAlignment]}."
            ) from None
        return kwargs

    @classmethod
    def read(cls, filename, hdu=None, format="gadf-dl3", checksum=False):
        """Read an IRF from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name (``$GAMMARAY_DATA`` is expanded).
        hdu : str or int, optional
            HDU name; default the GADF name of the IRF kind.
        format : {"gadf-dl3"}
            Format.
        checksum : bool
            Verify checksums.

        Returns
        -------
        irf : `IRF`
            IRF.

        Raises
        ------
        MissingIRFError
            If the HDU is not in the file.
        """
        _check_format(format)
        path = make_path(filename)
        if hdu is None:
            hdu = IRF_DL3_HDU_SPECIFICATION[cls.tag]["extname"]
        with open_fits(path, checksum=checksum) as hdulist:
            try:
                table_hdu = hdulist[hdu]
            except (KeyError, IndexError):
                raise MissingIRFError(
                    f"{cls.__name__}: HDU {hdu!r} not found in {path}; available "
                    f"HDUs: {hdu_names(hdulist)}."
                ) from None
            table = read_irf_table(table_hdu, source=str(path))
        return cls.from_table(table, format=format)

    def _hduclas(self):
        spec = IRF_DL3_HDU_SPECIFICATION.get(self.tag, {})
        return {
            "HDUCLASS": "GADF",
            "HDUDOC": "https://github.com/open-gamma-ray-astro/gamma-astro-data-formats",
            "HDUVERS": "0.3",
            "HDUCLAS1": "RESPONSE",
            "HDUCLAS2": spec.get("hduclas2", ""),
            "HDUCLAS3": "POINT-LIKE" if self.is_pointlike else "FULL-ENCLOSURE",
            "HDUCLAS4": self.tag.upper(),
        }

    def _axes_table(self):
        table = Table()
        for axis in self.axes:
            prefix = _AXIS_TO_PREFIX[axis.name]
            edges = axis.edges
            table[f"{prefix}_LO"] = edges[:-1][np.newaxis]
            table[f"{prefix}_HI"] = edges[1:][np.newaxis]
        return table

    def _table_meta(self):
        meta = {
            k: v
            for k, v in self.meta.items()
            if not k.startswith("HDUCLAS")
            and k not in ("HDUCLASS", "HDUVERS", "HDUDOC")
        }
        meta.update(self._hduclas())
        if self.fov_alignment != FoVAlignment.RADEC or "fov_lon" in self.axes.names:
            meta["FOVALIGN"] = self.fov_alignment.value
        return meta

    def to_table(self, format="gadf-dl3"):
        """Table in the GADF DL3 format.

        Parameters
        ----------
        format : {"gadf-dl3"}
            Format.

        Returns
        -------
        table : `~astropy.table.Table`
            One-row table (header keywords in ``table.meta``).
        """
        _check_format(format)
        table = self._axes_table()
        name = IRF_DL3_HDU_SPECIFICATION[self.tag]["column_name"]
        table[name] = u.Quantity(self.data.T[np.newaxis], self.unit, copy=False)
        table.meta.update(self._table_meta())
        return table

    def to_table_hdu(self, format="gadf-dl3"):
        """`~astropy.io.fits.BinTableHDU` in the GADF DL3 format."""
        _check_format(format)
        table = self.to_table(format=format)
        name = IRF_DL3_HDU_SPECIFICATION[self.tag]["extname"]
        hdu = fits.BinTableHDU(table, name=name)
        return hdu

    def to_hdulist(self, format="gadf-dl3"):
        """`~astropy.io.fits.HDUList` with an empty primary HDU and the IRF HDU."""
        return fits.HDUList([fits.PrimaryHDU(), self.to_table_hdu(format=format)])

    def write(self, filename, overwrite=False, format="gadf-dl3", checksum=False):
        """Write the IRF to a FITS file (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        overwrite : bool
            Replace an existing file (otherwise `~gammaray.utils.errors.OverwriteError`).
        format : {"gadf-dl3"}
            Format.
        checksum : bool
            Add checksums.
        """
        hdulist = self.to_hdulist(format=format)
        with atomic_write(filename, overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)

    # ------------------------------------------------------------------ display
    def __str__(self):
        lines = [f"{type(self).__name__}", "-" * len(type(self).__name__), ""]
        lines.append(f"  axes  : {self.axes.names}")
        lines.append(f"  shape : {self.data.shape}")
        lines.append(f"  ndim  : {self.data.ndim}")
        lines.append(f"  unit  : {self.unit}")
        lines.append(f"  dtype : {self.data.dtype}")
        for axis in self.axes:
            lines.append(
                f"  {axis.name:12s}: {axis.nbin} bins, {axis.edges[0]:.3g} - "
                f"{axis.edges[-1]:.3g} ({axis.interp})"
            )
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"{type(self).__name__}(axes={self.axes.names}, shape={self.data.shape}, "
            f"unit={self.unit!s})"
        )

    def peek(self, figsize=(10, 8)):
        """Quick-look plot of the IRF (implemented by subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} has no peek() plot.")
