"""A single file as INPUT reads only that file (issue 19, item 6): a bad sibling table is never
parsed, and does not stop or colour the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from augmentlab.data.job import augment_dataset
from augmentlab.tabular import GaussianNoise

pytest.importorskip("pandas")


def test_a_single_table_does_not_read_its_neighbours(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "t_ok.csv").write_text("x,y,label\n1.0,2.0,a\n2.0,3.0,b\n3.0,1.0,a\n")
    (data / "t_bad.csv").write_bytes(b"x,y\n\xff\xfe\x00 not a table \"unclosed\n")
    (data / "other.jsonl").write_text("{not json\n")
    result = augment_dataset(data / "t_ok.csv", tmp_path / "out", GaussianNoise(p=1.0), copies=1,
                             label="label", quiet=True, strict=True)
    errors = tmp_path / "out" / "errors.jsonl"
    assert not errors.exists() or "t_bad" not in errors.read_text()
    assert result is not None
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".csv") == ["t_ok.csv"]


def test_replay_of_a_single_file_job_reads_only_that_file(tmp_path: Path) -> None:
    from augmentlab.data.replay import verify_output

    data = tmp_path / "data"
    data.mkdir()
    (data / "t_ok.csv").write_text("x,y,label\n1.0,2.0,a\n2.0,3.0,b\n3.0,1.0,a\n")
    augment_dataset(data / "t_ok.csv", tmp_path / "out", GaussianNoise(p=1.0), copies=2,
                    label="label", quiet=True)
    (data / "t_bad.csv").write_bytes(b"\xff\xfe broken")  # appears after the run
    assert verify_output(tmp_path / "out") == []  # no differences: every output replays


def test_overwrite_replaces_only_an_augmentlab_output(tmp_path: Path) -> None:
    from augmentlab.errors import InvalidConfig

    data = tmp_path / "data"
    data.mkdir()
    (data / "t.csv").write_text("x,y,label\n1.0,2.0,a\n2.0,3.0,b\n3.0,1.0,a\n")
    precious = tmp_path / "dataset"
    precious.mkdir()
    (precious / "keep.txt").write_text("my data")
    afile = tmp_path / "afile"
    afile.write_text("mine")
    for target in (precious, afile):
        with pytest.raises(InvalidConfig, match="only replaces an earlier augmentlab output"):
            augment_dataset(data / "t.csv", target, GaussianNoise(p=1.0), copies=1, label="label",
                            quiet=True, overwrite=True)
    assert (precious / "keep.txt").read_text() == "my data" and afile.read_text() == "mine"
    assert not (tmp_path / "afile.old").exists()
    out = tmp_path / "out"
    for _ in range(2):  # an earlier output is replaced
        augment_dataset(data / "t.csv", out, GaussianNoise(p=1.0), copies=1, label="label",
                        quiet=True, overwrite=True)
    assert (out / "manifest.jsonl").is_file() and not (tmp_path / "out.old").exists()


@pytest.fixture()
def image_output(tmp_path: Path) -> Path:
    import cv2
    import numpy as np

    import augmentlab as al

    src = tmp_path / "in" / "cats"
    src.mkdir(parents=True)
    for i in range(3):
        cv2.imwrite(str(src / f"c{i}.png"), np.full((8, 8, 3), 40 * i, np.uint8))
    augment_dataset(tmp_path / "in", tmp_path / "out", al.Rotate(limit=30, p=1.0), copies=2,
                    quiet=True)
    return tmp_path / "out"


@pytest.mark.parametrize("tamper", ["empty", "drop_line", "extra_file"])
def test_replay_verify_checks_the_file_set(image_output: Path, tamper: str) -> None:
    from augmentlab.data.replay import verify_output

    assert verify_output(image_output) == []
    manifest = image_output / "manifest.jsonl"
    lines = manifest.read_text().splitlines(keepends=True)
    if tamper == "empty":
        manifest.write_text("")
    elif tamper == "drop_line":
        manifest.write_text("".join(lines[1:]))
    else:
        (image_output / "cats" / "planted.png").write_bytes(b"not ours")
    problems = [d["problem"] for d in verify_output(image_output)]
    assert problems, "a tampered output must not verify"
    if tamper == "extra_file":
        assert problems == ["a file the manifest does not list"]
