"""Covariance matrix aligned to a `Parameters` object."""

import logging

import numpy as np
from astropy.table import Table

from gammaray.utils.errors import InvalidFileError
from gammaray.utils.paths import atomic_write, check_overwrite, make_path

from .parameter import Parameters

__all__ = ["Covariance"]

log = logging.getLogger(__name__)


class Covariance:
    """Parameter covariance matrix.

    Rows and columns follow the order of ``parameters``; entries are in the
    units of the parameters (``unit_i * unit_j``).

    Parameters
    ----------
    parameters : `~gammaray.modeling.Parameters`
        Parameters.
    data : `~numpy.ndarray`, optional
        Matrix of shape ``(n, n)``; zeros by default.
    """

    def __init__(self, parameters, data=None):
        if not isinstance(parameters, Parameters):
            parameters = Parameters(parameters)
        self.parameters = parameters
        n = len(parameters)
        if data is None:
            data = np.diag(parameters.error**2) if n else np.zeros((0, 0))
        self.data = data

    @property
    def shape(self):
        """Shape of the matrix."""
        n = len(self.parameters)
        return (n, n)

    @property
    def data(self):
        """Covariance matrix (`~numpy.ndarray`)."""
        return self._data

    @data.setter
    def data(self, value):
        value = np.asarray(value, dtype=float)
        if value.shape != self.shape:
            raise ValueError(
                f"Covariance matrix shape {value.shape} does not match the number "
                f"of parameters {self.shape}."
            )
        self._data = value.copy()

    @classmethod
    def from_factor_matrix(cls, parameters, matrix):
        """Create from a matrix in factor space (scaled by ``scale_i * scale_j``)."""
        scales = np.array([p.scale for p in parameters])
        return cls(parameters, np.asarray(matrix) * np.outer(scales, scales))

    @classmethod
    def from_stack(cls, covar_list):
        """Block-diagonal stack of several covariances.

        Parameters appearing in several inputs (the same object) are merged;
        the later block wins for shared entries.
        """
        parameters = Parameters.from_stack([c.parameters for c in covar_list])
        parameters = parameters.unique_parameters
        covar = cls(parameters, np.zeros((len(parameters), len(parameters))))
        for sub in covar_list:
            covar.set_subcovariance(sub)
        return covar

    def _indices(self, parameters):
        return np.array([self.parameters.index(p) for p in parameters], dtype=int)

    def get_subcovariance(self, parameters):
        """Sub-matrix for a subset of the parameters.

        Parameters
        ----------
        parameters : `~gammaray.modeling.Parameters`
            Subset (the same parameter objects).

        Returns
        -------
        covariance : `Covariance`
            Sub-covariance.
        """
        if not isinstance(parameters, Parameters):
            parameters = Parameters(parameters)
        idx = self._indices(parameters)
        return Covariance(parameters, self._data[np.ix_(idx, idx)])

    def set_subcovariance(self, covar):
        """Set the sub-matrix of the parameters of another `Covariance`.

        Parameters of ``covar`` that are not in this covariance are ignored.
        """
        pars = [p for p in covar.parameters if p in self.parameters]
        if not pars:
            return
        idx_sub = np.array([covar.parameters.index(p) for p in pars], dtype=int)
        idx = self._indices(pars)
        self._data[np.ix_(idx, idx)] = covar.data[np.ix_(idx_sub, idx_sub)]

    @property
    def correlation(self):
        """Correlation matrix (`~numpy.ndarray`); zero where a variance is zero."""
        err = np.sqrt(np.clip(np.diag(self._data), 0, None))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = self._data / np.outer(err, err)
        corr[~np.isfinite(corr)] = 0.0
        return corr

    def to_table(self):
        """Matrix as a table with a ``Parameters`` column of names and columns 0..n-1."""
        names = [f"{p.type}.{p.name}" if p.type else p.name for p in self.parameters]
        table = Table()
        table["Parameters"] = names
        for idx in range(len(self.parameters)):
            table[str(idx)] = self._data[:, idx]
        return table

    def write(self, filename, overwrite=False, **kwargs):
        """Write as an ASCII fixed-width table (the Gammapy covariance file layout).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Overwrite an existing file.
        """
        path = make_path(filename)
        check_overwrite(path, overwrite)
        kwargs.setdefault("format", "ascii.fixed_width")
        kwargs.setdefault("delimiter", "|")
        with atomic_write(path, overwrite=overwrite) as tmp:
            self.to_table().write(tmp, overwrite=True, **kwargs)

    @classmethod
    def read(cls, filename, parameters, **kwargs):
        """Read a covariance file written by `write` (or by Gammapy).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        parameters : `~gammaray.modeling.Parameters`
            Parameters the matrix refers to (in file order).
        """
        path = make_path(filename)
        kwargs.setdefault("format", "ascii.fixed_width")
        kwargs.setdefault("delimiter", "|")
        try:
            table = Table.read(path, **kwargs)
        except Exception as exc:
            raise InvalidFileError(
                f"Cannot read covariance file {path}: {exc}"
            ) from exc
        columns = [name for name in table.colnames if name != "Parameters"]
        data = np.array([np.asarray(table[c], dtype=float) for c in columns]).T
        if not isinstance(parameters, Parameters):
            parameters = Parameters(parameters)
        if data.shape != (len(parameters), len(parameters)):
            raise InvalidFileError(
                f"Covariance file {path} has a {data.shape} matrix but "
                f"{len(parameters)} parameters were given."
            )
        return cls(parameters, data)

    def plot_correlation(self, ax=None, **kwargs):
        """Plot the correlation matrix.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes to draw on.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.imshow`.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
            The axes.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            ax = plt.gca()
        kwargs.setdefault("cmap", "RdBu_r")
        kwargs.setdefault("vmin", -1)
        kwargs.setdefault("vmax", 1)
        names = self.parameters.names
        image = ax.imshow(self.correlation, **kwargs)
        ax.set_xticks(np.arange(len(names)))
        ax.set_yticks(np.arange(len(names)))
        ax.set_xticklabels(names, rotation=45, ha="right")
        ax.set_yticklabels(names)
        plt.colorbar(image, ax=ax, label="Correlation")
        return ax

    def copy(self):
        """Copy (the parameters are shared, the matrix is copied)."""
        return Covariance(self.parameters, self._data)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._data, dtype=dtype)

    def __str__(self):
        return str(self.to_table())
