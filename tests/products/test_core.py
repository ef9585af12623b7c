"""Tests of gammaray.products.core (FluxMaps) on synthetic WCS maps."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose

from gammaray.estimators import FluxMaps, FluxPoints
from gammaray.maps import Map, MapAxis, WcsGeom
from gammaray.modeling.models import PowerLawSpectralModel
from gammaray.products import MissingQuantityError, UnknownSEDTypeError
from gammaray.utils.errors import MissingColumnError, OverwriteError


def _geom():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    return WcsGeom.create(
        npix=(4, 3), binsz=0.1, skydir=(83.63, 22.01), frame="icrs", axes=[axis]
    )


def _model():
    return PowerLawSpectralModel(
        index=2.0, amplitude="2e-12 cm-2 s-1 TeV-1", reference="1 TeV"
    )


@pytest.fixture()
def flux_maps():
    geom = _geom()
    rng = np.random.default_rng(1)
    norm = rng.uniform(0.5, 2, geom.data_shape)
    data = {
        "norm": Map.from_geom(geom, data=norm),
        "norm_err": Map.from_geom(geom, data=0.1 * norm),
        "norm_ul": Map.from_geom(geom, data=2 * norm),
        "ts": Map.from_geom(geom, data=np.full(geom.data_shape, 9.0)),
        "success": Map.from_geom(
            geom, data=np.ones(geom.data_shape, dtype=bool), dtype=bool
        ),
    }
    return FluxMaps(data=data, reference_model=_model(), meta={"n_sigma_ul": 2})


def test_sed_quantities_analytic(flux_maps):
    norm = flux_maps.norm.data
    e_min, e_max = (
        flux_maps.energy_min.to_value("TeV"),
        flux_maps.energy_max.to_value("TeV"),
    )
    e_ref = np.sqrt(e_min * e_max)
    assert_allclose(flux_maps.energy_ref.to_value("TeV"), e_ref)
    dnde_ref = 2e-12 * e_ref**-2
    flux_ref = 2e-12 * (1 / e_min - 1 / e_max)
    eflux_ref = 2e-12 * np.log(e_max / e_min)
    shape = (-1, 1, 1)
    assert_allclose(
        flux_maps.dnde.quantity.to_value("cm-2 s-1 TeV-1"),
        norm * dnde_ref.reshape(shape),
        rtol=1e-12,
    )
    assert_allclose(
        flux_maps.e2dnde.quantity.to_value("TeV cm-2 s-1"),
        norm * (dnde_ref * e_ref**2).reshape(shape),
        rtol=1e-12,
    )
    assert_allclose(
        flux_maps.flux.quantity.to_value("cm-2 s-1"),
        norm * flux_ref.reshape(shape),
        rtol=1e-10,
    )
    assert_allclose(
        flux_maps.eflux.quantity.to_value("TeV cm-2 s-1"),
        norm * eflux_ref.reshape(shape),
        rtol=1e-10,
    )
    assert_allclose(
        flux_maps.flux_ul.quantity.to_value("cm-2 s-1"),
        2 * norm * flux_ref.reshape(shape),
        rtol=1e-10,
    )
    assert flux_maps.dnde_ref.shape == (2, 1, 1)
    ref = flux_maps.reference_fluxes
    assert_allclose(ref["ref_flux"].to_value("cm-2 s-1"), flux_ref, rtol=1e-10)


def test_properties(flux_maps):
    assert flux_maps.available_quantities == [
        "norm",
        "norm_err",
        "norm_ul",
        "ts",
        "success",
    ]
    assert flux_maps.has_ul and flux_maps.has_any_ts and not flux_maps.has_stat_profiles
    assert flux_maps.n_sigma == 1 and flux_maps.n_sigma_ul == 2
    assert_allclose(flux_maps.sqrt_ts.data, 3.0)
    assert not flux_maps.is_ul.data.any()
    flux_maps.sqrt_ts_threshold_ul = 5
    assert flux_maps.is_ul.data.all()
    assert flux_maps.sqrt_ts_threshold_ul == 5
    assert hasattr(flux_maps.reference_model, "spectral_model")
    assert flux_maps.geom.data_shape == (2, 3, 4)
    with pytest.raises(MissingQuantityError, match="npred"):
        _ = flux_maps.npred


def test_filter_success_nan(flux_maps):
    success = flux_maps.success.data.copy()
    success[0, 0, 0] = False
    flux_maps._data["success"] = flux_maps.success.copy(data=success)
    assert np.isnan(flux_maps.norm.data[0, 0, 0])
    assert np.isnan(flux_maps.dnde.data[0, 0, 0])
    assert np.isfinite(flux_maps.norm.data[1, 0, 0])
    flux_maps.filter_success_nan = False
    assert np.isfinite(flux_maps.norm.data[0, 0, 0])


def test_from_maps_physical(flux_maps):
    maps = flux_maps.to_maps(sed_type="flux")
    assert list(maps)[:3] == ["flux", "flux_err", "flux_ul"]
    back = FluxMaps.from_maps(maps, sed_type="flux", reference_model=_model())
    assert back.sed_type_init == "flux"
    assert_allclose(back.norm.data, flux_maps.norm.data, rtol=1e-12)
    assert_allclose(back.norm_ul.data, flux_maps.norm_ul.data, rtol=1e-12)
    guessed = FluxMaps.from_maps({"dnde": flux_maps.dnde}, reference_model=_model())
    assert guessed.sed_type_init == "dnde"
    assert_allclose(guessed.norm.data, flux_maps.norm.data, rtol=1e-12)


def test_errors(flux_maps):
    with pytest.raises(MissingColumnError, match="'norm'"):
        FluxMaps(data={"ts": flux_maps.ts}, reference_model=_model())
    with pytest.raises(ValueError, match="Unknown quantities"):
        FluxMaps(
            data={"norm": flux_maps.norm, "foo": flux_maps.ts}, reference_model=_model()
        )
    with pytest.raises(UnknownSEDTypeError):
        flux_maps.to_maps(sed_type="bar")
    with pytest.raises(MissingColumnError, match="Cannot guess"):
        FluxMaps.from_maps({"ts": flux_maps.ts})
    with pytest.raises(MissingColumnError, match="flux"):
        FluxMaps.from_maps({"dnde": flux_maps.dnde}, sed_type="flux")


def test_write_read_round_trip(flux_maps, tmp_path):
    path = tmp_path / "maps.fits"
    flux_maps.write(path)
    assert (tmp_path / "maps_model.yaml").exists()
    back = FluxMaps.read(path)
    assert back.sed_type_init == "likelihood"
    for name in flux_maps.available_quantities:
        assert_allclose(getattr(back, name).data, getattr(flux_maps, name).data)
    assert back.success.data.dtype == bool
    assert_allclose(back.reference_spectral_model.amplitude.value, 2e-12)
    with pytest.raises(OverwriteError):
        flux_maps.write(path)
    flux_maps.write(path, overwrite=True, sed_type="dnde")
    dnde = FluxMaps.read(path)
    assert dnde.sed_type_init == "dnde"
    assert_allclose(dnde.norm.data, flux_maps.norm.data, rtol=1e-6)


def test_get_flux_points_and_slicing(flux_maps):
    position = flux_maps.geom.pix_to_coord((1, 2))
    skycoord = SkyCoord(position[0], position[1], frame="icrs")
    fp = flux_maps.get_flux_points(skycoord)
    assert isinstance(fp, FluxPoints)
    assert_allclose(fp.norm.data.ravel(), flux_maps.norm.data[:, 2, 1])
    assert_allclose(fp.dnde.quantity.ravel(), flux_maps.dnde.quantity[:, 2, 1])
    sliced = flux_maps.slice_by_energy(energy_max=3 * u.TeV)
    assert sliced.energy_axis.nbin == 1
    items = list(flux_maps.iter_by_axis("energy"))
    assert len(items) == 2
    assert_allclose(items[1].norm.data, flux_maps.norm.data[1:2])


def test_str_repr(flux_maps):
    text = str(flux_maps)
    assert (
        "FluxMaps" in text
        and "WcsGeom" in text
        and "n_sigma_ul             : 2" in text
    )
    assert "FluxMaps(" in repr(flux_maps)
