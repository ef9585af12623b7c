import os
from pathlib import Path

import pytest

from gammaray.utils import errors
from gammaray.utils.paths import atomic_write, get_data_dir, make_path


def test_error_hierarchy_matches_builtins():
    assert issubclass(errors.MissingHDUError, KeyError)
    assert issubclass(errors.MissingHDUError, errors.GammarayError)
    assert issubclass(errors.DataNotFoundError, FileNotFoundError)
    assert issubclass(errors.UnitMismatchError, ValueError)
    assert issubclass(errors.OverwriteError, FileExistsError)
    assert issubclass(errors.UnknownModelTagError, errors.InvalidModelFileError)
    assert issubclass(errors.FormatWarning, UserWarning)


def test_key_errors_print_plain_message():
    err = errors.MissingHDUError("HDU 'EVENTS' not found")
    assert str(err) == "HDU 'EVENTS' not found"


def test_make_path_expands_data_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("GAMMARAY_DATA", str(tmp_path))
    assert make_path("$GAMMARAY_DATA/a/b.fits") == tmp_path / "a" / "b.fits"
    assert make_path("${GAMMARAY_DATA}/x") == tmp_path / "x"
    # alias used by Gammapy scripts
    assert make_path("$GAMMAPY_DATA/x") == tmp_path / "x"
    assert get_data_dir() == tmp_path


def test_make_path_alias_only(monkeypatch, tmp_path):
    monkeypatch.delenv("GAMMARAY_DATA", raising=False)
    monkeypatch.setenv("GAMMAPY_DATA", str(tmp_path))
    assert make_path("$GAMMARAY_DATA/y") == tmp_path / "y"


def test_make_path_unset_variable(monkeypatch):
    monkeypatch.delenv("GAMMARAY_DATA", raising=False)
    monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    with pytest.raises(errors.DataPathError, match="GAMMARAY_DATA is not set"):
        make_path("$GAMMARAY_DATA/x")
    with pytest.raises(errors.DataPathError, match="not set"):
        make_path("$SURELY_NOT_SET_VARIABLE_XYZ/file")
    with pytest.raises(errors.DataPathError):
        make_path(None)


def test_make_path_home_and_pathlike():
    assert make_path("~/file") == Path(os.path.expanduser("~/file"))
    assert make_path(Path("rel/file")) == Path("rel/file")


def test_atomic_write_refuses_overwrite(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target) as tmp:
        tmp.write_text("first")
    assert target.read_text() == "first"
    with (
        pytest.raises(errors.OverwriteError, match="overwrite=True"),
        atomic_write(target) as tmp,
    ):
        tmp.write_text("second")
    assert target.read_text() == "first"
    with atomic_write(target, overwrite=True) as tmp:
        tmp.write_text("third")
    assert target.read_text() == "third"


def test_atomic_write_failure_leaves_nothing(tmp_path):
    target = tmp_path / "crash.txt"
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("crash")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
