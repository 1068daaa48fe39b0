"""Bridges from other augmentation libraries' pipeline formats (no import of those libraries)."""

from .albumentations import from_albumentations

__all__ = ["from_albumentations"]
