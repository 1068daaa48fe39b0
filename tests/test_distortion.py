"""Non-affine warps: the elastic field has the statistics of the recipe it replaces."""

from __future__ import annotations

import cv2
import numpy as np

import augmentlab as al
from augmentlab.image.spatial.geometry import forward_map_points, identity_map


def _reference_std(alpha: float, sigma: float, size: int = 256, n: int = 10) -> float:
    """Simard's recipe at full resolution: Gaussian-blurred uniform noise times alpha."""
    rng = np.random.default_rng(0)
    stds = []
    for _ in range(n):
        noise = rng.uniform(-1, 1, (size, size)).astype(np.float32)
        stds.append(float(cv2.GaussianBlur(noise, (0, 0), sigma).std()) * alpha)
    return float(np.mean(stds))


def test_elastic_displacement_matches_the_blurred_noise_recipe() -> None:
    for alpha, sigma in [(40, 5), (34, 4), (120, 12)]:
        t = al.ElasticWarp(alpha=alpha, sigma=sigma)
        disp = [t.source_map({"seed": s}, (256, 256)) - identity_map((256, 256)) for s in range(10)]
        ours = float(np.mean([d.std() for d in disp]))
        assert abs(ours / _reference_std(alpha, sigma) - 1) < 0.08, (alpha, sigma, ours)
        # smooth: neighbouring displacements are strongly correlated, as for a sigma-blurred field
        d = disp[0][..., 0]
        corr = np.corrcoef(d[:, :-1].ravel(), d[:, 1:].ravel())[0, 1]
        assert corr > 0.9


def test_forward_mapping_inverts_the_field() -> None:
    t = al.ElasticWarp(alpha=40, sigma=5)
    m = t.source_map({"seed": 1}, (64, 64))
    pts = np.array([[10.0, 20.0], [32.5, 31.0], [50.0, 5.0]])
    q = forward_map_points(pts, m)
    # sample the map at q (bilinear) and come back to the source points
    back = np.stack([cv2.remap(m[..., c], q[:, :1].astype(np.float32), q[:, 1:].astype(np.float32),
                               cv2.INTER_LINEAR).ravel() for c in range(2)], axis=1)
    assert np.abs(back - pts).max() < 0.05
