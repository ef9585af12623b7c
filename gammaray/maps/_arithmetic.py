"""Arithmetic, comparison, logical operators and numpy ufunc support for maps.

This is a mixin of :class:`gammaray.maps.core.Map`; it relies on ``geom``,
``data``, ``unit`` and ``_init_copy`` only.
"""

import operator

import astropy.units as u
import numpy as np

from gammaray.utils.errors import GeometryMismatchError, UnitMismatchError

__all__ = []

_ADDITIVE = {operator.add, operator.sub, operator.iadd, operator.isub}
_COMPARE = {
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    operator.eq,
    operator.ne,
}
_LOGICAL = {
    operator.and_,
    operator.or_,
    operator.xor,
    operator.iand,
    operator.ior,
    operator.ixor,
}
_MULTIPLICATIVE = {
    operator.mul,
    operator.truediv,
    operator.floordiv,
    operator.imul,
    operator.itruediv,
    operator.ifloordiv,
}


def _can_have_arbitrary_unit(value):
    """Plain numbers that are all 0, inf or nan combine with any unit (as in astropy)."""
    value = np.asarray(value)
    if value.dtype.kind not in "biuf" or value.size > 1_000_000:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.all((value == 0) | ~np.isfinite(value)))


def _regions_alike(geom_a, geom_b):
    """Whether two region geometries combine in arithmetic (result on the first).

    As in Gammapy, region maps with the same axes combine whatever their
    regions (each has one spatial bin), e.g. ``alpha * counts_off`` with the
    OFF counts on the OFF regions.
    """
    from gammaray.maps.region.geom import RegionGeom

    return (
        isinstance(geom_a, RegionGeom)
        and isinstance(geom_b, RegionGeom)
        and geom_a.data_shape == geom_b.data_shape
        and geom_a.axes.is_allclose(geom_b.axes)
    )


def _split_value(other):
    """Split an operand into (array, unit); ``unit`` is None for plain numbers."""
    if isinstance(other, u.Quantity):
        return other.value, other.unit
    if isinstance(other, u.UnitBase):
        return 1.0, other
    return other, None


class MapArithmeticMixin:
    """Operators of `~gammaray.maps.Map`.

    Maps combine with numbers, arrays, Quantities and other maps. Two maps must
    share the geometry, or one must have the spatial geometry of the other and a
    data shape that broadcasts against it (e.g. an image times a cube).
    """

    __array_priority__ = 1000

    # -- helpers ----------------------------------------------------------
    def _broadcast_geom(self, other):
        """Geometry of the result of ``self <op> other`` (both maps)."""
        if (
            self.geom is other.geom
            or self.geom == other.geom
            or _regions_alike(self.geom, other.geom)
        ):
            return self.geom
        shape_a, shape_b = self.data.shape, other.data.shape
        try:
            shape = np.broadcast_shapes(shape_a, shape_b)
        except ValueError:
            shape = None
        image_ok = False
        if shape is not None:
            try:
                image_a, image_b = self.geom.to_image(), other.geom.to_image()
                image_ok = image_a == image_b or _regions_alike(image_a, image_b)
                # broadcasting is for an image against a cube, not for two
                # different non-spatial axes that happen to have equal lengths
                image_ok = image_ok and (
                    len(self.geom.axes) == 0 or len(other.geom.axes) == 0
                )
            except Exception:
                image_ok = False
        if shape is None or not image_ok:
            raise GeometryMismatchError(
                "Map arithmetic: inconsistent geometries "
                f"({type(self.geom).__name__} with data shape {shape_a} and "
                f"{type(other.geom).__name__} with data shape {shape_b}). Use maps "
                "with the same geometry (e.g. via interp_to_geom/reproject_to_geom) "
                "or an image map that broadcasts against a cube."
            )
        if shape == shape_a:
            return self.geom
        if shape == shape_b:
            return other.geom
        raise GeometryMismatchError(
            f"Map arithmetic: data shapes {shape_a} and {shape_b} broadcast to "
            f"{shape}, which matches neither geometry."
        )

    def _operands(self, other):
        """Return (geom, self_values, other_values, other_unit)."""
        from gammaray.maps.core import Map

        if isinstance(other, Map):
            geom = self._broadcast_geom(other)
            return geom, other.data, other.unit
        value, unit = _split_value(other)
        shape = np.shape(value)
        try:
            broadcast = np.broadcast_shapes(self.data.shape, shape)
        except ValueError:
            broadcast = None
        if broadcast != self.data.shape:
            raise GeometryMismatchError(
                f"Map arithmetic: an operand of shape {shape} does not broadcast "
                f"against the map data of shape {self.data.shape}; use an array of "
                "that shape (or one that broadcasts to it) or a map on the same "
                "geometry."
            )
        return self.geom, value, unit

    def _arithmetics(self, op, other, copy=True):
        geom, value, other_unit = self._operands(other)
        unit = self.unit
        data = self.data
        if op in _ADDITIVE or op in _COMPARE:
            arbitrary = other_unit is None and _can_have_arbitrary_unit(value)
            if other_unit is None:
                other_unit = u.dimensionless_unscaled
            if other_unit != unit and not arbitrary:
                try:
                    scale = other_unit.to(unit)
                except u.UnitConversionError:
                    kind = "compare" if op in _COMPARE else "add or subtract"
                    raise UnitMismatchError(
                        f"Cannot {kind} a map with unit {unit.to_string()!r} and "
                        f"an operand with unit {other_unit.to_string()!r}; convert "
                        "one of them (e.g. map.to_unit(...))."
                    ) from None
                value = np.multiply(value, scale)
            result = op(data, value)
            new_unit = "" if op in _COMPARE else unit
        elif op in _LOGICAL:
            result = op(data, value)
            new_unit = unit
        elif op in _MULTIPLICATIVE:
            result = op(data, value)
            if other_unit is not None:
                base = {
                    operator.imul: operator.mul,
                    operator.itruediv: operator.truediv,
                    operator.ifloordiv: operator.truediv,
                    operator.floordiv: operator.truediv,
                }.get(op, op)
                new_unit = base(unit, other_unit)
            else:
                new_unit = unit
        elif op in (operator.pow, operator.ipow):
            if other_unit is not None and other_unit != u.dimensionless_unscaled:
                raise UnitMismatchError("The exponent of a map power must be unitless.")
            result = op(data, value)
            if unit == u.dimensionless_unscaled:
                new_unit = unit
            else:
                new_unit = unit ** np.asarray(value).item()
        else:  # pragma: no cover - guarded by the dunder methods
            raise TypeError(f"Unsupported map operation {op}")

        result = np.asarray(result)
        if copy:
            return self._init_copy(geom=geom, data=result, unit=new_unit)
        if geom is not self.geom and geom != self.geom:
            raise GeometryMismatchError(
                "In-place map arithmetic cannot change the map geometry; use the "
                "binary operator instead (a = a + b)."
            )
        self._unit = u.Unit(new_unit)
        self.data = result
        return self

    def _reflected(self, op, other):
        """``other <op> self`` for non-map ``other``."""
        value, other_unit = _split_value(other)
        if op in (operator.sub, operator.truediv, operator.pow, operator.floordiv):
            if op is operator.sub:
                return (-self)._arithmetics(operator.add, other)
            if op is operator.pow:
                if self.unit != u.dimensionless_unscaled:
                    raise UnitMismatchError("The exponent of a power must be unitless.")
                base = value
                if other_unit is not None and other_unit != u.dimensionless_unscaled:
                    raise UnitMismatchError(
                        "Raising a Quantity to a map power is not supported."
                    )
                return self._init_copy(data=np.power(base, self.data), unit="")
            result = op(value, self.data)
            unit = (other_unit or u.dimensionless_unscaled) / self.unit
            return self._init_copy(data=np.asarray(result), unit=unit)
        return self._arithmetics(op, other)

    # -- binary operators -------------------------------------------------
    def __add__(self, other):
        return self._arithmetics(operator.add, other)

    def __radd__(self, other):
        return self._arithmetics(operator.add, other)

    def __iadd__(self, other):
        return self._arithmetics(operator.iadd, other, copy=False)

    def __sub__(self, other):
        return self._arithmetics(operator.sub, other)

    def __rsub__(self, other):
        return self._reflected(operator.sub, other)

    def __isub__(self, other):
        return self._arithmetics(operator.isub, other, copy=False)

    def __mul__(self, other):
        return self._arithmetics(operator.mul, other)

    def __rmul__(self, other):
        return self._arithmetics(operator.mul, other)

    def __imul__(self, other):
        return self._arithmetics(operator.imul, other, copy=False)

    def __truediv__(self, other):
        return self._arithmetics(operator.truediv, other)

    def __rtruediv__(self, other):
        return self._reflected(operator.truediv, other)

    def __itruediv__(self, other):
        return self._arithmetics(operator.itruediv, other, copy=False)

    def __floordiv__(self, other):
        return self._arithmetics(operator.floordiv, other)

    def __pow__(self, other):
        return self._arithmetics(operator.pow, other)

    def __rpow__(self, other):
        return self._reflected(operator.pow, other)

    def __ipow__(self, other):
        return self._arithmetics(operator.ipow, other, copy=False)

    def __neg__(self):
        return self._init_copy(data=-self.data)

    def __pos__(self):
        return self.copy()

    def __abs__(self):
        return self._init_copy(data=np.abs(self.data))

    # -- comparisons --------------------------------------------------------
    def __lt__(self, other):
        return self._arithmetics(operator.lt, other)

    def __le__(self, other):
        return self._arithmetics(operator.le, other)

    def __gt__(self, other):
        return self._arithmetics(operator.gt, other)

    def __ge__(self, other):
        return self._arithmetics(operator.ge, other)

    def __eq__(self, other):
        return self._arithmetics(operator.eq, other)

    def __ne__(self, other):
        return self._arithmetics(operator.ne, other)

    __hash__ = object.__hash__

    # -- logical ------------------------------------------------------------
    def __and__(self, other):
        return self._arithmetics(operator.and_, other)

    def __rand__(self, other):
        return self._arithmetics(operator.and_, other)

    def __iand__(self, other):
        return self._arithmetics(operator.iand, other, copy=False)

    def __or__(self, other):
        return self._arithmetics(operator.or_, other)

    def __ror__(self, other):
        return self._arithmetics(operator.or_, other)

    def __ior__(self, other):
        return self._arithmetics(operator.ior, other, copy=False)

    def __xor__(self, other):
        return self._arithmetics(operator.xor, other)

    def __rxor__(self, other):
        return self._arithmetics(operator.xor, other)

    def __ixor__(self, other):
        return self._arithmetics(operator.ixor, other, copy=False)

    def __invert__(self):
        return self._init_copy(data=np.logical_not(self.data))

    # -- numpy protocol ---------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        """Return the map data as an array (numpy protocol)."""
        data = self.data
        if dtype is not None:
            data = data.astype(dtype, copy=bool(copy))
        elif copy:
            data = data.copy()
        return data

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """Apply numpy ufuncs to maps; element-wise results are returned as maps.

        Units are propagated through `~astropy.units.Quantity`; reductions
        (``np.add.reduce`` etc.) return plain arrays / Quantities.
        """
        from gammaray.maps.core import Map

        out = kwargs.pop("out", None)
        template = None
        args = []
        any_unit = False
        for value in inputs:
            if isinstance(value, Map):
                if template is None:
                    template = value
                else:
                    template._broadcast_geom(value)
                if value.unit != u.dimensionless_unscaled:
                    any_unit = True
        for value in inputs:
            if isinstance(value, Map):
                args.append(value.quantity if any_unit else value.data)
            else:
                if isinstance(value, u.Quantity):
                    any_unit = True
                args.append(value)
        if any_unit:
            args = [
                u.Quantity(a) if isinstance(a, np.ndarray | float | int) else a
                for a in args
            ]
        result = getattr(ufunc, method)(*args, **kwargs)
        if method != "__call__":
            return result

        def wrap(res):
            unit = ""
            if isinstance(res, u.Quantity):
                unit = res.unit
                res = res.value
            res = np.asarray(res)
            geom = template.geom
            for value in inputs:
                if isinstance(value, Map) and value.data.shape == res.shape:
                    geom = value.geom
                    break
            if res.shape != geom.data_shape:
                return res * unit if unit else res
            return template._init_copy(geom=geom, data=res, unit=unit)

        if isinstance(result, tuple):
            wrapped = tuple(wrap(r) for r in result)
        else:
            wrapped = wrap(result)
        if out is not None:
            outs = out if isinstance(out, tuple) else (out,)
            results = wrapped if isinstance(wrapped, tuple) else (wrapped,)
            for o, r in zip(outs, results):
                target = o.data if isinstance(o, Map) else o
                target[...] = r.data if isinstance(r, Map) else r
            return out[0] if isinstance(out, tuple) and len(out) == 1 else out
        return wrapped
