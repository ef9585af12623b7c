"""Shared pytest fixtures.

Tests that need the real data collection request the ``gammaray_data`` fixture
(or call :func:`requires_data`). When ``GAMMARAY_DATA`` is not set the session
fails with a message that says how to set it; it never skips silently.
"""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

DATA_HELP = (
    "These tests need the gamma-ray data collection. Set GAMMARAY_DATA to its folder, "
    "e.g. `export GAMMARAY_DATA=$PWD/../shared/gammaray-data` (the CI script does this)."
)


def _data_dir():
    value = os.environ.get("GAMMARAY_DATA") or os.environ.get("GAMMAPY_DATA")
    if not value:
        pytest.fail("GAMMARAY_DATA is not set. " + DATA_HELP, pytrace=False)
    path = Path(value)
    if not path.is_dir():
        pytest.fail(
            f"GAMMARAY_DATA={value} is not a directory. " + DATA_HELP, pytrace=False
        )
    return path


@pytest.fixture(scope="session")
def gammaray_data():
    """Path of the data collection (``$GAMMARAY_DATA``); fails the test if unset."""
    return _data_dir()


@pytest.fixture(scope="session")
def api_examples_dir():
    """Folder of the original design's API examples (``../shared/api-examples``)."""
    here = Path(__file__).resolve().parent.parent
    candidates = [here.parent / "shared" / "api-examples"]
    if os.environ.get("GAMMARAY_DATA"):
        candidates.append(Path(os.environ["GAMMARAY_DATA"]).parent / "api-examples")
    for path in candidates:
        if path.is_dir():
            return path
    pytest.fail(
        "The API examples folder ../shared/api-examples was not found next to the repository.",
        pytrace=False,
    )


@pytest.fixture(autouse=True)
def _close_figures():
    """Close matplotlib figures after each test so memory does not grow."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
