"""`MapDataset`: counts, exposure, background and IRF maps with a Cash likelihood."""

import logging

import numpy as np
from astropy import units as u

from gammaray.stats.kernels import cash_sum, cash_sum_masked
from gammaray.utils.errors import GeometryMismatchError, ZeroExposureError

from .core import Dataset
from .evaluator import MapEvaluator
from .map_ops import MapDatasetOpsMixin
from .map_plot import MapDatasetPlotMixin
from .utils import make_dataset_name

__all__ = ["MapDataset", "EVALUATION_MODE", "USE_NPRED_CACHE", "BINSZ_IRF_DEFAULT"]

log = logging.getLogger(__name__)

#: Default evaluation mode of the model evaluators ("local" cutouts or "global").
EVALUATION_MODE = "local"
#: Whether evaluators cache intermediate results.
USE_NPRED_CACHE = True
#: Default pixel size of the IRF maps of `MapDataset.create`.
BINSZ_IRF_DEFAULT = 0.2 * u.deg


def _is_fov_background(model):
    return type(model).__name__ == "FoVBackgroundModel"


def _is_npred_template(model):
    return type(model).__name__ == "TemplateNPredModel"


class MapDataset(MapDatasetOpsMixin, MapDatasetPlotMixin, Dataset):
    """Binned dataset: counts, exposure, background, PSF and energy dispersion maps.

    The likelihood is the Cash statistic of the counts given the predicted
    counts ``npred = background_model(background) + sum_models
    edisp(psf(exposure * flux))``, summed over the bins of `mask`.

    Parameters
    ----------
    models : `~gammaray.modeling.models.Models`, optional
        Source and background models (those naming this dataset, or no dataset).
    counts : `~gammaray.maps.Map`, optional
        Counts (``energy`` axis).
    exposure : `~gammaray.maps.Map`, optional
        Exposure (``cm2 s``, ``energy_true`` axis).
    background : `~gammaray.maps.Map`, optional
        Background counts (``energy`` axis).
    psf : `~gammaray.irf.PSFMap`, optional
        PSF map.
    edisp : `~gammaray.irf.EDispKernelMap` or `~gammaray.irf.EDispMap`, optional
        Energy dispersion.
    mask_safe : `~gammaray.maps.Map`, optional
        Safe data range mask (boolean).
    mask_fit : `~gammaray.maps.Map`, optional
        Fit mask (boolean).
    gti : `~gammaray.data.GTI`, optional
        Good time intervals.
    meta_table : `~astropy.table.Table`, optional
        Table of observation metadata.
    name : str, optional
        Dataset name (a unique random one by default).
    meta : dict, optional
        Free-form metadata.
    """

    tag = "MapDataset"
    stat_type = "cash"

    def __init__(
        self,
        models=None,
        counts=None,
        exposure=None,
        background=None,
        psf=None,
        edisp=None,
        mask_safe=None,
        mask_fit=None,
        gti=None,
        meta_table=None,
        name=None,
        meta=None,
    ):
        self._name = make_dataset_name(name)
        self._evaluators = {}
        self._models = None
        self._bkg_model_cache = None
        self._parameters_list = None
        self._background_cache = None
        self._npred_buffer = None
        self._mask_buffer = None
        self.counts = counts
        self.exposure = exposure
        self.background = background
        self.psf = psf
        self.edisp = edisp
        self.mask_safe = mask_safe
        self.mask_fit = mask_fit
        self.gti = gti
        self.meta_table = meta_table
        self.meta = dict(meta or {})
        self.models = models
        self._check_geoms()

    # ------------------------------------------------------------------
    # data members
    # ------------------------------------------------------------------
    @property
    def mask_safe(self):
        """Safe data range mask (`~gammaray.maps.Map` of bool or None)."""
        return self._mask_safe

    @mask_safe.setter
    def mask_safe(self, mask):
        self._mask_safe = _as_mask(mask, "mask_safe")

    @property
    def mask_fit(self):
        """Fit mask (`~gammaray.maps.Map` of bool or None)."""
        return self._mask_fit

    @mask_fit.setter
    def mask_fit(self, mask):
        self._mask_fit = _as_mask(mask, "mask_fit")

    @property
    def exposure(self):
        """Exposure map (`~gammaray.maps.Map`, ``cm2 s``)."""
        return self._exposure

    @exposure.setter
    def exposure(self, value):
        self._exposure = value
        self._reset_evaluators()

    @property
    def psf(self):
        """PSF map (`~gammaray.irf.PSFMap` or None)."""
        return self._psf

    @psf.setter
    def psf(self, value):
        self._psf = value
        self._reset_evaluators()

    @property
    def edisp(self):
        """Energy dispersion map (`~gammaray.irf.EDispKernelMap` / `EDispMap` or None)."""
        return self._edisp

    @edisp.setter
    def edisp(self, value):
        self._edisp = value
        self._reset_evaluators()

    @property
    def background(self):
        """Background map (`~gammaray.maps.Map` or None)."""
        return self._background

    @background.setter
    def background(self, value):
        self._background = value
        self._background_cache = None

    def _reset_evaluators(self):
        for evaluator in getattr(self, "_evaluators", {}).values():
            evaluator._ready = False

    def _check_geoms(self):
        geom = self._geom
        if geom is None:
            return
        for attr in ("counts", "background", "mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is None:
                continue
            if tuple(m.geom.data_shape) != tuple(geom.data_shape):
                raise GeometryMismatchError(
                    f"The {attr} map of dataset {self.name!r} has shape "
                    f"{tuple(m.geom.data_shape)}, expected {tuple(geom.data_shape)} "
                    "(the counts geometry)."
                )

    @property
    def _geom(self):
        """Reconstructed-energy geometry of the dataset (`~gammaray.maps.Geom`)."""
        for attr in ("counts", "background", "mask_safe", "mask_fit"):
            m = getattr(self, attr, None)
            if m is not None:
                return m.geom
        return None

    @property
    def geoms(self):
        """Geometries of the dataset members (dict)."""
        geoms = {"geom": self._geom}
        if self.exposure is not None:
            geoms["geom_exposure"] = self.exposure.geom
        if self.psf is not None:
            geoms["geom_psf"] = self.psf.psf_map.geom
        if self.edisp is not None:
            geoms["geom_edisp"] = self.edisp.edisp_map.geom
        return geoms

    @property
    def data_shape(self):
        """Shape of the counts data (tuple)."""
        return tuple(self._geom.data_shape)

    @property
    def mask_safe_image(self):
        """Safe mask reduced over energy (`~gammaray.maps.Map`)."""
        if self.mask_safe is None:
            return None
        return self.mask_safe.reduce_over_axes(func=np.logical_or)

    @property
    def mask_fit_image(self):
        """Fit mask reduced over energy (`~gammaray.maps.Map`)."""
        if self.mask_fit is None:
            return None
        return self.mask_fit.reduce_over_axes(func=np.logical_or)

    @property
    def mask_image(self):
        """Combined mask reduced over energy (`~gammaray.maps.Map`)."""
        mask = self.mask
        if mask is None:
            return None
        return mask.reduce_over_axes(func=np.logical_or)

    # ------------------------------------------------------------------
    # models
    # ------------------------------------------------------------------
    @property
    def models(self):
        """Models of the dataset (`~gammaray.modeling.models.DatasetModels` or None)."""
        return self._models

    @models.setter
    def models(self, models):
        self._evaluators = {}
        self._background_cache = None
        self._bkg_model_cache = None
        self._parameters_list = None
        if models is not None:
            from gammaray.modeling.models import DatasetModels

            models = DatasetModels(models)
            models = models.select(datasets_names=self.name)
            for model in models:
                if _is_fov_background(model) or _is_npred_template(model):
                    continue
                self._evaluators[model.name] = MapEvaluator(
                    model=model,
                    evaluation_mode=EVALUATION_MODE,
                    gti=self.gti,
                    use_cache=USE_NPRED_CACHE,
                )
        self._models = models

    @property
    def background_model(self):
        """The `FoVBackgroundModel` of this dataset (or None)."""
        if self.models is None:
            return None
        for model in self.models:
            if _is_fov_background(model) and self.name in model.datasets_names:
                return model
        return None

    def _background_model_pars(self):
        """Background model and its parameter list (cached per models assignment)."""
        cache = self._bkg_model_cache
        if cache is not None:
            model, spectral, spatial, pars = cache
            if model is None or (
                model.spectral_model is spectral and model.spatial_model is spatial
            ):
                return model, pars
        model = self.background_model
        pars = list(model.parameters) if model is not None else []
        spectral = model.spectral_model if model is not None else None
        spatial = model.spatial_model if model is not None else None
        self._bkg_model_cache = (model, spectral, spatial, pars)
        return model, pars

    @property
    def evaluators(self):
        """Model evaluators by model name (dict)."""
        return self._evaluators

    def _update_evaluator(self, evaluator):
        if evaluator.needs_update or evaluator.geom is None:
            evaluator.gti = self.gti
            evaluator.update(
                exposure=self.exposure,
                psf=self.psf,
                edisp=self.edisp,
                geom=self._geom,
                mask=self.mask_safe,
            )

    # ------------------------------------------------------------------
    # predicted counts
    # ------------------------------------------------------------------
    def _background_data(self):
        """Background scaled by the background model (cached float64 array or None)."""
        if self.background is None:
            return None
        bkg_model, pars = self._background_model_pars()
        if bkg_model is None:
            cache = self._background_cache
            if cache is None or cache[0] is not None:
                data = np.asarray(self.background.data, dtype=float)
                self._background_cache = (None, data)
            return self._background_cache[1]
        values = np.array([p._factor * p._scale for p in pars])
        cache = self._background_cache
        if (
            cache is not None
            and cache[0] is not None
            and np.array_equal(cache[0], values)
        ):
            return cache[1]
        geom = self.background.geom
        if bkg_model.spatial_model is None:
            energy = geom.axes["energy"].center
            norm = u.Quantity(bkg_model.spectral_model(energy)).to_value("")
            shape = [1] * len(self.data_shape)
            shape[-3 if len(shape) >= 3 else 0] = -1
            norm = np.reshape(norm, shape)
        else:
            norm = bkg_model.evaluate_geom(geom)
        out = cache[1] if cache is not None else None
        if out is None or out.shape != self.data_shape:
            out = np.empty(self.data_shape, dtype=float)
        np.multiply(self.background.data, norm, out=out)
        self._background_cache = (values, out)
        return out

    def _npred_data(self):
        """Total predicted counts in a preallocated buffer (float64 array; do not keep)."""
        shape = self.data_shape
        buf = self._npred_buffer
        if buf is None or buf.shape != shape:
            buf = self._npred_buffer = np.empty(shape, dtype=float)
        bkg = self._background_data()
        if bkg is None:
            buf.fill(0.0)
        else:
            np.copyto(buf, bkg)
        if self.models is None:
            return buf
        for evaluator in self._evaluators.values():
            self._update_evaluator(evaluator)
            npred = evaluator.compute_npred()
            if npred is not None:
                with np.errstate(invalid="ignore", over="ignore"):
                    buf[evaluator.slices] += npred
        for model in self.models:
            if _is_npred_template(model):
                buf += np.asarray(model.evaluate().data, dtype=float)
        return buf

    def npred(self):
        """Total predicted counts: background model plus all sources (`~gammaray.maps.Map`)."""
        return self._map_from_data(self._npred_data().copy())

    def _map_from_data(self, data, unit=""):
        from gammaray.maps import Map

        return Map.from_geom(self._geom, data=data, unit=unit)

    def npred_background(self):
        """Predicted background counts (`~gammaray.maps.Map`)."""
        bkg = self._background_data()
        data = np.zeros(self.data_shape) if bkg is None else bkg.copy()
        return self._map_from_data(data)

    def npred_signal(self, model_names=None, stack=True):
        """Predicted counts of the source models.

        Parameters
        ----------
        model_names : list of str, optional
            Models to include (default all but the background models).
        stack : bool
            Sum over models; otherwise return a map with a ``models`` label axis.

        Returns
        -------
        npred : `~gammaray.maps.Map`
            Predicted signal counts.
        """
        if model_names is None:
            model_names = list(self._evaluators)
            if self.models is not None:
                model_names += [m.name for m in self.models if _is_npred_template(m)]
        elif isinstance(model_names, str):
            model_names = [model_names]
        arrays = []
        templates = {m.name: m for m in (self.models or []) if _is_npred_template(m)}
        for name in model_names:
            data = np.zeros(self.data_shape)
            if name in self._evaluators:
                evaluator = self._evaluators[name]
                self._update_evaluator(evaluator)
                npred = evaluator.compute_npred()
                if npred is not None:
                    data[evaluator.slices] += npred
            elif name in templates:
                data += np.asarray(templates[name].evaluate().data, dtype=float)
            else:
                raise KeyError(
                    f"No source model named {name!r} in dataset {self.name!r}; "
                    f"available: {list(self._evaluators) + list(templates)}."
                )
            arrays.append(data)
        if stack:
            total = np.sum(arrays, axis=0) if arrays else np.zeros(self.data_shape)
            return self._map_from_data(total)
        from gammaray.maps import LabelMapAxis, Map

        axis = LabelMapAxis(labels=list(model_names), name="models")
        geom = self._geom.to_cube([axis])
        data = np.stack(arrays, axis=0) if arrays else np.zeros(geom.data_shape)
        return Map.from_geom(geom, data=data)

    # ------------------------------------------------------------------
    # likelihood
    # ------------------------------------------------------------------
    def _mask_data(self):
        """Combined mask in a preallocated buffer (bool array or None)."""
        safe, fit = self.mask_safe, self.mask_fit
        if safe is None and fit is None:
            return None
        if fit is None:
            return safe.data
        if safe is None:
            return fit.data
        buf = self._mask_buffer
        if buf is None or buf.shape != self.data_shape:
            buf = self._mask_buffer = np.empty(self.data_shape, dtype=bool)
        np.logical_and(safe.data, fit.data, out=buf)
        return buf

    def _check_exposure(self):
        if self._evaluators and self.exposure is None:
            raise ZeroExposureError(
                f"Dataset {self.name!r} has source models but no exposure; "
                "set dataset.exposure (or create the dataset with MapDataset.create)."
            )

    def stat_array(self):
        """Cash statistic per bin (`~numpy.ndarray`)."""
        from gammaray.stats import cash

        self._check_exposure()
        return cash(n_on=self.counts.data, mu_on=self._npred_data().copy())

    def _stat_sum_likelihood(self):
        """Cash sum over the masked bins (no large allocation per call)."""
        if self.counts is None:
            return 0.0
        npred = self._npred_data()
        counts = self.counts.data
        mask = self._mask_data()
        if mask is None:
            return float(cash_sum(counts, npred))
        return float(cash_sum_masked(counts, npred, mask))

    @property
    def _counts_statistic(self):
        """Cash counts statistic of the summed counts and background in the mask."""
        from gammaray.stats import CashCountsStatistic

        mask = self._mask_data()
        counts = np.asarray(self.counts.data, dtype=float)
        bkg = self._background_data()
        bkg = np.zeros(self.data_shape) if bkg is None else bkg
        if mask is not None:
            counts, bkg = counts[mask], bkg[mask]
        return CashCountsStatistic(n_on=counts.sum(), mu_bkg=bkg.sum())

    def residuals(self, method="diff", **kwargs):
        """Residuals of counts and predicted counts.

        Parameters
        ----------
        method : {"diff", "diff/model", "diff/sqrt(model)"}
            Residual definition.
        **kwargs : dict
            Passed to `~gammaray.maps.Map.smooth` (e.g. ``kernel``, ``width``)
            to smooth counts and npred first.

        Returns
        -------
        residuals : `~gammaray.maps.Map`
            Residuals.
        """
        counts, npred = self.counts.copy(), self.npred()
        if self.mask is not None:
            counts = counts * self.mask
            npred = npred * self.mask
        if kwargs:
            kwargs.setdefault("mode", "constant")
            kwargs.setdefault("width", "0.1 deg")
            kwargs.setdefault("kernel", "gauss")
            counts = counts.smooth(**kwargs)
            npred = npred.smooth(**kwargs)
        data = self._compute_residuals(
            np.asarray(counts.data, dtype=float), np.asarray(npred.data, float), method
        )
        if self.mask is not None:
            data = np.where(self.mask.data, data, np.nan)
        return self._map_from_data(data)

    # ------------------------------------------------------------------
    # energy ranges
    # ------------------------------------------------------------------
    def _energy_range(self, mask_map=None):
        axis = self._geom.axes["energy"]
        edges = axis.edges
        if mask_map is None:
            shape = self._geom.to_image().data_shape
            return (
                np.full(shape, edges[0].value) * edges.unit,
                np.full(shape, edges[-1].value) * edges.unit,
            )
        data = np.asarray(mask_map.data, dtype=bool)
        idx = np.arange(axis.nbin).reshape((-1,) + (1,) * (data.ndim - 1))
        any_ = data.any(axis=0)
        imin = np.where(data, idx, axis.nbin).min(axis=0)
        imax = np.where(data, idx, -1).max(axis=0)
        lo = np.where(any_, edges.value[np.clip(imin, 0, axis.nbin - 1)], np.nan)
        hi = np.where(any_, edges.value[np.clip(imax + 1, 0, axis.nbin)], np.nan)
        return lo * edges.unit, hi * edges.unit

    def _energy_range_map(self, mask_map):
        from gammaray.maps import Map

        lo, hi = self._energy_range(mask_map)
        image = self._geom.to_image()
        return (
            Map.from_geom(image, data=lo.value, unit=lo.unit),
            Map.from_geom(image, data=hi.value, unit=hi.unit),
        )

    @property
    def energy_range(self):
        """Energy range per pixel given by the combined mask (tuple of `~gammaray.maps.Map`)."""
        return self._energy_range_map(self.mask)

    @property
    def energy_range_safe(self):
        """Energy range per pixel given by the safe mask (tuple of `~gammaray.maps.Map`)."""
        return self._energy_range_map(self.mask_safe)

    @property
    def energy_range_fit(self):
        """Energy range per pixel given by the fit mask (tuple of `~gammaray.maps.Map`)."""
        return self._energy_range_map(self.mask_fit)

    @property
    def energy_range_total(self):
        """Overall energy range of the combined mask (tuple of `~astropy.units.Quantity`)."""
        lo, hi = self._energy_range(self.mask)
        return np.nanmin(lo), np.nanmax(hi)

    # ------------------------------------------------------------------
    # I/O
    # ------------------------------------------------------------------
    def to_hdulist(self):
        """Convert to an `~astropy.io.fits.HDUList` (Gammapy's HDU layout)."""
        from .map_io import dataset_to_hdulist

        return dataset_to_hdulist(self)

    @classmethod
    def from_hdulist(cls, hdulist, name=None, lazy=False, format="gadf"):
        """Create from an `~astropy.io.fits.HDUList` (Gammapy's HDU layout)."""
        from .map_io import dataset_from_hdulist

        return dataset_from_hdulist(cls, hdulist, name=name, format=format)

    def write(self, filename, overwrite=False, checksum=False):
        """Write to a FITS file (atomically; refuses to overwrite unless ``overwrite``).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Replace an existing file.
        checksum : bool
            Add ``CHECKSUM``/``DATASUM`` keywords.
        """
        from .map_io import write_hdulist

        write_hdulist(
            self.to_hdulist(), filename, overwrite=overwrite, checksum=checksum
        )

    @classmethod
    def read(
        cls, filename, name=None, lazy=False, cache=True, format="gadf", checksum=False
    ):
        """Read from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name (``$GAMMARAY_DATA`` is expanded).
        name : str, optional
            Dataset name (default: from the file or a random one).
        lazy : bool
            Accepted for compatibility (data are read at once).
        cache : bool
            Accepted for compatibility.
        format : {"gadf"}
            File format.
        checksum : bool
            Verify the checksums.

        Returns
        -------
        dataset : `MapDataset`
            Dataset.
        """
        from .map_io import read_dataset

        return read_dataset(cls, filename, name=name, format=format, checksum=checksum)

    # ------------------------------------------------------------------
    def info_dict(self, in_safe_data_range=True):
        """Summary numbers of the dataset (dict).

        Parameters
        ----------
        in_safe_data_range : bool
            Sum only over the safe data range.
        """
        from .map_ops import info_dict

        return info_dict(self, in_safe_data_range=in_safe_data_range)

    def __str__(self):
        from .map_ops import dataset_str

        return dataset_str(self)


def _as_mask(mask, what):
    if mask is None:
        return None
    if mask.data.dtype != bool:
        mask = mask.copy(data=np.asarray(mask.data) != 0, unit="")
    return mask
