"""`FluxPointsDataset`: flux points compared with a spectral model (chi2 likelihood)."""

import logging

import numpy as np
from astropy import units as u
from astropy.table import Table

from gammaray.stats import Chi2AsymmetricErrorFitStatistic, Chi2FitStatistic
from gammaray.utils.errors import InvalidDataError, MissingColumnError
from gammaray.utils.paths import atomic_write, make_path

from .core import Dataset
from .utils import get_fit_axes, make_dataset_name

__all__ = ["FluxPointsDataset"]

log = logging.getLogger(__name__)

_STAT_TYPES = ("chi2", "distrib")


def _values(quantity_map, unit):
    """Flat float64 values of a map (or quantity) in a unit."""
    quantity = getattr(quantity_map, "quantity", quantity_map)
    return np.asarray(u.Quantity(quantity).to_value(unit), dtype=np.float64).reshape(-1)


class FluxPointsDataset(Dataset):
    """Flux points with a model: the likelihood is a chi-square on ``dnde``.

    Parameters
    ----------
    models : `~gammaray.modeling.models.SkyModel` or list, optional
        Models; their spectral parts are evaluated at the reference energies.
    data : `~gammaray.estimators.FluxPoints`
        Flux points (must provide ``dnde`` and its errors).
    mask_fit : `~numpy.ndarray` of bool, optional
        Points to use in the fit.
    mask_safe : `~numpy.ndarray` of bool, optional
        Valid points (default: finite ``dnde``; upper limits excluded for
        ``stat_type="chi2"`` and kept for ``"distrib"``).
    name : str, optional
        Dataset name.
    meta_table : `~astropy.table.Table`, optional
        Metadata table.
    stat_type : {"chi2", "distrib"}
        ``chi2``: symmetric errors ``dnde_err`` (mean of ``errn``/``errp`` if
        needed); ``distrib``: asymmetric errors and upper limits
        (`~gammaray.stats.Chi2AsymmetricErrorFitStatistic`).
    """

    tag = "FluxPointsDataset"

    def __init__(
        self,
        models=None,
        data=None,
        mask_fit=None,
        mask_safe=None,
        name=None,
        meta_table=None,
        stat_type="chi2",
    ):
        if data is None:
            raise InvalidDataError(
                "FluxPointsDataset needs flux points: data=FluxPoints."
            )
        self.data = data
        self._name = make_dataset_name(name)
        self.meta_table = meta_table
        self.mask_fit = mask_fit
        self._mask_safe_given = mask_safe is not None
        self.mask_safe = mask_safe
        self._models = None
        self.stat_type = stat_type
        self.models = models

    def _as_mask(self, mask):
        """Boolean map on the geometry of the flux points (None stays None)."""
        if mask is None:
            return None
        geom = self.data.dnde.geom
        data = np.asarray(getattr(mask, "data", mask), dtype=bool)
        data = np.broadcast_to(
            data.reshape(-1).reshape((-1,) + (1,) * (len(geom.data_shape) - 1)),
            geom.data_shape,
        ).copy()
        from gammaray.maps import Map

        return Map.from_geom(geom, data=data, dtype=bool)

    # ---- properties -------------------------------------------------------------
    @property
    def mask_fit(self):
        """Fit mask (`~gammaray.maps.Map` of bool on the flux-points geometry, or None)."""
        return self._mask_fit

    @mask_fit.setter
    def mask_fit(self, mask):
        self._mask_fit = self._as_mask(mask)

    @property
    def mask_safe(self):
        """Safe mask (`~gammaray.maps.Map` of bool on the flux-points geometry, or None)."""
        return self._mask_safe

    @mask_safe.setter
    def mask_safe(self, mask):
        self._mask_safe = self._as_mask(mask)

    @property
    def name(self):
        """Dataset name (str)."""
        return self._name

    @property
    def stat_type(self):
        """Fit statistic: ``"chi2"`` or ``"distrib"``."""
        return self._stat_type

    @stat_type.setter
    def stat_type(self, value):
        if value not in _STAT_TYPES:
            raise ValueError(
                f"Unknown stat_type {value!r} for FluxPointsDataset; use one of {_STAT_TYPES}."
            )
        self._stat_type = value
        if not self._mask_safe_given:
            self.mask_safe = self._default_mask_safe()

    def _default_mask_safe(self):
        dnde = _values(self.data.dnde, self._unit)
        is_ul = self._is_ul()
        if self._stat_type == "chi2":
            return np.isfinite(dnde) & ~is_ul
        return np.isfinite(dnde) | is_ul

    def _is_ul(self):
        return np.asarray(self.data.is_ul.data, dtype=bool).reshape(-1)

    @property
    def _unit(self):
        return self.data.dnde.unit

    @property
    def energy_ref(self):
        """Reference energies of the points (`~astropy.units.Quantity`)."""
        return u.Quantity(self.data.energy_ref).reshape(-1)

    @property
    def models(self):
        """Models of the dataset (`~gammaray.modeling.models.DatasetModels` or None)."""
        return self._models

    @models.setter
    def models(self, models):
        if models is None:
            self._models = None
            return
        from gammaray.modeling.models import DatasetModels

        models = DatasetModels(models)
        self._models = models.select(datasets_names=self.name)

    # ---- likelihood -------------------------------------------------------------------
    def flux_pred(self):
        """Predicted ``dnde`` at the reference energies (`~astropy.units.Quantity`)."""
        energy = self.energy_ref
        flux = np.zeros(energy.shape) * self._unit
        if self.models is None:
            return flux
        for model in self.models:
            spectral = getattr(model, "spectral_model", None)
            if spectral is None:
                continue
            flux = flux + u.Quantity(spectral(energy)).to(self._unit)
        return flux

    def stat_array(self):
        """Per-point fit statistic (`~numpy.ndarray` of the shape of the flux maps)."""
        return self._stat_array_flat().reshape(self.data.dnde.data.shape)

    def _stat_array_flat(self):
        unit = self._unit
        model = self.flux_pred().to_value(unit)
        data = _values(self.data.dnde, unit)
        if self.stat_type == "chi2":
            return Chi2FitStatistic.stat_array(data, model, self._dnde_err())
        errn, errp = self._dnde_errn_errp()
        is_ul = self._is_ul()
        ul = np.full(data.shape, np.nan)
        if np.any(is_ul):
            ul = _values(self.data.dnde_ul, unit)
        return Chi2AsymmetricErrorFitStatistic.stat_array(
            data, model, errn, errp, is_ul=is_ul, ul=ul
        )

    def _dnde_err(self):
        unit = self._unit
        try:
            return _values(self.data.dnde_err, unit)
        except (AttributeError, KeyError):
            errn, errp = self._dnde_errn_errp()
            return 0.5 * (errn + errp)

    def _dnde_errn_errp(self):
        unit = self._unit
        try:
            return _values(self.data.dnde_errn, unit), _values(
                self.data.dnde_errp, unit
            )
        except (AttributeError, KeyError):
            try:
                err = _values(self.data.dnde_err, unit)
            except (AttributeError, KeyError) as exc:
                raise MissingColumnError(
                    "Flux points have no dnde errors (dnde_err or dnde_errn/errp); "
                    "cannot compute the chi2."
                ) from exc
            return err, err

    def residuals(self, method="diff"):
        """Residuals of the data with respect to the model.

        Parameters
        ----------
        method : {"diff", "diff/model"}
            ``data - model`` or ``(data - model) / model``.

        Returns
        -------
        residuals : `~numpy.ndarray`
            Residuals (in the ``dnde`` unit for ``"diff"``).
        """
        unit = self._unit
        model = self.flux_pred().to_value(unit)
        data = _values(self.data.dnde, unit)
        if method == "diff":
            return data - model
        if method == "diff/model":
            with np.errstate(invalid="ignore", divide="ignore"):
                return (data - model) / model
        raise ValueError(f"Invalid method {method!r}; use 'diff' or 'diff/model'.")

    # ---- info --------------------------------------------------------------------
    def info_dict(self, in_safe_data_range=True):
        """Summary (dict): name, number of points and fit statistic."""
        mask = self.mask if in_safe_data_range else None
        n_points = self.energy_ref.size
        return {
            "name": self.name,
            "n_points": n_points,
            "n_fit_points": int(np.sum(mask.data)) if mask is not None else n_points,
            "stat_type": self.stat_type,
            "stat_sum": self.stat_sum() if self.models is not None else np.nan,
        }

    def __str__(self):
        info = self.info_dict()
        lines = [type(self).__name__, "-" * len(type(self).__name__), ""]
        lines.append(f"  Name                            : {self.name}")
        lines.append(f"  Number of total flux points     : {info['n_points']}")
        lines.append(f"  Number of fit bins              : {info['n_fit_points']}")
        lines.append(f"  Fit statistic type              : {self.stat_type}")
        lines.append(f"  Fit statistic value (-2 log(L)) : {info['stat_sum']:.2f}")
        n_models = 0 if self.models is None else len(self.models)
        lines.append(f"  Number of models                : {n_models}")
        if self.models is not None:
            n_par = len(self.models.parameters)
            n_free = len(self.models.parameters.free_parameters)
            lines.append(f"  Number of parameters            : {n_par}")
            lines.append(f"  Number of free parameters       : {n_free}")
            lines.append("")
            lines.append(str(self.models))
        return "\n".join(lines)

    # ---- I/O ------------------------------------------------------------------------
    def write(self, filename, overwrite=False, checksum=False, **kwargs):
        """Write the flux points with ``mask_fit``/``mask_safe`` columns to a FITS table.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Replace an existing file.
        checksum : bool
            Add checksums.
        """
        table = self.data.to_table(sed_type="dnde")
        n = len(table)
        table["mask_fit"] = (
            np.ones(n, bool)
            if self.mask_fit is None
            else self.mask_fit.data.reshape(-1)
        )
        table["mask_safe"] = (
            np.ones(n, bool)
            if self.mask_safe is None
            else self.mask_safe.data.reshape(-1)
        )
        table.meta["NAME"] = self.name
        from astropy.io import fits

        hdulist = fits.HDUList([fits.PrimaryHDU(), fits.table_to_hdu(table)])
        with atomic_write(make_path(filename), overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)

    @classmethod
    def read(cls, filename, name=None, format="gadf-sed", checksum=False, **kwargs):
        """Read a dataset written by `write` (or any GADF SED table).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File.
        name : str, optional
            Dataset name (default: ``NAME`` keyword or file stem).
        format : str
            Flux-points table format.

        Returns
        -------
        dataset : `FluxPointsDataset`
        """
        from gammaray.products.flux_points import FluxPoints

        path = make_path(filename)
        table = Table.read(path, hdu=1)
        mask_fit = mask_safe = None
        if "mask_fit" in table.colnames:
            mask_fit = np.asarray(table["mask_fit"], dtype=bool)
            table.remove_column("mask_fit")
        if "mask_safe" in table.colnames:
            mask_safe = np.asarray(table["mask_safe"], dtype=bool)
            table.remove_column("mask_safe")
        if name is None:
            name = table.meta.get("NAME", path.name.split(".")[0])
        data = FluxPoints.from_table(table, format=format, **kwargs)
        return cls(data=data, mask_fit=mask_fit, mask_safe=mask_safe, name=name)

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create from a ``datasets.yaml`` entry (``name``, ``filename``)."""
        return cls.read(data["filename"], name=data["name"])

    # ---- plotting ---------------------------------------------------------------------
    def plot_spectrum(self, ax=None, kwargs_fp=None, kwargs_model=None):
        """Plot the flux points and the models (``e2dnde`` by default).

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        kwargs_fp, kwargs_model : dict, optional
            Passed to ``FluxPoints.plot`` and ``SpectralModel.plot``.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        kwargs_fp = dict(kwargs_fp or {})
        kwargs_model = dict(kwargs_model or {})
        sed_type = kwargs_fp.pop("sed_type", "e2dnde")
        kwargs_fp.setdefault("label", self.name)
        self.data.plot(ax=ax, sed_type=sed_type, **kwargs_fp)
        energy = self.energy_ref
        energy_bounds = u.Quantity([energy.min() / 1.2, energy.max() * 1.2])
        if self.models is not None:
            for model in self.models:
                spectral = getattr(model, "spectral_model", None)
                if spectral is None:
                    continue
                kw = dict(kwargs_model)
                kw.setdefault("label", model.name)
                spectral.plot(
                    energy_bounds=energy_bounds, ax=ax, sed_type=sed_type, **kw
                )
        ax.legend()
        return ax

    def plot_residuals(self, ax=None, method="diff", **kwargs):
        """Plot the residuals (`residuals`) against the reference energy.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        residuals = self.residuals(method=method)
        energy = self.energy_ref
        yerr = self._dnde_err()
        if method == "diff/model":
            yerr = yerr / self.flux_pred().to_value(self._unit)
        kwargs.setdefault("fmt", "o")
        kwargs.setdefault("color", "black")
        mask = self.mask
        mask = np.ones(energy.size, bool) if mask is None else mask.data.reshape(-1)
        ax.errorbar(energy.value[mask], residuals[mask], yerr=yerr[mask], **kwargs)
        ax.axhline(0, color="gray", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{energy.unit}]")
        label = (
            f"Residuals (data - model) [{self._unit}]"
            if method == "diff"
            else ("Residuals (data - model) / model")
        )
        ax.set_ylabel(label)
        return ax

    def plot_fit(
        self,
        ax_spectrum=None,
        ax_residuals=None,
        kwargs_spectrum=None,
        kwargs_residuals=None,
    ):
        """Plot the spectrum with the model (top) and the residuals (bottom).

        Returns
        -------
        ax_spectrum, ax_residuals : `~matplotlib.axes.Axes`
        """
        ax_spectrum, ax_residuals = get_fit_axes(ax_spectrum, ax_residuals)
        self.plot_spectrum(ax=ax_spectrum, **(kwargs_spectrum or {}))
        self.plot_residuals(ax=ax_residuals, **(kwargs_residuals or {}))
        return ax_spectrum, ax_residuals
