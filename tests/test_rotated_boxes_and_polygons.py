"""Rotated boxes (obb, xyxyxyxy) and polygons checked against an independent reference: each
object drawn as a mask and sent through the pipeline beside them.

For every geometric transform: the moved rotated box must hold its moved mask (no mask pixel
more than a pixel outside it) and touch it on all four sides (no side more than 1.5 px from the
mask: the box is the tightest rectangle, not a loose one); a moved polygon, drawn again, must
agree with its moved mask everywhere but within a pixel of its outline. Objects whose mask is
still visible must be kept, and their labels must follow.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from tests.conftest import CASES

import augmentlab as al
from augmentlab.errors import InvalidInput
from augmentlab.image.spatial.geometry import polygon_area
from augmentlab.image.spatial.rotated import corners_from

GEOMETRIC = sorted(
    n for n in CASES
    if issubclass(al.registry.get(n), (al.image.spatial.GeometricTransform,
                                       al.image.spatial.DisplacementTransform))
)
OBB = [[30, 25, 30, 12, 20], [40, 38, 16, 24, -35], [18, 45, 14, 10, 60], [8, 8, 10, 6, 45]]
POLYGONS = [  # an L (concave), a triangle, a rotated square, a thin zig-zag
    [[5, 5], [30, 5], [30, 12], [14, 12], [14, 30], [5, 30]],
    [[35, 40], [55, 50], [38, 56]],
    [[40, 8], [52, 14], [46, 26], [34, 20]],
    [[10, 40], [20, 36], [26, 44], [30, 38], [32, 50], [12, 52]],
]


def _centres(h: int, w: int) -> np.ndarray:
    ys, xs = np.mgrid[0:h, 0:w]
    return np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], 1)  # pixel centres, edge coordinates


def _inside(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd rule: which points lie inside the (any simple) polygon."""
    x, y = points[:, 0:1], points[:, 1:2]
    x0, y0 = poly[:, 0][None], poly[:, 1][None]
    x1, y1 = np.roll(poly[:, 0], -1)[None], np.roll(poly[:, 1], -1)[None]
    crosses = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return ((crosses & (x < at)).sum(axis=1) % 2) == 1


def _distance_to_outline(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    a, b = poly, np.roll(poly, -1, axis=0)
    ab = b - a
    t = ((points[:, None] - a[None]) * ab[None]).sum(-1) / np.maximum((ab ** 2).sum(-1), 1e-12)
    nearest = a[None] + np.clip(t, 0, 1)[..., None] * ab[None]
    return np.linalg.norm(points[:, None] - nearest, axis=-1).min(axis=1)


def _draw(poly: np.ndarray, h: int, w: int) -> np.ndarray:
    return _inside(_centres(h, w), np.asarray(poly, float)).reshape(h, w).astype(np.uint8)


def _fields(h: int, w: int, fmt: str) -> dict:
    rng = np.random.default_rng(0)
    corners = corners_from(np.array(OBB, float), "obb", "test")
    rows = np.array(OBB, float) if fmt == "obb" else corners.reshape(-1, 8)
    fields = {"image": rng.integers(0, 255, (h, w, 3), dtype=np.uint8),
              "bboxes": al.BBoxes(rows, format=fmt, labels=list(range(len(OBB)))),
              "polygons": al.Polygons(POLYGONS, labels=list(range(len(POLYGONS))))}
    for i, c in enumerate(corners):
        fields[f"box_mask{i}"] = _draw(c, h, w)
    for i, p in enumerate(POLYGONS):
        fields[f"poly_mask{i}"] = _draw(np.array(p, float), h, w)
    return fields


def _pipe(transforms: list, fields: dict) -> al.Compose:
    extra = {k: "mask" for k in fields if k.startswith(("box_mask", "poly_mask"))}
    return al.Compose(transforms, seed=3, extra_fields=extra)


def _check(pipe: al.Compose, fields: dict, sample_id: int, fmt: str, bent: bool,
           rigid: bool = False, tight: float = 3.0) -> None:
    out = pipe(sample_id=sample_id, **fields)
    h, w = out["image"].shape[:2]
    centres = _centres(h, w)
    boxes = out["bboxes"]
    assert boxes.format == fmt and boxes.array.shape[1] == (5 if fmt == "obb" else 8)
    for row, label in zip(boxes.array, boxes.labels, strict=True):
        m = out[f"box_mask{label}"].ravel().astype(bool)
        if m.sum() < 6:
            continue  # a sliver below the pixel grid: nearest sampling cannot place it
        quad = corners_from(row[None], fmt, "out")[0]
        pts = centres[m]
        # every mask pixel inside the box (within a pixel: masks are sampled at pixel centres)
        outside = ~_inside(pts, quad)
        assert (_distance_to_outline(pts[outside], quad) <= 1.0 + 1e-6).all(), (label, row)
        # and the box tight around the mask: each side within `tight` px of a mask pixel centre.
        # A moved rectangle touches its box along whole sides (1.5 px); a shape that reaches its
        # box at a corner (a box cut by the frame, sheared, bent) ends in a wedge whose tip holds
        # no pixel centre for about 1 / tan(angle) px: a 20-degree wedge, 2.7 px
        tight = 1.5 if rigid else tight
        for k in range(4):
            a, b = quad[k], quad[(k + 1) % 4]
            d = np.abs((b - a)[0] * (pts[:, 1] - a[1]) - (b - a)[1] * (pts[:, 0] - a[0]))
            gap = (d / np.linalg.norm(b - a)).min()
            assert gap <= tight, (label, k, gap, row)
        # and no larger than the smallest rectangle around the mask's pixel squares (OpenCV's
        # minAreaRect, an independent reference), give or take a strip along its outline where
        # wedges hold no pixel: a turned box's axis-aligned bounding box would be far larger
        squares = (pts[:, None] + np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
                   ).reshape(-1, 2).astype(np.float32)
        (_, (rw, rh), _) = cv2.minAreaRect(squares)
        area = polygon_area(quad)
        perimeter = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1).sum()
        assert area <= rw * rh + 0.75 * perimeter, (label, area, rw * rh, row)
    kept = set(boxes.labels)
    for i in range(len(OBB)):
        if out[f"box_mask{i}"].sum() >= 6:
            assert i in kept, f"rotated box {i} still visible but dropped"
    polys = out["polygons"]
    for label in set(polys.labels):  # a polygon the frame cut in pieces: its pieces together
        pieces = [p for p, lab in zip(polys.polygons, polys.labels, strict=True) if lab == label]
        m = out[f"poly_mask{label}"].ravel().astype(bool)
        drawn = np.any([_inside(centres, p) for p in pieces], axis=0)
        differ = centres[m != drawn]
        tol = 1.5 if bent else 1.0
        near = np.min([_distance_to_outline(differ, p) for p in pieces], axis=0) \
            if len(differ) else np.zeros(0)
        assert (near <= tol + 1e-6).all(), (label, len(differ))
    kept = set(polys.labels)
    for i in range(len(POLYGONS)):
        if out[f"poly_mask{i}"].sum() >= 6:
            assert i in kept, f"polygon {i} still visible but dropped"


@pytest.mark.parametrize("name", GEOMETRIC)
@pytest.mark.parametrize("size", [(60, 80), (80, 60)])
@pytest.mark.parametrize("fmt", ["obb", "xyxyxyxy"])
def test_each_geometric_transform_moves_rotated_boxes_and_polygons_with_their_masks(
        name: str, size: tuple[int, int], fmt: str) -> None:
    fields = _fields(*size, fmt)
    cfg = dict(CASES[name])
    if name in ("RandomCrop", "CenterCrop"):
        cfg = {"height": 40, "width": 40}
    t = al.Transform.from_config({"name": name, **cfg})
    bent = isinstance(t, al.image.spatial.DisplacementTransform)
    pipe = _pipe([t], fields)
    for sid in range(6):
        _check(pipe, fields, sid, fmt, bent)


def test_a_chain_of_warps_and_a_crop_keeps_rotated_boxes_and_polygons_on_their_masks() -> None:
    fields = _fields(60, 80, "obb")
    pipe = _pipe([al.HorizontalFlip(p=0.5), al.Transpose(p=0.5), al.RandomRotate90(),
                  al.Affine(rotate=20, scale=(0.8, 1.2), translate_percent=0.1, shear=10, p=1.0),
                  al.RandomCrop(height=40, width=40), al.Resize(height=64, width=48)], fields)
    for sid in range(10):  # shear and uneven scale cut wedges up to 4 px short of pixel centres
        _check(pipe, fields, sid, "obb", bent=False, tight=4.0)


@pytest.mark.parametrize("fmt", ["obb", "xyxyxyxy"])
def test_turned_and_mirrored_boxes_stay_tight_on_every_side(fmt: str) -> None:
    fields = _fields(120, 120, fmt)  # room to turn without cutting any box
    for key in list(fields):
        if key.startswith(("box_mask", "poly_mask")) or key == "image":
            pad = [(30, 30), (30, 30)] + [(0, 0)] * (fields[key].ndim - 2)
            fields[key] = np.pad(fields[key], pad)[:120, :120]
    fields["bboxes"] = al.BBoxes(np.array(OBB, float) + [30, 30, 0, 0, 0], format="obb",
                                 labels=list(range(len(OBB))))
    if fmt == "xyxyxyxy":
        fields["bboxes"] = al.BBoxes(corners_from(fields["bboxes"].array, "obb", "t").reshape(-1, 8),
                                     format=fmt, labels=list(range(len(OBB))))
    fields["polygons"] = al.Polygons([np.array(p, float) + 30 for p in POLYGONS],
                                     labels=list(range(len(POLYGONS))))
    pipe = _pipe([al.HorizontalFlip(p=0.5), al.Transpose(p=0.5),
                  al.Affine(rotate=(-180, 180), scale=1.0, p=1.0)], fields)
    for sid in range(8):
        _check(pipe, fields, sid, fmt, bent=False, rigid=True)


def test_rotated_box_forms_follow_exactly_through_a_flip_and_a_quarter_turn() -> None:
    img = np.zeros((100, 200, 3), np.uint8)
    out = al.Compose([al.HorizontalFlip(p=1.0)])(
        image=img, bboxes=al.BBoxes([[50, 40, 40, 20, 30]], format="obb"))
    np.testing.assert_allclose(out["bboxes"].array, [[150, 40, 40, 20, -30]], atol=1e-9)
    # DOTA corners: each corner stays the corner it was, whatever the warp
    quad = [[10, 10], [50, 10], [50, 30], [10, 30]]
    out = al.Compose([al.RandomRotate90(p=1.0)], seed=0)(
        image=img, bboxes=al.BBoxes([np.ravel(quad)], format="xyxyxyxy"), sample_id=0)
    turned = out["bboxes"].array.reshape(4, 2)
    ref = al.Compose([al.RandomRotate90(p=1.0)], seed=0)(  # keypoints: pixel-centre coordinates
        image=img, keypoints=np.array(quad, float) - 0.5, sample_id=0)["keypoints"] + 0.5
    np.testing.assert_allclose(turned, ref, atol=1e-9)
    out = al.Compose([al.RandomRotate90(p=1.0)], seed=0)(
        image=img, polygons=al.Polygons([POLYGONS[0]]), sample_id=0)  # the L moves like points
    ref = al.Compose([al.RandomRotate90(p=1.0)], seed=0)(
        image=img, keypoints=np.array(POLYGONS[0], float) - 0.5, sample_id=0)["keypoints"] + 0.5
    np.testing.assert_allclose(out["polygons"].polygons[0], ref, atol=1e-9)
    # an obb turned a quarter: the width side stays the width, the angle turns by 90
    out = al.Compose([al.Affine(rotate=(-90, -90), p=1.0)])(
        image=np.zeros((100, 100), np.uint8), bboxes=al.BBoxes([[50, 50, 40, 20, 10]], format="obb"))
    cx, cy, bw, bh, angle = out["bboxes"].array[0]
    assert (round(bw, 6), round(bh, 6), round(angle, 6)) == (40, 20, -80)  # 100, half a turn back


def test_a_rotated_box_cut_by_the_frame_is_the_tightest_rectangle_of_what_is_left() -> None:
    img = np.zeros((50, 50), np.uint8)
    # a 40x10 box at 45 degrees centred on the corner: a quarter of it is left, cut by two edges
    out = al.Compose([al.Affine(translate_percent=(-0.5, -0.5), p=1.0)],
                     min_visibility=0.1)(image=img, bboxes=al.BBoxes([[25, 25, 40, 10, 45]],
                                                                      format="obb"))
    assert len(out["bboxes"]) == 1
    cx, cy, bw, bh, angle = out["bboxes"].array[0]
    assert angle == pytest.approx(45) and bh == pytest.approx(10, abs=1e-6)
    assert 0 < bw < 20 + 1e-6  # a part of the 40-long side, starting at the corner


def test_min_area_and_min_visibility_read_a_rotated_box_by_its_own_sides() -> None:
    img = np.zeros((100, 100), np.uint8)
    # a 40x5 box at 45 degrees: its bounding box is 31.8 x 31.8 (1012 px), the box 200 px
    boxes = al.BBoxes([[50, 50, 40, 5, 45]], format="obb")
    assert len(al.Compose([al.HorizontalFlip(p=1)], min_area=150)(image=img, bboxes=boxes)["bboxes"]) == 1
    assert len(al.Compose([al.HorizontalFlip(p=1)], min_area=250)(image=img, bboxes=boxes)["bboxes"]) == 0
    keep = al.Compose([al.HorizontalFlip(p=1)], bbox_params={"format": "obb", "min_height": 4})
    assert len(keep(image=img, bboxes=boxes.array)["bboxes"]) == 1


def test_rotated_boxes_and_polygons_are_byte_identical_on_replay() -> None:
    fields = _fields(60, 80, "obb")
    pipe = _pipe([al.Affine(rotate=(-40, 40), shear=(-10, 10), p=1.0), al.ElasticWarp(p=1.0)], fields)
    a, b = pipe(sample_id=7, **fields), pipe(sample_id=7, **fields)
    assert a["bboxes"].array.tobytes() == b["bboxes"].array.tobytes()
    assert all(p.tobytes() == q.tobytes() for p, q in zip(a["polygons"].polygons,
                                                         b["polygons"].polygons, strict=True))
    again = pipe.replay(a.record, **fields)
    assert again["bboxes"].array.tobytes() == a["bboxes"].array.tobytes()
    assert all(p.tobytes() == q.tobytes() for p, q in zip(a["polygons"].polygons,
                                                         again["polygons"].polygons, strict=True))


@pytest.mark.parametrize(("rows", "fmt", "words"), [
    ([[10, 10, 0, 5, 0]], "obb", "positive width and height"),
    ([[10, 10, 5, 5]], "obb", "(N, 5+)"),
    ([[0, 0, 10, 10, 0, 10, 10, 0]], "xyxyxyxy", "not a convex quadrilateral"),  # crossed
    ([[150, 25, 40, 10, 30]], "obb", "no part inside"),
    ([[10, 10, np.nan, 5, 0]], "obb", "finite"),
])
def test_bad_rotated_boxes_are_refused_by_name(rows: list, fmt: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words.replace("(", r"\(").replace(")", r"\)")
                       .replace("+", r"\+")):
        al.Compose([al.HorizontalFlip()])(image=np.zeros((50, 100), np.uint8),
                                          bboxes=al.BBoxes(rows, format=fmt))


@pytest.mark.parametrize("clip", [False, True])
def test_a_rotated_box_reaching_outside_moves_by_its_part_inside(clip: bool) -> None:
    out = al.Compose([al.HorizontalFlip(p=1.0)], bbox_params={"format": "obb", "clip": clip})(
        image=np.zeros((50, 100), np.uint8), bboxes=np.array([[95.0, 25, 20, 10, 0]]))
    np.testing.assert_allclose(out["bboxes"], [[7.5, 25, 15, 10, 0]], atol=1e-9)  # 85..100 kept


def test_boxes_a_turn_pushed_across_the_frame_go_through_the_pipeline_again() -> None:
    """The smallest rectangle around the visible part of a cut box sticks out of the frame (the
    rectangle keeps the box's angle); reading such output back must work (it was refused)."""
    img = np.zeros((100, 100, 3), np.uint8)
    boxes = al.BBoxes([[20, 15, 20, 10, 0]], format="obb", labels=["x"])
    turned = al.Compose([al.Rotate(limit=(30, 30), p=1.0)], seed=0)(image=img, bboxes=boxes)
    assert turned["bboxes"].array[0, 0] - 10 < 0  # it does reach past the left edge
    again = al.Compose([al.HorizontalFlip(p=1.0)])(image=turned["image"], bboxes=turned["bboxes"])
    np.testing.assert_allclose(again["bboxes"].array[0, [1, 2, 3]], turned["bboxes"].array[0, [1, 2, 3]],
                               atol=1e-6)


@pytest.mark.parametrize(("polys", "words"), [
    ([[[0, 0], [10, 0]]], "at least 3 vertices"),
    ([[[0, 0], [10, 0], [20, 0]]], "no area"),
    ([[[0, 0], [10, 0], [10, 99]]], "outside"),
    ([[0, 0, 10, 0, 10, np.inf]], "NaN or infinite"),
])
def test_bad_polygons_are_refused_by_name(polys: list, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        al.Compose([al.HorizontalFlip()])(image=np.zeros((50, 50), np.uint8),
                                          polygons=al.Polygons(polys))


def test_polygons_as_plain_lists_come_back_as_lists_and_leave_with_nothing_visible() -> None:
    img = np.zeros((50, 50), np.uint8)
    out = al.Compose([al.Affine(translate_percent=(0.5, 0.5), p=1.0)])(
        image=img, polygons=[[0, 0, 10, 0, 10, 10], [30, 30, 45, 30, 45, 45]])
    assert isinstance(out["polygons"], list) and len(out["polygons"]) == 1  # the second left
    np.testing.assert_allclose(out["polygons"][0], [[25, 25], [35, 25], [35, 35]], atol=1e-9)


def test_a_step_that_would_leave_polygons_behind_is_refused() -> None:
    class MovesBoxesOnly(al.Transform):
        _abstract = True  # not registered: the registry's suites would look for it
        fields = frozenset({"image", "bboxes"})

    pipe = al.Compose([MovesBoxesOnly()])
    with pytest.raises(InvalidInput, match="does not know polygons"):
        pipe(image=np.zeros((10, 10), np.uint8), polygons=al.Polygons([[0, 0, 5, 0, 5, 5]]))


def test_an_instance_mask_of_no_instances_goes_through_every_geometric_transform() -> None:
    """An image with no objects (in a COCO folder with segmentations) has an (H, W, 0) mask."""
    img = np.random.default_rng(0).integers(0, 255, (60, 80, 3), dtype=np.uint8)
    for name in GEOMETRIC:
        cfg = {"height": 40, "width": 40} if name in ("RandomCrop", "CenterCrop") else CASES[name]
        t = al.Transform.from_config({"name": name, **cfg})
        out = al.Compose([t], seed=0)(image=img, mask=np.zeros((60, 80, 0), np.uint8), sample_id=2)
        assert out["mask"].shape == (*out["image"].shape[:2], 0), name


def test_a_polygon_the_frame_cuts_in_two_comes_back_as_two_with_its_label() -> None:
    """A U cropped to its two legs was one ring doubling back along the cut (an invalid polygon
    that fills a line of pixels between the legs)."""
    u = [10, 40, 30, 40, 30, 60, 70, 60, 70, 40, 90, 40, 90, 90, 10, 90]
    out = al.Compose([al.CenterCrop(20, 100)], seed=0)(
        image=np.zeros((100, 100), np.uint8), polygons=al.Polygons([u], labels=["u"]))
    pieces = out["polygons"].polygons
    assert out["polygons"].labels == ["u", "u"]
    assert sorted([*p.min(axis=0), *p.max(axis=0)] for p in pieces) == [[10, 0, 30, 20], [70, 0, 90, 20]]
    rng = np.random.default_rng(0)
    for _ in range(200):  # random star-like polygons: the pieces tile exactly the visible part
        k = int(rng.integers(5, 12))
        angles = np.sort(rng.uniform(0, 2 * np.pi, k))
        radii = rng.uniform(5, 40, k)
        poly = np.stack([50 + radii * np.cos(angles), 50 + radii * np.sin(angles)], 1)
        pieces = al.image.spatial.polygons.clip_pieces(poly, 60, 55)
        centres = _centres(55, 60)
        union = np.zeros(len(centres), int)
        for p in pieces:
            union += _inside(centres, p)
        assert union.max() <= 1  # no pixel in two pieces
        np.testing.assert_array_equal(union.astype(bool), _inside(centres, poly))
