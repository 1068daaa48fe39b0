"""Validation helpers for constructor arguments. Each raises `InvalidConfig` naming the argument."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import InvalidConfig

__all__ = ["BORDER_MODES", "INTERPOLATIONS", "check_choice", "check_number", "check_prob", "check_range",
           "plain", "to_range"]

INTERPOLATIONS = ("nearest", "linear", "cubic", "area", "lanczos")
BORDER_MODES = ("constant", "replicate", "reflect", "reflect_101", "wrap")


def plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (anything else as it is).

    Example:
        >>> type(plain(np.float32(0.5))).__name__, plain("x")
        ('float', 'x')
    """
    return value.item() if isinstance(value, np.generic) else value


def _as_float(owner: str, name: str, value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond float's range
        raise InvalidConfig(f"{owner}: {name}={value!r} is far too large") from None


def check_prob(owner: str, name: str, value: Any) -> float:
    """Return `value` as a float in [0, 1] or raise `InvalidConfig`.

    Example:
        >>> check_prob("Rotate", "p", 0.5)
        0.5
    """
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidConfig(f"{owner}: {name}={value!r} must be a number in [0, 1]")
    if not 0.0 <= float(value) <= 1.0:
        raise InvalidConfig(f"{owner}: {name}={value!r} must lie in [0, 1]")
    return float(value)


def to_range(
    owner: str,
    name: str,
    value: Any,
    *,
    center: float | None = 0.0,
    low: float | None = None,
    high: float | None = None,
) -> tuple[float, float]:
    """Normalise a scalar or a ``(min, max)`` pair into a checked range.

    A scalar ``x`` means ``(center - x, center + x)``; with ``center=None`` a scalar means ``(x, x)``.

    Example:
        >>> to_range("Rotate", "limit", 15)
        (-15.0, 15.0)
        >>> to_range("Affine", "scale", (0.9, 1.1), center=None)
        (0.9, 1.1)
    """
    value = plain(value)
    if isinstance(value, bool):
        raise InvalidConfig(f"{owner}: {name}={value!r} must be a number or a (min, max) pair")
    if isinstance(value, (int, float)):
        v = _as_float(owner, name, value)
        if not math.isfinite(v):
            raise InvalidConfig(f"{owner}: {name}={value!r} must be a finite number")
        if center is None:
            lo, hi = v, v
        else:
            if v < 0:
                raise InvalidConfig(f"{owner}: {name}={value!r} as a single number is a spread "
                                    "around the centre and must be >= 0; give (min, max) instead")
            lo, hi = center - v, center + v
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        try:
            lo, hi = float(plain(value[0])), float(plain(value[1]))
        except (TypeError, ValueError, OverflowError):
            raise InvalidConfig(f"{owner}: {name}={value!r} must hold two numbers") from None
    else:
        raise InvalidConfig(f"{owner}: {name}={value!r} must be a number or a (min, max) pair")
    return check_range(owner, name, (lo, hi), low=low, high=high)


def check_range(
    owner: str, name: str, rng: tuple[float, float], *, low: float | None = None,
    high: float | None = None,
) -> tuple[float, float]:
    """Check ``min <= max`` and optional bounds on both ends."""
    lo, hi = rng
    if lo != lo or hi != hi:
        raise InvalidConfig(f"{owner}: {name}={list(rng)} contains NaN")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InvalidConfig(f"{owner}: {name}={list(rng)} must be finite numbers")
    if lo > hi:
        raise InvalidConfig(f"{owner}: {name}=({lo:g}, {hi:g}) has min > max; give (min, max)")
    if low is not None and lo < low:
        raise InvalidConfig(f"{owner}: {name}=({lo:g}, {hi:g}) must be >= {low:g}")
    if high is not None and hi > high:
        raise InvalidConfig(f"{owner}: {name}=({lo:g}, {hi:g}) must be <= {high:g}")
    return (lo, hi)


def check_choice(owner: str, name: str, value: Any, choices: Sequence[str]) -> str:
    """Check that `value` is one of `choices`.

    Example:
        >>> check_choice("Rotate", "border_mode", "reflect", BORDER_MODES)
        'reflect'
    """
    if value not in choices:
        raise InvalidConfig(f"{owner}: {name}={value!r} is not one of {', '.join(choices)}")
    return str(value)


def check_number(owner: str, name: str, value: Any, *, low: float | None = None,
                 high: float | None = None, integer: bool = False) -> Any:
    """Check a single finite number against optional bounds (numpy scalars become Python ones).

    Example:
        >>> check_number("Compose", "seed", np.int64(3), low=0, integer=True)
        3
    """
    value = plain(value)
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or (integer and not isinstance(value, int))):
        kind = "an integer" if integer else "a number"
        raise InvalidConfig(f"{owner}: {name}={value!r} must be {kind}")
    number = _as_float(owner, name, value)
    if not math.isfinite(number):
        raise InvalidConfig(f"{owner}: {name}={value!r} must be a finite number")
    if low is not None and number < low:
        raise InvalidConfig(f"{owner}: {name}={value!r} must be >= {low:g}")
    if high is not None and number > high:
        raise InvalidConfig(f"{owner}: {name}={value!r} must be <= {high:g}")
    return value
