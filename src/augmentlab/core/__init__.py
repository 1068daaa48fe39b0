"""The core engine: fields, samples, records, the seed tree, transform bases and pipelines."""

from . import registry
from .adapters import ToTensorV2
from .compose import BaseCompose, Compose, OneOf, Sequential, SomeOf, Sometimes
from .config import dump_pipeline, load_pipeline
from .errors import AugmentlabError, DataError, InvalidConfig, InvalidInput, MissingDependency
from .fields import BBoxes, KeyPoints
from .sample import Record, Sample, Step
from .transform import (
    DisplacementTransform,
    GeometricTransform,
    ImageOnlyTransform,
    PointwiseTransform,
    Transform,
)

__all__ = [
    "AugmentlabError",
    "BBoxes",
    "BaseCompose",
    "Compose",
    "DataError",
    "DisplacementTransform",
    "GeometricTransform",
    "ImageOnlyTransform",
    "InvalidConfig",
    "InvalidInput",
    "KeyPoints",
    "MissingDependency",
    "OneOf",
    "PointwiseTransform",
    "Record",
    "Sample",
    "Sequential",
    "SomeOf",
    "Sometimes",
    "Step",
    "ToTensorV2",
    "Transform",
    "dump_pipeline",
    "load_pipeline",
    "registry",
]
