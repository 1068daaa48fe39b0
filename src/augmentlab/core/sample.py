"""`Sample` (what a pipeline returns) and `Record` (what it did)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from .errors import InvalidInput
from .kinds import GRID_KINDS

__all__ = ["Record", "Sample", "Step", "to_jsonable"]


_NATIVE = (float, int, str, bool)


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays and tuples to plain JSON types (recursively).

    Example:
        >>> to_jsonable({"a": (np.float32(0.5), np.int64(3))})
        {'a': [0.5, 3]}
    """
    kind = type(value)
    if kind is float or kind is int or kind is str or kind is bool or value is None:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): v if type(v) in _NATIVE else to_jsonable(v)
                for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _NATIVE else to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


class Step(NamedTuple):
    """One node of a pipeline on one call: where it sits, whether it ran, with which params.

    Example:
        >>> Step("Compose/Rotate#0", "Rotate", True, {"angle": 3.0}).applied
        True
    """

    path: str
    name: str
    applied: bool
    params: dict[str, Any]


class Record(NamedTuple):
    """What a pipeline did to one sample; JSON-native, one manifest line.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.Rotate(limit=30)], seed=1)
        >>> out = pipe(image=np.zeros((8, 8, 3), np.uint8), sample_id=4)
        >>> rec = al.Record.from_json(out.record.to_json())
        >>> rec == out.record
        True
    """

    seed: int
    sample_id: int
    copy: int
    config_hash: str
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        d = self._asdict()
        d["steps"] = [s._asdict() for s in self.steps]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        try:
            steps = tuple(Step(s["path"], s["name"], bool(s["applied"]), dict(s["params"]))
                          for s in d["steps"])
            return cls(int(d["seed"]), int(d["sample_id"]), int(d["copy"]), str(d["config_hash"]),
                       steps)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"not a valid Record: missing or malformed {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> Record:
        return cls.from_dict(json.loads(text))


_NO_KINDS: dict[str, str] = {}
# keys by kind, per kinds dict: a pipeline's samples share one kinds dict per call layout (never
# mutated), and text transforms ask for their keys several times a call. The entry holds the
# dict itself, so its id cannot be reused while cached.
_KEYS: dict[int, tuple[dict[str, str], dict[str, list[str]]]] = {}
_new_sample = dict.__new__
_update = dict.update
_NO_META: dict[str, Any] = {}


class Sample(dict):  # type: ignore[type-arg]
    """A mapping of typed fields; ``.record`` says what produced it.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Compose([al.HorizontalFlip()], seed=0)(image=np.zeros((4, 4), np.uint8))
        >>> sorted(out), out.record.steps[0].name
        (['image'], 'HorizontalFlip')
    """

    __slots__ = ("kinds", "meta", "record")
    record: Record | None
    kinds: dict[str, str]  # shared between a sample and the samples derived from it: never mutate
    meta: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = None
        self.kinds = _NO_KINDS
        self.meta = _NO_META

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> Sample:
        """``Sample(fields)`` without the Python-level ``__init__`` (the pipeline's hot path)."""
        out = _new_sample(cls)
        _update(out, fields)
        out.record = None
        out.kinds = _NO_KINDS
        out.meta = _NO_META
        return out

    def derive(self, **changes: Any) -> Sample:
        """A shallow copy with some fields replaced; kinds and meta carried over."""
        out = _new_sample(Sample)  # dict's own constructor: __init__ would set the slots twice
        _update(out, self)
        if changes:
            _update(out, changes)
        out.kinds = self.kinds
        out.meta = self.meta
        out.record = self.record
        return out

    def keys_of(self, kind: str) -> list[str]:
        """Keys holding fields of `kind` (a fresh list)."""
        kinds = self.kinds
        hit = _KEYS.get(id(kinds))
        if hit is None or hit[0] is not kinds:
            if len(_KEYS) > 256:
                _KEYS.clear()
            by_kind: dict[str, list[str]] = {}
            for k, v in kinds.items():
                by_kind.setdefault(v, []).append(k)
            hit = _KEYS[id(kinds)] = (kinds, by_kind)
        return list(hit[1].get(kind, ()))

    def first_of(self, kind: str) -> str | None:
        """The first key holding a field of `kind`, or None (`keys_of` without the list).

        Example:
            >>> s = Sample(text="hi"); s.kinds = {"text": "text"}
            >>> s.first_of("text"), s.first_of("spans")
            ('text', None)
        """
        for k, v in self.kinds.items():
            if v == kind:
                return k
        return None

    @property
    def size(self) -> tuple[int, int]:
        """(height, width) of the sample's grid fields (images, masks: `kinds.GRID_KINDS`)."""
        for key, kind in self.kinds.items():
            if kind in GRID_KINDS:
                shape = self[key].shape
                return (int(shape[0]), int(shape[1]))
        raise InvalidInput(f"this sample has no field with a height and width "
                           f"({' or '.join(sorted(GRID_KINDS)) or 'none registered'}), so it has "
                           "no size; pass one (e.g. image=...) with boxes or keypoints")
