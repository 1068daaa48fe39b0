"""COCO detection datasets: a JSON file (``images``, ``annotations``, ``categories``) and its images.

Each annotation's box, keypoints and segmentation move with the image: boxes as COCO boxes,
keypoints through the same warp (points that leave the image become ``v = 0``), polygons and RLE
as one instance mask per annotation (warped with the image, traced back to polygons; a crowd RLE
comes back as an uncompressed RLE). An annotation whose box no longer survives the pipeline's
visibility rules is dropped. Every other field of images and annotations is kept, and every other
top-level key (``categories``, ``info``, ``licenses``, ...) is copied into the output as it is.

An image with an annotation whose ``category_id`` is not in ``categories`` is left out with a
line in ``errors.jsonl`` (naming the annotation id). A file without a ``categories`` key at all
is taken as it is: there is nothing to check the ids against, and some tools keep the class names
elsewhere (a ``labels.txt``, which is carried into the output).

The JSON is found at the root or in ``annotations/``; image ``file_name`` is relative to
``images/`` when that folder exists, else to the root, and may not be absolute or contain ``..``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ...core.errors import DataError
from ...image.segmentation import has_holes
from ...image.segmentation import mask_polygons as _polygons
from ...image.segmentation import rle_encode as _rle_encode
from ...image.segmentation import segmentation_mask as _segmentation_mask
from .base import Entry, Files, ImageFormat, Listing, inside, turn_hint

__all__ = ["CocoFormat", "assemble_coco", "coco_files", "coco_parts", "read_coco", "scan_coco"]


def _load(path: Path, rel: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", path=rel, line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read: {exc}", path=rel) from None
    return data if isinstance(data, dict) else {}


def coco_files(root: Path) -> list[Path]:
    """The COCO JSON files of a dataset root (at the root or in ``annotations/``).

    Example:
        >>> import tempfile
        >>> coco_files(Path(tempfile.mkdtemp()))
        []
    """
    found = []
    for folder in (root, root / "annotations"):
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if path.name in ("manifest.json",) or path.is_symlink():
                continue
            head = path.read_bytes()[:1 << 16]
            if b'"images"' in head or b'"annotations"' in head:
                found.append(path)
    return found


def _image_base(root: Path, name: Any) -> str | None:
    """The folder (``"images/"`` or ``""``) an image's ``file_name`` is relative to, or None
    for a name that could leave the root (absolute, a drive, ``..``)."""
    if not isinstance(name, str) or not name:
        return None
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":"):
        return None
    return "images/" if (root / "images" / p).is_file() else ""


def scan_coco(root: Path, problems: list[dict[str, str]]) -> list[Entry]:
    """One `Entry` per image of every COCO file; unusable images and annotations are problems.

    Example:
        >>> import tempfile
        >>> scan_coco(Path(tempfile.mkdtemp()), [])
        []
    """
    entries = []
    for path in coco_files(root):
        rel_json = path.relative_to(root).as_posix()
        data = _load(path, rel_json)
        images, annotations = data.get("images"), data.get("annotations", [])
        if not isinstance(images, list) or not isinstance(annotations, list):
            raise DataError("a COCO file needs lists 'images' and 'annotations'", path=rel_json)
        categories = _category_ids(data, rel_json)
        segmented = any(isinstance(a, dict) and a.get("segmentation") for a in annotations)
        by_image: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        ids = {img.get("id") for img in images if isinstance(img, dict)}
        for i, ann in enumerate(annotations):
            if not isinstance(ann, dict) or ann.get("image_id") not in ids:
                problems.append({"file": rel_json, "error": f"annotations[{i}] refers to image_id "
                                 f"{ann.get('image_id') if isinstance(ann, dict) else '?'} that is "
                                 "not in 'images'; it is left out"})
                continue
            by_image[ann["image_id"]].append(ann)
        for i, img in enumerate(images):
            name = img.get("file_name") if isinstance(img, dict) else None
            base = _image_base(root, name)
            if base is None:
                problems.append({"file": rel_json, "error": f"images[{i}].file_name {name!r} is "
                                 "absolute, empty or contains '..'; it is left out"})
                continue
            rel = base + PurePosixPath(str(name).replace("\\", "/")).as_posix()
            if not (root / rel).is_file():
                problems.append({"file": rel, "error": f"listed in {rel_json} (images[{i}]) but missing"})
                continue
            if not inside(root, root / rel):
                problems.append({"file": rel, "error": "a symbolic link leading outside the input folder"})
                continue
            dangling = _dangling(by_image.get(img.get("id"), []), categories)
            if dangling:
                problems.append({"file": rel, "error": f"{rel_json}: {dangling}; the image is left "
                                 "out: fix the annotation's category_id or add the category"})
                continue
            entries.append(Entry(rel, boxes=rel_json,
                                 extra={"format": "coco", "image": img, "base": base,
                                        "annotations": by_image.get(img.get("id"), []),
                                        "segmented": segmented}))
    entries.sort(key=lambda e: e.rel)
    return entries


def _category_ids(data: dict[str, Any], rel_json: str) -> set[Any] | None:
    """The ids of a COCO file's ``categories``, or None when it has none to check against.

    A file without ``categories`` (some tools write boxes only, their classes kept elsewhere) is
    taken as it is: any ``category_id`` is accepted and the output has no ``categories`` either.
    A ``categories`` key, even an empty list, is checked against."""
    if "categories" not in data:
        return None
    categories = data["categories"]
    if not isinstance(categories, list):
        raise DataError("'categories' must be a list of {\"id\": ..., \"name\": ...} objects; "
                        f"it is a {type(categories).__name__}: fix it, or remove the key",
                        path=rel_json)
    return {c.get("id") for c in categories if isinstance(c, dict)}


def _dangling(annotations: list[dict[str, Any]], categories: set[Any] | None) -> str:
    """What is wrong with the ``category_id`` of an image's annotations ("" when nothing is).

    Example:
        >>> _dangling([{"id": 7, "category_id": 9}, {"id": 8, "category_id": 1}], {1})
        "annotation id 7 has category_id 9, which is not in 'categories' (its ids: 1)"
    """
    if categories is None:
        return ""
    bad = []
    for ann in annotations:
        if "category_id" not in ann:
            bad.append(f"annotation id {ann.get('id')} has no category_id")
        elif not _known(ann["category_id"], categories):
            bad.append(f"annotation id {ann.get('id')} has category_id {ann['category_id']!r}, "
                       "which is not in 'categories'")
    if not bad:
        return ""
    ids = sorted(categories, key=str)
    known = (f"its ids: {', '.join(repr(c) for c in ids[:20])}{', ...' if len(ids) > 20 else ''}"
             if ids else "it is empty")
    more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
    return "; ".join(bad[:3]) + more + f" ({known})"


def _known(category_id: Any, categories: set[Any]) -> bool:
    if isinstance(category_id, bool):  # JSON true is no id, though True == 1 to a set
        return False
    try:
        return category_id in categories
    except TypeError:  # a list or an object where an id goes
        return False


# -- reading and writing one image's annotations -------------------------------------------------
def read_coco(entry: Entry, image: np.ndarray, *, source: Path | None = None) -> dict[str, Any]:
    """The pipeline fields of one COCO image: ``image`` (as displayed: turned by its EXIF
    orientation), ``bboxes`` (labelled by annotation index), and where annotated ``keypoints``
    and ``mask`` (one channel per annotation). ``source``, the image file, explains a size that
    is the image's as stored rather than as displayed.

    Example:
        >>> e = Entry("a.jpg", boxes="c.json", extra={"image": {"width": 4, "height": 2},
        ...           "annotations": [{"id": 1, "bbox": [0, 0, 2, 1]}]})
        >>> read_coco(e, np.zeros((2, 4, 3), np.uint8))["bboxes"].array.tolist()
        [[0.0, 0.0, 2.0, 1.0]]
    """
    from ...image.spatial.fields import BBoxes, KeyPoints

    img, anns = entry.extra["image"], entry.extra["annotations"]
    h, w = image.shape[:2]
    if (img.get("height"), img.get("width")) not in ((h, w), (None, None)):
        said = (img.get("width"), img.get("height"))
        hint = turn_hint(source, said, image.shape) if source is not None else ""
        raise DataError(f"{entry.boxes} says {said[0]}x{said[1]} for this image, the file is "
                        f"{w}x{h}; the annotation does not match the image" + hint, path=entry.rel)
    boxes, points, point_labels = [], [], []
    masks = []
    for a, ann in enumerate(anns):
        where = f"{entry.boxes}: annotation id {ann.get('id')}"
        try:
            x, y, bw, bh = (float(v) for v in ann["bbox"])
        except (KeyError, TypeError, ValueError):
            raise DataError(f"{where}: needs 'bbox' [x, y, width, height]", path=entry.rel) from None
        if not (bw > 0 and bh > 0 and x >= 0 and y >= 0 and x + bw <= w + 0.5 and y + bh <= h + 0.5):
            raise DataError(f"{where}: bbox {ann['bbox']} is empty or outside the {w}x{h} image",
                            path=entry.rel)
        boxes.append([x, y, min(bw, w - x), min(bh, h - y)])
        kps = ann.get("keypoints")
        if kps:
            arr = np.asarray(kps, dtype=np.float64).reshape(-1, 3)
            for k, (px, py, v) in enumerate(arr):
                if v > 0:  # COCO coordinates may reach the far edge: keep them on the last pixel
                    points.append([min(max(px, 0.0), w - 1e-3), min(max(py, 0.0), h - 1e-3)])
                    point_labels.append((a, k))
        seg = ann.get("segmentation")
        masks.append(_segmentation_mask(seg, h, w, where) if seg else np.zeros((h, w), np.uint8))
    fields: dict[str, Any] = {"image": image,
                              "bboxes": BBoxes(np.asarray(boxes).reshape(-1, 4), format="coco",
                                               labels=list(range(len(anns))))}
    if points:
        fields["keypoints"] = KeyPoints(points, labels=point_labels)
    # one channel per annotation; an image with none, in a file with segmentations, gets an
    # instance mask of no channels (CopyPaste adds the objects it pastes there)
    if any(ann.get("segmentation") for ann in anns) or entry.extra.get("segmented"):
        fields["mask"] = np.stack(masks, axis=2) if masks else np.zeros((h, w, 0), np.uint8)
    return fields


def coco_parts(entry: Entry, name: str, fields: dict[str, Any] | None) -> dict[str, Any]:
    """The image record and annotations of one output (``fields`` None: the original as it is).
    Ids are given when the file is assembled.

    Example:
        >>> from augmentlab.image.spatial.fields import BBoxes
        >>> e = Entry("images/a.jpg", boxes="c.json", extra={"image": {"id": 1, "file_name": "a.jpg"},
        ...           "base": "images/", "annotations": [{"id": 5, "bbox": [0, 0, 2, 1]}]})
        >>> fields = {"image": np.zeros((2, 4, 3), np.uint8),
        ...           "bboxes": BBoxes([[1, 0, 2, 1]], format="coco", labels=[0])}
        >>> part = coco_parts(e, "images/a_aug1.jpg", fields)
        >>> part["image"]
        {'id': 1, 'file_name': 'a_aug1.jpg', 'width': 4, 'height': 2}
        >>> part["annotations"]
        [{'id': 5, 'bbox': [1.0, 0.0, 2.0, 1.0], 'area': 2.0}]
    """
    img, anns = entry.extra["image"], entry.extra["annotations"]
    file_name = name[len(entry.extra["base"]):]
    if fields is None:
        return {"image": img, "annotations": anns, "original": True}
    h, w = fields["image"].shape[:2]
    boxes = fields["bboxes"]
    points: dict[tuple[int, int], tuple[float, float]] = {}
    if "keypoints" in fields:
        for (px, py), (a, k) in zip(fields["keypoints"].array, fields["keypoints"].labels or [], strict=True):
            points[(int(a), int(k))] = (float(px), float(py))
    out_anns = []
    for row, a in zip(boxes.array, boxes.labels or [], strict=True):
        ann: dict[str, Any]
        if isinstance(a, dict):  # an object pasted by CopyPaste from a COCO bank: a new annotation
            ann = {"category_id": a.get("category_id"), "iscrowd": 0, "segmentation": [[]],
                   "pasted_from": a.get("pasted_from")}
            a = a["mask_channel"]
        else:
            ann = dict(anns[int(a)])
        ann["bbox"] = [round(float(v), 2) for v in row]
        ann["area"] = round(float(row[2] * row[3]), 2)
        if ann.get("segmentation"):
            m = fields["mask"][:, :, int(a)]
            ys, xs = np.nonzero(m)
            if len(xs) == 0:  # the object left the image, only its box's corner stayed
                continue
            # COCO's box is the object's box: after a rotation the outline of the old box
            # encloses more than the object, the transformed mask says exactly where it is
            ann["bbox"] = [float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1),
                           float(ys.max() - ys.min() + 1)]
            ann["area"] = float(len(xs))
            # a mask with a hole (an object pasted inside it) is written as RLE: a polygon's
            # outline would cover the hole
            rle = isinstance(ann["segmentation"], dict) or has_holes(m)
            ann["segmentation"] = _rle_encode(m) if rle else _polygons(m)
        if ann.get("keypoints"):
            kps = []
            original = np.asarray(ann["keypoints"], dtype=np.float64).reshape(-1, 3)
            for k in range(len(original)):
                if (int(a), k) in points:
                    px, py = points[(int(a), k)]
                    kps += [round(px, 2), round(py, 2), int(original[k, 2])]
                else:
                    kps += [0, 0, 0]
            ann["keypoints"] = kps
            ann["num_keypoints"] = sum(1 for v in kps[2::3] if v > 0)
        out_anns.append(ann)
    return {"image": {**img, "file_name": file_name, "width": w, "height": h}, "annotations": out_anns}


def assemble_coco(src: Path, json_rel: str, parts: list[dict[str, Any]]) -> bytes:
    """The output COCO file: the source's other keys, and the images and annotations of `parts`
    (in manifest order). Originals keep their ids; new images and annotations are numbered
    after the source's largest ids, in manifest order, so the file is the same every run.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "c.json").write_text('{"images": [{"id": 7}], "annotations": [], "info": {}}')
        >>> json.loads(assemble_coco(root, "c.json", [{"image": {"file_name": "b.jpg"}, "annotations": []}]))
        {'info': {}, 'images': [{'file_name': 'b.jpg', 'id': 8}], 'annotations': []}
    """
    data = _load(src / json_rel, json_rel)
    next_image = max([int(i["id"]) for i in data.get("images", []) if isinstance(i.get("id"), int)],
                     default=0) + 1
    next_ann = max([int(a["id"]) for a in data.get("annotations", []) if isinstance(a.get("id"), int)],
                   default=0) + 1
    images, annotations = [], []
    for part in parts:
        if part.get("original"):
            images.append(part["image"])
            annotations.extend(part["annotations"])
            continue
        image_id = next_image
        next_image += 1
        images.append({**part["image"], "id": image_id})
        for ann in part["annotations"]:
            annotations.append({**ann, "id": next_ann, "image_id": image_id})
            next_ann += 1
    out = {k: v for k, v in data.items() if k not in ("images", "annotations")}
    out["images"], out["annotations"] = images, annotations
    return json.dumps(out, indent=1).encode()


class CocoFormat(ImageFormat):
    """Images listed in COCO JSON files; every output adds its image record and annotations to
    the output's copy of the JSON, assembled when the run ends.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> CocoFormat().detect(root, Listing(root), "text")
        False
    """

    name = "coco"
    carried = ("labelmap.txt", "labels.txt", "classes.txt")

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        return bool(coco_files(root))

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        return scan_coco(root, problems)

    def entry_for_file(self, path: Path) -> tuple[Path, Entry] | None:
        root = path.parent.parent
        if path.parent.name == "images" and coco_files(root):
            for entry in scan_coco(root, []):
                if entry.rel == f"images/{path.name}":
                    return root, entry
        return None

    def annotate(self, root: Path, entry: Entry, image: np.ndarray, max_pixels: int) -> dict[str, Any]:
        return read_coco(entry, image, source=root / entry.rel)

    def inputs(self, src: Path, entry: Entry) -> dict[str, Any]:
        # its own record, not the whole JSON: editing one image's annotations redoes that image
        return {"coco": {k: entry.extra.get(k) for k in ("image", "annotations")}}

    def original(self, src: Path, entry: Entry) -> tuple[Files, Any]:
        return {entry.rel: (src / entry.rel).read_bytes()}, coco_parts(entry, entry.rel, None)

    def write_annotations(self, files: Files, out: Path, entry: Entry, copy: int,
                          fields: dict[str, Any], src: Path | None, image_rel: str) -> Any:
        return coco_parts(entry, image_rel, fields)

    def shared_file(self, line: dict[str, Any]) -> str:
        return str(line["boxes"])

    def assemble(self, src: Path, rel: str, parts: list[Any]) -> bytes:
        return assemble_coco(src, rel, parts)
