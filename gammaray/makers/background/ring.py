"""Ring background estimation for 3D/2D map datasets."""

import logging

import numpy as np
from astropy.coordinates import Angle

from gammaray.datasets import MapDatasetOnOff
from gammaray.makers.core import Maker

from ._finders import check_exclusion_mask, warn_if_other_frame

__all__ = ["RingBackgroundMaker", "AdaptiveRingBackgroundMaker"]

log = logging.getLogger(__name__)


def ring_kernel(r_in, width):
    """Ring kernel of ones (pixel units) with ``r_in <= r <= r_in + width``.

    Parameters
    ----------
    r_in, width : float
        Inner radius and width in pixels.

    Returns
    -------
    kernel : `~numpy.ndarray`
        Odd-sized 2D array of 0 and 1 (peak-normalised ring).
    """
    r_out = r_in + width
    half = int(np.ceil(r_out - 1e-9))
    y, x = np.mgrid[-half : half + 1, -half : half + 1]
    r = np.hypot(x, y)
    kernel = ((r >= r_in - 1e-9) & (r <= r_out + 1e-9)).astype(float)
    if not kernel.any():
        raise ValueError(
            f"The ring (r_in={r_in:.3g} pix, width={width:.3g} pix) contains no pixel centre; "
            "increase the width or use a finer map binning."
        )
    return kernel


def tophat_kernel(radius):
    """Disk kernel of ones with ``r <= radius`` (pixels); at least the centre pixel."""
    half = int(np.ceil(radius - 1e-9))
    y, x = np.mgrid[-half : half + 1, -half : half + 1]
    kernel = (np.hypot(x, y) <= radius + 1e-9).astype(float)
    kernel[half, half] = 1.0
    return kernel


def _pixel_scale_deg(geom):
    scales = np.abs(geom.pixel_scales.to_value("deg"))
    return float(np.mean(scales))


def _convolve(data, kernel):
    """FFT convolution of the last two axes (same size), clean of round-off noise."""
    from scipy.signal import fftconvolve

    data = np.asarray(data, dtype=float)
    kern = kernel.reshape((1,) * (data.ndim - 2) + kernel.shape)
    out = fftconvolve(data, kern, mode="same", axes=(-2, -1))
    # remove FFT round-off: relative to the largest input value times the kernel sum
    tol = 1e-9 * np.max(np.abs(data), initial=0.0) * kernel.sum()
    out[np.abs(out) <= tol] = 0.0
    return out


class _FFTConvolver:
    """Convolve fixed images with many kernels, reusing the images' transforms.

    The images (last two axes) are transformed once, zero-padded for the
    largest kernel, so every kernel costs one kernel transform and one inverse
    transform. Output as ``fftconvolve(..., mode="same")`` for odd kernels.
    """

    def __init__(self, data, max_kernel_size):
        from scipy import fft

        self._fft = fft
        data = np.asarray(data, dtype=float)
        self.image_shape = data.shape[-2:]
        self.ksize = int(max_kernel_size)
        self.shape = tuple(
            fft.next_fast_len(n + self.ksize - 1, real=True) for n in self.image_shape
        )
        self.transform = fft.rfft2(data, s=self.shape, axes=(-2, -1))
        self.tol = 1e-9 * np.max(np.abs(data), initial=0.0)

    def __call__(self, kernel):
        fft = self._fft
        k = kernel.shape[0]
        pad = (self.ksize - k) // 2
        full_kernel = np.zeros((self.ksize, self.ksize))
        full_kernel[pad : pad + k, pad : pad + k] = kernel
        kt = fft.rfft2(full_kernel, s=self.shape)
        full = fft.irfft2(self.transform * kt, s=self.shape, axes=(-2, -1))
        h = (self.ksize - 1) // 2
        ny, nx = self.image_shape
        out = full[..., h : h + ny, h : h + nx]
        out[np.abs(out) <= self.tol * kernel.sum()] = 0.0
        return out


def _exclusion_on_geom(exclusion_mask, geom):
    """Boolean 2D exclusion array of the spatial part of ``geom`` (True = usable)."""
    image = geom.to_image()
    if exclusion_mask is None:
        return np.ones(image.data_shape, dtype=bool)
    warn_if_other_frame(exclusion_mask, image.frame, "the dataset")
    if (
        exclusion_mask.geom.data_shape == image.data_shape
        and exclusion_mask.geom.is_allclose(image)
    ):
        return np.asarray(exclusion_mask.data, dtype=bool)
    mask = exclusion_mask.interp_to_geom(image, fill_value=1, method="nearest")
    return np.asarray(mask.data, dtype=bool)


def _check_map_dataset(dataset, maker):
    geom = dataset.counts.geom if dataset.counts is not None else None
    if geom is None or not hasattr(geom, "wcs") or type(geom).__name__ != "WcsGeom":
        raise ValueError(
            f"{maker} needs a MapDataset with counts on a WcsGeom; dataset "
            f"{dataset.name!r} has {type(geom).__name__ if geom else 'no counts'}."
        )
    background = dataset.npred_background()
    if not np.any(np.asarray(background.data) > 0):
        raise ValueError(
            f"Dataset {dataset.name!r} has no background model; the ring method uses the "
            "background as acceptance. Make the dataset with the 'background' selection "
            "of MapDatasetMaker."
        )
    return geom, background


def _usable_weights(dataset, exclusion):
    """Weights (0/1) of the pixels that enter the OFF estimate: not excluded and safe."""
    weights = np.broadcast_to(exclusion, dataset.counts.data.shape).astype(float)
    if dataset.mask_safe is not None:
        weights = weights * np.asarray(dataset.mask_safe.data, dtype=float)
    return weights


def _as_counts(data):
    """Round OFF counts (sums of integer counts) to integers when the input is integral."""
    rounded = np.rint(data)
    if np.allclose(rounded, data, rtol=0, atol=1e-6):
        return rounded
    return data


class RingBackgroundMaker(Maker):
    """Ring background: OFF counts and acceptance in a ring around each pixel.

    For every pixel and energy bin, ``counts_off`` is the sum of the counts and
    ``acceptance_off`` the sum of the background model over the ring
    ``r_in <= r <= r_in + width`` around it, using only pixels that are not
    excluded (and inside the safe mask). The acceptance is the background model
    of the pixel, so ``alpha = acceptance / acceptance_off`` and
    ``alpha * counts_off`` is the background estimate.

    Parameters
    ----------
    r_in : `~astropy.coordinates.Angle` or str
        Inner ring radius.
    width : `~astropy.coordinates.Angle` or str
        Ring width.
    exclusion_mask : `~gammaray.maps.WcsNDMap`, optional
        Boolean mask, False for pixels excluded from the OFF estimate (sources).
        Masks in another frame are reprojected (warning); integer masks are
        accepted (warning).
    """

    tag = "RingBackgroundMaker"

    def __init__(self, r_in, width, exclusion_mask=None):
        self.r_in = Angle(r_in)
        self.width = Angle(width)
        if self.r_in.to_value("deg") < 0 or self.width.to_value("deg") <= 0:
            raise ValueError(
                f"Need r_in >= 0 and width > 0, got r_in={self.r_in}, width={self.width}."
            )
        self.exclusion_mask = check_exclusion_mask(exclusion_mask)

    def kernel(self, image):
        """Ring kernel for the pixel size of a map.

        Parameters
        ----------
        image : `~gammaray.maps.WcsNDMap` or `~gammaray.maps.WcsGeom`
            Map (or geometry) defining the pixel size.

        Returns
        -------
        kernel : `~numpy.ndarray`
            2D array of ones on the ring, zeros elsewhere.
        """
        geom = getattr(image, "geom", image)
        scale = _pixel_scale_deg(geom)
        return ring_kernel(
            self.r_in.to_value("deg") / scale, self.width.to_value("deg") / scale
        )

    def make_maps_off(self, dataset):
        """OFF counts and OFF acceptance maps.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with counts and a background model.

        Returns
        -------
        maps_off : `~gammaray.maps.Maps`
            ``counts_off`` and ``acceptance_off`` on the counts geometry.
        """
        from gammaray.maps import Map, Maps

        geom, background = _check_map_dataset(dataset, type(self).__name__)
        exclusion = _exclusion_on_geom(self.exclusion_mask, geom)
        weights = _usable_weights(dataset, exclusion)
        kernel = self.kernel(geom)
        counts = np.asarray(dataset.counts.data, dtype=float)
        bkg = np.asarray(background.data, dtype=float)
        counts_off = _as_counts(_convolve(counts * weights, kernel))
        acceptance_off = _convolve(bkg * weights, kernel)
        maps = Maps()
        maps["counts_off"] = Map.from_geom(geom, data=counts_off)
        maps["acceptance_off"] = Map.from_geom(geom, data=acceptance_off)
        return maps

    def run(self, dataset, observation=None):
        """Make the ON/OFF map dataset.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset (counts, background, exposure, IRFs).
        observation : `~gammaray.data.Observation`, optional
            Ignored (for the common maker interface).

        Returns
        -------
        dataset_onoff : `~gammaray.datasets.MapDatasetOnOff`
            Dataset with ``acceptance`` = background, ring ``acceptance_off``
            and ``counts_off``.
        """
        maps = self.make_maps_off(dataset)
        return MapDatasetOnOff.from_map_dataset(
            dataset=dataset,
            acceptance=dataset.npred_background(),
            acceptance_off=maps["acceptance_off"],
            counts_off=maps["counts_off"],
        )


class AdaptiveRingBackgroundMaker(Maker):
    """Adaptive ring background: the ring grows per pixel until alpha is small.

    Rings are tried in order of increasing size: with ``method="fixed_width"``
    the inner radius grows from ``r_in`` in steps of ``stepsize`` (width fixed),
    with ``method="fixed_r_in"`` the width grows from ``width``; the outer
    radius never exceeds ``r_out_max``. For each pixel the first ring with
    ``alpha_approx = acceptance(theta) / acceptance_off <= threshold_alpha`` is
    used, where ``acceptance(theta)`` is the energy-integrated background within
    ``theta`` of the pixel and ``acceptance_off`` the energy-integrated background
    in the (non-excluded part of the) ring. Pixels that never reach the
    threshold use the largest ring. The selected ring is then applied to every
    energy bin: ``counts_off`` and ``acceptance_off`` are the ring sums of counts
    and background, the acceptance is the background of the pixel.

    Parameters
    ----------
    r_in : `~astropy.coordinates.Angle` or str
        Smallest inner radius.
    r_out_max : `~astropy.coordinates.Angle` or str
        Largest outer radius.
    width : `~astropy.coordinates.Angle` or str
        (Smallest) ring width.
    stepsize : `~astropy.coordinates.Angle` or str
        Growth step of the ring.
    threshold_alpha : float
        Threshold on the approximate alpha.
    theta : `~astropy.coordinates.Angle` or str
        Radius of the ON integration region used for the alpha criterion.
    method : {"fixed_width", "fixed_r_in"}
        Which ring dimension grows.
    exclusion_mask : `~gammaray.maps.WcsNDMap`, optional
        Boolean mask, False for excluded pixels.
    """

    tag = "AdaptiveRingBackgroundMaker"

    def __init__(
        self,
        r_in,
        r_out_max,
        width,
        stepsize="0.02 deg",
        threshold_alpha=0.1,
        theta="0.22 deg",
        method="fixed_width",
        exclusion_mask=None,
    ):
        if method not in ("fixed_width", "fixed_r_in"):
            raise ValueError(
                f"method must be 'fixed_width' or 'fixed_r_in', got {method!r}."
            )
        self.r_in = Angle(r_in)
        self.r_out_max = Angle(r_out_max)
        self.width = Angle(width)
        self.stepsize = Angle(stepsize)
        self.threshold_alpha = float(threshold_alpha)
        self.theta = Angle(theta)
        self.method = method
        if self.stepsize.to_value("deg") <= 0:
            raise ValueError(f"stepsize must be positive, got {self.stepsize}.")
        if (self.r_in + self.width).to_value("deg") > self.r_out_max.to_value("deg"):
            raise ValueError(
                f"r_in + width ({self.r_in + self.width}) exceeds r_out_max ({self.r_out_max})."
            )
        self.exclusion_mask = check_exclusion_mask(exclusion_mask)

    def _ring_sizes(self):
        """(r_in, width) in deg of the rings, in order of increasing size."""
        r_in, width = self.r_in.to_value("deg"), self.width.to_value("deg")
        r_out_max, step = self.r_out_max.to_value("deg"), self.stepsize.to_value("deg")
        eps = 1e-9
        if self.method == "fixed_width":
            r_ins = np.arange(r_in, r_out_max - width + eps, step)
            return [(r, width) for r in r_ins]
        widths = np.arange(width, r_out_max - r_in + eps, step)
        return [(r_in, w) for w in widths]

    def kernels(self, image):
        """Ring kernels in order of increasing size for the pixel size of a map.

        Parameters
        ----------
        image : `~gammaray.maps.WcsNDMap` or `~gammaray.maps.WcsGeom`
            Map (or geometry) defining the pixel size.

        Returns
        -------
        kernels : list of `~numpy.ndarray`
            2D ring kernels (ones on the ring).
        """
        geom = getattr(image, "geom", image)
        scale = _pixel_scale_deg(geom)
        return [ring_kernel(r / scale, w / scale) for r, w in self._ring_sizes()]

    def _select_rings(self, bkg, bkg_w, kernels, geom):
        """Index of the ring used for each pixel (2D int array)."""
        scale = _pixel_scale_deg(geom)
        theta_kernel = tophat_kernel(self.theta.to_value("deg") / scale)
        acc_theta = _convolve(bkg.sum(axis=tuple(range(bkg.ndim - 2))), theta_kernel)
        bkg_w_image = bkg_w.sum(axis=tuple(range(bkg_w.ndim - 2)))
        convolver = _FFTConvolver(bkg_w_image, kernels[-1].shape[0])
        choice = np.full(acc_theta.shape, -1, dtype=int)
        for idx, kernel in enumerate(kernels):
            todo = choice < 0
            if not todo.any():
                break
            acc_off = convolver(kernel)
            with np.errstate(divide="ignore", invalid="ignore"):
                alpha = np.where(acc_off > 0, acc_theta / acc_off, np.inf)
            choice[todo & (alpha <= self.threshold_alpha)] = idx
        n_fail = int(np.sum(choice < 0))
        if n_fail:
            log.info(
                "AdaptiveRingBackgroundMaker: %d pixels do not reach alpha <= %g; "
                "they use the largest ring.",
                n_fail,
                self.threshold_alpha,
            )
            choice[choice < 0] = len(kernels) - 1
        return choice

    def make_maps_off(self, dataset):
        """OFF counts and OFF acceptance maps with the adaptive ring.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with counts and a background model.

        Returns
        -------
        maps_off : `~gammaray.maps.Maps`
            ``counts_off`` and ``acceptance_off`` on the counts geometry.
        """
        from gammaray.maps import Map, Maps

        geom, background = _check_map_dataset(dataset, type(self).__name__)
        exclusion = _exclusion_on_geom(self.exclusion_mask, geom)
        weights = _usable_weights(dataset, exclusion)
        kernels = self.kernels(geom)
        counts_w = np.asarray(dataset.counts.data, dtype=float) * weights
        bkg = np.asarray(background.data, dtype=float)
        bkg_w = bkg * weights
        choice = self._select_rings(bkg, bkg_w, kernels, geom)
        used = np.unique(choice)
        ksize = max(kernels[idx].shape[0] for idx in used)
        conv_counts = _FFTConvolver(counts_w, ksize)
        conv_bkg = _FFTConvolver(bkg_w, ksize)
        counts_off = np.zeros(counts_w.shape)
        acceptance_off = np.zeros(bkg.shape)
        for idx in used:
            sel = choice == idx
            counts_off[..., sel] = conv_counts(kernels[idx])[..., sel]
            acceptance_off[..., sel] = conv_bkg(kernels[idx])[..., sel]
        maps = Maps()
        maps["counts_off"] = Map.from_geom(geom, data=_as_counts(counts_off))
        maps["acceptance_off"] = Map.from_geom(geom, data=acceptance_off)
        return maps

    def run(self, dataset, observation=None):
        """Make the ON/OFF map dataset (see `RingBackgroundMaker.run`).

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset (counts, background, exposure, IRFs).
        observation : `~gammaray.data.Observation`, optional
            Ignored.

        Returns
        -------
        dataset_onoff : `~gammaray.datasets.MapDatasetOnOff`
            ON/OFF dataset.
        """
        maps = self.make_maps_off(dataset)
        return MapDatasetOnOff.from_map_dataset(
            dataset=dataset,
            acceptance=dataset.npred_background(),
            acceptance_off=maps["acceptance_off"],
            counts_off=maps["counts_off"],
        )
