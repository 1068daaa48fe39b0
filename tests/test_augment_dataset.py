"""`augmentlab augment`: layouts written back alike, worker-independent bytes, resume after
kill -9, refusals, bad files, and `replay --verify`."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import DataError, InvalidConfig

PIPELINE = al.Compose([al.Affine(rotate=15, scale=(0.9, 1.1), p=1.0), al.BrightnessContrast(),
                       al.HorizontalFlip(p=1.0)])


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _write(path: Path, img: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = cv2.imwrite(str(path), img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    assert ok


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real photos as JPEGs in two class folders (crops of the four built-in photos)."""
    root = tmp_path_factory.mktemp("photos") / "in"
    for name, img in sample_photos(128):
        for k in range(3):
            crop = img[k * 16:k * 16 + 96, k * 8:k * 8 + 96]
            _write(root / ("indoor" if name in ("coffee", "china") else "outdoor") / f"{name}{k}.jpg", crop)
    return root


def test_class_folders_same_bytes_for_any_worker_count_and_replayable(photo_folder: Path,
                                                                      tmp_path: Path) -> None:
    before = _tree(photo_folder)
    one = augment_dataset(photo_folder, tmp_path / "one", PIPELINE, copies=2, seed=3, quiet=True)
    augment_dataset(photo_folder, tmp_path / "two", PIPELINE, copies=2, seed=3, workers=2, quiet=True)
    assert one.written == 24 and one.errors == 0
    a, b = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert a == b and "indoor/coffee0_aug2.jpg" in a and "manifest.jsonl" in a
    assert _tree(photo_folder) == before  # the input is never written
    lines = [json.loads(t) for t in (tmp_path / "one" / "manifest.jsonl").read_text().splitlines()]
    first = lines[0]
    assert (first["source"], first["copy"], first["label"]) == ("indoor/china0.jpg", 1, "indoor")
    assert first["sha256"] == before["indoor/china0.jpg"] and first["record"]["seed"] == 3
    assert verify_output(tmp_path / "one") == []
    # a tampered output is reported
    target = tmp_path / "one" / "outdoor" / "flower1_aug1.jpg"
    target.write_bytes(target.read_bytes()[:-10])
    assert [d["source"] for d in verify_output(tmp_path / "one")] == ["outdoor/flower1.jpg"]
    # a different seed changes the outputs; originals are copied byte for byte
    augment_dataset(photo_folder, tmp_path / "orig", PIPELINE, copies=1, seed=4,
                    include_originals=True, quiet=True)
    c = _tree(tmp_path / "orig")
    assert c["indoor/coffee0.jpg"] == before["indoor/coffee0.jpg"]
    assert c["indoor/coffee0_aug1.jpg"] != a["indoor/coffee0_aug1.jpg"]


def test_masks_and_yolo_boxes_move_with_the_image(tmp_path: Path) -> None:
    photo = sample_photos(64)[0][1]
    mask = np.zeros((64, 64), np.uint8)
    mask[10:30, 5:20] = 1
    _write(tmp_path / "seg" / "images" / "a.png", photo)
    _write(tmp_path / "seg" / "masks" / "a.png", mask)
    flip = al.Compose([al.HorizontalFlip(p=1.0)])
    augment_dataset(tmp_path / "seg", tmp_path / "seg_out", flip, quiet=True)
    out_mask = cv2.imread(str(tmp_path / "seg_out" / "masks" / "a_aug1.png"), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(out_mask, mask[:, ::-1])
    _write(tmp_path / "yolo" / "images" / "b.png", photo)
    (tmp_path / "yolo" / "labels").mkdir()
    (tmp_path / "yolo" / "labels" / "b.txt").write_text("2 0.250000 0.500000 0.200000 0.400000\n")
    augment_dataset(tmp_path / "yolo", tmp_path / "yolo_out", flip, copies=1, quiet=True)
    line = (tmp_path / "yolo_out" / "labels" / "b_aug1.txt").read_text().split()
    assert line[0] == "2" and np.allclose([float(v) for v in line[1:]], [0.75, 0.5, 0.2, 0.4])
    assert verify_output(tmp_path / "yolo_out") == [] and verify_output(tmp_path / "seg_out") == []
    _write(tmp_path / "voc" / "JPEGImages" / "c.jpg", photo)
    (tmp_path / "voc" / "Annotations").mkdir()
    (tmp_path / "voc" / "Annotations" / "c.xml").write_text(
        "<annotation><filename>c.jpg</filename><size><width>64</width><height>64</height>"
        "<depth>3</depth></size><object><name>cat</name><difficult>0</difficult><bndbox>"
        "<xmin>8</xmin><ymin>16</ymin><xmax>24</xmax><ymax>40</ymax></bndbox></object></annotation>")
    augment_dataset(tmp_path / "voc", tmp_path / "voc_out", flip, quiet=True)
    xml = (tmp_path / "voc_out" / "Annotations" / "c_aug1.xml").read_text()
    assert "<filename>c_aug1.jpg</filename>" in xml and "<name>cat</name>" in xml
    assert "<difficult>0</difficult>" in xml  # the object's other fields are kept
    assert "<xmin>40.0</xmin>" in xml and "<xmax>56.0</xmax>" in xml and "<ymin>16.0</ymin>" in xml
    assert verify_output(tmp_path / "voc_out") == []
    # `augmentlab show` draws the boxes it found next to the image
    pipe_file = tmp_path / "flip.yaml"
    pipe_file.write_text(flip.to_yaml())
    image = str(tmp_path / "voc" / "JPEGImages" / "c.jpg")
    assert main(["show", image, "--pipeline", str(pipe_file), "--copies", "3",
                 "--out", str(tmp_path / "grid.png")]) == 0
    grid = cv2.cvtColor(cv2.imread(str(tmp_path / "grid.png")), cv2.COLOR_BGR2RGB)
    from augmentlab.preview import show_image

    cell = show_image(flip, image, tmp_path / "again.png", copies=3).cells[1]  # where copy 1 sits
    right = grid[cell.y:cell.y + cell.height, cell.x:cell.x + cell.width]
    s = cell.width // 64  # the first copy, flipped: its box is drawn at x 40..55, at the tile's scale
    assert (right[30 * s, 40 * s] == [0, 255, 0]).all() and not (right[30 * s, 8 * s] == [0, 255, 0]).all()


def test_refusals_and_overwrite(photo_folder: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig, match="OUTPUT is INPUT"):
        augment_dataset(photo_folder, photo_folder, PIPELINE, quiet=True)
    with pytest.raises(InvalidConfig, match="inside INPUT"):
        augment_dataset(photo_folder, photo_folder / "indoor" / "x", PIPELINE, quiet=True)
    augment_dataset(photo_folder, tmp_path / "out", PIPELINE, quiet=True)
    with pytest.raises(InvalidConfig, match="exists; pass --overwrite"):
        augment_dataset(photo_folder, tmp_path / "out", PIPELINE, quiet=True)
    augment_dataset(photo_folder, tmp_path / "out", PIPELINE, copies=2, overwrite=True, quiet=True)
    assert (tmp_path / "out" / "indoor" / "coffee0_aug2.jpg").is_file()
    assert not (tmp_path / "out.partial").exists() and not (tmp_path / "out.old").exists()
    with pytest.raises(InvalidConfig, match="copies=0"):
        augment_dataset(photo_folder, tmp_path / "o2", PIPELINE, copies=0, quiet=True)


def test_bad_files_are_skipped_and_listed_or_stop_a_strict_run(photo_folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    good = sample_photos(64)[1][1]
    _write(src / "cats" / "good.jpg", good)
    data = (photo_folder / "indoor" / "coffee0.jpg").read_bytes()
    (src / "cats" / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (src / "cats" / "text.png").write_bytes(b"not an image at all")
    _write(src / "cats" / "big.png", np.zeros((200, 200), np.uint8))  # over max_pixels below
    outside = tmp_path / "elsewhere.jpg"
    _write(outside, good)
    os.symlink(outside, src / "cats" / "link.jpg")
    summary = augment_dataset(src, tmp_path / "out", PIPELINE, max_pixels=100 * 100, quiet=True)
    errors = [json.loads(t) for t in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert summary.written == 1 and summary.errors == 4
    assert [e["file"] for e in errors] == ["cats/big.png", "cats/link.jpg", "cats/text.png",
                                           "cats/truncated.jpg"]
    assert "over the limit" in errors[0]["error"] and "outside the input" in errors[1]["error"]
    with pytest.raises(DataError, match="link.jpg: a symbolic link leading outside"):
        augment_dataset(src, tmp_path / "strict", PIPELINE, strict=True, quiet=True)
    yolo = tmp_path / "yolo"
    _write(yolo / "images" / "a.png", good)
    (yolo / "labels").mkdir()
    (yolo / "labels" / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n1 0.5 nine 0.2 0.2\n")
    with pytest.raises(DataError, match=r"labels/a.txt:2: expected 'class cx cy w h'"):
        augment_dataset(yolo, tmp_path / "yolo_out", PIPELINE, strict=True, quiet=True)


def test_an_interrupted_run_resumes_to_the_same_bytes(photo_folder: Path, tmp_path: Path) -> None:
    pipe_file = tmp_path / "pipe.yaml"
    pipe_file.write_text(al.Compose([al.ElasticWarp(alpha=40, sigma=5), al.GaussNoise(p=1.0)]).to_yaml())
    args = ["augment", str(photo_folder), "", "--pipeline", str(pipe_file), "--copies", "30",
            "--seed", "1", "--quiet"]
    cut = tmp_path / "cut"
    # the undisturbed run, under the same OUTPUT name (augmentlab.yaml records the command)
    assert main([*args[:2], str(cut), *args[3:]]) == 0
    os.replace(cut, tmp_path / "whole")
    proc = subprocess.Popen([sys.executable, "-m", "augmentlab.cli", *args[:2], str(cut), *args[3:]])
    manifest = tmp_path / "cut.partial" / "manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not manifest.exists() or len(manifest.read_bytes()) < 20000):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not cut.exists() and manifest.exists()  # killed half-way: only the partial folder
    done = len(manifest.read_text().splitlines())
    assert 0 < done < 360
    finished = _finished_outputs(tmp_path / "cut.partial")
    assert finished  # at least one flushed batch of 16 lines
    assert main([*args[:2], str(cut), *args[3:]]) == 0
    assert _tree(cut) == _tree(tmp_path / "whole")
    assert verify_output(cut) == []
    # what the manifest recorded as done before the kill was kept, not written again
    assert {rel: _identity(cut / rel) for rel in finished} == finished


def _identity(path: Path) -> tuple[int, int]:
    """A file's inode and modification time: a file written again (through a temporary name and
    a rename, as every output is) gets another inode, even when its bytes are the same."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def _finished_outputs(partial: Path) -> dict[str, tuple[int, int]]:
    """The outputs the manifest of an interrupted run lists as done (a torn last line left out),
    with their `_identity`."""
    out = {}
    for text in (partial / "manifest.jsonl").read_text().splitlines():
        try:
            line = json.loads(text)
        except ValueError:
            continue
        out.update({rel: _identity(partial / rel) for rel in line["outputs"]})
    return out


class _Interrupted(Exception):
    """Stands for Ctrl-C in the middle of a run."""


def test_a_resumed_run_does_not_redo_what_the_manifest_records(photo_folder: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """12 images x 3 copies, interrupted after 18 of the 36 outputs: the same call again writes the
    other 18 and nothing else (the finished files keep their inode and mtime), says 18 were already
    done, and ends with the bytes of an uninterrupted run."""
    from augmentlab.data import job

    augment_dataset(photo_folder, tmp_path / "out", PIPELINE, copies=3, seed=2, quiet=True)
    os.replace(tmp_path / "out", tmp_path / "whole")  # the same OUTPUT name for both runs
    real_work, real_write = job._work, job.atomic_write
    started: list[tuple[int, int]] = []

    def interrupted_work(unit: tuple[int, int]) -> dict:
        if len(started) == 18:
            raise _Interrupted
        started.append(unit)
        return real_work(unit)

    monkeypatch.setattr(job, "_work", interrupted_work)
    with pytest.raises(_Interrupted):
        augment_dataset(photo_folder, tmp_path / "out", PIPELINE, copies=3, seed=2, quiet=True)
    partial = tmp_path / "out.partial"
    assert not (tmp_path / "out").exists()
    finished = _finished_outputs(partial)
    assert len(finished) == 18
    redone: list[tuple[int, int]] = []
    written: list[str] = []

    def counted_work(unit: tuple[int, int]) -> dict:
        redone.append(unit)
        return real_work(unit)

    def counted_write(path: Path, data: bytes) -> None:
        written.append(Path(path).relative_to(partial).as_posix())
        real_write(path, data)

    monkeypatch.setattr(job, "_work", counted_work)
    monkeypatch.setattr(job, "atomic_write", counted_write)
    summary = augment_dataset(photo_folder, tmp_path / "out", PIPELINE, copies=3, seed=2, quiet=True)
    assert (summary.written, summary.skipped_done, summary.errors) == (18, 18, 0)
    assert len(redone) == 18 and not set(redone) & set(started)
    assert not set(written) & set(finished)  # no finished output written again
    assert {rel: _identity(tmp_path / "out" / rel) for rel in finished} == finished
    assert _tree(tmp_path / "out") == _tree(tmp_path / "whole")
    assert verify_output(tmp_path / "out") == []


def test_cli_validate_replay_and_errors(photo_folder: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(PIPELINE.to_yaml())
    assert main(["validate", str(good)]) == 0
    assert "a valid pipeline (Compose, 3 transforms)" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n    - {name: Rotat}\n")
    assert main(["validate", str(bad)]) == 1
    assert "bad.yaml:5: unknown transform 'Rotat'" in capsys.readouterr().err  # with its line
    missing = str(tmp_path / "nope.yaml")
    assert main(["augment", str(photo_folder), str(tmp_path / "o"), "--pipeline", missing]) == 1
    assert "pipeline file" in capsys.readouterr().err
    assert main(["augment", str(photo_folder), str(tmp_path / "o"), "--pipeline", str(good), "--quiet"]) == 0
    assert main(["replay", str(tmp_path / "o"), "--verify"]) == 0
    assert "every output reproduced byte for byte" in capsys.readouterr().out


def test_ray_engine_writes_the_same_bytes(photo_folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")  # installed by `make install` (the ray extra); real Ray, local mode
    augment_dataset(photo_folder, tmp_path / "local", PIPELINE, copies=2, seed=5, quiet=True)
    summary = augment_dataset(photo_folder, tmp_path / "ray", PIPELINE, copies=2, seed=5, workers=2,
                              engine="ray", quiet=True)
    assert summary.written == 24 and _tree(tmp_path / "ray") == _tree(tmp_path / "local")
    with pytest.raises(InvalidConfig, match="engine='spark'"):
        augment_dataset(photo_folder, tmp_path / "x", PIPELINE, engine="spark", quiet=True)
    # a row format through Ray too (same Ray session): the shared file is the same bytes
    text = tmp_path / "text"
    text.mkdir()
    (text / "t.jsonl").write_text("".join(json.dumps({"text": f"w{i} x{i} y{i} z{i}", "k": i}) + "\n"
                                          for i in range(40)))
    words = al.Compose([al.text.RandomSwap(n=2)])
    augment_dataset(text, tmp_path / "t_local", words, copies=2, quiet=True)
    augment_dataset(text, tmp_path / "t_ray", words, copies=2, workers=2, engine="ray", quiet=True)
    assert _tree(tmp_path / "t_ray") == _tree(tmp_path / "t_local")
