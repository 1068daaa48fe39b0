"""Built-in datasets load from installed packages; user data gives clear DataErrors."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import augmentlab.datasets as ds
from augmentlab.errors import DataError, InvalidConfig


@pytest.mark.parametrize(("name", "modality", "n", "classes"), [
    ("digits", "image", 1797, 10),
    ("mnist", "image", 70000, 10),
    ("breast-cancer", "table", 569, 2),
    ("wine", "table", 178, 3),
    ("rotten-tomatoes", "text", 12808, 2),
    ("keel:yeast4", "table", 1484, 2),
])
def test_builtin_datasets_load(name: str, modality: str, n: int, classes: int) -> None:
    data = ds.load(name)
    assert data.modality == modality and len(data.y) == n and len(data.classes) == classes
    assert len(np.intersect1d(data.train, data.test)) == 0
    assert len(data.train) + len(data.test) == n
    assert not data.X.flags.writeable  # cached and shared: read-only
    if modality == "image":
        assert data.X.dtype == np.uint8 and data.X.max() >= 250


def test_mnist_uses_the_official_split() -> None:
    data = ds.load("mnist")
    assert data.X.shape[1:] == (28, 28)
    assert (len(data.train), len(data.test)) == (60000, 10000)
    assert list(data.test[:3]) == [60000, 60001, 60002]


def test_keel_minority_is_positive_and_nominals_are_one_hot() -> None:
    data = ds.load("keel:car-good")
    counts = data.class_counts("all")
    assert data.classes == ("negative", "positive") and counts["positive"] < counts["negative"]
    assert any("=" in f for f in data.feature_names or ())
    assert set(np.unique(data.X)) <= {0.0, 1.0}


def test_unknown_names_say_what_exists() -> None:
    with pytest.raises(InvalidConfig, match="use one of"):
        ds.load("imagenet")
    with pytest.raises(InvalidConfig, match="did you mean"):
        ds.load("keel:yeast")


def _folder(root: Path, classes: dict[str, int], size: int = 8) -> None:
    for c, n in classes.items():
        (root / c).mkdir(parents=True)
        for i in range(n):
            cv2.imwrite(str(root / c / f"{i}.png"), np.full((size, size, 3), 10 * i, np.uint8))


def test_from_folder_with_train_and_test(tmp_path: Path) -> None:
    _folder(tmp_path / "train", {"a": 3, "b": 4})
    _folder(tmp_path / "test", {"a": 1, "b": 2})
    data = ds.from_folder(tmp_path)
    assert data.classes == ("a", "b") and (len(data.train), len(data.test)) == (7, 3)
    assert data.split.startswith("given")


def test_from_folder_errors(tmp_path: Path) -> None:
    _folder(tmp_path / "ok" / "train", {"a": 2, "b": 2})
    _folder(tmp_path / "ok" / "test", {"a": 1, "c": 1})
    with pytest.raises(DataError, match="test classes not in train: c"):
        ds.from_folder(tmp_path / "ok")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no class subfolders"):
        ds.from_folder(tmp_path / "empty")
    _folder(tmp_path / "bad", {"a": 2, "b": 2})
    (tmp_path / "bad" / "b" / "broken.png").write_bytes(b"not an image")
    with pytest.raises(DataError, match=r"broken\.png: cannot decode"):
        ds.from_folder(tmp_path / "bad")
    _folder(tmp_path / "one", {"a": 3})
    with pytest.raises(DataError, match="at least two classes"):
        ds.from_folder(tmp_path / "one")
    _folder(tmp_path / "sizes", {"a": 2})
    _folder(tmp_path / "sizes_b", {"b": 2}, size=9)
    (tmp_path / "sizes_b" / "b").rename(tmp_path / "sizes" / "b")
    with pytest.raises(DataError, match="size=") as err:
        ds.from_folder(tmp_path / "sizes")
    assert "b/" in str(err.value)
    assert ds.from_folder(tmp_path / "sizes", size=(8, 8)).X.shape == (4, 8, 8, 3)
    (tmp_path / "noimg" / "a").mkdir(parents=True)
    (tmp_path / "noimg" / "b").mkdir(parents=True)
    with pytest.raises(DataError, match="has no images"):
        ds.from_folder(tmp_path / "noimg")


def test_from_csv_errors_name_column_and_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n1,2,0\n3,,1\n5,6,0\n7,8,1\n")
    with pytest.raises(DataError, match="no label column 'label'; the columns are a, b, y"):
        ds.from_csv(path)
    with pytest.raises(DataError, match=r"t\.csv:3: column 'b' has a missing"):
        ds.from_csv(path, label="y")
    path.write_text("a,y\n1,0\n2,0\n")
    with pytest.raises(DataError, match="at least two classes"):
        ds.from_csv(path, label="y")
    path.write_text("a,c,y\n1,x,0\n2,z,1\n")
    with pytest.raises(DataError, match="non-numeric feature columns: c"):
        ds.from_csv(path, label="y")


def test_from_csv_text_and_parquet(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"review": [f"film {i}" for i in range(8)], "label": [0, 1] * 4})
    frame.to_parquet(tmp_path / "t.parquet")
    data = ds.from_csv(tmp_path / "t.parquet", text="review")
    assert data.modality == "text" and data.X[0] == "film 0"


def test_from_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps({"text": f"s{i}", "label": "ab"[i % 2]}) + "\n"
                            for i in range(6)) + "{oops\n")
    with pytest.raises(DataError, match=r"t\.jsonl:7: not valid JSON"):
        ds.from_jsonl(path)
