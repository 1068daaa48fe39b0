"""Test-time augmentation: predict on several augmented views and combine them. For segmentation,
each view's output map goes back through the inverse of the view's geometric matrix first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig, InvalidInput
from ..core.sample import Record
from ..core.transform import Transform
from ..image.spatial.bases import DisplacementTransform, GeometricTransform
from ..image.spatial.geometry import warp_general

if TYPE_CHECKING:
    from torch.nn import Module

    from ..core.types import ArrayLike

__all__ = ["record_matrix", "torch_predictor", "tta_predict"]

Predict = Callable[[np.ndarray], np.ndarray]


def torch_predictor(net: Module, *, batch_size: int = 256) -> Predict:
    """A numpy predictor from a torch classifier or segmenter: ``(N, H, W[, C])`` images (uint8 or
    float in [0, 1]) in, softmax probabilities out (``(N, K)``, or ``(N, H, W, K)`` for a net
    that returns ``(N, K, H, W)`` maps).

    Example:
        >>> import torch, numpy as np
        >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 3))
        >>> torch_predictor(net)(np.zeros((2, 4, 4), np.uint8)).shape
        (2, 3)
    """
    from .data import image_tensor

    def predict(x: np.ndarray) -> np.ndarray:
        import torch

        net.eval()
        out = []
        with torch.no_grad():
            for i in range(0, len(x), batch_size):
                batch = torch.stack([image_tensor(im) for im in x[i:i + batch_size]])
                p = torch.softmax(net(batch), dim=1).numpy()
                out.append(p.transpose(0, 2, 3, 1) if p.ndim == 4 else p)
        return np.concatenate(out)

    return predict


def record_matrix(pipeline: Compose, record: Record, size: tuple[int, int]
                  ) -> tuple[np.ndarray, tuple[int, int]]:
    """The 3x3 matrix (input pixel -> output pixel) and output size of the geometric steps a
    record says were applied. Refuses records of pixel-moving steps that have no matrix.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.HorizontalFlip(p=1.0)], seed=0)
        >>> out = pipe(image=np.zeros((4, 6), np.uint8))
        >>> record_matrix(pipe, out.record, (4, 6))[0][0].tolist()
        [-1.0, 0.0, 5.0]
    """
    leaves: dict[str, Transform] = {}
    todo = list(pipeline._tree)  # the runner's own plan: the paths its records use
    while todo:
        entry = todo.pop()
        if entry.children:
            todo += entry.children
        else:
            leaves[entry.label] = entry.transform
    m, current = np.eye(3), size
    for step in record.steps:
        t = leaves.get(step.path)
        if t is None or not step.applied:
            continue
        if isinstance(t, GeometricTransform):
            m = t.matrix(step.params, current) @ m
            current = t.output_size(step.params, current)
        elif isinstance(t, DisplacementTransform) or "keypoints" in t.fields:
            raise InvalidInput(f"tta_predict: {t.name} moves pixels without a matrix, so its "
                               "output cannot be mapped back; use flips, crops, affine "
                               "transforms and colour changes for segmentation TTA")
    return m, current


def tta_predict(predict: Predict, x: ArrayLike, pipeline: Transform, n: int = 8, *,
                reduce: str = "mean", segmentation: bool = False, include_original: bool = True,
                seed: int = 0) -> np.ndarray:
    """Average (``reduce="mean"``) or vote (``"vote"``: the share of views that chose each class)
    the predictions on ``n`` augmented views of each image (plus the image itself, unless
    ``include_original=False``). `predict` maps a batch ``(N, H, W[, C])`` to probabilities
    ``(N, K)`` -- or, with ``segmentation=True``, to maps ``(N, H', W', K)`` that are mapped back
    to the input frame through each view's inverse matrix (pixels a view did not see are left
    out of that pixel's average).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> predict = lambda x: np.stack([x.mean((1, 2)), 255 - x.mean((1, 2))], 1) / 255
        >>> x = np.random.default_rng(0).integers(0, 256, (3, 8, 8)).astype(np.uint8)
        >>> tta = tta_predict(predict, x, al.HorizontalFlip(), n=2)
        >>> bool(np.allclose(tta, predict(x)))  # a flip does not change the mean
        True
    """
    if reduce not in ("mean", "vote"):
        raise InvalidConfig(f"tta_predict: reduce={reduce!r} must be 'mean' or 'vote'")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0 or (n == 0 and not include_original):
        raise InvalidConfig(f"tta_predict: n={n!r} must be a count of views (>= 1 without the "
                            "original)")
    images = np.asarray(x)
    if images.ndim not in (3, 4):
        raise InvalidInput(f"tta_predict: x must be a batch (N, H, W[, C]), got {images.shape}")
    pipe = pipeline if isinstance(pipeline, Compose) else Compose([pipeline])
    size = images.shape[1:3]
    total: np.ndarray | None = None
    weight: np.ndarray | None = None
    views = ([None] if include_original else []) + list(range(n))
    for copy in views:
        if copy is None:
            batch, records = images, None
        else:
            outs = [pipe(image=im, sample_id=i, copy=copy, seed=seed) for i, im in enumerate(images)]
            shapes = {o["image"].shape for o in outs}
            if len(shapes) > 1:
                raise InvalidInput("tta_predict: the views came out in different sizes; use a "
                                   "pipeline with a fixed output size")
            batch = np.stack([o["image"] for o in outs])
            records = [o.record for o in outs if o.record is not None]
        p = np.asarray(predict(batch), dtype=np.float64)
        cover = np.ones(p.shape[:-1] + (1,))
        if segmentation:
            if p.ndim != 4:
                raise InvalidInput(f"tta_predict: segmentation needs (N, H, W, K) maps, got "
                                   f"{p.shape}")
            if records is not None:
                p, cover = _back(pipe, records, p, size)
            elif p.shape[1:3] != size:
                raise InvalidInput("tta_predict: the maps must have the images' size")
        elif p.ndim != 2:
            raise InvalidInput(f"tta_predict: predict must return (N, K) probabilities, got "
                               f"{p.shape}; pass segmentation=True for maps")
        if reduce == "vote":
            p = np.eye(p.shape[-1])[p.argmax(axis=-1)]
        total = p * cover if total is None else total + p * cover
        weight = cover if weight is None else weight + cover
    assert total is not None and weight is not None
    return total / np.maximum(weight, 1e-12)


def _back(pipe: Compose, records: list[Record], maps: np.ndarray,
          size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each view's maps (and a coverage map) warped back into the input frame."""
    out = np.zeros((len(maps), *size, maps.shape[-1]))
    cover = np.zeros((len(maps), *size, 1))
    for i, (record, m) in enumerate(zip(records, maps, strict=True)):
        matrix, out_size = record_matrix(pipe, record, size)
        if m.shape[:2] != out_size:
            raise InvalidInput(f"tta_predict: predict returned {m.shape[:2]} maps for "
                               f"{out_size} views; return maps at the input's size")
        inverse = np.linalg.inv(matrix)
        out[i] = warp_general(m.astype(np.float32), inverse, size, interpolation="linear",
                              border="constant", fill=0).reshape(*size, -1)
        seen = warp_general(np.ones(out_size, np.float32), inverse, size,
                            interpolation="linear", border="constant", fill=0)
        cover[i, :, :, 0] = seen > 0.999  # pixels fully inside the view
    return out, cover
