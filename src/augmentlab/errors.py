"""Public home of augmentlab's typed errors (see `augmentlab.core.errors`)."""

from .core.errors import (
    AugmentlabError,
    DataError,
    InvalidConfig,
    InvalidInput,
    JobFailed,
    MissingDependency,
    OutputBusy,
)

__all__ = ["AugmentlabError", "DataError", "InvalidConfig", "InvalidInput", "JobFailed",
           "MissingDependency", "OutputBusy"]
