"""COCO datasets through `augmentlab augment`: boxes, keypoints and segmentation move with the
image (checked against the transformed polygon itself), ids stay unique, bad names are refused."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import DataError
from augmentlab.image.segmentation import rle_decode as _rle_decode
from augmentlab.image.segmentation import rle_encode as _rle_encode

# a triangle and a rectangle: their boxes, and keypoints on pixels inside them
TRIANGLE = [20.0, 10.0, 60.0, 10.0, 20.0, 50.0]
RECT = [70.0, 30.0, 110.0, 30.0, 110.0, 70.0, 70.0, 70.0]


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def coco_dir(tmp_path: Path) -> Path:
    root = tmp_path / "coco"
    (root / "images").mkdir(parents=True)
    (root / "annotations").mkdir()
    photos = sample_photos(128)
    images, anns = [], []
    for i, (name, photo) in enumerate(photos[:2]):
        img = np.ascontiguousarray(photo[:96])  # non-square: 128 wide, 96 high
        cv2.imwrite(str(root / "images" / f"{name}.jpg"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        images.append({"id": 10 + i, "file_name": f"{name}.jpg", "width": 128, "height": 96,
                       "license": 1})
        anns.append({"id": 100 + 2 * i, "image_id": 10 + i, "category_id": 1, "iscrowd": 0,
                     "segmentation": [TRIANGLE], "bbox": [20, 10, 41, 41], "area": 800.0,
                     "keypoints": [30, 20, 2, 0, 0, 0, 25, 40, 1], "num_keypoints": 2})
        anns.append({"id": 101 + 2 * i, "image_id": 10 + i, "category_id": 2, "iscrowd": 0,
                     "segmentation": [RECT], "bbox": [70, 30, 41, 41], "area": 1600.0,
                     "attributes": {"occluded": False}})
    images.append({"id": 99, "file_name": "../outside.jpg", "width": 10, "height": 10})
    images.append({"id": 98, "file_name": "/etc/hostname", "width": 10, "height": 10})
    anns.append({"id": 500, "image_id": 1234, "category_id": 1, "bbox": [0, 0, 1, 1]})
    data = {"info": {"description": "test"}, "licenses": [{"id": 1, "name": "cc"}],
            "categories": [{"id": 1, "name": "tri", "keypoints": ["a", "b", "c"]},
                           {"id": 2, "name": "rect"}],
            "images": images, "annotations": anns}
    (root / "annotations" / "instances.json").write_text(json.dumps(data))
    return root


def _poly_mask(poly: list[float], h: int, w: int) -> np.ndarray:
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(np.asarray(poly).reshape(-1, 2)).astype(np.int32)], 1)
    return mask


def test_coco_annotations_move_with_the_image(coco_dir: Path, tmp_path: Path) -> None:
    before = _tree(coco_dir)
    pipe = al.Compose([al.Affine(rotate=(-20, 20), scale=(0.9, 1.1), p=1.0), al.HorizontalFlip(p=1.0),
                       al.BrightnessContrast()])
    one = augment_dataset(coco_dir, tmp_path / "one", pipe, copies=3, seed=2, quiet=True)
    augment_dataset(coco_dir, tmp_path / "two", pipe, copies=3, seed=2, workers=2, quiet=True)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert _tree(coco_dir) == before
    assert one.written == 6 and one.errors == 3  # '..', an absolute name, an orphan annotation
    errors = (tmp_path / "one" / "errors.jsonl").read_text()
    assert "'../outside.jpg' is absolute, empty or contains '..'" in errors
    assert "'/etc/hostname' is absolute" in errors
    assert "image_id 1234 that is not in 'images'" in errors

    out = json.loads((tmp_path / "one" / "annotations" / "instances.json").read_text())
    assert out["categories"][0]["keypoints"] == ["a", "b", "c"] and out["info"] == {"description": "test"}
    assert len(out["images"]) == 6
    ids = [a["id"] for a in out["annotations"]]
    assert len(set(ids)) == len(ids) and min(ids) > 500
    by_id = {img["id"]: img for img in out["images"]}
    assert min(by_id) > 99 and all((tmp_path / "one" / "images" / i["file_name"]).is_file()
                                   for i in out["images"])
    checked = 0
    for ann in out["annotations"]:
        img = by_id[ann["image_id"]]
        h, w = img["height"], img["width"]
        mask = np.zeros((h, w), np.uint8)
        for poly in ann["segmentation"]:
            mask |= _poly_mask(poly, h, w)
        ys, xs = np.nonzero(mask)
        x, y, bw, bh = ann["bbox"]
        # the box is the box of the transformed object (within the polygon tracing's pixel)
        assert abs(x - xs.min()) <= 1.5 and abs(y - ys.min()) <= 1.5
        assert abs(x + bw - xs.max() - 1) <= 1.5 and abs(y + bh - ys.max() - 1) <= 1.5
        assert abs(ann["area"] - mask.sum()) <= 0.1 * mask.sum()
        if ann["category_id"] == 1:
            kps = np.asarray(ann["keypoints"]).reshape(-1, 3)
            assert kps[1].tolist() == [0, 0, 0] and kps[0, 2] == 2 and kps[2, 2] == 1
            for px, py, v in kps:
                if v > 0:  # still on its object
                    assert mask[int(round(py)), int(round(px))] == 1
                    checked += 1
        else:
            assert ann["attributes"] == {"occluded": False}  # other fields kept
    assert checked == 12
    assert verify_output(tmp_path / "one") == []


def test_coco_flip_is_exact_and_originals_keep_their_ids(coco_dir: Path, tmp_path: Path) -> None:
    flip = al.Compose([al.HorizontalFlip(p=1.0)])
    augment_dataset(coco_dir, tmp_path / "out", flip, include_originals=True, quiet=True)
    out = json.loads((tmp_path / "out" / "annotations" / "instances.json").read_text())
    assert [i["id"] for i in out["images"]][:1] == [10] and len(out["images"]) == 4
    flipped = [a for a in out["annotations"] if a["id"] > 500 and a["category_id"] == 2]
    assert flipped[0]["bbox"] == [17.0, 30.0, 41.0, 41.0]  # 128 - (70 + 41) = 17
    tri = [a for a in out["annotations"] if a["id"] > 500 and a["category_id"] == 1][0]
    assert tri["keypoints"][:3] == [97.0, 20.0, 2]  # 127 - 30
    originals = [a for a in out["annotations"] if a["id"] in (100, 101)]
    assert originals[0]["bbox"] == [20, 10, 41, 41]


def test_coco_crowd_rle_round_trip_and_bad_annotations(coco_dir: Path, tmp_path: Path) -> None:
    mask = np.zeros((7, 5), np.uint8)
    mask[2:5, 1:3] = 1
    assert np.array_equal(_rle_decode(_rle_encode(mask), 7, 5), mask)
    assert _rle_encode(mask)["counts"] == [9, 3, 4, 3, 16]  # column-major runs, zeros first
    # COCO's compressed string form (pycocotools' rleToString worked by hand): deltas from the
    # 3rd run on, 5-bit groups + 48; "G" is the delta -9 (a negative group)
    for text, counts, size in (("9340<", [9, 3, 4, 3, 16], [7, 5]), ("2:3G", [2, 10, 3, 1], [4, 4])):
        assert np.array_equal(_rle_decode({"counts": text, "size": size}, *size),
                              _rle_decode({"counts": counts, "size": size}, *size))
    path = coco_dir / "annotations" / "instances.json"
    data = json.loads(path.read_text())
    data["images"], data["annotations"] = data["images"][:2], data["annotations"][:4]
    data["images"][1]["width"] = 100  # says 100 wide, the file is 128
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"says 100x96 for this image, the file is 128x96"):
        augment_dataset(coco_dir, tmp_path / "size", al.Compose([al.HorizontalFlip(p=1.0)]),
                        strict=True, quiet=True)
    data["images"][1]["width"] = 128
    crowd = np.zeros((96, 128), np.uint8)
    crowd[60:90, 5:45] = 1
    data["annotations"].append({"id": 7, "image_id": 10, "category_id": 2, "iscrowd": 1,
                                "segmentation": _rle_encode(crowd), "bbox": [5, 60, 40, 30]})
    path.write_text(json.dumps(data))
    augment_dataset(coco_dir, tmp_path / "flip", al.Compose([al.VerticalFlip(p=1.0)]), quiet=True)
    out = json.loads((tmp_path / "flip" / "annotations" / "instances.json").read_text())
    (ann,) = [a for a in out["annotations"] if a["iscrowd"] == 1]
    assert np.array_equal(_rle_decode(ann["segmentation"], 96, 128), crowd[::-1])
    assert ann["bbox"] == [5.0, 6.0, 40.0, 30.0] and ann["area"] == 1200.0
    data["annotations"][0]["bbox"] = [120, 10, 41, 41]  # leaves the 128-wide image
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"annotation id 100: bbox .* outside the 128x96 image"):
        augment_dataset(coco_dir, tmp_path / "strict", al.Compose([al.HorizontalFlip(p=1.0)]),
                        strict=True, quiet=True)
    path.write_text('{"images": [\n  {"id": 1,}\n]}')
    with pytest.raises(DataError, match=r"annotations/instances.json:2: not valid JSON"):
        augment_dataset(coco_dir, tmp_path / "bad", al.Compose([al.HorizontalFlip(p=1.0)]), quiet=True)


def test_show_draws_a_coco_image_with_its_annotations(coco_dir: Path, tmp_path: Path) -> None:
    from augmentlab.data import show_grid

    grid = show_grid(al.Compose([al.HorizontalFlip(p=1.0)]), coco_dir / "images" / "astronaut.jpg",
                     tmp_path / "grid.png", n=1)
    cells = cv2.cvtColor(cv2.imread(str(grid)), cv2.COLOR_BGR2RGB)
    first = cells[2:98, 2:130]
    assert (first[20, 30] == [0, 0, 255]).all()  # keypoint a of the triangle
    assert (first[50, 70] == [0, 255, 0]).all()  # the rectangle's box edge
    assert first[50, 90, 0] > first[50, 90, 2] + 40  # inside the rectangle: tinted red
