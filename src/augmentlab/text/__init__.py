"""Text augmentation on a ``text`` field (a ``str``). Transform names carry the ``text.``
prefix in pipeline files (``name: text.RandomSwap``)."""

from .eda import RandomDelete, RandomSwap

__all__ = ["RandomDelete", "RandomSwap"]
