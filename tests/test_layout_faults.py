"""Dataset layouts on disk, faults found in the issue: EXIF orientation, the decompression-bomb
message, COCO categories, files carried along with a dataset (YOLO ``data.yaml``, class lists),
and symbolic links to folders."""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

import augmentlab as al
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets.formats import carried_files
from augmentlab.errors import DataError
from augmentlab.image.io import read_image as read_image_checked

FLIP = al.Compose([al.HorizontalFlip(p=1.0)])
RED, BLUE, GRAY = (220, 30, 30), (30, 30, 220), (128, 128, 128)


def _shown() -> np.ndarray:
    """A 40x24 picture as it is displayed: a red patch top left (rows 2..9, columns 4..15), a blue
    one bottom right, so that any turn or mirror shows."""
    img = np.full((24, 40, 3), GRAY, np.uint8)
    img[2:10, 4:16] = RED
    img[16:22, 28:38] = BLUE
    return img


def _save_turned(path: Path, shown: np.ndarray, orientation: int = 6, **kwargs: object) -> None:
    """Save `shown` as a camera would: pixels stored turned, an EXIF Orientation tag that turns
    them back (6: the viewer rotates the stored pixels 90 degrees clockwise)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = {1: shown, 6: np.rot90(shown, 1)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(np.ascontiguousarray(stored)).save(path, exif=exif, **kwargs)  # type: ignore[arg-type]


def _errors(out: Path) -> list[dict[str, str]]:
    return [json.loads(t) for t in (out / "errors.jsonl").read_text().splitlines()]


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to JPEG's loss (an encoding or two, with chroma subsampling); a turned or mirrored
    picture is far off (its patches fall on gray)."""
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < 8


# -- 1. EXIF orientation --------------------------------------------------------------------------
def test_exif_orientation_is_applied_when_an_image_is_read(tmp_path: Path) -> None:
    shown = _shown()
    _save_turned(tmp_path / "a.jpg", shown, quality=95)
    assert _close(read_image_checked(tmp_path / "a.jpg"), shown)
    # a mask read in grayscale is turned the same way
    gray = read_image_checked(tmp_path / "a.jpg", grayscale=True)
    assert _close(gray, cv2.cvtColor(shown, cv2.COLOR_RGB2GRAY))
    # all eight orientations as Pillow (every viewer) applies them; PNG keeps the pixels exact,
    # and alpha, grayscale and 16-bit images stay as they are
    rng = np.random.default_rng(0)
    stored_arrays = {"RGB": rng.integers(0, 256, (5, 7, 3), dtype=np.uint8),
                     "RGBA": rng.integers(0, 256, (5, 7, 4), dtype=np.uint8),
                     "L": rng.integers(0, 256, (5, 7), dtype=np.uint8),
                     "I;16": rng.integers(0, 65536, (5, 7), dtype=np.uint16)}
    for mode, stored in stored_arrays.items():
        for orientation in range(1, 9):
            path = tmp_path / f"{mode.replace(';', '')}_{orientation}.png"
            exif = Image.Exif()
            exif[0x0112] = orientation
            Image.fromarray(stored).save(path, exif=exif)
            with Image.open(path) as im:
                expected = np.asarray(ImageOps.exif_transpose(im))
            got = read_image_checked(path)
            assert got.dtype == stored.dtype and np.array_equal(got, expected), (mode, orientation)
            assert got.flags.c_contiguous


def test_images_without_a_turn_read_exactly_as_before(tmp_path: Path) -> None:
    """What OpenCV decodes, unchanged, for every image that has no turn to apply (and for TIFF,
    whose decoder applies the orientation tag itself)."""
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (6, 9, 3), dtype=np.uint8)
    cases = {"plain.jpg": (rgb, {}), "plain.png": (rgb, {}), "plain.webp": (rgb, {"lossless": True}),
             "rgba.png": (rng.integers(0, 256, (6, 9, 4), dtype=np.uint8), {}),
             "gray16.png": (rng.integers(0, 65536, (6, 9), dtype=np.uint16), {})}
    for name, (arr, kwargs) in cases.items():
        Image.fromarray(arr).save(tmp_path / name, **kwargs)  # type: ignore[arg-type]
    _save_turned(tmp_path / "upright.jpg", _shown(), orientation=1)  # an EXIF tag that says "as stored"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(rgb).save(tmp_path / "turned.tiff", exif=exif)
    for path in sorted(tmp_path.iterdir()):
        raw = cv2.imdecode(np.fromfile(str(path), np.uint8), cv2.IMREAD_UNCHANGED)
        if raw.ndim == 3:
            raw = cv2.cvtColor(raw, cv2.COLOR_BGRA2RGBA if raw.shape[2] == 4 else cv2.COLOR_BGR2RGB)
        got = read_image_checked(path)
        assert got.dtype == raw.dtype and np.array_equal(got, raw), path.name
        gray = cv2.imdecode(np.fromfile(str(path), np.uint8), cv2.IMREAD_GRAYSCALE)
        assert np.array_equal(read_image_checked(path, grayscale=True), gray), path.name


def test_a_turned_jpeg_in_coco_is_read_and_written_upright(tmp_path: Path) -> None:
    root = tmp_path / "coco"
    _save_turned(root / "images" / "a.jpg", _shown(), quality=95)
    data = {"categories": [{"id": 1, "name": "red"}],
            "images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 24}],  # as displayed
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [4, 2, 12, 8],
                             "area": 96, "iscrowd": 0}]}
    (root / "instances.json").write_text(json.dumps(data))
    summary = augment_dataset(root, tmp_path / "out", FLIP, include_originals=True, quiet=True)
    assert summary.errors == 0 and summary.written == 2
    out = tmp_path / "out"
    # the augmented copy is written upright, without an orientation tag to turn it again
    with Image.open(out / "images" / "a_aug1.jpg") as im:
        assert im.size == (40, 24) and im.getexif().get(0x0112) is None
        assert _close(np.asarray(im.convert("RGB")), _shown()[:, ::-1])
    # the original is copied byte for byte: it keeps its tag, so a viewer shows it upright too
    original = out / "images" / "a.jpg"
    assert original.read_bytes() == (root / "images" / "a.jpg").read_bytes()
    with Image.open(original) as im:
        assert im.getexif().get(0x0112) == 6 and ImageOps.exif_transpose(im).size == (40, 24)
    coco = json.loads((out / "instances.json").read_text())
    (new,) = [a for a in coco["annotations"] if a["id"] != 1]
    assert new["bbox"] == [24.0, 2.0, 12.0, 8.0]  # 40 - (4 + 12): flipped in displayed coordinates
    assert verify_output(out) == []
    # an annotation made on the pixels as stored (not as displayed) is refused, saying why
    data["images"][0].update(width=24, height=40)
    (root / "instances.json").write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"says 24x40 .* the file is 40x24.*EXIF orientation"):
        augment_dataset(root, tmp_path / "stored", FLIP, strict=True, quiet=True)


def test_turned_images_use_displayed_coordinates_in_yolo_voc_and_masks(tmp_path: Path) -> None:
    shown = _shown()
    red = np.zeros(shown.shape[:2], np.uint8)
    red[2:10, 4:16] = 1
    # YOLO: normalised box of the red patch, in displayed coordinates
    yolo = tmp_path / "yolo"
    _save_turned(yolo / "images" / "a.jpg", shown, quality=95)
    (yolo / "labels").mkdir()
    (yolo / "labels" / "a.txt").write_text("0 0.250000 0.250000 0.300000 0.333333\n")
    augment_dataset(yolo, tmp_path / "yolo_out", FLIP, quiet=True)
    with Image.open(tmp_path / "yolo_out" / "images" / "a_aug1.jpg") as im:
        assert im.size == (40, 24)
        out_img = np.asarray(im.convert("RGB"))
    cls, cx, cy, w, h = (tmp_path / "yolo_out" / "labels" / "a_aug1.txt").read_text().split()
    assert np.allclose([float(cx), float(cy), float(w), float(h)], [0.75, 0.25, 0.3, 0.333333], atol=1e-5)
    assert _close(out_img[3:9, 25:35], np.full((6, 10, 3), RED, np.uint8))  # the box is on the patch
    # VOC: pixel boxes in displayed coordinates; a size written for the pixels as stored is refused
    voc = tmp_path / "voc"
    _save_turned(voc / "JPEGImages" / "a.jpg", shown, quality=95)
    (voc / "Annotations").mkdir()
    xml = ("<annotation><filename>a.jpg</filename><size><width>{w}</width><height>{h}</height>"
           "<depth>3</depth></size><object><name>red</name><bndbox><xmin>4</xmin><ymin>2</ymin>"
           "<xmax>16</xmax><ymax>10</ymax></bndbox></object></annotation>")
    (voc / "Annotations" / "a.xml").write_text(xml.format(w=40, h=24))
    augment_dataset(voc, tmp_path / "voc_out", FLIP, quiet=True)
    text = (tmp_path / "voc_out" / "Annotations" / "a_aug1.xml").read_text()
    assert "<xmin>24.0</xmin>" in text and "<xmax>36.0</xmax>" in text and "<width>40</width>" in text
    assert verify_output(tmp_path / "voc_out") == []
    (voc / "Annotations" / "a.xml").write_text(xml.format(w=24, h=40))
    with pytest.raises(DataError, match=r"a.xml says 24x40 .* displayed as 40x24.*EXIF orientation"):
        augment_dataset(voc, tmp_path / "voc_stored", FLIP, strict=True, quiet=True)
    # masks: a mask without a tag, the size of the displayed image, pairs with the turned photo
    seg = tmp_path / "seg"
    _save_turned(seg / "images" / "a.jpg", shown, quality=95)
    (seg / "masks").mkdir()
    cv2.imwrite(str(seg / "masks" / "a.png"), red)
    summary = augment_dataset(seg, tmp_path / "seg_out", FLIP, quiet=True)
    assert summary.errors == 0
    mask = cv2.imread(str(tmp_path / "seg_out" / "masks" / "a_aug1.png"), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(mask, red[:, ::-1])


# -- 2. the decompression-bomb message ------------------------------------------------------------
def _png_declaring(path: Path, width: int, height: int) -> None:
    """A real 1x1 PNG whose header (IHDR) declares `width` x `height`: a tiny file, a huge image."""
    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    assert data[12:16] == b"IHDR"
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    path.write_bytes(bytes(data))


def test_a_decompression_bomb_is_reported_with_its_declared_size(tmp_path: Path) -> None:
    _png_declaring(tmp_path / "bomb.png", 70_000, 30_000)  # over Pillow's own hard limit
    with pytest.raises(DataError, match=r"bomb.png: 70000x30000 \(width x height\) = 2100000000 pixels"):
        read_image_checked(tmp_path / "bomb.png")
    _png_declaring(tmp_path / "big.png", 20, 10)  # under Pillow's limit, over the one given
    with pytest.raises(DataError, match=r"20x10 \(width x height\) = 200 pixels is over the limit of 100"):
        read_image_checked(tmp_path / "big.png", max_pixels=100)
    # in a run: one line in errors.jsonl, the other images written
    (tmp_path / "in").mkdir()
    os.replace(tmp_path / "bomb.png", tmp_path / "in" / "bomb.png")
    Image.fromarray(_shown()).save(tmp_path / "in" / "ok.png")
    summary = augment_dataset(tmp_path / "in", tmp_path / "out", FLIP, quiet=True)
    (line,) = _errors(tmp_path / "out")
    assert summary.written == 1 and line["file"] == "bomb.png" and "70000x30000" in line["error"]


# -- 3. COCO categories ---------------------------------------------------------------------------
def _coco(root: Path, **top: object) -> dict[str, object]:
    (root / "images").mkdir(parents=True)
    for name in ("a", "b"):
        Image.fromarray(_shown()).save(root / "images" / f"{name}.jpg", quality=95)
    data = {**top,
            "images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 24},
                       {"id": 2, "file_name": "b.jpg", "width": 40, "height": 24}],
            "annotations": [{"id": 11, "image_id": 1, "category_id": 1, "bbox": [4, 2, 12, 8]},
                            {"id": 12, "image_id": 1, "category_id": 9, "bbox": [28, 16, 10, 6]},
                            {"id": 21, "image_id": 2, "category_id": 2, "bbox": [4, 2, 12, 8]}]}
    (root / "annotations").mkdir()
    (root / "annotations" / "train.json").write_text(json.dumps(data))
    return data


def test_coco_output_keeps_categories_info_and_licenses(tmp_path: Path) -> None:
    top = {"info": {"description": "faults"}, "licenses": [{"id": 1, "name": "cc-by"}],
           "categories": [{"id": 1, "name": "red", "supercategory": "patch"},
                          {"id": 2, "name": "blue"}, {"id": 9, "name": "gray"}]}
    _coco(tmp_path / "coco", **top)
    augment_dataset(tmp_path / "coco", tmp_path / "out", FLIP, quiet=True)
    out = json.loads((tmp_path / "out" / "annotations" / "train.json").read_text())
    assert {k: out[k] for k in top} == top and len(out["images"]) == 2
    assert verify_output(tmp_path / "out") == []


def test_coco_dangling_category_id_skips_the_image_with_an_error_line(tmp_path: Path) -> None:
    _coco(tmp_path / "coco", categories=[{"id": 1, "name": "red"}, {"id": 2, "name": "blue"}])
    summary = augment_dataset(tmp_path / "coco", tmp_path / "out", FLIP, quiet=True)
    (line,) = _errors(tmp_path / "out")
    assert line["file"] == "images/a.jpg" and summary.written == 1
    assert "annotations/train.json: annotation id 12 has category_id 9" in line["error"]
    assert "not in 'categories'" in line["error"]
    out = json.loads((tmp_path / "out" / "annotations" / "train.json").read_text())
    assert [i["file_name"] for i in out["images"]] == ["b_aug1.jpg"]
    assert verify_output(tmp_path / "out") == []
    with pytest.raises(DataError, match=r"images/a.jpg: .*annotation id 12 has category_id 9"):
        augment_dataset(tmp_path / "coco", tmp_path / "strict", FLIP, strict=True, quiet=True)


def test_coco_without_categories_takes_any_category_id(tmp_path: Path) -> None:
    _coco(tmp_path / "coco")  # no 'categories' at all: nothing to check the ids against
    summary = augment_dataset(tmp_path / "coco", tmp_path / "out", FLIP, quiet=True)
    assert summary.errors == 0 and summary.written == 2
    out = json.loads((tmp_path / "out" / "annotations" / "train.json").read_text())
    assert "categories" not in out and {a["category_id"] for a in out["annotations"]} == {1, 2, 9}


# -- 4. files carried along: class names, dataset descriptions ------------------------------------
def test_yolo_data_yaml_and_class_lists_are_carried_and_verified(tmp_path: Path) -> None:
    src = tmp_path / "yolo"
    (src / "images").mkdir(parents=True)
    Image.fromarray(_shown()).save(src / "images" / "a.png")
    (src / "labels").mkdir()
    (src / "labels" / "a.txt").write_text("0 0.25 0.25 0.3 0.333333\n")
    carried = {"data.yaml": b"train: ../images\nval: ../images\nnames:\n  0: red\n",
               "classes.txt": b"red\n", "obj.names": b"red\n", "labels/classes.txt": b"red\n"}
    for rel, data in carried.items():
        (src / rel).write_bytes(data)
    # never carried: unrelated files, a class list too big to be one, a link out of the input
    (src / "README.md").write_text("notes\n")
    (src / "notes.txt").write_text("notes\n")
    (src / "huge.names").write_bytes(b"x" * ((1 << 20) + 1))
    (tmp_path / "elsewhere.yaml").write_text("secret: 1\n")
    os.symlink(tmp_path / "elsewhere.yaml", src / "dataset.yaml")
    assert carried_files(src, "yolo") == carried
    out = tmp_path / "out"
    augment_dataset(src, out, FLIP, quiet=True)
    assert {rel: (out / rel).read_bytes() for rel in carried} == carried  # verbatim, paths too
    assert not any((out / n).exists() for n in ("README.md", "notes.txt", "huge.names", "dataset.yaml"))
    assert verify_output(out) == []
    # a carried file changed in OUTPUT, missing from OUTPUT, or changed in the input is reported
    (out / "data.yaml").write_text("train: elsewhere\n")
    (out / "obj.names").unlink()
    (src / "classes.txt").write_text("blue\n")
    problems = {d["source"]: d["problem"] for d in verify_output(out)}
    assert set(problems) == {"data.yaml", "obj.names", "classes.txt"}
    assert "differs from the input's data.yaml" in problems["data.yaml"]
    assert "missing" in problems["obj.names"]


def test_class_lists_of_voc_coco_and_masks_are_carried_not_those_of_a_folder(tmp_path: Path) -> None:
    voc = tmp_path / "voc"
    (voc / "JPEGImages").mkdir(parents=True)
    (voc / "Annotations").mkdir()
    Image.fromarray(_shown()).save(voc / "JPEGImages" / "a.png")
    (voc / "Annotations" / "a.xml").write_text(
        "<annotation><object><name>red</name><bndbox><xmin>4</xmin><ymin>2</ymin><xmax>16</xmax>"
        "<ymax>10</ymax></bndbox></object></annotation>")
    (voc / "labelmap.txt").write_text("# label:color_rgb:parts:actions\nred:220,30,30::\n")
    (voc / "data.yaml").write_text("names: [red]\n")  # a YOLO file: not part of a VOC dataset
    assert carried_files(voc, "voc") == {"labelmap.txt": b"# label:color_rgb:parts:actions\nred:220,30,30::\n"}
    augment_dataset(voc, tmp_path / "voc_out", FLIP, quiet=True)
    assert (tmp_path / "voc_out" / "labelmap.txt").is_file() and verify_output(tmp_path / "voc_out") == []
    coco = tmp_path / "coco"
    _coco(coco, categories=[{"id": i, "name": str(i)} for i in (1, 2, 9)])
    (coco / "labels.txt").write_text("1\n2\n9\n")
    assert carried_files(coco, "coco") == {"labels.txt": b"1\n2\n9\n"}
    seg = tmp_path / "seg"
    (seg / "images").mkdir(parents=True)
    (seg / "masks").mkdir()
    (seg / "classes.txt").write_text("background\nred\n")
    assert carried_files(seg, "masks") == {"classes.txt": b"background\nred\n"}
    folder = tmp_path / "folder"
    (folder / "cats").mkdir(parents=True)
    (folder / "classes.txt").write_text("cats\n")
    assert carried_files(folder, "folder") == {}


# -- 5. symbolic links to folders -----------------------------------------------------------------
def test_symlinked_folders_are_reported_not_skipped_silently(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "cats").mkdir(parents=True)
    Image.fromarray(_shown()).save(src / "cats" / "a.png")
    (tmp_path / "outside").mkdir()
    Image.fromarray(_shown()).save(tmp_path / "outside" / "b.png")
    os.symlink(tmp_path / "outside", src / "dogs")  # leads out of INPUT
    os.symlink(src / "cats", src / "kittens")  # inside: following it would read cats/ twice
    summary = augment_dataset(src, tmp_path / "out", FLIP, quiet=True)
    errors = {e["file"]: e["error"] for e in _errors(tmp_path / "out")}
    assert summary.written == 1 and set(errors) == {"dogs", "kittens"}
    assert errors["dogs"].startswith("a symbolic link leading outside the input folder")
    assert "folder cats inside the input" in errors["kittens"] and "not followed" in errors["kittens"]
    assert verify_output(tmp_path / "out") == []
    with pytest.raises(DataError, match=r"dogs: a symbolic link leading outside the input folder"):
        augment_dataset(src, tmp_path / "strict", FLIP, strict=True, quiet=True)
