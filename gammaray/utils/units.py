"""Unit helpers: standardisation and physical-type checks at API boundaries."""

import functools

import astropy.units as u
import numpy as np

from .errors import UnitMismatchError

__all__ = [
    "standardise_unit",
    "energy_unit_format",
    "unit_from_fits_image_hdu",
    "check_physical_type",
    "as_quantity",
    "as_unit",
]

# Unit strings found in real files that astropy cannot parse, with their meaning.
_UNIT_FIXES = {
    "1/s/MeV/sr": "s-1 MeV-1 sr-1",
    "ph/cm2/s/MeV/sr": "cm-2 s-1 MeV-1 sr-1",
    "ph/cm2/s": "cm-2 s-1",
    "counts": "",
    "count": "",
    "ct": "",
    "cts": "",
}


def standardise_unit(unit):
    """Return a standard `~astropy.units.Unit` for a unit or unit string.

    Strings that appear in real files but that astropy does not parse in the
    FITS/generic formats (e.g. ``"1/s/MeV/sr"``, ``"ph/cm2/s"``) are mapped to
    their meaning. As in Gammapy, photon (``ph``) and count (``ct``) factors
    are dropped, so ``"ph cm-2 s-1"`` becomes ``1 / (s cm2)`` and counts-like
    units become dimensionless.

    Parameters
    ----------
    unit : str or `~astropy.units.UnitBase`
        The unit.

    Returns
    -------
    unit : `~astropy.units.UnitBase`
        The unit.
    """
    if not isinstance(unit, u.UnitBase):
        text = "" if unit is None else str(unit).strip()
        text = _UNIT_FIXES.get(text, text)
        try:
            unit = u.Unit(text)
        except ValueError:
            try:
                unit = u.Unit(text, format="fits")
            except ValueError:
                return u.Unit(text, parse_strict="silent")
    return _drop_counts_bases(unit)


def _drop_counts_bases(unit):
    """Drop ``ph`` and ``ct`` factors from a unit (other units are returned as is)."""
    bases = getattr(unit, "bases", [])
    if not any(base in (u.ph, u.ct) for base in bases):
        return unit
    kept = [(b, p) for b, p in zip(bases, unit.powers) if b not in (u.ph, u.ct)]
    return u.CompositeUnit(
        unit.scale, [b for b, _ in kept], [p for _, p in kept], _error_check=False
    )


def unit_from_fits_image_hdu(header):
    """Read the ``BUNIT`` keyword of an image header as a unit (dimensionless if absent)."""
    return standardise_unit(header.get("BUNIT", ""))


def energy_unit_format(energy):
    """Format an energy (or array) for display, e.g. ``"1.00 TeV"``.

    Parameters
    ----------
    energy : `~astropy.units.Quantity`
        Energy or energies.

    Returns
    -------
    text : str or tuple of str
        Formatted energy.
    """
    energy = u.Quantity(energy)
    if energy.isscalar:
        return f"{energy.value:.3g} {energy.unit}"
    return tuple(f"{e.value:.3g} {e.unit}" for e in energy)


def check_physical_type(quantity, physical_type, name="quantity"):
    """Check that ``quantity`` has the given physical type.

    Parameters
    ----------
    quantity : `~astropy.units.Quantity`
        The quantity to check.
    physical_type : str or `~astropy.units.UnitBase`
        Expected physical type (e.g. ``"energy"``, ``"angle"``) or a unit whose
        physical type is expected.
    name : str
        Name of the argument, used in the error message.

    Raises
    ------
    UnitMismatchError
        If the quantity has no unit or the wrong physical type.
    """
    if not isinstance(quantity, u.Quantity):
        raise UnitMismatchError(
            f"{name} must be a Quantity with a unit of type {physical_type!s}, "
            f"got {type(quantity).__name__} {quantity!r}."
        )
    if isinstance(physical_type, u.UnitBase):
        ok = quantity.unit.is_equivalent(physical_type)
        expected = f"a unit equivalent to {physical_type}"
    else:
        ok = quantity.unit.physical_type == physical_type
        expected = f"physical type {physical_type!r}"
    if not ok:
        raise UnitMismatchError(
            f"{name} must have {expected}, got unit {quantity.unit!s} "
            f"({quantity.unit.physical_type})."
        )
    return quantity


def as_quantity(value, unit=None, name="value", physical_type=None):
    """Convert numbers, strings or Quantities to a Quantity.

    Parameters
    ----------
    value : float, str, array-like or `~astropy.units.Quantity`
        The value; strings such as ``"1 TeV"`` are parsed.
    unit : str or `~astropy.units.UnitBase`, optional
        Unit assumed for plain numbers, and unit the result is converted to.
    name : str
        Argument name for error messages.
    physical_type : str, optional
        Physical type to check (see `check_physical_type`).

    Returns
    -------
    quantity : `~astropy.units.Quantity`
        The quantity.
    """
    try:
        if isinstance(value, u.Quantity):
            quantity = value
        elif isinstance(value, str):
            quantity = u.Quantity(value)
        else:
            quantity = u.Quantity(
                np.asanyarray(value), unit if unit is not None else ""
            )
    except (TypeError, ValueError) as exc:
        raise UnitMismatchError(
            f"Cannot interpret {name}={value!r} as a quantity: {exc}"
        ) from exc
    if physical_type is not None:
        check_physical_type(quantity, physical_type, name=name)
    if unit is not None:
        try:
            quantity = quantity.to(unit)
        except u.UnitConversionError as exc:
            raise UnitMismatchError(
                f"{name} has unit {quantity.unit!s}, which cannot be converted to {unit!s}."
            ) from exc
    return quantity


@functools.lru_cache(maxsize=512)
def _unit_from_string(text):
    return u.Unit(text)


def as_unit(unit):
    """`~astropy.units.Unit` of a unit, unit string or None (dimensionless).

    Like ``astropy.units.Unit`` but strings are parsed once and remembered
    (units are immutable): parsing a composite unit such as ``"m2 s"`` takes
    ~0.2 ms, which adds up when many maps are made.
    """
    if isinstance(unit, str):
        return _unit_from_string(unit)
    return u.Unit(unit)
