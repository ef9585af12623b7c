import pytest

from gammaray.data import GTI, EventList, FixedPointingInfo, HDUIndexTable, HDULocation
from gammaray.utils.errors import DataNotFoundError, InvalidFileError


@pytest.fixture(scope="module")
def hdu_table(gammaray_data):
    return HDUIndexTable.read(gammaray_data / "hess-dl3-dr1/hdu-index.fits.gz")


def test_read(hdu_table, gammaray_data):
    assert len(hdu_table) == 630
    assert hdu_table.base_dir == gammaray_data / "hess-dl3-dr1"
    assert len(hdu_table.obs_id_unique) == 105
    assert hdu_table.hdu_type_unique == ["aeff", "bkg", "edisp", "events", "gti", "psf"]
    assert "Number of observations: 105" in hdu_table.summary()


def test_hdu_location(hdu_table, caplog):
    location = hdu_table.hdu_location(23523, hdu_type="events")
    assert location.hdu_class == "events"
    assert location.path().name == "hess_dl3_dr1_obs_id_023523.fits.gz"
    assert location.path().exists()
    assert "HDU_NAME = events" in location.info()
    assert isinstance(location.load(), EventList)
    assert hdu_table.hdu_location(23523, hdu_class="psf_table").hdu_class == "psf_table"
    assert isinstance(hdu_table.hdu_location(23523, hdu_type="gti").load(), GTI)
    pointing = HDULocation(
        "pointing", location.base_dir, location.file_dir, location.file_name, "EVENTS"
    )
    assert isinstance(pointing.load(), FixedPointingInfo)
    assert location.get_hdu().header["OBS_ID"] == 23523
    assert hdu_table.hdu_location(23523, hdu_type="rad_max", warn_missing=False) is None
    with caplog.at_level("WARNING"):
        assert hdu_table.hdu_location(1, hdu_type="events") is None
    assert "No HDU found" in caplog.text
    with pytest.raises(ValueError, match="hdu_type"):
        hdu_table.hdu_location(23523, hdu_type="nope")


def test_hdu_location_missing_file(tmp_path):
    location = HDULocation("events", tmp_path, ".", "nope.fits", "EVENTS")
    with pytest.raises(DataNotFoundError, match="nope.fits"):
        location.load()


def test_irf_loading_contract(hdu_table):
    from gammaray.irf import EffectiveAreaTable2D

    location = hdu_table.hdu_location(23523, hdu_type="aeff")
    aeff = location.load()
    assert isinstance(aeff, EffectiveAreaTable2D)
    assert aeff.axes.names == ["energy_true", "offset"]


def test_hawc_index(gammaray_data):
    path = gammaray_data / "hawc/crab_events_pass4/hdu-index-table-GP-Crab.fits.gz"
    table = HDUIndexTable.read(path, hdu=7)
    assert table.obs_id_unique.tolist() == [103000133]
    assert "edisp_kernel_map" in table.hdu_class_unique
    location = table.hdu_location(103000133, hdu_type="events")
    assert location.path().name == "EventList_Crab_fHitbin7GP.fits.gz"
    assert location.path().exists()


def test_masked_file_dir(gammaray_data):
    table = HDUIndexTable.read(
        gammaray_data / "veritas/crab-point-like-ED/hdu-index.fits.gz"
    )
    location = table.hdu_location(64080, hdu_type="events")
    assert location.path().exists()


def test_not_an_index(gammaray_data):
    with pytest.raises(InvalidFileError):
        HDUIndexTable.read(gammaray_data / "hess-dl3-dr1/obs-index.fits.gz")


def test_file_cache_gives_fresh_objects(hdu_table):
    from gammaray.data.hdu_index_table import clear_file_cache

    clear_file_cache()
    location = hdu_table.hdu_location(23523, hdu_type="events")
    assert location.cache
    events1 = location.load()
    events1.table["ENERGY"][:] = -1
    events2 = location.load()
    assert events2.table["ENERGY"].min() > 0
    location.cache = False
    events3 = location.load()
    assert len(events3) == len(events2) == 7613
    header = location.get_header()
    assert header["OBS_ID"] == 23523
