"""`FoVBackgroundMaker`: normalise the background template in the field of view."""

import logging
import warnings

import numpy as np

from gammaray.maps import Map
from gammaray.utils.errors import GammarayWarning, InvalidModelError

from ..core import Maker, _light_copy

__all__ = ["FoVBackgroundMaker"]

log = logging.getLogger(__name__)


def _same_grid(geom_a, geom_b):
    """Whether two sky geometries share frame, projection and pixel size."""
    try:
        if geom_a.frame != geom_b.frame:
            return False
        if getattr(geom_a, "projection", None) != getattr(geom_b, "projection", None):
            return False
        return bool(
            np.allclose(geom_a.pixel_scales.deg, geom_b.pixel_scales.deg, rtol=1e-6)
        )
    except AttributeError:
        return False


class FoVBackgroundMaker(Maker):
    """Adjust the background model of a dataset to the counts outside exclusion regions.

    A `~gammaray.modeling.models.FoVBackgroundModel` is attached to the dataset
    (replacing one of the same name) and its spectral norm is determined:

    - ``method="scale"``: ``norm = counts / background``, both summed over the
      bins of the safe mask outside the exclusion regions;
    - ``method="fit"``: the norm (and other free parameters of the spectral
      model, e.g. the tilt) are fitted with `~gammaray.modeling.Fit`, all
      other model parameters frozen.

    If there are too few counts (``min_counts``) or too little predicted
    background (``min_npred_background``), or the fit fails, a warning is
    logged and the safe mask of the dataset is set to False everywhere.

    Parameters
    ----------
    method : {"scale", "fit"}
        Method.
    exclusion_mask : `~gammaray.maps.WcsNDMap`, optional
        Boolean (or integer) mask, False/0 in excluded regions; reprojected
        (nearest pixel) to the dataset geometry if needed.
    spectral_model : str or `~gammaray.modeling.models.SpectralModel`
        Norm spectral model (tag such as ``"pl-norm"`` or an instance).
    min_counts : int
        Minimum number of counts outside the exclusion regions.
    min_npred_background : float
        Minimum predicted background outside the exclusion regions.
    fit : `~gammaray.modeling.Fit`, optional
        Fit instance for ``method="fit"``.
    """

    tag = "FoVBackgroundMaker"
    available_methods = ["fit", "scale"]

    def __init__(
        self,
        method="scale",
        exclusion_mask=None,
        spectral_model="pl-norm",
        min_counts=0,
        min_npred_background=0,
        fit=None,
    ):
        from gammaray.modeling.models import SPECTRAL_MODEL_REGISTRY

        if method not in self.available_methods:
            raise ValueError(
                f"Unknown FoVBackgroundMaker method {method!r}; use one of {self.available_methods}."
            )
        self.method = method
        if exclusion_mask is not None and exclusion_mask.data.dtype != bool:
            exclusion_mask = Map.from_geom(
                exclusion_mask.geom,
                data=np.asarray(exclusion_mask.data) != 0,
                dtype=bool,
            )
        self.exclusion_mask = exclusion_mask
        if isinstance(spectral_model, str):
            spectral_model = SPECTRAL_MODEL_REGISTRY.get_cls(spectral_model)()
        if not getattr(spectral_model, "is_norm_spectral_model", False):
            raise InvalidModelError(
                f"FoVBackgroundMaker needs a norm spectral model, got "
                f"{type(spectral_model).__name__}; use e.g. 'pl-norm'."
            )
        self.default_spectral_model = spectral_model
        self.min_counts = min_counts
        self.min_npred_background = min_npred_background
        self.fit = fit

    # ------------------------------------------------------------------ helpers
    def make_default_fov_background_model(self, dataset):
        """Attach a default `FoVBackgroundModel` to (a copy of) the dataset's models.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset (modified in place).

        Returns
        -------
        dataset : `~gammaray.datasets.MapDataset`
            The dataset.
        """
        from gammaray.modeling.models import FoVBackgroundModel, Models

        bkg_model = FoVBackgroundModel(
            dataset_name=dataset.name, spectral_model=self.default_spectral_model.copy()
        )
        others = []
        if dataset.models is not None:
            others = [m for m in dataset.models if m.name != bkg_model.name]
        dataset.models = Models(others + [bkg_model])
        return dataset

    def make_exclusion_mask(self, dataset):
        """Exclusion mask on the dataset's counts geometry (True = use the bin).

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset.

        Returns
        -------
        mask : `~gammaray.maps.Map`
            Boolean mask.
        """
        geom = dataset.counts.geom
        if self.exclusion_mask is None:
            return Map.from_geom(
                geom, data=np.ones(geom.data_shape, dtype=bool), dtype=bool
            )
        mask = self.exclusion_mask
        image = geom.to_image()
        mask_image = mask.geom.to_image() if mask.geom.axes else mask.geom
        if mask_image.data_shape == image.data_shape and mask_image.is_allclose(image):
            data = np.asarray(mask.data, dtype=bool)
            if mask.geom.axes:
                data = data.reshape((-1,) + image.data_shape).all(axis=0)
        else:
            if not geom.is_region and not _same_grid(mask_image, image):
                warnings.warn(
                    "The exclusion mask of FoVBackgroundMaker has another frame or pixel "
                    f"grid ({mask_image.frame}, {mask_image.pixel_scales.deg.tolist()} deg) "
                    f"than dataset {dataset.name!r} ({image.frame}, "
                    f"{image.pixel_scales.deg.tolist()} deg); it was reprojected to the "
                    "dataset geometry (nearest pixel). Make the mask on the dataset "
                    "geometry to avoid this.",
                    GammarayWarning,
                    stacklevel=3,
                )
            if mask.geom.axes:
                mask = mask.reduce_over_axes(func=np.logical_and)
            coords = image.get_coord()
            # pixels outside the mask footprint are not excluded
            values = mask.get_by_coord(coords, fill_value=1)
            data = np.asarray(np.nan_to_num(values, nan=1.0), dtype=float) > 0
        data = np.broadcast_to(data, geom.data_shape)
        return Map.from_geom(geom, data=np.array(data, dtype=bool), dtype=bool)

    def _fail(self, dataset, reason):
        log.warning(
            "FoVBackgroundMaker failed for dataset %s: %s Setting its safe mask to False.",
            dataset.name,
            reason,
        )
        dataset.mask_safe = Map.from_geom(
            dataset.counts.geom,
            data=np.zeros(dataset.counts.geom.data_shape, dtype=bool),
        )
        return dataset

    def make_background_scale(self, dataset):
        """Scale the background norm to ``counts / background`` in the fit mask.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with a `FoVBackgroundModel` (modified in place).

        Returns
        -------
        dataset : `~gammaray.datasets.MapDataset`
            The dataset.
        """
        mask = dataset.mask
        mask = (
            np.ones(dataset.counts.geom.data_shape, dtype=bool)
            if mask is None
            else mask.data
        )
        counts = float(np.sum(np.asarray(dataset.counts.data, dtype=float)[mask]))
        bkg_model = dataset.models[f"{dataset.name}-bkg"]
        norm = bkg_model.spectral_model.norm
        norm.value = 1.0
        background = np.asarray(dataset.npred_background().data, dtype=float)
        bkg_total = float(np.sum(background[mask]))
        if counts <= self.min_counts:
            return self._fail(
                dataset, f"only {counts:.0f} counts outside the exclusion regions."
            )
        if bkg_total <= self.min_npred_background:
            return self._fail(
                dataset,
                f"only {bkg_total:.3g} predicted background counts outside exclusions.",
            )
        norm.value = counts / bkg_total
        norm.error = np.sqrt(counts) / bkg_total
        return dataset

    def make_background_fit(self, dataset):
        """Fit the free parameters of the background model (others frozen).

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with a `FoVBackgroundModel` (modified in place).

        Returns
        -------
        dataset : `~gammaray.datasets.MapDataset`
            The dataset.
        """
        from gammaray.modeling import Fit

        mask = dataset.mask
        mask = (
            np.ones(dataset.counts.geom.data_shape, dtype=bool)
            if mask is None
            else mask.data
        )
        counts = float(np.sum(np.asarray(dataset.counts.data, dtype=float)[mask]))
        if counts <= self.min_counts:
            return self._fail(
                dataset, f"only {counts:.0f} counts outside the exclusion regions."
            )
        bkg_total = float(np.sum(np.asarray(dataset.npred_background().data)[mask]))
        if bkg_total <= self.min_npred_background:
            return self._fail(
                dataset,
                f"only {bkg_total:.3g} predicted background counts outside exclusions.",
            )
        bkg_name = f"{dataset.name}-bkg"
        frozen = {}
        for model in dataset.models:
            if model.name == bkg_name:
                continue
            for par in model.parameters:
                frozen[id(par)] = (par, par.frozen)
                par.frozen = True
        fit = self.fit if self.fit is not None else Fit()
        try:
            result = fit.run(datasets=[dataset])
            success = bool(getattr(result, "success", True))
            message = getattr(result, "message", "")
        finally:
            for par, state in frozen.values():
                par.frozen = state
        if not success:
            return self._fail(
                dataset, f"the background fit did not converge ({message})."
            )
        return dataset

    # ------------------------------------------------------------------ run
    def run(self, dataset, observation=None):
        """Attach and normalise the FoV background model.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with counts and background.
        observation : `~gammaray.data.Observation`, optional
            Unused (kept for a uniform maker interface).

        Returns
        -------
        dataset : `~gammaray.datasets.MapDataset`
            Copy of the dataset with a normalised `FoVBackgroundModel`.
        """
        models = dataset.models
        new = _light_copy(dataset)
        if models is not None:
            new.models = models
        mask_fit_orig = new.mask_fit
        exclusion = self.make_exclusion_mask(new)
        if mask_fit_orig is not None:
            mask_fit = Map.from_geom(
                exclusion.geom,
                data=np.asarray(mask_fit_orig.data, dtype=bool) & exclusion.data,
                dtype=bool,
            )
        else:
            mask_fit = exclusion
        new.mask_fit = mask_fit
        self.make_default_fov_background_model(new)
        if self.method == "fit":
            new = self.make_background_fit(new)
        else:
            new = self.make_background_scale(new)
        new.mask_fit = mask_fit_orig
        return new
