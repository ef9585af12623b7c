from click.testing import CliRunner

from gammaray import __version__
from gammaray.scripts.main import cli


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_info(monkeypatch):
    monkeypatch.setenv("GAMMARAY_DATA", "/some/where")
    result = CliRunner().invoke(cli, ["info"])
    assert result.exit_code == 0, result.output
    assert "/some/where" in result.output
    assert "Cash kernel" in result.output
    assert ("cython" in result.output.lower()) or ("numpy" in result.output.lower())
