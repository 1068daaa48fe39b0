"""The user's own data: an image folder, a CSV / Parquet table, a JSON-lines file."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..audio.io import AUDIO_SUFFIXES, read_audio
from ..core.errors import DataError
from ..image import io as image_io
from ..image.io import IMAGE_SUFFIXES
from ..tabular.io import PARQUET_SUFFIXES, read_table
from ..text.io import jsonl_objects
from .dataset import Dataset, encode_labels, stratified_split

__all__ = ["IMAGE_SUFFIXES", "from_csv", "from_folder", "from_jsonl", "jsonl_objects", "read_image",
           "read_unlabeled"]

_FIXED = "fixed stratified split, {}% test (seed {})"


def read_image(path: Path, grayscale: bool = False) -> np.ndarray:
    """Read one image file as uint8 RGB (or grey); `DataError` naming the file if unreadable or
    over the pixel limit (see `augmentlab.image.io.read_image`: EXIF orientation applied).

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> p = Path(tempfile.mkdtemp()) / "a.png"
        >>> _ = cv2.imwrite(str(p), np.full((2, 3, 3), 7, np.uint8))
        >>> read_image(p).shape
        (2, 3, 3)
    """
    return image_io.read_image(Path(path), grayscale=grayscale, rgb=True)


def read_unlabeled(path: str | Path, like: Dataset) -> np.ndarray:
    """Unlabelled rows for `like` (a `Dataset`), in its representation: for images, every image
    file under the folder `path` (subfolders included, names sorted), resized to `like`'s size
    and made grey or colour like it; for text, a ``.txt`` file of one text per non-empty line.

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> from augmentlab.datasets import load
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = cv2.imwrite(str(root / "a.png"), np.full((16, 16, 3), 9, np.uint8))
        >>> read_unlabeled(root, load("digits")).shape
        (1, 8, 8)
    """
    import cv2

    root = Path(path)
    if like.modality == "text":
        if not root.is_file():
            raise DataError("unlabelled texts: expected a .txt file of one text per line",
                            path=str(root))
        try:
            lines = root.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=str(root)) from None
        texts = [line.strip() for line in lines if line.strip()]
        if not texts:
            raise DataError("no texts: the file has no non-empty line", path=str(root))
        return np.array(texts, dtype=object)
    if like.modality != "image":
        raise DataError(f"unlabelled rows from a path are read for images (a folder) and text (a "
                        f".txt file); for {like.modality} data use 'rest' (--unlabeled rest: "
                        "the training rows outside each labelled subset) or, from Python, an "
                        "array (Experiment(unlabeled=array))", path=str(root))
    if not root.is_dir():
        raise DataError("unlabelled images: expected a folder of image files", path=str(root))
    found = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not found:
        raise DataError(f"no images ({', '.join(IMAGE_SUFFIXES)}) under this folder", path=str(root))
    h, w = like.X.shape[1:3]
    grey = like.X.ndim == 3
    rows = []
    for file in found:
        img = read_image(file, grayscale=grey)
        if img.shape[:2] != (h, w):
            img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
        rows.append(img.reshape(like.X.shape[1:]))
    return np.stack(rows).astype(np.uint8)


def _class_dirs(root: Path) -> list[Path]:
    dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not dirs:
        raise DataError("no class subfolders: expected one folder per class (e.g. cats/, dogs/) "
                        "holding that class's images", path=str(root))
    return dirs


def _read_classes(root: Path, grayscale: bool, size: tuple[int, int] | None
                  ) -> tuple[list[np.ndarray], list[str], list[str]]:
    import cv2

    images, labels, files = [], [], []
    for folder in _class_dirs(root):
        found = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not found:
            raise DataError(f"class folder {folder.name!r} has no images ({', '.join(IMAGE_SUFFIXES)})",
                            path=str(folder))
        for path in found:
            img = read_image(path, grayscale)
            if size is not None and img.shape[:2] != size:
                img = cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)
            images.append(img)
            labels.append(folder.name)
            files.append(str(path))
    return images, labels, files


Reader = Callable[[Path], "tuple[list[Any], list[str], list[str]]"]


def _folder_split(root: Path, read: Reader, test_fraction: float, seed: int
                  ) -> tuple[list[Any], list[str], np.ndarray, tuple[str, ...], np.ndarray,
                             np.ndarray, str]:
    """Items of a class-per-subfolder tree, split by ``train/`` + ``test/`` when both exist,
    else by a fixed stratified split: ``(items, files, y, classes, train, test, split)``."""
    parts = {p.name for p in root.iterdir() if p.is_dir()}
    if {"train", "test"} <= parts:
        tr_items, tr_labels, tr_files = read(root / "train")
        te_items, te_labels, te_files = read(root / "test")
        unknown = sorted(set(te_labels) - set(tr_labels))
        if unknown:
            raise DataError(f"test classes not in train: {', '.join(unknown)}; add them to train/ "
                            "or remove them from test/", path=str(root / "test"))
        y, classes = encode_labels(tr_labels + te_labels, str(root))
        train = np.arange(len(tr_items))
        test = np.arange(len(tr_items), len(tr_items) + len(te_items))
        return (tr_items + te_items, tr_files + te_files, y, classes, train, test,
                "given: train/ and test/ folders")
    items, labels, files = read(root)
    y, classes = encode_labels(labels, str(root))
    train, test = stratified_split(y, test_fraction, seed)
    return items, files, y, classes, train, test, _FIXED.format(round(test_fraction * 100), seed)


def _holds_audio(root: Path) -> bool:
    """Whether a class-folder tree holds audio and no images (decides what `from_folder` reads)."""
    suffixes = {p.suffix.lower() for p in root.rglob("*") if p.is_file()}
    return bool(suffixes & set(AUDIO_SUFFIXES)) and not suffixes & set(IMAGE_SUFFIXES)


def from_folder(path: str | Path, *, size: tuple[int, int] | None = None, grayscale: bool = False,
                test_fraction: float = 0.25, seed: int = 0, sample_rate: int = 16000,
                seconds: float | None = None) -> Dataset:
    """Images, or audio clips, in one subfolder per class. With ``train/`` and ``test/``
    subfolders those are the split; otherwise a fixed stratified split holds out
    ``test_fraction`` of each class.

    Images must share one size unless ``size=(height, width)`` is given (they are then resized).
    Audio (WAV, FLAC, OGG) is mixed to mono, resampled to `sample_rate` and zero-padded at the
    end to the longest clip, or cut or padded to `seconds`.

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> root = Path(tempfile.mkdtemp())
        >>> for c in ("cat", "dog"):
        ...     (root / c).mkdir()
        ...     for i in range(4):
        ...         _ = cv2.imwrite(str(root / c / f"{i}.png"), np.full((8, 8, 3), i, np.uint8))
        >>> from_folder(root).describe().split(":", 1)[1]
        ' image, 8 examples (6 train / 2 test), 2 classes, shape (8, 8, 3)'
    """
    root = Path(path)
    if not root.is_dir():
        raise DataError("not a folder", path=str(root))
    if _holds_audio(root):
        return _audio_folder(root, test_fraction, seed, sample_rate, seconds)
    images, files, y, classes, train, test, split = _folder_split(
        root, lambda r: _read_classes(r, grayscale, size), test_fraction, seed)
    shapes = {img.shape for img in images}
    if len(shapes) > 1:
        first = images[0].shape
        odd = next(f for f, img in zip(files, images, strict=True) if img.shape != first)
        raise DataError(f"images differ in size ({first} vs others); pass size=(height, width) to "
                        "resize them on loading", path=odd)
    return Dataset(root.name, "image", np.stack(images), y, classes, train, test, split=split,
                   source=str(root), info={"files": files})


def _audio_folder(root: Path, test_fraction: float, seed: int, sample_rate: int,
                  seconds: float | None) -> Dataset:
    from .audio_sets import fit_clip

    if not isinstance(sample_rate, int) or sample_rate <= 0:
        raise DataError(f"sample_rate must be a positive int, got {sample_rate!r}", path=str(root))

    def read(folder_root: Path) -> tuple[list[Any], list[str], list[str]]:
        clips, labels, files = [], [], []
        for folder in _class_dirs(folder_root):
            found = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
            if not found:
                raise DataError(f"class folder {folder.name!r} has no audio "
                                f"({', '.join(AUDIO_SUFFIXES)})", path=str(folder))
            for path in found:
                samples, rate, _ = read_audio(path, str(path))
                clips.append(fit_clip(samples.T if samples.ndim == 2 else samples, rate, seconds,
                                      threshold_db=None, target_rate=sample_rate))
                labels.append(folder.name)
                files.append(str(path))
        return clips, labels, files

    clips, files, y, classes, train, test, split = _folder_split(root, read, test_fraction, seed)
    n = max(len(c) for c in clips)
    X = np.stack([np.pad(c, (0, n - len(c))) for c in clips])
    return Dataset(root.name, "audio", X, y, classes, train, test, split=split, source=str(root),
                   info={"files": files, "sample_rate": sample_rate})


def _table_dataset(frame: Any, path: Path, label: str, text: str | None, test_fraction: float,
                   seed: int, first_line: int) -> Dataset:
    columns = [str(c) for c in frame.columns]
    if label not in columns:
        raise DataError(f"no label column {label!r}; the columns are {', '.join(columns)}; pass "
                        "label=<the column with the class>", path=str(path))
    if frame[label].isna().any():
        row = int(np.flatnonzero(frame[label].isna().to_numpy())[0])
        raise DataError(f"empty label in column {label!r}", path=str(path), line=row + first_line)
    y, classes = encode_labels(frame[label].tolist(), str(path))
    train, test = stratified_split(y, test_fraction, seed)
    split = _FIXED.format(round(test_fraction * 100), seed)
    if text is not None:
        if text not in columns:
            raise DataError(f"no text column {text!r}; the columns are {', '.join(columns)}",
                            path=str(path))
        values = frame[text]
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise DataError(f"empty text in column {text!r}", path=str(path), line=row + first_line)
        return Dataset(path.stem, "text", np.array([str(v) for v in values], dtype=object), y,
                       classes, train, test, split=split, source=str(path))
    features = frame.drop(columns=[label])
    if features.shape[1] == 0:
        raise DataError("no feature columns besides the label", path=str(path))
    non_numeric = [str(c) for c in features.columns if features[c].dtype.kind not in "biuf"]
    if non_numeric:
        raise DataError(f"non-numeric feature columns: {', '.join(non_numeric)}; encode them as "
                        "numbers (or pass text=<column> for a text dataset)", path=str(path))
    X = features.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataError(f"column {features.columns[c]!r} has a missing or infinite value; fill or "
                        "drop such rows first", path=str(path), line=int(r) + first_line)
    return Dataset(path.stem, "table", X, y, classes, train, test, split=split, source=str(path),
                   feature_names=tuple(str(c) for c in features.columns))


def from_csv(path: str | Path, *, label: str = "label", text: str | None = None,
             test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """A CSV or Parquet table: numeric feature columns plus a ``label`` column, or (with
    ``text=``) a text column. Errors name the file, the column and the line.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("a,b,label\\n" + "".join(f"{i},{i % 3},{i % 2}\\n" for i in range(8)))
        >>> from_csv(p).describe()
        't: table, 8 examples (6 train / 2 test), 2 classes, shape (2,)'
    """
    path = Path(path)
    # line numbers: the header is line 1, so data row r sits on line r + 2 (CSV only)
    first_line = 2 if path.suffix.lower() not in PARQUET_SUFFIXES else 1
    return _table_dataset(read_table(path, feature="from_csv"), path, label, text, test_fraction, seed,
                          first_line)


def from_jsonl(path: str | Path, *, label: str = "label", text: str = "text",
               test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """One JSON object per line with a ``text`` and a ``label`` field.

    Example:
        >>> import json, tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.jsonl"
        >>> _ = p.write_text("".join(json.dumps({"text": f"s{i}", "label": i % 2}) + "\\n"
        ...                          for i in range(8)))
        >>> from_jsonl(p).describe()
        't: text, 8 examples (6 train / 2 test), 2 classes'
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file", path=str(path))
    texts, labels = [], []
    for lineno, row in jsonl_objects(path):
        if isinstance(row, str):
            raise DataError(row, path=str(path), line=lineno)
        if text not in row or label not in row:
            raise DataError(f"each line needs {text!r} and {label!r} fields", path=str(path),
                            line=lineno)
        value = row[label]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise DataError(f"empty {label!r}", path=str(path), line=lineno)
        texts.append(str(row[text]))
        labels.append(value)
    if not texts:
        raise DataError("no examples", path=str(path))
    y, classes = encode_labels(labels, str(path))
    train, test = stratified_split(y, test_fraction, seed)
    return Dataset(path.stem, "text", np.array(texts, dtype=object), y, classes, train, test,
                   split=_FIXED.format(round(test_fraction * 100), seed), source=str(path))
