"""The point-cloud transforms of PointNet-style training: rigid and scaling maps (Rotate,
Scale, Translate, Flip, NormalizeToUnitSphere), noise (Jitter) and point selection
(RandomDropout, Shuffle)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_choice, check_number, check_prob, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from .base import LinearTransform, PointTransform, SelectTransform, points_of

__all__ = ["Flip", "Jitter", "NormalizeToUnitSphere", "RandomDropout", "Rotate", "Scale",
           "Shuffle", "Translate", "rotation_matrix"]

_AXES = {"x": 0, "y": 1, "z": 2}


def rotation_matrix(params: dict[str, Any]) -> np.ndarray:
    """The 3x3 (or 2x2) rotation of `Rotate`'s params: ``{"axis": "x"|"y"|"z", "degrees": a}``,
    ``{"degrees": a}`` in the plane, or ``{"quaternion": [w, x, y, z]}`` (a unit quaternion).

    Example:
        >>> np.round(rotation_matrix({"axis": "z", "degrees": 90.0}) @ [1.0, 0.0, 0.0], 9).tolist()
        [0.0, 1.0, 0.0]
    """
    if "quaternion" in params:
        w, x, y, z = params["quaternion"]
        return np.array([
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
    a = math.radians(params["degrees"])
    c, s = math.cos(a), math.sin(a)
    plane = np.array([[c, -s], [s, c]])
    if "axis" not in params:
        return plane
    out = np.eye(3)
    keep = [i for i in range(3) if i != _AXES[params["axis"]]]
    # about x: y -> z; about y: z -> x; about z: x -> y (right-handed)
    if params["axis"] == "y":
        keep = keep[::-1]
    out[np.ix_(keep, keep)] = plane
    return out


def _embed(matrix: np.ndarray, dims: int) -> np.ndarray:
    """A 2-D or 3-D map acting on the first coordinates of `dims`-dimensional points."""
    out = np.eye(dims)
    k = min(matrix.shape[0], dims)
    out[:k, :k] = matrix[:k, :k]
    return out


class Rotate(LinearTransform):
    """Rotate about the origin: about `axis` ("x", "y" or "z") by an angle drawn in
    ``[-max_degrees, max_degrees]``, or with ``axis=None`` uniformly at random in 3-D (a uniform
    unit quaternion, Shoemake's method). 2-D clouds turn in their plane. Normals turn with them;
    pairwise distances are kept.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pts = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
        >>> out = al.points.Rotate(axis="z", max_degrees=180)(points=pts, seed=0)["points"]
        >>> round(float(np.linalg.norm(out[0] - out[1])), 6) == round(float(np.sqrt(5)), 6)
        True
    """

    name = "points.Rotate"

    def __init__(self, *, axis: str | None = "z", max_degrees: float = 180.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.axis = None if axis is None else check_choice(self.name, "axis", axis, tuple(_AXES))
        self.max_degrees = check_number(self.name, "max_degrees", max_degrees, low=0, high=180)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        dims = points_of(sample)[1].shape[1]
        if self.axis is None and dims >= 3:
            u1, u2, u3 = uniform(rng, 0, 1), uniform(rng, 0, 2 * math.pi), uniform(rng, 0, 2 * math.pi)
            a, b = math.sqrt(1 - u1), math.sqrt(u1)
            return {"quaternion": [a * math.sin(u2), a * math.cos(u2), b * math.sin(u3),
                                   b * math.cos(u3)]}
        degrees = uniform(rng, -self.max_degrees, self.max_degrees)
        return {"degrees": degrees} if dims == 2 or self.axis is None else \
            {"axis": self.axis, "degrees": degrees}

    def linear(self, points: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        return _embed(rotation_matrix(params), points.shape[1]), np.zeros(points.shape[1])


class Scale(LinearTransform):
    """Scale about the origin by a factor drawn in ``[min_scale, max_scale]`` -- one for every
    axis, or one per axis with ``anisotropic=True``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.points.Scale(min_scale=2, max_scale=2)(points=np.ones((1, 3)), seed=0)["points"].tolist()
        [[2.0, 2.0, 2.0]]
    """

    name = "points.Scale"

    def __init__(self, *, min_scale: float = 0.8, max_scale: float = 1.25,
                 anisotropic: bool = False, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.scale = to_range(self.name, "min_scale..max_scale", (min_scale, max_scale),
                              low=1e-6, high=1e6)
        if not isinstance(anisotropic, bool):
            raise InvalidConfig(f"{self.name}: anisotropic={anisotropic!r} must be true or false")
        self.anisotropic = anisotropic

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        dims = points_of(sample)[1].shape[1]
        count = dims if self.anisotropic else 1
        return {"factors": [uniform(rng, *self.scale) for _ in range(count)]}

    def linear(self, points: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        factors = np.resize(np.asarray(params["factors"]), points.shape[1])
        return np.diag(factors), np.zeros(points.shape[1])


class Translate(LinearTransform):
    """Shift the cloud by an offset drawn uniformly in ``[-max_shift, max_shift]`` per axis.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.points.Translate(max_shift=0.5)(points=np.zeros((2, 3)), seed=0)
        >>> bool(np.all(np.abs(out["points"]) <= 0.5)), bool(np.all(out["points"][0] == out["points"][1]))
        (True, True)
    """

    name = "points.Translate"

    def __init__(self, *, max_shift: float = 0.2, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_shift = check_number(self.name, "max_shift", max_shift, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        dims = points_of(sample)[1].shape[1]
        return {"shift": [uniform(rng, -self.max_shift, self.max_shift) for _ in range(dims)]}

    def linear(self, points: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        return np.eye(points.shape[1]), np.asarray(params["shift"])


class Flip(LinearTransform):
    """Mirror the cloud across the plane ``axis = 0`` (normals mirror too). Use it only where a
    mirrored object keeps its label. Deterministic (use ``p`` for "half of the time").

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.points.Flip(axis="x")(points=np.array([[1.0, 2.0, 3.0]]))["points"].tolist()
        [[-1.0, 2.0, 3.0]]
    """

    name = "points.Flip"
    random = False
    native_params = True

    def __init__(self, *, axis: str = "x", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.axis = check_choice(self.name, "axis", axis, tuple(_AXES))

    def linear(self, points: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        axis = _AXES[self.axis]
        if axis >= points.shape[1]:
            raise InvalidInput(f"{self.name}: axis {self.axis!r} does not exist in "
                               f"{points.shape[1]}-D points")
        matrix = np.eye(points.shape[1])
        matrix[axis, axis] = -1.0
        return matrix, np.zeros(points.shape[1])


class NormalizeToUnitSphere(LinearTransform):
    """Centre the cloud on its centroid and scale it so the farthest point is at distance 1
    (a single point, or all points on the centroid, are only centred). Deterministic.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.points.NormalizeToUnitSphere()(points=np.array([[0.0, 0, 0], [4.0, 0, 0]]))
        >>> out["points"].tolist()
        [[-1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    """

    name = "points.NormalizeToUnitSphere"
    random = False
    native_params = True

    def linear(self, points: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        centre = points.mean(axis=0)
        radius = float(np.linalg.norm(points - centre, axis=1).max())
        scale = 1.0 / radius if radius > 0 else 1.0
        return np.eye(points.shape[1]) * scale, -centre * scale


class Jitter(PointTransform):
    """Move every point by Gaussian noise of standard deviation `sigma` per coordinate, clipped
    to ``[-clip, clip]`` (PointNet's jitter); normals are kept. The noise comes from a recorded
    seed.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> d = al.points.Jitter(sigma=0.01, clip=0.02)(points=np.zeros((500, 3)), seed=0)["points"]
        >>> bool(np.abs(d).max() <= 0.02), bool(0.008 < d.std() < 0.011)
        (True, True)
    """

    name = "points.Jitter"

    def __init__(self, *, sigma: float = 0.01, clip: float = 0.05, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.sigma = check_number(self.name, "sigma", sigma, low=0)
        self.clip = check_number(self.name, "clip", clip, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def apply_points(self, points: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        noise = kernel_rng(params["seed"]).standard_normal(points.shape) * self.sigma
        return (points + np.clip(noise, -self.clip, self.clip)).astype(points.dtype, copy=False)


class RandomDropout(SelectTransform):
    """Drop a share of the points drawn in ``[0, max_ratio]`` (PointNet++'s random input
    dropout), at least one point kept; labels and normals go with their points, the order of the
    rest is kept. The output has fewer points.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.points.RandomDropout(max_ratio=0.5)(points=np.arange(30.0).reshape(10, 3),
        ...                                              point_labels=list(range(10)), seed=1)
        >>> [int(p[0]) // 3 for p in out["points"]] == out["point_labels"]
        True
    """

    name = "points.RandomDropout"

    def __init__(self, *, max_ratio: float = 0.875, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_ratio = check_prob(self.name, "max_ratio", max_ratio)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        count = len(points_of(sample)[1])
        dropped = min(int(uniform(rng, 0, self.max_ratio) * count), count - 1)
        return {"dropped": sorted(rng.choice(count, dropped, replace=False).tolist())}

    def chosen(self, count: int, params: dict[str, Any]) -> np.ndarray:
        keep = np.ones(count, dtype=bool)
        keep[params["dropped"]] = False
        return np.flatnonzero(keep)


class Shuffle(SelectTransform):
    """Put the points in a random order (labels and normals with them): a model should not care.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.points.Shuffle()(points=np.arange(12.0).reshape(4, 3), point_labels=list("abcd"), seed=0)
        >>> sorted(out["point_labels"])
        ['a', 'b', 'c', 'd']
    """

    name = "points.Shuffle"

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"order": rng.permutation(len(points_of(sample)[1])).tolist()}

    def chosen(self, count: int, params: dict[str, Any]) -> np.ndarray:
        return np.asarray(params["order"], dtype=np.intp)
