"""Path helpers: environment-variable expansion and atomic writing."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import DataPathError, OverwriteError

__all__ = ["make_path", "get_data_dir", "atomic_write", "check_overwrite"]

#: Environment variables that point at the data collection; the second is an alias.
DATA_ENV_VARS = ("GAMMARAY_DATA", "GAMMAPY_DATA")


def get_data_dir():
    """Return the data directory given by ``$GAMMARAY_DATA`` (or ``$GAMMAPY_DATA``).

    Returns
    -------
    path : `~pathlib.Path`
        The data directory.

    Raises
    ------
    DataPathError
        If neither variable is set.
    """
    for name in DATA_ENV_VARS:
        value = os.environ.get(name)
        if value:
            return Path(value)
    raise DataPathError(
        "The environment variable GAMMARAY_DATA is not set. Point it at the data "
        "collection, e.g. `export GAMMARAY_DATA=/path/to/gammaray-data`."
    )


def make_path(path):
    """Expand environment variables and ``~`` in a path and return a `~pathlib.Path`.

    ``$GAMMARAY_DATA`` and its alias ``$GAMMAPY_DATA`` expand to the data
    directory (either variable may be set); any other unset variable raises.

    Parameters
    ----------
    path : str or `~pathlib.Path`
        The path.

    Returns
    -------
    path : `~pathlib.Path`
        The expanded path.
    """
    if path is None:
        raise DataPathError("Expected a path, got None.")
    text = os.fspath(path)
    for name in DATA_ENV_VARS:
        for token in (f"${{{name}}}", f"${name}"):
            if token in text:
                text = text.replace(token, str(get_data_dir()))
    expanded = os.path.expandvars(text)
    if "$" in expanded:
        start = expanded.index("$")
        raise DataPathError(
            f"Environment variable in path {text!r} is not set "
            f"(near {expanded[start : start + 30]!r}); set it or give a full path."
        )
    return Path(expanded).expanduser()


def check_overwrite(path, overwrite):
    """Raise `OverwriteError` if ``path`` exists and ``overwrite`` is False."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise OverwriteError(
            f"File {path} already exists; pass overwrite=True to replace it."
        )


@contextmanager
def atomic_write(path, overwrite=False, mode="wb"):
    """Write a file atomically: to a temporary file first, then rename.

    Parameters
    ----------
    path : str or `~pathlib.Path`
        Destination file.
    overwrite : bool
        Replace an existing file.
    mode : str
        Mode of the temporary file (``"wb"`` or ``"w"``).

    Yields
    ------
    tmp_path : `~pathlib.Path`
        Temporary path to write to; it is renamed onto ``path`` on success and
        removed on failure.
    """
    path = make_path(path)
    check_overwrite(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent)
    )
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        if not overwrite and path.exists():
            raise OverwriteError(
                f"File {path} appeared while writing; pass overwrite=True to replace it."
            )
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
