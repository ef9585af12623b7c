"""Small helpers of the datasets subpackage."""

import uuid

import numpy as np

from gammaray.utils.errors import InvalidDataError

__all__ = ["make_dataset_name", "check_counts_data", "apply_edisp", "get_fit_axes"]


def make_dataset_name(name=None):
    """Return ``name`` or, if None, a random 8-character name (str)."""
    if name is None:
        return uuid.uuid4().hex[:8]
    return str(name)


def check_counts_data(counts, what="counts", filename=None):
    """Raise `InvalidDataError` if a counts map has negative or non-finite values.

    Parameters
    ----------
    counts : `~gammaray.maps.Map`
        Counts map.
    what : str
        Name of the map in the message.
    filename : str, optional
        File the map was read from (for the message).
    """
    if counts is None:
        return
    data = np.asarray(counts.data)
    if data.dtype.kind not in "fiub":
        raise InvalidDataError(f"The {what} have an invalid dtype {data.dtype}.")
    where = f" in file {filename}" if filename else ""
    if data.dtype.kind == "f":
        n_bad = int(np.count_nonzero(~np.isfinite(data)))
        if n_bad:
            raise InvalidDataError(
                f"The {what}{where} contain {n_bad} non-finite (NaN or inf) values; "
                "counts must be finite and >= 0. Replace them (e.g. by 0) and mask "
                "the bins with mask_safe."
            )
    n_neg = int(np.count_nonzero(data < 0))
    if n_neg:
        raise InvalidDataError(
            f"The {what}{where} contain {n_neg} negative values; counts must be >= 0."
        )


def apply_edisp(data, matrix):
    """Fold a cube ``(n_true, ...)`` with an energy-dispersion matrix ``(n_true, n_reco)``.

    Parameters
    ----------
    data : `~numpy.ndarray`
        Array with the true-energy axis first.
    matrix : `~numpy.ndarray`
        Probability matrix (true, reco).

    Returns
    -------
    folded : `~numpy.ndarray`
        Array with the reconstructed-energy axis first.
    """
    shape = data.shape
    out = matrix.T @ data.reshape(shape[0], -1)
    return out.reshape((matrix.shape[1],) + shape[1:])


def masked_edisp(edisp, mask_safe):
    """Copy of a kernel map with zero probability in reconstructed-energy bins outside the safe mask.

    Stacking then adds each dataset's dispersion only where its counts are used.
    """
    if edisp is None or mask_safe is None or not hasattr(edisp, "edisp_map"):
        return edisp
    if "energy" not in edisp.edisp_map.geom.axes.names:
        return edisp
    mask = np.asarray(mask_safe.data, dtype=bool)
    reco = mask.reshape(mask.shape[0], -1).any(axis=1)
    if reco.all():
        return edisp
    edisp = edisp.copy()
    names = edisp.edisp_map.geom.axes.names
    data = edisp.edisp_map.data
    # data axes are reversed w.r.t. the geometry axes: (..., energy, lat, lon) order
    n_spatial = data.ndim - len(names)
    axis = data.ndim - n_spatial - 1 - names.index("energy")
    shape = [1] * data.ndim
    shape[axis] = reco.size
    edisp.edisp_map.data = data * reco.reshape(shape)
    return edisp


def get_fit_axes(ax_spectrum=None, ax_residuals=None):
    """Axes of a ``plot_fit``: spectrum on top (3/4), residuals below (shared x).

    New axes are created unless both are given.

    Returns
    -------
    ax_spectrum, ax_residuals : `~matplotlib.axes.Axes`
    """
    import matplotlib.pyplot as plt

    if ax_spectrum is None or ax_residuals is None:
        _, (ax_spectrum, ax_residuals) = plt.subplots(
            2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]}, figsize=(7, 7)
        )
    return ax_spectrum, ax_residuals
