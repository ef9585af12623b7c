"""The gammaray exception hierarchy.

Every error raised deliberately by gammaray derives from :class:`GammarayError`.
Each specific class also derives from the matching built-in exception, so that
ordinary ``except ValueError`` / ``except KeyError`` / ``except FileNotFoundError``
clauses keep working.

Warnings for files that deviate from the formats in known, harmless ways derive
from :class:`GammarayWarning`.
"""

__all__ = [
    "GammarayError",
    "GammarayWarning",
    "GammarayDeprecationWarning",
    "FormatWarning",
    "DataNotFoundError",
    "DataPathError",
    "MissingHDUError",
    "MissingIRFError",
    "MissingColumnError",
    "InvalidFileError",
    "UnitMismatchError",
    "GeometryMismatchError",
    "AxisError",
    "InvalidProjectionError",
    "InvalidFrameError",
    "InvalidModelError",
    "InvalidModelFileError",
    "UnknownModelTagError",
    "DuplicateNameError",
    "ParameterBoundsError",
    "FitError",
    "EmptySelectionError",
    "ObservationNotFoundError",
    "ZeroExposureError",
    "InvalidDataError",
    "FileExistsError_",
]


class GammarayError(Exception):
    """Base class of all errors raised by gammaray."""


class GammarayWarning(UserWarning):
    """Base class of all warnings emitted by gammaray."""


class GammarayDeprecationWarning(GammarayWarning, DeprecationWarning):
    """A feature will be removed or changed in a future version."""


class FormatWarning(GammarayWarning):
    """A file deviates from its format in a known, harmless way and was fixed on read.

    The message names the file and the fix that was applied.
    """


class DataNotFoundError(GammarayError, FileNotFoundError):
    """A file or directory does not exist."""


class DataPathError(GammarayError, ValueError):
    """A path could not be resolved, e.g. an environment variable is not set."""


class MissingHDUError(GammarayError, KeyError):
    """A FITS file lacks the HDU that was asked for."""

    def __str__(self):
        # KeyError quotes its message; show it as plain text instead.
        return str(self.args[0]) if self.args else ""


class MissingIRFError(MissingHDUError):
    """An observation or file lacks an instrument response function."""


class MissingColumnError(GammarayError, KeyError):
    """A table lacks a required column."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class InvalidFileError(GammarayError, ValueError):
    """A file exists but cannot be interpreted (corrupt, wrong format)."""


class InvalidDataError(GammarayError, ValueError):
    """Data values are invalid (NaN, negative counts, ...)."""


class UnitMismatchError(GammarayError, ValueError):
    """A quantity has a unit of the wrong physical type, or units do not match."""


class GeometryMismatchError(GammarayError, ValueError):
    """Two maps or datasets have geometries that do not match."""


class AxisError(GammarayError, ValueError):
    """A map axis is invalid (unsorted edges, non-positive log edges, ...)."""


class InvalidProjectionError(GammarayError, ValueError):
    """An unknown or unsupported map projection was requested."""


class InvalidFrameError(GammarayError, ValueError):
    """An unknown or unsupported sky frame was requested."""


class InvalidModelError(GammarayError, ValueError):
    """A model is misconfigured."""


class InvalidModelFileError(GammarayError, ValueError):
    """A model file (YAML) cannot be read into models."""


class UnknownModelTagError(InvalidModelFileError, KeyError):
    """A model tag is not in the model registry."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class DuplicateNameError(GammarayError, ValueError):
    """Two objects in a collection share a name that must be unique."""


class ParameterBoundsError(GammarayError, ValueError):
    """A parameter value lies outside its bounds."""


class FitError(GammarayError, RuntimeError):
    """A fit or optimisation failed in a way that cannot be reported as a result."""


class EmptySelectionError(GammarayError, ValueError):
    """A selection (events, observations, bins) is empty."""


class ObservationNotFoundError(GammarayError, KeyError):
    """An observation id is not in the index tables."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


class ZeroExposureError(GammarayError, ValueError):
    """Exposure is zero or missing where it is needed."""


class FileExistsError_(GammarayError, FileExistsError):
    """A writer refused to overwrite an existing file (pass ``overwrite=True``)."""


# Public alias with a readable name; ``FileExistsError_`` avoids shadowing the builtin.
OverwriteError = FileExistsError_
__all__.append("OverwriteError")
