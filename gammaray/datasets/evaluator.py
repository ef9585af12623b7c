"""Forward folding of one sky model into predicted counts: `MapEvaluator`.

``npred = edisp(psf(exposure * flux))`` evaluated on a cutout of the dataset
around the source. The evaluator caches, per model:

- the cutout (geometry, parent slices, exposure, PSF kernel and its FFT,
  energy-dispersion matrix at the source position);
- the spatial integral over the cutout pixels, recomputed only when a spatial
  parameter changed;
- the PSF-convolved ``exposure * spatial`` cube per true-energy bin, so that a
  change of a spectral parameter costs one spectral integral and one small
  matrix product;
- the spectral integral over the true-energy bins (closed forms where the
  model has one, Gauss-Legendre quadrature in log energy otherwise);
- the predicted counts; when only norm-like (``is_norm``) spectral parameters
  changed they are rescaled instead of recomputed.

Changes are detected by comparing the parameter values with cached copies.
"""

import logging

import numpy as np
from astropy import units as u

from gammaray.modeling.models.spatial import point_source_pixel_weights
from gammaray.utils.errors import InvalidModelError, ZeroExposureError

__all__ = ["MapEvaluator", "PSF_CONTAINMENT", "PSF_MAX_RADIUS", "CUTOUT_MARGIN"]

log = logging.getLogger(__name__)

#: PSF containment fraction that defines the PSF kernel radius.
PSF_CONTAINMENT = 0.999
#: Upper limit of the PSF kernel radius (None: no limit).
PSF_MAX_RADIUS = None
#: Extra margin of the cutout (in pixels) that lets a moving source stay on it.
CUTOUT_MARGIN = 3

_GL_ORDER = 8
_GL_X, _GL_W = np.polynomial.legendre.leggauss(_GL_ORDER)


def _values(parameters):
    return np.array([p._factor * p._scale for p in parameters], dtype=float)


def _is_point(spatial_model):
    return type(spatial_model).__name__ == "PointSpatialModel"


def _frame_matrix(frame_from, frame_to):
    """Rotation matrix turning unit vectors of ``frame_from`` into ``frame_to``."""
    from astropy.coordinates import SkyCoord

    if frame_from == frame_to:
        return None
    vecs = SkyCoord(
        [0.0, 90.0, 0.0], [0.0, 0.0, 90.0], unit="deg", frame=frame_from
    ).transform_to(frame_to)
    return np.array(vecs.cartesian.xyz.value)  # columns: images of x, y, z


def _lonlat_to_vec(lon, lat):
    lon, lat = np.deg2rad(lon), np.deg2rad(lat)
    return np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _vec_to_lonlat(vec):
    lon = np.rad2deg(np.arctan2(vec[1], vec[0])) % 360.0
    lat = np.rad2deg(np.arcsin(np.clip(vec[2], -1, 1)))
    return lon, lat


def _sep_deg(lon1, lat1, lon2, lat2):
    v1, v2 = _lonlat_to_vec(lon1, lat1), _lonlat_to_vec(lon2, lat2)
    return np.rad2deg(np.arccos(np.clip(np.dot(v1, v2), -1, 1)))


class _SpectralIntegrator:
    """Integral of a spectral model over fixed energy bins (float output, fixed unit)."""

    def __init__(self, energy_edges):
        edges = u.Quantity(energy_edges, "TeV")
        self.energy_min, self.energy_max = edges[:-1], edges[1:]
        lo, hi = np.log(edges.value[:-1]), np.log(edges.value[1:])
        # sub-intervals of at most 0.25 decade per bin
        nsub = np.maximum(np.ceil((hi - lo) / (0.25 * np.log(10))), 1).astype(int)
        nodes, weights, index = [], [], []
        for i, (a, b, n) in enumerate(zip(lo, hi, nsub)):
            sub = np.linspace(a, b, n + 1)
            mid, half = 0.5 * (sub[1:] + sub[:-1]), 0.5 * (sub[1:] - sub[:-1])
            ln_e = (mid[:, None] + half[:, None] * _GL_X).ravel()
            w = (half[:, None] * _GL_W).ravel() * np.exp(ln_e)
            nodes.append(np.exp(ln_e))
            weights.append(w)
            index.append(np.full(ln_e.size, i))
        self._nodes = u.Quantity(np.concatenate(nodes), "TeV")
        self._weights = np.concatenate(weights)
        self._index = np.concatenate(index)
        self._nbin = len(lo)
        self._scale_cache = {}

    def _to_value(self, quantity, unit):
        key = (quantity.unit, unit)
        scale = self._scale_cache.get(key)
        if scale is None:
            scale = quantity.unit.to(unit)
            self._scale_cache[key] = scale
        return np.asarray(quantity.value, dtype=float) * scale

    def __call__(self, model, unit="cm-2 s-1"):
        key = ("dnde", unit)
        unit_dnde = self._scale_cache.get(key)
        if unit_dnde is None:
            unit_dnde = self._scale_cache[key] = u.Unit(unit) / u.TeV
        if hasattr(model, "evaluate_integral"):
            flux = model.integral(self.energy_min, self.energy_max)
            return self._to_value(u.Quantity(flux), unit)
        breaks = getattr(model, "_integration_breaks", lambda: None)()
        if breaks is not None:
            flux = model.integral(self.energy_min, self.energy_max)
            return self._to_value(u.Quantity(flux), unit)
        dnde = u.Quantity(model(self._nodes))
        values = self._to_value(dnde, unit_dnde) * self._weights
        return np.bincount(self._index, weights=values, minlength=self._nbin)


class MapEvaluator:
    """Predicted counts of one sky model on a dataset (forward folding, cached).

    Parameters
    ----------
    model : `~gammaray.modeling.models.SkyModel`
        Sky model.
    exposure : `~gammaray.maps.Map`, optional
        Exposure map (``cm2 s``) with an ``energy_true`` axis.
    psf : `~gammaray.irf.PSFMap` or `~gammaray.irf.PSFKernel`, optional
        PSF.
    edisp : `~gammaray.irf.EDispKernelMap`, `~gammaray.irf.EDispMap` or `~gammaray.irf.EDispKernel`, optional
        Energy dispersion.
    gti : `~gammaray.data.GTI`, optional
        Good time intervals (for temporal models).
    mask : `~gammaray.maps.Map`, optional
        Safe mask of the dataset (unused by the evaluation itself).
    evaluation_mode : {"local", "global"}
        Evaluate on a cutout around the source or on the whole map.
    use_cache : bool
        Cache intermediate results between calls.
    """

    def __init__(
        self,
        model,
        exposure=None,
        psf=None,
        edisp=None,
        gti=None,
        mask=None,
        evaluation_mode="local",
        use_cache=True,
    ):
        self.model = model
        self.exposure = exposure
        self.psf = psf
        self.edisp = edisp
        self.gti = gti
        self.mask = mask
        self.evaluation_mode = evaluation_mode
        self.use_cache = use_cache
        self.geom = None
        self._ready = False
        self._spectral_ref = self._spatial_ref = None
        self._last_lonlat = None
        self._reset_cache()

    # ------------------------------------------------------------------
    def _reset_cache(self):
        self._spatial_values = None
        self._spectral_values = None
        self._conv = None
        self._npred = None
        self._npred_norms = None

    def reset_cache_properties(self):
        """Drop all cached intermediate results."""
        self._reset_cache()

    @property
    def needs_update(self):
        """Whether the cutout and IRFs must be prepared again (bool)."""
        if not self._ready:
            return True
        model = self.model
        if (
            model.spectral_model is not self._spectral_ref
            or model.spatial_model is not self._spatial_ref
        ):
            return True
        if self._center is None:
            return False
        lon, lat = self._model_lonlat()
        if (lon, lat) == self._last_lonlat:
            return False
        self._last_lonlat = (lon, lat)
        if lon is None:
            return False
        return _sep_deg(lon, lat, *self._center) > self._margin

    def _model_lonlat(self):
        spatial = self.model.spatial_model
        if spatial is None:
            return None, None
        return spatial.position_lonlat

    @property
    def position(self):
        """Model position (`~astropy.coordinates.SkyCoord` or None)."""
        return getattr(self.model, "position", None)

    # ------------------------------------------------------------------
    def update(self, exposure, psf, edisp, geom, mask=None):
        """Set the dataset IRFs and geometry and prepare the cutout.

        Parameters
        ----------
        exposure : `~gammaray.maps.Map`
            Exposure.
        psf : `~gammaray.irf.PSFMap`, optional
            PSF.
        edisp : `~gammaray.irf.EDispKernelMap` or `~gammaray.irf.EDispMap`, optional
            Energy dispersion.
        geom : `~gammaray.maps.Geom`
            Geometry of the counts (reconstructed energy).
        mask : `~gammaray.maps.Map`, optional
            Safe mask.
        """
        self.exposure, self.psf, self.edisp, self.geom, self.mask = (
            exposure,
            psf,
            edisp,
            geom,
            mask,
        )
        self._prepare()

    def _prepare(self):
        model, geom = self.model, self.geom
        self._reset_cache()
        self._ready = True
        self._spectral_ref = model.spectral_model
        self._spatial_ref = model.spatial_model
        self._last_lonlat = None
        self._center = None
        self._contributes = True
        self._kernel_fft = None
        self._slices = (Ellipsis,)
        if self.exposure is None:
            self._ready = True
            return
        exp_geom = self.exposure.geom
        is_wcs = (
            hasattr(geom, "wcs")
            and hasattr(exp_geom, "wcs")
            and not getattr(exp_geom, "is_region", False)
        )
        spatial = model.spatial_model
        radius = getattr(model, "evaluation_radius", None)
        position = model.position if spatial is not None else None
        psf_radius = 0.0
        kernel = None
        if is_wcs and self.psf is not None and model.apply_irf.get("psf", True):
            psf_geom = exp_geom
            if type(self.psf).__name__ == "RecoPSFMap":
                psf_geom = geom
            kernel, psf_radius = self._psf_kernel(psf_geom, position)

        local = (
            is_wcs
            and self.evaluation_mode == "local"
            and radius is not None
            and position is not None
        )
        image = exp_geom.to_image() if is_wcs else None
        if local:
            binsz = float(np.max(image.pixel_scales.to_value("deg")))
            self._margin = CUTOUT_MARGIN * binsz
            width = 2 * (
                u.Quantity(radius).to_value("deg") + psf_radius + self._margin + binsz
            )
            try:
                cut = image.cutout(position=position, width=width * u.deg, mode="trim")
                slices = image.cutout_slices(cut)["parent-slices"]
            except (ValueError, Exception) as exc:  # no overlap
                log.debug("Model %s does not overlap the dataset: %s", model.name, exc)
                self._contributes = False
                return
            full = tuple(s.stop - s.start for s in slices) == tuple(image.data_shape)
            self._slices = (Ellipsis,) + tuple(slices)
            if full:
                cut = image
            lon, lat = self._model_lonlat()
            self._center = (lon, lat)
        else:
            cut = image
            self._slices = (Ellipsis,)
        self._cut_image = cut
        # exposure on the cutout (float64, cm2 s)
        exposure = self.exposure.quantity.to_value("cm2 s")
        self._exposure = np.ascontiguousarray(exposure[self._slices], dtype=float)
        if is_wcs:
            self._cut_geom = cut.to_cube(list(exp_geom.axes))
        else:
            self._cut_geom = exp_geom
        self._n_true = exp_geom.axes["energy_true"].nbin
        self._integrator = _SpectralIntegrator(exp_geom.axes["energy_true"].edges)
        self._setup_psf(kernel)
        self._setup_edisp(position)
        self._setup_point(cut if is_wcs else None)
        spectral_pars = list(model.spectral_model.parameters)
        self._spectral_pars = spectral_pars
        self._norm_idx = np.array(
            [i for i, p in enumerate(spectral_pars) if p.is_norm], dtype=int
        )
        self._linear_norms = type(model.spectral_model).__name__ != (
            "CompoundSpectralModel"
        )
        self._spatial_pars = list(spatial.parameters) if spatial is not None else []
        temporal = getattr(model, "temporal_model", None)
        self._temporal_pars = list(temporal.parameters) if temporal is not None else []

    # ------------------------------------------------------------------
    def _psf_kernel(self, geom, position):
        from gammaray.irf.psf.map import PSFMap

        psf = self.psf
        if not isinstance(psf, PSFMap):  # already a kernel
            data = np.asarray(psf.psf_kernel_map.data, dtype=float)
            radius = float(np.max(psf.psf_kernel_map.geom.width.to_value("deg")) / 2)
            return data, radius
        kernel = psf.get_psf_kernel(
            geom=geom,
            position=position,
            containment=PSF_CONTAINMENT,
            max_radius=PSF_MAX_RADIUS,
        )
        data = np.asarray(kernel.psf_kernel_map.data, dtype=float)
        radius = float(np.max(kernel.psf_kernel_map.geom.width.to_value("deg")) / 2)
        return data, radius

    def _setup_psf(self, kernel):
        self._kernel = kernel
        self._kernel_fft = None
        if kernel is None:
            return
        from scipy import fft

        ny, nx = self._exposure.shape[-2:]
        ky, kx = kernel.shape[-2:]
        shape = (
            fft.next_fast_len(ny + ky - 1, True),
            fft.next_fast_len(nx + kx - 1, True),
        )
        self._fft_shape = shape
        self._kernel_fft = fft.rfftn(kernel, s=shape, axes=(-2, -1))
        self._fft_crop = (
            Ellipsis,
            slice(ky // 2, ky // 2 + ny),
            slice(kx // 2, kx // 2 + nx),
        )

    def _setup_edisp(self, position):
        self._edisp_matrix = None
        edisp = self.edisp
        if edisp is None or not self.model.apply_irf.get("edisp", True):
            if edisp is None and self._n_true != self.geom.axes["energy"].nbin:
                raise InvalidModelError(
                    "The dataset has no energy dispersion but its true and reconstructed "
                    "energy axes differ; add an edisp (EDispKernelMap) to the dataset."
                )
            return
        energy_axis = self.geom.axes["energy"]
        if hasattr(edisp, "get_edisp_kernel"):
            kwargs = {"energy_axis": energy_axis}
            if position is not None:
                kwargs["position"] = position
            kernel = edisp.get_edisp_kernel(**kwargs)
        else:  # an EDispKernel
            kernel = edisp
        self._edisp_matrix = np.ascontiguousarray(kernel.pdf_matrix, dtype=float)

    def _setup_point(self, cut):
        """Fast pixel weights of a point source (frame rotation cached)."""
        self._point = None
        spatial = self.model.spatial_model
        if cut is None or spatial is None or not _is_point(spatial):
            return
        self._point = {
            "matrix": _frame_matrix(spatial.frame, cut.frame),
            "wcs": cut.wcs,
            "shape": tuple(cut.data_shape),
        }

    # ------------------------------------------------------------------
    def _compute_spatial(self):
        spatial = self.model.spatial_model
        if spatial is None:
            if hasattr(self._cut_geom, "wcs") and not self._cut_geom.is_region:
                raise InvalidModelError(
                    f"Model {self.model.name!r} has no spatial model; a 3D MapDataset "
                    "needs one (e.g. PointSpatialModel)."
                )
            return np.ones(self._cut_geom.to_image().data_shape)
        if (
            getattr(self._cut_geom, "is_region", False)
            and self._cut_geom.region is None
        ):
            # 1D spectrum without a region (e.g. old OGIP files): all flux is inside
            return np.ones(self._cut_geom.to_image().data_shape)
        if self._point is not None:
            return self._point_weights()
        geom = self._cut_geom
        values = spatial.integrate_geom(geom)
        return np.asarray(values.data, dtype=float)

    def _point_weights(self):
        info = self._point
        lon, lat = self.model.spatial_model.position_lonlat
        if info["matrix"] is not None:
            lon, lat = _vec_to_lonlat(info["matrix"] @ _lonlat_to_vec(lon, lat))
        x, y = info["wcs"].wcs_world2pix(np.array([lon]), np.array([lat]), 0)
        return point_source_pixel_weights(float(x[0]), float(y[0]), info["shape"])

    def _compute_conv(self, spatial):
        """PSF(exposure x spatial) per true-energy bin, flattened to (n_true, n_pix)."""
        if not self.model.apply_irf.get("exposure", True):
            cube = np.broadcast_to(spatial, self._exposure.shape).astype(float)
        else:
            cube = self._exposure * spatial
        if self._kernel_fft is not None:
            from scipy import fft

            spec = fft.rfftn(cube, s=self._fft_shape, axes=(-2, -1))
            spec *= self._kernel_fft
            cube = fft.irfftn(spec, s=self._fft_shape, axes=(-2, -1))[self._fft_crop]
        return np.ascontiguousarray(cube).reshape(self._n_true, -1)

    def _temporal_factor(self):
        temporal = getattr(self.model, "temporal_model", None)
        if temporal is None or self.gti is None or len(self.gti.table) == 0:
            return 1.0
        integral = temporal.integral(self.gti.time_start, self.gti.time_stop)
        return float(np.sum(u.Quantity(integral).to_value("")))

    @property
    def contributes(self):
        """Whether the model overlaps the dataset (bool)."""
        if self.needs_update:
            self._prepare()
        return self._contributes

    @property
    def parameters_changed(self):
        """Whether any model parameter changed since the last evaluation (bool)."""
        if self._npred is None:
            return True
        return not (
            np.array_equal(_values(self._spatial_pars), self._spatial_cache_values)
            and np.array_equal(
                _values(self._spectral_pars), self._spectral_cache_values
            )
        )

    def compute_npred(self):
        """Predicted counts on the cutout.

        Extreme trial parameter values of an optimiser may overflow: npred then
        holds inf/NaN and the likelihood reports a large statistic.

        Returns
        -------
        npred : `~numpy.ndarray`
            Array of shape ``(n_energy, ny, nx)`` of the cutout (see `slices`).
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self._compute_npred()

    def _compute_npred(self):
        if self.exposure is None:
            raise ZeroExposureError(
                f"Cannot compute the predicted counts of model {self.model.name!r}: "
                "the dataset has no exposure. Create it with MapDataset.create(...) or "
                "set dataset.exposure."
            )
        if self.needs_update:
            self._prepare()
        if not self._contributes:
            return None
        spatial_vals = _values(self._spatial_pars)
        spectral_vals = _values(self._spectral_pars)
        use_cache = self.use_cache and self._npred is not None
        if (
            use_cache
            and self._conv is not None
            and np.array_equal(spatial_vals, self._spatial_cache_values)
        ):
            if np.array_equal(spectral_vals, self._spectral_cache_values):
                return self._npred
            base = self._npred_base_values
            changed = spectral_vals != base
            norm = np.zeros(changed.size, dtype=bool)
            norm[self._norm_idx] = True
            if (
                self._linear_norms
                and not np.any(changed & ~norm)
                and np.all(base[changed] != 0)
            ):
                # only norm-like parameters changed: rescale the cached npred
                factor = float(np.prod(spectral_vals[changed] / base[changed]))
                np.multiply(self._npred_base, factor, out=self._npred)
                self._spectral_cache_values = spectral_vals
                return self._npred
        else:
            spatial = self._compute_spatial()
            self._conv = self._compute_conv(spatial)
            self._spatial_cache_values = spatial_vals
        weights = self._integrator(self.model.spectral_model) * self._temporal_factor()
        self._spectral_values = weights
        self._spectral_cache_values = spectral_vals
        if self._edisp_matrix is not None:
            npred = (self._edisp_matrix.T * weights) @ self._conv
        else:
            npred = self._conv * weights[:, None]
        shape = (npred.shape[0],) + self._exposure.shape[-2:]
        self._npred_base = npred.reshape(shape)
        self._npred_base_values = spectral_vals
        self._npred = self._npred_base.copy()
        return self._npred

    @property
    def slices(self):
        """Slices of the cutout in the dataset arrays (tuple)."""
        return self._slices

    def compute_flux(self):
        """Integral flux per true-energy bin and cutout pixel (``cm-2 s-1``)."""
        if self.needs_update:
            self._prepare()
        spatial = self._compute_spatial()
        spectral = self._integrator(self.model.spectral_model) * self._temporal_factor()
        return spectral[:, None, None] * spatial
