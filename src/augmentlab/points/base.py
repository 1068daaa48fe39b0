"""What every point-cloud transform shares: the cloud, and its per-point labels and normals
carried along -- through a linear map (normals by the inverse transpose, renormalised) or
through a selection of points (labels and normals picked with them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.kinds import field_of
from ..core.sample import Sample
from ..core.transform import Transform

__all__ = ["LinearTransform", "PointTransform", "SelectTransform", "points_of"]


def points_of(sample: Any) -> tuple[str, np.ndarray]:
    """``(key, points)`` of the sample's point cloud."""
    return field_of(sample, "points", "a point cloud: pass points=... ((N, D) floats)")


class PointTransform(Transform):
    """A point-cloud transform: changes ``points`` (and ``normals`` / ``point_labels`` when
    it moves or selects points)."""

    _abstract = True
    fields = frozenset({"points"})


class LinearTransform(PointTransform):
    """``x -> x A^T + b`` for a matrix A and offset b given per call (`linear`); normals go
    through ``A^-T`` and are renormalised (what a surface's normals do under the map)."""

    _abstract = True
    fields = frozenset({"points", "normals"})

    def linear(self, points: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """``(A, b)``: a ``(D, D)`` matrix and a ``(D,)`` offset."""
        raise NotImplementedError

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, pts = points_of(sample)
        matrix, offset = self.linear(pts, params)
        changes: dict[str, Any] = {key: (pts @ matrix.T + offset).astype(pts.dtype, copy=False)}
        normal_keys = sample.keys_of("normals")
        if normal_keys:
            inverse_t = np.linalg.inv(matrix).T
            for nk in normal_keys:
                n = sample[nk] @ inverse_t.T
                length = np.linalg.norm(n, axis=1, keepdims=True)
                changes[nk] = (n / np.where(length > 0, length, 1.0)).astype(sample[nk].dtype,
                                                                            copy=False)
        return sample.derive(**changes)


class SelectTransform(PointTransform):
    """Keeps some points in some order (`chosen`, per call): labels and normals follow."""

    _abstract = True
    fields = frozenset({"points", "normals", "point_labels"})

    def chosen(self, count: int, params: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, pts = points_of(sample)
        idx = self.chosen(len(pts), params)
        changes: dict[str, Any] = {key: pts[idx]}
        for nk in sample.keys_of("normals"):
            changes[nk] = sample[nk][idx]
        for lk in sample.keys_of("point_labels"):
            labels = sample[lk]
            changes[lk] = labels[idx] if isinstance(labels, np.ndarray) else [labels[i] for i in idx.tolist()]
        return sample.derive(**changes)
