"""Tests of gammaray.maps.hpx.geom (HpxGeom) and the HEALPix pixel helpers."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_array_equal
from regions import CircleSkyRegion

from gammaray.maps import HpxGeom, MapAxis
from gammaray.maps.hpx.utils import (
    get_nside_from_pix_size,
    nside_to_order,
    order_to_nside,
    parse_hpx_region,
)
from gammaray.utils.errors import InvalidFrameError


@pytest.fixture
def energy_axis():
    return MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)


@pytest.mark.parametrize("nside", [1, 4, 64, 512])
def test_allsky_npix(nside):
    geom = HpxGeom(nside, nest=False)
    assert geom.npix == 12 * nside**2
    assert geom.npix_max == 12 * nside**2
    assert geom.is_allsky
    assert geom.region is None
    assert geom.order == int(np.log2(nside))
    assert geom.data_shape == (12 * nside**2,)


def test_api_example_geometry_shape():
    energy = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=10)
    skydir = SkyCoord("0d", "5d", frame="galactic")
    geom = HpxGeom.create(binsz=0.1, skydir=skydir, axes=[energy])
    assert geom.nside == 512
    assert geom.is_allsky
    assert geom.data_shape == (10, 3145728)
    assert_allclose(geom.data_nbytes().to_value("MB"), 10 * 3145728 * 4 / 1e6)


def test_nside_from_pix_size():
    assert get_nside_from_pix_size(0.1) == 512
    assert get_nside_from_pix_size(1 * u.deg) == 64
    assert get_nside_from_pix_size(0.5) == 128


def test_disk_region_pixel_count():
    nside = 256
    radius = 5.0
    geom = HpxGeom.create(
        nside=nside, skydir=SkyCoord(10, 20, unit="deg"), width=2 * radius * u.deg
    )
    assert geom.region == f"DISK(10.0,20.0,{radius})"
    area = 2 * np.pi * (1 - np.cos(np.radians(radius)))
    expected = area / (4 * np.pi / (12 * nside**2))
    assert abs(geom.npix - expected) / expected < 0.02
    assert not geom.is_allsky
    assert_allclose(geom.width.to_value("deg"), [10, 10])
    assert_allclose(geom.center_skydir.ra.deg, 10)
    assert_allclose(geom.center_skydir.dec.deg, 20)
    # every pixel centre lies within the disk
    assert geom.separation(SkyCoord(10, 20, unit="deg")).deg.max() <= radius


def test_coord_pix_round_trip(energy_axis):
    geom = HpxGeom(32, nest=True, frame="galactic", axes=[energy_axis])
    rng = np.random.default_rng(1)
    lon = rng.uniform(0, 360, 100)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 100)))
    energy = [1.5, 3.0, 7.0] * u.TeV
    energy = energy[rng.integers(0, 3, 100)]
    pix = geom.coord_to_pix((lon, lat, energy))
    coords = geom.pix_to_coord(pix)
    pix2 = geom.coord_to_pix((coords[0], coords[1], coords[2]))
    assert_array_equal(pix[0], pix2[0])
    assert_allclose(pix[1], pix2[1])
    # pixel centres map to themselves
    centres = geom.get_coord()
    pix_c = geom.coord_to_pix(centres)
    idx = geom.get_idx()
    assert_array_equal(pix_c[0], idx[0])
    assert_allclose(pix_c[1], idx[1], atol=1e-10)
    # the coordinates lie inside their pixel: separation < pixel size
    sep = SkyCoord(lon, lat, unit="deg", frame="galactic").separation(
        SkyCoord(coords[0], coords[1], unit="deg", frame="galactic")
    )
    assert sep.deg.max() < 2 * geom.pixel_scales[0].deg


def test_coord_to_pix_other_frame():
    geom = HpxGeom(16, frame="galactic")
    sky = SkyCoord(83.63, 22.01, unit="deg", frame="icrs")
    pix = geom.coord_to_pix(sky)
    gal = sky.galactic
    pix_gal = geom.coord_to_pix((gal.l.deg, gal.b.deg))
    assert_array_equal(pix[0], pix_gal[0])


def test_solid_angle_sum():
    for nside in (1, 16, 128):
        geom = HpxGeom(nside)
        omega = geom.solid_angle()
        assert omega.unit == u.sr
        assert_allclose(omega.sum().value, 4 * np.pi, rtol=1e-12)
        assert_allclose(omega[0].value, 4 * np.pi / (12 * nside**2))


def test_partial_sky_local_indices(energy_axis):
    geom = HpxGeom.create(
        nside=64, skydir=(0, 0), width=6 * u.deg, frame="galactic", axes=[energy_axis]
    )
    assert geom.data_shape == (3, geom.npix)
    pix = geom.coord_to_pix(
        (np.array([0.0, 180.0]), np.array([0.0, 0.0]), [2, 2] * u.TeV)
    )
    assert 0 <= pix[0][0] < geom.npix
    assert pix[0][1] == -1
    idx = geom.coord_to_idx(
        (np.array([0.0, 180.0]), np.array([0.0, 0.0]), [2, 2] * u.TeV)
    )
    assert idx[0][1] == -1
    assert idx[0][0] == pix[0][0]
    # global <-> local
    local = np.arange(geom.npix)
    glob = geom.local_to_global(local)
    assert_array_equal(glob, geom.ipix)
    assert_array_equal(geom.global_to_local(glob), local)
    outside = np.setdiff1d(np.arange(geom.npix_max), geom.ipix)[:5]
    assert np.all(geom.global_to_local(outside) == -1)
    assert geom.contains(
        (np.array([0.0, 180.0]), np.array([0.0, 0.0]), [2, 2] * u.TeV)
    ).tolist() == [
        True,
        False,
    ]
    # tuples pass the axis indices through
    out = geom.global_to_local((glob[:3], np.array([0, 1, 2])))
    assert_array_equal(out[0], [0, 1, 2])
    assert_array_equal(out[1], [0, 1, 2])
    assert_array_equal(geom.get_idx(local=False)[0][0], geom.ipix)


def test_explicit_region():
    ipix = np.array([5, 3, 100, 7, 3])
    geom = HpxGeom(4, nest=True, region=ipix)
    assert geom.region == "explicit"
    assert_array_equal(geom.ipix, [3, 5, 7, 100])
    assert geom.npix == 4
    coords = geom.get_coord()
    assert_array_equal(geom.coord_to_pix(coords)[0], [0, 1, 2, 3])
    swapped = geom.to_swapped()
    assert not swapped.nest
    c1 = SkyCoord(coords.lon, coords.lat, frame="icrs")
    c2 = swapped.get_coord().skycoord
    # same set of sky pixels
    assert_allclose(np.sort(c1.ra.deg), np.sort(c2.ra.deg))
    assert swapped.to_swapped() == geom
    up = geom.to_ud_graded(3)
    assert up.npix == 16
    assert up.to_ud_graded(2) == geom


def test_errors():
    for bad in (0, 3, 2**30, 12.5):
        with pytest.raises(ValueError, match="nside"):
            HpxGeom(bad)
    with pytest.raises(ValueError, match="order"):
        order_to_nside(30)
    with pytest.raises(ValueError, match="order"):
        HpxGeom(4).to_ud_graded(-1)
    with pytest.raises(InvalidFrameError, match="frame"):
        HpxGeom(4, frame="fk4")
    with pytest.raises(ValueError, match="region"):
        HpxGeom(4, region="BOX(1,2,3)")
    with pytest.raises(ValueError):
        HpxGeom.create()
    assert nside_to_order(1024) == 10
    assert parse_hpx_region("DISK_INC(1,2,3)") == ("DISK_INC", [1.0, 2.0, 3.0, 4])


def test_hpx_pixel_region():
    geom = HpxGeom(8, nest=True, region="HPX_PIXEL(NESTED,1,5)")
    assert geom.npix == 16
    assert_array_equal(geom.ipix, np.arange(80, 96))
    ring = HpxGeom(8, nest=False, region="HPX_PIXEL(NESTED,1,5)")
    assert_allclose(
        np.sort(geom.get_coord().lon.value), np.sort(ring.get_coord().lon.value)
    )


def test_nest_ring_equivalence():
    nest = HpxGeom(16, nest=True)
    ring = HpxGeom(16, nest=False)
    lon = np.linspace(0, 359, 50)
    lat = np.linspace(-89, 89, 50)
    cn = nest.pix_to_coord(nest.coord_to_pix((lon, lat)))
    cr = ring.pix_to_coord(ring.coord_to_pix((lon, lat)))
    assert_allclose(cn[0], cr[0])
    assert_allclose(cn[1], cr[1])
    assert nest != ring
    assert nest.to_swapped() == ring


def test_header_round_trip(energy_axis):
    geoms = [
        HpxGeom(8, nest=False, frame="galactic"),
        HpxGeom.create(
            nside=32, skydir=(10, 10), width=8, frame="icrs", axes=[energy_axis]
        ),
        HpxGeom(4, nest=True, region=[1, 2, 3, 50]),
    ]
    for geom in geoms:
        header = geom.to_header()
        assert header["PIXTYPE"] == "HEALPIX"
        assert header["ORDERING"] == geom.ordering
        assert header["NSIDE"] == geom.nside
        assert header["COORDSYS"] == ("GAL" if geom.frame == "galactic" else "CEL")
        assert header["INDXSCHM"] == ("IMPLICIT" if geom.is_allsky else "EXPLICIT")
        pix = geom.ipix if geom.region == "explicit" else None
        bands = geom.to_bands_hdu()
        back = HpxGeom.from_header(header, hdu_bands=bands, pix=pix)
        assert back == geom
    assert geoms[1].to_header()["HPX_REG"] == geoms[1].region


def test_derived_geometries(energy_axis):
    geom = HpxGeom.create(
        nside=64, skydir=(0, 0), width=10, frame="galactic", axes=[energy_axis]
    )
    assert geom.to_image().is_image
    assert geom.to_image().to_cube([energy_axis]) == geom
    assert geom.upsample(2).nside == 128
    assert geom.downsample(4).nside == 16
    assert geom.upsample(2, axis_name="energy").axes["energy"].nbin == 6
    padded = geom.pad(1)
    assert padded.npix > geom.npix
    assert np.all(np.isin(geom.ipix, padded.ipix))
    cropped = geom.crop(1)
    assert cropped.npix < geom.npix
    assert np.all(np.isin(cropped.ipix, geom.ipix))
    with pytest.raises(ValueError, match="all-sky"):
        HpxGeom(4).pad(1)
    cut = HpxGeom(64, frame="galactic").cutout(
        SkyCoord(0, 0, unit="deg", frame="galactic"), 10 * u.deg
    )
    assert cut.region == "DISK(0.0,0.0,5.0)"
    cut2 = geom.cutout(SkyCoord(5, 0, unit="deg", frame="galactic"), 4 * u.deg)
    assert np.all(np.isin(cut2.ipix, geom.ipix))
    assert cut2.region == "explicit"
    assert geom.squash("energy").axes["energy"].nbin == 1


def test_to_wcs_geom(energy_axis):
    geom = HpxGeom(64, frame="galactic", axes=[energy_axis])
    wcs = geom.to_wcs_geom()
    assert wcs.data_shape == (3, 360, 720)
    assert wcs.frame == "galactic"
    assert_allclose(wcs.pixel_scales.to_value("deg"), [0.5, 0.5])
    small = geom.to_wcs_geom(width_pix=100)
    assert max(small.data_shape[-2:]) <= 101
    part = HpxGeom.create(
        nside=64, skydir=(30, 0), width=10, frame="galactic"
    ).to_wcs_geom(proj="CAR")
    assert_allclose(part.center_skydir.l.deg, 30)
    assert part.data_shape[-1] >= 20


def test_region_mask():
    geom = HpxGeom(128, frame="galactic")
    region = CircleSkyRegion(SkyCoord(0, 0, unit="deg", frame="galactic"), 3 * u.deg)
    mask = geom.region_mask([region])
    disk = HpxGeom.create(nside=128, skydir=(0, 0), width=6, frame="galactic")
    assert mask.data.dtype == bool
    assert mask.data.sum() == disk.npix
    mask_str = geom.region_mask("galactic;box(0,0,4,4)")
    expected = 16 / (4 * np.pi * (180 / np.pi) ** 2 / geom.npix_max)
    assert abs(mask_str.data.sum() - expected) / expected < 0.1
    assert (~geom.region_mask([region], inside=False).data).sum() == disk.npix


def test_repr_and_equality(energy_axis):
    geom = HpxGeom(8, axes=[energy_axis])
    text = repr(geom)
    assert "nside      : 8" in text
    assert "energy" in text
    assert geom == HpxGeom(8, axes=[energy_axis])
    assert geom != HpxGeom(8, axes=[energy_axis], nest=False)
    assert geom.copy(nside=16).nside == 16
    assert geom.center_coord[2].unit == u.TeV
