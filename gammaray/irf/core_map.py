"""Base class of IRF maps: an IRF sampled on a (coarse) sky geometry.

An IRF map (`~gammaray.irf.PSFMap`, `~gammaray.irf.EDispKernelMap`, ...) holds
an IRF-like `~gammaray.maps.Map` (e.g. PSF values per ``rad`` and
``energy_true`` at every sky pixel) and, optionally, an exposure map on the
same sky geometry that serves as the weight when IRF maps are stacked.

The FITS layout follows what Gammapy writes: the IRF in an HDU named after the
IRF kind (``PSF``, ``EDISP``) with its bands table (``PSF_BANDS``) and the
exposure in ``<HDU>_EXPOSURE`` / ``<HDU>_EXPOSURE_BANDS``.
"""

import copy as _copy
import logging

import numpy as np

from gammaray.utils.errors import (
    AxisError,
    GeometryMismatchError,
    InvalidFileError,
    MissingHDUError,
)
from gammaray.utils.paths import atomic_write, make_path

__all__ = ["IRFMap", "IRF_MAP_HDU_SPECIFICATION"]

log = logging.getLogger(__name__)

#: IRF map tag -> FITS HDU name (upper-cased on write)
IRF_MAP_HDU_SPECIFICATION = {
    "edisp_kernel_map": "edisp",
    "edisp_map": "edisp",
    "psf_map": "psf",
    "psf_map_reco": "psf",
}

#: Axis names of legacy files -> current names
_AXIS_ALIASES = {"theta": "rad"}


def _hdu_present(hdulist, name):
    names = {hdu.name.upper() for hdu in hdulist}
    return name.upper() in names


def _rename_legacy_axes(m):
    """Rename legacy axis names (``theta`` -> ``rad``) of a map read from a file."""
    names = [n for n in m.geom.axes.names if n in _AXIS_ALIASES]
    if not names:
        return m
    return m.rename_axes(names, [_AXIS_ALIASES[n] for n in names])


class IRFMap:
    """Base class of IRF maps.

    Subclasses define ``tag`` and ``required_axes`` and store the IRF map in
    ``self._irf_map`` (exposed under a kind-specific name such as
    ``psf_map``).

    Parameters
    ----------
    irf_map : `~gammaray.maps.Map`
        IRF map with the ``required_axes`` as non-spatial axes.
    exposure_map : `~gammaray.maps.Map`, optional
        Exposure map (e.g. ``cm2 s``) on the same sky geometry, with the
        IRF-specific axis squashed to one bin; the stacking weight.
    """

    tag = None
    required_axes = ()
    #: Unit of an empty IRF map, and its axis squashed in the exposure map.
    _irf_unit = ""
    _exposure_squash_axis = None

    def __init__(self, irf_map, exposure_map=None):
        irf_map = _rename_legacy_axes(irf_map)
        names = list(irf_map.geom.axes.names)
        missing = [name for name in self.required_axes if name not in names]
        if missing:
            raise AxisError(
                f"{type(self).__name__} needs the axes {list(self.required_axes)}, "
                f"got {names}; create the map on a geometry with "
                f"axes=[MapAxis(..., name={missing[0]!r}), ...]."
            )
        if list(names) != list(self.required_axes):
            irf_map = irf_map.reorder_axes(list(self.required_axes))
        if exposure_map is not None:
            exposure_map = _rename_legacy_axes(exposure_map)
            exp_names = list(exposure_map.geom.axes.names)
            if exp_names != list(self.required_axes) and sorted(exp_names) == sorted(
                self.required_axes
            ):
                exposure_map = exposure_map.reorder_axes(list(self.required_axes))
        self._irf_map = irf_map
        self.exposure_map = exposure_map

    @classmethod
    def from_geom(cls, geom):
        """Empty IRF map (and exposure map in ``m2 s``) on a geometry.

        Parameters
        ----------
        geom : `~gammaray.maps.Geom`
            Geometry with the ``required_axes`` of the class (e.g. ``rad`` and
            ``energy_true`` for `~gammaray.irf.PSFMap`); the exposure map has the
            IRF-specific axis squashed to one bin.
        """
        from gammaray.maps import Map

        names = list(geom.axes.names)
        missing = [n for n in cls.required_axes if n not in names]
        if missing:
            raise AxisError(
                f"{cls.__name__}.from_geom needs axes {list(cls.required_axes)}, "
                f"got {names}."
            )
        irf_map = Map.from_geom(geom, unit=cls._irf_unit)
        squashed = geom.squash(axis_name=cls._exposure_squash_axis)
        return cls(irf_map, Map.from_geom(squashed, unit="m2 s"))

    # ------------------------------------------------------------------
    # I/O
    # ------------------------------------------------------------------
    @classmethod
    def _default_hdu(cls):
        return IRF_MAP_HDU_SPECIFICATION[cls.tag].upper()

    @classmethod
    def from_hdulist(
        cls,
        hdulist,
        hdu=None,
        hdu_bands=None,
        exposure_hdu=None,
        exposure_hdu_bands=None,
        format="gadf",
    ):
        """Create the IRF map from an `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        hdulist : `~astropy.io.fits.HDUList`
            HDU list.
        hdu : str, optional
            Name of the IRF HDU (``PSF`` / ``EDISP`` by default).
        hdu_bands : str, optional
            Name of its bands HDU (from the ``BANDSHDU`` keyword or
            ``<HDU>_BANDS`` by default).
        exposure_hdu : str, optional
            Name of the exposure HDU (default ``<HDU>_EXPOSURE``); the exposure
            map is None when the HDU is absent.
        exposure_hdu_bands : str, optional
            Name of the exposure bands HDU.
        format : {"gadf"}
            File format.

        Returns
        -------
        irf_map : `IRFMap`
            IRF map.
        """
        from gammaray.maps import Map

        if format != "gadf":
            raise InvalidFileError(
                f"Unknown format {format!r} for {cls.__name__}; use format='gadf'."
            )
        if hdu is None:
            hdu = cls._default_hdu()
        if not _hdu_present(hdulist, hdu):
            names = [h.name for h in hdulist]
            raise MissingHDUError(
                f"HDU {hdu!r} not found; available HDUs: {names}. Pass hdu=... to "
                f"{cls.__name__}.read."
            )
        if hdu_bands is None and _hdu_present(hdulist, f"{hdu}_BANDS"):
            hdu_bands = f"{hdu}_BANDS".upper()
        irf_map = Map.from_hdulist(hdulist, hdu=hdu, hdu_bands=hdu_bands, format=format)
        if exposure_hdu is None:
            exposure_hdu = f"{hdu}_EXPOSURE"
        exposure_map = None
        if _hdu_present(hdulist, exposure_hdu):
            if exposure_hdu_bands is None and _hdu_present(
                hdulist, f"{exposure_hdu}_BANDS"
            ):
                exposure_hdu_bands = f"{exposure_hdu}_BANDS".upper()
            exposure_map = Map.from_hdulist(
                hdulist, hdu=exposure_hdu, hdu_bands=exposure_hdu_bands, format=format
            )
        return cls(irf_map, exposure_map)

    @classmethod
    def read(cls, filename, format="gadf", hdu=None, checksum=False):
        """Read the IRF map from a FITS file.

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            File name (``$GAMMARAY_DATA`` is expanded).
        format : {"gadf"}
            File format.
        hdu : str, optional
            Name of the IRF HDU (``PSF`` / ``EDISP`` by default).
        checksum : bool
            Verify the ``CHECKSUM``/``DATASUM`` keywords.

        Returns
        -------
        irf_map : `IRFMap`
            IRF map.
        """
        from gammaray.maps.io import open_map_file

        path = make_path(filename)
        with open_map_file(path, checksum=checksum) as hdulist:
            return cls.from_hdulist(hdulist, hdu=hdu, format=format)

    def to_hdulist(self, format="gadf"):
        """Convert to an `~astropy.io.fits.HDUList`.

        Parameters
        ----------
        format : {"gadf"}
            File format.

        Returns
        -------
        hdulist : `~astropy.io.fits.HDUList`
            Primary HDU, ``<HDU>``, ``<HDU>_BANDS`` and, with an exposure map,
            ``<HDU>_EXPOSURE`` and ``<HDU>_EXPOSURE_BANDS``.
        """
        if format != "gadf":
            raise InvalidFileError(
                f"Unknown format {format!r} for {type(self).__name__}; use 'gadf'."
            )
        hdu = self._default_hdu()
        hdulist = self._irf_map.to_hdulist(hdu=hdu, format=format)
        if self.exposure_map is not None:
            exposure = self.exposure_map.to_hdulist(
                hdu=f"{hdu}_EXPOSURE", format=format
            )
            hdulist.extend(exposure[1:])
        return hdulist

    def write(self, filename, overwrite=False, format="gadf", checksum=False):
        """Write the IRF map to a FITS file (atomically).

        Parameters
        ----------
        filename : str or `~pathlib.Path`
            Output file.
        overwrite : bool
            Replace an existing file.
        format : {"gadf"}
            File format.
        checksum : bool
            Add ``CHECKSUM``/``DATASUM`` keywords.
        """
        hdulist = self.to_hdulist(format=format)
        with atomic_write(filename, overwrite=overwrite) as tmp:
            hdulist.writeto(tmp, overwrite=True, checksum=checksum)

    # ------------------------------------------------------------------
    # generic operations
    # ------------------------------------------------------------------
    def _new(self, irf_map, exposure_map):
        return self.__class__(irf_map, exposure_map)

    def copy(self):
        """Deep copy of the IRF map and its exposure map."""
        return _copy.deepcopy(self)

    @property
    def has_single_spatial_bin(self):
        """Whether the sky geometry has a single pixel (bool)."""
        return int(np.prod(self._irf_map.geom.to_image().data_shape)) == 1

    def cutout(self, position, width, mode="trim"):
        """Cut out the IRF map (and exposure) around a position.

        Parameters
        ----------
        position : `~astropy.coordinates.SkyCoord`
            Centre of the cutout.
        width : `~astropy.units.Quantity` or tuple
            Width of the cutout (angle).
        mode : {"trim", "partial", "strict"}
            Cutout mode (see `~gammaray.maps.WcsNDMap.cutout`).
        """
        irf_map = self._irf_map.cutout(position=position, width=width, mode=mode)
        exposure_map = None
        if self.exposure_map is not None:
            exposure_map = self.exposure_map.cutout(
                position=position, width=width, mode=mode
            )
        return self._new(irf_map, exposure_map)

    def _sum_axes(self):
        """Axes along which the IRF values are probabilities per bin (summed)."""
        return ()

    def downsample(self, factor, axis_name=None, weights=None):
        """Downsample spatially or along one non-spatial axis.

        Spatial downsampling averages the IRF values and the exposure. Along a
        non-spatial axis, probabilities per bin (the reconstructed energy axis
        of an energy dispersion kernel) are summed, densities are averaged.

        Parameters
        ----------
        factor : int
            Downsampling factor.
        axis_name : str, optional
            Non-spatial axis; spatial downsampling if None.
        weights : `~gammaray.maps.Map`, optional
            Weights applied to the IRF map before downsampling.
        """
        preserve = axis_name in self._sum_axes()
        irf_map = self._irf_map.downsample(
            factor=factor,
            axis_name=axis_name,
            preserve_counts=preserve,
            weights=weights,
        )
        exposure_map = None
        if self.exposure_map is not None:
            if axis_name is None:
                exposure_map = self.exposure_map.downsample(
                    factor=factor, preserve_counts=False
                )
            elif self.exposure_map.geom.axes[axis_name].nbin > 1:
                exposure_map = self.exposure_map.downsample(
                    factor=factor, axis_name=axis_name, preserve_counts=False
                )
            else:
                exposure_map = self.exposure_map.copy()
        return self._new(irf_map, exposure_map)

    def slice_by_idx(self, slices):
        """Slice non-spatial axes by index.

        Parameters
        ----------
        slices : dict
            Axis name -> int or slice. Axes of the exposure map with a single
            (squashed) bin are not sliced.
        """
        irf_map = self._irf_map.slice_by_idx(slices)
        exposure_map = None
        if self.exposure_map is not None:
            exp_slices = {}
            for name, s in slices.items():
                if name not in self.exposure_map.geom.axes.names:
                    continue
                if self.exposure_map.geom.axes[name].nbin == 1:
                    if isinstance(s, int | np.integer):
                        exp_slices[name] = 0
                    continue
                exp_slices[name] = s
            exposure_map = self.exposure_map.slice_by_idx(exp_slices)
        return self._new(irf_map, exposure_map)

    def to_region_nd_map(self, region):
        """Reduce to a `~gammaray.maps.RegionNDMap`-based IRF map.

        Point regions (or a `~astropy.coordinates.SkyCoord`) take the IRF at
        that position; extended regions average the pixels inside.

        Parameters
        ----------
        region : `~regions.SkyRegion`, `~astropy.coordinates.SkyCoord` or None
            Region; the map centre if None.
        """
        from astropy.coordinates import SkyCoord
        from regions import PointSkyRegion

        if region is None:
            region = self._irf_map.geom.center_skydir
        if isinstance(region, SkyCoord):
            region = PointSkyRegion(region)
        irf_map = self._irf_map.to_region_nd_map(region=region, func=np.nanmean)
        exposure_map = None
        if self.exposure_map is not None:
            exposure_map = self.exposure_map.to_region_nd_map(
                region=region, func=np.nanmean
            )
        return self._new(irf_map, exposure_map)

    def stack(self, other, weights=None):
        """Stack another IRF map onto this one (in place), weighted by exposure.

        The result is ``(irf_1 * exposure_1 + irf_2 * exposure_2) /
        (exposure_1 + exposure_2)``; ``other`` may be an aligned WCS cutout of
        this map.

        Parameters
        ----------
        other : `IRFMap`
            IRF map of the same kind, with an exposure map.
        weights : `~gammaray.maps.Map`, optional
            Weights (e.g. a safe mask) on ``other``'s IRF geometry; for the
            exposure a mask along ``energy`` is reduced with logical OR.
        """
        if self.exposure_map is None or other.exposure_map is None:
            raise ValueError(
                f"Stacking {type(self).__name__} needs exposure maps on both "
                "objects (they are the weights); set exposure_map first."
            )
        if self._irf_map.geom.axes.names != other._irf_map.geom.axes.names:
            raise GeometryMismatchError(
                f"Cannot stack IRF maps with axes {other._irf_map.geom.axes.names} "
                f"onto axes {self._irf_map.geom.axes.names}."
            )
        self_irf = self._irf_map.copy()
        self_irf.data = np.nan_to_num(self_irf.data.astype(float)) * np.asarray(
            self.exposure_map.quantity.to_value(self.exposure_map.unit)
        )
        other_data = np.nan_to_num(
            other._irf_map.quantity.to_value(self._irf_map.unit).astype(float)
        ) * np.asarray(other.exposure_map.quantity.to_value(self.exposure_map.unit))
        other_irf = other._irf_map.copy(data=other_data, unit=self._irf_map.unit)
        self_irf.stack(other_irf, weights=weights)

        exp_weights = weights
        if weights is not None and hasattr(weights, "geom"):
            for name in weights.geom.axes.names:
                if (
                    name in other.exposure_map.geom.axes.names
                    and other.exposure_map.geom.axes[name].nbin == 1
                    and weights.geom.axes[name].nbin > 1
                ):
                    exp_weights = exp_weights.reduce(
                        name, func=np.logical_or, keepdims=True
                    )
        exposure = self.exposure_map.copy()
        exposure.data = exposure.data.astype(float)
        exposure.stack(other.exposure_map, weights=exp_weights)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = self_irf.data / exposure.data
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
        self._irf_map.data = data.astype(self._irf_map.data.dtype, copy=False)
        self.exposure_map.data = exposure.data.astype(
            self.exposure_map.data.dtype, copy=False
        )

    def sample_coord(self, map_coord, random_state=0):
        """Apply the IRF to event coordinates by random sampling.

        Implemented by `~gammaray.irf.PSFMap` (positions) and
        `~gammaray.irf.EDispMap` (energies).

        Parameters
        ----------
        map_coord : `~gammaray.maps.MapCoord`
            Event coordinates.
        random_state : int, str or `~numpy.random.RandomState`
            Random state.
        """
        raise NotImplementedError(
            f"{type(self).__name__} cannot sample coordinates; use PSFMap or EDispMap."
        )

    def _get_nearest_valid_position(self, position):
        """Closest pixel centre to ``position`` with non-zero exposure.

        Returns ``position`` itself when there is no exposure map or the
        exposure there is positive.
        """
        if self.exposure_map is None or self.has_single_spatial_bin:
            return position
        exposure = self.exposure_map.reduce_over_axes(func=np.add)
        mask = exposure.copy(data=np.asarray(exposure.data) > 0, unit="")
        if not mask.data.any():
            return position
        value = mask.get_by_coord({"skycoord": position}, fill_value=0)
        if np.all(np.asarray(value, dtype=bool)):
            return position
        return mask.mask_nearest_position(position)

    def _spatial_index(self, position):
        """Spatial index tuple (data order) of the pixel nearest to ``position``.

        Positions outside the map use the nearest pixel of the border.
        """
        from gammaray.maps import MapCoord

        geom = self._irf_map.geom.to_image()
        if position is None:
            position = geom.center_skydir
        coords = MapCoord.create({"skycoord": position}, frame=geom.frame)
        pix = geom.coord_to_pix(coords)
        idx = geom.pix_to_idx(pix, clip=True)
        idx = tuple(np.asarray(i, dtype=np.intp) for i in idx)
        return idx[::-1]

    def _values_at(self, position, data=None):
        """IRF data (non-spatial axes in data order) at the pixel nearest ``position``.

        Returns an array of shape ``axes.shape[::-1] + position.shape``.
        """
        data = self._irf_map.data if data is None else data
        n_axes = len(self._irf_map.geom.axes)
        idx = self._spatial_index(position)
        n_spatial = data.ndim - n_axes
        if len(idx) != n_spatial:
            # region geometries have a (1, 1) image shape but 1 index
            idx = tuple([np.zeros_like(idx[0])] * (n_spatial - len(idx))) + idx
        if position is None or position.isscalar:
            idx = tuple(int(np.ravel(i)[0]) for i in idx)
        return data[(Ellipsis,) + idx]

    def _interp_rows(self, axis_name, energy_name, energy, position=None):
        """IRF values along ``axis_name`` for each (energy, position) point.

        Parameters
        ----------
        axis_name : str
            Axis kept in the output (e.g. ``rad`` or ``migra``).
        energy_name : str
            Energy axis, interpolated linearly in its pixel coordinate (i.e. in
            the axis ``interp`` scale), clipped to the axis range.
        energy : `~astropy.units.Quantity`
            Energies, shape (N,).
        position : `~astropy.coordinates.SkyCoord`, optional
            Scalar or shape (N,) positions (nearest sky pixel); the map centre
            if None.

        Returns
        -------
        rows : `~numpy.ndarray`
            Float64 array of shape (N, n_axis) in the map unit.
        """
        m = self._irf_map
        if len(m.geom.axes) != 2:
            raise AxisError(
                f"Expected an IRF map with two non-spatial axes, got {m.geom.axes.names}."
            )
        i_axis = m._data_axis_index(axis_name)
        i_e = m._data_axis_index(energy_name)
        data = np.moveaxis(m.data, (i_e, i_axis), (0, 1))
        energy = np.atleast_1d(energy)
        n = energy.size
        if position is None:
            position = m.geom.center_skydir
        idx = self._spatial_index(position)
        n_spatial = data.ndim - 2
        if len(idx) != n_spatial:
            idx = tuple([np.zeros_like(idx[0])] * (n_spatial - len(idx))) + idx
        idx = tuple(np.broadcast_to(i, (n,)) for i in idx)
        table = data[(slice(None), slice(None)) + idx]  # (n_e, n_axis, N)
        axis = m.geom.axes[energy_name]
        n_e = axis.nbin
        pix = np.asarray(axis.coord_to_pix(energy), dtype=float).reshape(-1)
        pix = np.clip(np.nan_to_num(pix, nan=0.0), 0, n_e - 1)
        lo = np.clip(np.floor(pix).astype(int), 0, max(n_e - 2, 0))
        hi = np.minimum(lo + 1, n_e - 1)
        w = (pix - lo)[:, None]
        cols = np.arange(n)
        rows = (
            table[lo, :, cols].astype(float) * (1 - w)
            + table[hi, :, cols].astype(float) * w
        )
        return np.nan_to_num(rows)

    def __str__(self):
        geom = self._irf_map.geom
        exp = "None" if self.exposure_map is None else str(self.exposure_map.unit)
        return (
            f"{type(self).__name__}\n{'-' * len(type(self).__name__)}\n\n"
            f"\tgeom       : {type(geom).__name__}\n"
            f"\taxes       : {['lon', 'lat'] + list(geom.axes.names)}\n"
            f"\tshape      : {tuple(geom.data_shape)[::-1]}\n"
            f"\tunit       : {self._irf_map.unit}\n"
            f"\texposure   : {exp}\n"
        )

    __repr__ = __str__
