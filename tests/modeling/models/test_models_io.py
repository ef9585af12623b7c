"""Tests of gammaray.modeling.models.models: Models/DatasetModels, YAML and covariance I/O."""

import numpy as np
import pytest
import yaml
from astropy import units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion

from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.modeling.models import (
    DatasetModels,
    DiskSpatialModel,
    FoVBackgroundModel,
    GaussianSpatialModel,
    LogParabolaSpectralModel,
    Models,
    PointSpatialModel,
    PowerLawSpectralModel,
    SkyModel,
    TemplateSpatialModel,
)
from gammaray.utils.errors import (
    DuplicateNameError,
    InvalidFileError,
    InvalidModelFileError,
    OverwriteError,
    UnitMismatchError,
    UnknownModelTagError,
)

REAL_FILES = [
    "fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml",
    "estimators/crab_hess_fp/models.yaml",
    "estimators/pks2155_hess_lc/models.yaml",
    "datasets/simulations/simulated_map_dataset_model.yaml",
    "datasets/simulations/simulated_spectrum_dataset_ECPL_model.yaml",
    "datasets/simulations/simulated_spectrum_dataset_PL_model.yaml",
]


def _par_state(models):
    return [
        (p.name, p.value, p.unit, p.error, p.min, p.max, p.frozen, p.is_norm, p.interp)
        for p in models.parameters
    ]


def _assert_same(models, other):
    assert models.names == other.names
    for a, b in zip(_par_state(models), _par_state(other)):
        name, value, unit, error, pmin, pmax, frozen, is_norm, interp = a
        assert (name, value, unit, error, frozen, is_norm, interp) == (
            b[0],
            b[1],
            b[2],
            b[3],
            b[6],
            b[7],
            b[8],
        )
        assert (pmin == b[4]) or (np.isnan(pmin) and np.isnan(b[4]))
        assert (pmax == b[5]) or (np.isnan(pmax) and np.isnan(b[5]))
    assert np.array_equal(models.covariance.data, other.covariance.data)
    for m1, m2 in zip(models, other):
        assert type(m1) is type(m2)
        assert getattr(m1, "frame", None) == getattr(m2, "frame", None)


@pytest.mark.parametrize("name", REAL_FILES)
def test_read_real_files(gammaray_data, name, tmp_path):
    models = Models.read(gammaray_data / name)
    assert len(models) >= 1
    assert len(models.parameters) >= 3
    models.write(tmp_path / "out.yaml")
    _assert_same(models, Models.read(tmp_path / "out.yaml"))


def test_fermi_file_values(gammaray_data):
    models = Models.read(gammaray_data / "fermi-3fhl-crab/Fermi-LAT-3FHL_models.yaml")
    assert models.names == ["Crab Nebula", "Fermi-LAT-bkg"]
    crab = models["Crab Nebula"]
    assert isinstance(crab.spectral_model, LogParabolaSpectralModel)
    assert crab.spectral_model.amplitude.value == 0.018182745349064267
    assert crab.spectral_model.amplitude.error == 0.003026327991562108
    assert crab.spectral_model.amplitude.unit == u.Unit("cm-2 s-1 TeV-1")
    assert crab.spatial_model.frame == "icrs"
    assert crab.spatial_model.lon_0.frozen
    assert crab.spatial_model.lat_0.min == -90
    bkg = models[1]
    assert isinstance(bkg, FoVBackgroundModel)
    assert bkg.datasets_names == ["Fermi-LAT"]
    assert bkg.spectral_model.norm.min == 0
    assert np.isnan(bkg.spectral_model.norm.max)


def test_simulated_map_file_with_covariance(gammaray_data):
    models = Models.read(
        gammaray_data / "datasets/simulations/simulated_map_dataset_model.yaml"
    )
    assert models.names == ["E4h3eiR--bkg", "source"]
    assert models.covariance.data.shape == (11, 11)
    assert "E4h3eiR--bkg.spectral.tilt" in models.parameters_unique_names
    assert models["source"].spatial_model.sigma.quantity == 0.4 * u.deg
    assert models["source"].spatial_model.frame == "galactic"


def _example_models():
    m1 = SkyModel(
        PowerLawSpectralModel(index=2.3, amplitude="2e-12 cm-2 s-1 TeV-1"),
        GaussianSpatialModel(
            lon_0="1 deg", lat_0="0.5 deg", sigma="0.2 deg", frame="galactic"
        ),
        name="gauss",
    )
    m2 = SkyModel(
        PowerLawSpectralModel(index=2.0),
        DiskSpatialModel(lon_0="83 deg", lat_0="22 deg", r_0="0.3 deg"),
        name="disk",
        datasets_names=["a"],
    )
    m2.spectral_model.index.min = 1
    m2.spectral_model.index.max = 4
    m2.spatial_model.r_0.frozen = True
    m1.spectral_model.index.error = 0.123456789
    bkg = FoVBackgroundModel(dataset_name="a")
    models = Models([m1, m2, bkg])
    n = len(models.parameters.unique_parameters)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(n, n))
    models.covariance = a @ a.T / 7.0
    return models


@pytest.mark.parametrize("full_output", [False, True])
def test_write_read_round_trip(tmp_path, full_output):
    models = _example_models()
    path = tmp_path / "models.yaml"
    models.write(path, full_output=full_output)
    assert (tmp_path / "models_covariance.dat").exists()
    data = yaml.safe_load(path.read_text())
    assert data["covariance"] == "models_covariance.dat"
    assert data["components"][0]["spatial"]["frame"] == "galactic"
    new = Models.read(path)
    _assert_same(models, new)
    assert new["disk"].datasets_names == ["a"]
    with pytest.raises(OverwriteError):
        models.write(path)
    models.write(path, overwrite=True, checksum=True)
    assert Models.read(path, checksum=True).names == models.names


def test_covariance_rows_matched_by_label(tmp_path):
    models = _example_models()
    models.write(tmp_path / "m.yaml")
    cov_file = tmp_path / "m_covariance.dat"
    lines = cov_file.read_text().splitlines()
    # swap two parameter rows and the matching columns
    from astropy.table import Table

    table = Table.read(cov_file, format="ascii.fixed_width", delimiter="|")
    order = list(range(len(table)))
    order[0], order[1] = 1, 0
    table = table[order]
    cols = [str(i) for i in order]
    new = Table()
    new["Parameters"] = table["Parameters"]
    for idx, col in enumerate(cols):
        new[str(idx)] = table[col]
    new.write(cov_file, format="ascii.fixed_width", delimiter="|", overwrite=True)
    assert cov_file.read_text().splitlines() != lines
    read = Models.read(tmp_path / "m.yaml")
    assert np.array_equal(read.covariance.data, models.covariance.data)


def test_yaml_string_round_trip_with_link():
    models = _example_models()
    models["disk"].spectral_model.index = models["gauss"].spectral_model.index
    text = models.to_yaml()
    assert "link:" in text
    new = Models.from_yaml(text)
    assert new["disk"].spectral_model.index is new["gauss"].spectral_model.index
    assert len(new.parameters.unique_parameters) == len(
        models.parameters.unique_parameters
    )


def test_template_model_io(tmp_path):
    geom = WcsGeom.create(npix=(10, 10), binsz=0.1, skydir=(0, 0), frame="galactic")
    m = Map.from_geom(geom, dtype=float)
    m.data[4:6, 4:6] = 1
    spatial = TemplateSpatialModel(m, filename=str(tmp_path / "template.fits"))
    models = Models([SkyModel(PowerLawSpectralModel(), spatial, name="template")])
    models.write(tmp_path / "models.yaml", overwrite_templates=True)
    new = Models.read(tmp_path / "models.yaml")
    assert np.allclose(new[0].spatial_model.map.data, spatial.map.data)
    # a relative template file name is resolved against the folder of the YAML file
    text = (tmp_path / "models.yaml").read_text().replace(str(tmp_path) + "/", "")
    assert "filename: template.fits" in text
    (tmp_path / "rel.yaml").write_text(
        text.replace("covariance: models_covariance.dat\n", "")
    )
    rel = Models.read(tmp_path / "rel.yaml")
    assert np.allclose(rel[0].spatial_model.map.data, spatial.map.data)


def test_duplicate_names():
    model = SkyModel(PowerLawSpectralModel(), name="same")
    with pytest.raises(DuplicateNameError, match="same"):
        Models([model, model.copy(name="same")])
    models = Models([model])
    with pytest.raises(DuplicateNameError):
        models.append(model.copy(name="same"))
    text = (
        "components:\n- {name: x, type: SkyModel, spectral: {type: PowerLawSpectralModel}}\n"
        * 1
    )
    text += "- {name: x, type: SkyModel, spectral: {type: PowerLawSpectralModel}}\n"
    with pytest.raises(DuplicateNameError):
        Models.from_yaml(text)


def test_unknown_tag_and_bad_files(tmp_path):
    text = "components:\n- {name: x, type: SkyModel, spectral: {type: NoSuchSpectralModel}}\n"
    with pytest.raises(UnknownModelTagError, match="NoSuchSpectralModel") as excinfo:
        Models.from_yaml(text)
    assert "PowerLawSpectralModel" in str(excinfo.value)
    with pytest.raises(UnknownModelTagError, match="os.system"):
        Models.from_yaml("components:\n- {name: x, type: os.system}\n")
    with pytest.raises(InvalidModelFileError):
        Models.from_yaml("just a string")
    # python object tags are never executed
    with pytest.raises(InvalidModelFileError):
        Models.from_yaml("components: !!python/object/apply:os.system ['echo hi']\n")
    bad_unit = (
        "components:\n- name: x\n  type: SkyModel\n  spectral: {type: PowerLawSpectralModel}\n"
        "  spatial:\n    type: PointSpatialModel\n    parameters:\n"
        "    - {name: lon_0, value: 1, unit: TeV}\n"
    )
    with pytest.raises(UnitMismatchError):
        Models.from_yaml(bad_unit)
    models = _example_models()
    models.write(tmp_path / "m.yaml")
    data = yaml.safe_load((tmp_path / "m.yaml").read_text())
    data["components"] = data["components"][:1]
    (tmp_path / "m.yaml").write_text(yaml.dump(data))
    with pytest.raises(InvalidFileError):
        Models.read(tmp_path / "m.yaml")


def test_indexing_and_selection():
    models = _example_models()
    assert models[0].name == "gauss"
    assert models["disk"].name == "disk"
    assert models[["gauss", "a-bkg"]].names == ["gauss", "a-bkg"]
    assert isinstance(models[1:], Models)
    assert "disk" in models
    with pytest.raises(KeyError, match="nope"):
        models["nope"]
    assert models.select(tag="GaussianSpatialModel").names == ["gauss"]
    assert models.select(name_substring="bkg").names == ["a-bkg"]
    assert models.select(model_type="spatial").names == ["gauss", "disk"]
    assert models.select(datasets_names="b").names == ["gauss"]
    models["disk"].freeze()
    assert models.select(frozen=True).names == ["disk"]
    region = CircleSkyRegion(SkyCoord(83, 22, unit="deg"), 1 * u.deg)
    assert models.select_region(region).names == ["disk"]
    geom = WcsGeom.create(npix=(20, 20), binsz=0.1, skydir=(1, 0.5), frame="galactic")
    mask = Map.from_geom(geom, data=np.ones((20, 20), dtype=bool))
    assert models.select_mask(mask).names == ["gauss", "a-bkg"]
    dataset_models = DatasetModels(models)
    assert not hasattr(dataset_models, "append")
    del models["disk"]
    assert models.names == ["gauss", "a-bkg"]


def test_parameters_table_and_bounds():
    models = _example_models()
    table = models.to_parameters_table()
    assert len(table) == len(models.parameters)
    assert table["model"][0] == "gauss"
    table["value"][0] = 3.1
    table["frozen"][1] = True
    models.update_parameters_from_table(table)
    assert models["gauss"].spectral_model.index.value == 3.1
    assert models["gauss"].spectral_model.amplitude.frozen
    models.set_parameters_bounds(
        tag="GaussianSpatialModel",
        model_type="spatial",
        parameters_names="sigma",
        min=0.01,
        max=1,
    )
    sigma = models["gauss"].spatial_model.sigma
    assert (sigma.min, sigma.max) == (0.01, 1)
    models.freeze("spatial")
    assert models["gauss"].spatial_model.frozen
    assert not models["gauss"].spectral_model.index.frozen
    models.unfreeze()
    assert not models["gauss"].spatial_model.lon_0.frozen


def test_templates_from_models():
    models = Models(
        [
            SkyModel(
                PowerLawSpectralModel(),
                PointSpatialModel(lon_0="0 deg", lat_0="0 deg", frame="galactic"),
                name="pt",
            )
        ]
    )
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3, name="energy_true")
    geom = WcsGeom.create(
        npix=(11, 11), binsz=0.1, skydir=(0, 0), frame="galactic", axes=[axis]
    )
    spectral = models.to_template_spectral_model(geom)
    energy = axis.center
    assert spectral(energy).to_value("cm-2 s-1 TeV-1") == pytest.approx(
        models[0].spectral_model(energy).to_value("cm-2 s-1 TeV-1"), rel=1e-6
    )
    sky = models.to_template_sky_model(geom, name="template")
    assert sky.name == "template"
    flux = sky.integrate_geom(geom).data.sum(axis=(1, 2))
    direct = models[0].integrate_geom(geom).data.sum(axis=(1, 2))
    # the template is sampled at bin centres: agreement to the curvature error of the bins
    assert flux == pytest.approx(direct, rel=0.1)
