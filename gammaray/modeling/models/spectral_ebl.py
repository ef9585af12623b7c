"""EBL absorption, the Meyer Crab spectrum and published Crab spectra."""

import numpy as np
from astropy import units as u
from astropy.table import Table

from gammaray.utils.errors import InvalidFileError, InvalidModelError
from gammaray.utils.paths import make_path

from ..parameter import Parameter
from .spectral import PowerLawSpectralModel, SpectralModel
from .spectral_cutoff import ExpCutoffPowerLawSpectralModel, LogParabolaSpectralModel
from .spectral_template import _quantity_from_dict, _quantity_to_dict

__all__ = [
    "EBLAbsorptionNormSpectralModel",
    "EBL_DATA_BUILTIN",
    "MeyerCrabSpectralModel",
    "create_crab_spectral_model",
]

#: Built-in EBL models (files of the data collection).
EBL_DATA_BUILTIN = {
    "franceschini": "$GAMMARAY_DATA/ebl/ebl_franceschini.fits.gz",
    "dominguez": "$GAMMARAY_DATA/ebl/ebl_dominguez11.fits.gz",
    "finke": "$GAMMARAY_DATA/ebl/frd_abs.fits.gz",
    "franceschini17": "$GAMMARAY_DATA/ebl/ebl_franceschini_2017.fits.gz",
    "saldana-lopez21": "$GAMMARAY_DATA/ebl/ebl_saldana-lopez_2021.fits.gz",
}

_TINY = 1e-300


class EBLAbsorptionNormSpectralModel(SpectralModel):
    """EBL attenuation ``exp(-alpha_norm tau(E, z))`` from a tabulated model.

    The table holds the attenuation ``exp(-tau)`` on a grid of redshifts and
    energies; ``log`` of it is interpolated bilinearly in ``(z, log E)`` (and
    extrapolated linearly outside the grid).

    Parameters
    ----------
    energy : `~astropy.units.Quantity`
        Energy nodes (increasing).
    param : array-like
        Redshift nodes (increasing).
    data : array-like
        Attenuation, shape ``(len(param), len(energy))``.
    redshift : float
        Redshift (default 0.1, frozen).
    alpha_norm : float
        Opacity scale (default 1, frozen).
    """

    tag = ["EBLAbsorptionNormSpectralModel", "ebl-norm"]
    alpha_norm = Parameter("alpha_norm", 1.0, frozen=True)
    redshift = Parameter("redshift", 0.1, frozen=True)

    def __init__(self, energy, param, data, redshift=0.1, alpha_norm=1.0):
        self.energy = u.Quantity(energy)
        self.param = np.asarray(u.Quantity(param).value, dtype=float)
        self.data = np.asarray(u.Quantity(data).value, dtype=float)
        if self.data.shape != (len(self.param), len(self.energy)):
            raise InvalidModelError(
                f"EBL table shape {self.data.shape} does not match "
                f"{len(self.param)} redshifts x {len(self.energy)} energies."
            )
        self._log_energy = np.log(self.energy.value)
        self._log_data = np.log(np.clip(self.data, _TINY, None))
        super().__init__(redshift=redshift, alpha_norm=alpha_norm)

    @staticmethod
    def _locate(nodes, x):
        idx = np.clip(np.searchsorted(nodes, x) - 1, 0, max(len(nodes) - 2, 0))
        if len(nodes) == 1:
            return idx, np.zeros_like(x, dtype=float)
        weight = (x - nodes[idx]) / (nodes[idx + 1] - nodes[idx])
        return idx, weight

    def _log_attenuation(self, energy, redshift):
        x = np.log(u.Quantity(energy).to_value(self.energy.unit))
        z = np.broadcast_to(float(redshift), x.shape)
        ie, we = self._locate(self._log_energy, x)
        iz, wz = self._locate(self.param, z)
        table = self._log_data
        ie1 = np.minimum(ie + 1, len(self._log_energy) - 1)
        iz1 = np.minimum(iz + 1, len(self.param) - 1)
        low = table[iz, ie] * (1 - we) + table[iz, ie1] * we
        high = table[iz1, ie] * (1 - we) + table[iz1, ie1] * we
        return low * (1 - wz) + high * wz

    def evaluate(self, energy, alpha_norm, redshift):
        """Attenuation factor at ``energy``."""
        alpha = u.Quantity(alpha_norm).value
        log_att = self._log_attenuation(energy, u.Quantity(redshift).value)
        return u.Quantity(np.exp(alpha * np.minimum(log_att, 0.0)), "")

    @classmethod
    def read(cls, filename, redshift=0.1, alpha_norm=1.0):
        """Read an EBL model file (XSPEC table model, energies in keV).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name.
        redshift : float
            Redshift.
        alpha_norm : float
            Opacity scale.
        """
        path = make_path(filename)
        try:
            table_param = Table.read(path, hdu="PARAMETERS")
            table_energy = Table.read(path, hdu="ENERGIES")
            table_spectra = Table.read(path, hdu="SPECTRA")
        except (KeyError, OSError) as exc:
            raise InvalidFileError(
                f"{path} is not an EBL table model (needs PARAMETERS, ENERGIES and "
                f"SPECTRA HDUs): {exc}"
            ) from exc
        param_values = np.asarray(table_spectra["PARAMVAL"], dtype=float)
        if param_values.size == 0:
            param_values = np.asarray(table_param[0]["VALUE"], dtype=float)
        param, idx = np.unique(param_values, return_index=True)
        energy_lo = np.asarray(table_energy["ENERG_LO"], dtype=float)
        energy_hi = np.asarray(table_energy["ENERG_HI"], dtype=float)
        energy = u.Quantity(np.sqrt(energy_lo * energy_hi), "keV").to("TeV")
        data = np.asarray(table_spectra["INTPSPEC"], dtype=float)[idx]
        model = cls(energy, param, data, redshift=redshift, alpha_norm=alpha_norm)
        model.filename = str(filename)
        return model

    filename = None

    @classmethod
    def read_builtin(cls, reference="dominguez", redshift=0.1, alpha_norm=1.0):
        """Read a built-in EBL model.

        Parameters
        ----------
        reference : {"franceschini", "dominguez", "finke", "franceschini17", "saldana-lopez21"}
            Model.
        redshift : float
            Redshift.
        alpha_norm : float
            Opacity scale.
        """
        if reference not in EBL_DATA_BUILTIN:
            raise InvalidModelError(
                f"Unknown EBL model {reference!r}; choose from {list(EBL_DATA_BUILTIN)}."
            )
        return cls.read(
            EBL_DATA_BUILTIN[reference], redshift=redshift, alpha_norm=alpha_norm
        )

    def to_dict(self, full_output=False):
        """Model dict: the table file name if the model was read from a file, else the table.

        The table is written as ``energy``, ``param`` and ``values`` entries
        (large: prefer models read from files, which store ``filename``).
        """
        data = super().to_dict(full_output=full_output)
        if getattr(self, "filename", None):
            data["spectral"]["filename"] = self.filename
            return data
        data["spectral"]["energy"] = _quantity_to_dict(self.energy)
        data["spectral"]["param"] = _quantity_to_dict(u.Quantity(self.param))
        data["spectral"]["values"] = _quantity_to_dict(u.Quantity(self.data))
        return data

    @classmethod
    def _from_dict(cls, data, **kwargs):
        if "filename" in data and "values" not in data:
            model = cls.read(data["filename"])
        else:
            model = cls(
                energy=_quantity_from_dict(data["energy"]),
                param=_quantity_from_dict(data["param"]),
                data=_quantity_from_dict(data["values"]),
            )
        model._update_parameters_from_dict(data.get("parameters", []))
        return model


class MeyerCrabSpectralModel(SpectralModel):
    """Crab spectrum of Meyer et al. (2010), a polynomial in ``log10(E / TeV)``.

    ``log10(E^2 dN/dE / (erg cm-2 s-1)) = sum_i c_i log10(E / TeV)^i``

    Parameters
    ----------
    norm : float
        Normalisation (default 1).
    """

    tag = ["MeyerCrabSpectralModel"]
    norm = Parameter("norm", 1.0, is_norm=True)
    #: Polynomial coefficients, highest power first (numpy.poly1d convention).
    coefficients = np.array([-0.00449161, 0, 0.0473174, -0.179475, -0.53616, -10.2041])

    @classmethod
    def evaluate(cls, energy, norm):
        """dN/dE."""
        log_energy = np.log10(energy.to_value("TeV"))
        log_flux = np.polyval(cls.coefficients, log_energy)
        flux = u.Quantity(np.power(10, log_flux), "erg cm-2 s-1")
        return (norm * flux / energy**2).to("cm-2 s-1 TeV-1")


def create_crab_spectral_model(reference="meyer"):
    """Published Crab Nebula spectra.

    Parameters
    ----------
    reference : {"meyer", "hegra", "hess_pl", "hess_ecpl", "magic_lp", "magic_ecpl"}
        Publication: Meyer et al. 2010, HEGRA (Aharonian et al. 2004), H.E.S.S.
        (Aharonian et al. 2006) power law and cutoff power law, MAGIC
        (Aleksic et al. 2015) log parabola and cutoff power law.

    Returns
    -------
    model : `SpectralModel`
        Spectral model.
    """
    unit = "cm-2 s-1 TeV-1"
    if reference == "meyer":
        return MeyerCrabSpectralModel()
    if reference == "hegra":
        return PowerLawSpectralModel(
            amplitude=2.83e-11 * u.Unit(unit), index=2.62, reference=1 * u.TeV
        )
    if reference == "hess_pl":
        return PowerLawSpectralModel(
            amplitude=3.45e-11 * u.Unit(unit), index=2.63, reference=1 * u.TeV
        )
    if reference == "hess_ecpl":
        return ExpCutoffPowerLawSpectralModel(
            amplitude=3.76e-11 * u.Unit(unit),
            index=2.39,
            lambda_=1 / (14.3 * u.TeV),
            reference=1 * u.TeV,
        )
    if reference == "magic_lp":
        return LogParabolaSpectralModel(
            amplitude=3.23e-11 * u.Unit(unit),
            reference=1 * u.TeV,
            alpha=2.47,
            beta=0.24 / np.log(10),
        )
    if reference == "magic_ecpl":
        return ExpCutoffPowerLawSpectralModel(
            amplitude=3.80e-11 * u.Unit(unit),
            index=2.21,
            lambda_=1 / (6.0 * u.TeV),
            reference=1 * u.TeV,
        )
    raise InvalidModelError(
        f"Unknown Crab reference {reference!r}; choose from 'meyer', 'hegra', "
        f"'hess_pl', 'hess_ecpl', 'magic_lp', 'magic_ecpl'."
    )
