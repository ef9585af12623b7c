"""Random-number helpers: a single way to turn a seed argument into a generator."""

import numpy as np

__all__ = ["get_random_state", "sample_sphere", "sample_powerlaw", "sample_times"]


def get_random_state(init):
    """Get a `numpy.random.RandomState` from a seed specification.

    Parameters
    ----------
    init : int, {"random-seed", "global-rng"} or `~numpy.random.RandomState`
        - int: a new generator seeded with it (reproducible);
        - ``"random-seed"``: a new generator seeded from the operating system;
        - ``"global-rng"``: numpy's global generator (``np.random.mtrand._rand``);
        - a `~numpy.random.RandomState`: returned as it is.

    Returns
    -------
    random_state : `~numpy.random.RandomState`
        The generator.
    """
    if isinstance(init, str):
        if init == "random-seed":
            return np.random.RandomState(None)
        if init == "global-rng":
            return np.random.mtrand._rand
        raise ValueError(
            f"Invalid random state {init!r}: use an int seed, 'random-seed', "
            "'global-rng' or a numpy RandomState."
        )
    if isinstance(init, np.random.RandomState):
        return init
    if isinstance(init, (int, np.integer)):
        return np.random.RandomState(int(init))
    raise ValueError(
        f"Invalid random state of type {type(init).__name__}: use an int seed, "
        "'random-seed', 'global-rng' or a numpy RandomState."
    )


def sample_sphere(size, lon_range=None, lat_range=None, random_state=0):
    """Sample points uniformly on (a lon/lat box of) the sphere.

    Parameters
    ----------
    size : int
        Number of points.
    lon_range, lat_range : `~astropy.units.Quantity`, optional
        Ranges; default the whole sphere.
    random_state : see `get_random_state`
        Seed.

    Returns
    -------
    lon, lat : `~astropy.coordinates.Angle`
        Longitudes and latitudes.
    """
    import astropy.units as u
    from astropy.coordinates import Angle

    rng = get_random_state(random_state)
    lon_range = (0, 360) * u.deg if lon_range is None else u.Quantity(lon_range, "deg")
    lat_range = (-90, 90) * u.deg if lat_range is None else u.Quantity(lat_range, "deg")
    lon = rng.uniform(lon_range[0].to_value("rad"), lon_range[1].to_value("rad"), size)
    z_min, z_max = np.sin(lat_range.to_value("rad"))
    lat = np.arcsin(rng.uniform(z_min, z_max, size))
    return Angle(lon, "rad").to("deg"), Angle(lat, "rad").to("deg")


def sample_powerlaw(x_min, x_max, gamma, size=None, random_state=0):
    """Sample from a power law ``dN/dx ~ x**-gamma`` between ``x_min`` and ``x_max``.

    Parameters
    ----------
    x_min, x_max : float
        Range (positive).
    gamma : float
        Power-law index.
    size : int, optional
        Number of samples.
    random_state : see `get_random_state`
        Seed.

    Returns
    -------
    x : `~numpy.ndarray`
        Samples.
    """
    rng = get_random_state(random_state)
    r = rng.uniform(0, 1, size)
    if np.isclose(gamma, 1):
        return x_min * (x_max / x_min) ** r
    g = 1.0 - gamma
    return (x_min**g + r * (x_max**g - x_min**g)) ** (1.0 / g)


def sample_times(size, rate, dead_time=0, random_state=0):
    """Sample arrival-time differences of a Poisson process with dead time.

    Parameters
    ----------
    size : int
        Number of events.
    rate : `~astropy.units.Quantity`
        Event rate.
    dead_time : `~astropy.units.Quantity` or float
        Dead time after each event.
    random_state : see `get_random_state`
        Seed.

    Returns
    -------
    time : `~astropy.units.Quantity`
        Event times since start, cumulative.
    """
    import astropy.units as u

    rng = get_random_state(random_state)
    rate = u.Quantity(rate)
    dead_time = u.Quantity(dead_time, (1 / rate).unit)
    scale = (1 / rate).to_value(dead_time.unit)
    delta = rng.exponential(scale=scale, size=size) + dead_time.value
    return np.cumsum(delta) * dead_time.unit
