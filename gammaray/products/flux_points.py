"""`FluxPoints`: flux estimates in one sky region (SEDs, light curves, profiles)."""

import copy
import logging

from gammaray.utils.errors import AxisError

from .core import FluxMaps, MissingQuantityError
from .io import (
    convert_loglike_columns,
    default_likelihood_reference,
    flux_points_to_table,
    guess_table_format,
    read_table,
    resolve_sed_type,
    table_meta,
    table_to_maps,
    write_table,
)
from .plot import plot_flux_points, plot_ts_profiles
from .profiles import profile_upper_limits, squash_profiles

__all__ = ["FluxPoints"]

log = logging.getLogger(__name__)


class FluxPoints(FluxMaps):
    """Flux points: norm-based flux estimates on a `~gammaray.maps.RegionGeom`.

    The geometry has a single spatial pixel and an ``energy`` axis, optionally a
    ``time`` axis (light curves) or a ``projected-distance`` axis (profiles).
    See `FluxMaps` for the parameters and the quantities.

    Examples
    --------
    >>> from gammaray.estimators import FluxPoints
    >>> fp = FluxPoints.read("$GAMMARAY_DATA/hawc/crab_flux/HAWC19_flux_points.fits",
    ...                      sed_type="dnde")  # doctest: +SKIP
    >>> fp.dnde.quantity  # doctest: +SKIP
    """

    # ---- reading ---------------------------------------------------------------------
    @classmethod
    def read(
        cls,
        filename,
        sed_type=None,
        format=None,
        reference_model=None,
        checksum=False,
        table_format="ascii.ecsv",
        **kwargs,
    ):
        """Read flux points from a FITS or ECSV table.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name (``$GAMMARAY_DATA`` is expanded). FITS files are read from
            the ``FLUXPOINTS`` HDU (or the first table), with the ``GTI`` HDU if
            present; other suffixes are read as ``table_format``.
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}, optional
            SED type; from the ``SED_TYPE`` keyword or guessed from the columns.
        format : {"gadf-sed", "lightcurve", "profile"}, optional
            Table format; guessed from the columns (``time_min`` -> light curve).
        reference_model : `SkyModel` or `SpectralModel`, optional
            Reference model. For likelihood tables the default is a template
            through ``e_ref``/``ref_dnde``; otherwise a power law of index 2.
        checksum : bool
            Verify FITS checksums.
        table_format : str
            Astropy table format of non-FITS files.

        Returns
        -------
        flux_points : `FluxPoints`
            Flux points.
        """
        if kwargs:
            table_format = kwargs.pop("format_table", table_format)
        table, gti = read_table(filename, table_format=table_format, checksum=checksum)
        return cls.from_table(
            table,
            sed_type=sed_type,
            format=format,
            reference_model=reference_model,
            gti=gti,
        )

    @classmethod
    def from_table(
        cls, table, sed_type=None, format="gadf-sed", reference_model=None, gti=None
    ):
        """Create flux points from a GADF SED, light-curve or profile table.

        Parameters
        ----------
        table : `~astropy.table.Table`
            Table (header keywords in ``table.meta``).
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}, optional
            SED type; from ``SED_TYPE`` or guessed from the columns if None.
        format : {"gadf-sed", "lightcurve", "profile"}, optional
            Table format; guessed from the columns if None.
        reference_model : `SkyModel` or `SpectralModel`, optional
            Reference model (see `read`).
        gti : `~gammaray.data.GTI`, optional
            Good time intervals.

        Returns
        -------
        flux_points : `FluxPoints`
            Flux points.
        """
        if format is None:
            format = guess_table_format(table.colnames)
        table = convert_loglike_columns(table)
        sed_type = resolve_sed_type(table, sed_type)
        if sed_type == "likelihood" and reference_model is None:
            reference_model = default_likelihood_reference(table)
        maps = table_to_maps(table, format=format)
        meta = table_meta(table)
        meta["sed_type_init"] = sed_type
        return cls.from_maps(
            maps, sed_type=sed_type, reference_model=reference_model, gti=gti, meta=meta
        )

    # ---- writing -----------------------------------------------------------------------
    def _default_format(self):
        names = self.geom.axes.names
        if "time" in names:
            return "lightcurve"
        if "projected-distance" in names:
            return "profile"
        return "gadf-sed"

    def to_table(self, sed_type=None, format=None, formatted=False):
        """Convert to a table in a GADF SED format.

        Parameters
        ----------
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}, optional
            SED type of the flux columns; `sed_type_init` if None.
        format : {"gadf-sed", "lightcurve", "profile"}, optional
            Table format; ``lightcurve`` if there is a time axis, ``profile``
            with a projected-distance axis, ``gadf-sed`` otherwise.
        formatted : bool
            Set display formats of the float columns.

        Returns
        -------
        table : `~astropy.table.Table`
            Table with ``SED_TYPE`` (and ``UL_CONF``) in ``meta``.
        """
        if format is None:
            format = self._default_format()
        return flux_points_to_table(
            self, sed_type=sed_type, format=format, formatted=formatted
        )

    def write(
        self, filename, sed_type=None, format=None, overwrite=False, checksum=False
    ):
        """Write flux points to a FITS (``.fits``) or ECSV file, atomically.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name; FITS when a suffix is ``.fits``, ECSV otherwise.
        sed_type : str, optional
            SED type of the flux columns; `sed_type_init` if None.
        format : {"gadf-sed", "lightcurve", "profile"}, optional
            Table format (see `to_table`).
        overwrite : bool
            Replace an existing file; otherwise `~gammaray.utils.errors.OverwriteError`.
        checksum : bool
            Write FITS checksums.
        """
        table = self.to_table(sed_type=sed_type, format=format)
        write_table(
            table, filename, gti=self.gti, overwrite=overwrite, checksum=checksum
        )

    # ---- upper limits and resampling ---------------------------------------------------
    def recompute_ul(self, n_sigma_ul=2, **kwargs):
        """Recompute upper limits from the likelihood profiles.

        The upper limit is where ``stat_scan - stat`` reaches ``n_sigma_ul ** 2``
        above the best fit, interpolating ``sqrt(stat_scan - stat)`` linearly
        in the norm between scan points.

        Parameters
        ----------
        n_sigma_ul : float
            Number of sigma of the upper limits.

        Returns
        -------
        flux_points : `FluxPoints`
            Copy with new ``norm_ul`` and ``meta["n_sigma_ul"]``.
        """
        if not self.has_stat_profiles:
            raise MissingQuantityError(
                "recompute_ul needs likelihood profiles ('stat_scan'); estimate the flux "
                "points with selection_optional=['scan']."
            )
        new = self.copy()
        stat_scan = self.stat_scan
        norm_ul = profile_upper_limits(
            stat_scan, self.norm_scan, self._data.get("stat"), n_sigma_ul
        )
        new._data["norm_ul"] = self._data["norm"].copy(data=norm_ul, unit="")
        new.meta["n_sigma_ul"] = n_sigma_ul
        return new

    def resample_axis(self, axis_new):
        """Merge bins onto a coarser axis by summing the likelihood profiles.

        Norms, errors, upper limits and TS of the merged bins are recomputed
        from the summed ``stat_scan`` profiles; counts-like quantities are summed.

        Parameters
        ----------
        axis_new : `~gammaray.maps.MapAxis` or `~gammaray.maps.TimeMapAxis`
            New axis; its edges must be a subset of the current edges.

        Returns
        -------
        flux_points : `FluxPoints`
            Resampled flux points.
        """
        if not self.has_stat_profiles:
            raise MissingQuantityError(
                "resample_axis needs likelihood profiles ('stat_scan')."
            )
        data = squash_profiles(self, axis_new)
        return self.__class__(
            data=data,
            reference_model=self.reference_model,
            meta=copy.deepcopy(self.meta),
            gti=self.gti,
        )

    # ---- plotting ----------------------------------------------------------------------
    def _plot_get_flux_err(self, sed_type=None):
        """Negative and positive errors of an SED type (Maps, or None if unavailable)."""
        sed_type = sed_type or self.sed_type_plot_default
        try:
            return getattr(self, f"{sed_type}_errn"), getattr(self, f"{sed_type}_errp")
        except MissingQuantityError:
            pass
        try:
            err = getattr(self, f"{sed_type}_err")
            return err, err
        except MissingQuantityError:
            return None, None

    def plot(self, ax=None, sed_type=None, energy_power=0, time_format="iso", **kwargs):
        """Plot the flux points (upper limits as arrows) on log axes.

        Light curves are plotted versus time, one series per energy bin.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        sed_type : {"dnde", "e2dnde", "flux", "eflux", "likelihood"}, optional
            Quantity to plot; ``dnde`` for likelihood data by default.
        energy_power : int
            Multiply the fluxes by ``e_ref ** energy_power``.
        time_format : {"iso", "mjd"}
            Time axis format of light curves.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.errorbar`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        return plot_flux_points(
            self,
            ax=ax,
            sed_type=sed_type,
            energy_power=energy_power,
            time_format=time_format,
            **kwargs,
        )

    def plot_ts_profiles(self, ax=None, sed_type=None, add_cbar=True, **kwargs):
        """Plot the likelihood profiles (fit statistic difference) per energy bin.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        sed_type : {"dnde", "e2dnde", "flux", "eflux"}, optional
            Flux quantity of the y axis.
        add_cbar : bool
            Add a colour bar.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.pcolormesh`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            Axes.
        """
        if not self.has_stat_profiles:
            raise MissingQuantityError("plot_ts_profiles needs 'stat_scan' profiles.")
        if list(self.geom.axes.names) != ["energy"]:
            raise AxisError(
                "Profile plots are supported for flux points with only an energy axis; "
                f"these have {self.geom.axes.names}. Slice them first with slice_by_idx."
            )
        return plot_ts_profiles(
            self, ax=ax, sed_type=sed_type, add_cbar=add_cbar, **kwargs
        )
