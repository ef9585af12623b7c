"""`MapDatasetOnOff`: ON counts with a measured OFF background (WStat likelihood).

The background in the ON region is ``alpha * counts_off`` with the exposure
ratio ``alpha = acceptance / acceptance_off``. In the fit the OFF-region
background is a nuisance parameter per bin that is profiled out
(`~gammaray.stats.get_wstat_mu_bkg`), giving the WStat statistic.

Operations that change the binning (cutout, downsample, energy resampling,
slicing) are done on the equivalent `MapDataset` (with ``background = alpha
x counts_off``) and the OFF counts and acceptances are transformed alongside,
so that the summed ``alpha x counts_off`` equals the transformed background.
"""

import logging

import numpy as np

from gammaray.stats import WStatCountsStatistic, get_wstat_mu_bkg, wstat
from gammaray.utils.errors import GeometryMismatchError

from .map import MapDataset
from .utils import check_counts_data

__all__ = ["MapDatasetOnOff"]

log = logging.getLogger(__name__)

_ONOFF_HDUS = ("COUNTS_OFF", "ACCEPTANCE", "ACCEPTANCE_OFF")


def _map_like(geom, data, unit=""):
    from gammaray.maps import Map

    return Map.from_geom(geom, data=data, unit=unit)


class MapDatasetOnOff(MapDataset):
    """Map dataset with ON and OFF counts; the fit statistic is WStat.

    Parameters
    ----------
    models : `~gammaray.modeling.models.Models`, optional
        Source models.
    counts : `~gammaray.maps.Map`
        ON counts.
    counts_off : `~gammaray.maps.Map`
        OFF counts.
    acceptance : `~gammaray.maps.Map` or float
        Acceptance (exposure) of the ON region (default 1).
    acceptance_off : `~gammaray.maps.Map` or float
        Acceptance of the OFF region; ``alpha = acceptance / acceptance_off``.
    exposure : `~gammaray.maps.Map`
        Exposure (``cm2 s``, ``energy_true`` axis).
    mask_fit, mask_safe : `~gammaray.maps.Map`, optional
        Boolean masks.
    psf : `~gammaray.irf.PSFMap`, optional
        PSF.
    edisp : `~gammaray.irf.EDispKernelMap` or `~gammaray.irf.EDispMap`, optional
        Energy dispersion.
    name : str, optional
        Name.
    gti : `~gammaray.data.GTI`, optional
        Good time intervals.
    meta_table : `~astropy.table.Table`, optional
        Observation metadata.
    meta : dict, optional
        Free-form metadata.
    """

    tag = "MapDatasetOnOff"
    stat_type = "wstat"
    _map_dataset_cls = MapDataset

    def __init__(
        self,
        models=None,
        counts=None,
        counts_off=None,
        acceptance=None,
        acceptance_off=None,
        exposure=None,
        mask_fit=None,
        psf=None,
        edisp=None,
        name=None,
        mask_safe=None,
        gti=None,
        meta_table=None,
        meta=None,
    ):
        geom = (
            counts.geom
            if counts is not None
            else (counts_off.geom if counts_off is not None else None)
        )
        self.counts_off = counts_off
        self.acceptance = self._as_map(acceptance, geom)
        self.acceptance_off = self._as_map(acceptance_off, geom)
        super().__init__(
            models=models,
            counts=counts,
            exposure=exposure,
            background=None,
            psf=psf,
            edisp=edisp,
            mask_safe=mask_safe,
            mask_fit=mask_fit,
            gti=gti,
            meta_table=meta_table,
            name=name,
            meta=meta,
        )
        for attr in ("counts_off", "acceptance", "acceptance_off"):
            m = getattr(self, attr)
            if (
                m is not None
                and geom is not None
                and m.data.shape != tuple(geom.data_shape)
            ):
                raise GeometryMismatchError(
                    f"The {attr} map of dataset {self.name!r} has shape {m.data.shape}, "
                    f"expected {tuple(geom.data_shape)} (the counts geometry)."
                )

    @staticmethod
    def _as_map(value, geom):
        if value is None or geom is None or hasattr(value, "geom"):
            return value
        return _map_like(
            geom, np.broadcast_to(np.asarray(value, float), geom.data_shape)
        )

    # ------------------------------------------------------------------ members
    @property
    def background(self):
        """Background in the ON region ``alpha * counts_off`` (`~gammaray.maps.Map` or None)."""
        if self.counts_off is None or self.acceptance is None:
            return None
        data = self.alpha.data * np.asarray(self.counts_off.data, dtype=float)
        return _map_like(self.counts_off.geom, data)

    @background.setter
    def background(self, value):
        if value is not None and not getattr(self, "_stacking", False):
            raise AttributeError(
                "The background of an on/off dataset is alpha * counts_off; set "
                "counts_off, acceptance and acceptance_off instead."
            )
        self._background = None
        self._background_cache = None

    @property
    def alpha(self):
        """Exposure ratio ``acceptance / acceptance_off`` (`~gammaray.maps.Map`; 0 where undefined)."""
        geom = self.counts.geom if self.counts is not None else self.counts_off.geom
        if self.acceptance is None or self.acceptance_off is None:
            return _map_like(geom, np.zeros(geom.data_shape))
        with np.errstate(invalid="ignore", divide="ignore"):
            data = self.acceptance.quantity / self.acceptance_off.quantity
        data = np.nan_to_num(data.to_value(""), nan=0.0, posinf=0.0, neginf=0.0)
        return _map_like(geom, np.broadcast_to(data, geom.data_shape).copy())

    def _background_data(self):
        # sources only in the base class npred; the background is added below
        return None

    # ------------------------------------------------------------------ predictions
    def _signal_data(self):
        return MapDataset._npred_data(self)

    def _wstat_arrays(self):
        n_on = np.asarray(self.counts.data, dtype=float)
        n_off = (
            np.zeros(self.data_shape)
            if self.counts_off is None
            else np.asarray(self.counts_off.data, dtype=float)
        )
        return n_on, n_off, self.alpha.data

    def npred_background(self):
        """Predicted background in the ON region, profiled with WStat (`~gammaray.maps.Map`)."""
        n_on, n_off, alpha = self._wstat_arrays()
        mu_sig = self._signal_data()
        with np.errstate(invalid="ignore", divide="ignore"):
            mu_bkg = alpha * get_wstat_mu_bkg(
                n_on=n_on, n_off=n_off, alpha=alpha, mu_sig=mu_sig
            )
        return self._map_from_data(np.nan_to_num(mu_bkg))

    def npred_off(self):
        """Predicted counts in the OFF region (`~gammaray.maps.Map`)."""
        n_on, n_off, alpha = self._wstat_arrays()
        mu_sig = self._signal_data()
        mu_bkg = get_wstat_mu_bkg(n_on=n_on, n_off=n_off, alpha=alpha, mu_sig=mu_sig)
        return self._map_from_data(np.nan_to_num(mu_bkg))

    def npred(self):
        """Predicted ON counts: signal plus profiled background (`~gammaray.maps.Map`)."""
        signal = self._signal_data().copy()
        return self._map_from_data(signal + self.npred_background().data)

    # ------------------------------------------------------------------ likelihood
    def stat_array(self):
        """WStat per bin (`~numpy.ndarray`)."""
        self._check_exposure()
        n_on, n_off, alpha = self._wstat_arrays()
        return wstat(n_on=n_on, n_off=n_off, alpha=alpha, mu_sig=self._signal_data())

    def _stat_sum_likelihood(self):
        if self.counts is None:
            return 0.0
        stat = self.stat_array()
        mask = self._mask_data()
        if mask is not None:
            stat = stat[mask]
        return float(np.sum(stat))

    @property
    def _counts_statistic(self):
        """WStat counts statistic of the summed ON/OFF counts in the mask."""
        n_on, n_off, alpha = self._wstat_arrays()
        background = alpha * n_off
        mask = self._mask_data()
        if mask is not None:
            n_on, n_off, background = n_on[mask], n_off[mask], background[mask]
        n_off_sum = n_off.sum()
        mean_alpha = background.sum() / n_off_sum if n_off_sum > 0 else 0.0
        return WStatCountsStatistic(n_on=n_on.sum(), n_off=n_off_sum, alpha=mean_alpha)

    def residuals(self, method="diff", **kwargs):
        """Residuals of ON counts and predicted counts (see `MapDataset.residuals`)."""
        return super().residuals(method=method, **kwargs)

    # ------------------------------------------------------------------ creation
    @classmethod
    def from_geoms(
        cls,
        geom,
        geom_exposure=None,
        geom_psf=None,
        geom_edisp=None,
        reference_time="2000-01-01",
        name=None,
        **kwargs,
    ):
        """Empty on/off dataset from geometries (see `MapDataset.from_geoms`).

        ``counts_off`` is zero, ``acceptance`` and ``acceptance_off`` are one.
        """
        from gammaray.maps import Map

        dataset = MapDataset.from_geoms(
            geom,
            geom_exposure=geom_exposure,
            geom_psf=geom_psf,
            geom_edisp=geom_edisp,
            reference_time=reference_time,
            name=name,
            **kwargs,
        )
        counts_off = Map.from_geom(geom, dtype=dataset.counts.data.dtype)
        acceptance = Map.from_geom(geom, data=1.0)
        acceptance_off = Map.from_geom(geom, data=1.0)
        return cls.from_map_dataset(
            dataset,
            acceptance=acceptance,
            acceptance_off=acceptance_off,
            counts_off=counts_off,
            name=dataset.name,
        )

    @classmethod
    def create(
        cls,
        geom,
        energy_axis_true=None,
        migra_axis=None,
        rad_axis=None,
        binsz_irf=None,
        reference_time="2000-01-01",
        name=None,
        **kwargs,
    ):
        """Empty on/off dataset with IRF geometries derived from ``geom`` (see `MapDataset.create`)."""
        dataset = MapDataset.create(
            geom,
            energy_axis_true=energy_axis_true,
            migra_axis=migra_axis,
            rad_axis=rad_axis,
            binsz_irf=binsz_irf,
            reference_time=reference_time,
            name=name,
            **kwargs,
        )
        from gammaray.maps import Map

        counts_off = Map.from_geom(dataset._geom, dtype=dataset.counts.data.dtype)
        return cls.from_map_dataset(
            dataset,
            acceptance=Map.from_geom(dataset._geom, data=1.0),
            acceptance_off=Map.from_geom(dataset._geom, data=1.0),
            counts_off=counts_off,
            name=dataset.name,
        )

    @classmethod
    def from_map_dataset(
        cls, dataset, acceptance, acceptance_off, counts_off=None, name=None
    ):
        """On/off dataset from a `MapDataset`.

        Parameters
        ----------
        dataset : `MapDataset`
            Dataset (counts, exposure, IRFs, masks, GTI are taken over).
        acceptance, acceptance_off : `~gammaray.maps.Map` or float
            ON and OFF acceptances.
        counts_off : `~gammaray.maps.Map`, optional
            OFF counts; by default ``background * acceptance_off / acceptance``
            (the expected OFF counts of the dataset's background).
        name : str, optional
            Name (default: the dataset's name).

        Returns
        -------
        dataset : `MapDatasetOnOff`
        """
        geom = dataset._geom
        acceptance = cls._as_map(acceptance, geom)
        acceptance_off = cls._as_map(acceptance_off, geom)
        if counts_off is None and dataset.background is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                data = (
                    np.asarray(dataset.background.data, float)
                    * acceptance_off.quantity.to_value("")
                    / acceptance.quantity.to_value("")
                )
            counts_off = _map_like(geom, np.nan_to_num(data))
        return cls(
            models=dataset.models,
            counts=dataset.counts,
            counts_off=counts_off,
            acceptance=acceptance,
            acceptance_off=acceptance_off,
            exposure=dataset.exposure,
            mask_fit=dataset.mask_fit,
            psf=dataset.psf,
            edisp=dataset.edisp,
            name=dataset.name if name is None else name,
            mask_safe=dataset.mask_safe,
            gti=dataset.gti,
            meta_table=dataset.meta_table,
            meta=getattr(dataset, "meta", None),
        )

    def to_map_dataset(self, name=None):
        """Equivalent `MapDataset` with ``background = alpha * counts_off``.

        Parameters
        ----------
        name : str, optional
            Name of the new dataset (default: this one's).

        Returns
        -------
        dataset : `MapDataset`
        """
        return self._map_dataset_cls(
            counts=self.counts,
            exposure=self.exposure,
            background=self.background,
            psf=self.psf,
            edisp=self.edisp,
            mask_safe=self.mask_safe,
            mask_fit=self.mask_fit,
            gti=self.gti,
            meta_table=self.meta_table,
            name=self.name if name is None else name,
            meta=self.meta,
        )

    def _from_transformed(self, dataset, counts_off, acceptance, name):
        """On/off dataset from a transformed `MapDataset` and transformed OFF counts.

        ``acceptance_off`` is chosen so that ``alpha * counts_off`` equals the
        transformed background; where there are no OFF counts the mean alpha is used.
        """
        background = np.asarray(dataset.background.data, float)
        n_off = np.asarray(counts_off.data, float)
        acc = np.broadcast_to(acceptance.quantity.to_value(""), n_off.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            alpha = background / n_off
            mean_alpha = background.sum() / n_off.sum() if n_off.sum() > 0 else 1.0
            alpha = np.where(n_off > 0, alpha, mean_alpha)
            acc_off = np.nan_to_num(acc / alpha, nan=0.0, posinf=0.0)
        acceptance = _map_like(counts_off.geom, np.array(acc, dtype=float))
        acceptance_off = _map_like(counts_off.geom, acc_off)
        cls = type(self)
        return cls.from_map_dataset(
            dataset,
            acceptance=acceptance,
            acceptance_off=acceptance_off,
            counts_off=counts_off,
            name=name,
        )

    # ------------------------------------------------------------------ operations
    def stack(self, other, nan_to_num=True):
        """Stack another on/off dataset into this one (in place).

        OFF counts are summed within each dataset's safe mask; the acceptances
        are combined so that ``alpha * counts_off`` of the stack is the sum of
        the backgrounds (``alpha = sum(alpha_i n_off_i) / sum(n_off_i)``; bins
        without OFF counts get the mean alpha).

        Parameters
        ----------
        other : `MapDatasetOnOff`
            Dataset to add.
        nan_to_num : bool
            Replace NaN by zero.
        """
        if not isinstance(other, MapDatasetOnOff):
            raise TypeError(
                f"Only on/off datasets can be stacked into {type(self).__name__}, got "
                f"{type(other).__name__}."
            )
        geom = self._geom

        def masked(dataset, data):
            data = np.asarray(data, float)
            if dataset.mask_safe is not None:
                data = data * dataset.mask_safe.data
            return np.nan_to_num(data) if nan_to_num else data

        total_acc = masked(self, np.broadcast_to(self.acceptance.data, geom.data_shape))
        total_acc = total_acc + masked(
            other, np.broadcast_to(other.acceptance.data, geom.data_shape)
        )
        total_off = np.zeros(geom.data_shape)
        total_bkg = np.zeros(geom.data_shape)
        for dataset in (self, other):
            if dataset.counts_off is not None:
                total_off += masked(dataset, dataset.counts_off.data)
                total_bkg += masked(dataset, dataset.background.data)
        with np.errstate(invalid="ignore", divide="ignore"):
            acceptance_off = total_acc * total_off / total_bkg
            average_alpha = total_bkg.sum() / total_off.sum()
        is_zero = total_off == 0
        acceptance_off[is_zero] = total_acc[is_zero] / average_alpha
        acceptance_off = np.nan_to_num(acceptance_off, nan=0.0, posinf=0.0)

        off_dtype = self.counts_off.data.dtype if self.counts_off is not None else float
        if np.issubdtype(off_dtype, np.integer):
            total_off = np.rint(total_off).astype(off_dtype)
        self.counts_off = _map_like(geom, total_off)
        self.acceptance = _map_like(geom, total_acc)
        self.acceptance_off = _map_like(geom, acceptance_off)
        gti = _stack_gti(self.gti, other.gti)
        self._stacking = True
        self.gti = None
        try:
            MapDataset.stack(self, other, nan_to_num=nan_to_num)
        finally:
            self._stacking = False
            self.gti = gti

    def _transform(self, func, name, off_func=None, acc_func=None):
        dataset = func(self.to_map_dataset())
        counts_off = (off_func or func)(self._off_as_dataset()).counts
        acceptance = (acc_func or func)(self._acceptance_as_dataset()).counts
        return self._from_transformed(dataset, counts_off, acceptance, name=name)

    def _off_as_dataset(self):
        off = (
            self.counts_off
            if self.counts_off is not None
            else _map_like(self._geom, np.zeros(self.data_shape))
        )
        return MapDataset(counts=off, mask_safe=self.mask_safe, name="off")

    def _acceptance_as_dataset(self):
        return MapDataset(counts=self.acceptance, mask_safe=self.mask_safe, name="acc")

    def cutout(self, position, width, mode="trim", name=None):
        """Spatial cutout (see `MapDataset.cutout`)."""

        def func(d):
            return MapDataset.cutout(d, position, width, mode=mode)

        return self._transform(func, name=name)

    def downsample(self, factor, axis_name=None, name=None):
        """Downsample spatially or along an axis (see `MapDataset.downsample`).

        OFF counts are summed; the acceptance is averaged.
        """

        def func(d):
            return MapDataset.downsample(d, factor, axis_name=axis_name)

        def acc_func(d):
            out = MapDataset.downsample(d, factor, axis_name=axis_name)
            norm = MapDataset.downsample(
                MapDataset(
                    counts=_map_like(d._geom, np.ones(d.data_shape)),
                    mask_safe=d.mask_safe,
                    name="norm",
                ),
                factor,
                axis_name=axis_name,
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                data = np.nan_to_num(out.counts.data / norm.counts.data)
            return MapDataset(counts=_map_like(out._geom, data), name="acc")

        return self._transform(func, name=name, acc_func=acc_func)

    def resample_energy_axis(self, energy_axis, name=None):
        """Resample onto a coarser reconstructed-energy axis (see `MapDataset.resample_energy_axis`).

        OFF counts are summed; the acceptance is averaged over the safe bins.
        """

        def func(d):
            return MapDataset.resample_energy_axis(d, energy_axis)

        def acc_func(d):
            acc = np.asarray(d.counts.data, float)
            weights = (
                np.ones(acc.shape)
                if d.mask_safe is None
                else d.mask_safe.data.astype(float)
            )
            acc_sum = _map_like(d._geom, acc * weights).resample_axis(energy_axis)
            norm = _map_like(d._geom, weights).resample_axis(energy_axis)
            with np.errstate(invalid="ignore", divide="ignore"):
                data = np.nan_to_num(acc_sum.data / norm.data)
            return MapDataset(counts=_map_like(acc_sum.geom, data), name="acc")

        return self._transform(func, name=name, acc_func=acc_func)

    def to_image(self, name=None):
        """Sum over the reconstructed energy axis (one energy bin)."""
        from gammaray.maps import MapAxis

        axis = self._geom.axes["energy"]
        single = MapAxis.from_edges(
            axis.edges[[0, -1]], name="energy", interp=axis.interp
        )
        return self.resample_energy_axis(single, name=name)

    def slice_by_idx(self, slices, name=None):
        """Slice by index along non-spatial axes (see `MapDataset.slice_by_idx`)."""

        def func(d):
            return MapDataset.slice_by_idx(d, slices)

        return self._transform(func, name=name)

    def slice_by_energy(self, energy_min=None, energy_max=None, name=None):
        """Select a reconstructed-energy range (see `MapDataset.slice_by_energy`)."""
        axis = self._geom.axes["energy"]
        edges = axis.edges
        lo = edges[0] if energy_min is None else energy_min
        hi = edges[-1] if energy_max is None else energy_max
        idx_min = int(np.argmin(np.abs(edges - lo)))
        idx_max = int(np.argmin(np.abs(edges - hi)))
        if idx_max <= idx_min:
            raise ValueError(
                f"No reconstructed-energy bin between {energy_min} and {energy_max}."
            )
        return self.slice_by_idx({"energy": slice(idx_min, idx_max)}, name=name)

    def to_spectrum_dataset(self, on_region, containment_correction=False, name=None):
        """Sum the counts within a sky region into a `SpectrumDatasetOnOff`.

        Parameters
        ----------
        on_region : `~regions.SkyRegion`
            ON region.
        containment_correction : bool
            Apply the PSF containment correction to the exposure.
        name : str, optional
            Name.

        Returns
        -------
        dataset : `~gammaray.datasets.SpectrumDatasetOnOff`
        """
        from .spectrum import SpectrumDatasetOnOff

        dataset = self.to_map_dataset().to_spectrum_dataset(
            on_region, containment_correction=containment_correction, name=name
        )
        weights = self.mask_safe
        counts_off = self._off_as_dataset().counts.to_region_nd_map(
            on_region, func=np.nansum, weights=weights
        )
        acc = self.acceptance.to_region_nd_map(on_region, func=np.nanmean)
        background = dataset.background
        with np.errstate(invalid="ignore", divide="ignore"):
            acc_off = acc.data * counts_off.data / background.data
        acc_off = np.nan_to_num(acc_off, nan=0.0, posinf=0.0)
        geom = dataset._geom
        return SpectrumDatasetOnOff.from_spectrum_dataset(
            dataset=dataset,
            acceptance=_map_like(geom, np.asarray(acc.data, float)),
            acceptance_off=_map_like(geom, acc_off),
            counts_off=_map_like(geom, counts_off.data),
            name=name,
        )

    # ------------------------------------------------------------------ simulation
    def fake(self, npred_background, random_state="random-seed"):
        """Replace ON and OFF counts by Poisson samples.

        ON counts are drawn from ``npred_signal() + npred_background`` and OFF
        counts from ``npred_background / alpha``.

        Parameters
        ----------
        npred_background : `~gammaray.maps.Map`
            Expected background counts in the ON region.
        random_state : int, str or `~numpy.random.RandomState`
            Random state.
        """
        from gammaray.utils.random import get_random_state

        rng = get_random_state(random_state)
        bkg = np.asarray(getattr(npred_background, "data", npred_background), float)
        signal = self._signal_data().copy()
        counts = rng.poisson(signal + bkg)
        alpha = self.alpha.data
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_off = np.nan_to_num(bkg / alpha, nan=0.0, posinf=0.0)
        counts_off = rng.poisson(mean_off)
        self.counts = _map_like(self._geom, counts)
        self.counts_off = _map_like(self._geom, counts_off)

    # ------------------------------------------------------------------ info
    def info_dict(self, in_safe_data_range=True):
        """Summary numbers (dict): those of `MapDataset.info_dict` plus OFF counts and alpha."""
        info = super().info_dict(in_safe_data_range=in_safe_data_range)
        mask = self._mask_data() if in_safe_data_range else None
        if in_safe_data_range and self.mask_safe is not None:
            mask = self.mask_safe.data
        n_on, n_off, alpha = self._wstat_arrays()
        background = alpha * n_off
        if mask is not None:
            n_on, n_off, background, alpha = (
                n_on[mask],
                n_off[mask],
                background[mask],
                alpha[mask],
            )
        n_off_sum = float(n_off.sum())
        mean_alpha = float(background.sum() / n_off_sum) if n_off_sum > 0 else np.nan
        stat = WStatCountsStatistic(
            n_on=n_on.sum(),
            n_off=n_off_sum,
            alpha=0.0 if np.isnan(mean_alpha) else mean_alpha,
        )
        info["counts_off"] = n_off_sum
        info["background"] = float(background.sum())
        info["excess"] = float(np.asarray(stat.n_sig))
        info["sqrt_ts"] = float(np.asarray(stat.sqrt_ts))
        info["acceptance"] = (
            float(np.mean(self.acceptance.data))
            if self.acceptance is not None
            else np.nan
        )
        info["acceptance_off"] = (
            float(np.mean(self.acceptance_off.data))
            if self.acceptance_off is not None
            else np.nan
        )
        info["alpha"] = float(np.mean(alpha)) if np.size(alpha) else np.nan
        npred_bkg = np.asarray(self.npred_background().data, float)
        npred_sig = np.asarray(self._signal_data(), float)
        if mask is not None:
            npred_bkg, npred_sig = npred_bkg[mask], npred_sig[mask]
        info["npred_background"] = float(npred_bkg.sum())
        info["npred_signal"] = float(npred_sig.sum())
        info["npred"] = info["npred_background"] + info["npred_signal"]
        ontime = info.get("ontime")
        if ontime is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                info["background_rate"] = info["background"] / ontime
                info["excess_rate"] = info["excess"] / ontime
        info["stat_type"] = self.stat_type
        return info

    def __str__(self):
        info = self.info_dict()
        name = type(self).__name__
        rows = [
            ("Name", self.name),
            None,
            ("Total counts", f"{info['counts']:.0f}"),
            ("Total background counts", f"{info['background']:.2f}"),
            ("Total excess counts", f"{info['excess']:.2f}"),
            None,
            ("Predicted counts", f"{info['npred']:.2f}"),
            ("Predicted background counts", f"{info['npred_background']:.2f}"),
            ("Predicted excess counts", f"{info['npred_signal']:.2f}"),
            None,
            ("Exposure min", f"{info['exposure_min']:.2e}"),
            ("Exposure max", f"{info['exposure_max']:.2e}"),
            None,
            ("Number of total bins", info["n_bins"]),
            ("Number of fit bins", info["n_fit_bins"]),
            None,
            ("Fit statistic type", self.stat_type),
            ("Fit statistic value (-2 log(L))", f"{info['stat_sum']:.2f}"),
            None,
            ("Number of models", 0 if self.models is None else len(self.models)),
            None,
            ("Total counts_off", f"{info['counts_off']:.0f}"),
            ("Acceptance", f"{info['acceptance']:.3g}"),
            ("Acceptance off", f"{info['acceptance_off']:.3g}"),
            ("Mean alpha", f"{info['alpha']:.3g}"),
            ("Significance (sqrt TS)", f"{info['sqrt_ts']:.2f}"),
        ]
        lines = [name, "-" * len(name), ""]
        for row in rows:
            lines.append("" if row is None else f"  {row[0]:<34}: {row[1]}")
        if self.models is not None:
            lines += ["", str(self.models)]
        return "\n".join(lines)

    # ------------------------------------------------------------------ I/O
    def to_hdulist(self):
        """HDUs: those of `MapDataset` without ``BACKGROUND``, plus ``COUNTS_OFF``,
        ``ACCEPTANCE``, ``ACCEPTANCE_OFF`` (each with its ``_BANDS`` table)."""
        from .map_io import map_to_hdus

        hdulist = super().to_hdulist()
        for hdu in ("BACKGROUND", "BACKGROUND_BANDS"):
            if hdu in [h.name for h in hdulist]:
                del hdulist[hdu]
        extra = []
        for hdu in _ONOFF_HDUS:
            m = getattr(self, hdu.lower())
            if m is not None:
                extra += map_to_hdus(m, hdu)
        names = [h.name for h in hdulist]
        idx = (
            names.index("EXPOSURE_BANDS") + 1
            if "EXPOSURE_BANDS" in names
            else len(hdulist)
        )
        for offset, hdu in enumerate(extra):
            hdulist.insert(idx + offset, hdu)
        return hdulist

    @classmethod
    def from_hdulist(cls, hdulist, name=None, lazy=False, format="gadf"):
        """Create from an `~astropy.io.fits.HDUList` (see `to_hdulist`)."""
        from .map_io import _read_map, dataset_from_hdulist

        dataset = dataset_from_hdulist(
            cls._map_dataset_cls, hdulist, name=name, format=format
        )
        names = {h.name for h in hdulist}
        kwargs = {}
        for hdu in _ONOFF_HDUS:
            if hdu in names:
                kwargs[hdu.lower()] = _read_map(hdulist, hdu)
        if "counts_off" in kwargs:
            check_counts_data(kwargs["counts_off"], what="OFF counts")
        return cls.from_map_dataset(
            dataset,
            acceptance=kwargs.get("acceptance", 1.0),
            acceptance_off=kwargs.get("acceptance_off", 1.0),
            counts_off=kwargs.get("counts_off"),
            name=name,
        )


def _stack_gti(gti, other):
    """Union of two GTIs (either may be None)."""
    if gti is None:
        return other.copy() if other is not None else None
    if other is None:
        return gti.copy()
    gti = gti.copy()
    gti.stack(other)
    return gti.union()
