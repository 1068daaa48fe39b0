"""Box and keypoint settings the Albumentations way (``bbox_params``, ``keypoint_params``) and
per-item label lists passed by keyword, kept in step with the boxes or points they describe.

A label list given next to the boxes (``labels=[...]`` or a declared ``label_fields`` name) is
indexed by the boxes that survive the pipeline, so it can never drift from them. A list that
looks per-box but was not declared is refused rather than passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...core.errors import InvalidConfig, InvalidInput
from .fields import BBOX_FORMATS

__all__ = ["DEFAULT_LABEL_FIELD", "BoxParams", "PointParams", "check_label_list", "take"]

DEFAULT_LABEL_FIELD = "labels"  # follows the boxes (or the keypoints) without being declared

# Albumentations' BboxParams / KeypointParams arguments, with the values we honour as they are.
# Each other value would change what the boxes mean, and is refused rather than ignored.
_BOX_KEYS = {"format", "label_fields", "min_area", "min_visibility", "min_width", "min_height",
             "check_each_transform", "clip", "filter_invalid_bboxes", "max_accept_ratio"}
_POINT_KEYS = {"format", "label_fields", "remove_invisible", "angle_in_degrees",
               "check_each_transform"}


def _as_mapping(owner: str, value: Any, keys: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        out = dict(value)
    elif all(hasattr(value, k) for k in ("format", "label_fields")):  # an A.BboxParams object
        out = {k: getattr(value, k) for k in keys if hasattr(value, k)}
    else:
        raise InvalidConfig(f"Compose: {owner} must be a mapping like {{'format': 'pascal_voc', "
                            f"'label_fields': ['labels']}}, got {type(value).__name__}")
    unknown = sorted(set(out) - keys, key=repr)  # a file's keys may mix types (1, "x", null)
    if unknown:
        raise InvalidConfig(f"Compose: {owner} has unknown keys {unknown}; known: "
                            f"{', '.join(sorted(keys))}")
    return out


def _label_names(owner: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence) or \
            not all(isinstance(v, str) for v in value):
        raise InvalidConfig(f"Compose: {owner}['label_fields'] must be a list of field names, "
                            f"got {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class BoxParams:
    """What Compose does with boxes: their format, the filters after the pipeline, label fields.

    Example:
        >>> BoxParams.parse({"format": "coco", "label_fields": ["class_labels"]}).label_fields
        ('class_labels',)
    """

    format: str = "pascal_voc"
    label_fields: tuple[str, ...] = ()
    min_area: float = 0.0
    min_visibility: float = 0.0
    min_width: float = 0.0
    min_height: float = 0.0
    clip: bool = False

    @classmethod
    def parse(cls, value: Any) -> BoxParams:
        """From a mapping (or an ``A.BboxParams``) with Albumentations' keys."""
        d = _as_mapping("bbox_params", value, _BOX_KEYS)
        fmt = d.get("format", "pascal_voc")
        if fmt not in BBOX_FORMATS:
            raise InvalidConfig(f"Compose: bbox_params format {fmt!r} is not one of "
                                f"{', '.join(BBOX_FORMATS)}")
        if d.get("filter_invalid_bboxes"):
            raise InvalidConfig("Compose: bbox_params filter_invalid_bboxes=True is not supported: "
                                "invalid input boxes are refused with the box named; fix or drop "
                                "them before the call")
        if d.get("max_accept_ratio") is not None:
            raise InvalidConfig("Compose: bbox_params max_accept_ratio is not supported; filter "
                                "the output boxes by aspect ratio yourself")
        numbers = {}
        for k in ("min_area", "min_visibility", "min_width", "min_height"):
            v = d.get(k, 0.0)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
                raise InvalidConfig(f"Compose: bbox_params {k}={v!r} must be a finite number >= 0")
            numbers[k] = float(v)
        if numbers["min_visibility"] > 1:
            raise InvalidConfig("Compose: bbox_params min_visibility must be in [0, 1]")
        # check_each_transform: we filter once, after the pipeline, on exact visibility; a box
        # that leaves the frame mid-pipeline and comes back is kept, which Albumentations drops
        return cls(fmt, _label_names("bbox_params", d.get("label_fields")), clip=bool(d.get("clip")),
                   **numbers)


@dataclass(frozen=True)
class PointParams:
    """What Compose does with keypoints: label fields and whether points leaving the frame go.

    Example:
        >>> PointParams.parse({"format": "xy", "remove_invisible": False}).remove_invisible
        False
    """

    label_fields: tuple[str, ...] = ()
    remove_invisible: bool = True

    @classmethod
    def parse(cls, value: Any) -> PointParams:
        """From a mapping (or an ``A.KeypointParams``) with Albumentations' keys."""
        d = _as_mapping("keypoint_params", value, _POINT_KEYS)
        fmt = d.get("format", "xy")
        if fmt != "xy":
            raise InvalidConfig(f"Compose: keypoint_params format {fmt!r} is not supported: "
                                "keypoints are (x, y); extra columns (angle, scale) would be "
                                "carried unchanged, not transformed. Pass the (x, y) columns only")
        return cls(_label_names("keypoint_params", d.get("label_fields")),
                   bool(d.get("remove_invisible", True)))


def check_label_list(key: str, value: Any, n: int, what: str) -> None:
    """Raise `InvalidInput` unless `value` is a sequence of one label per box (or point).

    Example:
        >>> check_label_list("labels", ["cat", "dog"], 2, "box")
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or \
            not hasattr(value, "__getitem__"):
        raise InvalidInput(f"{key}: a {what} label field must be a list with one label per {what}, "
                           f"got {type(value).__name__}")
    if len(value) != n:
        raise InvalidInput(f"{key}: {len(value)} labels for {n} {what}(es); give one label per "
                           f"{what}, in the same order")


def take(value: Any, index: np.ndarray) -> Any:
    """The items of a label list at `index`, in a container of the same type.

    Example:
        >>> take(["a", "b", "c"], np.array([2, 0])), take(("a", "b"), np.array([1]))
        (['c', 'a'], ('b',))
    """
    if isinstance(value, np.ndarray):
        return value[index]
    if type(value).__module__.startswith("torch"):
        import torch

        return value[torch.as_tensor(index, dtype=torch.long)]
    items = [value[int(i)] for i in index]
    return tuple(items) if isinstance(value, tuple) else items
