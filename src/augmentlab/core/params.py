"""Validation helpers for constructor arguments. Each raises `InvalidConfig` naming the argument."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import InvalidConfig

__all__ = ["check_choice", "check_flag", "check_number", "check_prob",
           "check_range", "check_text", "plain", "shown", "to_range"]



def plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (anything else as it is).

    Example:
        >>> type(plain(np.float32(0.5))).__name__, plain("x")
        ('float', 'x')
    """
    return value.item() if isinstance(value, np.generic) else value


def shown(value: Any, limit: int = 200) -> str:
    """`value`'s repr for an error message: cut to `limit` characters, and never itself an error
    (Python refuses to print integers of more than 4300 digits).

    Example:
        >>> shown([1.5] * 100, limit=20)
        '[1.5, 1.5, 1.5, ...'
        >>> shown(16 ** 4000)
        'an integer of about 4817 digits'
    """
    try:
        text = repr(value)
    except ValueError:
        if isinstance(value, int):
            return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
        return f"a {type(value).__name__} holding an integer too long to print"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _as_float(owner: str, name: str, value: Any) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond float's range
        raise InvalidConfig(f"{owner}: {name}={shown(value, 40)} is far too large; "
                            "give a number below 1e308") from None


def check_prob(owner: str, name: str, value: Any) -> float:
    """Return `value` as a float in [0, 1] or raise `InvalidConfig`.

    Example:
        >>> check_prob("Rotate", "p", 0.5)
        0.5
    """
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a number in [0, 1]")
    number = _as_float(owner, name, value)
    if not 0.0 <= number <= 1.0:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must lie in [0, 1]")
    return number


def check_flag(owner: str, name: str, value: Any) -> bool:
    """Return `value` as a bool: true or false (1 and 0 too), never any other truthy value, so
    that a file saying ``fuse: "no"`` is refused rather than read as true.

    Example:
        >>> check_flag("Compose", "fuse", 0)
        False
    """
    value = plain(value)
    if isinstance(value, bool) or (type(value) is int and value in (0, 1)):
        return bool(value)
    raise InvalidConfig(f"{owner}: {name}={shown(value)} must be true or false")


def check_text(owner: str, name: str, value: Any, *, optional: bool = False) -> str | None:
    """Return `value` if it is text (or None, when `optional`). The message names only the type:
    the value may be a secret (an API key).

    Example:
        >>> check_text("text.BackTranslate", "source", False)
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: text.BackTranslate: source must be text, got bool; ...
    """
    if isinstance(value, str) or (optional and value is None):
        return value
    raise InvalidConfig(f"{owner}: {name} must be text{' or null' if optional else ''}, got "
                        f"{type(value).__name__}; put it in quotes if YAML read it as a number or "
                        "true/false (no, on, 1e3)")


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
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a number or a (min, max) pair")
    if isinstance(value, (int, float)):
        v = _as_float(owner, name, value)
        if not math.isfinite(v):
            raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a finite number")
        if center is None:
            lo, hi = v, v
        else:
            if v < 0:
                raise InvalidConfig(f"{owner}: {name}={shown(value)} as a single number is a spread "
                                    "around the centre and must be >= 0; give (min, max) instead")
            lo, hi = center - v, center + v
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)) and len(value) == 2:
        try:
            lo, hi = float(plain(value[0])), float(plain(value[1]))
        except (TypeError, ValueError, OverflowError):
            raise InvalidConfig(f"{owner}: {name}={shown(value)} must hold two numbers") from None
    else:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a number or a (min, max) pair")
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
        >>> check_choice("Rotate", "border_mode", "reflect", ("constant", "reflect"))
        'reflect'
    """
    if not isinstance(value, str) or value not in choices:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} is not one of {', '.join(choices)}")
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
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be {kind}")
    number = _as_float(owner, name, value)
    if not math.isfinite(number):
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a finite number")
    if low is not None and number < low:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be >= {low:g}")
    if high is not None and number > high:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be <= {high:g}")
    return value
