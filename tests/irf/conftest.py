"""Shared fixtures of the IRF tests (real-data IRFs are read once per session)."""

import pytest

from gammaray.irf import load_irf_dict_from_file

HESS_23523 = "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz"


@pytest.fixture(scope="session")
def hess_irfs(gammaray_data):
    """IRFs of H.E.S.S. DR1 run 23523 (dict)."""
    return load_irf_dict_from_file(gammaray_data / HESS_23523)
