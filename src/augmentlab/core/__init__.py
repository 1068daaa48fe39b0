"""The modality-free engine: samples, records, the seed tree, field kinds, the transform base,
pipelines and their config files. Modalities build on it (see ARCHITECTURE.md)."""

from . import registry
from .compose import BaseCompose, Compose, OneOf, Sequential, SomeOf, Sometimes
from .config import dump_pipeline, load_pipeline
from .errors import AugmentlabError, DataError, InvalidConfig, InvalidInput, MissingDependency
from .sample import Record, Sample, Step
from .transform import Transform

__all__ = [
    "AugmentlabError",
    "BaseCompose",
    "Compose",
    "DataError",
    "InvalidConfig",
    "InvalidInput",
    "MissingDependency",
    "OneOf",
    "Record",
    "Sample",
    "Sequential",
    "SomeOf",
    "Sometimes",
    "Step",
    "Transform",
    "dump_pipeline",
    "load_pipeline",
    "registry",
]

# Names the core held before the image machinery moved to augmentlab.image.spatial (issue 20):
# still importable from here, with a warning naming the new home. Loaded on demand, since the
# image side builds on the core.
_MOVED = {name: "augmentlab.image.spatial" for name in (
    "BBoxes", "KeyPoints", "ToTensorV2", "GeometricTransform", "PointwiseTransform",
    "ImageOnlyTransform", "DisplacementTransform")}


def __getattr__(name: str) -> object:
    """``augmentlab.core.BBoxes`` and the other moved names, with a DeprecationWarning.

    Example:
        >>> import warnings, augmentlab.core as core
        >>> with warnings.catch_warnings(record=True):
        ...     warnings.simplefilter("always")
        ...     core.BBoxes.__module__
        'augmentlab.image.spatial.fields'
    """
    home = _MOVED.get(name)
    if home is None:
        raise AttributeError(f"module 'augmentlab.core' has no attribute {name!r}")
    import importlib
    import warnings

    warnings.warn(f"augmentlab.core.{name} moved to {home}.{name} (also augmentlab.{name} where "
                  "public); import it from there", DeprecationWarning, stacklevel=2)
    return getattr(importlib.import_module(home), name)
