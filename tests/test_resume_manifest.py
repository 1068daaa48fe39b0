"""Resuming `augmentlab augment` from OUTPUT.partial: what manifest.jsonl records as done is kept
(a damaged line costs only its own sample; table rows count one by one), what changed is redone,
what is gone leaves nothing behind, and only the same job is resumed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from tests.test_augment_dataset import _tree, _write

import augmentlab as al
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import InvalidConfig

FLIP = al.Compose([al.HorizontalFlip(p=1.0), al.GaussNoise(p=1.0)])


@pytest.fixture()
def photos(tmp_path: Path) -> Path:
    """8 images in 4 class folders."""
    root = tmp_path / "in"
    for name, img in sample_photos(48):
        for k in range(2):
            _write(root / name / f"{name}{k}.png", np.ascontiguousarray(img[:, ::1 + k]))
    return root


def _stopped(src: Path, tmp_path: Path, pipeline: al.Compose = FLIP, **options: object) -> Path:
    """A run stopped just before its partial folder became OUTPUT: every sample done."""
    augment_dataset(src, tmp_path / "out", pipeline, seed=3, quiet=True, **options)
    os.replace(tmp_path / "out", tmp_path / "out.partial")
    return tmp_path / "out.partial"


def _resume(src: Path, tmp_path: Path, pipeline: al.Compose = FLIP, **options: object) -> tuple[int, int]:
    """Finish the stopped run; (written, skipped as done). The result must be what a run from
    scratch writes."""
    summary = augment_dataset(src, tmp_path / "out", pipeline, seed=3, quiet=True, **options)
    augment_dataset(src, tmp_path / "fresh", pipeline, seed=3, quiet=True, **options)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "fresh")
    assert verify_output(tmp_path / "out") == []
    return summary.written, summary.skipped_done


def test_a_finished_manifest_is_all_skipped(photos: Path, tmp_path: Path) -> None:
    _stopped(photos, tmp_path, copies=2)
    assert _resume(photos, tmp_path, copies=2) == (0, 16)


def test_a_damaged_manifest_line_costs_only_its_own_sample(photos: Path, tmp_path: Path) -> None:
    partial = _stopped(photos, tmp_path, copies=2)
    manifest = partial / "manifest.jsonl"
    lines = manifest.read_text().splitlines()
    assert len(lines) == 16
    good = json.loads(lines[6])
    lines[2] = lines[2][: len(lines[2]) // 2]  # cut in half: not JSON
    lines[4] = json.dumps({k: v for k, v in json.loads(lines[4]).items() if k != "copy"})
    lines[6] = json.dumps({**good, "copy": None})
    lines[8] = json.dumps({**json.loads(lines[8]), "copy": "first"})
    manifest.write_text("\n".join(lines) + "\n")
    # the lines after each damaged one are still read: 12 skipped, the 4 damaged written again
    assert _resume(photos, tmp_path, copies=2) == (4, 12)


def test_table_rows_are_kept_one_by_one(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    for name in ("a", "b"):
        (tables / f"{name}.csv").write_text("x,y,label\n" + "".join(f"{i}.5,{i * 2}.25,{i % 2}\n"
                                                                      for i in range(5)))
    pipe = al.Compose([al.tabular.GaussianNoise(scale=0.1)])
    partial = _stopped(tables, tmp_path, pipe, copies=2, label="label")
    manifest = partial / "manifest.jsonl"
    lines = manifest.read_text().splitlines()
    assert len(lines) == 20
    manifest.write_text("\n".join(lines[:-3]) + "\n")  # the last three rows not done yet
    assert _resume(tables, tmp_path, pipe, copies=2, label="label") == (3, 17)


def test_a_source_folder_removed_leaves_no_empty_folder_behind(photos: Path, tmp_path: Path) -> None:
    _stopped(photos, tmp_path)
    gone = sorted(p.name for p in photos.iterdir())[0]
    for path in (photos / gone).iterdir():
        path.unlink()
    (photos / gone).rmdir()
    assert _resume(photos, tmp_path) == (0, 6)
    assert not (tmp_path / "out" / gone).exists()
    folders = sorted(p.relative_to(tmp_path / "out").as_posix()
                     for p in (tmp_path / "out").rglob("*") if p.is_dir())
    assert folders == sorted(p.name for p in photos.iterdir())


def test_annotations_saved_again_with_their_keys_in_another_order_are_not_a_change(tmp_path: Path) -> None:
    src = tmp_path / "coco"
    (src / "annotations").mkdir(parents=True)
    images, anns = [], []
    for i, (name, img) in enumerate(sample_photos(48)):
        _write(src / "images" / f"{name}.png", img)
        images.append({"id": i, "file_name": f"{name}.png", "width": 48, "height": 48})
        anns.append({"id": 10 + i, "image_id": i, "category_id": 1, "bbox": [4, 4, 20, 24],
                     "area": 480, "iscrowd": 0})
    data = {"categories": [{"id": 1, "name": "thing"}], "images": images, "annotations": anns}
    path = src / "annotations" / "train.json"
    path.write_text(json.dumps(data))
    pipe = al.Compose([al.HorizontalFlip(p=1.0)])
    _stopped(src, tmp_path, pipe)

    def reordered(value: object) -> object:
        if isinstance(value, dict):
            return {k: reordered(value[k]) for k in reversed(list(value))}
        return [reordered(v) for v in value] if isinstance(value, list) else value

    path.write_text(json.dumps(reordered(data), indent=1))  # the same annotations, re-saved
    assert _resume(src, tmp_path, pipe) == (0, 4)


def _job(partial: Path) -> dict:
    return yaml.safe_load((partial / "augmentlab.yaml").read_text())


REFUSED = r"out.partial holds an interrupted run of a different job; delete it, or run that job again"


def test_a_partial_folder_of_another_job_is_refused(photos: Path, tmp_path: Path) -> None:
    partial = _stopped(photos, tmp_path)
    before = _tree(partial)
    with pytest.raises(InvalidConfig, match=REFUSED):
        augment_dataset(photos, tmp_path / "out", FLIP, seed=4, quiet=True)  # another seed
    with pytest.raises(InvalidConfig, match=REFUSED):
        augment_dataset(photos, tmp_path / "out", FLIP, seed=3, copies=2, quiet=True)
    assert _tree(partial) == before  # left as it was
    (partial / "augmentlab.yaml").unlink()  # a manifest but no job file: whose is it?
    with pytest.raises(InvalidConfig, match=REFUSED):
        augment_dataset(photos, tmp_path / "out", FLIP, seed=3, quiet=True)
    (partial / "augmentlab.yaml").write_text("- a list\n- not a job\n")
    with pytest.raises(InvalidConfig, match=REFUSED):
        augment_dataset(photos, tmp_path / "out", FLIP, seed=3, quiet=True)
    # a job file torn or edited into invalid YAML: refused in one line, not a parser traceback
    for text in ("a: [", "seed: 3\n\tcopies: 1\n", "\x00\x01"):
        (partial / "augmentlab.yaml").write_text(text)
        with pytest.raises(InvalidConfig, match=REFUSED):
            augment_dataset(photos, tmp_path / "out", FLIP, seed=3, quiet=True)
        assert (partial / "augmentlab.yaml").read_text() == text


def test_a_job_file_without_a_manifest_is_still_checked(photos: Path, tmp_path: Path) -> None:
    partial = _stopped(photos, tmp_path)
    job = _job(partial)
    for path in sorted(partial.rglob("*"), reverse=True):
        if path.is_dir():
            path.rmdir()
        elif path.name != "augmentlab.yaml":
            path.unlink()
    with pytest.raises(InvalidConfig, match=REFUSED):  # killed before its first line, another job
        augment_dataset(photos, tmp_path / "out", FLIP, seed=5, quiet=True)
    assert _job(partial) == job  # its job file kept for the run it belongs to
    assert _resume(photos, tmp_path) == (8, 0)  # the same job: started over, not refused
