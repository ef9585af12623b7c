"""The main job, ``examples/analysis_demo.py``, run in fast mode."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "analysis_demo.py"


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location("_analysis_demo_under_test", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_simulation(sim, max_pull=4.0):
    """Both simulated fits converge and recover the truth within ``max_pull`` sigma."""
    assert sim["fit_3d"]["success"]
    assert sim["fit_1d"]["success"]
    rows_3d, rows_1d = sim["fit_3d"]["rows"], sim["fit_1d"]["rows"]
    # 5 (point + log-parabola) + 5 (Gaussian + power law) + background norm
    assert {(r["model"], r["name"]) for r in rows_3d} == {
        ("point", "amplitude"),
        ("point", "alpha"),
        ("point", "beta"),
        ("point", "lon_0"),
        ("point", "lat_0"),
        ("gauss", "amplitude"),
        ("gauss", "index"),
        ("gauss", "lon_0"),
        ("gauss", "lat_0"),
        ("gauss", "sigma"),
        ("bkg", "norm"),
    }
    assert [r["name"] for r in rows_1d] == ["amplitude", "alpha", "beta"]
    for row in rows_3d + rows_1d:
        label = f"{row['model']}.{row['name']}"
        assert np.isfinite(row["error"]) and row["error"] > 0, label
        # the fit started away from the truth and came back to it
        assert abs(row["pull"]) < max_pull, (label, row)
        assert row["pull"] == pytest.approx(
            (row["value"] - row["truth"]) / row["error"]
        )
    # errors are meaningful: the amplitude is measured to better than 20%
    amp = next(r for r in rows_3d if r["model"] == "point" and r["name"] == "amplitude")
    assert amp["error"] < 0.2 * amp["truth"]
    assert sim["excess"] > 0.01 * sim["counts"] > 0


def check_figures(results, output_dir):
    assert results["figures"]
    for path in results["figures"]:
        path = Path(path)
        assert path.parent == Path(output_dir)
        assert path.stat().st_size > 10_000, path


def test_analysis_demo_fast(demo, gammaray_data, tmp_path, capsys):
    results = demo.main(fast=True, output_dir=tmp_path)
    out = capsys.readouterr().out
    assert results["data"] is True
    sim = results["simulation"]
    assert sim["irfs"] == "prod5"
    assert sim["n_observations"] == 4
    assert sim["livetime"] == pytest.approx(2.0)
    check_simulation(sim)

    # H.E.S.S. DR1 Crab in 3D and 1D: the known power-law fit ranges
    for key in ("crab_3d", "crab_1d"):
        res = results[key]
        assert res["success"], key
        assert 2.4 < res["index"]["value"] < 2.8, key
        assert 3.5e-11 < res["amplitude_1tev"] < 5.5e-11, key
        assert 0 < res["index"]["error"] < 0.2, key
    crab = demo.SkyCoord(83.633, 22.014, unit="deg")
    assert results["crab_3d"]["position"].separation(crab).deg < 0.02

    joint = results["joint_crab"]
    assert joint["success"]
    assert 2.2 < joint["alpha"]["value"] < 2.8
    assert 0.0 < joint["beta"]["value"] < 0.2
    assert 3e-11 < joint["amplitude_1tev"] < 4.5e-11
    assert set(joint["stat"]) == {"Fermi-LAT", "H.E.S.S.", "HAWC"}

    check_figures(results, tmp_path)
    assert len(results["figures"]) == 5
    # the printed report has the comparison table and the summary
    assert "pull" in out and "=== Summary ===" in out
    assert f"{results['crab_3d']['index']['value']:.2f}" in out


def test_analysis_demo_without_data(demo, tmp_path, monkeypatch, capsys):
    """With no data the demo runs Part 1 on synthetic IRFs and skips Part 2."""
    monkeypatch.delenv("GAMMARAY_DATA", raising=False)
    monkeypatch.delenv("GAMMAPY_DATA", raising=False)
    results = demo.main(fast=True, output_dir=tmp_path)
    out = capsys.readouterr().out
    assert results["data"] is False
    assert results["simulation"]["irfs"] == "synthetic"
    check_simulation(results["simulation"])
    assert not {"crab_3d", "crab_1d", "joint_crab"} & set(results)
    check_figures(results, tmp_path)
    assert len(results["figures"]) == 2
    assert "Part 2 skipped" in out


def test_synthetic_irfs(demo):
    """The synthetic IRFs are normalised and have the intended shapes."""
    import astropy.units as u

    irfs = demo.make_synthetic_irfs()
    assert set(irfs) == {"aeff", "edisp", "psf", "bkg"}
    # energy dispersion: unit integral over migra
    edisp = irfs["edisp"]
    widths = edisp.axes["migra"].bin_width.to_value("")
    integral = np.sum(edisp.data * widths[None, :, None], axis=1)
    assert np.allclose(integral, 1, atol=0.01)  # Gaussian truncated at migra 0.2
    # PSF: 68% containment radius falls with energy, grows with offset
    psf = irfs["psf"]
    r68 = psf.containment_radius(
        0.68, energy_true=[0.1, 1, 10] * u.TeV, offset=0.5 * u.deg
    )
    assert np.all(np.diff(r68.to_value("deg")) < 0)
    assert 0.02 < r68[1].to_value("deg") < 0.1
    r68_far = psf.containment_radius(0.68, energy_true=1 * u.TeV, offset=2.5 * u.deg)
    assert r68_far > r68[1]
    # background: power law of index 2.7 in energy
    bkg = irfs["bkg"]
    rates = bkg.evaluate(energy=[1, 10] * u.TeV, offset=0.5 * u.deg).to_value(
        "s-1 MeV-1 sr-1"
    )
    assert np.log10(rates[0] / rates[1]) == pytest.approx(2.7, rel=0.02)
    # effective area falls off with offset
    aeff = irfs["aeff"]
    area = aeff.evaluate(energy_true=1 * u.TeV, offset=[0.5, 2.5] * u.deg)
    assert area[1] < area[0]
