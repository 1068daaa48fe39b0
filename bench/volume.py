"""Speed of augmentlab's volume transforms vs TorchIO 1.2.1, side by side in one run (not a test).

One 128^3 float32 volume (nibabel's anatomical.nii, a real MRI, resampled to 128^3 and scaled to
[0, 1], 1 mm voxels), optionally with a label map; for each transform both libraries have, with
matching settings (the same ranges, linear interpolation for the volume and nearest for labels,
the same output size, the volume's minimum as fill), the median milliseconds per call over
alternating rounds and the median of the paired ratios TorchIO time / augmentlab time (above 1:
augmentlab is faster). Each row runs in a fresh process. Both sides use the machine's threads as
they do by default (SimpleITK's and torch's pools; augmentlab's resampling slabs). Writes
bench/results/volume.json.

    .venv/bin/python bench/volume.py [--rounds 5] [--only RandomAffine,RandomElasticDeformation]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nibabel
import numpy as np
import SimpleITK as sitk
import torch
import torchio as tio
from scipy import ndimage

import augmentlab as al

SIZE = 128
# (name, augmentlab transform, TorchIO transform, with a label map, calls per round)
ROWS: list[tuple[str, Callable[[], al.Transform], Callable[[], tio.Transform], bool, int]] = [
    ("RandomFlip", lambda: al.volume.RandomFlip(axes=(0, 1, 2), flip_probability=0.5),
     lambda: tio.RandomFlip(axes=(0, 1, 2), flip_probability=0.5), False, 20),
    ("RandomAffine",
     lambda: al.volume.RandomAffine(degrees=10, scale=(0.9, 1.1), translation=0, fill="minimum"),
     lambda: tio.RandomAffine(scales=(0.9, 1.1), degrees=10, translation=0, image_interpolation="linear",
                              default_pad_value="minimum"), False, 4),
    ("RandomElasticDeformation",
     lambda: al.volume.RandomElasticDeformation(control_points=7, max_displacement=7.5, locked_borders=2,
                                                fill="minimum"),
     lambda: tio.RandomElasticDeformation(num_control_points=7, max_displacement=7.5, locked_borders=2,
                                          image_interpolation="linear"), False, 2),
    ("RandomFlip + label map", lambda: al.volume.RandomFlip(axes=(0, 1, 2), flip_probability=0.5),
     lambda: tio.RandomFlip(axes=(0, 1, 2), flip_probability=0.5), True, 20),
    ("RandomAffine + label map", lambda: al.volume.RandomAffine(degrees=10, scale=(0.9, 1.1), translation=0),
     lambda: tio.RandomAffine(scales=(0.9, 1.1), degrees=10, translation=0, image_interpolation="linear",
                              label_interpolation="nearest", default_pad_value="minimum"), True, 4),
    ("RandomElasticDeformation + label map",
     lambda: al.volume.RandomElasticDeformation(control_points=7, max_displacement=7.5, locked_borders=2),
     lambda: tio.RandomElasticDeformation(num_control_points=7, max_displacement=7.5, locked_borders=2,
                                          image_interpolation="linear", label_interpolation="nearest"),
     True, 2),
    ("RandomGamma", lambda: al.volume.RandomGamma(log_gamma=(-0.3, 0.3)),
     lambda: tio.RandomGamma(log_gamma=(-0.3, 0.3)), False, 10),
    ("RandomNoise", lambda: al.volume.RandomNoise(std=(0, 0.25)), lambda: tio.RandomNoise(std=(0, 0.25)),
     False, 10),
    ("RandomBlur", lambda: al.volume.RandomBlur(std=(0, 2)), lambda: tio.RandomBlur(std=(0, 2)), False, 5),
    ("RandomBiasField", lambda: al.volume.RandomBiasField(coefficients=0.5, order=3),
     lambda: tio.RandomBiasField(coefficients=0.5, order=3), False, 5),
    ("RandomGhosting", lambda: al.volume.RandomGhosting(), lambda: tio.RandomGhosting(), False, 5),
    ("RandomMotion", lambda: al.volume.RandomMotion(degrees=10, translation=10, num_transforms=2),
     lambda: tio.RandomMotion(degrees=10, translation=10, num_transforms=2), False, 3),
]


def volume() -> tuple[np.ndarray, np.ndarray]:
    """nibabel's anatomical.nii resampled to SIZE^3, in [0, 1], and a label map of it (4 levels)."""
    path = Path(nibabel.__file__).parent / "tests" / "data" / "anatomical.nii"
    anat = al.volume.read_volume(path).array
    big = ndimage.zoom(anat, [SIZE / n for n in anat.shape], order=1).astype(np.float32)
    big = (big - big.min()) / (big.max() - big.min())
    labels = np.digitize(big, [0.25, 0.5, 0.75]).astype(np.uint8)
    return np.ascontiguousarray(big[:SIZE, :SIZE, :SIZE]), np.ascontiguousarray(labels[:SIZE, :SIZE, :SIZE])


def _round(fn: Callable[[int], object], calls: int, first: int) -> float:
    start = time.perf_counter()
    for i in range(first, first + calls):
        fn(i)
    return (time.perf_counter() - start) / calls * 1000


def measure(name: str, rounds: int) -> dict:
    ours_t, theirs_t, with_labels, calls = next((o, t, w, c) for n, o, t, w, c in ROWS if n == name)
    v, labels = volume()
    ours_pipe = al.Compose([ours_t()], seed=0)
    theirs = theirs_t()
    extra = {"volume_mask": labels} if with_labels else {}
    tensor = torch.from_numpy(v[None])
    label_tensor = torch.from_numpy(labels[None].astype(np.int16))

    def ours(i: int) -> object:
        return ours_pipe(volume=v, spacing=(1.0, 1.0, 1.0), sample_id=i, **extra)

    def peer(i: int) -> object:
        images = {"img": tio.ScalarImage(tensor=tensor, affine=np.eye(4))}
        if with_labels:
            images["seg"] = tio.LabelMap(tensor=label_tensor, affine=np.eye(4))
        return theirs(tio.Subject(**images))

    out = ours(0)
    assert out["volume"].shape == (SIZE,) * 3 and out["volume"].dtype == np.float32
    assert tuple(peer(0)["img"].data.shape) == (1, SIZE, SIZE, SIZE)  # the same output size
    pairs = [(_round(ours, calls, r * calls), _round(peer, calls, r * calls)) for r in range(rounds)]
    return {"name": name, "augmentlab_ms": float(np.median([o for o, _ in pairs])),
            "torchio_ms": float(np.median([t for _, t in pairs])),
            "ratio": float(np.median([t / o for o, t in pairs])), "calls_per_round": calls,
            "rounds": rounds, "label_map": with_labels}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--row", default="", help=argparse.SUPPRESS)  # one row, in this process
    args = parser.parse_args()
    if args.row:
        print(json.dumps(measure(args.row, args.rounds)))
        return
    only = [n for n in args.only.split(",") if n]
    known = [n for n, *_ in ROWS]
    if any(n not in known for n in only):
        parser.error(f"unknown --only rows {[n for n in only if n not in known]}")
    rows = []
    print(f"{'transform':36s} {'ours ms':>9s} {'torchio ms':>11s} {'ratio':>7s}")
    for name in only or known:
        # a fresh process per row: one row's large temporaries do not shape the next one's heap
        done = subprocess.run([sys.executable, __file__, "--row", name, "--rounds", str(args.rounds)],
                              check=True, capture_output=True, text=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{name:36s} {row['augmentlab_ms']:9.1f} {row['torchio_ms']:11.1f} {row['ratio']:6.2f}x",
              flush=True)
    path = Path(__file__).parent / "results" / "volume.json"
    if only and path.exists():  # rows measured now replace theirs; the others stay as they were
        fresh = {r["name"] for r in rows}
        rows = [r for r in json.loads(path.read_text())["rows"] if r["name"] not in fresh] + rows
    out = {"torchio": tio.__version__, "simpleitk": sitk.Version_VersionString(),
           "torch": torch.__version__, "augmentlab": al.__version__,
           "python": platform.python_version(), "machine": platform.machine(),
           "cpus": os.cpu_count(), "volume": [SIZE] * 3, "dtype": "float32",
           "ratio": "torchio ms / augmentlab ms (above 1: augmentlab is faster)", "rows": rows}
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
