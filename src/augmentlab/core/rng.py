"""The seed tree: one `numpy.random.Generator` per (seed, sample, copy, transform path).

A transform's stream depends only on those four things, never on worker count, call order or
global state. Path elements are stable keys derived from a transform's class name and its
occurrence among same-named siblings, so inserting a different transform does not shift the
streams of the others.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["derive_rng", "path_key"]


def path_key(name: str, occurrence: int) -> int:
    """Stable 32-bit key of the `occurrence`-th child called `name` among its siblings.

    Example:
        >>> path_key("Rotate", 0) == path_key("Rotate", 0)
        True
    """
    return zlib.crc32(f"{name}#{occurrence}".encode())


def derive_rng(seed: int, sample_id: int, copy: int, path: tuple[int, ...]) -> np.random.Generator:
    """The generator of one transform on one sample copy.

    Example:
        >>> a = derive_rng(7, 0, 0, (1,)).random()
        >>> b = derive_rng(7, 0, 0, (1,)).random()
        >>> a == b
        True
    """
    ss = np.random.SeedSequence(seed, spawn_key=(sample_id, copy, *path))
    return np.random.Generator(np.random.PCG64(ss))
