"""What each point-cloud transform does (the shared contract is in tests/test_modal_invariants.py):
rigid maps keep distances, normals stay normal to the surface, labels follow their points."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput


def _sphere(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points on the unit sphere and their normals (which are the points themselves)."""
    v = np.random.default_rng(seed).standard_normal((n, 3))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return v.copy(), v.copy()


def _distances(p: np.ndarray) -> np.ndarray:
    return np.linalg.norm(p[:, None] - p[None], axis=-1)


@pytest.mark.parametrize("axis", ["x", "y", "z", None])
def test_rotation_keeps_distances_and_turns_normals_with_the_surface(axis: str | None) -> None:
    pts, normals = _sphere()
    for seed in range(5):
        out = al.points.Rotate(axis=axis)(points=pts, normals=normals, seed=seed)
        np.testing.assert_allclose(_distances(out["points"]), _distances(pts), atol=1e-9)
        np.testing.assert_allclose(out["normals"], out["points"], atol=1e-9)  # still radial
        matrix = al.points.rotation_matrix(out.record.steps[0].params)
        np.testing.assert_allclose(matrix @ matrix.T, np.eye(3), atol=1e-12)
        assert np.linalg.det(matrix) == pytest.approx(1.0)  # a rotation, not a reflection
        if axis is not None:  # the axis itself stays put
            k = "xyz".index(axis)
            np.testing.assert_allclose(out["points"][:, k], pts[:, k], atol=1e-12)


def test_random_3d_rotations_are_uniform() -> None:
    # a uniformly random rotation sends a fixed vector to a uniform point on the sphere: the
    # mean is ~0 and each coordinate's variance ~1/3
    ends = np.array([al.points.Rotate(axis=None)(points=np.array([[0.0, 0.0, 1.0]]), seed=s)["points"][0]
                     for s in range(3000)])
    np.testing.assert_allclose(ends.mean(axis=0), 0.0, atol=0.04)
    np.testing.assert_allclose(ends.var(axis=0), 1 / 3, atol=0.03)


def test_anisotropic_scale_turns_normals_by_the_inverse_transpose() -> None:
    pts, normals = _sphere()
    out = al.points.Scale(min_scale=0.5, max_scale=2.0, anisotropic=True)(points=pts, normals=normals, seed=1)
    f = np.asarray(out.record.steps[0].params["factors"])
    np.testing.assert_allclose(out["points"], pts * f)
    # the scaled sphere is the ellipsoid sum((x / f)^2) = 1, whose normal is x / f^2
    expected = out["points"] / f**2
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(out["normals"], expected, atol=1e-9)


def test_flip_translate_and_unit_sphere() -> None:
    pts, normals = _sphere()
    flipped = al.points.Flip(axis="z")(points=pts, normals=normals)
    np.testing.assert_allclose(flipped["points"][:, 2], -pts[:, 2])
    np.testing.assert_allclose(flipped["normals"], flipped["points"])
    moved = al.points.Translate(max_shift=1.0)(points=pts, normals=normals, seed=2)
    shift = np.asarray(moved.record.steps[0].params["shift"])
    np.testing.assert_allclose(moved["points"], pts + shift)
    np.testing.assert_allclose(moved["normals"], normals)  # a shift does not turn a surface
    cloud = np.random.default_rng(0).uniform(5, 9, (50, 3))
    unit = al.points.NormalizeToUnitSphere()(points=cloud)["points"]
    np.testing.assert_allclose(unit.mean(axis=0), 0.0, atol=1e-12)
    assert np.linalg.norm(unit, axis=1).max() == pytest.approx(1.0)
    with pytest.raises(InvalidInput, match="does not exist"):
        al.points.Flip(axis="z")(points=np.zeros((3, 2)))


def test_dropout_and_shuffle_keep_labels_and_normals_with_their_points() -> None:
    pts, normals = _sphere(100)
    labels = np.arange(100)
    for t in (al.points.RandomDropout(max_ratio=0.9), al.points.Shuffle()):
        for seed in range(5):
            out = t(points=pts, normals=normals, point_labels=labels, seed=seed)
            np.testing.assert_array_equal(out["points"], pts[out["point_labels"]])
            np.testing.assert_array_equal(out["normals"], normals[out["point_labels"]])
            assert 1 <= len(out["points"]) <= 100
    kept = al.points.RandomDropout(max_ratio=1.0)(points=pts[:1], seed=0)["points"]
    assert len(kept) == 1  # never an empty cloud
    order = al.points.Shuffle()(points=pts, point_labels=list(labels), seed=0)["point_labels"]
    assert sorted(order) == list(labels) and order != list(labels)


def test_jitter_is_clipped_noise() -> None:
    out = al.points.Jitter(sigma=0.05, clip=0.03)(points=np.zeros((2000, 3)), seed=0)["points"]
    assert np.abs(out).max() <= 0.03 and (np.abs(out) == 0.03).mean() > 0.3  # the clip bites


def test_bad_clouds_are_refused() -> None:
    pipe = al.Compose([al.points.Jitter()], seed=0)
    with pytest.raises(InvalidInput, match=r"\(N, D\)"):
        pipe(points=np.zeros(3))
    with pytest.raises(InvalidInput, match="finite"):
        pipe(points=np.array([[0.0, np.nan]]))
    with pytest.raises(InvalidInput, match="3 entries for 2 points"):
        pipe(points=np.zeros((2, 3)), point_labels=[1, 2, 3])
    with pytest.raises(InvalidInput, match="shaped like the points"):
        pipe(points=np.zeros((2, 3)), normals=np.zeros((2, 2)))
    with pytest.raises(InvalidInput, match="works on points.*pass that field"):
        pipe(point_labels=[1])
    with pytest.raises(InvalidConfig, match="axis"):
        al.points.Rotate(axis="w")
