"""Public registry of transform names (see `augmentlab.core.registry`)."""

from .core.registry import get, names, register

__all__ = ["get", "names", "register"]
