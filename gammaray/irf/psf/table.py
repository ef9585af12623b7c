"""Tabulated PSF (GADF ``PSF_TABLE``)."""

import astropy.units as u
import numpy as np

from .core import PSF

__all__ = ["PSF3D"]


class PSF3D(PSF):
    """PSF table on axes ``energy_true``, ``offset`` and ``rad`` (unit sr-1).

    Parameters
    ----------
    axes : list of `~gammaray.maps.MapAxis`
        ``energy_true``, ``offset`` and ``rad`` axes.
    data : `~astropy.units.Quantity`
        PSF density, shape ``(n_energy_true, n_offset, n_rad)``.
    **kwargs : dict
        See `~gammaray.irf.core.IRF`.
    """

    tag = "psf_table"
    required_axes = ["energy_true", "offset", "rad"]
    default_unit = u.Unit("sr-1")
    default_interp_kwargs = dict(fill_value=0.0, values_scale="lin")

    def normalize(self, axis_name="rad"):
        """Normalise the density to unit integral over the plane, ``int 2 pi r psf dr`` (in place)."""
        if axis_name != "rad":
            super().normalize(axis_name)
            return
        rad = self.axes["rad"]
        r = rad.center.to_value("rad")
        dr = u.Quantity(rad.bin_width).to_value("rad")
        values = self.quantity.to_value("sr-1")
        norm = np.sum(values * 2 * np.pi * r * dr, axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = np.where(norm > 0, values / norm, 0.0)
        self._unit = u.Unit("sr-1")
        self.data = data.astype(self.data.dtype, copy=False)
