"""The series field kinds: ``series``, a float array ``(T,)`` or ``(T, channels)``, time first (NaN
marks a missing value, kept missing by every transform; inf is refused), and ``step_labels``, one
label per time step, moved with the time axis by the time-changing transforms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds

__all__ = ["check_series_fields"]


def _check_series(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise InvalidInput(f"{key}: expected a float array (T,) or (T, channels), got "
                           f"{getattr(value, 'dtype', type(value).__name__)}; convert with "
                           "np.asarray(x, dtype=np.float64)")
    if value.ndim not in (1, 2) or value.shape[0] == 0 or 0 in value.shape:
        raise InvalidInput(f"{key}: expected a non-empty (T,) or (T, channels) array, got shape "
                           f"{value.shape}")
    if np.isinf(value).any():
        raise InvalidInput(f"{key}: the series contains inf (NaN is the missing-value marker; "
                           "inf is not a value)")


def _check_step_labels(key: str, value: Any, length: int | None) -> None:
    if length is None:
        raise InvalidInput(f"{key}: step labels label the time steps of a series; pass series=... too")
    try:
        n = len(value)
    except TypeError:
        raise InvalidInput(f"{key}: expected one label per time step (a sequence), got "
                           f"{type(value).__name__}") from None
    if isinstance(value, (str, bytes)) or n != length:
        raise InvalidInput(f"{key}: expected {length} labels (one per time step of the series), "
                           f"got {n if not isinstance(value, (str, bytes)) else 'a string'}")


def check_series_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``series`` and ``step_labels`` fields.

    Example:
        >>> check_series_fields({"series": np.zeros(4), "step_labels": [0, 1]},
        ...                     {"series": "series", "step_labels": "step_labels"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: step_labels: expected 4 labels (one per time step ...), got 2
    """
    series = []
    for key, kind in kinds.items():
        if kind == "series":
            _check_series(key, fields[key])
            series.append(fields[key])
    for key, kind in kinds.items():
        if kind == "step_labels":
            _check_step_labels(key, fields[key], len(series[0]) if series else None)


register_kinds(("series", "step_labels"), check_series_fields)
