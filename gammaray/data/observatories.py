"""Locations of gamma-ray observatories."""

from astropy.coordinates import EarthLocation

__all__ = ["observatory_locations"]

#: Published geodetic coordinates of ground-based gamma-ray observatories
#: (array centres), as `~astropy.coordinates.EarthLocation`.
observatory_locations = {
    # H.E.S.S., Khomas Highland, Namibia
    "hess": EarthLocation(lon="16d30m00.8s", lat="-23d16m18.4s", height="1800m"),
    # MAGIC, Roque de los Muchachos, La Palma
    "magic": EarthLocation(lon="-17d53m24s", lat="28d45m43s", height="2200m"),
    # VERITAS, Fred Lawrence Whipple Observatory, Arizona
    "veritas": EarthLocation(lon="-110d57m07.77s", lat="31d40m30.21s", height="1268m"),
    # CTAO South, Paranal, Chile
    "cta_south": EarthLocation(lon="-70d18m58.84s", lat="-24d41m0.34s", height="2150m"),
    # CTAO North, Roque de los Muchachos, La Palma
    "cta_north": EarthLocation(lon="-17d53m28.0s", lat="28d45m42.0s", height="2147m"),
    # HAWC, Sierra Negra, Mexico
    "hawc": EarthLocation(lon="-97d18m34s", lat="18d59m48s", height="4100m"),
    # LHAASO, Haizi Mountain, Sichuan, China
    "lhaaso": EarthLocation(lon="100d08m19.6s", lat="29d21m27.6s", height="4410m"),
    # HEGRA, Roque de los Muchachos, La Palma
    "hegra": EarthLocation(lon="-17d53m28s", lat="28d45m42s", height="2200m"),
}
observatory_locations["ctao_south"] = observatory_locations["cta_south"]
observatory_locations["ctao_north"] = observatory_locations["cta_north"]
