"""torch Datasets: augment on the fly (`AugmentedDataset`) or read an augmented folder
(`OfflineAugmentedDataset`).

On the fly, item ``i`` in epoch ``e`` is the pipeline's sample ``i``, copy ``e``: its draw is
fixed by ``(seed, i, e)``, so it is the same whichever DataLoader worker makes it and however many
workers there are, and differs from epoch to epoch. `seed_worker` additionally seeds the global
generators (numpy, random, torch) per worker for user code that still uses them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import DataError, InvalidConfig, InvalidInput
from ..core.transform import Transform
from ..synth.persist import require_torch

__all__ = ["AugmentedDataset", "OfflineAugmentedDataset", "image_tensor", "seed_worker"]


def image_tensor(image: np.ndarray) -> Any:
    """An ``(H, W[, C])`` uint8 or float image as a float32 ``(C, H, W)`` tensor in [0, 1].

    Example:
        >>> import numpy as np
        >>> tuple(image_tensor(np.zeros((4, 6), np.uint8)).shape)
        (1, 4, 6)
    """
    torch = require_torch("augmentlab.torch")
    x = image.astype(np.float32) / 255.0 if image.dtype == np.uint8 else np.array(
        image, dtype=np.float32)
    x = x[None] if x.ndim == 2 else x.transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(x))


def seed_worker(worker_id: int) -> None:
    """``worker_init_fn`` for a DataLoader: seed numpy's and Python's global generators from the
    worker's torch seed (which the DataLoader derives from its own generator), so code that uses
    them is reproducible too. augmentlab's own draws never need it.

    Example:
        >>> seed_worker(0)  # outside a worker: seeds from torch's initial seed
    """
    torch = require_torch("augmentlab.torch")
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)


def _pipeline(owner: str, pipeline: Any) -> Compose | None:
    if pipeline is None:
        return None
    if isinstance(pipeline, Mapping):
        pipeline = Transform.from_config(pipeline)
    if not isinstance(pipeline, Transform):
        raise InvalidConfig(f"{owner}: pipeline must be a transform, a pipeline or a config, "
                            f"got {type(pipeline).__name__}")
    return pipeline if isinstance(pipeline, Compose) else Compose([pipeline])


class AugmentedDataset:
    """Wrap samples with a pipeline that runs on every read: item ``i`` of epoch ``e`` is copy
    ``e`` of sample ``i`` under ``seed``. Call ``set_epoch(e)`` before each epoch (a
    `~augmentlab.policies.Curriculum` pipeline then moves to progress ``e / epochs``).

    Args:
        data: a sequence of field dicts (``{"image": ..., "label": ...}``) or a pair
            ``(images, labels)`` of arrays.
        pipeline: the transform or pipeline (None: no augmentation).
        views: instead of one pipeline, named pipelines each giving its own view of a sample
            (e.g. ``{"weak": ..., "strong": ...}`` for FixMatch / UDA).
        output: ``"tuple"`` gives ``(image_tensor, label)`` (or ``(views..., label)``), ``"dict"``
            the augmented fields with ``"sample_id"`` (and the record, ``"record"``).
        epochs: the training length a curriculum's progress is measured against.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> ds = AugmentedDataset((np.zeros((4, 8, 8), np.uint8), np.arange(4)),
        ...                       al.HorizontalFlip(p=0.5), seed=0)
        >>> x, y = ds[1]
        >>> tuple(x.shape), y
        ((1, 8, 8), 1)
    """

    def __init__(self, data: Any, pipeline: Any = None, *, views: Mapping[str, Any] | None = None,
                 seed: int = 0, output: str = "tuple", epochs: int | None = None) -> None:
        owner = "AugmentedDataset"
        self.samples = _samples(owner, data)
        if views is not None and pipeline is not None:
            raise InvalidConfig(f"{owner}: give a pipeline or views, not both")
        self._given = dict(views) if views is not None else {"image": pipeline}
        if output not in ("tuple", "dict"):
            raise InvalidConfig(f"{owner}: output={output!r} must be 'tuple' or 'dict'")
        self.output, self.seed, self.epochs = output, int(seed), epochs
        self.epoch = 0
        self._views = {k: _pipeline(owner, v) for k, v in self._given.items()}

    def set_epoch(self, epoch: int) -> None:
        """Use copy `epoch` of every sample from now on; move curricula to ``epoch / epochs``."""
        self.epoch = int(epoch)
        for name, given in self._given.items():
            if hasattr(given, "at"):
                if not self.epochs:
                    raise InvalidConfig("AugmentedDataset: a Curriculum needs epochs=... to know "
                                        "its progress")
                self._views[name] = _pipeline("AugmentedDataset",
                                              given.at(min(1.0, self.epoch / self.epochs)))

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> Any:
        if not 0 <= int(i) < len(self.samples):
            raise IndexError(f"AugmentedDataset: index {i} out of range ({len(self.samples)})")
        fields = self.samples[int(i)]
        views = {}
        for name, pipe in self._views.items():
            views[name] = dict(fields) if pipe is None else pipe(
                sample_id=int(i), copy=self.epoch, seed=self.seed, **fields)
        if self.output == "dict":
            if list(views) == ["image"]:
                out = dict(views["image"])
                out["record"] = getattr(views["image"], "record", None)
            else:
                out = {name: dict(v) for name, v in views.items()}
            out["sample_id"] = int(i)
            return out
        label = fields.get("label")
        tensors = tuple(image_tensor(np.asarray(v["image"])) for v in views.values())
        return (*tensors, label)


def _samples(owner: str, data: Any) -> list[dict[str, Any]]:
    if (isinstance(data, tuple) and len(data) == 2
            and not isinstance(data[0], Mapping)):
        images, labels = data
        if len(images) != len(labels):
            raise InvalidInput(f"{owner}: {len(images)} images but {len(labels)} labels")
        return [{"image": np.asarray(im), "label": _plain(lab)}
                for im, lab in zip(images, labels, strict=True)]
    if isinstance(data, Sequence) and all(isinstance(d, Mapping) for d in data):
        return [dict(d) for d in data]
    raise InvalidInput(f"{owner}: data must be (images, labels) or a list of field dicts, got "
                       f"{type(data).__name__}")


def _plain(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


class OfflineAugmentedDataset:
    """Read a folder written by ``augmentlab augment`` (or `augment_dataset`): every output its
    manifest lists, with its fields as the layout reader gives them, its class as an index into
    ``classes`` (sorted class names, unless given), its source and copy number, and its record.

    Example:
        >>> import tempfile, cv2, numpy as np, augmentlab as al
        >>> from pathlib import Path
        >>> from augmentlab.data.job import augment_dataset
        >>> root = Path(tempfile.mkdtemp()); (root / "in" / "cats").mkdir(parents=True)
        >>> _ = cv2.imwrite(str(root / "in" / "cats" / "a.png"), np.zeros((8, 8, 3), np.uint8))
        >>> _ = augment_dataset(root / "in", root / "out", al.HorizontalFlip(), copies=2, quiet=True)
        >>> ds = OfflineAugmentedDataset(root / "out")
        >>> len(ds), ds.classes, ds[0][1]
        (2, ['cats'], 0)
    """

    def __init__(self, root: str | Path, *, classes: Sequence[str] | None = None,
                 output: str = "tuple") -> None:
        from ..data.layout import detect_layout, scan

        self.root = Path(root)
        manifest = self.root / "manifest.jsonl"
        if not manifest.is_file():
            raise DataError(f"{manifest} not found: not an augmented folder (augmentlab augment "
                            "writes one; an interrupted run is still in <out>.partial)",
                            path=str(manifest))
        self.lines = []
        for n, text in enumerate(manifest.read_text().splitlines(), 1):
            try:
                line = json.loads(text)
                line["outputs"][0]
            except (ValueError, KeyError, IndexError, TypeError):
                raise DataError(f"{manifest}:{n}: not a manifest line", path=str(manifest),
                                line=n) from None
            self.lines.append(line)
        entries, _ = scan(self.root, detect_layout(self.root))
        self.entries = {e.rel: e for e in entries}
        names = sorted({str(ln["label"]) for ln in self.lines if ln.get("label") is not None})
        self.classes = list(classes) if classes is not None else names
        if output not in ("tuple", "dict"):
            raise InvalidConfig(f"OfflineAugmentedDataset: output={output!r} must be 'tuple' or "
                                "'dict'")
        self.output = output

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: int) -> Any:
        from ..core.sample import Record
        from ..data.layout import read_entry

        line = self.lines[int(i)]
        rel = line["outputs"][0]
        entry = self.entries.get(rel)
        if entry is None:
            raise DataError(f"{self.root / rel}: listed in the manifest but not on disk",
                            path=str(self.root / rel))
        fields = read_entry(self.root, entry)
        label = line.get("label")
        index = None
        if label is not None:
            if str(label) not in self.classes:
                raise DataError(f"{rel}: class {label!r} is not in classes {self.classes}",
                                path=str(self.root / rel))
            index = self.classes.index(str(label))
        if self.output == "tuple":
            return image_tensor(np.asarray(fields["image"])), index
        record = line.get("record")
        return {**fields, "label": index, "source": line.get("source"), "copy": line.get("copy"),
                "record": None if record is None else Record.from_dict(record)}
