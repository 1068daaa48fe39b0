"""Field kinds beyond images: ``text``, ``audio`` (+ ``sample_rate``), ``events``, ``features``
(one table row) and ``schema`` (the table's column rules, read by tabular transforms).

Conventions, checked on every call:

- ``text``: a ``str`` (decode bytes yourself: the encoding is yours to know);
- ``audio``: float32 or float64 samples in [-1, 1] nominally, shape ``(n,)`` (mono) or
  ``(channels, n)``; integer PCM is refused (divide by 32768 for int16); needs ``sample_rate``,
  a positive integer, in the same call;
- ``events``: a list of ``(onset, offset, label)`` in seconds within the clip, ``onset <= offset``;
- ``spans``: protected character ranges of the text, ``(start, end, label)``, ``0 <= start < end
  <= len(text)``, not overlapping; text transforms never change them and move their offsets;
- ``features``: a mapping column -> value (a table row); ``schema``: a `augmentlab.tabular.Schema`;
- ``series``: a float array ``(T,)`` or ``(T, channels)``, time first; NaN marks a missing value
  (kept missing by every transform), inf is refused;
- ``step_labels``: one label per time step of the series (a sequence of length ``T``), moved
  with the time axis by the time-changing series transforms;
- ``points``: a finite float array ``(N, D)`` of coordinates, D >= 2, at least one point;
  ``point_labels``: one label per point; ``normals``: ``(N, D)`` floats, one per point. Point
  transforms keep all three in step (dropped, reordered, rotated together);
- ``graph``: an `augmentlab.graph.Graph` (edge index, node and edge features, node labels),
  checked when it is built;
- ``constituents``: a jet's particles, finite floats ``(N, 3)``: eta, phi (radians), pt >= 0;
- ``video``: frames ``(T, H, W)`` or ``(T, H, W, C)``, uint8 or float32, at least one frame.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import InvalidInput

__all__ = ["MODAL_KINDS", "check_modal_fields", "duration_of", "field_of"]

MODAL_KINDS = frozenset({"text", "spans", "audio", "sample_rate", "events", "features", "schema",
                         "spectrogram", "series", "step_labels", "points", "point_labels",
                         "normals", "graph", "constituents", "video"})


def field_of(sample: Any, kind: str, how: str) -> tuple[str, Any]:
    """``(key, value)`` of the sample's first field of `kind`; `InvalidInput` saying what the
    transform works on and `how` to pass it when there is none.

    Example:
        >>> import augmentlab as al
        >>> sample = al.Compose([al.text.RandomSwap()], seed=0)(text="hi there")
        >>> field_of(sample, "text", "text: pass text=...")[0]
        'text'
    """
    keys = sample.keys_of(kind)
    if not keys:
        raise InvalidInput(f"this transform works on {how}")
    return keys[0], sample[keys[0]]


def duration_of(audio: np.ndarray, sample_rate: int) -> float:
    """Seconds of audio in a ``(n,)`` or ``(channels, n)`` array.

    Example:
        >>> duration_of(np.zeros((2, 8000), np.float32), 16000)
        0.5
    """
    return audio.shape[-1] / sample_rate


def _check_audio(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray):
        raise InvalidInput(f"{key}: expected a numpy array of samples, got {type(value).__name__}")
    if value.dtype.kind in "iu":
        raise InvalidInput(f"{key}: integer PCM ({value.dtype}) is not accepted; convert to float32 "
                           "in [-1, 1], e.g. x.astype(np.float32) / 32768 for int16")
    if value.dtype not in (np.float32, np.float64):
        raise InvalidInput(f"{key}: expected float32 or float64 samples, got {value.dtype}")
    if value.ndim not in (1, 2) or value.shape[-1] == 0:
        raise InvalidInput(f"{key}: expected a non-empty (n,) or (channels, n) array, got shape "
                           f"{value.shape}")
    if not np.isfinite(value).all():
        raise InvalidInput(f"{key}: audio contains NaN or inf samples")


def _check_spectrogram(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype not in (np.float32, np.float64):
        raise InvalidInput(f"{key}: expected a float32 (freq, time) array, got "
                           f"{getattr(value, 'dtype', type(value).__name__)}")
    if value.ndim not in (2, 3) or 0 in value.shape:
        raise InvalidInput(f"{key}: expected a non-empty (freq, time) or (channels, freq, time) "
                           f"array, got shape {value.shape}")
    if not np.isfinite(value).all():
        raise InvalidInput(f"{key}: spectrogram contains NaN or inf (take the log of power + a "
                           "small floor, as augmentlab.audio.mel_spectrogram does)")


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


def _check_points(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim != 2 \
            or value.shape[0] == 0 or value.shape[1] < 2:
        raise InvalidInput(f"{key}: expected a float array (N, D) of N >= 1 points in D >= 2 "
                           f"dimensions, got {getattr(value, 'dtype', type(value).__name__)} "
                           f"{getattr(value, 'shape', '')}")
    if not np.isfinite(value).all():
        raise InvalidInput(f"{key}: points must be finite (no NaN or inf coordinates)")


def _check_constituents(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim != 2 \
            or value.shape[1] != 3 or value.shape[0] == 0:
        raise InvalidInput(f"{key}: expected a float (N, 3) array of (eta, phi, pt) rows, got "
                           f"{getattr(value, 'dtype', type(value).__name__)} "
                           f"{getattr(value, 'shape', '')}")
    if not np.isfinite(value).all() or (value[:, 2] < 0).any():
        raise InvalidInput(f"{key}: constituents must be finite with pt >= 0")


def _check_per_point(key: str, value: Any, points: np.ndarray | None, normals: bool) -> None:
    if points is None:
        raise InvalidInput(f"{key}: these belong to the points of a cloud; pass points=... too")
    try:
        n = len(value)
    except TypeError:
        raise InvalidInput(f"{key}: expected one entry per point, got {type(value).__name__}") from None
    if isinstance(value, (str, bytes)) or n != len(points):
        raise InvalidInput(f"{key}: {n} entries for {len(points)} points; give one per point "
                           "(a list or an array, not a string)")
    if normals and (not isinstance(value, np.ndarray) or value.shape != points.shape
                    or value.dtype.kind != "f" or not np.isfinite(value).all()):
        raise InvalidInput(f"{key}: expected finite float normals shaped like the points "
                           f"{points.shape}")


def _check_events(key: str, value: Any, duration: float | None) -> None:
    if not isinstance(value, (list, tuple)):
        raise InvalidInput(f"{key}: expected a list of (onset, offset, label), got {type(value).__name__}")
    for i, event in enumerate(value):
        try:
            onset, offset, _ = event
            onset, offset = float(onset), float(offset)
        except (TypeError, ValueError):
            raise InvalidInput(f"{key}[{i}]: expected (onset, offset, label) with numeric times, "
                               f"got {event!r}") from None
        if not (math.isfinite(onset) and math.isfinite(offset)) or not 0 <= onset <= offset:
            raise InvalidInput(f"{key}[{i}]: needs 0 <= onset <= offset, got {onset:g}..{offset:g}")
        if duration is not None and offset > duration + 1e-9:
            raise InvalidInput(f"{key}[{i}]: ends at {offset:g} s, after the clip's end at "
                               f"{duration:g} s")


def _check_spans(key: str, value: Any, text: str | None) -> None:
    if text is None:
        raise InvalidInput(f"{key}: spans are character ranges of a text; pass text=... too")
    if not isinstance(value, (list, tuple)):
        raise InvalidInput(f"{key}: expected a list of (start, end, label), got {type(value).__name__}")
    for span in value:
        if not isinstance(span, (list, tuple)) or len(span) != 3 or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in span[:2]):
            raise InvalidInput(f"{key}: each span must be (start, end, label) with integer offsets, "
                               f"got {span!r}")
        if not 0 <= span[0] < span[1] <= len(text):
            raise InvalidInput(f"{key}: span {span[0]}..{span[1]} is empty or outside the text "
                               f"(0..{len(text)})")
    ordered = sorted((span[0], span[1]) for span in value)
    for (s0, e0), (s1, e1) in zip(ordered, ordered[1:], strict=False):  # neighbours
        if s1 < e0:
            raise InvalidInput(f"{key}: spans {s0}..{e0} and {s1}..{e1} overlap; merge them")


def _is_graph(value: Any) -> bool:
    from ..graph.structure import Graph  # (graph builds on core: imported when a graph arrives)

    return isinstance(value, Graph)


def check_modal_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate the non-image fields of one call (raises `InvalidInput` naming the field).

    Example:
        >>> check_modal_fields({"text": b"hi"}, {"text": "text"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: text: expected a str, got bytes; decode it first ...
    """
    if len(kinds) == 1 and "text" in kinds.values():  # the common text call: one str to check
        key = next(iter(kinds))
        if not isinstance(fields[key], str):
            raise InvalidInput(f"{key}: expected a str, got {type(fields[key]).__name__}; decode "
                               "it first (e.g. data.decode('utf-8'))")
        return
    rates = [k for k, v in kinds.items() if v == "sample_rate"]
    rate = fields[rates[0]] if rates else None
    duration = None
    for key, kind in kinds.items():
        value = fields[key]
        if kind == "text" and not isinstance(value, str):
            raise InvalidInput(f"{key}: expected a str, got {type(value).__name__}; decode it first "
                               "(e.g. data.decode('utf-8'))")
        if kind == "audio":
            _check_audio(key, value)
            if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate <= 0:
                raise InvalidInput(f"{key}: needs sample_rate=<positive int> in the same call, "
                                   f"got {rate!r}")
            duration = duration_of(value, int(rate))
        if kind == "spectrogram":
            _check_spectrogram(key, value)
        if kind == "series":
            _check_series(key, value)
        if kind == "points":
            _check_points(key, value)
        if kind == "constituents":
            _check_constituents(key, value)
        if kind == "video" and (not isinstance(value, np.ndarray) or value.ndim not in (3, 4)
                                or len(value) == 0 or value.dtype not in (np.uint8, np.float32)):
            raise InvalidInput(f"{key}: expected uint8 or float32 frames (T, H, W) or (T, H, W, C), "
                               f"got {getattr(value, 'dtype', type(value).__name__)} "
                               f"{getattr(value, 'shape', '')}")
        if kind == "graph" and not _is_graph(value):
            raise InvalidInput(f"{key}: expected an augmentlab.graph.Graph, got "
                               f"{type(value).__name__} (Graph.from_networkx converts a networkx "
                               "graph)")
        if kind == "features" and not isinstance(value, Mapping):
            raise InvalidInput(f"{key}: expected a mapping column -> value (one row), got "
                               f"{type(value).__name__}")
    texts = [fields[k] for k, v in kinds.items() if v == "text"]
    series = [fields[k] for k, v in kinds.items() if v == "series"]
    clouds = [fields[k] for k, v in kinds.items() if v == "points"]
    for key, kind in kinds.items():
        if kind == "events":
            _check_events(key, fields[key], duration)
        if kind == "spans":
            _check_spans(key, fields[key], texts[0] if texts else None)
        if kind == "step_labels":
            _check_step_labels(key, fields[key], len(series[0]) if series else None)
        if kind in ("point_labels", "normals"):
            _check_per_point(key, fields[key], clouds[0] if clouds else None, kind == "normals")
