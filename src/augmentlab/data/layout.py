"""Image dataset layouts on disk, read and written back in the same layout.

- ``folder``: images anywhere below the root; a first-level subfolder is the class
  (class-per-subfolder), images directly in the root have no label (a flat folder);
- ``masks``: ``images/`` with paired segmentation masks in ``masks/`` (same stem);
- ``yolo``: ``images/`` with ``labels/<stem>.txt`` (``class cx cy w h``, normalised);
- ``voc``: ``JPEGImages/`` with ``Annotations/<stem>.xml`` (Pascal VOC boxes);
- ``coco``: a COCO JSON at the root or in ``annotations/`` (boxes, keypoints, segmentation).

An `Entry` is one source image and its annotations; `read_entry` gives the pipeline's fields,
`write_outputs` writes an augmented sample next to where the source sat (``<stem>_aug<k>``).
Every path is checked to stay inside the root (symlinks included), every image's pixel count is
checked from its header before it is decoded (decompression bombs).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import DataError
from ..core.warp import MAX_PIXELS
from ..datasets.user import IMAGE_SUFFIXES
from .audio_files import AUDIO_SUFFIXES

__all__ = ["MAX_PIXELS", "Entry", "carried_files", "detect_layout", "original_outputs", "read_entry", "scan",
           "write_outputs"]

LOSSLESS = (".png", ".bmp", ".tif", ".tiff", ".pgm", ".ppm")


@dataclass(frozen=True)
class Entry:
    """One source image (``rel``: its path relative to the root, the key everywhere) and its
    annotation files."""

    rel: str
    label: str | None = None
    mask: str | None = None
    boxes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    row: int | None = None  # a row of a table or text file

    @property
    def key(self) -> str:
        """What identifies the sample (its seed-tree id is a hash of it): the path, and the row."""
        return self.rel if self.row is None else f"{self.rel}#{self.row}"


def detect_layout(root: Path, *, text_column: str = "text") -> str:
    """``"coco"``, ``"yolo"``, ``"voc"``, ``"masks"``, ``"audio"``, ``"text"``, ``"table"`` or
    ``"folder"`` from what the root holds. Files directly in the root decide between the last
    four: image files make an image folder (whatever else sits there); then JSONL files, or CSV
    files with the text column, a text dataset; other CSV and Parquet files a table; audio files
    an audio dataset.

    Example:
        >>> import tempfile
        >>> detect_layout(Path(tempfile.mkdtemp()))
        'folder'
    """
    from .coco import coco_files
    from .rows import row_files, text_column_of

    if coco_files(root):
        return "coco"
    if (root / "images").is_dir() and (root / "labels").is_dir():
        return "yolo"
    if (root / "JPEGImages").is_dir() and (root / "Annotations").is_dir():
        return "voc"
    if (root / "images").is_dir() and (root / "masks").is_dir():
        return "masks"
    files = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    if any(p.suffix.lower() in IMAGE_SUFFIXES for p in files):
        return "folder"  # images with a stray CSV (labels, notes) are still an image dataset
    rows = row_files(root)
    if rows:
        if any(p.suffix.lower() == ".jsonl" or (p.suffix.lower() == ".csv" and text_column_of(p, text_column))
               for p in rows):
            return "text"
        return "table"
    if any(p.suffix.lower() in AUDIO_SUFFIXES for p in files):
        return "audio"
    return "folder"


def layout_of_file(path: Path, text_column: str = "text") -> str:
    """The layout of a single input file: ``"text"`` (JSONL, or CSV with the text column),
    ``"table"`` (other CSV, Parquet) or ``"audio"``.

    Example:
        >>> layout_of_file(Path("train.parquet"))
        'table'
    """
    from .rows import text_column_of

    suffix = path.suffix.lower()
    if suffix == ".jsonl" or (suffix == ".csv" and text_column_of(path, text_column)):
        return "text"
    if suffix in (".csv", ".parquet"):
        return "table"
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    raise DataError("a single input file must be a table (.csv, .parquet), text (.jsonl, .csv) or "
                    "audio (.wav, .flac, .ogg) file; give an image dataset as a folder", path=str(path))


# Files that describe a dataset rather than hold samples (class names, the YOLO dataset file),
# carried into OUTPUT byte for byte, per layout: only these names, at the root (and LabelImg's
# labels/classes.txt), so nothing big or unrelated (a README, notes, an archive) comes along.
# ImageSets/ (VOC splits) is not carried: it lists the source images only, not the outputs.
_CARRIED: dict[str, tuple[str, ...]] = {
    "yolo": ("data.yaml", "data.yml", "dataset.yaml", "dataset.yml", "classes.txt", "*.names",
             "labels/classes.txt"),
    "voc": ("labelmap.txt", "labels.txt", "classes.txt"),
    "coco": ("labelmap.txt", "labels.txt", "classes.txt"),
    "masks": ("labelmap.txt", "labels.txt", "classes.txt"),
}
_CARRIED_MAX_BYTES = 1 << 20  # a class list or dataset file is small: anything larger is not one


def carried_files(root: Path, layout: str) -> dict[str, bytes]:
    """Files of the dataset that are not samples but belong with them in OUTPUT, copied as they
    are (relative path -> bytes): YOLO's ``data.yaml``/``dataset.yaml``, ``classes.txt`` and
    ``*.names`` (and ``labels/classes.txt``, where LabelImg writes it); the ``labelmap.txt``,
    ``labels.txt`` or ``classes.txt`` of a VOC, COCO or masks dataset (CVAT writes labelmap.txt).
    A folder of class subfolders carries nothing (its classes are its folder names).

    Paths inside them (``train: ../images``) are not rewritten: OUTPUT keeps the input's layout,
    so the relative ones still hold (an absolute one, such as a ``path: /data/in`` in data.yaml,
    still names the input: edit it in OUTPUT if it must name OUTPUT). Not carried: files over
    1 MiB, symbolic links leading out of the input, hidden files. `augmentlab replay --verify`
    checks them against the input.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "data.yaml").write_text("names: [cat]\\n")
        >>> carried_files(root, "yolo"), carried_files(root, "folder")
        ({'data.yaml': b'names: [cat]\\n'}, {})
    """
    found: dict[str, bytes] = {}
    for pattern in _CARRIED.get(layout, ()):
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if (path.name.startswith(".") or not path.is_file() or not _inside(root, path)
                    or path.stat().st_size > _CARRIED_MAX_BYTES):
                continue
            if rel == "labels/classes.txt" and any((root / "images").glob("classes.*")):
                continue  # the label file of an image named classes.*: a sample's, not a class list
            found[rel] = path.read_bytes()
    return found


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _linked_folder(root: Path, path: Path, problems: list[dict[str, str]]) -> bool:
    """Whether `path` is a symbolic link to a folder; if so it is not followed, and reported."""
    if not path.is_symlink():
        return False
    rel = path.relative_to(root).as_posix()
    if not _inside(root, path):
        problems.append({"file": rel, "error": "a symbolic link leading outside the input folder; "
                         "its files are left out: copy the folder into the input to augment it"})
        return True
    # following it could read the target's files twice (under two names), or loop
    target = path.resolve().relative_to(root.resolve()).as_posix()
    problems.append({"file": rel, "error": f"a symbolic link to the folder {target} inside the "
                     "input, not followed (so that no image is read twice, under two names): its "
                     "files are left out under this name; replace the link with a copy of the "
                     "folder to augment them under both"})
    return True


def _images_below(root: Path, folder: Path, problems: list[dict[str, str]],
                  suffixes: tuple[str, ...] = IMAGE_SUFFIXES) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not _linked_folder(root, Path(dirpath) / d, problems))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() not in suffixes:
                continue
            if not _inside(root, path):
                problems.append({"file": str(path.relative_to(root)),
                                 "error": "a symbolic link leading outside the input folder"})
                continue
            found.append(path)
    return found


def scan(root: Path, layout: str, *, label: str | None = None, text_column: str = "text",
         only: str | None = None) -> tuple[list[Entry], list[dict[str, str]]]:
    """The entries of a dataset (sorted by path) and the problems found while listing it.
    `label` and `text_column` name the columns of table and text files; `only` names the one
    file of a single-file input (table, text or audio: nothing else in its folder is read)."""
    problems: list[dict[str, str]] = []
    entries: list[Entry] = []
    if layout in ("table", "text"):
        from .rows import scan_rows

        return scan_rows(root, layout, problems, label=label, text_column=text_column,
                         only=only), problems
    if layout == "audio":
        paths = [root / only] if only is not None else _images_below(root, root, problems,
                                                                       AUDIO_SUFFIXES)
        for path in paths:
            parts = path.relative_to(root).parts
            events = path.with_suffix(".csv")
            entries.append(Entry("/".join(parts), label=parts[0] if len(parts) > 1 else None,
                                 boxes=events.relative_to(root).as_posix()
                                 if events.is_file() and _inside(root, events) else None,
                                 extra={"format": "audio"}))
        return entries, problems
    if layout == "folder":
        for path in _images_below(root, root, problems):
            parts = path.relative_to(root).parts
            entries.append(Entry("/".join(parts), label=parts[0] if len(parts) > 1 else None))
    elif layout == "masks":
        masks = {p.relative_to(root / "masks").with_suffix("").as_posix(): p
                 for p in _images_below(root, root / "masks", problems)}
        for path in _images_below(root, root / "images", problems):
            key = path.relative_to(root / "images").with_suffix("").as_posix()
            image_rel = path.relative_to(root).as_posix()
            if key not in masks:
                problems.append({"file": image_rel, "error": f"no mask masks/{key}.* for this image"})
                continue
            entries.append(Entry(image_rel, mask=masks[key].relative_to(root).as_posix()))
    elif layout == "yolo":
        for path in _images_below(root, root / "images", problems):
            name = path.relative_to(root / "images").with_suffix(".txt")
            label_file = root / "labels" / name
            boxes = label_file.relative_to(root).as_posix() if label_file.is_file() else None
            if boxes is not None and not _inside(root, label_file):
                problems.append({"file": boxes, "error": "a symbolic link leading outside the input folder"})
                continue
            entries.append(Entry(path.relative_to(root).as_posix(), boxes=boxes))
    elif layout == "voc":
        for path in _images_below(root, root / "JPEGImages", problems):
            name = path.relative_to(root / "JPEGImages").with_suffix(".xml")
            xml = root / "Annotations" / name
            rel = path.relative_to(root).as_posix()
            if not xml.is_file():
                problems.append({"file": rel, "error": f"no annotation Annotations/{name.as_posix()}"})
                continue
            if not _inside(root, xml):
                problems.append({"file": rel, "error": "a symbolic link leading outside the input folder"})
                continue
            entries.append(Entry(rel, boxes=xml.relative_to(root).as_posix(), extra={"format": "voc"}))
    elif layout == "coco":
        from .coco import scan_coco

        entries = scan_coco(root, problems)
    else:
        raise DataError(f"unknown layout {layout!r}; expected folder, masks, yolo, voc, coco, "
                        "audio, text or table", path=str(root))
    return entries, problems


def read_image_checked(path: Path, *, grayscale: bool = False, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image after checking its pixel count from the header (before decoding), turned the
    way its EXIF Orientation tag says, as every viewer shows it: annotations are in displayed
    coordinates, and augmented outputs are written upright (without the tag).

    Example:
        >>> import tempfile, cv2
        >>> p = Path(tempfile.mkdtemp()) / "a.png"
        >>> _ = cv2.imwrite(str(p), np.zeros((4, 6, 3), np.uint8))
        >>> read_image_checked(p).shape
        (4, 6, 3)
        >>> read_image_checked(p, max_pixels=10)
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.DataError: ...: 6x4 (width x height) = 24 pixels is over the limit of 10 ...
    """
    import cv2
    from PIL import Image

    try:
        with Image.open(path) as header:
            width, height = header.size
            # read after the size check below, so that it never decodes pixels (see _orientation)
            orientation = _orientation(header) if width * height <= max_pixels else 1
    except Image.DecompressionBombError as exc:  # over Pillow's own limit: it gives no size
        raise DataError(f"{_declared_size(path, exc)} is over the limit of {max_pixels} (a "
                        "decompression bomb?); resize it or raise the limit (max_pixels)",
                        path=str(path)) from None
    except (OSError, SyntaxError, ValueError):
        raise DataError("cannot read this image's header (corrupt, truncated or not an image)",
                        path=str(path)) from None
    if width * height > max_pixels:
        raise DataError(f"{width}x{height} (width x height) = {width * height} pixels is over the "
                        f"limit of {max_pixels} (a decompression bomb?); resize it or raise the "
                        "limit (max_pixels)", path=str(path))
    data = np.fromfile(str(path), dtype=np.uint8)
    # OpenCV turns a grayscale read by the EXIF tag but not an unchanged one: it is left to
    # _turn, the same for both
    flags = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION if grayscale else cv2.IMREAD_UNCHANGED
    img = cv2.imdecode(data, flags)
    if img is None:
        raise DataError("cannot decode this image (corrupt or truncated)", path=str(path))
    img = _turn(img, orientation)
    if grayscale or img.ndim == 2:
        return img
    if img.dtype != np.uint8:
        raise DataError(f"{img.dtype} images are not supported; convert to 8-bit", path=str(path))
    return cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA if img.shape[2] == 4 else cv2.COLOR_BGR2RGB)


def _orientation(header: Any) -> int:
    """The EXIF Orientation (1..8) of an opened image; 1 (as stored) when there is none.

    Only the EXIF block Pillow read with the header counts: asking a PNG for a later one would
    decode the whole image. TIFF is left out: its orientation is a TIFF tag that OpenCV's TIFF
    decoder applies itself (turning it again here would turn it twice)."""
    raw = header.info.get("exif")
    if header.format == "TIFF" or not isinstance(raw, bytes):
        return 1
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(raw)
        value = exif.get(0x0112, 1)
    except Exception:  # a malformed EXIF block: viewers ignore it, so does this
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _turn(img: np.ndarray, orientation: int) -> np.ndarray:
    """The stored pixels as displayed for an EXIF orientation (rows are axis 0, columns axis 1);
    orientation 1 returns `img` itself, so images without a turn are exactly what was decoded."""
    if orientation == 1:
        return img
    turned = {2: lambda a: a[:, ::-1],  # mirrored left-right
              3: lambda a: a[::-1, ::-1],  # rotated 180
              4: lambda a: a[::-1],  # mirrored top-bottom
              5: lambda a: a.swapaxes(0, 1),  # transposed
              6: lambda a: np.rot90(a, -1),  # shown rotated 90 clockwise
              7: lambda a: a[::-1, ::-1].swapaxes(0, 1),  # transverse
              8: lambda a: np.rot90(a, 1)}[orientation](img)  # shown rotated 90 counter-clockwise
    return np.ascontiguousarray(turned)


def image_orientation(path: Path) -> int:
    """The EXIF Orientation an image is read with (1: as stored; 5 to 8 swap width and height).

    Example:
        >>> import tempfile, cv2
        >>> p = Path(tempfile.mkdtemp()) / "a.png"
        >>> _ = cv2.imwrite(str(p), np.zeros((4, 6, 3), np.uint8))
        >>> image_orientation(p)
        1
    """
    from PIL import Image

    try:
        with Image.open(path) as header:
            return _orientation(header)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 1


def _turn_hint(image: Path, said: tuple[Any, Any], shape: tuple[int, ...]) -> str:
    """What to add to a size mismatch when the size an annotation gives (width, height) is that of
    the image's pixels as stored, which its EXIF orientation shows turned: "" otherwise."""
    height, width = shape[:2]
    if said != (height, width) or width == height:
        return ""
    orientation = image_orientation(image)
    if orientation < 5:
        return ""
    return (f" (its EXIF orientation {orientation} shows the {height}x{width} pixels stored in the "
            f"file turned, as {width}x{height}: annotations are read in displayed coordinates, as "
            "every viewer shows the image; annotate the image as displayed, or strip its EXIF "
            "orientation if the annotations are meant for the pixels as stored)")


def _declared_size(path: Path, exc: Exception) -> str:
    """The size an image's header declares, for an image Pillow refused to open as a bomb (its
    error gives only the pixel count): each format's reader is tried directly, as Image.open does
    but without its pixel-count check; nothing is decoded."""
    import re
    import struct

    from PIL import Image

    with path.open("rb") as fp:
        prefix = fp.read(16)
        for fmt in list(Image.ID):
            factory, accept = Image.OPEN[fmt]
            verdict = accept(prefix) if accept is not None else True
            if not verdict or isinstance(verdict, str):  # a str: Pillow's "not this format" note
                continue
            try:
                fp.seek(0)
                width, height = factory(fp, str(path)).size
            except (OSError, EOFError, SyntaxError, ValueError, IndexError, KeyError, TypeError,
                    struct.error):  # not this format: the next one is tried, as Image.open does
                continue
            return f"{width}x{height} (width x height) = {width * height} pixels"
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return f"an image of {found[1]} pixels" if found else "an image of more pixels than Pillow opens"


def _read_yolo(path: Path, rel: str) -> tuple[np.ndarray, list[int]]:
    boxes, labels = [], []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            cls = int(parts[0])
            values = [float(v) for v in parts[1:]]
        except ValueError:
            raise DataError(f"expected 'class cx cy w h' with an integer class, got {line!r}",
                            path=rel, line=number) from None
        if len(values) != 4 or not all(0.0 <= v <= 1.0 for v in values) or cls < 0:
            raise DataError(f"expected 'class cx cy w h' with coordinates in [0, 1], got {line!r}",
                            path=rel, line=number)
        boxes.append(values)
        labels.append(cls)
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4), labels


def _read_voc(path: Path, rel: str) -> tuple[np.ndarray, list[str], tuple[Any, Any]]:
    """The boxes, their names, and the ``<size>`` (width, height; None where not given)."""
    import xml.etree.ElementTree as ET

    try:
        tree = ET.parse(path)
    except ET.ParseError as exc:
        raise DataError(f"not valid XML: {exc}", path=rel, line=exc.position[0]) from None
    boxes, labels = [], []
    for obj in tree.getroot().iter("object"):
        box = obj.find("bndbox")
        name = obj.findtext("name")
        try:
            values = [float(box.findtext(k) or "") for k in ("xmin", "ymin", "xmax", "ymax")]  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            raise DataError(f"object {name!r} needs a bndbox with numeric xmin, ymin, xmax, ymax",
                            path=rel) from None
        boxes.append(values)
        labels.append(name or "")
    size = (_int_or_none(tree.getroot().findtext("size/width")),
            _int_or_none(tree.getroot().findtext("size/height")))
    return np.asarray(boxes, dtype=np.float64).reshape(-1, 4), labels, size


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(float(text or ""))
    except (ValueError, OverflowError):  # empty, "nan", "inf": no size to compare
        return None


def _voc_xml(source: Path, image_name: str, shape: tuple[int, ...], boxes: Any) -> bytes:
    """The source annotation with the augmented image's name, size and boxes."""
    import xml.etree.ElementTree as ET

    tree = ET.parse(source)
    root = tree.getroot()
    if root.find("filename") is not None:
        root.find("filename").text = image_name  # type: ignore[union-attr]
    size = root.find("size")
    if size is not None:
        for key, value in (("width", shape[1]), ("height", shape[0])):
            if size.find(key) is not None:
                size.find(key).text = str(value)  # type: ignore[union-attr]
    objects = list(root.iter("object"))
    for obj in objects:
        root.remove(obj)
    # boxes are labelled with their object's index: each surviving box keeps every field of its
    # object (name, difficult, truncated, ...), only the coordinates change
    for row, index in zip(boxes.array, boxes.labels or [], strict=True):
        obj = copy.deepcopy(objects[int(index)])
        bnd = obj.find("bndbox")
        for key, value in zip(("xmin", "ymin", "xmax", "ymax"), row, strict=True):
            bnd.find(key).text = f"{value:.1f}"  # type: ignore[union-attr]
        root.append(obj)
    ET.indent(tree)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def read_entry(root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
    """The pipeline fields of one entry (``image`` and, per layout, ``mask`` or ``bboxes``;
    ``audio``, ``sample_rate`` and ``events``; ``text``; ``features`` and ``schema``)."""
    from ..core.fields import BBoxes

    fmt = entry.extra.get("format")
    if fmt in ("text", "table"):
        from .rows import read_row

        return read_row(entry)
    if fmt == "audio":
        from .audio_files import read_audio, read_events

        samples, rate, subtype = read_audio(root / entry.rel, entry.rel)
        # "subtype" passes through the pipeline untouched: the writer keeps the input's format
        fields_a: dict[str, Any] = {"audio": samples, "sample_rate": rate, "subtype": subtype}
        if entry.boxes is not None:
            fields_a["events"] = read_events(root / entry.boxes, entry.boxes, samples.shape[-1] / rate)
        if entry.label is not None:
            fields_a["label"] = entry.label
        return fields_a

    fields: dict[str, Any] = {"image": read_image_checked(root / entry.rel, max_pixels=max_pixels)}
    if entry.extra.get("format") == "coco":
        from .coco import read_coco

        return read_coco(entry, fields["image"], source=root / entry.rel)
    if entry.mask is not None:
        mask = read_image_checked(root / entry.mask, grayscale=True, max_pixels=max_pixels)
        if mask.shape[:2] != fields["image"].shape[:2]:
            hint = _turn_hint(root / entry.rel, (mask.shape[1], mask.shape[0]), fields["image"].shape)
            raise DataError(f"mask {entry.mask} is {mask.shape[1]}x{mask.shape[0]}, its image "
                            f"{fields['image'].shape[1]}x{fields['image'].shape[0]}; they must match"
                            + hint, path=entry.rel)
        fields["mask"] = mask
    if entry.boxes is not None and entry.extra.get("format") == "voc":
        voc, _, size = _read_voc(root / entry.boxes, entry.boxes)
        # a size that is not the image's is tolerated (VOC files often carry 0 or stale sizes),
        # except the one that says the boxes were drawn on the pixels as stored, not as displayed
        hint = _turn_hint(root / entry.rel, size, fields["image"].shape)
        if hint:
            h, w = fields["image"].shape[:2]
            raise DataError(f"{entry.boxes} says {size[0]}x{size[1]} for this image; it is displayed "
                            f"as {w}x{h}" + hint, path=entry.rel)
        fields["bboxes"] = BBoxes(voc, format="pascal_voc", labels=list(range(len(voc))))
    elif entry.boxes is not None:
        boxes, labels = _read_yolo(root / entry.boxes, entry.boxes)
        fields["bboxes"] = BBoxes(boxes, format="yolo", labels=labels)
    return fields


def _encode(path: Path, img: np.ndarray) -> bytes:
    import cv2

    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA if img.shape[2] == 4 else cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if path.suffix.lower() in (".jpg", ".jpeg") else []
    ok, buf = cv2.imencode(path.suffix.lower(), img, params)
    if not ok:
        raise DataError("OpenCV cannot encode this image format", path=str(path))
    return bytes(buf.tobytes())


def output_name(rel: str, copy: int) -> str:
    """Where copy `copy` of `rel` goes (copy 0: the original's own name).

    Example:
        >>> output_name("cats/a.jpg", 2), output_name("cats/a.jpg", 0)
        ('cats/a_aug2.jpg', 'cats/a.jpg')
    """
    if copy == 0:
        return rel
    p = Path(rel)
    return p.with_name(f"{p.stem}_aug{copy}{p.suffix}").as_posix()


def original_outputs(src: Path, entry: Entry) -> tuple[dict[str, bytes], Any]:
    """An original copied byte for byte: ``({relative path: bytes}, part)`` as `write_outputs`."""
    if entry.extra.get("format") in ("text", "table"):
        from .rows import row_part

        return {}, row_part(entry, None)
    if entry.extra.get("format") == "coco":
        from .coco import coco_parts

        return {entry.rel: (src / entry.rel).read_bytes()}, coco_parts(entry, entry.rel, None)
    files = {entry.rel: (src / entry.rel).read_bytes()}
    for extra in (entry.mask, entry.boxes):
        if extra is not None:
            files[extra] = (src / extra).read_bytes()
    return files, None


def write_outputs(out: Path, entry: Entry, copy: int, fields: dict[str, Any],
                  src: Path | None = None) -> tuple[dict[str, bytes], Any]:
    """Encode one augmented sample: ``({relative path: bytes}, part)``, nothing written yet.
    ``part`` is what the output adds to a shared file (a COCO image and its annotations),
    assembled when the run ends; None for layouts with one file per sample.
    ``src`` (the input root) is where a VOC annotation's other fields are read from."""
    fmt = entry.extra.get("format")
    if fmt in ("text", "table"):
        from .rows import row_part

        return {}, row_part(entry, fields)
    if fmt == "audio":
        from .audio_files import audio_outputs

        events = None if entry.boxes is None else output_name(entry.boxes, copy)
        return audio_outputs(entry, output_name(entry.rel, copy), events, fields), None
    files: dict[str, bytes] = {}
    image_rel = output_name(entry.rel, copy)
    files[image_rel] = _encode(out / image_rel, fields["image"])
    if entry.extra.get("format") == "coco":
        from .coco import coco_parts

        return files, coco_parts(entry, image_rel, fields)
    if entry.mask is not None:
        mask_rel = Path(output_name(entry.mask, copy)).with_suffix(".png").as_posix()
        files[mask_rel] = _encode(out / mask_rel, fields["mask"])
    if entry.boxes is not None and entry.extra.get("format") == "voc":
        if src is None:
            raise DataError("writing a VOC annotation needs the input root (src)", path=entry.rel)
        files[output_name(entry.boxes, copy)] = _voc_xml(src / entry.boxes, Path(image_rel).name,
                                                         fields["image"].shape, fields["bboxes"])
    elif entry.boxes is not None:
        boxes = fields["bboxes"]
        arr, labels = boxes.array, list(boxes.labels or [])  # boxes come back in their format (yolo)
        lines = [f"{int(c)} " + " ".join(f"{v:.6f}" for v in row) for c, row in zip(labels, arr, strict=True)]
        files[output_name(entry.boxes, copy)] = ("\n".join(lines) + ("\n" if lines else "")).encode()
    return files, None
