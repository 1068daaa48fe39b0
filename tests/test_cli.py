"""The `augmentlab` command, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2

import augmentlab as al


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "augmentlab.cli", *args], capture_output=True,
                          text=True, check=False)


def test_demo_writes_a_grid_and_a_loadable_pipeline(tmp_path: Path) -> None:
    out = _run("demo", "--out", str(tmp_path), "--copies", "2")
    assert out.returncode == 0, out.stderr
    grid = tmp_path / "demo_grid.png"
    assert str(grid) in out.stdout
    img = cv2.imread(str(grid))
    assert img.shape == (4 * 264, 3 * 264, 3)  # 4 photos x (original + 2 copies), 256 + 2*4 border
    assert img.std() > 20  # real photos, not a blank canvas
    pipe = al.load_pipeline(tmp_path / "demo_pipeline.yaml")
    assert isinstance(pipe, al.Compose) and len(pipe) == 6
    assert not list(tmp_path.glob(".*.tmp"))  # written then renamed


def test_demo_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert _run("demo", "--out", str(tmp_path / name), "--copies", "1").returncode == 0
    assert (tmp_path / "a" / "demo_grid.png").read_bytes() == (tmp_path / "b" / "demo_grid.png").read_bytes()


def test_list_names_every_transform() -> None:
    out = _run("list")
    assert out.returncode == 0
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names == al.registry.names()
    assert "bboxes" in next(line for line in out.stdout.splitlines() if line.startswith("Rotate "))


def test_unknown_command_fails_with_usage() -> None:
    out = _run("frobnicate")
    assert out.returncode == 2 and "invalid choice" in out.stderr
