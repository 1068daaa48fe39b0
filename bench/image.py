"""Throughput of augmentlab vs Albumentations 2.0.8, side by side in one run (not a test).

Single-threaded images/s on four real photos cropped to 256x256, for each transform both libraries
have (the box-safe crops with a mask, 3 boxes and 4 keypoints, which they read) and for the
standard pipeline, image-only and with mask + boxes + keypoints. Prints a table of
median rates and the median of paired ratios (augmentlab / Albumentations, see `rates`), each
row measured in a fresh process, and writes bench/results/image.json.

    .venv/bin/python bench/image.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

import albumentations as A  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

import augmentlab as al  # noqa: E402
from augmentlab.datasets import sample_photos  # noqa: E402

cv2.setNumThreads(1)

_REFERENCE = sample_photos(256)[-1][1]  # HistogramMatching's and FDA's reference image

# (name, augmentlab transform, Albumentations transform) with matching parameters. The augmentlab
# side spells out the arguments measured before augmentlab took Albumentations' defaults (p=0.5
# for most), so the rows and bench/results/image.json keep measuring the same work.
SINGLE = [
    ("HorizontalFlip", al.HorizontalFlip(p=1.0), A.HorizontalFlip(p=1)),
    ("VerticalFlip", al.VerticalFlip(p=1.0), A.VerticalFlip(p=1)),
    ("Transpose", al.Transpose(p=1.0), A.Transpose(p=1)),
    ("RandomRotate90", al.RandomRotate90(), A.RandomRotate90(p=1)),
    ("Rotate", al.Rotate(limit=30, p=1.0), A.Rotate(limit=30, p=1)),
    ("Affine", al.Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, shear=0.0,
                         keep_ratio=True, p=1.0),
     A.Affine(rotate=(-15, 15), scale=(0.9, 1.1), translate_percent=(-0.06, 0.06), p=1)),
    ("Perspective", al.Perspective(p=1.0), A.Perspective(p=1)),
    ("RandomResizedCrop", al.RandomResizedCrop(size=(224, 224)),
     A.RandomResizedCrop(size=(224, 224), p=1)),
    ("RandomCrop", al.RandomCrop(height=200, width=200), A.RandomCrop(height=200, width=200, p=1)),
    ("CenterCrop", al.CenterCrop(height=200, width=200), A.CenterCrop(height=200, width=200, p=1)),
    ("Resize", al.Resize(height=224, width=224), A.Resize(height=224, width=224, p=1)),
    ("LongestMaxSize", al.LongestMaxSize(max_size=200), A.LongestMaxSize(max_size=200, p=1)),
    ("PadIfNeeded", al.PadIfNeeded(min_height=300, min_width=300),
     A.PadIfNeeded(min_height=300, min_width=300, border_mode=cv2.BORDER_CONSTANT, p=1)),
    ("RandomScale", al.RandomScale(scale_limit=0.1, p=1.0), A.RandomScale(scale_limit=0.1, p=1)),
    # augmentlab's name is ElasticWarp (other defaults than Albumentations' ElasticTransform)
    ("ElasticTransform", al.ElasticWarp(alpha=40, sigma=5),
     A.ElasticTransform(alpha=40, sigma=5, p=1)),
    ("GridDistortion", al.GridDistortion(distort_limit=0.3, p=1.0), A.GridDistortion(p=1)),
    ("OpticalDistortion", al.OpticalDistortion(distort_limit=0.05, p=1.0), A.OpticalDistortion(p=1)),
    ("BrightnessContrast", al.BrightnessContrast(), A.RandomBrightnessContrast(p=1)),
    ("HueSaturationValue", al.HueSaturationValue(hue_shift_limit=20, sat_shift_limit=30,
                                                 val_shift_limit=20, p=1.0),
     A.HueSaturationValue(p=1)),
    ("ColorJitter", al.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0.2, p=1.0),
     A.ColorJitter(p=1)),
    ("RandomGamma", al.RandomGamma(p=1.0), A.RandomGamma(p=1)),
    ("RGBShift", al.RGBShift(r_shift_limit=20, g_shift_limit=20, b_shift_limit=20, p=1.0), A.RGBShift(p=1)),
    ("ToGray", al.ToGray(p=1.0), A.ToGray(p=1)),
    ("ChannelShuffle", al.ChannelShuffle(p=1.0), A.ChannelShuffle(p=1)),
    ("Invert", al.Invert(), A.InvertImg(p=1)),
    ("Posterize", al.Posterize(p=1.0), A.Posterize(p=1)),
    ("Solarize", al.Solarize(p=1.0), A.Solarize(p=1)),
    ("Equalize", al.Equalize(p=1.0), A.Equalize(p=1)),
    ("CLAHE", al.CLAHE(p=1.0), A.CLAHE(p=1)),
    ("Sharpen", al.Sharpen(p=1.0), A.Sharpen(p=1)),
    ("Emboss", al.Emboss(p=1.0), A.Emboss(p=1)),
    ("AutoContrast", al.AutoContrast(p=1.0), A.AutoContrast(p=1)),
    ("Normalize", al.Normalize(max_pixel_value=None), A.Normalize(p=1)),
    ("GaussianBlur", al.GaussianBlur(blur_limit=(3, 7), sigma_limit=0.0, p=1.0), A.GaussianBlur(p=1)),
    ("MotionBlur", al.MotionBlur(p=1.0), A.MotionBlur(p=1)),
    ("MedianBlur", al.MedianBlur(p=1.0), A.MedianBlur(p=1)),
    ("Defocus", al.Defocus(p=1.0), A.Defocus(p=1)),
    ("GaussNoise", al.GaussNoise(p=1.0), A.GaussNoise(p=1)),
    ("ISONoise", al.ISONoise(p=1.0), A.ISONoise(p=1)),
    ("MultiplicativeNoise", al.MultiplicativeNoise(p=1.0), A.MultiplicativeNoise(p=1)),
    ("SaltAndPepper", al.SaltAndPepper(p=1.0), A.SaltAndPepper(p=1)),
    ("JpegCompression", al.JpegCompression(), A.ImageCompression(p=1)),
    ("Downscale", al.Downscale(p=1.0), A.Downscale(p=1)),
    ("RandomFog", al.RandomFog(p=1.0), A.RandomFog(p=1)),
    ("RandomRain", al.RandomRain(drop_length=20, p=1.0), A.RandomRain(p=1)),
    ("RandomShadow", al.RandomShadow(p=1.0), A.RandomShadow(p=1)),
    ("RandomSunFlare", al.RandomSunFlare(src_radius=50, p=1.0), A.RandomSunFlare(p=1)),
    ("CoarseDropout", al.CoarseDropout(p=1.0), A.CoarseDropout(p=1)),
    ("GridDropout", al.GridDropout(unit_size_range=(0.1, 0.2), p=1.0), A.GridDropout(p=1)),
    ("RandomErasing", al.RandomErasing(), A.Erasing(p=1)),
    # added for parity with Albumentations (issue 24)
    ("D4", al.D4(), A.D4(p=1)),
    ("ToSepia", al.ToSepia(p=1.0), A.ToSepia(p=1)),
    ("RandomToneCurve", al.RandomToneCurve(p=1.0), A.RandomToneCurve(p=1)),
    ("UnsharpMask", al.UnsharpMask(p=1.0), A.UnsharpMask(p=1)),
    ("Morphological", al.Morphological(scale=(3, 3), p=1.0), A.Morphological(scale=(3, 3), p=1)),
    ("ImageCompression", al.ImageCompression(quality_range=(50, 90), p=1.0),
     A.ImageCompression(quality_range=(50, 90), p=1)),
    ("ImageCompression webp", al.ImageCompression(compression_type="webp", quality_range=(50, 90),
                                                  p=1.0),
     A.ImageCompression(compression_type="webp", quality_range=(50, 90), p=1)),
    ("ZoomBlur", al.ZoomBlur(p=1.0), A.ZoomBlur(p=1)),
    ("AdvancedBlur", al.AdvancedBlur(p=1.0), A.AdvancedBlur(p=1)),
    ("GlassBlur", al.GlassBlur(p=1.0), A.GlassBlur(p=1)),
    ("ChannelDropout", al.ChannelDropout(p=1.0), A.ChannelDropout(p=1)),
    ("PixelDropout", al.PixelDropout(p=1.0), A.PixelDropout(p=1)),
    ("XYMasking", al.XYMasking(num_masks_x=(1, 3), mask_x_length=(10, 30), num_masks_y=(1, 3),
                               mask_y_length=(10, 30), p=1.0),
     A.XYMasking(num_masks_x=(1, 3), mask_x_length=(10, 30), num_masks_y=(1, 3),
                 mask_y_length=(10, 30), p=1)),
    ("RandomGridShuffle", al.RandomGridShuffle(p=1.0), A.RandomGridShuffle(p=1)),
    ("ThinPlateSpline", al.ThinPlateSpline(p=1.0), A.ThinPlateSpline(p=1)),
    # Albumentations builds its map pixel by pixel in Python (~1 s an image): few calls (SLOW)
    ("PiecewiseAffine", al.PiecewiseAffine(p=1.0), A.PiecewiseAffine(p=1)),
    ("RandomSnow", al.RandomSnow(p=1.0), A.RandomSnow(p=1)),
    ("Spatter", al.Spatter(p=1.0), A.Spatter(p=1)),
    ("Spatter mud", al.Spatter(mode="mud", p=1.0), A.Spatter(mode="mud", p=1)),
    ("ChromaticAberration", al.ChromaticAberration(p=1.0), A.ChromaticAberration(p=1)),
    ("FancyPCA", al.FancyPCA(p=1.0), A.FancyPCA(p=1)),
    ("PlanckianJitter", al.PlanckianJitter(p=1.0), A.PlanckianJitter(p=1)),
    # one reference image (another photo): ours in the constructor, theirs with each call
    # (under its metadata key, see METADATA)
    ("HistogramMatching", al.HistogramMatching(reference_images=[_REFERENCE], p=1.0),
     A.HistogramMatching(p=1)),
    ("FDA", al.FDA(reference_images=[_REFERENCE], p=1.0), A.FDA(p=1)),
]
METADATA = {"HistogramMatching": "hm_metadata", "FDA": "fda_metadata"}

# rows whose peer is too slow for --repeat calls a round: (calls a round, rounds) instead
SLOW = {"PiecewiseAffine": (2, 3)}

# transforms that read the boxes or the mask: measured with a mask, 3 boxes and 4 keypoints
TARGETED = [
    ("BBoxSafeRandomCrop", al.BBoxSafeRandomCrop(), A.BBoxSafeRandomCrop(p=1)),
    ("RandomSizedBBoxSafeCrop", al.RandomSizedBBoxSafeCrop(224, 224),
     A.RandomSizedBBoxSafeCrop(224, 224, p=1)),
    ("CropNonEmptyMaskIfExists", al.CropNonEmptyMaskIfExists(128, 128),
     A.CropNonEmptyMaskIfExists(128, 128, p=1)),
    ("MaskDropout", al.MaskDropout(p=1.0), A.MaskDropout(p=1)),
]


def standard(with_targets: bool) -> tuple[al.Compose, A.Compose]:
    ours = al.Compose([
        al.HorizontalFlip(p=0.5),
        al.Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, shear=0.0, keep_ratio=True,
                  p=1.0),
        al.BrightnessContrast(brightness_limit=0.2, contrast_limit=0.2),
        al.HueSaturationValue(hue_shift_limit=20, sat_shift_limit=30, val_shift_limit=20, p=1.0),
        al.GaussNoise(p=1.0), al.CoarseDropout(p=1.0),
    ], seed=0)
    extra = {}
    if with_targets:
        extra = {"bbox_params": A.BboxParams(format="pascal_voc", label_fields=["labels"]),
                 "keypoint_params": A.KeypointParams(format="xy", label_fields=["kp_labels"])}
    theirs = A.Compose([
        A.HorizontalFlip(p=0.5),
        A.Affine(rotate=(-15, 15), scale=(0.9, 1.1), translate_percent=(-0.06, 0.06), p=1),
        A.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=1),
        A.HueSaturationValue(p=1), A.GaussNoise(p=1), A.CoarseDropout(p=1),
    ], seed=0, **extra)
    return ours, theirs


def _targets(img: np.ndarray) -> tuple[dict, dict]:
    mask = np.zeros(img.shape[:2], np.uint8)
    mask[60:200, 50:180] = 1
    boxes = np.array([[50, 60, 180, 200], [10, 10, 90, 70], [120, 30, 250, 120]], float)
    points = np.array([[100, 100], [30, 40], [200, 60], [128, 128]], float)
    ours = {"mask": mask, "bboxes": al.BBoxes(boxes, labels=[0, 1, 2]),
            "keypoints": al.KeyPoints(points, labels=[0, 1, 2, 3])}
    theirs = {"mask": mask, "bboxes": boxes, "labels": [0, 1, 2], "keypoints": points,
              "kp_labels": [0, 1, 2, 3]}
    return ours, theirs


def _round(fn, images: list[np.ndarray], repeat: int, first: int = 0) -> float:  # noqa: ANN001
    start = time.perf_counter()
    for i in range(first, first + repeat):
        fn(images[i % len(images)], i)
    return repeat / (time.perf_counter() - start)


def rates(ours, theirs, images: list[np.ndarray], repeat: int, rounds: int = 9,
          min_round: float = 0.2) -> tuple[float, float, float]:  # noqa: ANN001
    """Images/s of both and their ratio, from `rounds` alternating rounds.

    Each round times ours, then theirs, right after: the ratio of a pair sees the same machine
    state, and the median over pairs shrugs off a round that a noisy neighbour slowed. The
    rates reported are the medians too. A round runs at least `repeat` calls and at least
    `min_round` seconds: a flip takes ~10 us, and 100 calls of it (1 ms) would measure the
    scheduler more than the transform. Every round numbers its calls on from the last (our
    sample ids), so both libraries draw fresh params each round: where the cost depends on the
    params (a median's aperture), repeating one round's draws while the peer draws anew would
    hand the peer the luckiest round."""
    for img in images:  # warm up caches and lazy imports
        ours(img, 0)
        theirs(img, 0)
    slower = min(_round(ours, images, repeat), _round(theirs, images, repeat))
    calls = max(repeat, int(min_round * slower))
    pairs = [(_round(ours, images, calls, r * calls), _round(theirs, images, calls, r * calls))
             for r in range(rounds)]
    return (float(np.median([o for o, _ in pairs])), float(np.median([t for _, t in pairs])),
            float(np.median([o / t for o, t in pairs])))


STANDARD = ("standard pipeline (image only)", "standard pipeline + mask/boxes/kps")


def measure(name: str, images: list[np.ndarray], repeat: int) -> dict:
    """One row of the table: the standard pipeline (either variant) or one transform."""
    if name in STANDARD:
        with_targets = name == STANDARD[1]
        ours_p, theirs_p = standard(with_targets)
        ot, tt = _targets(images[0]) if with_targets else ({}, {})
        ours_fn = lambda img, i: ours_p(image=img, sample_id=i, **ot)  # noqa: E731
        theirs_fn = lambda img, i: theirs_p(image=img, **tt)  # noqa: E731
    elif name in [n for n, _, _ in TARGETED]:
        ours_t, theirs_t = next((o, t) for n, o, t in TARGETED if n == name)
        ours_c = al.Compose([ours_t], seed=0)
        theirs_c = A.Compose([theirs_t], seed=0,
                             bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
                             keypoint_params=A.KeypointParams(format="xy",
                                                              label_fields=["kp_labels"]))
        ot, tt = _targets(images[0])
        ours_fn = lambda img, i: ours_c(image=img, sample_id=i, **ot)  # noqa: E731
        theirs_fn = lambda img, i: theirs_c(image=img, **tt)  # noqa: E731
    else:
        ours_t, theirs_t = next((o, t) for n, o, t in SINGLE if n == name)
        ours_c, theirs_c = al.Compose([ours_t], seed=0), A.Compose([theirs_t], seed=0)
        ours_fn = lambda img, i: ours_c(image=img, sample_id=i)  # noqa: E731
        theirs_fn = lambda img, i: theirs_c(image=img)  # noqa: E731
        if name in METADATA:
            meta = {METADATA[name]: [_REFERENCE]}
            theirs_fn = lambda img, i: theirs_c(image=img, **meta)  # noqa: E731
    if name in SLOW:
        calls, rounds = SLOW[name]
        ours, theirs, ratio = rates(ours_fn, theirs_fn, images, calls, rounds, min_round=0.0)
    else:
        ours, theirs, ratio = rates(ours_fn, theirs_fn, images, repeat)
    return {"name": name, "augmentlab": ours, "albumentations": theirs, "ratio": ratio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--only", default="")
    parser.add_argument("--row", default="", help=argparse.SUPPRESS)  # one row, in this process
    args = parser.parse_args()
    images = [img for _, img in sample_photos(256)]
    if args.row:
        print(json.dumps(measure(args.row, images, args.repeat)))
        return
    only = [n for n in args.only.split(",") if n]
    known = list(STANDARD) + [n for n, _, _ in SINGLE + TARGETED]
    if any(n not in known for n in only):
        parser.error(f"unknown --only rows {[n for n in only if n not in known]}")
    names = only or known
    rows = []
    print(f"{'transform':34s} {'ours/s':>10s} {'alb/s':>10s} {'ratio':>8s}")
    for name in names:
        # every row in a fresh process: a row's large temporary arrays change how glibc's malloc
        # hands out memory to the rows after it (trimmed heap, page faults), by up to 3x on a
        # float-heavy transform and for both libraries, so one process per row keeps the rows
        # independent of their order
        done = subprocess.run([sys.executable, __file__, "--row", name, "--repeat", str(args.repeat)],
                              check=True, capture_output=True, text=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{name:34s} {row['augmentlab']:10.0f} {row['albumentations']:10.0f} "
              f"{row['ratio']:7.2f}x", flush=True)
    path = Path(__file__).parent / "results" / "image.json"
    if only and path.exists():  # rows measured now replace theirs; the others stay as they were
        fresh = {r["name"] for r in rows}
        kept = [r for r in json.loads(path.read_text())["rows"] if r["name"] not in fresh]
        rows = kept + rows
    out = {"albumentations": A.__version__, "augmentlab": al.__version__,
           "python": platform.python_version(), "machine": platform.machine(),
           "repeat": args.repeat, "image_size": [256, 256], "rows": rows}
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
