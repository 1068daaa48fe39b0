"""CopyPaste on real COCO-format masks: the coins of scikit-image's coins photo (the segmentation of
its own tutorial: Sobel edges, watershed, filled holes), written as a COCO folder with polygon
and RLE segmentations, read back by the dataset reader. Pasted objects must hide exactly what
they cover: every mask, box and keypoint of the objects already there is checked against the
masks of the pasted ones."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.data import augment_dataset
from augmentlab.datasets.formats import read_entry
from augmentlab.datasets.formats.coco import scan_coco
from augmentlab.errors import DataError, InvalidConfig, InvalidInput
from augmentlab.image.copy_paste import CopyPaste, InstanceBank
from augmentlab.image.segmentation import mask_polygons, rle_encode, segmentation_mask


def _coins() -> tuple[np.ndarray, np.ndarray]:
    from scipy import ndimage as ndi
    from skimage import data, filters, segmentation

    img = data.coins()
    markers = np.zeros_like(img)
    markers[img < 30], markers[img > 150] = 1, 2
    filled = ndi.binary_fill_holes(segmentation.watershed(filters.sobel(img), markers) - 1)
    labels, _ = ndi.label(filled)
    sizes = np.bincount(labels.ravel())
    labels[sizes[labels] < 200] = 0  # specks
    return img, labels


@pytest.fixture(scope="module")
def coins_coco(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two images (the photo's top and bottom halves, RGB), one annotation per coin."""
    root = tmp_path_factory.mktemp("coins")
    (root / "images").mkdir()
    (root / "annotations").mkdir()
    img, labels = _coins()
    images, anns = [], []
    # a third image with no annotation: it gets pasted coins too, with their annotations
    cv2.imwrite(str(root / "images" / "empty.png"), np.full((100, 120, 3), 40, np.uint8))
    images.append({"id": 9, "file_name": "empty.png", "height": 100, "width": 120})
    for i, rows in enumerate((slice(0, 152), slice(152, 303))):
        part, lab = np.dstack([img[rows]] * 3), labels[rows]
        name = f"coins_{i}.png"
        cv2.imwrite(str(root / "images" / name), part)
        images.append({"id": i + 1, "file_name": name, "height": part.shape[0], "width": part.shape[1]})
        for k, v in enumerate(v for v in np.unique(lab) if v):
            m = (lab == v).astype(np.uint8)
            ys, xs = np.nonzero(m)
            seg = rle_encode(m) if k % 2 else mask_polygons(m)  # both COCO encodings
            anns.append({"id": 100 * (i + 1) + k, "image_id": i + 1, "category_id": 1 + k % 2,
                         "iscrowd": 0, "segmentation": seg, "area": float(m.sum()),
                         "bbox": [float(xs.min()), float(ys.min()), float(np.ptp(xs) + 1),
                                  float(np.ptp(ys) + 1)]})
    data = {"images": images, "annotations": anns,
            "categories": [{"id": 1, "name": "coin"}, {"id": 2, "name": "other coin"}]}
    (root / "annotations" / "instances.json").write_text(json.dumps(data))
    return root


def _fields(root: Path, which: int = 0) -> dict:
    entries = [e for e in scan_coco(root, []) if "empty" not in e.rel]
    return read_entry(root, entries[which])


def _bank(root: Path) -> str:
    return str(root / "annotations" / "instances.json")


def test_the_bank_holds_every_coin_cut_out_by_its_mask(coins_coco: Path) -> None:
    bank = InstanceBank.from_coco(_bank(coins_coco), min_area=1)
    data = json.loads(Path(_bank(coins_coco)).read_text())
    assert len(bank) == len(data["annotations"]) >= 20
    for inst in bank.instances:
        ann = next(a for a in data["annotations"]
                   if f"#{a['id']}" == inst.label["pasted_from"][-len(f"#{a['id']}"):])
        assert inst.label["category_id"] == ann["category_id"]
        assert inst.mask.sum() == pytest.approx(ann["area"], rel=0.02)  # polygons round a little
        assert inst.image[inst.mask].mean() > inst.image[~inst.mask].mean()  # bright coins cut out


def test_pasted_coins_hide_exactly_what_they_cover(coins_coco: Path) -> None:
    fields = _fields(coins_coco)
    n = fields["mask"].shape[2]
    pipe = al.Compose([CopyPaste(bank=_bank(coins_coco), objects=(4, 6), scale=(1.2, 2.0), p=1.0)],
                      seed=0)
    checked_partial = checked_gone = 0
    for sid in range(6):
        out = pipe(sample_id=sid, **fields)
        masks = out["mask"]
        pasted = masks[:, :, n:] != 0
        assert pasted.shape[2] >= 1
        hidden = pasted.any(axis=2)
        # each coin already there keeps exactly its pixels not under a pasted coin
        np.testing.assert_array_equal(masks[:, :, :n] != 0, (fields["mask"] != 0) & ~hidden[..., None])
        # pixels outside the pasted coins are untouched; inside, they are the bank's coins
        np.testing.assert_array_equal(out["image"][~hidden], fields["image"][~hidden])
        assert out["image"][hidden].mean() > fields["image"][hidden].mean() - 1  # coins are bright
        boxes, labels = out["bboxes"].array, out["bboxes"].labels
        for row, label in zip(boxes, labels, strict=True):
            channel = label["mask_channel"] if isinstance(label, dict) else label
            ys, xs = np.nonzero(masks[:, :, channel])
            np.testing.assert_allclose(row, [xs.min(), ys.min(), xs.max() + 1 - xs.min(),
                                             ys.max() + 1 - ys.min()])  # coco: x, y, w, h
            if not isinstance(label, dict):
                before = fields["mask"][:, :, channel] != 0
                checked_partial += int((before & hidden).any())
        kept = {lab for lab in labels if not isinstance(lab, dict)}
        for c in range(n):
            left = masks[:, :, c].any()
            assert (c in kept) == bool(left), f"coin {c}: mask left {left}, box kept {c in kept}"
            checked_gone += int(not left)
        pasted_labels = [lab for lab in labels if isinstance(lab, dict)]
        assert [lab["mask_channel"] for lab in pasted_labels] == list(range(n, masks.shape[2]))
        assert all(lab["category_id"] in (1, 2) and "#" in lab["pasted_from"] for lab in pasted_labels)
    assert checked_partial >= 3  # the draws did hide parts of coins already there
    assert checked_gone >= 1  # and hid at least one coin entirely


def test_min_visibility_drops_coins_mostly_hidden(coins_coco: Path) -> None:
    fields = _fields(coins_coco)
    n = fields["mask"].shape[2]
    area = (fields["mask"] != 0).sum(axis=(0, 1))
    step = CopyPaste(bank=_bank(coins_coco), objects=5, scale=(1.5, 2.0), p=1.0)
    everything = al.Compose([step], seed=1)(sample_id=0, **fields)
    filtered = al.Compose([step], seed=1, min_visibility=0.6)(sample_id=0, **fields)
    left = (everything["mask"][:, :, :n] != 0).sum(axis=(0, 1))
    expect = {c for c in range(n) if left[c] >= 0.6 * area[c]}
    got = {lab for lab in filtered["bboxes"].labels if not isinstance(lab, dict)}
    assert got == expect and len(expect) < n


def test_keypoints_under_a_pasted_coin_go(coins_coco: Path) -> None:
    fields = _fields(coins_coco)
    h, w = fields["image"].shape[:2]
    grid = np.stack(np.meshgrid(np.arange(2, w, 6), np.arange(2, h, 6)), -1).reshape(-1, 2)
    pipe = al.Compose([CopyPaste(bank=_bank(coins_coco), objects=4, p=1.0)], seed=2)
    out = pipe(sample_id=0, keypoints=al.KeyPoints(grid, labels=list(range(len(grid)))), **fields)
    hidden = (out["mask"][:, :, fields["mask"].shape[2]:] != 0).any(axis=2)
    kept = set(out["keypoints"].labels)
    for i, (x, y) in enumerate(grid):
        assert (i in kept) == (not hidden[y, x])


def test_copy_paste_replays_byte_for_byte_and_saves_with_a_path_bank(coins_coco: Path) -> None:
    fields = _fields(coins_coco)
    pipe = al.Compose([al.HorizontalFlip(), CopyPaste(bank=_bank(coins_coco), p=1.0),
                       al.RandomCrop(height=120, width=120)], seed=4)
    a = pipe(sample_id=3, **fields)
    b = pipe.replay(a.record, **fields)
    assert a["image"].tobytes() == b["image"].tobytes() and a["mask"].tobytes() == b["mask"].tobytes()
    assert a["bboxes"].array.tobytes() == b["bboxes"].array.tobytes()
    again = al.load_pipeline(al.dump_pipeline(pipe))
    c = again(sample_id=3, **fields)
    assert c["image"].tobytes() == a["image"].tobytes()
    other = pipe(sample_id=4, **fields)
    assert other["image"].tobytes() != a["image"].tobytes()


def test_a_class_mask_takes_the_pasted_class_and_a_grey_image_grey_coins(coins_coco: Path) -> None:
    img = np.zeros((64, 64), np.uint8)
    out = al.Compose([CopyPaste(bank=_bank(coins_coco), objects=2, p=1.0)], seed=0)(
        image=img, mask=np.zeros((64, 64), np.uint8), sample_id=0)
    assert set(np.unique(out["mask"])) <= {0, 1, 2} and out["mask"].any()
    assert out["image"].ndim == 2 and (out["image"][out["mask"] > 0] > 0).mean() > 0.9


def test_wrong_calls_are_refused_with_the_reason(coins_coco: Path, tmp_path: Path) -> None:
    fields = _fields(coins_coco)
    step = CopyPaste(bank=_bank(coins_coco), p=1.0)
    with pytest.raises(InvalidInput, match="instance masks"):
        al.Compose([step])(image=fields["image"], bboxes=fields["bboxes"])
    with pytest.raises(InvalidInput, match="labels"):
        al.Compose([step], bbox_format="coco")(image=fields["image"], mask=fields["mask"],
                                               bboxes=fields["bboxes"].array)
    rot = al.BBoxes([[30, 30, 20, 10, 15]], format="obb", labels=[0])
    with pytest.raises(InvalidInput, match="rotated"):
        al.Compose([step])(image=fields["image"], mask=fields["mask"][:, :, :1], bboxes=rot)
    arrays = al.dump_pipeline(al.Compose([CopyPaste(bank=InstanceBank.from_coco(_bank(coins_coco)))]))
    with pytest.raises(InvalidConfig, match="give the path of a COCO file"):
        al.load_pipeline(arrays)
    with pytest.raises(InvalidConfig, match="objects"):
        CopyPaste(bank=_bank(coins_coco), objects=0)
    bad = tmp_path / "bad.json"
    bad.write_text('{"images": [{"id": 1, "file_name": "../../etc/passwd"}], '
                   '"annotations": [{"id": 1, "image_id": 1, "segmentation": [[0, 0, 5, 0, 5, 5]]}]}')
    with pytest.raises(DataError, match="contains '..'"):
        CopyPaste(bank=str(bad))
    bad.write_text('{"images": [], "annotations": [],}')
    with pytest.raises(DataError, match="bad.json:1: not valid JSON"):
        CopyPaste(bank=str(bad))


def test_the_dataset_command_pastes_coins_into_a_coco_folder(coins_coco: Path, tmp_path: Path) -> None:
    pipe = al.Compose([CopyPaste(bank=_bank(coins_coco), objects=(2, 3), p=1.0)])
    result = augment_dataset(coins_coco, tmp_path / "out", pipe, copies=2, seed=5, quiet=True)
    assert result.written == 6 and result.errors == 0
    again = augment_dataset(coins_coco, tmp_path / "two", pipe, copies=2, seed=5, workers=2, quiet=True)
    assert again.written == 6
    out_json = (tmp_path / "out" / "annotations" / "instances.json").read_bytes()
    assert out_json == (tmp_path / "two" / "annotations" / "instances.json").read_bytes()
    data = json.loads(out_json)
    source = json.loads(Path(_bank(coins_coco)).read_text())
    new_images = [im for im in data["images"] if im["id"] not in {s["id"] for s in source["images"]}]
    assert len(new_images) == 6
    pasted = [a for a in data["annotations"] if a.get("pasted_from")]
    assert len(pasted) >= 12 and all(a["category_id"] in (1, 2) for a in pasted)
    empty_ids = {im["id"] for im in new_images if im["file_name"].startswith("empty")}
    assert len(empty_ids) == 2 and all(  # the image with no objects now has the pasted ones
        any(a["image_id"] == i for a in pasted) for i in empty_ids)
    ids = [a["id"] for a in data["annotations"]]
    assert len(ids) == len(set(ids))
    for im in new_images:  # every annotation's mask lies inside its box, no two masks overlap
        path = tmp_path / "out" / "images" / im["file_name"]
        h, w = cv2.imread(str(path)).shape[:2]
        taken = np.zeros((h, w), bool)
        for a in (a for a in data["annotations"] if a["image_id"] == im["id"]):
            m = segmentation_mask(a["segmentation"], h, w, "t") > 0
            x, y, bw, bh = a["bbox"]
            ys, xs = np.nonzero(m)
            assert xs.min() >= x - 1 and xs.max() <= x + bw and ys.min() >= y - 1 and ys.max() <= y + bh
            assert (taken & m).sum() <= 0.05 * m.sum()  # polygons traced back overlap at edges only
            taken |= m


def test_augmentlab_augment_runs_a_copy_paste_pipeline_file(coins_coco: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(coins_coco.parent)  # the bank's path in the file, from where it runs
    pipe = tmp_path / "copy-paste.yaml"
    pipe.write_text("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n"
                    f"  - {{name: CopyPaste, bank: {coins_coco.name}/annotations/instances.json, "
                    "objects: [1, 3], p: 1.0}\n")
    assert main(["augment", coins_coco.name, str(tmp_path / "out"), "--pipeline", str(pipe),
                 "--quiet"]) == 0
    data = json.loads((tmp_path / "out" / "annotations" / "instances.json").read_text())
    assert any(a.get("pasted_from") for a in data["annotations"])


def test_the_shared_contract_on_real_coco_fields(coins_coco: Path) -> None:
    """What tests/test_invariants.py checks for every other transform (CopyPaste needs instance
    masks, which its shared inputs do not have): inputs never mutated, the same bytes for the
    same seed from a fresh pipeline, replay after a JSON round trip of the record, p=0 is the
    identity, params are JSON-native as claimed."""
    fields = _fields(coins_coco)
    before = {k: v.copy() for k, v in fields.items() if isinstance(v, np.ndarray)}
    boxes = fields["bboxes"].array.copy()

    def pipe() -> al.Compose:
        return al.Compose([al.CopyPaste(bank=_bank(coins_coco), p=0.7)], seed=11)

    for sid in range(3):
        out = pipe()(sample_id=sid, copy=1, **fields)
        again = pipe()(sample_id=sid, copy=1, **fields)
        record = al.Record.from_json(out.record.to_json())
        replayed = pipe().replay(record, **fields)
        for other in (again, replayed):
            assert out["image"].tobytes() == other["image"].tobytes()
            assert out["mask"].tobytes() == other["mask"].tobytes()
            assert out["bboxes"].array.tobytes() == other["bboxes"].array.tobytes()
            assert out["bboxes"].labels == other["bboxes"].labels
        assert json.loads(json.dumps(out.record.to_json())) == out.record.to_json()
    for key, value in before.items():
        assert np.array_equal(fields[key], value), key
    assert np.array_equal(fields["bboxes"].array, boxes)
    off = al.Compose([al.CopyPaste(bank=_bank(coins_coco), p=0.0)], seed=1)(sample_id=0, **fields)
    assert off["image"].tobytes() == fields["image"].tobytes()
    assert off["mask"].tobytes() == fields["mask"].tobytes()


@pytest.mark.parametrize(("bank_dtype", "image_dtype", "channels"), [
    ("float32", "uint8", 3), ("uint8", "float32", 3), ("float32", "float32", 1), ("uint8", "uint8", 4),
])
def test_objects_take_the_image_dtype_and_channels(bank_dtype: str, image_dtype: str,
                                                  channels: int) -> None:
    """A float bank on a uint8 image gave 0.9/255 -> 0 (divided by 255 once too often)."""
    obj = np.zeros((40, 40, 3), np.float32)
    obj[5:30, 5:30] = (0.9, 0.6, 0.3)
    if bank_dtype == "uint8":
        obj = np.rint(obj * 255).astype(np.uint8)
    m = np.zeros((40, 40, 1), np.uint8)
    m[5:30, 5:30] = 1
    bank = InstanceBank.from_arrays([obj], [m], [["thing"]])
    scale = 255 if image_dtype == "uint8" else 1.0
    img = np.zeros((64, 80, channels), image_dtype)
    out = al.Compose([CopyPaste(bank=bank, objects=1, scale=1.0, flip=False, p=1.0)], seed=0)(
        image=img, mask=np.zeros((64, 80, 0), np.uint8), bboxes=al.BBoxes([], labels=[]),
        sample_id=0)
    pasted = out["image"][out["mask"][..., 0] > 0]
    assert out["image"].dtype == np.dtype(image_dtype) and len(pasted) == 25 * 25
    expected = {1: [0.9 * 0.299 + 0.6 * 0.587 + 0.3 * 0.114], 3: [0.9, 0.6, 0.3],
                4: [0.9, 0.6, 0.3, 1.0]}[channels]
    np.testing.assert_allclose(pasted.astype(float) / scale,
                               np.broadcast_to(expected, pasted.shape), atol=2 / 255)


def test_a_bank_of_another_dtype_is_refused() -> None:
    m = np.ones((4, 4, 1), np.uint8)
    with pytest.raises(InvalidConfig, match="uint16"):
        InstanceBank.from_arrays([np.zeros((4, 4, 3), np.uint16)], [m], [["x"]])


@pytest.mark.parametrize(("segmentation", "words"), [
    ([[1, 2, 3]], "polygon 0 has 3 numbers"),
    ([[0, 0, 5, 0, 5, float("nan")]], "not finite"),
    ({"counts": "garbage!!", "size": [8, 8]}, "cannot be decoded"),
    ({"counts": [1, 2], "size": [8, 8]}, "add up to 3 pixels"),
    ("x", "a list of polygons"),
])
def test_a_malformed_segmentation_is_named_in_the_bank_and_in_augment(
        tmp_path: Path, segmentation: object, words: str) -> None:
    root = tmp_path / "coco"
    (root / "images").mkdir(parents=True)
    for name in ("a.png", "b.png"):  # b: no annotation, written; a: named in errors.jsonl
        cv2.imwrite(str(root / "images" / name), np.zeros((8, 8, 3), np.uint8))
    (root / "annotations").mkdir()
    data = {"images": [{"id": 1, "file_name": "a.png", "height": 8, "width": 8},
                       {"id": 2, "file_name": "b.png", "height": 8, "width": 8}],
            "categories": [{"id": 1, "name": "c"}],
            "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 4, 4],
                             "segmentation": segmentation}]}
    path = root / "annotations" / "instances.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match=f"annotation id 7: .*{words}"):
        CopyPaste(bank=str(path))
    result = augment_dataset(root, tmp_path / "out", al.Compose([al.HorizontalFlip()]), quiet=True)
    errors = (tmp_path / "out" / "errors.jsonl").read_text()
    assert result.written == 1 and result.errors == 1 and "annotation id 7" in errors
