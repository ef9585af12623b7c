"""The `Maker` base class and the registry of maker classes."""

import abc
import html

import numpy as np

__all__ = ["Maker", "MAKER_REGISTRY"]


class _MakerRegistry(dict):
    """Maker classes by tag (filled when a `Maker` subclass with a tag is defined)."""

    def get_cls(self, tag):
        """Class registered under ``tag``.

        Raises
        ------
        KeyError
            If no maker has this tag.
        """
        try:
            return self[tag]
        except KeyError:
            raise KeyError(
                f"No maker with tag {tag!r}; known tags are {sorted(self)}."
            ) from None


#: Registry of maker classes by tag.
MAKER_REGISTRY = _MakerRegistry()


class Maker(abc.ABC):
    """Base class of makers: stateless, configurable reduction steps.

    A maker is configured once with its constructor arguments (stored as
    attributes of the same name) and applied with ``run``, which returns a new
    dataset and never modifies its inputs.
    """

    tag = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        tag = cls.__dict__.get("tag")
        if tag:
            MAKER_REGISTRY[tag] = cls

    @abc.abstractmethod
    def run(self, *args, **kwargs):
        """Apply the maker (see subclasses)."""

    def _config_items(self):
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            yield name, value

    def __str__(self):
        lines = [self.__class__.__name__, "-" * len(self.__class__.__name__), ""]
        for name, value in self._config_items():
            if isinstance(value, np.ndarray):
                value = f"array of shape {value.shape}"
            elif hasattr(value, "geom") and hasattr(value, "data"):
                value = f"{type(value).__name__} of shape {value.data.shape}"
            lines.append(f"\t{name:24s}: {value}")
        return "\n".join(lines) + "\n"

    def __repr__(self):
        items = ", ".join(f"{name}={value!r}" for name, value in self._config_items())
        return f"{self.__class__.__name__}({items})"

    def _repr_html_(self):
        return f"<pre>{html.escape(str(self))}</pre>"


def _light_copy(dataset, name=None):
    """New dataset object sharing the (unchanged) data maps of ``dataset``.

    Makers replace the members they change (mask, models, background) by new
    objects, so the maps themselves need not be copied; containers and scratch
    buffers are not shared, models are reset. Falls back to a deep copy for
    objects that are not plain datasets.
    """
    import copy

    if not hasattr(dataset, "_name"):
        return dataset.copy(name=dataset.name if name is None else name)
    new = copy.copy(dataset)
    for key, value in list(vars(new).items()):
        if isinstance(value, dict):
            setattr(new, key, dict(value))
        elif isinstance(value, list):
            setattr(new, key, list(value))
        elif isinstance(value, np.ndarray) and key.endswith("_buffer"):
            setattr(new, key, None)
    if name is not None:
        new._name = name
    new.models = None
    return new
