"""A torch ``collate_fn`` that mixes each batch (MixUp, CutMix, SaliencyMix, Remix)."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from .base import Mixer

__all__ = ["MixCollate"]


class MixCollate:
    """Collate ``(image, label)`` items (or dicts with ``"image"``, ``"label"`` and optionally
    ``"sample_id"``) into a mixed ``(images, soft_labels)`` pair of tensors. Images may be
    ``(C, H, W)`` tensors or ``(H, W[, C])`` arrays. Each batch draws from ``(seed, epoch, the
    batch's sample ids)`` -- or, without ids, a digest of its bytes -- so a batch mixes the same
    way in any DataLoader worker and with any number of workers.

    Example:
        >>> import torch
        >>> from augmentlab.mix import CutMix
        >>> collate = MixCollate(CutMix(num_classes=3), seed=0)
        >>> x, y = collate([(torch.zeros(1, 8, 8), 0), (torch.ones(1, 8, 8), 2)])
        >>> tuple(x.shape), tuple(y.shape), bool(torch.allclose(y.sum(1), torch.ones(2)))
        ((2, 1, 8, 8), (2, 3), True)
    """

    def __init__(self, mixer: Mixer, *, num_classes: int | None = None, seed: int = 0) -> None:
        if not isinstance(mixer, Mixer):
            raise InvalidInput(f"MixCollate: mixer must be a Mixer (MixUp, CutMix, ...), got "
                               f"{type(mixer).__name__}")
        import multiprocessing

        self.mixer, self.num_classes, self.seed = mixer, num_classes, int(seed)
        # shared memory: persistent DataLoader workers keep their own copy of this object, and
        # a plain attribute set in the main process would never reach them
        self._epoch = multiprocessing.RawValue("q", 0)

    @property
    def epoch(self) -> int:
        """The epoch `set_epoch` set (0 until then)."""
        return int(self._epoch.value)

    def set_epoch(self, epoch: int) -> None:
        """Draw differently in each epoch (call before iterating the DataLoader); reaches
        persistent workers too.

        Example:
            >>> from augmentlab.mix import MixUp
            >>> collate = MixCollate(MixUp(num_classes=2)); collate.set_epoch(4); collate.epoch
            4
        """
        self._epoch.value = int(epoch)

    def __call__(self, items: list[Any]) -> tuple[Any, Any]:
        from ..core.optional import require_torch

        torch = require_torch("MixCollate")
        if not items:
            raise InvalidInput("MixCollate: an empty batch")
        ids = None
        if isinstance(items[0], dict):
            images = [it["image"] for it in items]
            labels = [it["label"] for it in items]
            if all("sample_id" in it for it in items):
                ids = [int(it["sample_id"]) for it in items]
        else:
            images, labels = [it[0] for it in items], [it[1] for it in items]
        tensors = isinstance(images[0], torch.Tensor)
        x = np.stack([im.detach().cpu().numpy() if tensors else np.asarray(im) for im in images])
        y = np.stack([lab.detach().cpu().numpy() if isinstance(lab, torch.Tensor)
                      else np.asarray(lab) for lab in labels])
        key = ids if ids is not None else [int.from_bytes(
            hashlib.blake2b(x.tobytes() + y.tobytes(), digest_size=8).digest(), "little")]
        batch = int.from_bytes(hashlib.blake2b(
            repr((self.epoch, key)).encode(), digest_size=8).digest(), "little")
        extra: dict[str, Any] = {"channels_first": tensors and x.ndim == 4}
        if self.num_classes is not None:
            extra["num_classes"] = self.num_classes
        out = self.mixer(x, y, seed=self.seed, batch=batch, **extra)
        return torch.from_numpy(np.ascontiguousarray(out.images)), torch.from_numpy(
            out.labels.astype(np.float32))
