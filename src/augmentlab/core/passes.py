"""Field passes: what a modality adds around every pipeline call for the fields it owns.

The core runs a pipeline on any fields; a modality whose fields need more than a per-call check
(`core.kinds`) registers a pass. Images are the one that does today: their pass takes numpy,
PIL or tensors in any layout, checks sizes across images and masks, turns boxes and keypoints
into containers that follow every warp, gives everything back as it came, and fuses consecutive
geometric or pointwise steps (one warp, one lookup table). The core knows none of that; it calls
the pass at four points:

1. ``plan(kinds)`` once per distinct set of call keys: the pass's view of the call (or None when
   the call has none of its fields); it may claim more keys in ``kinds`` (per-box label lists);
2. ``prepare(plan, fields, sample)`` on the way in: check, convert, return the call's state;
3. ``fuser(plan, state)``: the object that defers and fuses steps whose transform has a
   ``fusion`` kind (or None);
4. ``finish(plan, state, sample)`` on the way out.

A pass is built per `Compose` from the pipeline's arguments by the factory registered here
(``register_pass``); ``Compose`` loads the modules that register them (``PASS_MODULES``) when
the first pipeline is built, as `core.registry` loads transform packages: named plug-ins, not
imports, since they build on the core.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import numpy as np

from .errors import InvalidConfig
from .sample import Sample

__all__ = ["FieldPass", "Fuser", "PASS_MODULES", "build_passes", "register_pass"]

# modules whose import registers a pass (the image pass: boxes, masks, layouts, fusion)
PASS_MODULES = ("augmentlab.image.spatial",)


class Fuser(Protocol):
    """Defers steps that can fuse, for one call. ``run`` is the runner: it has ``.sample``
    (the sample as it is now), which `defer` and `flush` may replace."""

    pending: bool  # steps are deferred and not yet applied

    def defer(self, run: Any, transform: Any, params: dict[str, Any] | None,
              rng: np.random.Generator) -> dict[str, Any] | None:
        """Queue `transform` (sampling its params when `params` is None) and return the params,
        or return None to have the runner apply it now."""

    def flush(self, run: Any) -> None:
        """Apply what is deferred to ``run.sample``."""

    def applied(self, run: Any) -> None:
        """A step was just applied on its own (the sample's size or dtype may have changed)."""


class FieldPass(Protocol):
    """What a modality does around each call of a pipeline for its fields (see the module doc)."""

    meta: Mapping[str, Any]  # settings the pass's transforms read from ``sample.meta``
    attributes: Mapping[str, Any]  # pipeline attributes it resolved (e.g. ``bbox_format``)
    closing: Any  # a transform the pass runs itself after the others (ToTensorV2), or None

    def plan(self, kinds: dict[str, str]) -> Any | None: ...

    def prepare(self, plan: Any, fields: Mapping[str, Any], sample: Sample) -> Any: ...

    def fuser(self, plan: Any, state: Any) -> Fuser | None: ...

    def finish(self, plan: Any, state: Any, sample: Sample) -> Sample: ...


# factory(pipeline, settings, config) -> FieldPass: `settings` holds the pipeline's pass
# arguments (those Compose takes for them), `config` the pipeline's config dict to settle
PassFactory = Callable[[Any, dict[str, Any], dict[str, Any]], FieldPass]
_FACTORIES: dict[str, PassFactory] = {}
_loaded = False


def register_pass(name: str, factory: PassFactory) -> None:
    """Make every pipeline built from now on use the pass `factory` builds (once per name).

    Example:
        >>> import augmentlab  # the image pass registers when augmentlab.image is imported
        >>> "image" in _FACTORIES
        True
    """
    known = _FACTORIES.get(name)
    if known is not None and getattr(known, "__qualname__", None) != getattr(factory, "__qualname__", None):
        raise InvalidConfig(f"field pass {name!r} is registered twice, by {known} and {factory}")
    _FACTORIES[name] = factory


def build_passes(pipeline: Any, settings: dict[str, Any], config: dict[str, Any]) -> list[FieldPass]:
    """The passes of one pipeline, built from its arguments (the plug-ins are loaded first).

    Example:
        >>> import augmentlab as al
        >>> [type(p).__name__ for p in al.Compose([al.Invert()])._passes]
        ['ImagePass']
    """
    global _loaded
    if not _loaded:
        for module in PASS_MODULES:
            importlib.import_module(module)
        _loaded = True
    return [factory(pipeline, settings, config) for factory in _FACTORIES.values()]
