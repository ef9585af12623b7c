"""Event simulation from a `MapDataset`: `MapDatasetEventSampler`.

Source events are drawn from each sky model's predicted counts in *true*
coordinates (flux x exposure, before PSF and energy dispersion); the PSF is then
applied by drawing offsets from the `~gammaray.irf.PSFMap`, the energy dispersion
by drawing reconstructed energies from the `~gammaray.irf.EDispKernelMap`
(or `~gammaray.irf.EDispMap`), and times from the temporal model within the
GTIs. Background events are drawn from the predicted background map in
reconstructed coordinates. The number of events of each component is Poisson
distributed with the predicted total as mean, so that binned events reproduce
``dataset.npred()`` statistically.
"""

import logging

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Table, vstack
from astropy.time import Time

from gammaray.utils.random import get_random_state

__all__ = ["MapDatasetEventSampler"]

log = logging.getLogger(__name__)

_EMPTY_COLUMNS = ("RA_TRUE", "DEC_TRUE", "ENERGY_TRUE", "RA", "DEC", "ENERGY", "TIME")


class MapDatasetEventSampler:
    """Sample events from a `~gammaray.datasets.MapDataset`.

    Parameters
    ----------
    random_state : int, str or `~numpy.random.RandomState`
        Random state (see `gammaray.utils.random.get_random_state`).
    oversample_energy_factor : int
        Oversampling of the true-energy axis when drawing source events
        (energies are drawn within finer bins of the model flux).
    t_delta : `~astropy.units.Quantity`
        Time step of the grid used to sample times from temporal models.
    keep_mc_id : bool
        Keep the ``MC_ID`` column (0 for background, ``i + 1`` for the i-th model).
    n_event_bunch : int
        Number of events of one bunch when applying the PSF (bounds memory use).
    """

    def __init__(
        self,
        random_state=0,
        oversample_energy_factor=10,
        t_delta=0.5 * u.s,
        keep_mc_id=True,
        n_event_bunch=10000,
    ):
        self.random_state = get_random_state(random_state)
        self.oversample_energy_factor = int(oversample_energy_factor)
        self.t_delta = u.Quantity(t_delta, "s")
        self.keep_mc_id = keep_mc_id
        self.n_event_bunch = int(n_event_bunch)

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _time_range(dataset):
        gti = dataset.gti
        if gti is None or len(gti) == 0:
            raise ValueError(
                f"Dataset {dataset.name!r} has no GTI; event times cannot be sampled. "
                "Create the dataset with a GTI (e.g. MapDataset.create(..., reference_time=...)"
                " and an observation, or set dataset.gti = GTI.create(start, stop))."
            )
        return gti.time_start[0], gti.time_stop[-1]

    def _sample_times(self, n_events, dataset, temporal_model=None):
        """Event times (`~astropy.time.Time`) within the GTIs."""
        t_min, t_max = self._time_range(dataset)
        if n_events == 0:
            return t_min + np.zeros(0) * u.s
        if temporal_model is not None:
            return temporal_model.sample_time(
                n_events,
                t_min,
                t_max,
                t_delta=self.t_delta,
                random_state=self.random_state,
            )
        gti = dataset.gti
        start = (gti.time_start - t_min).to_value("s")
        stop = (gti.time_stop - t_min).to_value("s")
        length = np.clip(stop - start, 0, None)
        cum = np.concatenate([[0], np.cumsum(length)])
        draws = self.random_state.uniform(0, cum[-1], size=n_events)
        idx = np.clip(np.searchsorted(cum, draws, side="right") - 1, 0, len(length) - 1)
        return t_min + (start[idx] + draws - cum[idx]) * u.s

    def _true_npred(self, model, dataset):
        """Predicted counts of a model before PSF and energy dispersion (true energy)."""
        from gammaray.maps import Map

        exposure = dataset.exposure
        geom = exposure.geom
        if self.oversample_energy_factor > 1:
            axis = geom.axes["energy_true"].upsample(self.oversample_energy_factor)
            geom = geom.to_image().to_cube([axis])
            exposure = exposure.interp_to_geom(geom)
            # the interpolated exposure is per bin: no rescaling needed
        flux = model.integrate_geom(geom, gti=dataset.gti)
        npred = flux.quantity * exposure.quantity
        return Map.from_geom(geom, data=npred.to_value(""), unit="")

    # ------------------------------------------------------------------ public API
    def sample_sources(self, dataset, psf_update=False):
        """Sample source events in true coordinates.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with models, exposure and GTI.
        psf_update : bool
            Unused; kept for compatibility.

        Returns
        -------
        events : `~astropy.table.Table`
            Columns ``RA_TRUE``, ``DEC_TRUE``, ``ENERGY_TRUE``, ``TIME``
            (`~astropy.time.Time`) and ``MC_ID``.
        """
        tables = []
        models = [] if dataset.models is None else list(dataset.models)
        for idx, model in enumerate(models):
            if type(model).__name__ in ("FoVBackgroundModel", "TemplateNPredModel"):
                continue
            if not hasattr(model, "integrate_geom") or not hasattr(
                model, "temporal_model"
            ):
                continue
            npred = self._true_npred(model, dataset)
            mean = float(np.nansum(npred.data))
            n_events = int(self.random_state.poisson(mean)) if mean > 0 else 0
            table = _sample_positions_energies(
                npred, n_events, self.random_state, "energy_true", suffix="_TRUE"
            )
            table["TIME"] = self._sample_times(n_events, dataset, model.temporal_model)
            table["MC_ID"] = np.full(n_events, idx + 1, dtype=np.int32)
            tables.append(table)
        if not tables:
            return _empty_true_table(dataset, self._time_range(dataset)[0])
        return vstack(tables, metadata_conflicts="silent")

    def sample_background(self, dataset):
        """Sample background events in reconstructed coordinates.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset (``npred_background()`` is the mean).

        Returns
        -------
        events : `~astropy.table.Table`
            Columns ``RA``, ``DEC``, ``ENERGY``, ``TIME`` and ``MC_ID`` (= 0).
        """
        background = dataset.npred_background()
        mean = float(np.nansum(background.data))
        n_events = int(self.random_state.poisson(mean)) if mean > 0 else 0
        table = _sample_positions_energies(
            background, n_events, self.random_state, "energy"
        )
        table["TIME"] = self._sample_times(n_events, dataset)
        table["MC_ID"] = np.zeros(n_events, dtype=np.int32)
        return table

    def sample_edisp(self, edisp_map, events):
        """Draw reconstructed energies for events with ``ENERGY_TRUE``.

        Events whose reconstructed energy falls outside the reconstructed
        energy axis are dropped (as they are absent from ``npred``).

        Parameters
        ----------
        edisp_map : `~gammaray.irf.EDispKernelMap` or `~gammaray.irf.EDispMap`
            Energy dispersion.
        events : `~astropy.table.Table`
            Events with ``RA_TRUE``, ``DEC_TRUE``, ``ENERGY_TRUE``.

        Returns
        -------
        events : `~astropy.table.Table`
            Events with an ``ENERGY`` column.
        """
        events = events.copy()
        energy_true = u.Quantity(events["ENERGY_TRUE"]).to("TeV")
        if len(events) == 0:
            events["ENERGY"] = energy_true
            return events
        if edisp_map is None:
            events["ENERGY"] = energy_true
            return events
        if (
            hasattr(edisp_map, "edisp_kernel_map")
            or type(edisp_map).__name__ == "EDispKernelMap"
        ):
            energy, keep = self._sample_edisp_kernel(edisp_map, events, energy_true)
            events["ENERGY"] = energy
            return events[keep]
        from gammaray.maps import MapCoord

        skycoord = SkyCoord(events["RA_TRUE"], events["DEC_TRUE"], frame="icrs")
        coord = MapCoord.create({"skycoord": skycoord, "energy_true": energy_true})
        coord_reco = edisp_map.sample_coord(coord, random_state=self.random_state)
        events["ENERGY"] = u.Quantity(coord_reco["energy"]).to("TeV")
        return events

    def _sample_edisp_kernel(self, edisp_map, events, energy_true):
        """Reconstructed energies from an `~gammaray.irf.EDispKernelMap` (vectorised)."""
        position = SkyCoord(
            np.mean(events["RA_TRUE"]) * u.deg, np.mean(events["DEC_TRUE"]) * u.deg
        )
        if edisp_map.has_single_spatial_bin:
            position = None
        kernel = edisp_map.get_edisp_kernel(position=position)
        pdf = np.asarray(kernel.pdf_matrix, dtype=float)
        axis_true = kernel.axes["energy_true"]
        axis_reco = kernel.axes["energy"]
        idx_true = axis_true.coord_to_idx(energy_true, clip=True)
        cdf = np.cumsum(pdf, axis=1)
        rows = cdf[idx_true]
        draw = self.random_state.uniform(size=len(energy_true))
        idx_reco = np.sum(rows < draw[:, np.newaxis], axis=1)
        keep = idx_reco < axis_reco.nbin
        idx_reco = np.minimum(idx_reco, axis_reco.nbin - 1)
        edges = axis_reco.edges.to_value("TeV")
        lo, hi = np.log(edges[idx_reco]), np.log(edges[idx_reco + 1])
        energy = np.exp(
            lo + (hi - lo) * self.random_state.uniform(size=len(energy_true))
        )
        return energy * u.TeV, keep

    def sample_psf(self, psf_map, events):
        """Displace true positions by random PSF offsets.

        Parameters
        ----------
        psf_map : `~gammaray.irf.PSFMap`
            PSF.
        events : `~astropy.table.Table`
            Events with ``RA_TRUE``, ``DEC_TRUE``, ``ENERGY_TRUE``.

        Returns
        -------
        events : `~astropy.table.Table`
            Events with ``RA``/``DEC`` columns.
        """
        from gammaray.maps import MapCoord

        events = events.copy()
        ra = u.Quantity(events["RA_TRUE"]).to_value("deg").copy()
        dec = u.Quantity(events["DEC_TRUE"]).to_value("deg").copy()
        if psf_map is not None and len(events) > 0:
            energy_name = getattr(psf_map, "energy_name", "energy_true")
            column = "ENERGY_TRUE" if energy_name == "energy_true" else "ENERGY"
            for start in range(0, len(events), self.n_event_bunch):
                sl = slice(start, start + self.n_event_bunch)
                skycoord = SkyCoord(ra[sl], dec[sl], unit="deg", frame="icrs")
                coord = MapCoord.create(
                    {"skycoord": skycoord, energy_name: u.Quantity(events[column][sl])}
                )
                sampled = psf_map.sample_coord(coord, random_state=self.random_state)
                icrs = sampled.skycoord.icrs
                ra[sl], dec[sl] = icrs.ra.deg, icrs.dec.deg
        events["RA"] = ra * u.deg
        events["DEC"] = dec * u.deg
        return events

    @staticmethod
    def event_det_coords(observation, events):
        """Add field-of-view offsets ``DETX``/``DETY`` (deg) relative to the pointing.

        Parameters
        ----------
        observation : `~gammaray.data.Observation`
            Observation with a fixed ICRS pointing.
        events : `~astropy.table.Table`
            Events with ``RA``/``DEC``.

        Returns
        -------
        events : `~astropy.table.Table`
        """
        pointing = observation.pointing.fixed_icrs
        skycoord = SkyCoord(events["RA"], events["DEC"], frame="icrs")
        frame = pointing.skyoffset_frame()
        offsets = skycoord.transform_to(frame)
        events["DETX"] = offsets.lon.to("deg")
        events["DETY"] = offsets.lat.to("deg")
        return events

    def event_list_meta(self, dataset, observation=None):
        """Header keywords of the simulated ``EVENTS`` table.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset.
        observation : `~gammaray.data.Observation`, optional
            Observation (pointing, obs id, livetime).

        Returns
        -------
        meta : dict
        """
        from gammaray.utils.time import time_ref_to_dict

        t_min, t_max = self._time_range(dataset)
        time_ref = dataset.gti.time_ref
        meta = {
            "EXTNAME": "EVENTS",
            "HDUCLASS": "GADF",
            "HDUDOC": "https://github.com/open-gamma-ray-astro/gamma-astro-data-formats",
            "HDUVERS": "0.3",
            "HDUCLAS1": "EVENTS",
            "ORIGIN": "gammaray",
            "CREATOR": "gammaray MapDatasetEventSampler",
            "TELESCOP": "CTA",
            "INSTRUME": "simulation",
            "EQUINOX": 2000.0,
            "RADECSYS": "ICRS",
            "EUNIT": "TeV",
            "TSTART": float((t_min - time_ref).to_value("s")),
            "TSTOP": float((t_max - time_ref).to_value("s")),
            "ONTIME": float(dataset.gti.time_sum.to_value("s")),
            "DATE-OBS": t_min.utc.isot[:10],
            "TIME-OBS": t_min.utc.isot[11:],
            "DATE-END": t_max.utc.isot[:10],
            "TIME-END": t_max.utc.isot[11:],
            "DEADC": 1.0,
        }
        meta.update(time_ref_to_dict(time_ref, scale=time_ref.scale))
        meta["TIMEUNIT"] = "s"
        meta["TIMEREF"] = "LOCAL"
        livetime = dataset.gti.time_sum.to_value("s")
        if observation is not None:
            meta["OBS_ID"] = observation.obs_id
            try:
                livetime = float(
                    observation.observation_live_time_duration.to_value("s")
                )
                meta["DEADC"] = 1 - float(observation.observation_dead_time_fraction)
            except (AttributeError, KeyError, TypeError, ValueError):
                pass
            pointing = observation.pointing
            if pointing is not None and pointing.fixed_icrs is not None:
                meta["RA_PNT"] = float(pointing.fixed_icrs.ra.deg)
                meta["DEC_PNT"] = float(pointing.fixed_icrs.dec.deg)
            for key in ("TELESCOP", "INSTRUME"):
                if key in observation.meta:
                    meta[key] = observation.meta[key]
        else:
            meta["OBS_ID"] = 0
            center = dataset.exposure.geom.center_skydir.icrs
            meta["RA_PNT"] = float(center.ra.deg)
            meta["DEC_PNT"] = float(center.dec.deg)
        meta["LIVETIME"] = float(livetime)
        models = [] if dataset.models is None else list(dataset.models)
        for idx, model in enumerate(models):
            meta[f"MID{idx + 1:05d}"] = idx + 1
            meta[f"MMN{idx + 1:05d}"] = model.name
        meta["NMCIDS"] = len(models)
        return meta

    def run(self, dataset, observation=None):
        """Simulate an event list.

        Parameters
        ----------
        dataset : `~gammaray.datasets.MapDataset`
            Dataset with models, exposure, background, PSF, energy dispersion and GTI.
        observation : `~gammaray.data.Observation`, optional
            Observation giving pointing, obs id and livetime for the header.

        Returns
        -------
        events : `~gammaray.data.EventList`
            Events with ``EVENT_ID``, ``TIME`` (MET, s), ``RA``, ``DEC``,
            ``ENERGY`` and ``MC_ID`` (if ``keep_mc_id``).
        """
        from gammaray.data import EventList

        sources = self.sample_sources(dataset)
        sources = self.sample_psf(dataset.psf, sources)
        sources = self.sample_edisp(dataset.edisp, sources)
        columns = ["RA", "DEC", "ENERGY", "TIME", "MC_ID"]
        tables = [sources[columns]]
        if dataset.background is not None:
            tables.append(self.sample_background(dataset)[columns])
        events = vstack(tables, metadata_conflicts="silent")
        meta = self.event_list_meta(dataset, observation)
        time_ref = dataset.gti.time_ref
        times = Time(events["TIME"])
        order = np.argsort(times.mjd, kind="stable")
        events = events[order]
        table = Table(meta=meta)
        table["EVENT_ID"] = np.arange(1, len(events) + 1, dtype=np.int64)
        table["TIME"] = (Time(events["TIME"]) - time_ref).to("s")
        table["RA"] = u.Quantity(events["RA"]).to("deg")
        table["DEC"] = u.Quantity(events["DEC"]).to("deg")
        table["ENERGY"] = u.Quantity(events["ENERGY"]).to("TeV")
        if self.keep_mc_id:
            table["MC_ID"] = np.asarray(events["MC_ID"], dtype=np.int32)
        if (
            observation is not None
            and observation.pointing is not None
            and (observation.pointing.fixed_icrs is not None)
        ):
            table = self.event_det_coords(observation, table)
        return EventList(table)


def _empty_true_table(dataset, t_min):
    table = _sample_positions_energies(None, 0, None, "energy_true", suffix="_TRUE")
    table["TIME"] = t_min + np.zeros(0) * u.s
    table["MC_ID"] = np.zeros(0, dtype=np.int32)
    return table


def _sample_positions_energies(npred, n_events, random_state, energy_name, suffix=""):
    """Table of ``n_events`` ICRS positions and energies drawn from a map.

    Parameters
    ----------
    npred : `~gammaray.maps.Map`
        Map of expected counts (the sampling density).
    n_events : int
        Number of events.
    random_state : `~numpy.random.RandomState`
        Random state.
    energy_name : str
        Energy axis of the map (``"energy"`` or ``"energy_true"``).
    suffix : str
        Appended to the column names (``"_TRUE"`` for true quantities).

    Returns
    -------
    table : `~astropy.table.Table`
        Columns ``RA``, ``DEC`` (deg) and ``ENERGY`` (TeV), with ``suffix``.
    """
    names = [f"{name}{suffix}" for name in ("RA", "DEC", "ENERGY")]
    table = Table()
    if n_events == 0:
        for name, unit in zip(names, ("deg", "deg", "TeV")):
            table[name] = u.Quantity(np.zeros(0), unit)
        return table
    coords = npred.sample_coord(n_events, random_state=random_state)
    skycoord = coords.skycoord.icrs
    table[names[0]] = skycoord.ra.to("deg")
    table[names[1]] = skycoord.dec.to("deg")
    table[names[2]] = u.Quantity(coords[energy_name]).to("TeV")
    return table
