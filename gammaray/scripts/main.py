"""The ``gammaray`` command line (``gammaray --version``, ``gammaray info``)."""

import logging
import os
import sys

import click

from gammaray import __version__

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gammaray")
@click.option(
    "--log-level",
    default="warning",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    help="Logging level.",
)
def cli(log_level):
    """gammaray: gamma-ray astronomy analysis from DL3 to science products."""
    logging.basicConfig(
        level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )


@cli.command()
def info():
    """Print versions, the data directory and whether the compiled kernel is used."""
    import astropy
    import numpy
    import scipy

    from gammaray.stats import kernels

    click.echo(f"gammaray        : {__version__}")
    click.echo(f"python          : {sys.version.split()[0]}")
    click.echo(f"numpy           : {numpy.__version__}")
    click.echo(f"scipy           : {scipy.__version__}")
    click.echo(f"astropy         : {astropy.__version__}")
    click.echo(f"Cash kernel     : {kernels.backend()}")
    data = os.environ.get("GAMMARAY_DATA") or os.environ.get("GAMMAPY_DATA")
    click.echo(f"GAMMARAY_DATA   : {data or 'not set'}")


if __name__ == "__main__":  # pragma: no cover
    cli()
