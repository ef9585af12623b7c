"""1D spectrum datasets: `SpectrumDataset` and `SpectrumDatasetOnOff`.

They are map datasets on a `~gammaray.maps.RegionGeom` (one spatial bin), so
the likelihood code is shared with the 3D datasets; the on/off kind reads and
writes the OGIP PHA/ARF/RMF/BKG files (see `gammaray.datasets.ogip`).
"""

import logging

import numpy as np
from astropy import units as u

from gammaray.utils.errors import GeometryMismatchError

from .map import MapDataset
from .map_onoff import MapDatasetOnOff
from .ogip import OGIPDatasetReader, OGIPDatasetWriter
from .utils import get_fit_axes

__all__ = ["SpectrumDataset", "SpectrumDatasetOnOff"]

log = logging.getLogger(__name__)


def _check_region_geom(geom, cls):
    from gammaray.maps import RegionGeom

    if geom is not None and not isinstance(geom, RegionGeom):
        raise GeometryMismatchError(
            f"{cls.__name__} needs maps on a RegionGeom (one spatial bin), got a "
            f"{type(geom).__name__}; use MapDataset.to_spectrum_dataset(on_region) to "
            "reduce a map dataset."
        )


def _axis_and_values(m):
    axis = m.geom.axes["energy"] if "energy" in m.geom.axes.names else m.geom.axes[0]
    return axis, np.asarray(m.data, float).reshape(axis.nbin, -1).sum(axis=1)


class PlotMixin:
    """Plots of 1D spectrum datasets (counts, excess, residuals, masks, peek)."""

    def plot_counts(
        self, ax=None, kwargs_counts=None, kwargs_background=None, **kwargs
    ):
        """Plot counts and background as step histograms against reconstructed energy.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        kwargs_counts = {"label": "Counts", **(kwargs_counts or {}), **kwargs}
        kwargs_background = {"label": "Background", **(kwargs_background or {})}
        axis, counts = _axis_and_values(self.counts)
        edges = axis.edges.value
        ax.stairs(counts, edges, **kwargs_counts)
        if self.background is not None:
            _, bkg = _axis_and_values(self.npred_background())
            ax.stairs(bkg, edges, **kwargs_background)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{axis.unit}]")
        ax.set_ylabel("Counts")
        ax.legend()
        return ax

    def plot_excess(
        self, ax=None, kwargs_excess=None, kwargs_npred_signal=None, **kwargs
    ):
        """Plot the excess (counts - background) with errors and the predicted signal.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        kwargs_excess = {
            "label": "Excess counts",
            "fmt": "o",
            "color": "black",
            **(kwargs_excess or {}),
            **kwargs,
        }
        kwargs_npred_signal = {
            "label": "Predicted signal counts",
            **(kwargs_npred_signal or {}),
        }
        axis, counts = _axis_and_values(self.counts)
        _, bkg = _axis_and_values(self.npred_background())
        excess = counts - bkg
        err = np.sqrt(np.maximum(counts, 1))
        mask = self._plot_mask()
        center = axis.center.value
        ax.errorbar(center[mask], excess[mask], yerr=err[mask], **kwargs_excess)
        if self.models is not None and len(self.models) > 0:
            _, signal = _axis_and_values(self.npred_signal())
            ax.stairs(signal, axis.edges.value, **kwargs_npred_signal)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{axis.unit}]")
        ax.set_ylabel("Excess counts")
        ax.legend()
        return ax

    def _plot_mask(self):
        mask = self.mask
        axis = self._geom.axes["energy"]
        if mask is None:
            return np.ones(axis.nbin, dtype=bool)
        return np.asarray(mask.data, bool).reshape(axis.nbin, -1).any(axis=1)

    def plot_residuals_spectral(self, ax=None, method="diff", region=None, **kwargs):
        """Plot the residuals (counts - npred) per energy bin.

        Parameters
        ----------
        method : {"diff", "diff/model", "diff/sqrt(model)"}
            Residual definition.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        axis, counts = _axis_and_values(self.counts)
        _, npred = _axis_and_values(self.npred())
        residuals = self._compute_residuals(counts, npred, method)
        err = np.sqrt(np.maximum(counts, 1))
        if method == "diff/model":
            err = err / npred
        elif method == "diff/sqrt(model)":
            err = err / np.sqrt(npred)
        mask = self._plot_mask()
        kwargs = {"fmt": "o", "color": "black", **kwargs}
        ax.errorbar(axis.center.value[mask], residuals[mask], yerr=err[mask], **kwargs)
        ax.axhline(0, color="gray", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{axis.unit}]")
        ax.set_ylabel(f"Residuals ({method})")
        return ax

    def plot_fit(
        self,
        ax_spectrum=None,
        ax_residuals=None,
        kwargs_spectrum=None,
        kwargs_residuals=None,
    ):
        """Plot excess and predicted signal (top) and residuals (bottom).

        Returns
        -------
        ax_spectrum, ax_residuals : `~matplotlib.axes.Axes`
        """
        ax_spectrum, ax_residuals = get_fit_axes(ax_spectrum, ax_residuals)
        self.plot_excess(ax=ax_spectrum, **(kwargs_spectrum or {}))
        self.plot_residuals_spectral(ax=ax_residuals, **(kwargs_residuals or {}))
        return ax_spectrum, ax_residuals

    def plot_masks(self, ax=None, kwargs_fit=None, kwargs_safe=None):
        """Shade the energy ranges of the safe and fit masks.

        Returns
        -------
        ax : `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        ax = plt.gca() if ax is None else ax
        axis = self._geom.axes["energy"]
        edges = axis.edges.value
        for mask, kw, label in (
            (self.mask_safe, kwargs_safe, "Safe mask"),
            (self.mask_fit, kwargs_fit, "Fit mask"),
        ):
            if mask is None:
                continue
            values = np.asarray(mask.data, bool).reshape(axis.nbin, -1).any(axis=1)
            kw = {"alpha": 0.3, "label": label, **(kw or {})}
            ax.stairs(values.astype(float), edges, fill=True, **kw)
        ax.set_xscale("log")
        ax.set_xlabel(f"Energy [{axis.unit}]")
        ax.legend()
        return ax

    def peek(self, figsize=(16, 4)):
        """Quick look: counts and background, exposure, energy dispersion.

        Returns
        -------
        fig : `~matplotlib.figure.Figure`
        """
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=figsize)
        self.plot_counts(ax=axes[0])
        axes[0].set_title("Counts")
        if self.exposure is not None:
            axis = self.exposure.geom.axes["energy_true"]
            values = self.exposure.quantity.reshape(axis.nbin, -1).sum(axis=1)
            axes[1].stairs(values.value, axis.edges.value)
            axes[1].set_xscale("log")
            axes[1].set_xlabel(f"True energy [{axis.unit}]")
            axes[1].set_ylabel(f"Exposure [{values.unit}]")
        axes[1].set_title("Exposure")
        if self.edisp is not None:
            kernel = self.edisp.get_edisp_kernel()
            kernel.plot_matrix(ax=axes[2])
        axes[2].set_title("Energy dispersion")
        fig.tight_layout()
        return fig


class SpectrumDataset(PlotMixin, MapDataset):
    """1D spectrum dataset (Cash statistic): a `MapDataset` on a `~gammaray.maps.RegionGeom`.

    Parameters are those of `MapDataset`.
    """

    tag = "SpectrumDataset"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _check_region_geom(self._geom, type(self))

    def cutout(self, *args, **kwargs):
        """Not defined for spectra (one spatial bin)."""
        raise AttributeError(
            "Spectrum datasets have one spatial bin; cutout is not defined."
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
        meta_table=None,
        **kwargs,
    ):
        """Empty spectrum dataset on a region geometry (no PSF).

        Parameters
        ----------
        geom : `~gammaray.maps.RegionGeom`
            Geometry with a reconstructed ``energy`` axis.
        energy_axis_true : `~gammaray.maps.MapAxis`, optional
            True-energy axis (default: the reconstructed axis renamed).
        migra_axis, rad_axis, binsz_irf : optional
            Ignored (kept for the `MapDataset.create` signature).
        reference_time : `~astropy.time.Time` or str
            Reference time of the (empty) GTI.
        name : str, optional
            Name.
        meta_table : `~astropy.table.Table`, optional
            Observation metadata.

        Returns
        -------
        dataset : `SpectrumDataset`
        """
        from gammaray.irf import EDispKernelMap
        from gammaray.maps import Map, RegionGeom

        _check_region_geom(geom, cls)
        energy_axis = geom.axes["energy"]
        if energy_axis_true is None:
            energy_axis_true = energy_axis.copy(name="energy_true")
        geom_exposure = RegionGeom(
            region=geom.region, axes=[energy_axis_true], wcs=geom.wcs
        )
        counts = Map.from_geom(geom, dtype=np.float32)
        exposure = Map.from_geom(geom_exposure, unit="m2 s")
        background = Map.from_geom(geom)
        geom_edisp = RegionGeom(
            region=geom.region, axes=[energy_axis, energy_axis_true], wcs=geom.wcs
        )
        edisp = EDispKernelMap.from_geom(geom_edisp)
        mask_safe = Map.from_geom(geom, dtype=bool)
        return cls(
            counts=counts,
            exposure=exposure,
            background=background,
            edisp=edisp,
            mask_safe=mask_safe,
            gti=_empty_gti(reference_time),
            name=name,
            meta_table=meta_table,
            **kwargs,
        )

    @classmethod
    def from_geoms(
        cls, geom, geom_exposure=None, geom_psf=None, geom_edisp=None, **kwargs
    ):
        """Empty spectrum dataset from geometries (PSF geometry ignored)."""
        energy_axis_true = None
        if geom_exposure is not None:
            energy_axis_true = geom_exposure.axes["energy_true"]
        return cls.create(geom, energy_axis_true=energy_axis_true, **kwargs)

    def to_spectrum_dataset(
        self, on_region=None, containment_correction=False, name=None
    ):
        """Copy (a spectrum dataset is already one-dimensional)."""
        return self.copy(name=name)

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create from a ``datasets.yaml`` entry (``name``, ``filename``)."""
        return cls.read(data["filename"], name=data.get("name"))

    def write(self, filename, overwrite=False, format="gadf", checksum=False):
        """Write to FITS: ``format="gadf"`` (dataset file) or ``"ogip"`` (PHA/ARF/RMF)."""
        if format in ("ogip", "ogip-sherpa"):
            OGIPDatasetWriter(
                filename, format=format, overwrite=overwrite, checksum=checksum
            ).write(self)
            return
        super().write(filename, overwrite=overwrite, checksum=checksum)

    @classmethod
    def read(cls, filename, name=None, format="gadf", checksum=False, **kwargs):
        """Read from FITS: ``format="gadf"`` (dataset file) or ``"ogip"`` (PHA file)."""
        if format in ("ogip", "ogip-sherpa"):
            dataset = OGIPDatasetReader(filename, checksum=checksum, name=name).read()
            if isinstance(dataset, SpectrumDatasetOnOff):
                return dataset.to_spectrum_dataset(name=dataset.name)
            return dataset
        return super().read(filename, name=name, format=format, checksum=checksum)


class SpectrumDatasetOnOff(PlotMixin, MapDatasetOnOff):
    """1D on/off spectrum dataset (WStat): a `MapDatasetOnOff` on a `~gammaray.maps.RegionGeom`.

    Parameters are those of `MapDatasetOnOff`.
    """

    tag = "SpectrumDatasetOnOff"
    _map_dataset_cls = SpectrumDataset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _check_region_geom(self._geom, type(self))

    @classmethod
    def create(
        cls,
        geom,
        energy_axis_true=None,
        name=None,
        reference_time="2000-01-01",
        **kwargs,
    ):
        """Empty on/off spectrum dataset (see `SpectrumDataset.create`)."""
        from gammaray.maps import Map

        dataset = SpectrumDataset.create(
            geom,
            energy_axis_true=energy_axis_true,
            name=name,
            reference_time=reference_time,
        )
        return cls.from_spectrum_dataset(
            dataset,
            acceptance=Map.from_geom(geom, data=1.0),
            acceptance_off=Map.from_geom(geom, data=1.0),
            counts_off=Map.from_geom(geom, dtype=np.float32),
            name=dataset.name,
        )

    @classmethod
    def from_geoms(
        cls, geom, geom_exposure=None, geom_psf=None, geom_edisp=None, **kwargs
    ):
        """Empty on/off spectrum dataset from geometries."""
        energy_axis_true = None
        if geom_exposure is not None:
            energy_axis_true = geom_exposure.axes["energy_true"]
        return cls.create(geom, energy_axis_true=energy_axis_true, **kwargs)

    @classmethod
    def from_spectrum_dataset(
        cls, dataset, acceptance, acceptance_off, counts_off=None, name=None
    ):
        """On/off spectrum dataset from a `SpectrumDataset` (see `MapDatasetOnOff.from_map_dataset`)."""
        return cls.from_map_dataset(
            dataset,
            acceptance=acceptance,
            acceptance_off=acceptance_off,
            counts_off=counts_off,
            name=name,
        )

    def to_spectrum_dataset(
        self, on_region=None, containment_correction=False, name=None
    ):
        """Equivalent `SpectrumDataset` with ``background = alpha * counts_off``."""
        return self.to_map_dataset(name=name)

    def cutout(self, *args, **kwargs):
        """Not defined for spectra (one spatial bin)."""
        raise AttributeError(
            "Spectrum datasets have one spatial bin; cutout is not defined."
        )

    def write(self, filename, overwrite=False, format="ogip", checksum=False):
        """Write the dataset.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            PHA file (OGIP: ``<name>_arf``, ``<name>_rmf``, ``<name>_bkg`` are
            written next to it) or dataset file (gadf).
        overwrite : bool
            Replace existing files.
        format : {"ogip", "ogip-sherpa", "gadf"}
            Format.
        checksum : bool
            Add checksums.
        """
        if format in ("ogip", "ogip-sherpa"):
            OGIPDatasetWriter(
                filename, format=format, overwrite=overwrite, checksum=checksum
            ).write(self)
        elif format == "gadf":
            MapDatasetOnOff.write(
                self, filename, overwrite=overwrite, checksum=checksum
            )
        else:
            raise ValueError(
                f"Unknown format {format!r}; use 'ogip', 'ogip-sherpa' or 'gadf'."
            )

    @classmethod
    def read(cls, filename, format="ogip", checksum=False, name=None, **kwargs):
        """Read the dataset.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            OGIP PHA file (its ARF, RMF and BKG files are found through the
            ``ANCRFILE``, ``RESPFILE``, ``BACKFILE`` keywords) or dataset file.
        format : {"ogip", "ogip-sherpa", "gadf"}
            Format.
        checksum : bool
            Verify checksums.
        name : str, optional
            Name (OGIP default: the ``OBS_ID`` keyword).

        Returns
        -------
        dataset : `SpectrumDatasetOnOff` (or `SpectrumDataset` for an OGIP file without BKG)
        """
        if format in ("ogip", "ogip-sherpa"):
            return OGIPDatasetReader(filename, checksum=checksum, name=name).read()
        if format == "gadf":
            return MapDatasetOnOff.read.__func__(
                cls, filename, name=name, format=format, checksum=checksum
            )
        raise ValueError(
            f"Unknown format {format!r}; use 'ogip', 'ogip-sherpa' or 'gadf'."
        )

    @classmethod
    def from_dict(cls, data, **kwargs):
        """Create from a ``datasets.yaml`` entry (``name``, ``filename``, optional ``format``)."""
        filename = data["filename"]
        fmt = data.get("format")
        if fmt is None:
            fmt = "gadf" if _is_gadf_file(filename) else "ogip"
        return cls.read(filename, format=fmt, name=data.get("name"))


def _is_gadf_file(filename):
    from gammaray.utils.fits import open_fits
    from gammaray.utils.paths import make_path

    with open_fits(make_path(filename)) as hdulist:
        return "COUNTS" in [h.name for h in hdulist]


def _empty_gti(reference_time):
    from astropy.time import Time

    from gammaray.data import GTI

    try:
        return GTI.create(
            u.Quantity([], "s"),
            u.Quantity([], "s"),
            reference_time=Time(reference_time),
        )
    except ValueError:
        return None
