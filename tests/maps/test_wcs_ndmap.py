"""Tests of `WcsNDMap`: FITS I/O on real files, spatial operations, plotting."""

import sys
import types

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits

from gammaray.maps import Map, MapAxis, WcsGeom, WcsNDMap
from gammaray.utils.errors import GeometryMismatchError, OverwriteError

FERMI_CRAB = "fermi-3fhl-crab/Fermi-LAT-3FHL_data_Fermi-LAT.fits"


def _assert_bitwise_roundtrip(m, path, **kwargs):
    m.write(path, **kwargs)
    m2 = Map.read(path, hdu=kwargs.get("hdu"))
    assert isinstance(m2, WcsNDMap)
    assert m2.data.dtype == m.data.dtype
    assert m2.data.shape == m.data.shape
    assert np.array_equal(m2.data, m.data, equal_nan=m.data.dtype.kind == "f")
    assert m2.data.tobytes() == m.data.tobytes()
    assert m2.unit == m.unit
    assert m2.geom.axes.names == m.geom.axes.names
    assert m2.geom == m.geom
    return m2


# ---------------------------------------------------------------------------
# real files
# ---------------------------------------------------------------------------
def test_read_fermi_counts_cube(gammaray_data, tmp_path):
    m = Map.read(gammaray_data / "fermi-3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz")
    assert isinstance(m, WcsNDMap)
    assert m.data.shape == (11, 200, 400)
    assert m.data.dtype == np.int32
    assert m.geom.frame == "galactic"
    axis = m.geom.axes["energy"]
    assert axis.nbin == 11
    assert u.isclose(axis.edges[0], 10 * u.GeV)
    assert m.data.sum() > 0
    _assert_bitwise_roundtrip(m, tmp_path / "ccube.fits")
    m.write(tmp_path / "ccube_fgst.fits", format="fgst-ccube")
    with fits.open(tmp_path / "ccube_fgst.fits") as hdulist:
        assert "EBOUNDS" in hdulist
    m3 = Map.read(tmp_path / "ccube_fgst.fits")
    assert np.array_equal(m3.data, m.data)
    assert u.allclose(m3.geom.axes[0].edges, axis.edges)


def test_read_fermi_diffuse_template(gammaray_data, tmp_path):
    m = Map.read(gammaray_data / "fermi-3fhl-gc/gll_iem_v06_gc.fits.gz")
    assert m.data.shape == (30, 64, 120)
    assert m.data.dtype == np.float32
    assert len(m.geom.axes) == 1
    assert m.geom.axes[0].name in ("energy", "energy_true")
    assert m.geom.axes[0].nbin == 30
    _assert_bitwise_roundtrip(m, tmp_path / "iem.fits")
    m.write(tmp_path / "iem_tpl.fits", format="fgst-template")
    with fits.open(tmp_path / "iem_tpl.fits") as hdulist:
        assert "ENERGIES" in hdulist
    m2 = Map.read(tmp_path / "iem_tpl.fits")
    assert np.array_equal(m2.data, m.data)


def test_read_exclusion_mask_integer(gammaray_data, tmp_path):
    m = Map.read(gammaray_data / "joint-crab/exclusion/exclusion_mask_crab.fits.gz")
    assert m.geom.is_image
    assert m.data.shape == (250, 250)
    # integer masks are read as they are; converting is a user step
    assert m.data.dtype.kind == "i"
    assert set(np.unique(m.data)) <= {0, 1}
    assert m.geom.frame == "icrs"
    _assert_bitwise_roundtrip(m, tmp_path / "excl.fits")
    mask = m.copy(data=m.data.astype(bool))
    assert mask.is_mask
    m2 = _assert_bitwise_roundtrip(mask, tmp_path / "excl_bool.fits")
    assert m2.is_mask


@pytest.mark.parametrize(
    ("name", "shape", "axes", "unit"),
    [
        ("EffectiveAreaMap_Crab_fHitbin5GP", (140, 10, 10), ["energy_true"], "cm2 s"),
        ("PSFMap_Crab_fHitbin5GP", (12, 500, 10, 10), ["rad", "energy"], "deg-2"),
        (
            "EDispKernelMap_Crab_fHitbin5GP",
            (140, 12, 10, 10),
            ["energy", "energy_true"],
            "",
        ),
        ("TransitsMap_Crab", (20, 20), [], ""),
    ],
)
def test_read_hawc_irf_maps(gammaray_data, tmp_path, name, shape, axes, unit):
    m = Map.read(gammaray_data / f"hawc/crab_events_pass4/irfs/{name}.fits.gz")
    assert m.data.shape == shape
    assert list(m.geom.axes.names) == axes
    assert m.unit == u.Unit(unit)
    _assert_bitwise_roundtrip(m, tmp_path / "irf.fits", hdu="irf")


@pytest.mark.parametrize(
    ("hdu", "dtype", "axes", "unit"),
    [
        ("COUNTS", np.float32, ["energy"], ""),
        ("EXPOSURE", np.float64, ["energy_true"], "cm2 s"),
        ("BACKGROUND", np.float64, ["energy"], ""),
        ("EDISP", np.float32, ["energy", "energy_true"], ""),
        ("PSF", np.float64, ["theta", "energy_true"], "sr-1"),
        ("MASK_SAFE", np.int64, ["energy"], ""),
    ],
)
def test_read_fermi_crab_dataset_maps(gammaray_data, tmp_path, hdu, dtype, axes, unit):
    m = Map.read(gammaray_data / FERMI_CRAB, hdu=hdu)
    assert m.data.dtype == dtype
    assert list(m.geom.axes.names) == axes
    assert m.unit == u.Unit(unit)
    m2 = _assert_bitwise_roundtrip(m, tmp_path / "m.fits", hdu=hdu)
    with fits.open(tmp_path / "m.fits") as hdulist:
        assert hdu in hdulist
        assert f"{hdu}_BANDS" in hdulist
        assert hdulist[hdu].header["BANDSHDU"] == f"{hdu}_BANDS"
    assert m2.geom.axes[0].is_allclose(m.geom.axes[0])


def test_read_first_hdu_with_data(gammaray_data):
    m = Map.read(gammaray_data / FERMI_CRAB)
    assert m.data.shape == (5, 40, 50)
    assert m.data.dtype == np.float32  # COUNTS


# ---------------------------------------------------------------------------
# synthetic I/O
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dtype",
    [
        "float32",
        "float64",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "bool",
    ],
)
def test_roundtrip_dtypes(tmp_path, dtype):
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    m = Map.create(
        npix=(4, 3), binsz=1, axes=[axis], dtype=dtype, unit="s", meta={"a": 1}
    )
    rng = np.random.default_rng(0)
    m.data = (rng.uniform(0, 2, m.data.shape) * 50).astype(dtype)
    if m.data.dtype.kind == "f":
        m.data[0, 0, 0] = np.nan
    m2 = _assert_bitwise_roundtrip(m, tmp_path / "m.fits")
    assert m2.meta == {"a": 1}
    m2 = _assert_bitwise_roundtrip(m, tmp_path / "m2.fits", hdu="counts")
    assert m2.meta == {"a": 1}


def test_write_overwrite(tmp_path):
    m = Map.create(npix=3, binsz=1)
    path = tmp_path / "m.fits"
    m.write(path)
    with pytest.raises(OverwriteError, match="overwrite=True"):
        m.write(path)
    m.data += 1
    m.write(path, overwrite=True)
    assert Map.read(path).data.sum() == 9
    m.write(tmp_path / "c.fits", checksum=True)
    assert Map.read(tmp_path / "c.fits", checksum=True).data.sum() == 9


# ---------------------------------------------------------------------------
# spatial operations
# ---------------------------------------------------------------------------
@pytest.fixture
def image():
    geom = WcsGeom.create(skydir=(0, 0), npix=(40, 30), binsz=0.1, frame="galactic")
    data = np.random.default_rng(3).uniform(0, 1, geom.data_shape)
    return Map.from_geom(geom, data=data, unit="")


def test_up_downsample_preserve_total(image):
    up = image.upsample(3)
    assert up.data.shape == (90, 120)
    assert up.data.sum() == pytest.approx(image.data.sum())
    down = image.downsample(2)
    assert down.data.shape == (15, 20)
    assert down.data.sum() == pytest.approx(image.data.sum())
    down = image.downsample(2, preserve_counts=False)
    assert down.data.mean() == pytest.approx(image.data.mean())
    up1 = image.upsample(2, order=1)
    assert up1.data.sum() == pytest.approx(image.data.sum(), rel=0.02)
    up0 = image.upsample(2, preserve_counts=False)
    assert np.allclose(up0.data[::2, ::2], image.data)


def test_pad_crop(image):
    p = image.pad(2, cval=-1)
    assert p.data.shape == (34, 44)
    assert p.data[0, 0] == -1
    assert np.allclose(p.data[2:-2, 2:-2], image.data)
    c = p.crop(2)
    assert c.geom == image.geom or c.geom.is_allclose(image.geom)
    assert np.allclose(c.data, image.data)
    e = image.pad((1, 2), mode="edge")
    assert e.data.shape == (34, 42)
    assert e.data[0, 0] == image.data[0, 0]


def test_cutout_and_stack(image):
    pos = image.geom.pix_to_coord((10, 12))
    skydir = SkyCoord(pos[0], pos[1], frame="galactic")
    cut = image.cutout(skydir, width=1 * u.deg)
    assert cut.data.shape == (10, 10)
    ox, oy = image._pixel_offset(cut.geom)
    assert np.allclose(cut.data, image.data[oy : oy + 10, ox : ox + 10])
    total = Map.from_geom(image.geom)
    total.stack(cut)
    assert total.data.sum() == pytest.approx(cut.data.sum())
    other = Map.create(npix=(5, 5), binsz=0.13, frame="galactic")
    with pytest.raises(GeometryMismatchError):
        total.stack(other)


def test_convolve_preserves_total():
    m = Map.create(npix=(41, 41), binsz=0.1)
    m.data[20, 20] = 100
    kernel = np.ones((5, 5)) / 25.0
    c = m.convolve(kernel)
    assert c.data.sum() == pytest.approx(100.0, rel=1e-5)
    assert c.data[20, 20] == pytest.approx(4.0, rel=1e-5)
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=2)
    cube = Map.create(npix=(21, 21), binsz=0.1, axes=[axis])
    cube.data[:, 10, 10] = 1
    k3 = np.zeros((2, 3, 3))
    k3[0, 1, 1] = 1
    k3[1] = 1 / 9
    c = cube.convolve(k3)
    assert c.data[0, 10, 10] == pytest.approx(1)
    assert c.data[1, 9, 9] == pytest.approx(1 / 9)
    with pytest.raises(GeometryMismatchError):
        cube.convolve(np.ones((3, 3, 3)))


def test_smooth_gauss_width():
    m = Map.create(npix=(81, 81), binsz=0.02)
    m.data[40, 40] = 1
    s = m.smooth(0.1 * u.deg)
    y, x = np.indices(s.data.shape)
    total = s.data.sum()
    assert total == pytest.approx(1, rel=1e-5)
    sigma_pix = np.sqrt((s.data * (x - 40) ** 2).sum() / total)
    assert sigma_pix == pytest.approx(5.0, rel=1e-3)
    box = m.smooth(3, kernel="box")
    assert box.data[40, 40] == pytest.approx(1 / 9)
    disk = m.smooth(2, kernel="disk")
    assert disk.data.sum() == pytest.approx(1)
    assert disk.data[40, 42] > 0 and disk.data[40, 43] == 0
    with pytest.raises(ValueError, match="kernel"):
        m.smooth(2, kernel="foo")


def test_reproject_to_geom(image):
    target = WcsGeom.create(skydir=(0, 0), npix=(20, 15), binsz=0.2, frame="galactic")
    r = image.reproject_to_geom(target, preserve_counts=True)
    assert r.data.shape == (15, 20)
    assert r.data.sum() == pytest.approx(image.data.sum(), rel=1e-6)
    r = image.reproject_to_geom(target)
    assert np.allclose(r.data, image.downsample(2, preserve_counts=False).data)
    # different frame and projection
    icrs = WcsGeom.create(
        skydir=SkyCoord(0, 0, unit="deg", frame="galactic").icrs,
        npix=(20, 20),
        binsz=0.1,
        frame="icrs",
        proj="TAN",
    )
    r = image.reproject_to_geom(icrs)
    assert r.data.shape == (20, 20)
    assert np.all(r.data >= 0) and r.data.max() <= 1


def test_to_region_nd_map():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=3)
    m = Map.create(npix=(21, 21), binsz=0.1, axes=[axis], frame="galactic", unit="cm-2")
    m.data += 1
    region = "galactic;circle(0, 0, 0.3)"
    r = m.to_region_nd_map(region)
    assert r.data.shape[0] == 3
    n_inside = np.pi * 9
    assert r.data[0].item() == pytest.approx(n_inside, rel=0.15)
    assert r.unit == u.Unit("cm-2")
    full = m.to_region_nd_map()
    assert np.allclose(np.ravel(full.data), 21 * 21)
    from regions import PointSkyRegion

    point = m.to_region_nd_map(PointSkyRegion(m.geom.center_skydir))
    assert np.allclose(np.ravel(point.data), 1)


def test_fill_by_coord_plain_and_skycoord():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=5)
    m = Map.create(npix=(10, 10), binsz=0.1, frame="galactic", axes=[axis])
    rng = np.random.default_rng(5)
    n = 10000
    lon = rng.uniform(-0.7, 0.7, n)
    lat = rng.uniform(-0.7, 0.7, n)
    energy = 10 ** rng.uniform(-0.2, 1.2, n)
    m.fill_by_coord((lon, lat, energy))
    expected = (np.abs(lon) < 0.5) & (np.abs(lat) < 0.5) & (energy >= 1) & (energy < 10)
    assert m.data.sum() == expected.sum()
    m2 = Map.from_geom(m.geom)
    sky = SkyCoord(lon, lat, unit="deg", frame="galactic").icrs
    m2.fill_by_coord({"skycoord": sky, "energy": energy * u.TeV})
    assert m2.data.sum() == expected.sum()
    assert np.array_equal(m.data, m2.data)


# ---------------------------------------------------------------------------
# plotting
# ---------------------------------------------------------------------------
def test_plot(image):
    import matplotlib.pyplot as plt

    ax = image.plot(add_cbar=True, stretch="sqrt")
    assert ax.coords[0].get_axislabel() == "Galactic Longitude"
    mask = image > 0.5
    ax = mask.plot_mask(ax=ax)
    assert len(ax.collections) > 0
    plt.close("all")


def test_plot_grid_and_errors():
    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    m = Map.create(npix=(5, 5), binsz=0.1, axes=[axis])
    m.data += np.arange(4)[:, None, None]
    axes = m.plot_grid(ncols=3)
    assert axes.shape == (2, 3)
    assert not axes.flat[-1].get_visible()
    with pytest.raises(TypeError, match="plot_grid"):
        m.plot()


class _FakeIpywidgets(types.ModuleType):
    """Stand-in for ipywidgets: ``interactive`` calls the plot function once."""

    def __init__(self):
        super().__init__("ipywidgets")
        self.calls = []

    @staticmethod
    def IntSlider(min, max, value, description):
        return {"min": min, "max": max, "value": value, "description": description}

    def interactive(self, func, **sliders):
        values = {name: slider["max"] for name, slider in sliders.items()}
        func(**values)
        self.calls.append((sliders, values))
        return self.calls[-1]


@pytest.mark.parametrize("kind", ["wcs", "hpx"])
def test_plot_interactive(monkeypatch, kind):
    import matplotlib.pyplot as plt

    axis = MapAxis.from_energy_bounds("1 TeV", "10 TeV", nbin=4)
    if kind == "wcs":
        m = Map.create(npix=(5, 5), binsz=0.1, axes=[axis])
    else:
        m = Map.create(nside=4, map_type="hpx", axes=[axis])
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match="pip install ipywidgets"):
        m.plot_interactive()
    fake = _FakeIpywidgets()
    monkeypatch.setitem(sys.modules, "ipywidgets", fake)
    sliders, values = m.plot_interactive()
    assert sliders["energy"]["max"] == 3
    assert values == {"energy": 3}
    assert len(plt.gcf().axes) >= 1
    plt.close("all")
    with pytest.raises(TypeError, match="non-spatial"):
        m.get_image_by_idx((0,)).plot_interactive()


def test_fast_axis_pix_matches_geom():
    axis = MapAxis.from_energy_bounds("0.1 TeV", "100 TeV", nbin=7)
    lin = MapAxis.from_edges(np.linspace(-2, 5, 8), name="x", interp="lin")
    m = Map.create(npix=(10, 12), binsz=0.3, frame="galactic", axes=[axis, lin])
    rng = np.random.default_rng(3)
    n = 1000
    coords = (
        rng.uniform(-2, 2, n),
        rng.uniform(-2, 2, n),
        10 ** rng.uniform(-1.5, 2.5, n),
        rng.uniform(-3, 6, n),
    )
    fast = m.coord_to_pix_fast(coords)
    slow = m.geom.coord_to_pix(
        {
            "lon": coords[0],
            "lat": coords[1],
            "energy": coords[2] * u.TeV,
            "x": coords[3],
        }
    )
    for a, b in zip(fast, slow):
        assert np.allclose(a, b, atol=1e-9)


def test_binary_erode_dilate_and_spectrum():
    m = Map.create(npix=(21, 21), binsz=0.1, dtype=bool)
    m.data[5:16, 5:16] = True
    e = m.binary_erode(1, kernel="box")
    assert e.data.sum() == 121
    e = m.binary_erode(3, kernel="box")
    assert e.data.sum() == 81
    e2 = m.binary_erode(3, kernel="box", use_fft=True)
    assert np.array_equal(e.data, e2.data)
    d = m.binary_dilate(0.1 * u.deg, kernel="disk")
    assert d.data.sum() == 121 + 4 * 11
    with pytest.raises(ValueError, match="boolean"):
        Map.create(npix=3, binsz=1).binary_erode(1)
    counts = Map.create(npix=(21, 21), binsz=0.1, unit="")
    counts.data += 1
    spec = counts.get_spectrum("icrs;box(0, 0, 0.5, 0.5, 0)")
    assert spec.data.sum() == 25
