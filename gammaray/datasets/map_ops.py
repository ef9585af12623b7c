"""Creation, stacking, slicing and reduction of `MapDataset` (a mixin) and its summary."""

import logging

import numpy as np
from astropy import units as u
from astropy.table import vstack

from gammaray.utils.errors import GeometryMismatchError, InvalidDataError

from .utils import masked_edisp

__all__ = ["MapDatasetOpsMixin", "info_dict", "dataset_str"]

log = logging.getLogger(__name__)


def _irf_geom(geom, binsz_irf):
    """Coarse sky geometry of the IRF maps covering ``geom``."""
    from gammaray.maps import WcsGeom

    if not hasattr(geom, "wcs"):
        return geom.to_image()
    image = geom.to_image()
    width = u.Quantity(image.width).to_value("deg").ravel()
    binsz = u.Quantity(binsz_irf, "deg").to_value("deg")
    return WcsGeom.create(
        skydir=image.center_skydir,
        binsz=binsz,
        width=(float(width[0]) + binsz, float(width[-1]) + binsz),
        frame=image.frame,
        proj=image.projection,
    )


def _mask_on_geom(mask_image, geom_image):
    """Boolean image on ``geom_image``: True where a safe pixel of ``mask_image`` falls.

    An IRF pixel is used (weight one) when at least one safe pixel of the
    counts geometry lies inside it; coarse all-sky IRF grids are handled too.
    """
    if mask_image is None:
        return None
    data = np.asarray(mask_image.data, dtype=bool).reshape(
        mask_image.geom.to_image().data_shape
    )
    if tuple(data.shape) == tuple(geom_image.data_shape) and (
        mask_image.geom.to_image().is_allclose(geom_image)
    ):
        return data
    out = np.zeros(geom_image.data_shape, dtype=bool)
    if not data.any():
        return out
    coords = mask_image.geom.to_image().get_coord()
    lon = np.asarray(coords.lon)[data]
    lat = np.asarray(coords.lat)[data]
    from gammaray.maps import MapCoord

    mc = MapCoord.create({"lon": lon, "lat": lat}, frame=mask_image.geom.frame)
    idx = geom_image.coord_to_idx(mc)
    valid = np.all([np.asarray(i) >= 0 for i in idx], axis=0)
    idx = tuple(np.asarray(i)[valid] for i in idx)
    out[idx[::-1]] = True
    return out


class MapDatasetOpsMixin:
    """Creation, stacking and reduction methods of `MapDataset`."""

    # ------------------------------------------------------------------
    # creation
    # ------------------------------------------------------------------
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
        """Empty dataset (zero maps, all-false safe mask) on the given geometries.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Counts geometry (``energy`` axis).
        geom_exposure, geom_psf, geom_edisp : `~gammaray.maps.Geom`, optional
            Geometries of exposure, PSF and energy dispersion maps.
        reference_time : `~astropy.time.Time` or str
            Reference time of the (empty) GTI.
        name : str, optional
            Dataset name.
        **kwargs : dict
            Other dataset members (e.g. ``meta_table``).
        """
        from gammaray.data import GTI
        from gammaray.irf import EDispKernelMap, EDispMap, PSFMap, RecoPSFMap
        from gammaray.maps import Map

        kwargs = dict(kwargs)
        kwargs["name"] = name
        kwargs["counts"] = Map.from_geom(geom, unit="")
        kwargs["background"] = Map.from_geom(geom, unit="")
        if geom_exposure is not None:
            kwargs["exposure"] = Map.from_geom(geom_exposure, unit="m2 s")
        if geom_edisp is not None:
            if "migra" in geom_edisp.axes.names:
                kwargs["edisp"] = EDispMap.from_geom(geom_edisp)
            else:
                kwargs["edisp"] = EDispKernelMap.from_geom(geom_edisp)
        if geom_psf is not None:
            if "energy_true" in geom_psf.axes.names:
                kwargs["psf"] = PSFMap.from_geom(geom_psf)
            else:
                kwargs["psf"] = RecoPSFMap.from_geom(geom_psf)
        kwargs.setdefault("mask_safe", Map.from_geom(geom, unit="", dtype=bool))
        kwargs.setdefault(
            "gti", GTI.create([] * u.s, [] * u.s, reference_time=reference_time)
        )
        return cls(**kwargs)

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
        meta_table=None,
        reco_psf=False,
        **kwargs,
    ):
        """Empty dataset with IRF maps on a coarse grid.

        Parameters
        ----------
        geom : `~gammaray.maps.WcsGeom` or `~gammaray.maps.RegionGeom`
            Counts geometry with an ``energy`` axis.
        energy_axis_true : `~gammaray.maps.MapAxis`, optional
            True-energy axis (default: the reconstructed one, renamed).
        migra_axis : `~gammaray.maps.MapAxis`, optional
            Migration axis; with it the energy dispersion is an `EDispMap`.
        rad_axis : `~gammaray.maps.MapAxis`, optional
            Offset axis of the PSF map (default 0-0.66 deg in 66 bins).
        binsz_irf : `~astropy.units.Quantity`, optional
            Pixel size of the IRF maps (default 0.2 deg).
        reference_time : `~astropy.time.Time` or str
            Reference time of the GTI.
        name : str, optional
            Dataset name.
        meta_table : `~astropy.table.Table`, optional
            Observation metadata.
        reco_psf : bool
            Create a `RecoPSFMap` (PSF in reconstructed energy).
        **kwargs : dict
            Other dataset members.

        Returns
        -------
        dataset : `MapDataset`
            Empty dataset.
        """
        from gammaray.maps import MapAxis

        from .map import BINSZ_IRF_DEFAULT

        energy_axis = geom.axes["energy"]
        if energy_axis_true is None:
            energy_axis_true = energy_axis.copy(name="energy_true")
        if rad_axis is None:
            rad_axis = MapAxis.from_bounds(0, 0.66, nbin=66, unit="deg", name="rad")
        binsz_irf = BINSZ_IRF_DEFAULT if binsz_irf is None else binsz_irf
        geom_image = geom.to_image()
        geom_exposure = geom_image.to_cube([energy_axis_true])
        geom_irf = _irf_geom(geom, binsz_irf)
        if reco_psf:
            geom_psf = geom_irf.to_cube([rad_axis, energy_axis])
        else:
            geom_psf = geom_irf.to_cube([rad_axis, energy_axis_true])
        if migra_axis is not None:
            geom_edisp = geom_irf.to_cube([migra_axis, energy_axis_true])
        else:
            geom_edisp = geom_irf.to_cube([energy_axis, energy_axis_true])
        return cls.from_geoms(
            geom=geom,
            geom_exposure=geom_exposure,
            geom_psf=geom_psf,
            geom_edisp=geom_edisp,
            reference_time=reference_time,
            name=name,
            meta_table=meta_table,
            **kwargs,
        )

    def _new(self, name=None, **kwargs):
        kwargs.setdefault("gti", self.gti.copy() if self.gti is not None else None)
        kwargs.setdefault("meta_table", self.meta_table)
        kwargs.setdefault("meta", dict(self.meta))
        return self.__class__(name=name, **kwargs)

    # ------------------------------------------------------------------
    # stacking
    # ------------------------------------------------------------------
    def _check_stack_geom(self, other):
        geom, other_geom = self._geom, other._geom
        same = tuple(geom.data_shape) == tuple(other_geom.data_shape)
        if same:
            try:
                same = geom.is_allclose(other_geom)
            except (AttributeError, TypeError, ValueError):
                same = True
        if not same:
            raise GeometryMismatchError(
                f"Cannot stack dataset {other.name!r} onto {self.name!r}: their "
                "geometries differ. Reproject both onto one geometry first (e.g. "
                "create them with MapDataset.create(geom) and the same geom)."
            )

    def stack(self, other, nan_to_num=True):
        """Stack another dataset onto this one (in place).

        Counts and background are summed over the union of the safe masks,
        exposure and IRF maps are stacked with exposure weights, masks are
        OR'ed, GTIs and meta tables concatenated.

        Parameters
        ----------
        other : `MapDataset`
            Dataset on the same geometry.
        nan_to_num : bool
            Replace NaN values of ``other`` by zero.
        """
        self._check_stack_geom(other)
        other_safe = other.mask_safe
        mask_image = other.mask_safe_image
        if self.counts is not None and other.counts is not None:
            if self.mask_safe is not None:
                self.counts.data = np.where(
                    self.mask_safe.data, self.counts.data, 0
                ).astype(self.counts.data.dtype)
            self.counts.stack(other.counts, weights=other_safe, nan_to_num=nan_to_num)
        if self.exposure is not None and other.exposure is not None:
            weights = mask_image
            if weights is not None:
                weights = weights.data.astype(bool)
            self.exposure.stack(other.exposure, weights=weights, nan_to_num=nan_to_num)
            self.exposure = self.exposure
        if self.background is not None and other.background is not None:
            # stack the predicted background: each dataset's FoV background
            # model (norm, tilt) is applied to its map first, then dropped
            background = _background_for_stacking(self)
            data = np.asarray(background.data, dtype=float)
            if self.mask_safe is not None:
                data = np.where(self.mask_safe.data, data, 0)
            background.data = data
            background.stack(
                _background_for_stacking(other),
                weights=other_safe,
                nan_to_num=nan_to_num,
            )
            self.background = background
            _drop_background_model(self)
        for attr, irf_geom_attr in (("psf", "psf_map"), ("edisp", "edisp_map")):
            mine, theirs = getattr(self, attr), getattr(other, attr)
            if mine is None or theirs is None:
                continue
            if attr == "edisp":
                # each kernel contributes only in the reco-energy bins its counts use
                mine = masked_edisp(mine, self.mask_safe)
                theirs = masked_edisp(theirs, other_safe)
            irf_image = getattr(theirs, irf_geom_attr).geom.to_image()
            weights = _mask_on_geom(mask_image, irf_image)
            if weights is not None and theirs.has_single_spatial_bin:
                weights = None
            mine.stack(theirs, weights=weights)
            setattr(self, attr, mine)
        if self.mask_safe is not None and other_safe is not None:
            self.mask_safe.stack(other_safe)
        elif other_safe is not None:
            self.mask_safe = other_safe.copy()
        if self.gti is not None and other.gti is not None:
            gti = self.gti.copy()
            gti.stack(other.gti)
            self.gti = gti.union() if len(gti.table) else gti
        if self.meta_table is not None and other.meta_table is not None:
            self.meta_table = vstack(
                [self.meta_table, other.meta_table], metadata_conflicts="silent"
            )
        elif other.meta_table is not None:
            self.meta_table = other.meta_table.copy()
        self._background_cache = None
        self.models = self.models

    def to_masked(self, name=None, nan_to_num=True):
        """Dataset with the data outside the safe mask set to zero (stacked onto an empty one).

        Parameters
        ----------
        name : str, optional
            Name of the new dataset.
        nan_to_num : bool
            Replace NaN values by zero.
        """
        dataset = self.__class__.from_geoms(**self.geoms, name=name)
        dataset.stack(self, nan_to_num=nan_to_num)
        return dataset

    # ------------------------------------------------------------------
    # geometric operations
    # ------------------------------------------------------------------
    def _irf_op(self, irf, func):
        if irf is None:
            return None
        try:
            return func(irf)
        except (ValueError, GeometryMismatchError) as exc:
            log.debug("IRF map kept unchanged: %s", exc)
            return irf.copy()

    def cutout(self, position, width, mode="trim", name=None):
        """Cutout of the dataset around a position.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre.
        width : `~astropy.units.Quantity` or tuple
            Width (angle).
        mode : {"trim", "partial", "strict"}
            Cutout mode.
        name : str, optional
            Name of the new dataset.
        """
        kw = {"position": position, "width": width, "mode": mode}
        kwargs = {}
        for attr in ("counts", "exposure", "background", "mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.cutout(**kw)
        for attr in ("psf", "edisp"):
            irf = getattr(self, attr)
            if irf is not None:
                kwargs[attr] = (
                    irf.copy()
                    if irf.has_single_spatial_bin
                    else self._irf_op(irf, lambda x: x.cutout(**kw))
                )
        return self._new(name=name, **kwargs)

    def downsample(self, factor, axis_name=None, name=None):
        """Downsample spatially (``axis_name=None``) or along the ``energy`` axis.

        Counts and background are summed (within the safe mask), the exposure is
        averaged, masks are OR'ed.

        Parameters
        ----------
        factor : int
            Downsampling factor.
        axis_name : str, optional
            Non-spatial axis (``"energy"``); spatial if None.
        name : str, optional
            Name of the new dataset.
        """
        kwargs = {}
        safe = self.mask_safe
        for attr in ("counts", "background"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.downsample(
                    factor, preserve_counts=True, axis_name=axis_name, weights=safe
                )
        for attr in ("mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is not None:
                down = m.copy(data=m.data.astype(float), unit="").downsample(
                    factor, preserve_counts=True, axis_name=axis_name
                )
                kwargs[attr] = down.copy(data=down.data > 0)
        if self.exposure is not None:
            if axis_name is None:
                kwargs["exposure"] = self.exposure.downsample(
                    factor, preserve_counts=False
                )
            else:
                kwargs["exposure"] = self.exposure.copy()
        kwargs["psf"] = self.psf.copy() if self.psf is not None else None
        if self.edisp is not None:
            if axis_name is None:
                kwargs["edisp"] = self.edisp.copy()
            else:
                kwargs["edisp"] = self._irf_op(
                    self.edisp, lambda x: x.downsample(factor, axis_name=axis_name)
                )
        return self._new(name=name, **kwargs)

    def pad(self, pad_width, mode="constant", name=None):
        """Pad the spatial dimensions (exposure with ``mode``, data with zeros).

        Parameters
        ----------
        pad_width : int or tuple
            Number of pixels.
        mode : {"constant", "edge"}
            Padding mode of the exposure.
        name : str, optional
            Name of the new dataset.
        """
        kwargs = {}
        for attr in ("counts", "background"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.pad(pad_width, mode="constant", cval=0)
        for attr in ("mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.pad(pad_width, mode="constant", cval=False)
        if self.exposure is not None:
            kwargs["exposure"] = self.exposure.pad(pad_width, mode=mode)
        kwargs["psf"] = self.psf.copy() if self.psf is not None else None
        kwargs["edisp"] = self.edisp.copy() if self.edisp is not None else None
        return self._new(name=name, **kwargs)

    def slice_by_idx(self, slices, name=None):
        """Slice the non-spatial axes by index.

        Parameters
        ----------
        slices : dict
            ``{"energy": slice(...), "energy_true": slice(...)}``.
        name : str, optional
            Name of the new dataset.
        """
        slices = dict(slices)
        reco = {k: v for k, v in slices.items() if k == "energy"}
        true = {k: v for k, v in slices.items() if k == "energy_true"}
        kwargs = {}
        for attr in ("counts", "background", "mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.slice_by_idx(reco) if reco else m.copy()
        if self.exposure is not None:
            kwargs["exposure"] = (
                self.exposure.slice_by_idx(true) if true else self.exposure.copy()
            )
        if self.psf is not None:
            names = self.psf.psf_map.geom.axes.names
            psf_slices = {k: v for k, v in slices.items() if k in names}
            kwargs["psf"] = (
                self.psf.slice_by_idx(psf_slices) if psf_slices else self.psf.copy()
            )
        if self.edisp is not None:
            names = self.edisp.edisp_map.geom.axes.names
            ed_slices = {k: v for k, v in slices.items() if k in names}
            kwargs["edisp"] = (
                self.edisp.slice_by_idx(ed_slices) if ed_slices else self.edisp.copy()
            )
        return self._new(name=name, **kwargs)

    def slice_by_energy(self, energy_min=None, energy_max=None, name=None):
        """Select the reconstructed-energy bins within ``[energy_min, energy_max]``.

        Parameters
        ----------
        energy_min, energy_max : `~astropy.units.Quantity`, optional
            Energy range (snapped to the nearest bin edges).
        name : str, optional
            Name of the new dataset.
        """
        axis = self._geom.axes["energy"]
        edges = axis.edges
        if energy_min is None:
            energy_min = edges[0]
        if energy_max is None:
            energy_max = edges[-1]
        e = edges.to_value("TeV")
        lo = u.Quantity(energy_min).to_value("TeV")
        hi = u.Quantity(energy_max).to_value("TeV")
        i0 = int(np.argmin(np.abs(np.log(e / lo))))
        i1 = int(np.argmin(np.abs(np.log(e / hi))))
        if i1 <= i0:
            raise ValueError(
                f"No energy bin of dataset {self.name!r} lies within "
                f"[{energy_min}, {energy_max}]."
            )
        return self.slice_by_idx({"energy": slice(i0, i1)}, name=name)

    def resample_energy_axis(self, energy_axis, name=None):
        """Resample the reconstructed-energy axis onto coarser bins.

        Parameters
        ----------
        energy_axis : `~gammaray.maps.MapAxis`
            New ``energy`` axis (edges must be a subset of the current ones).
        name : str, optional
            Name of the new dataset.
        """
        kwargs = {}
        safe = self.mask_safe
        for attr in ("counts", "background"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.resample_axis(axis=energy_axis, weights=safe)
        for attr in ("mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.resample_axis(axis=energy_axis, ufunc=np.logical_or)
        kwargs["exposure"] = self.exposure.copy() if self.exposure is not None else None
        kwargs["psf"] = self.psf.copy() if self.psf is not None else None
        if self.edisp is not None:
            if hasattr(self.edisp, "resample_energy_axis"):
                kwargs["edisp"] = self.edisp.resample_energy_axis(energy_axis)
            else:  # EDispMap: kernel map first
                kwargs["edisp"] = self.edisp.to_edisp_kernel_map(energy_axis)
        return self._new(name=name, **kwargs)

    def to_image(self, name=None):
        """Sum over the reconstructed-energy axis (one bin)."""
        energy_axis = self._geom.axes["energy"].squash()
        return self.resample_energy_axis(energy_axis=energy_axis, name=name)

    def to_region_map_dataset(self, region, name=None):
        """Reduce to a dataset on a `~gammaray.maps.RegionGeom` (sums in the region).

        Parameters
        ----------
        region : `~regions.SkyRegion`
            Region.
        name : str, optional
            Name of the new dataset.
        """
        kwargs = {}
        safe = self.mask_safe
        for attr in ("counts", "background"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.to_region_nd_map(region, func=np.nansum, weights=safe)
        if self.exposure is not None:
            kwargs["exposure"] = self.exposure.to_region_nd_map(region, func=np.nanmean)
        for attr in ("mask_safe", "mask_fit"):
            m = getattr(self, attr)
            if m is not None:
                kwargs[attr] = m.to_region_nd_map(region, func=np.any)
        for attr in ("psf", "edisp"):
            irf = getattr(self, attr)
            if irf is not None:
                # IRFs vary slowly: take them at the region centre
                center = getattr(region, "center", region)
                kwargs[attr] = irf.to_region_nd_map(center)
        return self._new(name=name, **kwargs)

    def to_spectrum_dataset(self, on_region, containment_correction=False, name=None):
        """Reduce to a `~gammaray.datasets.SpectrumDataset` in a region.

        Parameters
        ----------
        on_region : `~regions.SkyRegion`
            Region.
        containment_correction : bool
            Correct the exposure for the PSF containment (point sources).
        name : str, optional
            Name of the new dataset.
        """
        try:
            from .spectrum import SpectrumDataset
        except ImportError:
            raise NotImplementedError(
                "to_spectrum_dataset needs gammaray.datasets.spectrum.SpectrumDataset, "
                "which is not available yet."
            ) from None
        dataset = self.to_region_map_dataset(on_region, name=name)
        if containment_correction:
            if self.psf is None:
                raise ValueError(
                    "containment_correction=True needs a PSF; the dataset has none."
                )
            from regions import CircleSkyRegion

            if not isinstance(on_region, CircleSkyRegion):
                raise TypeError(
                    "containment_correction needs a circular region (CircleSkyRegion)."
                )
            energy = dataset.exposure.geom.axes["energy_true"].center
            containment = self.psf.containment(
                rad=on_region.radius, energy_true=energy, position=on_region.center
            )
            dataset.exposure.data = dataset.exposure.data * np.reshape(
                np.asarray(containment, dtype=float), (-1, 1, 1)
            )
        kwargs = {
            attr: getattr(dataset, attr)
            for attr in (
                "counts",
                "exposure",
                "background",
                "edisp",
                "mask_safe",
                "mask_fit",
                "gti",
                "meta_table",
            )
        }
        return SpectrumDataset(name=dataset.name, **kwargs)

    # ------------------------------------------------------------------
    def fake(self, random_state="random-seed"):
        """Replace the counts by a Poisson draw of the predicted counts.

        Parameters
        ----------
        random_state : {int, "random-seed", "global-rng", `~numpy.random.RandomState`}
            Random state.
        """
        from gammaray.utils.random import get_random_state

        random_state = get_random_state(random_state)
        npred = self.npred()
        data = np.nan_to_num(npred.data, copy=True, nan=0.0, posinf=0.0, neginf=0.0)
        if np.any(data < 0):
            raise InvalidDataError(
                "Predicted counts are negative in some bins; cannot draw Poisson counts."
            )
        npred.data = random_state.poisson(data)
        self.counts = npred


def info_dict(dataset, in_safe_data_range=True):
    """Summary numbers of a map dataset (dict)."""
    info = {"name": dataset.name}
    mask = None
    if in_safe_data_range and dataset.mask_safe is not None:
        mask = np.asarray(dataset.mask_safe.data, dtype=bool)
    shape = dataset.data_shape

    def total(data):
        data = np.asarray(data, dtype=float)
        return float(np.nansum(data[mask] if mask is not None else data))

    counts = total(dataset.counts.data) if dataset.counts is not None else np.nan
    bkg_data = dataset._background_data()
    background = total(bkg_data) if bkg_data is not None else np.nan
    info["counts"] = counts
    info["excess"] = counts - (0 if np.isnan(background) else background)
    if dataset.counts is not None and bkg_data is not None:
        from gammaray.stats import CashCountsStatistic

        stat = CashCountsStatistic(n_on=counts, mu_bkg=background)
        info["sqrt_ts"] = float(np.asarray(stat.sqrt_ts))
    else:
        info["sqrt_ts"] = np.nan
    info["background"] = background
    npred_total = np.nan
    npred_signal = np.nan
    if dataset.exposure is not None or not dataset._evaluators:
        try:
            npred_total = total(dataset._npred_data())
            npred_signal = npred_total - (0 if np.isnan(background) else background)
        except Exception as exc:
            log.debug("npred not available: %s", exc)
    info["npred"] = npred_total
    info["npred_background"] = background
    info["npred_signal"] = npred_signal
    if dataset.exposure is not None:
        exposure = dataset.exposure.quantity.to("m2 s")
        if in_safe_data_range and dataset.mask_safe is not None:
            image = dataset.mask_safe_image.data.astype(bool)
            values = exposure.value[..., image] if image.any() else exposure.value[:0]
        else:
            values = exposure.value
        info["exposure_min"] = (
            np.min(values) if values.size else np.nan
        ) * exposure.unit
        info["exposure_max"] = (
            np.max(values) if values.size else np.nan
        ) * exposure.unit
    else:
        info["exposure_min"] = np.nan * u.Unit("m2 s")
        info["exposure_max"] = np.nan * u.Unit("m2 s")
    ontime = np.nan * u.s
    if dataset.gti is not None and len(dataset.gti.table) > 0:
        ontime = u.Quantity(dataset.gti.time_sum).to("s")
    info["ontime"] = ontime
    livetime = ontime
    info["livetime"] = livetime
    with np.errstate(invalid="ignore", divide="ignore"):
        info["counts_rate"] = counts / ontime
        info["background_rate"] = background / ontime
        info["excess_rate"] = info["excess"] / ontime
    info["n_bins"] = int(np.prod(shape))
    fit_mask = dataset._mask_data()
    info["n_fit_bins"] = int(np.prod(shape) if fit_mask is None else np.sum(fit_mask))
    info["stat_type"] = dataset.stat_type
    stat_sum = np.nan
    if dataset.counts is not None and (
        dataset.exposure is not None or not dataset._evaluators
    ):
        try:
            stat_sum = dataset.stat_sum()
        except Exception as exc:
            log.debug("stat_sum not available: %s", exc)
    info["stat_sum"] = stat_sum
    return info


def dataset_str(dataset):
    """Text summary of a map dataset (str)."""
    info = info_dict(dataset)
    name = type(dataset).__name__
    lines = [name, "-" * len(name), ""]
    lines.append(f"  {'Name':<34}: {dataset.name}")
    lines.append("")
    lines.append(f"  {'Total counts':<34}: {info['counts']:.0f}")
    lines.append(f"  {'Total background counts':<34}: {info['background']:.2f}")
    lines.append(f"  {'Total excess counts':<34}: {info['excess']:.2f}")
    lines.append("")
    lines.append(f"  {'Predicted counts':<34}: {info['npred']:.2f}")
    lines.append(
        f"  {'Predicted background counts':<34}: {info['npred_background']:.2f}"
    )
    lines.append(f"  {'Predicted excess counts':<34}: {info['npred_signal']:.2f}")
    lines.append("")
    lines.append(f"  {'Exposure min':<34}: {info['exposure_min']:.2e}")
    lines.append(f"  {'Exposure max':<34}: {info['exposure_max']:.2e}")
    lines.append("")
    lines.append(f"  {'Number of total bins':<34}: {info['n_bins']}")
    lines.append(f"  {'Number of fit bins':<34}: {info['n_fit_bins']}")
    lines.append("")
    lines.append(f"  {'Fit statistic type':<34}: {info['stat_type']}")
    lines.append(f"  {'Fit statistic value (-2 log(L))':<34}: {info['stat_sum']:.2f}")
    lines.append("")
    models = dataset.models
    n_models = len(models) if models is not None else 0
    lines.append(f"  {'Number of models':<34}: {n_models}")
    if models is not None:
        n_pars = len(models.parameters)
        n_free = len(models.parameters.free_parameters)
        lines.append(f"  {'Number of parameters':<34}: {n_pars}")
        lines.append(f"  {'Number of free parameters':<34}: {n_free}")
    return "\n".join(lines)


def _background_for_stacking(dataset):
    """The background map with the dataset's FoV background model applied."""
    if getattr(dataset, "background_model", None) is None:
        return dataset.background.copy()
    return dataset.npred_background()


def _drop_background_model(dataset):
    """Remove the FoV background model once it is baked into the background map."""
    model = getattr(dataset, "background_model", None)
    if model is None:
        return
    from gammaray.modeling.models import Models

    others = [m for m in dataset.models if m is not model]
    dataset.models = Models(others) if others else None
