"""No file we read can run code (issue 19, item 1): a pipeline file naming a pickled oracle never
loads it -- not in load_pipeline, `augmentlab validate`, nor `replay --verify`."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import augmentlab as al
from augmentlab.errors import InvalidConfig


class _Bomb:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204  (what an attacker writes)
        return (os.system, (f"touch {self.marker}",))


def _pipeline_file(folder: Path, oracle: str, extra: str = "") -> Path:
    path = folder / "pipeline.yaml"
    path.write_text("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n"
                    "    - name: text.LabelFilter\n      transform: {name: text.RandomSwap, n: 1}\n"
                    f"      oracle: {oracle}\n{extra}")
    return path


@pytest.fixture()
def attack(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "pwned"
    (tmp_path / "oracle.joblib").write_bytes(pickle.dumps(_Bomb(marker)))
    return _pipeline_file(tmp_path, "oracle.joblib"), marker


def test_loading_a_pipeline_never_unpickles_its_oracle(attack: tuple[Path, Path]) -> None:
    pipeline, marker = attack
    pipe = al.load_pipeline(pipeline)  # built (a replay needs no oracle), nothing loaded
    assert not marker.exists()
    with pytest.raises(InvalidConfig, match="can run code"):
        pipe(text="a fine film indeed", label=1, sample_id=0)
    assert not marker.exists()


def test_validate_never_unpickles(attack: tuple[Path, Path]) -> None:
    pipeline, marker = attack
    subprocess.run([sys.executable, "-m", "augmentlab.cli", "validate", str(pipeline)],
                   capture_output=True, text=True, cwd=pipeline.parent)
    assert not marker.exists()


def test_a_file_cannot_declare_itself_trusted(tmp_path: Path) -> None:
    path = _pipeline_file(tmp_path, "oracle.joblib", "      trusted: true\n")
    with pytest.raises(InvalidConfig, match="cannot declare itself trusted"):
        al.load_pipeline(path)


def test_oracle_paths_are_relative_to_the_pipeline_file(tmp_path: Path, monkeypatch) -> None:
    texts = ["a fine film", "a dull film", "fine acting", "dull plot"]
    oracle = al.text.fit_oracle(texts, [1, 0, 1, 0])
    (tmp_path / "models").mkdir()
    al.text.save_oracle(oracle, tmp_path / "models" / "oracle.json")
    pipeline = _pipeline_file(tmp_path, "models/oracle.json")
    monkeypatch.chdir("/")
    pipe = al.load_pipeline(pipeline)
    out = pipe(text="a fine film with fine acting", label=1, sample_id=0)
    assert "probability" in out.record.steps[-1].params or out.record.steps


def test_a_damaged_oracle_file_is_invalid_config(tmp_path: Path) -> None:
    (tmp_path / "oracle.json").write_text('{"format": "augmentlab.text-oracle/1", "coef": 3}')
    with pytest.raises(InvalidConfig, match="damaged"):
        al.text.load_oracle(tmp_path / "oracle.json")
