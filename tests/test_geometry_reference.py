"""Boxes and keypoints checked against an independent reference: the transformed mask.

Each box is rendered as a filled mask and each keypoint as a one-pixel dot; the image, the masks,
the boxes and the keypoints go through the pipeline together. The transformed box must match the
bounding box of its transformed mask within 1 px, and each keypoint must sit on (or within 1 px
of) its transformed dot.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import CASES

import augmentlab as al

GEOMETRIC = sorted(
    n for n in CASES
    if issubclass(al.registry.get(n), (al.image.spatial.GeometricTransform,
                                       al.image.spatial.DisplacementTransform))
)
BOXES = [[20, 10, 60, 40], [0, 0, 30, 25], [50, 30, 80, 60], [33, 5, 47, 58]]
POINTS = [[30, 20], [5, 50], [70, 8], [41, 33], [0, 0], [79, 59]]


def _fields(h: int = 60, w: int = 80) -> dict:
    rng = np.random.default_rng(0)
    fields = {"image": rng.integers(0, 255, (h, w, 3), dtype=np.uint8)}
    boxes = [b for b in BOXES if b[2] <= w and b[3] <= h]
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        m = np.zeros((h, w), np.uint8)
        m[y0:y1, x0:x1] = 1
        fields[f"box_mask{i}"] = m
    points = [p for p in POINTS if p[0] < w and p[1] < h]
    for i, (x, y) in enumerate(points):
        m = np.zeros((h, w), np.uint8)
        m[y, x] = 1
        fields[f"dot{i}"] = m
    fields["bboxes"] = al.BBoxes(boxes, labels=list(range(len(boxes))))
    fields["keypoints"] = al.KeyPoints(points, labels=list(range(len(points))))
    return fields


def _check(pipe: al.Compose, fields: dict, sample_id: int) -> None:
    out = pipe(sample_id=sample_id, **fields)
    for box, label in zip(out["bboxes"].array, out["bboxes"].labels, strict=True):
        m = out[f"box_mask{label}"]
        ys, xs = np.nonzero(m)
        if len(xs) == 0 or np.ptp(xs) < 2 or np.ptp(ys) < 2:
            continue  # a sliver thinner than the pixel grid: nearest sampling cannot place it
        ref = [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
        h, w = m.shape
        # A box cut by the frame after a rotation ends in a sharp wedge at the border, whose tip
        # holds no pixel centre; there the discrete mask may fall short by up to half a pixel more.
        cut = box[0] <= 0 or box[1] <= 0 or box[2] >= w or box[3] >= h
        assert np.abs(np.asarray(ref) - box).max() <= (1.5 if cut else 1.0) + 1e-6, (box, ref)
    for (x, y), label in zip(out["keypoints"].array, out["keypoints"].labels, strict=True):
        ys, xs = np.nonzero(out[f"dot{label}"])
        if len(xs) == 0:
            continue  # nearest sampling can skip a single dot when shrinking
        d = np.sqrt((xs - x) ** 2 + (ys - y) ** 2).min()
        assert d <= 1.0 + 1e-6, (label, x, y, list(zip(xs, ys, strict=True)))
    # every box whose mask survived must have been kept (boxes are not dropped wrongly)
    kept = set(out["bboxes"].labels)
    for key in out:
        if key.startswith("box_mask") and out[key].sum() >= 4:
            assert int(key[8:]) in kept, f"box {key} still visible but dropped"


def _pipe(transforms: list, n_masks: dict) -> al.Compose:
    extra = {k: "mask" for k in n_masks if k.startswith(("box_mask", "dot"))}
    return al.Compose(transforms, seed=3, extra_fields=extra)


@pytest.mark.parametrize("name", GEOMETRIC)
@pytest.mark.parametrize("size", [(60, 80), (80, 60)])
def test_each_geometric_transform_against_masks(name: str, size: tuple[int, int]) -> None:
    fields = _fields(*size)
    cfg = dict(CASES[name])
    if name in ("RandomCrop", "CenterCrop"):
        cfg = {"height": 40, "width": 40}
    t = al.Transform.from_config({"name": name, **cfg})
    pipe = _pipe([t], fields)
    for sid in range(6):
        _check(pipe, fields, sid)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_quarter_turns_on_non_square_images(k: int) -> None:
    fields = _fields(60, 80)
    pipe = _pipe([al.Rotate(limit=(90 * k, 90 * k), p=1.0)], fields)
    _check(pipe, fields, 0)
    out = pipe(sample_id=0, **fields)
    rot = al.Compose([al.RandomRotate90()], seed=0)
    assert out["image"].shape == (60, 80, 3)  # Rotate keeps the frame; RandomRotate90 swaps it
    assert rot(image=fields["image"], sample_id=1)["image"].shape in [(60, 80, 3), (80, 60, 3)]


def test_crop_that_cuts_boxes() -> None:
    fields = _fields(60, 80)
    pipe = _pipe([al.Affine(rotate=(30, 30), p=1.0), al.RandomCrop(height=30, width=30)], fields)
    for sid in range(10):
        _check(pipe, fields, sid)


def test_chained_geometry_against_masks() -> None:
    fields = _fields(60, 80)
    pipe = _pipe([al.HorizontalFlip(p=0.5), al.Transpose(p=0.5), al.RandomRotate90(),
                  al.Affine(rotate=20, scale=(0.8, 1.2), translate_percent=0.1, p=1.0),
                  al.RandomCrop(height=40, width=40), al.Resize(height=64, width=48)], fields)
    for sid in range(10):
        _check(pipe, fields, sid)


def test_box_formats_round_trip() -> None:
    img = np.zeros((50, 100, 3), np.uint8)
    voc = np.array([[10.0, 5.0, 30.0, 45.0]])
    for fmt in al.image.spatial.fields.AXIS_FORMATS:  # rotated: test_rotated_boxes_and_polygons
        arr = al.image.spatial.fields.from_xyxy(voc, fmt, (50, 100))
        out = al.Compose([al.HorizontalFlip(p=1.0)], bbox_format=fmt)(image=img, bboxes=arr)
        back = al.image.spatial.fields.to_xyxy(out["bboxes"][:, :4], fmt, (50, 100))
        np.testing.assert_allclose(back, [[70.0, 5.0, 90.0, 45.0]], atol=1e-9)


def test_min_visibility_and_min_area_filter_boxes() -> None:
    img = np.zeros((100, 100, 3), np.uint8)
    crop = al.CenterCrop(height=50, width=50)  # the window [25, 75) x [25, 75)
    boxes = [[30, 30, 70, 70], [60, 60, 90, 90]]  # fully inside; 15x15 of 30x30 = 25% inside
    out = al.Compose([crop], min_visibility=0.3)(image=img, bboxes=boxes)
    np.testing.assert_allclose(out["bboxes"], [[5.0, 5.0, 45.0, 45.0]])
    out = al.Compose([crop], min_visibility=0.2)(image=img, bboxes=boxes)
    assert len(out["bboxes"]) == 2
    out = al.Compose([crop], min_area=500)(image=img, bboxes=[[0, 0, 50, 50], [40, 40, 60, 60]])
    np.testing.assert_allclose(out["bboxes"], [[0.0, 0.0, 25.0, 25.0]])


@pytest.mark.parametrize("interpolation", ["nearest", "linear", "cubic", "lanczos"])
@pytest.mark.parametrize("border", ["constant", "reflect_101", "replicate"])
def test_rgb_warps_equal_warping_each_channel_alone(interpolation: str, border: str) -> None:
    # 3-channel uint8 images are warped as 4 channels for speed (geometry._warp_call): the
    # result must be byte-identical to warping every channel on its own
    from augmentlab.image.spatial.geometry import remap_array, warp_general

    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (45, 70, 3), dtype=np.uint8)
    fill = [10, 200, 77]
    affine = np.array([[0.93, -0.31, 9.5], [0.29, 1.08, -6.2], [0.0, 0.0, 1.0]])
    perspective = affine + np.array([[0, 0, 0], [0, 0, 0], [4e-4, -3e-4, 0]])
    grid = np.stack(np.meshgrid(np.arange(70), np.arange(45)), -1).astype(np.float32)
    xy_map = grid + rng.normal(0, 4, grid.shape).astype(np.float32)
    calls = [
        lambda a, f: warp_general(a, affine, (50, 66), interpolation=interpolation, border=border,
                                  fill=f),
        lambda a, f: warp_general(a, perspective, (50, 66), interpolation=interpolation,
                                  border=border, fill=f),
        lambda a, f: remap_array(a, xy_map, interpolation=interpolation, border=border, fill=f),
    ]
    for call in calls:
        whole = call(img, fill)
        alone = np.stack([call(np.ascontiguousarray(img[:, :, c]), fill[c]) for c in range(3)], 2)
        assert whole.dtype == np.uint8 and whole.shape == alone.shape
        assert np.array_equal(whole, alone)
