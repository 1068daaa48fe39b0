"""Public home of augmentlab's typed errors (see `augmentlab.core.errors`)."""

from .core.errors import (
    AugmentlabError,
    DataError,
    InvalidConfig,
    InvalidInput,
    MissingDependency,
)

__all__ = ["AugmentlabError", "DataError", "InvalidConfig", "InvalidInput", "MissingDependency"]
