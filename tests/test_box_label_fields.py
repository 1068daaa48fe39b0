"""Per-box and per-keypoint label lists passed by keyword (the Albumentations habit) stay in step
with the boxes and points that survive the pipeline, or the call is refused."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.errors import InvalidConfig, InvalidInput

IMG = np.zeros((300, 600, 3), np.uint8)
BOXES = [[400, 50, 500, 200], [100, 100, 200, 200]]  # the first leaves a frame shifted right
SHIFT = al.Affine(translate_percent=(0.34, 0.34), p=1.0)


def test_labels_keyword_follows_the_boxes_that_survive() -> None:
    out = al.Compose([SHIFT], seed=0)(image=IMG, bboxes=BOXES, labels=["far", "near"])
    assert len(out["bboxes"]) == 1
    assert out["labels"] == ["near"]


def test_declared_label_fields_follow_the_boxes_in_their_own_container_types() -> None:
    pipe = al.Compose([SHIFT], seed=0,
                      bbox_params={"format": "pascal_voc", "label_fields": ["class_labels", "ids"]})
    out = pipe(image=IMG, bboxes=BOXES, class_labels=("far", "near"), ids=np.array([3, 4]))
    assert out["class_labels"] == ("near",)
    assert out["ids"].tolist() == [4]


def test_bbox_params_format_and_filters_apply() -> None:
    coco = [[400, 50, 100, 150], [100, 100, 100, 100]]  # x, y, w, h
    pipe = al.Compose([al.HorizontalFlip(p=1.0)], seed=0,
                      bbox_params={"format": "coco", "label_fields": ["c"], "min_width": 101})
    out = pipe(image=IMG, bboxes=coco, c=["wide?", "no"])
    assert len(out["bboxes"]) == 0 and out["c"] == []
    pipe = al.Compose([al.HorizontalFlip(p=1.0)], seed=0, bbox_params={"format": "coco"})
    assert np.allclose(pipe(image=IMG, bboxes=coco)["bboxes"], [[100, 50, 100, 150],
                                                                [400, 100, 100, 100]])


def test_albumentations_params_objects_are_accepted() -> None:
    A = pytest.importorskip("albumentations")
    pipe = al.Compose([SHIFT], seed=0, bbox_params=A.BboxParams(format="pascal_voc",
                                                                label_fields=["class_labels"]))
    out = pipe(image=IMG, bboxes=BOXES, class_labels=["far", "near"])
    assert out["class_labels"] == ["near"]


def test_keypoint_label_fields_follow_the_points() -> None:
    pipe = al.Compose([SHIFT], seed=0, keypoint_params={"format": "xy", "label_fields": ["kp_names"]})
    out = pipe(image=IMG, keypoints=[[450.0, 100.0], [150.0, 150.0]], kp_names=["gone", "kept"])
    assert out["kp_names"] == ["kept"] and len(out["keypoints"]) == 1
    # without boxes, labels= follows the keypoints
    out = al.Compose([SHIFT], seed=0)(image=IMG, keypoints=[[450.0, 100.0], [150.0, 150.0]],
                                      labels=["gone", "kept"])
    assert out["labels"] == ["kept"]


def test_undeclared_per_box_list_is_refused_not_passed_through() -> None:
    with pytest.raises(InvalidInput, match="class_labels.*not declared"):
        al.Compose([SHIFT], seed=0)(image=IMG, bboxes=BOXES, class_labels=["far", "near"])
    # declared as passthrough on purpose: it goes through untouched
    out = al.Compose([SHIFT], seed=0, extra_fields={"class_labels": "passthrough"})(
        image=IMG, bboxes=BOXES, class_labels=["far", "near"])
    assert out["class_labels"] == ["far", "near"]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"labels": ["only one"]}, "1 labels for 2 box"),
    ({"labels": "ab"}, "must be a list"),
])
def test_label_lists_of_the_wrong_length_or_type_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        al.Compose([SHIFT], seed=0)(image=IMG, bboxes=BOXES, **kwargs)


def test_declared_label_field_missing_from_the_call_is_refused() -> None:
    pipe = al.Compose([SHIFT], bbox_params={"label_fields": ["class_labels"]})
    with pytest.raises(InvalidInput, match="declared"):
        pipe(image=IMG, bboxes=BOXES)


@pytest.mark.parametrize("params", [
    {"format": "xywh"}, {"filter_invalid_bboxes": True}, {"label_fields": "labels"},
    {"min_visibility": 2}, {"unknown": 1},
])
def test_bad_bbox_params_are_invalid_config(params: dict) -> None:
    with pytest.raises(InvalidConfig):
        al.Compose([SHIFT], bbox_params=params)


def test_keypoint_formats_with_angles_are_refused() -> None:
    with pytest.raises(InvalidConfig, match="xyas"):
        al.Compose([SHIFT], keypoint_params={"format": "xyas"})


def test_bbox_params_round_trip_through_the_config_and_keep_old_hashes() -> None:
    pipe = al.Compose([SHIFT], seed=1, bbox_params={"format": "yolo", "label_fields": ["c"]})
    again = al.load_pipeline(pipe.to_yaml())
    assert again.get_config() == pipe.get_config() and again.config_hash == pipe.config_hash
    assert "bbox_params" not in al.Compose([SHIFT], seed=1).get_config()


def test_clip_cuts_boxes_a_little_outside_the_frame() -> None:
    pipe = al.Compose([al.HorizontalFlip(p=1.0)], bbox_params={"clip": True})
    out = pipe(image=IMG, bboxes=[[-3, 10, 50, 60]])
    assert np.allclose(out["bboxes"], [[550, 10, 600, 60]])
    with pytest.raises(InvalidInput, match="outside"):
        al.Compose([al.HorizontalFlip(p=1.0)])(image=IMG, bboxes=[[-3, 10, 50, 60]])


def test_a_label_inside_the_box_list_says_where_labels_go() -> None:
    with pytest.raises(InvalidInput, match="labels=\\['cat'"):
        al.Compose([SHIFT])(image=IMG, bboxes=[[1, 1, 50, 50, "cat"]])


@pytest.mark.parametrize("fuse", [True, False])
@pytest.mark.parametrize("between", [[], ["Blur"]], ids=["fused chain", "a pixel step between"])
def test_box_visibility_multiplies_across_chained_warps(fuse: bool, between: list[str]) -> None:
    # Each crop leaves 60% of the box (x 0..50 -> 20..50 of a 60-wide window, then 12..30 of a
    # 36-wide one): 36% is left in the end. A box filter reads the visibility through the whole
    # chain, whether the crops fuse into one warp or run apart (a Blur between them).
    steps = [al.CenterCrop(height=100, width=60),
             *[al.Blur(p=1.0) for _ in between],
             al.CenterCrop(height=100, width=36)]
    image = np.zeros((100, 100, 3), np.uint8)

    def kept(min_visibility: float) -> list[list[float]]:
        pipe = al.Compose(steps, bbox_params={"format": "pascal_voc",
                                              "min_visibility": min_visibility}, fuse=fuse)
        return pipe(image=image, bboxes=[[0, 0, 50, 50]], labels=[1], seed=0,
                    sample_id=0)["bboxes"].tolist()

    assert kept(0.5) == []  # 0.36 < 0.5, although each step alone left 0.6
    assert kept(0.35) == [[0.0, 0.0, 18.0, 50.0]]
    assert kept(0.37) == []


@pytest.mark.parametrize("ours", [{"bbox_format": "yolo"}, {"min_visibility": 0.3}, {"min_area": 10.0}])
def test_our_box_settings_and_bbox_params_that_disagree_are_refused(ours: dict) -> None:
    """Both spellings given with different values: one would be dropped without a word (boxes
    read in the wrong format), so neither is guessed."""
    with pytest.raises(InvalidConfig, match=r"disagree.*bbox_params"):
        al.Compose([SHIFT], bbox_params={"format": "coco"}, **ours)
    # the same values in both spellings are one setting, not a conflict
    same = {"bbox_format": "format", "min_visibility": "min_visibility", "min_area": "min_area"}
    key = next(iter(ours))
    params = {"format": "coco", same[key]: ours[key]}
    pipe = al.Compose([SHIFT], bbox_params=params, **ours)
    assert getattr(pipe, key) == ours[key]
    assert getattr(al.load_pipeline(pipe.to_yaml()), key) == ours[key]
