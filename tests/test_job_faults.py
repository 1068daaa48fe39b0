"""`augmentlab augment` under faults: two runs on one OUTPUT, a worker killed by the OS, nothing
written, a source changed or removed before a resume, a torn manifest line, unwritable OUTPUT."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from tests.test_augment_dataset import _tree, _write

import augmentlab as al
from augmentlab.cli import main
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import DataError, OutputBusy

SLOW = al.Compose([al.ElasticWarp(alpha=40, sigma=5), al.GaussNoise(p=1.0)])
QUICK = al.Compose([al.HorizontalFlip(p=1.0), al.GaussNoise(p=1.0)])


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("faults") / "in"
    for name, img in sample_photos(128):
        for k in range(3):
            _write(root / name / f"{name}{k}.png", img[k * 16:k * 16 + 96, k * 8:k * 8 + 96])
    return root


def _cli(src: Path, out: Path, pipe_file: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "augmentlab.cli", "augment", str(src), str(out), "--pipeline",
            str(pipe_file), "--seed", "3", "--quiet", *extra]


def _wait_for_lines(manifest: Path, n: int, proc: subprocess.Popen[bytes], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and manifest.read_bytes().count(b"\n") >= n:
            return
        time.sleep(0.02)
    raise AssertionError(f"the run did not reach {n} manifest lines (exit {proc.poll()})")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def test_a_second_run_on_the_same_output_refuses_and_the_first_completes(photos: Path,
                                                                         tmp_path: Path) -> None:
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(SLOW.to_yaml())
    out = tmp_path / "out"
    first = subprocess.Popen(_cli(photos, out, pipe_file, "--copies", "100"))
    _wait_for_lines(tmp_path / "out.partial" / "manifest.jsonl", 2, first)
    with pytest.raises(OutputBusy):  # the Python API too, and --overwrite does not get past it
        augment_dataset(photos, out, SLOW, copies=100, seed=3, overwrite=True, quiet=True)
    second = subprocess.run(_cli(photos, out, pipe_file, "--copies", "100"), capture_output=True,
                            text=True, timeout=120)
    assert first.poll() is None, "the first run ended before the second started: make it longer"
    assert second.returncode == 1
    assert f"another augmentlab run (pid {first.pid}) is writing {out}" in second.stderr
    assert first.wait(timeout=300) == 0
    assert verify_output(out) == []
    assert len((out / "manifest.jsonl").read_text().splitlines()) == 12 * 100
    assert not (tmp_path / f".{out.name}.augmentlab-lock").exists()  # released and removed
    # once the first is done, the lock is free: a second run is refused only because OUTPUT exists
    assert main(["augment", str(photos), str(out), "--pipeline", str(pipe_file), "--quiet"]) == 1


def test_a_killed_worker_stops_the_run_with_a_clear_error_and_it_resumes(photos: Path, tmp_path: Path) -> None:
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(SLOW.to_yaml())
    out = tmp_path / "out"
    # the undisturbed run, under the same OUTPUT name (augmentlab.yaml records the command)
    assert subprocess.run(_cli(photos, out, pipe_file, "--copies", "40")).returncode == 0
    os.replace(out, tmp_path / "whole")
    proc = subprocess.Popen(_cli(photos, out, pipe_file, "--copies", "40", "--jobs", "2"),
                            stderr=subprocess.PIPE, text=True)
    _wait_for_lines(tmp_path / "out.partial" / "manifest.jsonl", 32, proc)
    workers = _children(proc.pid)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)  # as the out-of-memory killer would
    killed = time.monotonic()
    _, err = proc.communicate(timeout=60)  # before: waited forever
    assert time.monotonic() - killed < 60
    assert proc.returncode == 1
    assert "a worker process died" in err and "run the same command again to resume" in err
    assert err.count("\n") == 1  # one line, no traceback
    time.sleep(1)
    assert not any(Path(f"/proc/{w}").exists() for w in workers[1:])  # no worker left behind
    assert subprocess.run(_cli(photos, out, pipe_file, "--copies", "40", "--jobs", "2")).returncode == 0
    assert _tree(out) == _tree(tmp_path / "whole")
    assert verify_output(out) == []


def test_workers_of_a_killed_run_do_not_live_on(photos: Path, tmp_path: Path) -> None:
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(SLOW.to_yaml())
    proc = subprocess.Popen(_cli(photos, tmp_path / "out", pipe_file, "--copies", "40", "--jobs", "2"))
    _wait_for_lines(tmp_path / "out.partial" / "manifest.jsonl", 16, proc)
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}/status").exists() and
                                              "zombie" not in Path(f"/proc/{w}/status").read_text()
                                              for w in workers):
        time.sleep(0.1)
    assert all(not Path(f"/proc/{w}/status").exists() or "zombie" in Path(f"/proc/{w}/status").read_text()
               for w in workers)
    # and the lock went with them: the same command resumes at once
    assert subprocess.run(_cli(photos, tmp_path / "out", pipe_file, "--copies", "40")).returncode == 0


def test_nothing_written_is_an_error_and_leaves_nothing(photos: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    for k in range(3):
        (broken / "cats").mkdir(parents=True, exist_ok=True)
        (broken / "cats" / f"{k}.png").write_bytes(b"\x89PNG\r\n\x1a\n not an image")
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(QUICK.to_yaml())
    assert main(["augment", str(broken), str(tmp_path / "o"), "--pipeline", str(pipe_file), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "nothing was written: no sample could be augmented (3 skipped with errors" in err
    assert "cats/0.png" in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.partial").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="found no samples in"):
        augment_dataset(empty, tmp_path / "o2", QUICK, quiet=True)
    texts = tmp_path / "texts"  # a JSONL without the text column
    texts.mkdir()
    (texts / "a.jsonl").write_text('{"body": "a film", "label": 1}\n{"body": "a play", "label": 0}\n')
    text_pipe = tmp_path / "t.yaml"
    text_pipe.write_text(al.Compose([al.text.RandomSwap(p=1.0)]).to_yaml())
    assert main(["augment", str(texts), str(tmp_path / "o3"), "--pipeline", str(text_pipe), "--quiet"]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "o3").exists()


def _interrupted(photos: Path, tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A copy of the input and a complete run of it, turned back into its OUTPUT.partial: the state
    of a run killed just before its final rename (every later state resumes the same way)."""
    src = tmp_path / f"{name}_in"
    shutil.copytree(photos, src)
    augment_dataset(src, tmp_path / name, QUICK, copies=2, seed=3, quiet=True)
    partial = tmp_path / f"{name}.partial"
    os.replace(tmp_path / name, partial)
    return src, partial


def test_a_resume_redoes_sources_that_changed_and_drops_removed_ones(photos: Path, tmp_path: Path) -> None:
    src, _ = _interrupted(photos, tmp_path, "out")
    changed = src / "coffee" / "coffee1.png"
    img = cv2.imread(str(changed))
    cv2.imwrite(str(changed), 255 - img)  # edited while the run was stopped
    (src / "astronaut" / "astronaut2.png").unlink()
    summary = augment_dataset(src, tmp_path / "out", QUICK, copies=2, seed=3, quiet=True)
    assert summary.written == 2 and summary.skipped_done == 20
    augment_dataset(src, tmp_path / "fresh", QUICK, copies=2, seed=3, quiet=True)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "fresh")
    assert verify_output(tmp_path / "out") == []


def test_a_torn_manifest_line_does_not_swallow_the_next_one(photos: Path, tmp_path: Path) -> None:
    src, partial = _interrupted(photos, tmp_path, "out")
    manifest = partial / "manifest.jsonl"
    manifest.write_bytes(manifest.read_bytes()[:-40])  # killed while writing the last line
    augment_dataset(src, tmp_path / "out", QUICK, copies=2, seed=3, quiet=True)
    augment_dataset(src, tmp_path / "fresh", QUICK, copies=2, seed=3, quiet=True)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "fresh")
    assert verify_output(tmp_path / "out") == []


def _in_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace (as root, or as a user with user
    namespaces): it can mount a small or read-only tmpfs without touching the machine."""
    if shutil.which("unshare") is None:
        pytest.fail("these tests need util-linux's `unshare` (installed on Debian by default)")
    return subprocess.run(["unshare", "-rm", "sh", "-ec", script], capture_output=True, text=True,
                          timeout=300)


def test_a_read_only_output_folder_is_one_line_not_a_traceback(photos: Path, tmp_path: Path) -> None:
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(QUICK.to_yaml())
    ro = tmp_path / "ro"
    ro.mkdir()
    cmd = " ".join(_cli(photos, ro / "out", pipe_file))
    run = _in_namespace(f"mount -t tmpfs -o ro,size=1m tmpfs {ro}\n{cmd}")
    assert run.returncode == 1, run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "read-only" in run.stderr and str(ro) in run.stderr
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["augment", str(photos), str(afile / "out"), "--pipeline", str(pipe_file), "--quiet"]) == 1


def test_a_full_disk_stops_the_run_and_it_resumes_once_there_is_room(photos: Path, tmp_path: Path) -> None:
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(QUICK.to_yaml())
    disk = tmp_path / "disk"
    disk.mkdir()
    cmd = " ".join(_cli(photos, disk / "out", pipe_file, "--copies", "4", "--jobs", "2"))
    assert subprocess.run(cmd.split()).returncode == 0  # undisturbed, under the same OUTPUT name
    os.replace(disk / "out", tmp_path / "whole")
    # the whole output is ~1.2 MB: 600 kB fills up part-way; then the disk grows and the same
    # command resumes; the result is copied out of the namespace to compare
    run = _in_namespace(f"mount -t tmpfs -o size=600k tmpfs {disk}\n"
                        f"if {cmd} 2>{tmp_path}/err; then echo FIRST_OK; fi\n"
                        f"mount -o remount,size=64m {disk}\n{cmd}\ncp -r {disk}/out {tmp_path}/out\n")
    assert run.returncode == 0, run.stderr
    assert "FIRST_OK" not in run.stdout
    err = (tmp_path / "err").read_text()
    assert "No space left on device; the disk is full: free space" in err
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert _tree(tmp_path / "out") == _tree(tmp_path / "whole")
    assert verify_output(tmp_path / "out") == []
    assert json.loads((tmp_path / "out" / "manifest.jsonl").read_text().splitlines()[0])["copy"] == 1


def _resume_equals_fresh(src: Path, tmp_path: Path, pipeline: al.Compose, copies: int = 2) -> None:
    augment_dataset(src, tmp_path / "out", pipeline, copies=copies, seed=3, quiet=True)
    augment_dataset(src, tmp_path / "fresh", pipeline, copies=copies, seed=3, quiet=True)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "fresh")
    assert verify_output(tmp_path / "out") == []


def _stop_before_rename(src: Path, tmp_path: Path, pipeline: al.Compose, copies: int = 2) -> Path:
    augment_dataset(src, tmp_path / "out", pipeline, copies=copies, seed=3, quiet=True)
    os.replace(tmp_path / "out", tmp_path / "out.partial")
    return tmp_path / "out.partial"


def test_a_resume_redoes_samples_whose_mask_changed_and_drops_those_gone(photos: Path,
                                                                          tmp_path: Path) -> None:
    src = tmp_path / "in"
    for k, (name, img) in enumerate(sample_photos(64)):
        _write(src / "images" / f"{name}.png", img)
        mask = np.zeros(img.shape[:2], np.uint8)
        mask[8 * k:8 * k + 20, 10:30] = 1
        _write(src / "masks" / f"{name}.png", mask)
    pipe = al.Compose([al.Affine(rotate=20, p=1.0), al.GaussNoise(p=1.0)])
    _stop_before_rename(src, tmp_path, pipe)
    names = [name for name, _ in sample_photos(64)]
    _write(src / "masks" / f"{names[0]}.png", np.ones((64, 64), np.uint8))  # edited
    (src / "masks" / f"{names[1]}.png").unlink()  # its image is now reported, not augmented
    _resume_equals_fresh(src, tmp_path, pipe)


def _coco(root: Path, files: dict[str, list[str]]) -> None:
    (root / "annotations").mkdir(parents=True)
    photos = dict(sample_photos(64))
    for json_name, names in files.items():
        images, anns = [], []
        for i, name in enumerate(names):
            _write(root / "images" / f"{name}.png", photos[name])
            images.append({"id": i, "file_name": f"{name}.png", "width": 64, "height": 64})
            anns.append({"id": 10 + i, "image_id": i, "category_id": 1, "bbox": [8, 8, 20, 24]})
        (root / "annotations" / json_name).write_text(json.dumps(
            {"categories": [{"id": 1, "name": "thing"}], "images": images, "annotations": anns}))


def test_a_resume_redoes_a_coco_image_whose_annotation_changed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    names = [name for name, _ in sample_photos(64)]
    _coco(src, {"train.json": names})
    pipe = al.Compose([al.Affine(rotate=20, p=1.0)])
    _stop_before_rename(src, tmp_path, pipe)
    path = src / "annotations" / "train.json"
    data = json.loads(path.read_text())
    data["annotations"][1]["bbox"] = [30, 30, 10, 10]
    path.write_text(json.dumps(data))
    _resume_equals_fresh(src, tmp_path, pipe)


def test_a_resume_after_a_coco_file_was_removed_finishes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    names = [name for name, _ in sample_photos(64)]
    _coco(src, {"train.json": names[:2], "val.json": names[2:]})
    pipe = al.Compose([al.HorizontalFlip(p=1.0)])
    _stop_before_rename(src, tmp_path, pipe)
    (src / "annotations" / "val.json").unlink()  # before: every resume failed reading it
    for name in names[2:]:
        (src / "images" / f"{name}.png").unlink()
    _resume_equals_fresh(src, tmp_path, pipe)


def test_a_resume_removes_outputs_of_a_source_now_corrupt_and_of_a_table_removed(photos: Path,
                                                                                 tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(photos, src)
    _stop_before_rename(src, tmp_path, QUICK)
    (src / "coffee" / "coffee0.png").write_bytes(b"garbage")  # changed, and now unreadable
    augment_dataset(src, tmp_path / "out", QUICK, copies=2, seed=3, quiet=True)
    assert not (tmp_path / "out" / "coffee" / "coffee0_aug1.png").exists()
    assert verify_output(tmp_path / "out") == []
    tables = tmp_path / "tables"
    tables.mkdir()
    for name in ("a", "b"):
        (tables / f"{name}.csv").write_text("x,y,label\n" + "".join(f"{i}.5,{i * 2}.25,{i % 2}\n"
                                                                      for i in range(6)))
    table_pipe = al.Compose([al.tabular.GaussianNoise(scale=0.1)])
    shutil.rmtree(tmp_path / "out")
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    _stop_before_rename(tables, tmp_path, table_pipe)
    (tables / "b.csv").unlink()
    _resume_equals_fresh(tables, tmp_path, table_pipe)
    assert not (tmp_path / "out" / "b.csv").exists()


def test_a_lock_whose_pid_cannot_be_written_is_not_kept(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from augmentlab.core.files import OutputLock

    path = tmp_path / ".out.lock"

    def full(*args: object) -> int:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "pwrite", full)
        with pytest.raises(OSError, match="No space"):
            OutputLock(path, "out").acquire()
    OutputLock(path, "out").acquire().release()  # before: OutputBusy until the process ended


def test_workers_that_cannot_start_are_one_line_not_a_hang(photos: Path, tmp_path: Path) -> None:
    script = f"""
import os, sys
import augmentlab as al
from augmentlab.data import augment_dataset
from augmentlab.errors import JobFailed
real, calls = os.fork, []
def fork():
    calls.append(1)
    if len(calls) == 2:
        raise BlockingIOError(11, "Resource temporarily unavailable")
    return real()
os.fork = fork
try:
    augment_dataset({str(photos)!r}, {str(tmp_path / 'out')!r}, al.Compose([al.HorizontalFlip()]),
                    copies=4, workers=2, quiet=True)
except JobFailed as exc:
    print(exc)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr  # before: it never exited
    assert "cannot start 2 worker processes" in run.stdout and "fewer (--jobs" in run.stdout


def test_overwrite_killed_mid_swap_and_a_users_own_old_folder(photos: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(photos, src)
    augment_dataset(src, tmp_path / "out", QUICK, quiet=True)
    mine = tmp_path / "out.old"  # the user's own folder, named like the old trash
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    augment_dataset(src, tmp_path / "out", QUICK, copies=2, seed=3, overwrite=True, quiet=True)
    assert (mine / "notes.txt").read_text() == "keep me"  # before: deleted by --overwrite
    # killed between the two renames of --overwrite: the old output moved aside, the new complete
    partial = _stop_before_rename(src, tmp_path / "k", QUICK)
    trash = tmp_path / "k" / ".out.augmentlab-old"
    shutil.copytree(tmp_path / "out", trash)
    augment_dataset(src, tmp_path / "k" / "out", QUICK, copies=2, seed=3, quiet=True)
    assert not trash.exists() and not partial.exists()
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == ["out"]


def test_a_partial_folder_killed_as_it_was_made_does_not_block_the_job(photos: Path, tmp_path: Path) -> None:
    (tmp_path / "out.partial").mkdir()  # killed between its mkdir and its job file
    summary = augment_dataset(photos, tmp_path / "out", QUICK, quiet=True)
    assert summary.written == 12 and verify_output(tmp_path / "out") == []


def test_the_ray_engine_reports_a_write_failure_in_one_line(photos: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(photos, src)
    partial = _stop_before_rename(src, tmp_path, QUICK)
    manifest = partial / "manifest.jsonl"
    manifest.write_text("".join(t + "\n" for t in manifest.read_text().splitlines()
                                if not json.loads(t)["source"].startswith("coffee/")))
    shutil.rmtree(partial / "coffee")
    (partial / "coffee").write_text("a file where a folder must go")
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(QUICK.to_yaml())
    run = subprocess.run([*_cli(src, tmp_path / "out", pipe_file, "--copies", "2", "--engine", "ray",
                               "--jobs", "2")], capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stderr[-2000:]
    last = run.stderr.splitlines()[-1]  # (Ray logs a few lines of its own before it)
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert last.startswith("augmentlab augment: cannot write") and "a file stands where a folder" in last
    assert last.endswith("run the same command again to resume")
