"""`MapAxis`: a binned (or node based) non-spatial map axis."""

import logging

import astropy.units as u
import numpy as np

from gammaray.utils.errors import AxisError, UnitMismatchError

from ._axis_map_extra import MapAxisIOMixin, MapAxisPlotMixin
from ._axis_utils import (
    INVALID_INDEX,
    check_interp,
    interp_extrapolate,
    pix_to_idx_array,
    scale_forward,
    scale_inverse,
    to_axis_value,
)

__all__ = ["MapAxis"]

log = logging.getLogger(__name__)

NODE_TYPES = ("edges", "center")


class MapAxis(MapAxisPlotMixin, MapAxisIOMixin):
    """A one-dimensional non-spatial map axis (energy, offset, migra, ...).

    The axis is defined by nodes that are either the bin edges
    (``node_type="edges"``) or the bin centres (``node_type="center"``).
    Pixel coordinates follow the Gammapy convention: pixel 0 is the centre of
    the first bin, bin edges lie at half-integer pixels ``-0.5 ... nbin - 0.5``.
    Conversion between pixel and physical coordinates is piecewise linear in the
    scaled coordinate given by ``interp`` (``"lin"``: ``x``, ``"log"``:
    ``log(x)``, ``"sqrt"``: ``sqrt(x)``), extrapolated linearly outside.

    Parameters
    ----------
    nodes : array-like or `~astropy.units.Quantity`
        Node values (strictly increasing).
    interp : {"lin", "log", "sqrt"}
        Interpolation scale between nodes.
    name : str
        Axis name (e.g. ``"energy"``, ``"energy_true"``).
    node_type : {"edges", "center"}
        Whether the nodes are bin edges or bin centres.
    unit : str or `~astropy.units.Unit`
        Unit of the nodes if they are not a Quantity.

    Raises
    ------
    AxisError
        If the nodes are not strictly increasing, too few, or not positive for a
        log axis.
    """

    def __init__(self, nodes, interp="lin", name="", node_type="edges", unit=""):
        if not isinstance(name, str):
            raise TypeError(f"Axis name must be a str, got {type(name).__name__}.")
        if node_type not in NODE_TYPES:
            raise AxisError(
                f"Invalid node_type {node_type!r}; choose 'edges' or 'center'."
            )
        check_interp(interp)

        if (
            isinstance(nodes, (list, tuple))
            and nodes
            and isinstance(nodes[0], u.Quantity)
        ):
            nodes = u.Quantity(nodes)
        if isinstance(nodes, u.Quantity):
            if unit not in ("", None):
                nodes = nodes.to(unit)
            unit = nodes.unit
            values = nodes.value
        else:
            values = nodes
        values = np.array(values, dtype=float, ndmin=1)
        if values.ndim != 1:
            raise AxisError(
                f"Axis nodes must be one-dimensional, got shape {values.shape}."
            )
        label = f"Axis {name!r}" if name else "Axis"
        if not np.all(np.isfinite(values)):
            raise AxisError(f"{label}: node values must be finite, got {values}.")
        if node_type == "edges" and len(values) < 2:
            raise AxisError(
                f"{label}: at least two edges are needed to define a bin, got {len(values)}."
            )
        if node_type == "center" and len(values) < 2:
            raise AxisError(
                f"{label}: a single bin can only be defined with node_type='edges' "
                "(two edges); got one centre node."
            )
        if np.any(np.diff(values) <= 0):
            raise AxisError(
                f"{label}: node values must be strictly increasing (sorted, no "
                f"duplicates), got {values}. Sort them, e.g. with np.unique."
            )
        if interp == "log" and np.any(values <= 0):
            raise AxisError(
                f"{label}: interp='log' requires positive node values, got {values}. "
                "Use interp='lin' or shift the values."
            )
        if interp == "sqrt" and np.any(values < 0):
            raise AxisError(
                f"{label}: interp='sqrt' requires non-negative node values, got {values}."
            )

        self._name = name
        self._unit = u.Unit(unit)
        self._nodes = values
        self._nodes.setflags(write=False)
        self._interp = interp
        self._node_type = node_type

        if node_type == "edges":
            self._nbin = len(values) - 1
            self._pix_nodes = np.arange(len(values), dtype=float) - 0.5
        else:
            self._nbin = len(values)
            self._pix_nodes = np.arange(len(values), dtype=float)
        self._scaled_nodes = scale_forward(values, interp)
        self._pix_nodes.setflags(write=False)
        self._scaled_nodes.setflags(write=False)

    def __deepcopy__(self, memo):
        # an axis is immutable (read-only node arrays, no setters): copies of
        # geometries and maps share it instead of duplicating its arrays
        return self

    def __copy__(self):
        return self

    # ------------------------------------------------------------------ factories
    @classmethod
    def from_bounds(cls, lo_bnd, hi_bnd, nbin, **kwargs):
        """Axis with ``nbin`` bins equally spaced in the ``interp`` scale.

        Parameters
        ----------
        lo_bnd, hi_bnd : float or `~astropy.units.Quantity`
            Lower and upper bound of the axis.
        nbin : int
            Number of bins.
        **kwargs
            ``interp``, ``name``, ``node_type``, ``unit`` as for `MapAxis`.
        """
        nbin = _check_nbin(nbin)
        interp = check_interp(kwargs.setdefault("interp", "lin"))
        unit = kwargs.pop("unit", None)
        lo_q, hi_q = u.Quantity(lo_bnd), u.Quantity(hi_bnd)
        if unit in (None, ""):
            unit = hi_q.unit if isinstance(hi_bnd, u.Quantity) else lo_q.unit
        unit = u.Unit(unit)
        lo = to_axis_value(lo_bnd, unit)
        hi = to_axis_value(hi_bnd, unit)
        if not hi > lo:
            raise AxisError(f"Upper bound {hi} must be larger than lower bound {lo}.")
        if (interp == "log" and lo <= 0) or (interp == "sqrt" and lo < 0):
            need = "positive" if interp == "log" else "non-negative"
            raise AxisError(
                f"interp={interp!r} requires {need} bounds, got lower bound {lo}; "
                "use interp='lin' or shift the bounds."
            )
        node_type = kwargs.get("node_type", "edges")
        npts = nbin + 1 if node_type == "edges" else nbin
        nodes_scaled = np.linspace(
            scale_forward(lo, interp), scale_forward(hi, interp), npts
        )
        nodes = scale_inverse(nodes_scaled, interp)
        # keep the exact bounds (exp(log(x)) is not always x)
        nodes[0] = lo
        nodes[-1] = hi
        return cls(nodes, unit=unit, **kwargs)

    @classmethod
    def from_edges(cls, edges, **kwargs):
        """Axis from bin edges.

        Parameters
        ----------
        edges : array-like or `~astropy.units.Quantity`
            Bin edges (at least two, strictly increasing).
        **kwargs
            ``interp``, ``name``, ``unit`` as for `MapAxis`.
        """
        kwargs.pop("node_type", None)
        return cls(edges, node_type="edges", **kwargs)

    @classmethod
    def from_nodes(cls, nodes, **kwargs):
        """Axis from bin centres (``node_type="center"``).

        Parameters
        ----------
        nodes : array-like or `~astropy.units.Quantity`
            Bin centres.
        **kwargs
            ``interp``, ``name``, ``unit`` as for `MapAxis`.
        """
        kwargs.pop("node_type", None)
        return cls(nodes, node_type="center", **kwargs)

    @classmethod
    def from_energy_bounds(
        cls,
        energy_min,
        energy_max,
        nbin,
        unit=None,
        per_decade=False,
        name=None,
        node_type="edges",
        strict_bounds=True,
    ):
        """Energy axis with log-spaced bins.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity` or str
            Energy range, e.g. ``"1 TeV"``.
        nbin : int
            Number of bins, or bins per decade if ``per_decade``.
        unit : str or `~astropy.units.Unit`, optional
            Axis unit; default the unit of ``energy_max``.
        per_decade : bool
            Whether ``nbin`` is the number of bins per decade.
        name : str, optional
            ``"energy"`` (default) or ``"energy_true"``.
        node_type : {"edges", "center"}
            Node type.
        strict_bounds : bool
            With ``per_decade``: if True keep the bounds (bins slightly narrower
            than ``1 / nbin`` decade); otherwise extend ``energy_max`` so that
            every bin is exactly ``1 / nbin`` decade wide.

        Returns
        -------
        axis : `MapAxis`
            The energy axis (``interp="log"``).
        """
        # plain numbers take the unit given by ``unit`` (as in Gammapy)
        if unit is not None:
            if not isinstance(energy_min, (u.Quantity, str)):
                energy_min = u.Quantity(energy_min, unit)
            if not isinstance(energy_max, (u.Quantity, str)):
                energy_max = u.Quantity(energy_max, unit)
        energy_min = u.Quantity(energy_min)
        energy_max = u.Quantity(energy_max)
        for value, label in ((energy_min, "energy_min"), (energy_max, "energy_max")):
            if not value.unit.is_equivalent("TeV"):
                raise UnitMismatchError(
                    f"{label} must be an energy, got {value!r}; e.g. pass '1 TeV'."
                )
        unit = energy_max.unit if unit is None else u.Unit(unit)
        energy_min, energy_max = energy_min.to(unit), energy_max.to(unit)
        if per_decade:
            per_decade_nbin = nbin
            ndecades = np.log10((energy_max / energy_min).to_value(""))
            nbin = int(np.ceil(np.round(ndecades * per_decade_nbin, 9)))
            if not strict_bounds:
                energy_max = energy_min * 10 ** (nbin / per_decade_nbin)
        name = "energy" if name is None else name
        if not name.startswith("energy"):
            raise AxisError(
                f"Energy axis name must start with 'energy', got {name!r}; use "
                "'energy' or 'energy_true'."
            )
        return cls.from_bounds(
            energy_min.value,
            energy_max.value,
            nbin=nbin,
            unit=unit,
            interp="log",
            name=name,
            node_type=node_type,
        )

    @classmethod
    def from_energy_edges(cls, energy_edges, unit=None, name=None, interp="log"):
        """Energy axis from bin edges.

        Parameters
        ----------
        energy_edges : `~astropy.units.Quantity`
            Energy bin edges.
        unit : str, optional
            Axis unit; default the unit of ``energy_edges``.
        name : str, optional
            ``"energy"`` (default) or ``"energy_true"``.
        interp : str
            Interpolation scale (default ``"log"``).
        """
        energy_edges = u.Quantity(energy_edges, unit)
        if not energy_edges.unit.is_equivalent("TeV"):
            raise UnitMismatchError(
                f"Energy edges must have an energy unit, got {energy_edges.unit!r}."
            )
        name = "energy" if name is None else name
        if not name.startswith("energy"):
            raise AxisError(f"Energy axis name must start with 'energy', got {name!r}.")
        return cls.from_edges(energy_edges, name=name, interp=interp)

    # ------------------------------------------------------------------ properties
    @property
    def name(self):
        """Axis name (str)."""
        return self._name

    @property
    def unit(self):
        """Axis unit (`~astropy.units.Unit`)."""
        return self._unit

    @property
    def interp(self):
        """Interpolation scale: ``"lin"``, ``"log"`` or ``"sqrt"``."""
        return self._interp

    @property
    def node_type(self):
        """Node type: ``"edges"`` or ``"center"``."""
        return self._node_type

    @property
    def nbin(self):
        """Number of bins (int)."""
        return self._nbin

    @property
    def nodes(self):
        """Node values (edges or centres, depending on ``node_type``), Quantity."""
        return u.Quantity(self._nodes, self._unit, copy=True)

    @property
    def is_energy_axis(self):
        """Whether the axis is an energy axis (``energy`` or ``energy_true``)."""
        return self.name in ("energy", "energy_true")

    @property
    def nbin_per_decade(self):
        """Number of bins per decade (float); only for log axes."""
        if self.interp != "log":
            raise AxisError(
                f"Bins per decade can only be computed for log axes, axis "
                f"{self.name!r} has interp={self.interp!r}."
            )
        values = self._edges_value if self.node_type == "edges" else self._nodes
        ndecades = np.log10(values[-1] / values[0])
        return self.nbin / ndecades

    @property
    def _edges_value(self):
        if self.node_type == "edges":
            return self._nodes
        return self._pix_to_coord_value(np.arange(self.nbin + 1, dtype=float) - 0.5)

    @property
    def _center_value(self):
        if self.node_type == "center":
            return self._nodes
        return self._pix_to_coord_value(np.arange(self.nbin, dtype=float))

    @property
    def edges(self):
        """Bin edges (`~astropy.units.Quantity`, length ``nbin + 1``)."""
        return u.Quantity(self._edges_value, self._unit, copy=True)

    @property
    def edges_min(self):
        """Lower bin edges (`~astropy.units.Quantity`)."""
        return self.edges[:-1]

    @property
    def edges_max(self):
        """Upper bin edges (`~astropy.units.Quantity`)."""
        return self.edges[1:]

    @property
    def center(self):
        """Bin centres in the ``interp`` scale (`~astropy.units.Quantity`)."""
        return u.Quantity(self._center_value, self._unit, copy=True)

    @property
    def bounds(self):
        """Lower and upper bound of the axis (`~astropy.units.Quantity`, shape (2,))."""
        edges = self._edges_value
        return u.Quantity([edges[0], edges[-1]], self._unit)

    @property
    def bin_width(self):
        """Bin widths (`~astropy.units.Quantity`)."""
        return np.diff(self.edges)

    @property
    def iter_by_edges(self):
        """Iterate over ``(edge_min, edge_max)`` pairs of Quantities, one per bin."""
        edges = self.edges
        for idx in range(self.nbin):
            yield edges[idx], edges[idx + 1]

    @property
    def use_center(self):
        """Whether the nodes are bin centres."""
        return self.node_type == "center"

    # ------------------------------------------------------------------ conversions
    def _pix_to_coord_value(self, pix):
        scaled = interp_extrapolate(pix, self._pix_nodes, self._scaled_nodes)
        return scale_inverse(scaled, self.interp)

    def pix_to_coord(self, pix):
        """Convert pixel coordinates to axis coordinates.

        Parameters
        ----------
        pix : array-like
            Pixel coordinates (0 = centre of the first bin).

        Returns
        -------
        coord : `~astropy.units.Quantity`
            Axis coordinates in the axis unit.
        """
        return u.Quantity(self._pix_to_coord_value(pix), self._unit)

    def coord_to_pix(self, coord):
        """Convert axis coordinates to (float) pixel coordinates.

        Parameters
        ----------
        coord : array-like or `~astropy.units.Quantity`
            Axis coordinates; numbers are taken to be in the axis unit.

        Returns
        -------
        pix : `~numpy.ndarray`
            Pixel coordinates (NaN where undefined, e.g. non-positive on a log axis).
        """
        value = to_axis_value(coord, self._unit, self._name)
        scaled = scale_forward(value, self.interp)
        return interp_extrapolate(scaled, self._scaled_nodes, self._pix_nodes)

    def coord_to_idx(self, coord, clip=False):
        """Convert axis coordinates to bin indices.

        Bins are ``[edge_min, edge_max)``; the upper edge of the last bin belongs
        to the last bin.

        Parameters
        ----------
        coord : array-like or `~astropy.units.Quantity`
            Axis coordinates.
        clip : bool
            Clip indices of coordinates outside the axis to the first/last bin
            instead of returning ``-1``.

        Returns
        -------
        idx : `~numpy.ndarray` of int
            Bin indices; ``-1`` for coordinates outside (unless ``clip``) or NaN.
        """
        value = np.asarray(to_axis_value(coord, self._unit, self._name), dtype=float)
        edges = self._edges_value
        finite = np.isfinite(value)
        idx = np.searchsorted(edges, np.where(finite, value, 0.0), side="right") - 1
        idx = np.where(value == edges[-1], self.nbin - 1, idx)
        if clip:
            idx = np.clip(idx, 0, self.nbin - 1)
        else:
            idx = np.where((idx < 0) | (idx >= self.nbin), INVALID_INDEX, idx)
        return np.where(finite, idx, INVALID_INDEX).astype(int)

    def pix_to_idx(self, pix, clip=False):
        """Convert pixel coordinates to bin indices.

        Parameters
        ----------
        pix : array-like
            Pixel coordinates.
        clip : bool
            Clip to the valid range instead of returning ``-1`` outside.

        Returns
        -------
        idx : `~numpy.ndarray` of int
            Bin indices.
        """
        return pix_to_idx_array(pix, self.nbin, clip=clip)

    def round(self, coord, clip=False):
        """Round coordinates to the nearest bin edge (nearest in pixel space).

        Parameters
        ----------
        coord : array-like or `~astropy.units.Quantity`
            Coordinates.
        clip : bool
            Clip to the axis bounds.

        Returns
        -------
        coord : `~astropy.units.Quantity`
            Nearest edges.
        """
        pix = self.coord_to_pix(coord)
        if clip:
            pix = np.clip(pix, -0.5, self.nbin - 0.5)
        idx = np.floor(pix + 0.5 + 0.5).astype(float) - 0.5
        return self.pix_to_coord(idx)

    # ------------------------------------------------------------------ manipulations
    def _init_copy(self, **kwargs):
        for arg in ("nodes", "interp", "name", "node_type", "unit"):
            kwargs.setdefault(arg, getattr(self, f"_{arg}"))
        return self.__class__(**kwargs)

    def copy(self, **kwargs):
        """Copy of the axis, with any of ``nodes``, ``interp``, ``name``, ``node_type``, ``unit`` replaced."""
        return self._init_copy(**kwargs)

    def rename(self, new_name):
        """Copy of the axis with a new name."""
        return self._init_copy(name=new_name)

    def to_node_type(self, node_type):
        """Copy of the axis with the given node type (``"edges"`` or ``"center"``)."""
        if node_type == self.node_type:
            return self.copy()
        nodes = self._edges_value if node_type == "edges" else self._center_value
        return self._init_copy(nodes=nodes, node_type=node_type)

    def upsample(self, factor):
        """Axis with ``factor`` times more bins (sub-divided in the ``interp`` scale)."""
        factor = _check_factor(factor)
        if self.node_type == "edges":
            pix = np.linspace(-0.5, self.nbin - 0.5, self.nbin * factor + 1)
        else:
            pix = np.linspace(0, self.nbin - 1, (self.nbin - 1) * factor + 1)
        nodes = self._pix_to_coord_value(pix)
        # keep original nodes bit-exact
        nodes[::factor] = self._nodes
        return self._init_copy(nodes=nodes)

    def downsample(self, factor, strict=True):
        """Axis with ``factor`` times fewer bins (every ``factor``-th node kept).

        Parameters
        ----------
        factor : int
            Downsampling factor.
        strict : bool
            If True, ``nbin`` must be divisible by ``factor``; otherwise the last
            (partial) bin is kept up to the last edge.
        """
        factor = _check_factor(factor)
        if self.nbin % factor != 0 and strict:
            raise AxisError(
                f"Number of {self.name or 'axis'} bins ({self.nbin}) is not "
                f"divisible by {factor}; pass strict=False to keep a partial last bin."
            )
        nodes = self._nodes[::factor]
        if self.node_type == "edges" and nodes[-1] != self._nodes[-1]:
            nodes = np.append(nodes, self._nodes[-1])
        return self._init_copy(nodes=nodes)

    def squash(self):
        """Axis with a single bin covering the whole range."""
        edges = self._edges_value
        return self._init_copy(nodes=[edges[0], edges[-1]], node_type="edges")

    def pad(self, pad_width):
        """Axis extended by ``pad_width`` bins (extrapolated in the ``interp`` scale).

        Parameters
        ----------
        pad_width : int or tuple of int
            Number of bins added before and after (one int means both).
        """
        if np.isscalar(pad_width):
            pad_width = (pad_width, pad_width)
        before, after = (int(p) for p in pad_width)
        if self.node_type == "edges":
            pix = np.arange(-before, self.nbin + after + 1, dtype=float) - 0.5
        else:
            pix = np.arange(-before, self.nbin + after, dtype=float)
        nodes = self._pix_to_coord_value(pix)
        nodes[before : before + len(self._nodes)] = self._nodes
        return self._init_copy(nodes=nodes)

    def slice(self, idx):
        """Sub-axis of the given bins.

        Parameters
        ----------
        idx : slice, int or array of int
            Bins to keep (an int keeps a single bin; arrays must be contiguous
            for edge-based axes).

        Returns
        -------
        axis : `MapAxis`
            Sliced axis.
        """
        if isinstance(idx, slice):
            start, stop, step = idx.indices(self.nbin)
            if step != 1:
                raise AxisError("Axis slices must have step 1.")
            if stop <= start:
                raise AxisError(f"Empty slice {idx} of axis {self.name!r}.")
            if self.node_type == "edges":
                nodes = self._nodes[start : stop + 1]
            else:
                nodes = self._nodes[start:stop]
            return self._init_copy(nodes=nodes)
        if isinstance(idx, (int, np.integer)):
            i = int(idx) + self.nbin if idx < 0 else int(idx)
            if not 0 <= i < self.nbin:
                raise IndexError(
                    f"Index {idx} out of range for axis with {self.nbin} bins."
                )
            edges = self._edges_value
            return self._init_copy(nodes=edges[i : i + 2], node_type="edges")
        idx = np.asarray(idx, dtype=int)
        if self.node_type == "center":
            return self._init_copy(nodes=self._nodes[idx])
        if len(idx) == 0 or np.any(np.diff(idx) != 1):
            raise AxisError(
                "Indices used to slice an edge-based axis must be contiguous."
            )
        return self.slice(slice(int(idx[0]), int(idx[-1]) + 1))

    @classmethod
    def from_stack(cls, axes):
        """Concatenate contiguous axes (each starting where the previous ended)."""
        axes = list(axes)
        if not axes:
            raise AxisError("Need at least one axis to stack.")
        ax0 = axes[0]
        if ax0.node_type != "edges":
            raise AxisError("Only edge-based axes can be stacked.")
        edges = [ax0._edges_value]
        for ax in axes[1:]:
            if (
                ax.node_type != "edges"
                or ax.name != ax0.name
                or ax.interp != ax0.interp
            ):
                raise AxisError(
                    "Stacked axes must share name, interp and node_type='edges'."
                )
            values = to_axis_value(ax.edges, ax0.unit, ax0.name)
            if not np.isclose(values[0], edges[-1][-1], rtol=1e-6, atol=0):
                raise AxisError(
                    f"Axes are not contiguous: {values[0]} != {edges[-1][-1]}."
                )
            edges.append(values[1:])
        return ax0._init_copy(nodes=np.concatenate(edges))

    def concatenate(self, axis):
        """Axis made of this axis followed by ``axis`` (must be contiguous)."""
        return self.from_stack([self, axis])

    # ------------------------------------------------------------------ comparisons
    def is_aligned(self, other, atol=2e-2):
        """Whether the edges of ``other`` inside this axis fall on edges of this axis.

        Parameters
        ----------
        other : `MapAxis`
            Other axis.
        atol : float
            Tolerance in pixels.
        """
        pix = self.coord_to_pix(other.edges)
        pix = pix[(pix >= -0.5 - atol) & (pix <= self.nbin - 0.5 + atol)]
        frac = np.mod(pix + 0.5, 1.0)
        return bool(np.all((frac < atol) | (frac > 1 - atol)))

    def is_allclose(self, other, **kwargs):
        """Whether two axes agree within tolerances (``rtol``, ``atol`` as `numpy.allclose`).

        Name (case-insensitive), node type, interp and edges are compared.
        """
        if not isinstance(other, self.__class__):
            return False
        if len(self._nodes) != len(other._nodes):
            return False
        if not self.unit.is_equivalent(other.unit):
            return False
        other_nodes = u.Quantity(other._nodes, other.unit).to_value(self.unit)
        return bool(
            self.node_type == other.node_type
            and self.interp == other.interp
            and self.name.upper() == other.name.upper()
            and np.allclose(self._nodes, other_nodes, **kwargs)
        )

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.is_allclose(other, rtol=1e-6, atol=1e-6)

    def __hash__(self):
        return id(self)

    def __repr__(self):
        edges = self._edges_value
        return (
            f"MapAxis\n\n"
            f"\tname       : {self.name}\n"
            f"\tunit       : {self.unit.to_string()!r}\n"
            f"\tnbins      : {self.nbin}\n"
            f"\tnode type  : {self.node_type}\n"
            f"\t{'edges min':<11}: {edges[0]:.1e} {self.unit}\n"
            f"\t{'edges max':<11}: {edges[-1]:.1e} {self.unit}\n"
            f"\tinterp     : {self.interp}\n"
        )

    def __str__(self):
        return self.__repr__()

    def assert_name(self, required_name):
        """Raise `AxisError` unless the axis has the given name."""
        if self.name != required_name:
            raise AxisError(
                f"Unexpected axis name {self.name!r}, expected {required_name!r}. "
                f"Rename it with axis.copy(name={required_name!r})."
            )


def _check_nbin(nbin):
    if not float(nbin).is_integer() or int(nbin) < 1:
        raise AxisError(f"Number of bins must be a positive integer, got {nbin}.")
    return int(nbin)


def _check_factor(factor):
    if not float(factor).is_integer() or int(factor) < 1:
        raise AxisError(f"Resampling factor must be a positive integer, got {factor}.")
    return int(factor)
