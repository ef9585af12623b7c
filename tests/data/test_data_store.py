import pytest
from astropy.io import fits

from gammaray.data import DataStore, HDUIndexTable, ObservationTable, PointingMode
from gammaray.utils.errors import (
    DataNotFoundError,
    FormatWarning,
    GammarayWarning,
    MissingIRFError,
    ObservationNotFoundError,
)


@pytest.fixture(scope="session")
def hess_data_store(gammaray_data):
    return DataStore.from_dir(gammaray_data / "hess-dl3-dr1")


def test_hess_all_events(hess_data_store):
    from gammaray.irf import (
        PSF3D,
        Background3D,
        EffectiveAreaTable2D,
        EnergyDispersion2D,
    )

    observations = hess_data_store.get_observations(required_irf="full-enclosure")
    assert len(observations) == 105
    n_events = sum(len(obs.events) for obs in observations)
    assert n_events == 1046156
    n_gti = sum(len(obs.gti) for obs in observations)
    assert n_gti == 105
    # all four full-enclosure IRFs of every observation load
    kinds = {
        (type(o.aeff), type(o.edisp), type(o.psf), type(o.bkg)) for o in observations
    }
    assert kinds == {(EffectiveAreaTable2D, EnergyDispersion2D, PSF3D, Background3D)}


def test_hess_obs_23523(hess_data_store):
    obs = hess_data_store.obs(23523)
    assert obs.obs_id == 23523
    assert len(obs.events) == 7613
    assert obs.observation_live_time_duration.to_value("s") == pytest.approx(
        1581.7, abs=0.1
    )
    pointing = obs.get_pointing_icrs(obs.tmid)
    assert pointing.ra.deg == pytest.approx(83.633, abs=1e-3)
    assert pointing.dec.deg == pytest.approx(21.514, abs=1e-3)
    assert obs.available_irfs == ["aeff", "edisp", "psf", "bkg"]


def test_info_and_ids(hess_data_store, capsys):
    text = hess_data_store.info(show=False)
    assert "Number of observations: 105" in text
    assert hess_data_store.info() is None
    assert "Number of observations: 105" in capsys.readouterr().out
    assert len(hess_data_store.obs_ids) == 105
    assert str(hess_data_store) == text


def test_obs_not_found(hess_data_store):
    with pytest.raises(ObservationNotFoundError, match="12345"):
        hess_data_store.obs(12345)
    with pytest.raises(ObservationNotFoundError):
        hess_data_store.get_observations([12345])
    with pytest.warns(GammarayWarning, match="12345"):
        observations = hess_data_store.get_observations(
            [23523, 12345], skip_missing=True
        )
    assert observations.ids == ["23523"]


def test_required_irf(hess_data_store):
    with pytest.raises(ValueError, match="required_irf"):
        hess_data_store.obs(23523, required_irf="nope")
    with pytest.raises(MissingIRFError, match="rad_max"):
        hess_data_store.obs(23523, required_irf=["aeff", "rad_max"])
    obs = hess_data_store.obs(23523, required_irf=["aeff"])
    assert obs.available_irfs == ["aeff", "edisp", "psf", "bkg"]


def test_check(hess_data_store):
    records = list(hess_data_store.check())
    assert not [r for r in records if r["level"] == "error"]


def test_cta_1dc(gammaray_data):
    data_store = DataStore.from_dir(gammaray_data / "cta-1dc/index/gps")
    assert len(data_store.obs_ids) == 4
    obs = data_store.obs(110380)
    assert len(obs.events) == 106217
    assert obs.gti.time_sum.to_value("s") == pytest.approx(1800)
    assert obs.available_irfs == ["aeff", "edisp", "psf", "bkg"]
    assert obs.pointing.mode is PointingMode.POINTING


def test_magic_point_like(gammaray_data):
    data_store = DataStore.from_dir(gammaray_data / "magic/rad_max/data")
    observations = data_store.get_observations(required_irf="point-like")
    assert sorted(observations.ids) == ["5029747", "5029748"]
    assert [len(obs.events) for obs in observations] == [11701, 11189]
    assert "rad_max" in observations[0].available_irfs
    with pytest.raises(MissingIRFError, match="point-like"):
        data_store.obs(5029747)


def test_veritas_point_like(gammaray_data):
    data_store = DataStore.from_dir(gammaray_data / "veritas/crab-point-like-ED")
    observations = data_store.get_observations(required_irf="point-like")
    assert observations.ids == ["64080", "64081", "64082", "64083"]
    assert sum(len(obs.events) for obs in observations) == 1295 + 1265 + 1142 + 1288
    assert observations["64080"].gti.time_sum.to_value("s") == pytest.approx(
        1202, abs=1
    )


def test_joint_crab_missing_file(gammaray_data):
    data_store = DataStore.from_dir(gammaray_data / "joint-crab/dl3/magic")
    with pytest.raises(DataNotFoundError, match="5029747") as excinfo:
        data_store.get_observations(required_irf="point-like")
    assert "run_05029747_DL3.fits" in str(excinfo.value)
    with pytest.warns(GammarayWarning, match="5029747"):
        observations = data_store.get_observations(
            required_irf="point-like", skip_missing=True
        )
    assert observations.ids == ["5029748"]
    assert len(observations[0].events) > 0


def test_hawc(gammaray_data):
    base = gammaray_data / "hawc/crab_events_pass4"
    obs_table = ObservationTable.read(base / "obs-index-table-GP-Crab.fits.gz")
    n_events = []
    for fhit in range(5, 10):
        hdu_table = HDUIndexTable.read(
            base / "hdu-index-table-GP-Crab.fits.gz", hdu=fhit
        )
        data_store = DataStore(hdu_table=hdu_table, obs_table=obs_table)
        obs = data_store.get_observations(required_irf="all-optional")[0]
        assert obs.pointing.mode is PointingMode.DRIFT
        assert len(obs.gti) == 39250
        n_events.append(len(obs.events))
        assert obs.available_irfs == ["aeff", "edisp", "psf", "bkg"]
    assert n_events == [13985, 3687, 1286, 388, 285]


def test_hawc_nn_event_class(gammaray_data):
    base = gammaray_data / "hawc/crab_events_pass4"
    obs_table = ObservationTable.read(base / "obs-index-table-NN-Crab.fits.gz")
    hdu_table = HDUIndexTable.read(base / "hdu-index-table-NN-Crab.fits.gz", hdu=7)
    obs = DataStore(hdu_table=hdu_table, obs_table=obs_table).get_observations(
        required_irf="all-optional"
    )[0]
    assert obs.pointing.mode is PointingMode.DRIFT
    assert len(obs.events) == 1160
    assert obs.aeff.unit == "cm2 s"  # exposure per transit, a WCS map
    assert obs.aeff.geom.axes.names == ["energy_true"]
    assert type(obs.edisp).__name__ == "EDispKernelMap"
    assert type(obs.psf).__name__ == "RecoPSFMap"
    assert obs.bkg.geom.axes.names == ["energy"]


def test_hawc_no_events_index_skips_missing_files(gammaray_data):
    # the index lists fHit bins 1-3, whose files are not shipped; its obs table
    # has an unparseable OBS_ID column, so the HDU index ids are used
    base = gammaray_data / "hawc/crab_events_pass4"
    data_store = DataStore(
        hdu_table=HDUIndexTable.read(base / "hdu-index-table-GP-no-events.fits.gz"),
        obs_table=ObservationTable.read(base / "obs-index-table-GP-no-events.fits.gz"),
    )
    with pytest.warns(FormatWarning, match="OBS_ID column"):
        assert data_store.obs_ids.tolist() == [1, 2, 3]
    with pytest.raises(DataNotFoundError, match=r"Observation 1.*fHitbin1GP"):
        data_store.obs(1, required_irf="all-optional", require_events=False)
    with pytest.warns(GammarayWarning, match="Skipping observation") as record:
        observations = data_store.get_observations(
            [1, 2, 3],
            required_irf="all-optional",
            require_events=False,
            skip_missing=True,
        )
    assert len(observations) == 0
    assert len([r for r in record if "Skipping" in str(r.message)]) == 3


def test_from_events_files(gammaray_data):
    paths = [
        gammaray_data / "hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz",
        gammaray_data / "veritas/crab-point-like-ED/64080.fits.gz",
    ]
    data_store = DataStore.from_events_files(paths)
    assert data_store.obs_ids.tolist() == [23523, 64080]
    obs = data_store.obs(23523)
    assert len(obs.events) == 7613
    assert obs.available_irfs == ["aeff", "edisp", "psf", "bkg"]
    obs = data_store.obs(64080, required_irf="point-like")
    assert len(obs.events) == 1295
    assert data_store.obs_table.pointing_radec[0].ra.deg == pytest.approx(
        83.633, abs=1e-3
    )


def test_from_events_files_with_irfs(gammaray_data):
    events = gammaray_data / "cta-1dc/data/baseline/gps/gps_baseline_110380.fits"
    irfs = (
        gammaray_data
        / "cta-caldb/Prod5-South-20deg-AverageAz-14MSTs37SSTs.180000s-v0.1.fits.gz"
    )
    data_store = DataStore.from_events_files([events], irfs_paths=irfs)
    obs = data_store.obs(110380)
    assert len(obs.events) == 106217
    assert set(obs.available_irfs) >= {"aeff", "edisp"}


def test_from_file_and_copy_obs(hess_data_store, tmp_path):
    hess_data_store.copy_obs([23523, 23526], tmp_path / "out")
    data_store = DataStore.from_dir(tmp_path / "out")
    assert data_store.obs_ids.tolist() == [23523, 23526]
    assert len(data_store.obs(23523).events) == 7613
    with pytest.raises(FileExistsError):
        hess_data_store.copy_obs([23523], tmp_path / "out")
    hess_data_store.copy_obs(
        [23523], tmp_path / "out", hdu_class=["events", "gti"], overwrite=True
    )
    data_store = DataStore.from_dir(tmp_path / "out")
    assert data_store.hdu_table.hdu_type_unique == ["events", "gti"]
    # single file holding both index tables
    hdus = fits.HDUList([fits.PrimaryHDU()])
    for name in ("hdu-index.fits.gz", "obs-index.fits.gz"):
        with fits.open(tmp_path / "out" / name) as f:
            hdus.append(f[1].copy())
    hdus.writeto(tmp_path / "out" / "index.fits")
    data_store = DataStore.from_file(tmp_path / "out" / "index.fits")
    assert data_store.obs_ids.tolist() == [23523]
    assert len(data_store.obs(23523, required_irf="all-optional").events) == 7613


def test_from_dir_missing(tmp_path):
    with pytest.raises(DataNotFoundError):
        DataStore.from_dir(tmp_path / "nope")
    with pytest.raises(DataNotFoundError, match="hdu"):
        DataStore.from_dir(tmp_path)


def test_from_events_files_caldb(gammaray_data, monkeypatch):
    monkeypatch.setenv("CALDB", str(gammaray_data / "cta-1dc/caldb"))
    events = gammaray_data / "cta-1dc/data/baseline/gps/gps_baseline_110380.fits"
    with pytest.warns(FormatWarning, match="legacy HDUCLAS4") as record:
        data_store = DataStore.from_events_files([events])
    assert any("3GAUSS" in str(w.message) for w in record)
    obs = data_store.obs(110380)
    assert obs.available_irfs == ["aeff", "edisp", "psf", "bkg"]
    assert data_store.hdu_table.hdu_location(110380, "aeff").hdu_class == "aeff_2d"
    assert data_store.hdu_table.hdu_location(110380, "bkg").hdu_class == "bkg_3d"
    location = data_store.hdu_table.hdu_location(110380, hdu_type="psf")
    assert location.hdu_class == "psf_3gauss"
    assert location.path().name == "irf_file.fits"


@pytest.mark.parametrize(
    ("folder", "required_irf"),
    [
        ("hess-dl3-dr1", "full-enclosure"),
        ("cta-1dc/index/gps", "full-enclosure"),
        ("magic/rad_max/data", "point-like"),
        ("veritas/crab-point-like-ED", "point-like"),
    ],
)
def test_peek_each_kind(gammaray_data, folder, required_irf):
    import warnings

    import matplotlib.pyplot as plt

    data_store = DataStore.from_dir(gammaray_data / folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GammarayWarning)
        obs = data_store.get_observations(
            data_store.obs_table["OBS_ID"][:1].tolist(), required_irf=required_irf
        )[0]
        obs.peek()
        obs.aeff.peek()
    assert len(plt.get_fignums()) >= 2
    assert obs.aeff.quantity.unit.is_equivalent("m2")


def test_irf_errors_name_observation_hdu_and_file(gammaray_data):
    from gammaray.utils.errors import InvalidFileError

    data_store = DataStore.from_dir(gammaray_data / "hess-dl3-dr1")
    table = data_store.hdu_table
    row = (table["OBS_ID"] == 23523) & (table["HDU_TYPE"] == "psf")
    table["HDU_NAME"][row] = "NOPE"
    row = (table["OBS_ID"] == 23523) & (table["HDU_TYPE"] == "aeff")
    table["HDU_CLASS"][row] = "weird"
    obs = data_store.obs(23523, required_irf=[])
    with pytest.raises(MissingIRFError, match=r"Observation 23523.*NOPE.*023523\.fits"):
        _ = obs.psf
    with pytest.raises(
        InvalidFileError, match=r"Observation 23523.*023523\.fits.*weird"
    ):
        _ = obs.aeff
