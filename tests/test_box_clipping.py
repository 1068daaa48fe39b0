"""Boxes through warps: each box's polygon clipped to the new frame, the box being the bounding box
of what is left and its visibility the fraction of its area left (multiplied across warps), boxes
with nothing left dropped, then the filters (min_visibility, min_area, min_width, min_height) and
keypoints that leave the frame."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.image.spatial.fields import BoxSet
from augmentlab.image.spatial.geometry import (
    clip_polygon,
    edge_matrix,
    polygon_area,
    rectangle,
    transform_points,
)
from augmentlab.image.spatial.warp import _clip_to_frame

IMAGE = np.zeros((100, 100, 3), np.uint8)


def _rotated_rect(cx: float, cy: float, w: float, h: float, degrees: float) -> np.ndarray:
    t = np.deg2rad(degrees)
    corners = np.array([[-w, -h], [-w, h], [w, h], [w, -h]]) / 2
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return corners @ rot.T + [cx, cy]


def _inside_convex(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Which points lie inside a convex polygon (either orientation): all edge cross products
    share one sign."""
    cross = []
    for a, b in zip(poly, np.roll(poly, -1, axis=0), strict=True):
        cross.append((b[0] - a[0]) * (points[:, 1] - a[1]) - (b[1] - a[1]) * (points[:, 0] - a[0]))
    c = np.array(cross)
    return (c >= 0).all(axis=0) | (c <= 0).all(axis=0)


def _grid(width: float, height: float, step: float = 0.05) -> np.ndarray:
    xs = np.arange(step / 2, width, step)
    ys = np.arange(step / 2, height, step)
    return np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)


# -- the geometry: polygon clipping and area --------------------------------------------------------

@pytest.mark.parametrize(("box", "expected"), [
    ([-3, 2, 4, 5], [0, 2, 4, 5]),  # over the left edge
    ([6, 2, 13, 5], [6, 2, 10, 5]),  # the right
    ([2, -3, 5, 4], [2, 0, 5, 4]),  # the top
    ([2, 6, 5, 11], [2, 6, 5, 8]),  # the bottom
    ([-1, -1, 11, 9], [0, 0, 10, 8]),  # all four
    ([-2, -2, 3, 3], [0, 0, 3, 3]),  # a corner
    ([1, 1, 3, 3], [1, 1, 3, 3]),  # inside: unchanged
])
def test_a_rectangle_is_clipped_to_its_part_inside_each_edge(box: list[float],
                                                             expected: list[float]) -> None:
    clipped = clip_polygon(rectangle(np.array(box, float)), 10, 8)
    assert clipped.min(axis=0).tolist() + clipped.max(axis=0).tolist() == expected
    x0, y0, x1, y1 = expected
    assert polygon_area(clipped) == pytest.approx((x1 - x0) * (y1 - y0), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_a_rotated_rectangle_keeps_exactly_its_area_inside_the_frame(seed: int) -> None:
    """Against an independent count: the share of a fine grid of points inside both the rotated
    rectangle and the frame."""
    rng = np.random.default_rng(seed)
    w, h = 20.0, 14.0
    poly = _rotated_rect(*rng.uniform(-3, 23, 2), *rng.uniform(8, 20, 2), rng.uniform(0, 90))
    clipped = clip_polygon(poly, w, h)
    points = _grid(w, h)
    inside = points[_inside_convex(points, poly)]
    assert polygon_area(clipped) == pytest.approx(len(inside) * 0.05**2, rel=0.02, abs=0.05)
    assert (clipped >= -1e-9).all() and (clipped <= [w + 1e-9, h + 1e-9]).all()
    if len(inside):  # its extent is that of the points inside, to within the grid step
        np.testing.assert_allclose(clipped.min(axis=0), inside.min(axis=0), atol=0.1)
        np.testing.assert_allclose(clipped.max(axis=0), inside.max(axis=0), atol=0.1)


@pytest.mark.parametrize("box", [[-5, 2, -1, 4], [11, 2, 15, 4], [2, -6, 4, -1], [2, 9, 4, 12],
                                 [-3, 2, 0, 4]])  # the last only touches the frame
def test_a_rectangle_outside_the_frame_clips_to_nothing(box: list[float]) -> None:
    assert polygon_area(clip_polygon(rectangle(np.array(box, float)), 10, 8)) == 0.0


def test_polygon_area_of_known_shapes_in_either_orientation() -> None:
    triangle = np.array([[0, 0], [4, 0], [0, 3]], float)
    ell = np.array([[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [0, 3]], float)  # not convex: 4 + 2
    for poly, area in ((triangle, 6.0), (ell, 6.0), (rectangle(np.array([1.0, 2.0, 4.0, 7.0])), 15.0)):
        for shape in (poly, poly[::-1], np.roll(poly, 1, axis=0), np.roll(poly, 2, axis=0)):
            assert polygon_area(shape) == pytest.approx(area)
    assert polygon_area(np.array([[0, 0], [1, 1], [2, 2]], float)) == 0.0
    assert polygon_area(np.array([[0, 0], [5, 5]], float)) == 0.0
    assert polygon_area(np.zeros((0, 2))) == 0.0


def test_points_go_through_a_perspective_matrix_with_the_divide() -> None:
    m = np.array([[2.0, 0, 1], [0, 1, -1], [0.1, 0, 1]])
    # (10, 5): x = 2 * 10 + 1 = 21, y = 5 - 1 = 4, w = 0.1 * 10 + 1 = 2
    np.testing.assert_allclose(transform_points(np.array([[10.0, 5.0], [0.0, 0.0]]), m),
                               [[10.5, 2.0], [1.0, -1.0]])
    assert transform_points(np.zeros((0, 2)), m).shape == (0, 2)


def test_the_edge_matrix_moves_pixel_edges_where_the_centre_matrix_moves_centres() -> None:
    # a mirror of a 10-wide image sends the centre of pixel 0 (x = 0) to that of pixel 9 (x = 9);
    # in edge coordinates, pixel 0 spans [0, 1] and goes to [9, 10]
    mirror = np.array([[-1.0, 0, 9], [0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(transform_points(np.array([[0.0, 0.0], [1.0, 1.0]]), edge_matrix(mirror)),
                               [[10.0, 0.0], [9.0, 1.0]])
    # doubling the size maps the centre of pixel i to 2i + 0.5, and the edge x to 2x
    double = np.array([[2.0, 0, 0.5], [0, 2, 0.5], [0, 0, 1]])
    np.testing.assert_allclose(transform_points(np.array([[0.0, 0.0], [3.0, 5.0]]), edge_matrix(double)),
                               [[0.0, 0.0], [6.0, 10.0]])


# -- clipping a warped box to the new frame ------------------------------------------------------

def _boxes(*xyxy: list[float], size: tuple[int, int] = (8, 10)) -> BoxSet:
    return BoxSet.from_input(np.array(xyxy, float), "bboxes", "pascal_voc", size)


def test_a_moved_box_becomes_the_bounding_box_of_its_visible_polygon() -> None:
    boxes = _boxes([0, 0, 4, 4], [0, 0, 4, 4], [0, 0, 4, 4], [0, 0, 4, 4])
    moved = [
        rectangle(np.array([1.0, 1.0, 3.0, 4.0])),  # inside: kept whole
        np.array([[-2.0, 4.0], [2.0, 0.0], [6.0, 4.0], [2.0, 8.0]]),  # a diamond over the left edge
        np.array([[-4.0, 4.0], [2.0, -2.0], [8.0, 4.0], [2.0, 10.0]]),  # over the left and top
        rectangle(np.array([12.0, 1.0, 15.0, 4.0])),  # gone
    ]
    out = _clip_to_frame(boxes, moved, (8, 10))
    assert out.index.tolist() == [0, 1, 2]
    np.testing.assert_allclose(out.xyxy, [[1, 1, 3, 4], [0, 0, 6, 8], [0, 0, 8, 8]])
    # the diamond (area 32) loses the triangle left of x = 0 (area 4); the big one (area 72) the
    # triangles left of x = 0 (16), above y = 0 (4) and below y = 8 (4)
    np.testing.assert_allclose(out.visibility, [1.0, 28 / 32, 48 / 72])
    # the exact visible polygons are kept for the next warp
    assert [polygon_area(p) for p in out.polys] == pytest.approx([6, 28, 48])


def test_a_box_reduced_to_a_triangle_or_a_sliver_is_kept_and_one_with_no_area_dropped() -> None:
    boxes = _boxes([0, 0, 4, 4], [0, 0, 4, 4], [0, 0, 4, 4])
    moved = [
        np.array([[-6.0, 4.0], [-2.0, 0.0], [2.0, 4.0], [-2.0, 8.0]]),  # only a tip inside
        rectangle(np.array([-3.0, 2.0, 0.5, 5.0])),  # half a pixel wide inside
        rectangle(np.array([-3.0, 2.0, 0.0, 5.0])),  # touches the edge: nothing inside
    ]
    out = _clip_to_frame(boxes, moved, (8, 10))
    assert out.index.tolist() == [0, 1]
    np.testing.assert_allclose(out.xyxy, [[0, 2, 2, 6], [0, 2, 0.5, 5]])
    np.testing.assert_allclose(out.visibility, [4 / 32, 0.5 / 3.5])


def test_a_box_smaller_than_a_pixel_keeps_its_visible_share() -> None:
    boxes = _boxes([0, 0, 1, 1], [0, 0, 1, 1])
    moved = [rectangle(np.array([-0.25, 2.0, 0.5, 2.5])), rectangle(np.array([9.5, 7.5, 10.5, 8.5]))]
    out = _clip_to_frame(boxes, moved, (8, 10))
    np.testing.assert_allclose(out.xyxy, [[0, 2, 0.5, 2.5], [9.5, 7.5, 10, 8]])
    np.testing.assert_allclose(out.visibility, [2 / 3, 0.25])


def test_visibility_multiplies_with_what_earlier_warps_left() -> None:
    boxes = _boxes([0, 0, 4, 4], [0, 0, 4, 4])
    boxes = boxes.with_boxes(boxes.xyxy, np.array([0.5, 0.25]))
    out = _clip_to_frame(boxes, [rectangle(np.array([-2.0, 0.0, 2.0, 4.0]))] * 2, (8, 10))
    np.testing.assert_allclose(out.visibility, [0.25, 0.125])


# -- through pipelines ----------------------------------------------------------------------------

CUT = {  # 100x100 -> CenterCrop 50x50 keeps [25, 75) x [25, 75)
    "left": ([10, 40, 35, 60], [0, 15, 10, 35]),  # 10 of 25 wide: 0.4
    "right": ([65, 40, 90, 60], [40, 15, 50, 35]),
    "top": ([40, 10, 60, 35], [15, 0, 35, 10]),
    "bottom": ([40, 65, 60, 90], [15, 40, 35, 50]),
    "corner": ([10, 10, 35, 35], [0, 0, 10, 10]),  # 10 x 10 of 25 x 25: 0.16
    "inside": ([30, 30, 40, 45], [5, 5, 15, 20]),
    "outside": ([0, 0, 20, 20], None),
    "touching": ([0, 30, 25, 40], None),  # its right edge on the window's left edge
}


def _crop(min_visibility: float, **params: float) -> dict[str, list[float]]:
    pipe = al.Compose([al.CenterCrop(height=50, width=50)], min_visibility=min_visibility, **params)
    out = pipe(image=IMAGE, bboxes=[b for b, _ in CUT.values()], labels=list(CUT), seed=0, sample_id=0)
    return dict(zip(out["labels"], out["bboxes"].tolist(), strict=True))


def test_a_crop_keeps_the_visible_part_of_each_box_and_drops_what_it_cuts_off_whole() -> None:
    assert _crop(0.0) == {k: v for k, (_, v) in CUT.items() if v is not None}


def test_min_visibility_keeps_boxes_with_exactly_that_much_left() -> None:
    assert set(_crop(0.4)) == {"left", "right", "top", "bottom", "inside"}
    assert set(_crop(0.401)) == {"inside"}
    assert set(_crop(0.16)) == {"left", "right", "top", "bottom", "inside", "corner"}
    assert "corner" not in _crop(0.161)


def test_a_visibility_a_rounding_error_under_min_visibility_still_passes() -> None:
    # 26/50 of the box is left by the first crop, 14/26 of that by the second: 0.28 exactly,
    # which the product of the two fractions misses by a rounding error
    steps = [al.CenterCrop(height=100, width=52), al.CenterCrop(height=100, width=28)]
    pipe = al.Compose(steps, min_visibility=0.28, fuse=False)
    out = pipe(image=IMAGE, bboxes=[[0, 0, 50, 50]], seed=0, sample_id=0)
    assert out["bboxes"].tolist() == [[0.0, 0.0, 14.0, 50.0]]
    pipe = al.Compose(steps, min_visibility=0.2801, fuse=False)
    assert pipe(image=IMAGE, bboxes=[[0, 0, 50, 50]], seed=0, sample_id=0)["bboxes"].tolist() == []


@pytest.mark.parametrize("fuse", [True, False])
def test_a_box_rotated_off_the_corners_keeps_its_visible_share(fuse: bool) -> None:
    # a centred 90 x 90 box turned 45 degrees is a diamond of half-diagonal 45 * sqrt(2) = 63.6:
    # the frame cuts four corner triangles of legs 100 - 63.6 off its 8100 square pixels
    legs = 100 - 45 * np.sqrt(2)
    share = (10_000 - 2 * legs**2) / 8100  # 0.9081
    steps = [al.Affine(rotate=(45, 45), p=1.0), al.Blur(p=1.0)]

    def kept(min_visibility: float) -> list[list[float]]:
        pipe = al.Compose(steps, min_visibility=min_visibility, fuse=fuse)
        return pipe(image=IMAGE, bboxes=[[5, 5, 95, 95]], seed=0, sample_id=0)["bboxes"].tolist()

    assert kept(share - 1e-4) == [[0.0, 0.0, 100.0, 100.0]]
    assert kept(share + 1e-4) == []


def test_a_box_turned_and_turned_back_is_the_box_it_was() -> None:
    # the second warp moves the exact polygon the first left, not the first's bounding box (which
    # would grow a turned box by sqrt(2) each time); what the frame cut off stays cut off
    steps = [al.Affine(rotate=(45, 45), p=1.0), al.Blur(p=1.0), al.Affine(rotate=(-45, -45), p=1.0)]
    pipe = al.Compose(steps, fuse=False)
    out = pipe(image=IMAGE, bboxes=[[30, 30, 70, 70], [5, 5, 95, 95]], seed=0, sample_id=0)
    np.testing.assert_allclose(out["bboxes"], [[30, 30, 70, 70], [5, 5, 95, 95]], atol=1e-9)
    legs = 100 - 45 * np.sqrt(2)
    share = (10_000 - 2 * legs**2) / 8100
    pipe = al.Compose(steps, fuse=False, min_visibility=share + 1e-4)
    assert pipe(image=IMAGE, bboxes=[[30, 30, 70, 70], [5, 5, 95, 95]], labels=["small", "big"],
                seed=0, sample_id=0)["labels"] == ["small"]


def test_min_area_width_and_height_keep_boxes_exactly_at_the_limit() -> None:
    boxes = [[10, 10, 30, 20], [10, 10, 29, 20], [10, 10, 30, 19], [0, 0, 100, 100]]
    labels = ["20x10", "19x10", "20x9", "whole"]

    def kept(**params: float) -> list[str]:
        pipe = al.Compose([al.HorizontalFlip(p=1.0)], bbox_params={"format": "pascal_voc", **params})
        return pipe(image=IMAGE, bboxes=boxes, labels=labels, seed=0, sample_id=0)["labels"]

    assert kept(min_area=200) == ["20x10", "whole"]
    assert kept(min_area=190) == ["20x10", "19x10", "whole"]
    assert kept(min_width=20) == ["20x10", "20x9", "whole"]
    assert kept(min_height=10) == ["20x10", "19x10", "whole"]
    assert kept(min_width=20, min_height=10) == ["20x10", "whole"]
    assert kept(min_width=101) == []
    assert kept(min_area=200, min_width=19) == ["20x10", "whole"]  # every filter applies
    pipe = al.Compose([al.CenterCrop(height=50, width=50)], bbox_params={
        "format": "pascal_voc", "min_visibility": 0.5, "min_width": 1})
    out = pipe(image=IMAGE, bboxes=[[0, 30, 40, 40], [30, 30, 40, 40]], labels=["cut", "inside"],
               seed=0, sample_id=0)
    assert out["labels"] == ["inside"]  # 15 of 40 wide left: under min_visibility, over min_width


def test_keypoints_on_the_last_pixel_stay_and_those_past_it_go() -> None:
    # pixel-centre coordinates: after the 50x50 crop at (25, 25), x in [0, 50) is inside
    points = [[25, 40], [74.9, 40], [75, 40], [24.9, 40], [40, 25], [40, 74.9], [40, 75], [40, 24.9]]
    names = ["left", "right", "past right", "past left", "top", "bottom", "past bottom", "past top"]
    pipe = al.Compose([al.CenterCrop(height=50, width=50)])
    out = pipe(image=IMAGE, keypoints=points, labels=names, seed=0, sample_id=0)
    assert out["labels"] == ["left", "right", "top", "bottom"]
    np.testing.assert_allclose(out["keypoints"], [[0, 15], [49.9, 15], [15, 0], [15, 49.9]])
    kept = al.Compose([al.CenterCrop(height=50, width=50)], remove_invisible=False)(
        image=IMAGE, keypoints=points, labels=names, seed=0, sample_id=0)
    assert kept["labels"] == names
    assert kept["keypoints"][2].tolist() == [50.0, 15.0]
