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
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..core.compose import Compose
from ..core.errors import DataError, InvalidConfig, InvalidInput
from ..core.optional import require_torch
from ..core.transform import Transform
from ..image.spatial.adapters import is_pil, is_tensor

if TYPE_CHECKING:
    from PIL.Image import Image
    from torch import Tensor

    from ..core.types import ArrayLike

__all__ = ["AugmentedDataset", "OfflineAugmentedDataset", "image_tensor", "seed_worker"]


def image_tensor(image: np.ndarray | Image | Tensor) -> Tensor:
    """An ``(H, W[, C])`` uint8 or float image (numpy or PIL) as a float32 ``(C, H, W)`` tensor in
    [0, 1]; a tensor is taken as already ``(C, H, W)`` (or ``(H, W)``).

    Example:
        >>> import numpy as np
        >>> tuple(image_tensor(np.zeros((4, 6), np.uint8)).shape)
        (1, 4, 6)
    """
    torch = require_torch("augmentlab.torch")
    if isinstance(image, torch.Tensor):
        x = image.float() / 255.0 if image.dtype == torch.uint8 else image.float()
        return x[None] if x.ndim == 2 else x
    image = np.asarray(image)
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


class MapDataset(Protocol):
    """A map-style dataset: items by index and a length (a torch ``Dataset`` with ``__len__``,
    a list of samples)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> Any: ...


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
    """Wrap samples with a pipeline that runs on every read. Copy ``c`` of item ``i`` is fixed by
    ``(seed, i, c)``, whichever DataLoader worker makes it and however many there are.

    Which copy a read gets: without ``set_epoch``, the k-th read of item ``i`` is copy ``k``, so
    every pass over the data (every epoch) sees new copies, with or without workers, persistent
    or not. ``set_epoch(e)`` pins copy ``e`` for every item, in every worker (persistent workers
    included): call it before each epoch for runs you can repeat from any epoch (a
    `~augmentlab.policies.Curriculum` pipeline then moves to progress ``e / epochs``).

    Any map-style dataset is wrapped lazily: item ``i`` is read from it (``data[i]``) when item
    ``i`` is asked for, never before, and nothing is copied into memory.

    Args:
        data: any map-style dataset (an object with ``__len__`` and ``__getitem__``: a
            ``torch.utils.data.Dataset``, a list, ...) whose items are tuples
            ``(image, label, ...)``, dicts of fields (``{"image": ..., "label": ..., ...}``) or
            bare images; images may be numpy ``(H, W[, C])`` arrays, PIL images or ``(C, H, W)``
            torch tensors. Also, as before, a pair ``(images, labels)`` of arrays or a list of
            field dicts.
        pipeline: the transform or pipeline (None: no augmentation).
        views: instead of one pipeline, named pipelines each giving its own view of a sample
            (e.g. ``{"weak": ..., "strong": ...}`` for FixMatch / UDA).
        output: ``"same"`` gives each item in the structure the dataset gave it (tuple in, tuple
            out; dict in, dict out; the image as numpy, PIL or a tensor as it came) with its image
            augmented (with views: the views in the image's place); ``"tuple"`` gives
            ``(image_tensor, label)`` (or ``(views..., label)``); ``"dict"`` the augmented fields
            with ``"sample_id"`` (and the record, ``"record"``). Default: ``"same"`` for a
            dataset, ``"tuple"`` for ``(images, labels)`` arrays and lists of field dicts (as
            before).
        epochs: the training length a curriculum's progress is measured against.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> ds = AugmentedDataset((np.zeros((4, 8, 8), np.uint8), np.arange(4)),
        ...                       al.HorizontalFlip(p=0.5), seed=0)
        >>> x, y = ds[1]
        >>> tuple(x.shape), y
        ((1, 8, 8), 1)
        >>> pairs = [(np.zeros((8, 8), np.uint8), k) for k in range(4)]  # any map-style dataset
        >>> image, label = AugmentedDataset(pairs, al.HorizontalFlip(p=1.0), seed=0)[2]
        >>> image.shape, label
        ((8, 8), 2)
    """

    def __init__(self, data: MapDataset | tuple[ArrayLike, ArrayLike],
                 pipeline: Transform | Mapping[str, Any] | None = None, *,
                 views: Mapping[str, Any] | None = None,
                 seed: int = 0, output: str | None = None, epochs: int | None = None) -> None:
        owner = "AugmentedDataset"
        # read according to its kind (a pair of arrays, field dicts or a dataset): duck-typed
        self.data: Any = data
        self._kind = _kind(owner, data)
        if views is not None and pipeline is not None:
            raise InvalidConfig(f"{owner}: give a pipeline or views, not both")
        # each view as given: a transform, a config or a Curriculum (which has `at`)
        self._given: dict[str, Any] = dict(views) if views is not None else {"image": pipeline}
        if output is None:
            output = "same" if self._kind == "dataset" else "tuple"
        if output not in ("tuple", "dict", "same"):
            raise InvalidConfig(f"{owner}: output={output!r} must be 'tuple', 'dict' or 'same'")
        self.output, self.seed, self.epochs = output, int(seed), epochs
        if epochs is None and any(hasattr(g, "at") for g in self._given.values()):
            raise InvalidConfig(f"{owner}: a Curriculum needs epochs=... to know its progress "
                                "(and set_epoch(e) each epoch)")
        self._views = {k: _pipeline(owner, v) for k, v in self._given.items()}
        self._views_epoch: int | None = None  # the epoch the curricula in _views are at
        self._copies = _Copies(len(self))

    @property
    def epoch(self) -> int | None:
        """The epoch `set_epoch` pinned (None: not pinned, each read of an item is a new copy)."""
        return self._copies.epoch()

    def set_epoch(self, epoch: int) -> None:
        """Use copy `epoch` of every sample from now on, in this process and in every DataLoader
        worker; move curricula to ``epoch / epochs``.

        Example:
            >>> import numpy as np, augmentlab as al
            >>> ds = AugmentedDataset((np.zeros((2, 8, 8), np.uint8), np.arange(2)), al.Rotate())
            >>> ds.set_epoch(3); ds.epoch
            3
        """
        epoch = int(epoch)
        if epoch < 0:
            raise InvalidInput(f"AugmentedDataset: set_epoch({epoch}): epochs count from 0")
        self._copies.pin(epoch)
        self._follow(epoch)

    def _follow(self, epoch: int) -> None:
        """Move curricula to `epoch` (a worker does this on its first read after set_epoch)."""
        if epoch == self._views_epoch:
            return
        for name, given in self._given.items():
            if hasattr(given, "at"):
                assert self.epochs  # checked at construction
                self._views[name] = _pipeline("AugmentedDataset",
                                              given.at(min(1.0, epoch / self.epochs)))
        self._views_epoch = epoch

    def _copy(self, i: int) -> int:
        epoch = self._copies.epoch()
        if epoch is None:
            return self._copies.next_copy(i)
        self._follow(epoch)
        return epoch

    def __len__(self) -> int:
        return len(self.data[0]) if self._kind == "arrays" else len(self.data)

    def _read(self, i: int) -> tuple[dict[str, Any], Any, tuple[Any, ...]]:
        """Item `i` as pipeline fields, how it was shaped (``"dict"``, ``"image"`` for a bare
        image, or its tuple/list type) and, for a tuple, its elements after the label."""
        if self._kind == "arrays":
            fields = {"image": np.asarray(self.data[0][i]), "label": _plain(self.data[1][i])}
            return fields, tuple, ()
        item = self.data[i]
        if isinstance(item, Mapping):
            return dict(item), "dict", ()
        if isinstance(item, (tuple, list)) and item:
            fields = {"image": item[0]}
            if len(item) > 1:
                fields["label"] = item[1]
            return fields, type(item), tuple(item[2:])
        if _is_image(item):
            return {"image": item}, "image", ()
        raise InvalidInput(f"AugmentedDataset: item {i} is a {type(item).__name__}; expected a "
                           "tuple (image, label, ...), a dict of fields or an image (numpy array, "
                           "PIL image or torch tensor)")

    def __getitem__(self, i: int) -> Any:
        if not 0 <= int(i) < len(self):
            raise IndexError(f"AugmentedDataset: index {i} out of range ({len(self)})")
        i = int(i)
        fields, shape, rest = self._read(i)
        copy = self._copy(i)
        views = {}
        for name, pipe in self._views.items():
            views[name] = dict(fields) if pipe is None else pipe(
                sample_id=i, copy=copy, seed=self.seed, **fields)
        if self.output == "tuple":
            label = fields.get("label")
            tensors = tuple(image_tensor(v["image"]) for v in views.values())
            return (*tensors, label)

        def own(view: Mapping[str, Any]) -> dict[str, Any]:
            return dict(view)  # the image comes back from Compose in the type it was given

        single = list(views) == ["image"]
        if self.output == "dict":
            if single:
                out = own(views["image"])
                out["record"] = getattr(views["image"], "record", None)
            else:
                out = {name: own(v) for name, v in views.items()}
            out["sample_id"] = i
            return out
        if shape == "dict":  # output "same"
            if single:
                return own(views["image"])
            kept = {k: v for k, v in fields.items() if k != "image"}
            return {**kept, **{name: own(v).get("image") for name, v in views.items()}}
        images = [own(v).get("image") for v in views.values()]
        if shape == "image":
            return images[0] if single else tuple(images)
        label = (fields["label"],) if "label" in fields else ()
        return shape([*images, *label, *rest])


def _kind(owner: str, data: Any) -> str:
    """``"arrays"`` (a pair of images and labels), ``"records"`` (a list of field dicts, as
    before) or ``"dataset"`` (any other map-style dataset, read lazily)."""
    if (isinstance(data, tuple) and len(data) == 2
            and not isinstance(data[0], Mapping)):
        images, labels = data
        if len(images) != len(labels):
            raise InvalidInput(f"{owner}: {len(images)} images but {len(labels)} labels")
        return "arrays"
    if not (hasattr(data, "__len__") and hasattr(data, "__getitem__")) or isinstance(
            data, (str, bytes, Mapping)):
        raise InvalidInput(f"{owner}: data must be a map-style dataset (an object with __len__ "
                           "and __getitem__, such as a torch Dataset or a list of samples) or a "
                           f"pair (images, labels) of arrays; got {type(data).__name__}. An "
                           "IterableDataset cannot be indexed: map its items with the pipeline "
                           "instead")
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, Mapping) for d in data):
        return "records"
    return "dataset"


def _plain(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


def _is_image(x: Any) -> bool:
    """A numpy array, a torch tensor or a PIL image (Compose takes each as it is)."""
    return isinstance(x, np.ndarray) or is_tensor(x) or is_pil(x)


class _Copies:
    """Which copy of an item a read gets, shared with the DataLoader's worker processes (forked
    or spawned, persistent or not) through shared memory: a plain attribute set in the main
    process would never reach persistent workers, which keep their own copy of the dataset.

    ``set_epoch(e)`` pins copy ``e`` for every item. Until then the k-th read of item i is copy
    k, counted across all processes, so each pass over the data gets new copies whichever worker
    reads an item, and however many workers there are.
    """

    def __init__(self, n: int) -> None:
        import multiprocessing

        self.pinned = multiprocessing.RawValue("q", -1)  # -1: not pinned, copies count reads
        self.reads = multiprocessing.RawArray("q", max(n, 1))
        # a spawn-context lock can be handed to forked, spawned and forkserver workers alike
        self.lock = multiprocessing.get_context("spawn").Lock()

    def pin(self, epoch: int) -> None:
        self.pinned.value = epoch

    def epoch(self) -> int | None:
        value = int(self.pinned.value)
        return None if value < 0 else value

    def next_copy(self, i: int) -> int:
        with self.lock:  # two workers may read one index at once (a sampler with replacement)
            k = int(self.reads[i])
            self.reads[i] = k + 1
        return k


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
        from ..datasets.formats import detect_layout, scan

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
        from ..datasets.formats import read_entry

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
