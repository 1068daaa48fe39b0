"""Files per second of `augmentlab augment` on 2,000 real photos (JPEG in, JPEG out), standard
pipeline: 1 worker, 2 workers, Ray (local mode, 2 CPUs), next to the peer way of doing it — a
loop that reads, augments with Albumentations and writes each file (no manifest, no resume).
A measurement, not a test; ratios are against the one-worker run and against the one-core run
(one worker with OpenCV held to one thread). Each configuration runs
``--rounds`` times, interleaved, and the best rate is kept (the VM's speed drifts between runs);
Ray starts once, in the first round, so its best round does not include start-up.

    cd bench && ../.venv/bin/python dataset.py [--files 2000 --rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from augmentlab.data import augment_dataset
from augmentlab.datasets.photos import sample_photos
from image import standard  # bench/image.py: the same standard pipeline for both libraries


def make_photos(root: Path, n: int) -> None:
    """`n` distinct 256x256 JPEGs: random crops of the four built-in photos, in 4 class folders."""
    rng = np.random.default_rng(0)
    photos = sample_photos(512)
    for i in range(n):
        name, img = photos[i % 4]
        y, x = rng.integers(0, 256, 2)
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        crop = np.ascontiguousarray(img[y:y + 256, x:x + 256])
        cv2.imwrite(str(folder / f"{i:05d}.jpg"), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR),
                    [cv2.IMWRITE_JPEG_QUALITY, 95])


def peer_loop(src: Path, out: Path) -> None:
    _, theirs = standard(False)
    for path in sorted(src.rglob("*.jpg")):
        img = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        aug = theirs(image=img)["image"]
        target = out / path.relative_to(src).with_name(f"{path.stem}_aug1.jpg")
        target.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(target), cv2.cvtColor(aug, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ours, _ = standard(False)
    work = Path(tempfile.mkdtemp(prefix="augmentlab-bench-"))
    try:
        src = work / "in"
        make_photos(src, args.files)
        # one worker is one process, but OpenCV inside it spreads some kernels over both cores;
        # the run with OpenCV held to one thread is the true one-core baseline
        runs = [("augmentlab, 1 worker", {"workers": 1}),
                ("augmentlab, 1 worker, OpenCV 1 thread", {"workers": 1, "cv2_threads": 1}),
                ("augmentlab, 2 workers", {"workers": 2}),
                ("augmentlab, Ray local (2 CPUs)", {"workers": 2, "engine": "ray"})]
        best: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, options in runs:
                shutil.rmtree(work / "out", ignore_errors=True)
                options = dict(options)
                threads = cv2.getNumThreads()
                cv2.setNumThreads(int(options.pop("cv2_threads", threads)))
                start = time.perf_counter()
                augment_dataset(src, work / "out", ours, copies=1, quiet=True, **options)  # type: ignore[arg-type]
                cv2.setNumThreads(threads)
                best[name] = max(best.get(name, 0.0), args.files / (time.perf_counter() - start))
            shutil.rmtree(work / "peer", ignore_errors=True)
            start = time.perf_counter()
            peer_loop(src, work / "peer")
            name = "Albumentations loop, 1 process"
            best[name] = max(best.get(name, 0.0), args.files / (time.perf_counter() - start))
        rows = list(best.items())
        base, core = rows[0][1], rows[1][1]
        print(f"{'run':40s} {'files/s':>8s} {'vs 1 worker':>12s} {'vs one core':>12s}")
        for name, rate in rows:
            print(f"{name:40s} {rate:8.1f} {rate / base:11.2f}x {rate / core:11.2f}x")
        result = {name: {"files_per_s": rate, "ratio": rate / base, "ratio_one_core": rate / core}
                  for name, rate in rows}
        out = Path(__file__).parent / "results" / "dataset.json"
        out.write_text(json.dumps({"files": args.files, "runs": result}, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
