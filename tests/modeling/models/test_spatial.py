"""Tests of gammaray.modeling.models.spatial and spatial_template."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from regions import CircleSkyRegion, EllipseSkyRegion, PointSkyRegion

from gammaray.maps import Map, MapAxis, MapCoord, RegionGeom, WcsGeom
from gammaray.modeling.models import (
    ConstantFluxSpatialModel,
    ConstantSpatialModel,
    DiskSpatialModel,
    GaussianSpatialModel,
    GeneralizedGaussianSpatialModel,
    PiecewiseNormSpatialModel,
    PointSpatialModel,
    Shell2SpatialModel,
    ShellSpatialModel,
    SpatialModel,
    TemplateNDSpatialModel,
    TemplateSpatialModel,
)
from gammaray.utils.errors import InvalidFrameError, UnitMismatchError

POS = {"lon_0": "10 deg", "lat_0": "20 deg", "frame": "galactic"}


@pytest.fixture(scope="module")
def geom():
    return WcsGeom.create(
        npix=(160, 160), binsz=0.025, skydir=(10, 20), frame="galactic"
    )


NORMALISED = [
    PointSpatialModel(lon_0="10.013 deg", lat_0="20.004 deg", frame="galactic"),
    GaussianSpatialModel(sigma="0.3 deg", **POS),
    GaussianSpatialModel(sigma="0.3 deg", e=0.8, phi="30 deg", **POS),
    GaussianSpatialModel(sigma="0.002 deg", **POS),
    GeneralizedGaussianSpatialModel(r_0="0.2 deg", eta=0.3, e=0.5, **POS),
    GeneralizedGaussianSpatialModel(r_0="0.08 deg", eta=1, **POS),
    DiskSpatialModel(r_0="0.5 deg", e=0.5, phi="20 deg", **POS),
    DiskSpatialModel(r_0="0.05 deg", **POS),
    DiskSpatialModel(r_0="0.4 deg", edge_width=0.2, **POS),
    ShellSpatialModel(radius="0.5 deg", width="0.1 deg", **POS),
    Shell2SpatialModel(r_0="0.5 deg", eta=0.3, **POS),
]


@pytest.mark.parametrize("model", NORMALISED, ids=lambda m: type(m).__name__)
def test_normalised_models_integrate_to_one(model, geom):
    integral = model.integrate_geom(geom)
    assert integral.geom.data_shape == geom.data_shape
    assert integral.unit == u.dimensionless_unscaled
    assert integral.data.sum() == pytest.approx(1, abs=1e-3)
    assert np.all(integral.data >= 0)


def test_small_gaussian_on_coarse_grid():
    geom = WcsGeom.create(npix=(20, 20), binsz=0.1, skydir=(0, 0), frame="icrs")
    model = GaussianSpatialModel(lon_0="0.03 deg", lat_0="0.01 deg", sigma="0.01 deg")
    integral = model.integrate_geom(geom)
    assert integral.data.sum() == pytest.approx(1, abs=1e-3)
    # without oversampling the pixel-centre value misses the flux badly
    rough = model.integrate_geom(geom, oversampling_factor=1)
    assert abs(rough.data.sum() - 1) > 0.1


def test_point_source_coarse_grid_smooth_weights():
    geom = WcsGeom.create(npix=(5, 5), binsz=1.0, skydir=(0, 0), frame="galactic")
    model = PointSpatialModel(lon_0="0.25 deg", lat_0="0 deg", frame="galactic")
    data = model.integrate_geom(geom).data
    assert data.sum() == pytest.approx(1, abs=1e-12)
    # the weights' centroid is the source position
    x, y = geom.coord_to_pix({"skycoord": model.position})
    iy, ix = np.indices(data.shape)
    assert (data * ix).sum() == pytest.approx(x[0], abs=1e-12)
    assert (data * iy).sum() == pytest.approx(y[0], abs=1e-12)
    # quadratic B-spline along x for an offset t from the nearest pixel centre
    ix0 = int(np.floor(x[0] + 0.5))
    t = x[0] - ix0
    expected = [0.5 * (0.5 - t) ** 2, 0.75 - t**2, 0.5 * (0.5 + t) ** 2]
    np.testing.assert_allclose(data[2, ix0 - 1 : ix0 + 2] / 0.75, expected, rtol=1e-9)


def test_point_source_weights_are_smooth_in_position():
    from gammaray.modeling.models.spatial import point_source_pixel_weights

    # continuous value and derivative across a pixel centre and a pixel edge
    for x0 in (2.0, 2.5):
        eps = 1e-6
        w = [
            point_source_pixel_weights(x, 2.0, (5, 5)) for x in (x0 - eps, x0, x0 + eps)
        ]
        np.testing.assert_allclose(w[0], w[1], atol=1e-5)
        left = (w[1] - w[0]) / eps
        right = (w[2] - w[1]) / eps
        np.testing.assert_allclose(left, right, atol=1e-4)


def test_gaussian_values():
    sigma = 0.1
    model = GaussianSpatialModel(lon_0="0 deg", lat_0="0 deg", sigma=f"{sigma} deg")
    value = model(0 * u.deg, 0 * u.deg)
    expected = 1 / (2 * np.pi * np.deg2rad(sigma) ** 2)
    assert value.unit == u.Unit("sr-1")
    assert value.value == pytest.approx(expected, rel=1e-5)
    ratio = model(0 * u.deg, sigma * u.deg) / value
    assert ratio.value == pytest.approx(np.exp(-0.5), rel=1e-5)


def test_elongated_gaussian_axes():
    model = GaussianSpatialModel(
        lon_0="0 deg", lat_0="0 deg", sigma="0.2 deg", e=0.6, phi="0 deg"
    )
    # phi = 0: major axis towards north (lat); minor = sigma * sqrt(1 - e^2) = 0.16 deg
    v_major = model(0 * u.deg, 0.2 * u.deg)
    v_minor = model(0.16 * u.deg, 0 * u.deg)
    assert v_major.value == pytest.approx(v_minor.value, rel=1e-3)
    region = model.to_region()
    assert isinstance(region, EllipseSkyRegion)


def test_disk_values():
    model = DiskSpatialModel(lon_0="0 deg", lat_0="0 deg", r_0="1 deg", edge_width=0)
    norm = 1 / (2 * np.pi * (1 - np.cos(np.deg2rad(1))))
    values = model([0, 0.5, 1.5] * u.deg, [0, 0, 0] * u.deg).value
    assert values == pytest.approx([norm, norm, 0])
    assert model.evaluation_radius.deg == pytest.approx(1)


def test_shell_profile_peak_at_inner_radius():
    model = ShellSpatialModel(
        lon_0="0 deg", lat_0="0 deg", radius="1 deg", width="0.2 deg"
    )
    lon = np.linspace(0, 1.5, 151) * u.deg
    values = model(lon, 0 * lon).value
    assert lon[np.argmax(values)].value == pytest.approx(1.0, abs=0.011)
    assert values[-1] == 0


def test_constant_models(geom):
    model = ConstantSpatialModel(value="2 sr-1")
    assert model(1 * u.deg, 2 * u.deg).value == 2
    assert model.evaluate_geom(geom).shape == geom.data_shape
    flux = ConstantFluxSpatialModel()
    assert flux.integrate_geom(geom).data.sum() == pytest.approx(1)
    total = geom.solid_angle().sum()
    assert flux.evaluate_geom(geom)[0, 0].value == pytest.approx(1 / total.value)


def test_region_geom_integral():
    model = GaussianSpatialModel(lon_0="0 deg", lat_0="0 deg", sigma="0.1 deg")
    region = CircleSkyRegion(SkyCoord(0, 0, unit="deg"), radius=0.3 * u.deg)
    geom = RegionGeom.create(region, binsz_wcs="0.005 deg")
    value = model.integrate_geom(geom).data.sum()
    assert value == pytest.approx(1 - np.exp(-4.5), rel=1e-2)


def test_region_geom_point_source():
    model = PointSpatialModel(lon_0="0 deg", lat_0="0 deg")
    region = CircleSkyRegion(SkyCoord(0, 0, unit="deg"), radius=0.2 * u.deg)
    geom = RegionGeom.create(region, binsz_wcs="0.02 deg")
    assert model.integrate_geom(geom).data.sum() == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize(
    "model",
    [*NORMALISED, ConstantSpatialModel(value="3 sr-1")],
    ids=lambda m: type(m).__name__,
)
def test_dict_round_trip(model):
    data = model.to_dict()
    assert data["spatial"]["type"] == model.tag[0]
    if model.frame is not None:
        assert data["spatial"]["frame"] == model.frame
    new = SpatialModel.from_dict(data)
    assert type(new) is type(model)
    assert new.frame == model.frame
    for p1, p2 in zip(model.parameters, new.parameters):
        assert p1.name == p2.name
        assert p1.value == p2.value
        assert p1.unit == p2.unit
        assert p1.frozen == p2.frozen


def test_wrong_unit_and_frame():
    with pytest.raises(UnitMismatchError):
        GaussianSpatialModel(sigma="1 TeV")
    with pytest.raises(InvalidFrameError):
        PointSpatialModel(frame="altaz-ish")
    data = PointSpatialModel().to_dict()
    data["spatial"]["parameters"][0]["unit"] = "TeV"
    with pytest.raises(UnitMismatchError, match="lon_0"):
        SpatialModel.from_dict(data)


def test_position_and_regions():
    model = PointSpatialModel(lon_0="45.6 deg", lat_0="3.2 deg", frame="galactic")
    assert model.position.galactic.l.deg == pytest.approx(45.6)
    assert isinstance(model.to_region(), PointSkyRegion)
    model.position = SkyCoord(10, 1, unit="deg", frame="galactic")
    assert model.position_lonlat == pytest.approx((10, 1))
    gauss = GaussianSpatialModel(sigma="0.2 deg")
    assert isinstance(gauss.evaluation_region, CircleSkyRegion)
    assert gauss.evaluation_region.radius.to_value("deg") == pytest.approx(1.0)


def test_plot(geom):
    model = GaussianSpatialModel(sigma="0.2 deg", **POS)
    ax = model.plot(geom=geom)
    assert ax is not None
    ax = model.plot()
    assert ax is not None


def _template_map(energy=False):
    axes = []
    if energy:
        axes = [MapAxis.from_energy_bounds("1 TeV", "10 TeV", 3, name="energy_true")]
    geom = WcsGeom.create(
        npix=(40, 30), binsz=0.05, skydir=(0, 0), frame="icrs", axes=axes
    )
    m = Map.from_geom(geom, dtype=float)
    coord = geom.to_image().get_coord()
    lon, lat = u.Quantity(coord.lon, "deg").value, u.Quantity(coord.lat, "deg").value
    lon = np.where(lon > 180, lon - 360, lon)
    image = np.exp(-0.5 * (lon**2 + lat**2) / 0.2**2)
    m.data[...] = image * (np.arange(1, 4)[:, None, None] if energy else 1)
    return m


def test_template_normalised(tmp_path):
    m = _template_map()
    model = TemplateSpatialModel(m, normalize=True)
    assert model.integrate_geom(m.geom).data.sum() == pytest.approx(1, rel=1e-9)
    assert model.frame == "icrs"
    assert not model.is_energy_dependent
    # values at pixel centres of the template are the normalised data
    coord = m.geom.get_coord()
    values = model(u.Quantity(coord.lon, "deg"), u.Quantity(coord.lat, "deg"))
    assert values.unit == u.Unit("sr-1")
    assert np.allclose(values.value, model.map.data)
    filename = tmp_path / "template.fits"
    model.filename = str(filename)
    model.write()
    new = SpatialModel.from_dict(model.to_dict())
    assert new.normalize is True
    assert np.allclose(new.map.data, model.map.data)


def test_template_energy_dependent():
    m = _template_map(energy=True)
    model = TemplateSpatialModel(m, normalize=True)
    assert model.is_energy_dependent
    integral = model.integrate_geom(m.geom)
    assert integral.data.shape == (3, 30, 40)
    assert integral.data.sum(axis=(1, 2)) == pytest.approx([1, 1, 1])
    unnormalised = TemplateSpatialModel(
        Map.from_geom(m.geom, data=m.data, unit="cm-2 s-1 TeV-1 sr-1"), normalize=False
    )
    assert unnormalised.integrate_geom(m.geom).unit.is_equivalent("cm-2 s-1 TeV-1")
    with pytest.raises(UnitMismatchError):
        TemplateSpatialModel(Map.from_geom(m.geom, unit="TeV"), normalize=False)


def test_template_nd():
    axis = MapAxis.from_nodes([1.0, 2.0, 3.0], name="index", interp="lin")
    geom = WcsGeom.create(npix=(10, 10), binsz=0.1, skydir=(0, 0), axes=[axis])
    m = Map.from_geom(geom, dtype=float, unit="sr-1")
    m.data[...] = np.arange(1, 4)[:, None, None]
    model = TemplateNDSpatialModel(m)
    assert model.parameters.names == ["index"]
    model.index.value = 2.5
    assert model(0 * u.deg, 0 * u.deg).value == pytest.approx(2.5)


def test_piecewise_norm():
    coords = MapCoord.create({"lon": [0, 1, 0, 1], "lat": [0, 0, 1, 1]}, frame="icrs")
    model = PiecewiseNormSpatialModel(coords, norms=[1, 2, 3, 4], frame="icrs")
    assert model([0, 1] * u.deg, [0, 1] * u.deg).value == pytest.approx([1, 4])
    assert model(0.5 * u.deg, 0.5 * u.deg).value == pytest.approx(2.5)
    assert model(5 * u.deg, 5 * u.deg).value == 0
    new = SpatialModel.from_dict(model.to_dict())
    assert [p.value for p in new.parameters] == [1, 2, 3, 4]
    assert new(0.5 * u.deg, 0.5 * u.deg).value == pytest.approx(2.5)
