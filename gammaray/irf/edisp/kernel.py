"""Energy-dispersion matrix between true and reconstructed energy bins (`EDispKernel`)."""

import astropy.units as u
import numpy as np
from astropy.io import fits
from astropy.table import Table

from gammaray.maps import MapAxis
from gammaray.utils.errors import MissingIRFError
from gammaray.utils.fits import hdu_names, open_fits
from gammaray.utils.paths import atomic_write, make_path

from .._plot import plot_table_2d
from ..core import IRF

__all__ = ["EDispKernel"]


class EDispKernel(IRF):
    """Energy-dispersion matrix: probability of a reconstructed-energy bin per true energy.

    The data (``pdf_matrix``) have shape ``(n_energy_true, n_energy)``; row
    ``i`` is the probability to reconstruct an event of true energy bin ``i`` in
    each reconstructed-energy bin (dimensionless, rows sum to at most 1).

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy_true`` and ``energy`` axes.
    data : `~numpy.ndarray`
        Probability matrix.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "edisp_kernel"
    required_axes = ["energy_true", "energy"]
    default_interp_kwargs = dict(fill_value=0.0, values_scale="lin", method="nearest")

    @property
    def pdf_matrix(self):
        """Probability matrix, shape ``(n_energy_true, n_energy)`` (`~numpy.ndarray`)."""
        return self.data

    # ------------------------------------------------------------------ factories
    @classmethod
    def from_gauss(cls, energy_axis_true, energy_axis, sigma, bias, pdf_threshold=1e-6):
        """Gaussian dispersion in ``migra = E_reco / E_true``.

        Parameters
        ----------
        energy_axis_true : `~gammaray.maps.MapAxis`
            True-energy axis.
        energy_axis : `~gammaray.maps.MapAxis`
            Reconstructed-energy axis.
        sigma : float or `~numpy.ndarray`
            Relative resolution (standard deviation of ``migra``), scalar or per
            true-energy bin.
        bias : float or `~numpy.ndarray`
            Relative bias (mean of ``migra`` minus 1).
        pdf_threshold : float
            Probabilities below this value are set to zero.

        Returns
        -------
        edisp : `EDispKernel`
            Kernel.
        """
        from scipy.special import ndtr

        energy_axis_true = energy_axis_true.copy(name="energy_true")
        energy_axis = energy_axis.copy(name="energy")
        e_true = energy_axis_true.center[:, np.newaxis]
        edges = energy_axis.edges[np.newaxis, :]
        migra = (edges / e_true).to_value("")
        sigma = np.asarray(sigma, dtype=float).reshape(-1, 1)
        bias = np.asarray(bias, dtype=float).reshape(-1, 1)
        cdf = ndtr((migra - 1 - bias) / sigma)
        data = np.diff(cdf, axis=1)
        data[data < pdf_threshold] = 0
        return cls(axes=[energy_axis_true, energy_axis], data=data)

    @classmethod
    def from_diagonal_response(cls, energy_axis_true, energy_axis=None):
        """Perfect energy resolution (a true-energy bin maps onto reco bins by overlap).

        Parameters
        ----------
        energy_axis_true : `~gammaray.maps.MapAxis`
            True-energy axis.
        energy_axis : `~gammaray.maps.MapAxis`, optional
            Reconstructed-energy axis (default: same edges as the true axis).

        Returns
        -------
        edisp : `EDispKernel`
            Kernel; with identical axes the matrix is the identity.
        """
        energy_axis_true = energy_axis_true.copy(name="energy_true")
        if energy_axis is None:
            energy_axis = energy_axis_true.copy(name="energy")
        else:
            energy_axis = energy_axis.copy(name="energy")
        t = energy_axis_true.edges
        r = energy_axis.edges.to(t.unit)
        lo = np.maximum(t[:-1, np.newaxis], r[np.newaxis, :-1])
        hi = np.minimum(t[1:, np.newaxis], r[np.newaxis, 1:])
        overlap = np.clip(np.log(hi / lo).to_value(""), 0, None)
        width = np.log(t[1:] / t[:-1]).to_value("")[:, np.newaxis]
        data = overlap / width
        data[np.isclose(data, 1.0)] = 1.0
        return cls(axes=[energy_axis_true, energy_axis], data=data)

    # ------------------------------------------------------------------ statistics
    def _rows(self, energy_true):
        """Matrix rows of the true-energy bins containing ``energy_true`` and their centres."""
        energy_true = u.Quantity(energy_true)
        axis = self.axes["energy_true"]
        idx = np.asarray(axis.coord_to_idx(energy_true, clip=True))
        return self.data[idx], axis.center[idx]

    def get_mean(self, energy_true):
        """Mean reconstructed energy for given true energies.

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energies.

        Returns
        -------
        energy : `~astropy.units.Quantity`
            Probability-weighted mean of the reco bin centres.
        """
        rows, _ = self._rows(energy_true)
        center = self.axes["energy"].center
        norm = rows.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (rows * center.value).sum(axis=-1) / norm
        return u.Quantity(mean, center.unit)

    def get_bias(self, energy_true):
        """Relative bias ``(mean(E_reco) - E_true) / E_true``.

        ``E_true`` is the centre of the true-energy bin that contains the
        requested energy (the matrix row used).

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energies.

        Returns
        -------
        bias : `~numpy.ndarray`
            Relative bias (dimensionless).
        """
        _, center = self._rows(energy_true)
        mean = self.get_mean(energy_true)
        return ((mean - center) / center).to_value("")

    def get_resolution(self, energy_true):
        """Relative energy resolution: standard deviation of ``E_reco / E_true``.

        Parameters
        ----------
        energy_true : `~astropy.units.Quantity`
            True energies.

        Returns
        -------
        resolution : `~numpy.ndarray`
            Resolution (dimensionless).
        """
        rows, e_true = self._rows(energy_true)
        center = self.axes["energy"].center
        migra = (center / e_true[..., np.newaxis]).to_value("")
        norm = rows.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (rows * migra).sum(axis=-1) / norm
            var = (rows * (migra - mean[..., np.newaxis]) ** 2).sum(axis=-1) / norm
        return np.sqrt(var)

    def get_bias_energy(self, bias, energy_min=None, energy_max=None):
        """True energy at which the relative bias first falls to a given value.

        The bias is evaluated at the true-energy bin centres in
        ``[energy_min, energy_max]`` and interpolated (in log energy) at its
        first crossing of ``bias`` from low energies; restrict the range if the
        solution is not unique.

        Parameters
        ----------
        bias : float
            Relative bias.
        energy_min, energy_max : `~astropy.units.Quantity`, optional
            Search range (default: the true-energy axis range).

        Returns
        -------
        energy : `~astropy.units.Quantity`
            True energy (NaN if the bias never reaches the value).
        """
        center = self.axes["energy_true"].center
        energy_min = center[0] if energy_min is None else u.Quantity(energy_min)
        energy_max = center[-1] if energy_max is None else u.Quantity(energy_max)
        sel = (center >= energy_min) & (center <= energy_max)
        energy = center[sel]
        values = self.get_bias(energy) - bias
        sign = np.sign(values)
        crossings = np.nonzero(sign[:-1] != sign[1:])[0]
        if energy.size == 0 or crossings.size == 0:
            return u.Quantity(np.nan, center.unit)
        i = crossings[0]
        x0, x1 = np.log(energy[i].value), np.log(energy[i + 1].value)
        y0, y1 = values[i], values[i + 1]
        x = x0 - y0 * (x1 - x0) / (y1 - y0)
        return u.Quantity(np.exp(x), center.unit)

    def pdf_in_safe_range(self, lo_threshold, hi_threshold):
        """Matrix with reco bins outside ``[lo_threshold, hi_threshold]`` set to zero.

        Parameters
        ----------
        lo_threshold, hi_threshold : `~astropy.units.Quantity`
            Reco-energy thresholds.

        Returns
        -------
        matrix : `~numpy.ndarray`
            Masked probability matrix.
        """
        axis = self.axes["energy"]
        lo = u.Quantity(lo_threshold).to(axis.unit)
        hi = u.Quantity(hi_threshold).to(axis.unit)
        # a bin is kept if it lies within the range (1e-6 relative tolerance)
        keep = (axis.edges_min >= lo * (1 - 1e-6)) & (axis.edges_max <= hi * (1 + 1e-6))
        return self.data * keep[np.newaxis, :]

    def to_image(self, lo_threshold=None, hi_threshold=None):
        """Kernel with a single reco bin: sum of probabilities within thresholds.

        Parameters
        ----------
        lo_threshold, hi_threshold : `~astropy.units.Quantity`, optional
            Reco-energy range (default: the full axis).

        Returns
        -------
        edisp : `EDispKernel`
            Kernel with one reconstructed-energy bin.
        """
        axis = self.axes["energy"]
        lo = axis.edges[0] if lo_threshold is None else u.Quantity(lo_threshold)
        hi = axis.edges[-1] if hi_threshold is None else u.Quantity(hi_threshold)
        data = self.pdf_in_safe_range(lo, hi).sum(axis=1, keepdims=True)
        new_axis = MapAxis.from_edges(
            u.Quantity([lo, hi]).to(axis.unit), name="energy", interp=axis.interp
        )
        return self._new(axes=[self.axes["energy_true"], new_axis], data=data)

    # ------------------------------------------------------------------ plots
    def plot_matrix(self, ax=None, add_cbar=False, **kwargs):
        """Plot the probability matrix.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        add_cbar : bool
            Add a colour bar.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.pcolormesh`.
        """
        return plot_table_2d(
            ax,
            self.axes["energy_true"].edges,
            self.axes["energy"].edges,
            self.data,
            ("True energy", "Energy", "Probability"),
            add_cbar=add_cbar,
            log_y=True,
            **kwargs,
        )

    def plot_bias(self, ax=None, **kwargs):
        """Plot the relative bias versus true energy.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Axes.
        **kwargs : dict
            Passed to `~matplotlib.axes.Axes.plot`.
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        energy = self.axes["energy_true"].center
        ax.plot(energy.value, self.get_bias(energy), **kwargs)
        ax.set_xscale("log")
        ax.set_xlabel(f"True energy [{energy.unit}]")
        ax.set_ylabel("(E_reco - E_true) / E_true")
        return ax

    def peek(self, figsize=(15, 5)):
        """Quick-look: matrix and bias."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=figsize)
        self.plot_bias(ax=axes[0])
        self.plot_matrix(ax=axes[1], add_cbar=True)
        fig.tight_layout()
        return fig

    # ------------------------------------------------------------------ OGIP I/O
    @classmethod
    def read(cls, filename, hdu1="MATRIX", hdu2="EBOUNDS", checksum=False):
        """Read an OGIP RMF file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        hdu1 : str
            Matrix HDU (``"MATRIX"``; ``"SPECRESP MATRIX"`` is tried as fallback).
        hdu2 : str
            Energy-bounds HDU.
        checksum : bool
            Verify checksums.

        Returns
        -------
        edisp : `EDispKernel`
            Kernel.
        """
        path = make_path(filename)
        with open_fits(path, checksum=checksum) as hdulist:
            names = hdu_names(hdulist)
            candidates = [hdu1] + (
                ["SPECRESP MATRIX", "MATRIX"] if hdu1 == "MATRIX" else []
            )
            for name in candidates:
                if name in names:
                    matrix_hdu = hdulist[name]
                    break
            else:
                raise MissingIRFError(
                    f"HDU {hdu1!r} not found in {path}; available HDUs: {names}."
                )
            if hdu2 not in names:
                raise MissingIRFError(
                    f"HDU {hdu2!r} not found in {path}; available HDUs: {names}."
                )
            return cls.from_hdulist(
                fits.HDUList([fits.PrimaryHDU(), matrix_hdu, hdulist[hdu2]]),
                hdu1=matrix_hdu.name,
                hdu2=hdu2,
            )

    @classmethod
    def from_hdulist(cls, hdulist, hdu1="MATRIX", hdu2="EBOUNDS"):
        """Kernel from an OGIP RMF `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDUs.
        hdu1, hdu2 : str
            Matrix and energy-bounds HDU names.
        """
        matrix_hdu = hdulist[hdu1]
        ebounds = Table.read(hdulist[hdu2])
        energy_axis = MapAxis.from_table(ebounds, format="ogip")
        data = matrix_hdu.data
        header = matrix_hdu.header
        lo = u.Quantity(
            np.asarray(data["ENERG_LO"], dtype=float), header.get("TUNIT1", "keV")
        )
        hi = u.Quantity(
            np.asarray(data["ENERG_HI"], dtype=float), header.get("TUNIT2", "keV")
        )
        edges = np.append(lo.value, hi.value[-1]) * lo.unit
        energy_axis_true = MapAxis.from_edges(edges, name="energy_true", interp="log")
        col_idx = data.columns.names.index("F_CHAN") + 1
        offset = int(header.get(f"TLMIN{col_idx}", 0))
        matrix_col = data["MATRIX"]
        dtype = np.asarray(matrix_col[0]).dtype if len(matrix_col) else np.float32
        dtype = np.dtype(dtype).newbyteorder("=")
        pdf = np.zeros((energy_axis_true.nbin, energy_axis.nbin), dtype=dtype)
        n_grp = np.asarray(data["N_GRP"])
        for i in range(len(data)):
            f_chan = np.atleast_1d(data["F_CHAN"][i])[: n_grp[i]]
            n_chan = np.atleast_1d(data["N_CHAN"][i])[: n_grp[i]]
            values = np.atleast_1d(matrix_col[i])
            pos = 0
            for f, n in zip(f_chan, n_chan, strict=True):
                f, n = int(f) - offset, int(n)
                pdf[i, f : f + n] = values[pos : pos + n]
                pos += n
        return cls(axes=[energy_axis_true, energy_axis], data=pdf)

    def to_hdulist(self, format="ogip", **kwargs):
        """OGIP RMF `~astropy.io.fits.HDUList` (``MATRIX`` and ``EBOUNDS``).

        Parameters
        ----------
        format : {"ogip", "ogip-sherpa"}
            ``"ogip-sherpa"`` writes energies in keV.
        """
        if format not in ("ogip", "ogip-sherpa"):
            raise ValueError(
                f"Unknown RMF format {format!r}; use 'ogip' or 'ogip-sherpa'."
            )
        e_true = self.axes["energy_true"].edges
        if format == "ogip-sherpa":
            e_true = e_true.to("keV")
        data = self.data
        nonzero = data != 0
        any_nz = nonzero.any(axis=1)
        first = np.where(any_nz, np.argmax(nonzero, axis=1), 0)
        last = np.where(
            any_nz, data.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1), -1
        )
        n_chan = np.where(any_nz, last - first + 1, 0)
        matrix = [
            data[i, first[i] : first[i] + n_chan[i]] for i in range(data.shape[0])
        ]
        dtype = data.dtype if data.dtype.kind == "f" else np.float64
        mat_format = "PE()" if np.dtype(dtype).itemsize == 4 else "PD()"
        cols = [
            fits.Column(
                "ENERG_LO", "D", unit=str(e_true.unit), array=e_true[:-1].value
            ),
            fits.Column("ENERG_HI", "D", unit=str(e_true.unit), array=e_true[1:].value),
            fits.Column("N_GRP", "I", array=np.ones(data.shape[0], dtype=np.int16)),
            fits.Column(
                "F_CHAN", "PI()", array=[np.array([f], dtype=np.int16) for f in first]
            ),
            fits.Column(
                "N_CHAN", "PI()", array=[np.array([n], dtype=np.int16) for n in n_chan]
            ),
            fits.Column(
                "MATRIX", mat_format, array=[np.asarray(m, dtype=dtype) for m in matrix]
            ),
        ]
        matrix_hdu = fits.BinTableHDU.from_columns(cols, name="MATRIX")
        header = matrix_hdu.header
        header["TLMIN4"] = 0
        header["CHANTYPE"] = "PHA"
        header["HDUCLASS"] = "OGIP"
        header["HDUCLAS1"] = "RESPONSE"
        header["HDUCLAS2"] = "RSP_MATRIX"
        header["DETCHANS"] = self.axes["energy"].nbin
        header["NUMGRP"] = int(data.shape[0])
        header["NUMELT"] = int(n_chan.sum())
        ebounds = self.axes["energy"].to_table_hdu(format=format)
        return fits.HDUList([fits.PrimaryHDU(), matrix_hdu, ebounds])

    def to_table_hdu(self, format="ogip"):
        """OGIP ``MATRIX`` `~astropy.io.fits.BinTableHDU` (see `to_hdulist`)."""
        return self.to_hdulist(format=format)["MATRIX"]

    def to_table(self, format="ogip"):
        """OGIP ``MATRIX`` table (`~astropy.table.Table`, see `to_hdulist`)."""
        return Table.read(self.to_table_hdu(format=format))

    def write(self, filename, overwrite=False, format="ogip", checksum=False):
        """Write an OGIP RMF file (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        overwrite : bool
            Replace an existing file.
        format : {"ogip", "ogip-sherpa"}
            Format.
        checksum : bool
            Add checksums.
        """
        hdulist = self.to_hdulist(format=format)
        with atomic_write(filename, overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)
