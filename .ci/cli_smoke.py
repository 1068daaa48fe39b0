"""The command line on a small image folder, run by the python of the venv under test:

    VENV/bin/python .ci/cli_smoke.py WORKDIR

`augmentlab validate`, `augment` (with its progress bar, then --quiet with --jobs 2: same bytes),
`replay --verify` and `show`. Needs only the core dependencies: it is what `pip install augmentlab`
(no extras) must be able to do. The pipeline includes the lookup-table transforms (Invert,
BrightnessContrast, RandomGamma), which go through stringzilla.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

import augmentlab as al

CLI = Path(sys.executable).parent / "augmentlab"  # the installed console script


def run(*args: str | Path, cwd: Path) -> str:
    start = time.perf_counter()
    done = subprocess.run([str(CLI), *map(str, args)], cwd=cwd, capture_output=True, text=True)
    print(f"  augmentlab {' '.join(map(str, args))}  [{time.perf_counter() - start:.1f} s, exit "
          f"{done.returncode}]", flush=True)
    if done.returncode != 0:
        sys.exit(f"cli smoke test: `augmentlab {args[0]}` failed\n--- stdout\n{done.stdout}"
                 f"\n--- stderr\n{done.stderr}")
    return done.stdout + done.stderr


def images(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.suffix in (".png", ".jpg")}


def main(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for label in ("cat", "dog"):
        (work / "in" / label).mkdir(parents=True, exist_ok=True)
        for k in range(3):
            img = cv2.GaussianBlur(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), (5, 5), 0)
            assert cv2.imwrite(str(work / "in" / label / f"{label}{k}.{'png' if k else 'jpg'}"), img)
    pipe = al.Compose([al.HorizontalFlip(), al.Affine(rotate=10, scale=(0.9, 1.1)), al.Invert(p=0.5),
                       al.BrightnessContrast(), al.RandomGamma(), al.CoarseDropout()], seed=0)
    (work / "pipeline.yaml").write_text(pipe.to_yaml(), encoding="utf-8")

    print(f"cli smoke test in {work} (augmentlab {al.__version__}, {CLI})")
    run("validate", "pipeline.yaml", cwd=work)
    out = run("augment", "in", "out", "--pipeline", "pipeline.yaml", "--copies", "2", cwd=work)
    assert "augment:" in out and "item" in out, f"no progress bar (tqdm) in:\n{out}"
    written = images(work / "out")
    assert len(written) == 12, sorted(written)
    lines = (work / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12, lines
    run("augment", "in", "out-quiet", "--pipeline", "pipeline.yaml", "--copies", "2", "--quiet",
        "--jobs", "2", cwd=work)
    assert images(work / "out-quiet") == written, "2 workers wrote other bytes than 1"
    run("replay", "out", "--verify", cwd=work)
    run("show", "in/cat/cat1.png", "--pipeline", "pipeline.yaml", "--copies", "4", "--out",
        "grid.png", cwd=work)
    grid = cv2.imread(str(work / "grid.png"))
    assert grid is not None and grid.shape[0] >= 48 and grid.shape[1] >= 64, "show wrote no image"
    print("cli smoke test: validate, augment, augment --quiet --jobs 2, replay --verify, show: ok")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
