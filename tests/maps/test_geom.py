"""Tests of the generic `Geom` methods, on a minimal one-pixel geometry and on WcsGeom."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from numpy.testing import assert_allclose, assert_equal

from gammaray.maps import MapAxis, WcsGeom
from gammaray.maps.axes import MapAxes
from gammaray.maps.coord import MapCoord
from gammaray.maps.geom import INVALID_INDEX, Geom, pix_to_idx_spatial


class PointGeom(Geom):
    """A one-pixel geometry at (lon0, lat0) +- 0.5 deg, to test the generic methods."""

    def __init__(self, lon0=0.0, lat0=0.0, axes=None):
        self._lon0 = lon0
        self._lat0 = lat0
        self._axes = MapAxes.from_default(axes or [], n_spatial_axes=2)

    @property
    def data_shape(self):
        return tuple(self._axes.shape)[::-1] + (1, 1)

    @property
    def axes(self):
        return self._axes

    @property
    def frame(self):
        return "icrs"

    @property
    def is_allsky(self):
        return False

    @property
    def center_pix(self):
        return (0.0, 0.0)

    @property
    def center_coord(self):
        return (self._lon0 * u.deg, self._lat0 * u.deg)

    @property
    def center_skydir(self):
        return SkyCoord(self._lon0, self._lat0, unit="deg")

    def coord_to_pix(self, coords):
        coords = self._prepare_coords(coords)
        x = coords.lon.value - self._lon0
        y = coords.lat.value - self._lat0
        return (x, y) + self._coord_to_pix_axes(coords)

    def pix_to_coord(self, pix):
        return (
            (pix[0] + self._lon0) * u.deg,
            (pix[1] + self._lat0) * u.deg,
        ) + self._pix_to_coord_axes(pix)

    def pix_to_idx(self, pix, clip=False):
        return (
            pix_to_idx_spatial(pix[0], 1, clip=clip),
            pix_to_idx_spatial(pix[1], 1, clip=clip),
        ) + self._pix_to_idx_axes(pix, clip=clip)

    def get_idx(self, idx=None, flat=False):
        return tuple(np.indices(self.data_shape)[::-1])

    def get_coord(self, mode="center", frame=None, sparse=False, axis_name=None):
        data = {"lon": self._lon0, "lat": self._lat0}
        data.update(self._get_coord_axes(mode=mode, axis_name=axis_name))
        return MapCoord(data, frame="icrs")

    def solid_angle(self):
        return np.full((1, 1), np.deg2rad(1.0) ** 2) * u.sr

    def _pad_spatial(self, pad_width):
        raise NotImplementedError

    def _crop_spatial(self, crop_width):
        raise NotImplementedError

    def to_header(self):
        return {}

    @classmethod
    def from_header(cls, header, hdu_bands=None, format="gadf"):
        return cls()

    def is_allclose(self, other, rtol_axes=1e-6, atol=1e-6):
        return (
            np.isclose(self._lon0, other._lon0, atol=atol)
            and np.isclose(self._lat0, other._lat0, atol=atol)
            and self.axes.is_allclose(other.axes, rtol=rtol_axes)
        )


@pytest.fixture
def axes():
    return [
        MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=4),
        MapAxis.from_edges([0, 1, 2], name="offset", unit="deg"),
    ]


def test_geom_is_abstract():
    with pytest.raises(TypeError):
        Geom()


def test_pix_to_idx_spatial():
    pix = np.array([-0.6, -0.5, 0.0, 0.49, 1.49999, 2.5, np.nan, np.inf])
    assert_equal(pix_to_idx_spatial(pix, 3), [-1, 0, 0, 0, 1, -1, -1, -1])
    assert_equal(pix_to_idx_spatial(pix, 3, clip=True), [0, 0, 0, 0, 1, 2, -1, -1])
    assert_equal(pix_to_idx_spatial(np.array([-1, 0, 2, 3]), 3), [-1, 0, 2, -1])
    assert_equal(
        pix_to_idx_spatial(np.array([-1, 0, 2, 3]), 3, clip=True), [0, 0, 2, 2]
    )
    assert INVALID_INDEX == -1


def test_generic_shape_properties(axes):
    geom = PointGeom(axes=axes)
    assert geom.data_shape == (2, 4, 1, 1)
    assert geom.data_shape_axes == (2, 4, 1, 1)
    assert geom.ndim == 4
    assert not geom.is_image
    assert not geom.is_flat
    assert geom.has_energy_axis
    assert geom.is_regular
    assert not geom.is_hpx and not geom.is_region
    assert_allclose(geom.data_nbytes().to_value("byte"), 8 * 4)


def test_generic_coord_methods(axes):
    geom = PointGeom(lon0=10, lat0=20, axes=axes)
    coords = (
        np.array([10.2, 12.0, 10.0]),
        np.array([20.0, 20.0, 19.7]),
        [2, 2, 50] * u.TeV,
        [0.5, 0.5, 1.5] * u.deg,
    )
    idx = geom.coord_to_idx(coords)
    assert_equal(idx[0], [0, -1, 0])
    assert_equal(idx[2], [0, 0, 3])
    assert_equal(idx[3], [0, 0, 1])
    assert_equal(geom.contains(coords), [True, False, True])
    assert_equal(
        geom.contains_pix(
            (np.array([0.0, 1.0]), np.zeros(2), np.zeros(2), np.zeros(2))
        ),
        [True, False],
    )
    # dict coordinates are matched by name, whatever the order
    dict_coords = {
        "lat": coords[1],
        "offset": coords[3],
        "lon": coords[0],
        "energy": coords[2],
    }
    assert_equal(geom.contains(dict_coords), [True, False, True])
    with pytest.raises(ValueError, match="energy"):
        geom.coord_to_pix({"lon": 10.0, "lat": 20.0, "offset": 0.5})
    with pytest.raises(ValueError, match="non-spatial"):
        geom.coord_to_pix((10.0, 20.0))
    pix = geom.get_pix()
    assert pix[0].dtype == float and pix[0].shape == geom.data_shape


def test_generic_axes_manipulations(axes):
    geom = PointGeom(axes=axes)
    assert geom.to_image().is_image
    assert geom.to_image().to_cube(axes).axes.names == ["energy", "offset"]
    assert geom.squash("energy").data_shape == (2, 1, 1, 1)
    assert geom.drop("offset").axes.names == ["energy"]
    assert geom.rename_axes(["offset"], ["rad"]).axes.names == ["energy", "rad"]
    assert geom.slice_by_idx({"energy": 1}).axes.names == ["offset"]
    assert geom.slice_by_idx({"energy": slice(1, 3)}).data_shape == (2, 2, 1, 1)
    assert geom.pad(1, axis_name="offset").axes["offset"].nbin == 4
    assert geom.downsample(2, axis_name="energy").axes["energy"].nbin == 2
    assert geom.upsample(2, axis_name="offset").axes["offset"].nbin == 4
    assert geom.as_energy_true().axes.names == ["energy_true", "offset"]
    new = MapAxis.from_energy_bounds("1 TeV", "100 TeV", nbin=2)
    assert geom.replace_axis(new).data_shape == (2, 2, 1, 1)
    resampled = geom.resample_axis(MapAxis.from_energy_edges([1, 9, 100] * u.TeV))
    assert_allclose(resampled.axes["energy"].edges.to_value("TeV"), [1, 10, 100])
    with pytest.raises(NotImplementedError):
        geom.downsample(2)


def test_generic_copy_eq(axes):
    geom = PointGeom(lon0=1.0, axes=axes)
    copy = geom.copy()
    assert copy == geom and copy is not geom
    moved = geom.copy(lon0=2.0)
    assert moved != geom
    assert moved._lat0 == geom._lat0
    assert moved.axes.names == geom.axes.names
    assert geom != WcsGeom.create(npix=1)


def test_generic_bin_volume_energy_mask(axes):
    geom = PointGeom(axes=axes)
    volume = geom.bin_volume()
    assert volume.shape == geom.data_shape
    expected = np.deg2rad(1.0) ** 2 * axes[0].bin_width[2].to_value("TeV") * 1.0
    assert_allclose(volume[1, 2, 0, 0].to_value("sr TeV deg"), expected)
    mask = WcsGeom.create(npix=(2, 2), axes=axes).energy_mask(energy_max=10 * u.TeV)
    assert_equal(mask.data[0, :, 0, 0], [True, True, False, False])
    with pytest.raises(ValueError, match="energy axis"):
        WcsGeom.create(npix=2).energy_mask(energy_min=1 * u.TeV)


def test_to_bands_hdu_and_from_hdulist(axes):
    from astropy.io import fits

    geom = WcsGeom.create(npix=(3, 2), binsz=0.1, axes=axes)
    assert geom.to_image().to_bands_hdu() is None
    bands = geom.to_bands_hdu()
    assert bands.name == "BANDS"
    assert len(bands.data) == 8
    header = geom.to_header()
    header["BANDSHDU"] = "BANDS"
    hdulist = fits.HDUList(
        [fits.PrimaryHDU(np.zeros(geom.data_shape, "f4"), header=header), bands]
    )
    assert WcsGeom.from_hdulist(hdulist) == geom
    energy_only = geom.drop("offset")
    ebounds = energy_only.to_bands_hdu(format="fgst-ccube")
    assert ebounds.name == "EBOUNDS"
    hdulist = fits.HDUList(
        [
            fits.PrimaryHDU(
                np.zeros(energy_only.data_shape, "f4"), header=energy_only.to_header()
            ),
            ebounds,
        ]
    )
    assert WcsGeom.from_hdulist(hdulist) == energy_only
