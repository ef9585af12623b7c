"""`SafeMaskMaker`: the data range in which the IRFs can be trusted."""

import logging

import astropy.units as u
import numpy as np
from astropy.coordinates import Angle

from gammaray.maps import Map
from gammaray.utils.errors import MissingIRFError

from ._irf_eval import _image_skycoord, offsets_deg, pointing_icrs
from .core import Maker, _light_copy

__all__ = ["SafeMaskMaker"]

log = logging.getLogger(__name__)


class SafeMaskMaker(Maker):
    """Make the safe data range mask of a dataset.

    The mask is the logical AND of the masks of all ``methods`` and of the
    dataset's existing safe mask.

    Parameters
    ----------
    methods : list of str
        Any of:

        - ``"aeff-default"``: energy range from the ``LO_THRES``/``HI_THRES``
          keywords (TeV) of the effective-area HDU;
        - ``"aeff-max"``: energies where the effective area (or exposure) is
          above ``aeff_percent`` % of its maximum, at ``position``, at
          ``fixed_offset`` or at the dataset centre;
        - ``"edisp-bias"``: energies above the true energy where the relative
          energy bias falls below ``bias_percent`` %;
        - ``"offset-max"``: pixels within ``offset_max`` of the pointing;
        - ``"bkg-peak"``: energies above the peak of the background spectrum.
    aeff_percent : float
        Percentage of the maximal effective area (``aeff-max``).
    bias_percent : float
        Percentage of the energy bias (``edisp-bias``).
    position : `~astropy.coordinates.SkyCoord`, optional
        Position at which ``aeff-max`` and ``edisp-bias`` are evaluated.
    fixed_offset : `~astropy.coordinates.Angle`, optional
        Offset from the pointing at which the DL3 IRFs are evaluated instead
        of ``position``.
    offset_max : str or `~astropy.coordinates.Angle`
        Largest offset from the pointing (``offset-max``).
    irfs : {"DL4", "DL3"}
        Compute ``aeff-max``/``edisp-bias`` from the dataset's IRF maps (DL4)
        or from the observation's IRF tables (DL3).
    """

    tag = "SafeMaskMaker"
    available_methods = {
        "aeff-default",
        "aeff-max",
        "edisp-bias",
        "offset-max",
        "bkg-peak",
    }

    def __init__(
        self,
        methods=("aeff-default",),
        aeff_percent=10,
        bias_percent=10,
        position=None,
        fixed_offset=None,
        offset_max="3 deg",
        irfs="DL4",
    ):
        methods = list(methods) if not isinstance(methods, str) else [methods]
        unknown = set(methods) - self.available_methods
        if unknown:
            raise ValueError(
                f"Unknown safe mask methods {sorted(unknown)}; choose from "
                f"{sorted(self.available_methods)}."
            )
        if irfs not in ("DL3", "DL4"):
            raise ValueError(f"irfs must be 'DL3' or 'DL4', got {irfs!r}.")
        self.methods = methods
        self.aeff_percent = aeff_percent
        self.bias_percent = bias_percent
        self.position = position
        self.fixed_offset = None if fixed_offset is None else Angle(fixed_offset)
        self.offset_max = Angle(offset_max)
        self.irfs = irfs

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _need_observation(observation, method):
        if observation is None:
            raise ValueError(
                f"The safe mask method {method!r} needs the observation: call "
                "run(dataset, observation)."
            )

    @staticmethod
    def _pointing(observation):
        return pointing_icrs(observation.get_pointing_icrs(observation.tmid))

    def _position(self, dataset, observation=None):
        if self.position is not None:
            return self.position
        return dataset.counts.geom.center_skydir

    # ------------------------------------------------------------------ methods
    def make_mask_offset_max(self, dataset, observation):
        """Mask of the pixels within ``offset_max`` of the pointing.

        Returns
        -------
        mask : `~numpy.ndarray`
            Boolean array of the counts geometry's image shape (broadcasts).
        """
        self._need_observation(observation, "offset-max")
        geom = dataset.counts.geom
        pointing = self._pointing(observation)
        if geom.is_region:
            offset = geom.center_skydir.separation(pointing).deg
            return np.asarray(offset < self.offset_max.deg)
        offset = offsets_deg(_image_skycoord(geom), pointing)
        return offset < self.offset_max.deg

    def make_mask_energy_aeff_default(self, dataset, observation):
        """Energy mask from the ``LO_THRES``/``HI_THRES`` keywords of the effective area.

        Returns
        -------
        mask : `~numpy.ndarray`
            Boolean array of the counts geometry's shape.
        """
        self._need_observation(observation, "aeff-default")
        aeff = observation.aeff
        if aeff is None:
            raise MissingIRFError(
                f"Observation {observation.obs_id} has no effective area; the safe "
                "mask method 'aeff-default' needs it."
            )
        meta = getattr(aeff, "meta", {}) or {}
        energy_min = meta.get("LO_THRES")
        energy_max = meta.get("HI_THRES")
        if energy_min is None and energy_max is None:
            raise ValueError(
                f"No default energy thresholds (LO_THRES/HI_THRES) in the effective "
                f"area of observation {observation.obs_id}; use another safe mask method."
            )
        energy_min = (
            None if energy_min is None else u.Quantity(float(energy_min), "TeV")
        )
        energy_max = (
            None if energy_max is None else u.Quantity(float(energy_max), "TeV")
        )
        return dataset.counts.geom.energy_mask(
            energy_min=energy_min, energy_max=energy_max
        ).data

    def _aeff_spectrum(self, dataset, observation):
        """(energy_true centres, effective-area-like values) for ``aeff-max``."""
        if self.irfs == "DL3" or dataset.exposure is None:
            self._need_observation(observation, "aeff-max")
            aeff = observation.aeff
            if self.fixed_offset is not None:
                offset = self.fixed_offset
            else:
                offset = self._position(dataset).separation(self._pointing(observation))
            energy = aeff.axes["energy_true"].center
            values = aeff.evaluate(energy_true=energy, offset=offset)
            return energy, np.asarray(values.value, dtype=float)
        exposure = dataset.exposure
        energy = exposure.geom.axes["energy_true"].center
        if exposure.geom.is_region:
            values = np.asarray(exposure.data, dtype=float).reshape(energy.size, -1)[
                :, 0
            ]
        else:
            position = self._position(dataset)
            coords = {"skycoord": position, "energy_true": energy}
            values = np.asarray(exposure.interp_by_coord(coords), dtype=float)
        return energy, values

    def make_mask_energy_aeff_max(self, dataset, observation=None):
        """Energy mask above the energy where the effective area reaches ``aeff_percent`` % of its max.

        Returns
        -------
        mask : `~numpy.ndarray`
            Boolean array of the counts geometry's shape.
        """
        energy, values = self._aeff_spectrum(dataset, observation)
        values = np.nan_to_num(values)
        if values.max() <= 0:
            log.warning(
                "Effective area is zero at the safe-mask position; masking all bins."
            )
            return np.zeros(dataset.counts.geom.data_shape, dtype=bool)
        threshold = self.aeff_percent / 100.0 * values.max()
        above = np.nonzero(values > threshold)[0]
        idx = above[0]
        if idx == 0:
            energy_min = energy[0]
        else:
            # interpolate (log energy, linear value) the threshold crossing
            x0, x1 = np.log(energy[idx - 1].value), np.log(energy[idx].value)
            y0, y1 = values[idx - 1], values[idx]
            x = x0 + (threshold - y0) * (x1 - x0) / (y1 - y0)
            energy_min = u.Quantity(np.exp(x), energy.unit)
        return self._mask_above(dataset, energy_min)

    @staticmethod
    def _mask_above(dataset, energy_min):
        """Reco-energy bins whose upper edge is above ``energy_min``.

        A bin is kept if it reaches above the threshold (so the threshold bin
        itself is kept), as in Gammapy.
        """
        geom = dataset.counts.geom
        axis = geom.axes["energy"]
        keep = axis.edges[1:] > energy_min
        shape = [1] * geom.ndim
        shape[len(geom.axes) - 1 - geom.axes.index("energy")] = -1
        return np.broadcast_to(keep.reshape(shape), geom.data_shape)

    def make_mask_energy_edisp_bias(self, dataset, observation=None):
        """Energy mask above the energy where the relative bias falls below ``bias_percent`` %.

        Returns
        -------
        mask : `~numpy.ndarray`
            Boolean array of the counts geometry's shape.
        """
        if self.irfs == "DL3" or dataset.edisp is None:
            self._need_observation(observation, "edisp-bias")
            if self.fixed_offset is not None:
                offset = self.fixed_offset
            else:
                offset = self._position(dataset).separation(self._pointing(observation))
            kernel = observation.edisp.to_edisp_kernel(offset)
        else:
            kernel = dataset.edisp.get_edisp_kernel(
                position=self._position(dataset),
                energy_axis=dataset.counts.geom.axes["energy"],
            )
        energy_min = kernel.get_bias_energy(self.bias_percent / 100.0)
        if not np.isfinite(energy_min):
            return np.ones(dataset.counts.geom.data_shape, dtype=bool)
        return dataset.counts.geom.energy_mask(energy_min=energy_min).data

    def make_mask_bkg_peak(self, dataset, observation=None):
        """Energy mask above the peak of the background spectrum.

        Returns
        -------
        mask : `~numpy.ndarray`
            Boolean array of the counts geometry's shape.
        """
        geom = dataset.counts.geom
        axis = geom.axes["energy"]
        background = dataset.npred_background()
        data = np.asarray(background.data, dtype=float)
        e_idx = len(geom.axes) - 1 - geom.axes.index("energy")
        other = tuple(i for i in range(data.ndim) if i != e_idx)
        spectrum = np.nansum(data, axis=other)
        idx = int(np.argmax(spectrum))
        energy_min = axis.edges[idx]
        return geom.energy_mask(energy_min=energy_min).data

    # ------------------------------------------------------------------ run
    def run(self, dataset, observation=None):
        """Make the safe mask.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset` or `~gammaray.datasets.SpectrumDataset`
            Dataset.
        observation : `~gammaray.data.Observation`, optional
            Observation (needed by ``aeff-default``, ``offset-max`` and DL3 IRFs).

        Returns
        -------
        dataset : same type as ``dataset``
            Copy with ``mask_safe`` set to the combined mask.
        """
        geom = dataset.counts.geom
        if dataset.mask_safe is not None:
            mask = np.asarray(dataset.mask_safe.data, dtype=bool).copy()
        else:
            mask = np.ones(geom.data_shape, dtype=bool)
        makers = {
            "offset-max": self.make_mask_offset_max,
            "aeff-default": self.make_mask_energy_aeff_default,
            "aeff-max": self.make_mask_energy_aeff_max,
            "edisp-bias": self.make_mask_energy_edisp_bias,
            "bkg-peak": self.make_mask_bkg_peak,
        }
        for method in self.methods:
            mask &= np.broadcast_to(makers[method](dataset, observation), mask.shape)
        models = dataset.models
        new = _light_copy(dataset)
        new.mask_safe = Map.from_geom(geom, data=mask, dtype=bool)
        if models is not None:
            new.models = models
        return new
