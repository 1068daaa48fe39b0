"""`Dataset`: labelled data of one modality with a fixed train/test split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import DataError
from .modality import MODALITIES

__all__ = ["MODALITIES", "Dataset", "stratified_split"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Labelled examples of one modality and the split that every experiment on them uses.

    ``X`` is a uint8 array ``(N, H, W)`` or ``(N, H, W, C)`` for images, an array of ``str`` for
    text, a float array ``(N, F)`` for tables, a float32 array ``(N, samples)`` of equal-length
    mono clips for audio (its rate in ``info["sample_rate"]``), a float array ``(N, T, C)`` of
    equal-length multivariate series for series; ``y`` holds class indices into
    ``classes``. The test rows are never augmented or trained on. ``unlabeled`` (optional) holds
    rows without labels in the representation of ``X`` (semi-supervised strategies learn from
    them; `augmentlab.evaluate.Experiment` takes them with ``unlabeled=``).

    Example:
        >>> import numpy as np
        >>> ds = Dataset("toy", "table", np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1]),
        ...              ("a", "b"), train=np.array([0, 1]), test=np.array([2, 3]))
        >>> ds.train_set()[0].shape, ds.class_counts("train")
        ((2, 2), {'a': 1, 'b': 1})
    """

    name: str
    modality: str
    X: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...]
    train: np.ndarray
    test: np.ndarray
    split: str = "given"  # how train/test came about, for the report
    source: str = ""  # where the data came from, for the report
    feature_names: tuple[str, ...] | None = None
    info: dict[str, Any] = field(default_factory=dict)
    unlabeled: np.ndarray | None = None

    def __post_init__(self) -> None:
        for arr in (self.X, self.y, self.train, self.test):
            arr.flags.writeable = False  # shared (load() caches): nobody may change it in place
        if self.unlabeled is not None:
            self._check_unlabeled(self.unlabeled)
            # a read-only copy: the caller's array keeps its flags and cannot change ours
            own = np.array(self.unlabeled)
            own.flags.writeable = False
            object.__setattr__(self, "unlabeled", own)
        if self.modality not in MODALITIES:
            raise DataError(f"modality {self.modality!r} is not one of {', '.join(MODALITIES)}",
                            path=self.source or None)
        if self.modality == "audio":
            self._check_audio()
        if self.modality == "series" and (self.X.ndim != 3 or self.X.dtype.kind != "f"):
            raise DataError(f"series X must be float (N, T, channels), got {self.X.dtype} "
                            f"{self.X.shape}", path=self.source or None)
        n = len(self.X)
        if len(self.y) != n:
            raise DataError(f"{n} examples but {len(self.y)} labels", path=self.source or None)
        if len(self.classes) < 2:
            raise DataError(f"only one class ({', '.join(self.classes) or 'none'}): a classifier "
                            "needs at least two; add examples of another class",
                            path=self.source or None)
        if n and (self.y.min() < 0 or self.y.max() >= len(self.classes)):
            raise DataError("labels must be indices into classes", path=self.source or None)
        missing = sorted(set(range(len(self.classes))) - set(self.y[self.train].tolist()))
        if missing:
            raise DataError("classes with no training example: "
                            + ", ".join(self.classes[i] for i in missing), path=self.source or None)

    def _check_unlabeled(self, U: np.ndarray) -> None:
        """Unlabelled rows must be rows of X's kind: same shape per row, same kind of values."""
        if not isinstance(U, np.ndarray):
            raise DataError(f"unlabeled must be a numpy array of rows like X, got {type(U).__name__}",
                            path=self.source or None)
        same_kind = (U.dtype == object) == (self.X.dtype == object) and (
            U.dtype == object or (U.dtype == np.uint8) == (self.X.dtype == np.uint8))
        if U.shape[1:] != self.X.shape[1:] or not same_kind or len(U) == 0:
            raise DataError(f"unlabeled rows are {U.dtype} {U.shape}, but X is {self.X.dtype} "
                            f"(N, {', '.join(map(str, self.X.shape[1:]))}); give at least one row in "
                            "X's own shape and type (images as uint8 like X, texts as strings)",
                            path=self.source or None)

    def _check_audio(self) -> None:
        where = self.source or None
        rate = self.info.get("sample_rate")
        if not isinstance(rate, (int, np.integer)) or isinstance(rate, bool) or rate <= 0:
            raise DataError(f"audio needs a positive integer info['sample_rate'], got {rate!r}",
                            path=where)
        if self.X.ndim != 2 or not np.issubdtype(self.X.dtype, np.floating):
            raise DataError(f"audio X must be float (N, samples) clips of one length, got "
                            f"{self.X.dtype} {self.X.shape}; pad or cut the clips to one length "
                            "(augmentlab.audio.base.fit_length)", path=where)
        if self.X.shape[1] == 0 or not np.isfinite(self.X).all():
            raise DataError("audio X has empty clips or NaN/inf samples", path=where)

    def __repr__(self) -> str:
        return f"Dataset({self.describe()})"

    def train_set(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)`` of the training rows."""
        return self.X[self.train], self.y[self.train]

    def test_set(self) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)`` of the test rows."""
        return self.X[self.test], self.y[self.test]

    def class_counts(self, part: str = "train") -> dict[str, int]:
        """Examples per class in ``"train"``, ``"test"`` or ``"all"``."""
        idx = {"train": self.train, "test": self.test, "all": np.arange(len(self.y))}[part]
        counts = np.bincount(self.y[idx], minlength=len(self.classes))
        return {c: int(k) for c, k in zip(self.classes, counts, strict=True)}

    def describe(self) -> str:
        """One line for logs and reports.

        Example:
            >>> import numpy as np
            >>> Dataset("t", "table", np.zeros((4, 3)), np.array([0, 1, 0, 1]), ("a", "b"),
            ...         train=np.array([0, 1]), test=np.array([2, 3])).describe()
            't: table, 4 examples (2 train / 2 test), 2 classes, shape (3,)'
        """
        shape = "" if self.modality == "text" else f", shape {tuple(self.X.shape[1:])}"
        return (f"{self.name}: {self.modality}, {len(self.y)} examples ({len(self.train)} train / "
                f"{len(self.test)} test), {len(self.classes)} classes{shape}")


def stratified_split(y: np.ndarray, test_fraction: float = 0.25, seed: int = 0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Fixed stratified train/test indices: each class split in the same proportion.

    Example:
        >>> tr, te = stratified_split(np.array([0] * 8 + [1] * 4), 0.25)
        >>> len(tr), len(te), sorted(np.bincount(np.array([0] * 8 + [1] * 4)[te]).tolist())
        (9, 3, [1, 2])
    """
    rng = np.random.default_rng(seed)
    train: list[np.ndarray] = []
    test: list[np.ndarray] = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        k = int(round(len(idx) * test_fraction))
        k = min(max(k, 1 if len(idx) > 1 else 0), len(idx) - 1)
        test.append(idx[:k])
        train.append(idx[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def encode_labels(labels: Sequence[Any], source: str = "") -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices and sorted class names of raw labels.

    Example:
        >>> encode_labels(["b", "a", "b"])
        (array([1, 0, 1]), ('a', 'b'))
    """
    names = [str(v) for v in labels]
    classes = tuple(sorted(set(names)))
    if len(classes) < 2:
        raise DataError(f"all labels are {classes[0]!r}: a classifier needs at least two classes"
                        if classes else "no labels", path=source or None)
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[n] for n in names]), classes
