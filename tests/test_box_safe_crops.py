"""Box-safe crops: BBoxSafeRandomCrop and RandomSizedBBoxSafeCrop keep every box whole (after
whatever geometry came before them in the pipeline), CropNonEmptyMaskIfExists keeps part of an
object in every crop; fused and unfused runs agree."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import InvalidInput


@pytest.fixture(scope="module")
def scene() -> dict:
    photo = sample_photos(160)[0][1]
    mask = np.zeros(photo.shape[:2], np.uint8)
    boxes = [[20, 30, 60, 70], [100, 110, 140, 150], [70, 10, 90, 40]]
    for i, (x0, y0, x1, y1) in enumerate(boxes, start=1):
        mask[y0:y1, x0:x1] = i
    return {"image": photo, "mask": mask, "bboxes": boxes, "labels": ["a", "b", "c"]}


def test_every_box_stays_whole_and_the_crop_varies(scene: dict) -> None:
    pipe = al.Compose([al.BBoxSafeRandomCrop()], bbox_format="pascal_voc")
    sizes = set()
    for i in range(40):
        out = pipe(**scene, sample_id=i, seed=0)
        h, w = out["image"].shape[:2]
        sizes.add((h, w))
        assert out["labels"] == ["a", "b", "c"]
        got = np.asarray(out["bboxes"])
        assert np.allclose(got[:, 2:] - got[:, :2], [[40, 40], [40, 40], [20, 30]])
        assert (got[:, :2] >= 0).all() and (got[:, 2] <= w).all() and (got[:, 3] <= h).all()
        for k in (1, 2, 3):  # every object's pixels came along
            assert (out["mask"] == k).sum() == (scene["mask"] == k).sum()
    assert len(sizes) > 20


def test_boxes_moved_by_earlier_steps_are_the_ones_kept(scene: dict) -> None:
    # the rotation is pending in the fuser when the crop draws its window: it must be applied
    # first, or the window would be drawn around the boxes' old places
    steps = [al.Rotate(limit=(30, 30), p=1.0), al.BBoxSafeRandomCrop(), al.HorizontalFlip(p=1.0)]
    fused = al.Compose(steps, bbox_format="pascal_voc")
    plain = al.Compose(steps, bbox_format="pascal_voc", fuse=False)
    rotated = al.Compose(steps[:1], bbox_format="pascal_voc")
    for i in range(15):
        a = fused(**scene, sample_id=i, seed=1)
        b = plain(**scene, sample_id=i, seed=1)
        assert np.allclose(a["bboxes"], b["bboxes"], atol=1e-6)
        assert np.abs(a["image"].astype(int) - b["image"].astype(int)).max() <= 1
        assert np.array_equal(a["mask"], b["mask"])
        before = rotated(**scene, sample_id=i, seed=1)
        # whole: the sizes the rotated boxes had (the crop only cuts around them)
        sizes_before = np.diff(np.asarray(before["bboxes"]).reshape(-1, 2, 2), axis=1)
        sizes_after = np.diff(np.asarray(a["bboxes"]).reshape(-1, 2, 2), axis=1)
        assert len(a["bboxes"]) == len(before["bboxes"])
        assert np.allclose(sizes_before, sizes_after, atol=1e-6)


def test_erosion_allows_cutting_into_the_union(scene: dict) -> None:
    pipe = al.Compose([al.BBoxSafeRandomCrop(erosion_rate=0.8)], bbox_format="pascal_voc",
                      min_visibility=0.0)
    cut = 0
    for i in range(40):
        out = pipe(**scene, sample_id=i, seed=2)
        got = np.asarray(out["bboxes"]).reshape(-1, 4)
        cut += int(len(got) < 3 or not np.allclose(got[:, 2:] - got[:, :2],
                                                   [[40, 40], [40, 40], [20, 30]][:len(got)]))
    assert cut > 0


def test_without_boxes_a_window_of_the_images_aspect(scene: dict) -> None:
    t = al.Compose([al.BBoxSafeRandomCrop(erosion_rate=0.5)], seed=0)
    for i in range(10):
        h, w = t(image=scene["image"], sample_id=i)["image"].shape[:2]
        assert 80 <= h <= 160 and abs(w / h - 1.0) < 0.05


def test_random_sized_bbox_safe_crop_has_a_fixed_size_and_keeps_the_boxes(scene: dict) -> None:
    pipe = al.Compose([al.RandomSizedBBoxSafeCrop(64, 96)], bbox_format="pascal_voc")
    for i in range(20):
        out = pipe(**scene, sample_id=i, seed=3)
        assert out["image"].shape[:2] == (64, 96) and out["mask"].shape == (64, 96)
        got = np.asarray(out["bboxes"])
        assert len(got) == 3 and (got[:, :2] >= -1e-9).all()
        assert (got[:, 2] <= 96 + 1e-9).all() and (got[:, 3] <= 64 + 1e-9).all()
        for k, (x0, y0, x1, y1) in enumerate(np.rint(got).astype(int), start=1):
            assert (out["mask"][y0:y1, x0:x1] == k).mean() > 0.8  # the box frames its object


def test_crop_non_empty_mask_keeps_part_of_an_object_in_every_crop() -> None:
    image = np.zeros((200, 200), np.uint8)
    mask = np.zeros((200, 200), np.uint8)
    mask[185:195, 3:9] = 1  # a small object in a corner
    mask[10:20, 150:160] = 7  # an object to ignore
    t = al.Compose([al.CropNonEmptyMaskIfExists(32, 32, ignore_values=[7])], seed=0)
    for i in range(50):
        out = t(image=image, mask=mask, sample_id=i)
        assert out["image"].shape == (32, 32)
        assert (out["mask"] == 1).any() and not (out["mask"] == 7).any()
    empty = [t(image=image, mask=np.zeros_like(mask), sample_id=i).record.steps[-1].params
             for i in range(20)]
    assert len({(p["x"], p["y"]) for p in empty}) > 10  # anywhere when there is nothing to keep
    channels = np.zeros((200, 200, 2), np.uint8)
    channels[185:195, 3:9, 0] = 1
    channels[10:20, 150:160, 1] = 1
    t2 = al.Compose([al.CropNonEmptyMaskIfExists(32, 32, ignore_channels=[1])], seed=0)
    for i in range(20):
        assert t2(image=image, mask=channels, sample_id=i)["mask"][:, :, 0].any()
    with pytest.raises(InvalidInput, match="no mask to find objects in"):
        t(image=image)
