"""`LabelMapAxis`: an axis whose bins are identified by string labels."""

import astropy.units as u
import numpy as np
from astropy.io import fits

from gammaray.utils.errors import AxisError, MissingColumnError

from ._axis_utils import pix_to_idx_array, unique_in_order

__all__ = ["LabelMapAxis"]


class LabelMapAxis:
    """Map axis with one bin per string label (e.g. dataset names).

    Pixel ``i`` is the centre of the bin of label ``i``; the pixel edges are at
    ``-0.5, 0.5, ..., nbin - 0.5``.

    Parameters
    ----------
    labels : list of str
        Unique bin labels.
    name : str
        Axis name.

    Raises
    ------
    AxisError
        If labels are not unique or empty.
    """

    node_type = "label"

    def __init__(self, labels, name=""):
        if not isinstance(name, str):
            raise TypeError(f"Axis name must be a str, got {type(name).__name__}.")
        labels = np.array([_to_str(lab) for lab in np.atleast_1d(labels)])
        if labels.ndim != 1 or len(labels) == 0:
            raise AxisError(
                "LabelMapAxis needs a non-empty one-dimensional list of labels."
            )
        if len(np.unique(labels)) != len(labels):
            raise AxisError(
                f"Labels of axis {name!r} must be unique, got {list(labels)}."
            )
        labels.setflags(write=False)
        self._labels = labels
        self._name = name

    # ------------------------------------------------------------------ properties
    @property
    def name(self):
        """Axis name (str)."""
        return self._name

    @property
    def unit(self):
        """Unit (always dimensionless)."""
        return u.Unit("")

    @property
    def interp(self):
        """Interpolation scale (always ``"lin"``)."""
        return "lin"

    @property
    def nbin(self):
        """Number of bins (labels)."""
        return len(self._labels)

    @property
    def center(self):
        """Labels (array of str)."""
        return self._labels.copy()

    @property
    def labels(self):
        """Labels (array of str)."""
        return self._labels.copy()

    @property
    def edges(self):
        """Pixel edges ``-0.5 ... nbin - 0.5`` (dimensionless Quantity)."""
        return u.Quantity(np.arange(self.nbin + 1, dtype=float) - 0.5, "")

    @property
    def edges_min(self):
        """Lower pixel edges."""
        return self.edges[:-1]

    @property
    def edges_max(self):
        """Upper pixel edges."""
        return self.edges[1:]

    @property
    def bin_width(self):
        """Bin widths (ones, dimensionless)."""
        return u.Quantity(np.ones(self.nbin), "")

    @property
    def bounds(self):
        """Pixel bounds of the axis."""
        return u.Quantity([-0.5, self.nbin - 0.5], "")

    @property
    def is_energy_axis(self):
        """Always False."""
        return False

    @property
    def iter_by_edges(self):
        """Iterate over the labels (one per bin)."""
        yield from self._labels

    # ------------------------------------------------------------------ conversions
    def coord_to_idx(self, coord, clip=False):
        """Bin indices of labels.

        Parameters
        ----------
        coord : str or array of str
            Labels.
        clip : bool
            Ignored (labels are either valid or not).

        Raises
        ------
        AxisError
            If a label is not on the axis.
        """
        coord = np.asarray(coord)
        if coord.dtype.kind == "S":
            coord = np.char.decode(coord)
        is_equal = coord[..., np.newaxis] == self._labels
        found = np.any(is_equal, axis=-1)
        if not np.all(found):
            raise AxisError(
                f"Not a valid label of axis {self.name!r}: {np.unique(coord[~found])}; "
                f"valid labels are {list(self._labels)}."
            )
        return np.argmax(is_equal, axis=-1)

    def coord_to_pix(self, coord):
        """Pixel coordinates (floats) of labels."""
        return self.coord_to_idx(coord).astype(float)

    def pix_to_idx(self, pix, clip=False):
        """Bin indices of pixel coordinates (``-1`` outside unless ``clip``)."""
        return pix_to_idx_array(pix, self.nbin, clip=clip)

    def pix_to_coord(self, pix):
        """Labels at pixel coordinates (pixels are clipped to the axis)."""
        idx = self.pix_to_idx(pix, clip=True)
        return self._labels[idx]

    # ------------------------------------------------------------------ manipulations
    def copy(self, **kwargs):
        """Copy, with ``labels`` and/or ``name`` replaced."""
        kwargs.setdefault("labels", self._labels)
        kwargs.setdefault("name", self._name)
        return self.__class__(**kwargs)

    def rename(self, new_name):
        """Copy with a new name."""
        return self.copy(name=new_name)

    def squash(self):
        """Axis with a single label ``"<first>...<last>"``."""
        if self.nbin == 1:
            return self.copy()
        return self.copy(labels=[f"{self._labels[0]}...{self._labels[-1]}"])

    def slice(self, idx):
        """Axis with a subset of the labels (slice, int or index array)."""
        if isinstance(idx, (int, np.integer)):
            idx = [int(idx)]
        return self.copy(labels=np.atleast_1d(self._labels[idx]))

    def resample(self, groups):
        """Axis with one bin per group of labels.

        Parameters
        ----------
        groups : list
            Each element is a label (or bin index) or a list of labels / indices
            forming one new bin, named ``"<first>...<last>"``.
        """
        labels = []
        for group in groups:
            group = np.atleast_1d(group)
            if group.dtype.kind in "iu":
                group = self._labels[group]
            else:
                self.coord_to_idx(group)
            labels.append(
                str(group[0]) if len(group) == 1 else f"{group[0]}...{group[-1]}"
            )
        return self.copy(labels=labels)

    def upsample(self, *args, **kwargs):
        """Not supported for label axes."""
        raise NotImplementedError("Upsampling a LabelMapAxis is not supported.")

    def downsample(self, *args, **kwargs):
        """Not supported for label axes."""
        raise NotImplementedError("Downsampling a LabelMapAxis is not supported.")

    def pad(self, *args, **kwargs):
        """Not supported for label axes."""
        raise NotImplementedError("Padding a LabelMapAxis is not supported.")

    @classmethod
    def from_stack(cls, axes):
        """Axis with the labels of all ``axes`` concatenated (names must match)."""
        axes = list(axes)
        if not axes:
            raise AxisError("Need at least one axis to stack.")
        names = {ax.name for ax in axes}
        if len(names) != 1:
            raise AxisError(
                f"Stacked label axes must share a name, got {sorted(names)}."
            )
        labels = np.concatenate([ax._labels for ax in axes])
        return cls(labels=labels, name=axes[0].name)

    def concatenate(self, axis):
        """Axis with the labels of ``axis`` appended."""
        return self.from_stack([self, axis])

    # ------------------------------------------------------------------ comparisons
    def is_allclose(self, other, **kwargs):
        """Whether name and labels are identical (tolerances are ignored)."""
        if not isinstance(other, LabelMapAxis):
            return False
        return (
            self.name.upper() == other.name.upper()
            and self.nbin == other.nbin
            and bool(np.all(self._labels == other._labels))
        )

    def __eq__(self, other):
        if not isinstance(other, LabelMapAxis):
            return NotImplemented
        return self.is_allclose(other)

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return (
            f"LabelMapAxis\n\n"
            f"\tname       : {self.name}\n"
            f"\tnbins      : {self.nbin}\n"
            f"\tnode type  : {self.node_type}\n"
            f"\tlabels     : {[str(lab) for lab in self._labels]}\n"
        )

    # ------------------------------------------------------------------ plotting
    @property
    def as_plot_labels(self):
        """Labels (list of str)."""
        return [str(lab) for lab in self._labels]

    @property
    def as_plot_center(self):
        """Pixel centres ``0 ... nbin - 1``."""
        return np.arange(self.nbin, dtype=float)

    @property
    def as_plot_edges(self):
        """Pixel edges."""
        return self.edges.value

    @property
    def as_plot_xerr(self):
        """Half bin widths (0.5) on both sides."""
        half = 0.5 * np.ones(self.nbin)
        return half, half

    def format_plot_xaxis(self, ax):
        """Put the labels as ticks on a matplotlib x axis."""
        ax.set_xticks(self.as_plot_center)
        ax.set_xticklabels(self.as_plot_labels, rotation=30, ha="right")
        ax.set_xlabel(self.name.replace("_", " ").capitalize())
        return ax

    # ------------------------------------------------------------------ I/O
    def to_header(self, format="gadf", idx=0):
        """Header keyword ``AXCOLS<idx>`` naming the label column."""
        header = fits.Header()
        header[f"AXCOLS{idx}"] = self.name.upper()
        return header

    def to_table(self, format="gadf"):
        """GADF BANDS table of this single axis."""
        from ._axis_axes import MapAxes

        return MapAxes([self]).to_table(format=format)

    @classmethod
    def from_table(cls, table, format="gadf", idx=0):
        """Axis from the label column named in ``AXCOLS<idx+1>`` of a BANDS table.

        Raises
        ------
        KeyError
            If the table has no such axis.
        TypeError
            If the column does not hold strings.
        """
        if format != "gadf":
            raise AxisError(
                f"LabelMapAxis supports only format 'gadf', got {format!r}."
            )
        colname = str(table.meta[f"AXCOLS{idx + 1}"]).split(",")[0].strip()
        if colname not in table.colnames:
            raise MissingColumnError(f"BANDS table lacks the label column {colname!r}.")
        column = np.asarray(table[colname])
        if column.dtype.kind not in ("U", "S", "O"):
            raise TypeError(f"Column {colname!r} does not hold string labels.")
        values = np.array([_to_str(v) for v in column])
        labels, _ = unique_in_order(values)
        return cls(labels=labels, name=colname.lower())


def _to_str(value):
    if isinstance(value, bytes):
        return value.decode()
    return str(value)
