"""What every time-series transform shares: the series as ``(T, channels)``, NaN-aware
resampling on a new time grid, and step labels carried to the new grid."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.kinds import field_of
from ..core.sample import Sample
from ..core.transform import Transform

__all__ = ["SeriesTransform", "resample_at", "series_of"]


def series_of(sample: Any) -> tuple[str, np.ndarray]:
    """``(key, series)`` of the sample's series field."""
    return field_of(sample, "series", "a time series: pass series=... ((T,) or (T, channels) "
                    "floats, NaN for missing values)")


def resample_at(x: np.ndarray, times: np.ndarray) -> np.ndarray:
    """`x` (``(T,)`` or ``(T, C)``) read at fractional time indices `times` (clipped to the
    series) by linear interpolation. A value next to a missing one is missing (NaN): no value
    is invented from a gap, and a gap stays a gap.

    Example:
        >>> resample_at(np.array([0.0, 10.0, np.nan, 30.0]), np.array([0.5, 1.0, 1.5, 3.0])).tolist()
        [5.0, 10.0, nan, 30.0]
    """
    t = np.clip(np.asarray(times, dtype=np.float64), 0, len(x) - 1)
    lo = np.floor(t).astype(np.intp)
    hi = np.minimum(lo + 1, len(x) - 1)
    frac = t - lo
    if x.ndim == 2:
        frac = frac[:, None]
    a, b = x[lo], x[hi]
    # where the point falls exactly on a step, that step alone (a missing neighbour is irrelevant)
    out = np.where(frac == 0, a, a + (b - a) * frac)
    return out.astype(x.dtype, copy=False)


def labels_at(labels: Any, times: np.ndarray) -> Any:
    """Step labels at fractional time indices: each output step takes the label of the nearest
    input step (labels are categories: they are not interpolated). The input's type is kept
    (a list stays a list, an array an array)."""
    idx = np.clip(np.rint(np.asarray(times, dtype=np.float64)), 0, len(labels) - 1).astype(np.intp)
    if isinstance(labels, np.ndarray):
        return labels[idx]
    return [labels[i] for i in idx.tolist()]


class SeriesTransform(Transform):
    """A series transform: changes ``series`` (and ``step_labels`` when time moves)."""

    _abstract = True
    fields = frozenset({"series"})


class TimeTransform(SeriesTransform):
    """A transform that moves time: subclasses give, per call, the fractional input index each
    output step reads (`source_times`); the series is resampled there and the step labels follow."""

    _abstract = True
    fields = frozenset({"series", "step_labels"})

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, x = series_of(sample)
        times = self.source_times(len(x), params)
        changes: dict[str, Any] = {key: resample_at(x, times)}
        for lab in sample.keys_of("step_labels"):
            changes[lab] = labels_at(sample[lab], times)
        return sample.derive(**changes)
