"""The fault suite of `augmentlab augment` (marked ``faults``: run it alone with ``-m faults``; CI
runs it with the rest). On a real image folder of 300 files: the main process killed at random
points, a worker killed at random points (as the out-of-memory killer would), two jobs on one
OUTPUT at once, a disk that fills up mid-run. After each fault the same command, run again, ends
with an output byte-identical to an undisturbed run's, and ``augmentlab replay --verify`` passes;
no run waits more than 60 s after a fault."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from tests.test_augment_dataset import _tree, _write

import augmentlab as al
from augmentlab.core.files import OutputLock
from augmentlab.data import augment_dataset
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import OutputBusy

pytestmark = pytest.mark.faults

# ElasticWarp: enough work per image (~10 ms) that a run lasts seconds, so faults land mid-run
PIPELINE = al.Compose([al.Affine(rotate=20, scale=(0.8, 1.2), p=1.0), al.ElasticWarp(alpha=30, sigma=5),
                       al.GaussNoise(p=1.0), al.HorizontalFlip()])
COPIES = 2
N_FILES = 300


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """300 real photo crops in class folders, the pipeline file, and the undisturbed run's output
    (made under the same OUTPUT path every faulty run uses, then moved aside)."""
    root = tmp_path_factory.mktemp("fault_suite")
    src = root / "in"
    rng = np.random.default_rng(0)
    photos = list(sample_photos(160))
    for k in range(N_FILES):
        name, img = photos[k % len(photos)]
        y, x = rng.integers(0, 160 - 96, size=2)
        _write(src / name / f"{name}_{k:03d}.png", np.ascontiguousarray(img[y:y + 96, x:x + 96]))
    pipe_file = root / "pipeline.yaml"
    pipe_file.write_text(PIPELINE.to_yaml())
    out = root / "work" / "out"
    assert subprocess.run(_command(src, out, pipe_file), timeout=600).returncode == 0
    os.replace(out, root / "reference")
    return {"src": src, "pipe": pipe_file, "out": out, "reference": root / "reference"}


def _command(src: Path, out: Path, pipe_file: Path, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "augmentlab.cli", "augment", str(src), str(out), "--pipeline",
            str(pipe_file), "--copies", str(COPIES), "--seed", "7", "--jobs", str(workers), "--quiet"]


def _lines(manifest: Path) -> int:
    try:
        return manifest.read_bytes().count(b"\n")
    except OSError:
        return 0


def _start_and_wait(cmd: list[str], manifest: Path, *, lines: int | None,
                    seconds: float) -> subprocess.Popen[str]:
    """Start a run; return once it has `lines` manifest lines (or after `seconds`), or has ended."""
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    start = time.monotonic()
    while proc.poll() is None and time.monotonic() - start < 300:
        if lines is not None and _lines(manifest) >= lines:
            break
        if lines is None and time.monotonic() - start >= seconds:
            break
        time.sleep(0.01)
    return proc


def _children(pid: int) -> list[int]:
    try:
        return [int(k) for task in Path(f"/proc/{pid}/task").iterdir()
                for k in (task / "children").read_text().split()]
    except OSError:  # it ended meanwhile
        return []


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def _finish_and_check(job: dict[str, Path]) -> None:
    """The same command again: it must end, byte-identical to the undisturbed run, and verify."""
    out = job["out"]
    lock = out.parent / f".{out.name}.augmentlab-lock"
    if out.exists():  # the killed run got past its final rename: it had finished
        # only its lock file may remain, and no process holds it
        OutputLock(lock, str(out)).acquire().release()
    else:
        rerun = subprocess.run(_command(job["src"], out, job["pipe"]), capture_output=True, text=True,
                               timeout=600)
        assert rerun.returncode == 0, rerun.stderr
    assert _tree(out) == _tree(job["reference"])
    replay = subprocess.run([sys.executable, "-m", "augmentlab.cli", "replay", str(out), "--verify"],
                            capture_output=True, text=True, timeout=600)
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "every output reproduced byte for byte" in replay.stdout
    leftovers = [p.name for p in out.parent.iterdir() if p.name != "out"]
    assert leftovers == []  # no partial folder, no lock file, no .old
    shutil.rmtree(out)


def test_the_main_process_killed_at_random_points(job: dict[str, Path]) -> None:
    rng = random.Random(1)
    manifest = job["out"].with_name("out.partial") / "manifest.jsonl"
    total = N_FILES * COPIES
    for attempt in range(6):
        # by progress (mid-work) or by time (start-up, scan, the final assembly and rename)
        kills = 0
        for _ in range(1 + attempt % 2):  # some attempts are killed twice before they finish
            by_lines = rng.random() < 0.6
            proc = _start_and_wait(_command(job["src"], job["out"], job["pipe"]), manifest,
                                   lines=rng.randrange(1, total) if by_lines else None,
                                   seconds=rng.uniform(0.2, 6.0))
            workers = _children(proc.pid)
            if proc.poll() is None:
                proc.kill()
                kills += 1
            _, err = proc.communicate(timeout=60)
            assert proc.returncode in (0, -signal.SIGKILL), err
            deadline = time.monotonic() + 60
            while any(_alive(w) for w in workers) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not any(_alive(w) for w in workers), "workers outlived their killed parent"
            if proc.returncode == 0:
                break
        assert kills > 0 or attempt > 0  # the first attempt at least must really be a fault
        _finish_and_check(job)


def test_a_worker_killed_at_random_points(job: dict[str, Path]) -> None:
    rng = random.Random(2)
    manifest = job["out"].with_name("out.partial") / "manifest.jsonl"
    killed = 0
    for _ in range(6):
        proc = _start_and_wait(_command(job["src"], job["out"], job["pipe"]), manifest,
                               lines=rng.randrange(1, N_FILES * COPIES - 50), seconds=0)
        workers = _children(proc.pid)
        assert proc.poll() is None and len(workers) == 2, "the run ended before the fault"
        os.kill(rng.choice(workers), signal.SIGKILL)
        at = time.monotonic()
        _, err = proc.communicate(timeout=60)  # a multiprocessing.Pool waited here forever
        assert time.monotonic() - at < 60
        assert proc.returncode == 1 and "a worker process died" in err, err
        killed += 1
        _finish_and_check(job)
    assert killed >= 5


def test_two_jobs_on_one_output(job: dict[str, Path]) -> None:
    manifest = job["out"].with_name("out.partial") / "manifest.jsonl"
    for lines in (1, 200, 450):
        first = _start_and_wait(_command(job["src"], job["out"], job["pipe"]), manifest,
                                lines=lines, seconds=0)
        with pytest.raises(OutputBusy, match="is writing"):  # the Python API, even with overwrite
            augment_dataset(job["src"], job["out"], PIPELINE, copies=COPIES, seed=7, overwrite=True,
                            quiet=True)
        if lines == 1:  # and the command line (its start-up takes a second or two)
            second = subprocess.run(_command(job["src"], job["out"], job["pipe"], workers=1),
                                    capture_output=True, text=True, timeout=60)
            assert first.poll() is None, "the first run ended before the second started"
            assert second.returncode == 1 and "is writing" in second.stderr, second.stderr
        _, err = first.communicate(timeout=600)
        assert first.returncode == 0, err
        assert _tree(job["out"]) == _tree(job["reference"])
        shutil.rmtree(job["out"])
    # both started at the same moment: exactly one runs, the other refuses at once
    procs = [subprocess.Popen(_command(job["src"], job["out"], job["pipe"]), stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    errs = [p.communicate(timeout=600)[1] for p in procs]
    assert sorted(p.returncode for p in procs) == [0, 1], errs
    assert _tree(job["out"]) == _tree(job["reference"])
    shutil.rmtree(job["out"])


def test_a_disk_that_fills_up_mid_run(job: dict[str, Path]) -> None:
    if shutil.which("unshare") is None:
        pytest.fail("the disk-full test needs util-linux's `unshare` (a private tmpfs mount)")
    size = sum(p.stat().st_size for p in job["reference"].rglob("*") if p.is_file())
    disk = job["out"].parent
    cmd = " ".join(_command(job["src"], job["out"], job["pipe"]))
    err = disk.parent / "disk_full.err"
    for fraction in (0.2, 0.6):
        # a tmpfs of a fraction of the output's size over OUTPUT's folder; the run stops with a
        # clear error; the disk grows (as a user frees space) and the same command resumes
        script = (f"mount -t tmpfs -o size={int(size * fraction) // 1024}k tmpfs {disk}\n"
                  f"if timeout 120 {cmd} 2>{err}; then echo FIRST_OK; fi\n"
                  f"mount -o remount,size={4 * size // 1024 + 1024}k {disk}\n"
                  f"timeout 300 {cmd}\n"
                  f"cp -r {disk}/out {disk.parent}/from_disk\n")
        run = subprocess.run(["unshare", "-rm", "sh", "-ec", script], capture_output=True, text=True,
                             timeout=900)
        assert run.returncode == 0, run.stderr
        assert "FIRST_OK" not in run.stdout
        message = err.read_text()
        assert "No space left on device; the disk is full" in message, message
        assert "Traceback" not in message and message.count("\n") == 1
        shutil.move(disk.parent / "from_disk", job["out"])
        assert _tree(job["out"]) == _tree(job["reference"])
        replay = subprocess.run([sys.executable, "-m", "augmentlab.cli", "replay", str(job["out"]),
                                 "--verify"], capture_output=True, text=True, timeout=600)
        assert replay.returncode == 0, replay.stdout
        shutil.rmtree(job["out"])
