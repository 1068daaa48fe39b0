"""Typed errors. Every message says what went wrong and what to do about it."""

from __future__ import annotations

__all__ = [
    "AugmentlabError",
    "DataError",
    "InvalidConfig",
    "InvalidInput",
    "JobFailed",
    "MissingDependency",
    "OutputBusy",
]


class AugmentlabError(Exception):
    """Base class of every error augmentlab raises on purpose."""


class InvalidInput(AugmentlabError, ValueError):
    """A field passed at call time breaks a rule (dtype, shape, range, format).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Compose([al.HorizontalFlip()])(image=np.zeros((4, 4, 3), np.int64))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: image: dtype int64 is not supported; ...
    """


class InvalidConfig(AugmentlabError, ValueError):
    """A constructor argument or a pipeline file breaks a rule.

    Example:
        >>> import augmentlab as al
        >>> al.HorizontalFlip(p=2)
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: HorizontalFlip: p=2 must lie in [0, 1]
    """


class MissingDependency(AugmentlabError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str, feature: str, *, install: str | None = None) -> None:
        self.package, self.extra = package, extra
        command = install or f"pip install 'augmentlab[{extra}]'"
        super().__init__(
            f"{feature} needs the '{package}' package, which is not installed. "
            f"Install it with: {command} (`make install` installs everything)"
        )


class DataError(AugmentlabError, ValueError):
    """A data file is unreadable or inconsistent; names the file (and line where there is one)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path, self.line = path, line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class OutputBusy(AugmentlabError, RuntimeError):
    """Another run is writing the same output (it holds the output's lock); nothing was touched."""


class JobFailed(AugmentlabError, RuntimeError):
    """A dataset job stopped part-way (a worker was killed, the disk filled); what was done is kept
    and the same command resumes it."""
