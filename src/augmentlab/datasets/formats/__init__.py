"""Datasets on disk, read and written back in their own layout: one object per format.

- ``coco``: a COCO JSON at the root or in ``annotations/`` (boxes, keypoints, segmentation);
- ``yolo``: ``images/`` with ``labels/<stem>.txt`` (``class cx cy w h``, normalised);
- ``voc``: ``JPEGImages/`` with ``Annotations/<stem>.xml`` (Pascal VOC boxes);
- ``masks``: ``images/`` with paired segmentation masks in ``masks/`` (same stem);
- ``folder``: images anywhere below the root; a first-level subfolder is the class
  (class-per-subfolder), images directly in the root have no label (a flat folder);
- ``text``: JSONL files, or CSV files with the text column, one text per row;
- ``table``: CSV and Parquet files, one sample per row;
- ``audio``: WAV, FLAC or OGG clips with optional event CSVs.

An `Entry` is one sample and its files; `read_entry` gives the pipeline's fields,
`write_outputs` encodes an augmented sample next to where the source sat (``<stem>_aug<k>``).
Every path is checked to stay inside the root (symlinks included), every image's pixel count is
checked from its header before it is decoded (decompression bombs).

Adding a format is one module defining a `Format` subclass, and its line in `FORMATS` (whose
order is the order `detect_layout` asks them in).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...core.errors import DataError
from ...image.spatial.warp import MAX_PIXELS
from .audio import AudioFormat
from .base import Entry, Format, Listing, file_sha256, inside, output_name
from .coco import CocoFormat
from .folder import FolderFormat
from .masks import MasksFormat
from .table import TableFormat
from .text import TextFormat
from .voc import VocFormat
from .yolo import YoloFormat

__all__ = ["FORMATS", "MAX_PIXELS", "Entry", "Format", "carried_files", "detect_layout",
           "entry_for_file", "file_sha256", "format_of", "layout_of_file", "original_outputs",
           "output_name", "read_entry", "scan", "write_outputs"]

# in the order detect_layout asks them: the folder structures first, then what the files are
FORMATS: dict[str, Format] = {f.name: f for f in (
    CocoFormat(), YoloFormat(), VocFormat(), MasksFormat(), FolderFormat(), TextFormat(),
    TableFormat(), AudioFormat())}
_CARRIED_MAX_BYTES = 1 << 20  # a class list or dataset file is small: anything larger is not one


def _format(layout: str, root: Path) -> Format:
    fmt = FORMATS.get(layout)
    if fmt is None:
        raise DataError(f"unknown layout {layout!r}; expected {', '.join(list(FORMATS)[:-1])} or "
                        f"{list(FORMATS)[-1]}", path=str(root))
    return fmt


def detect_layout(root: Path, *, text_column: str = "text") -> str:
    """``"coco"``, ``"yolo"``, ``"voc"``, ``"masks"``, ``"folder"``, ``"text"``, ``"table"`` or
    ``"audio"`` from what the root holds: the first format in `FORMATS` that recognises it (image
    files make an image folder, whatever else sits there; then JSONL files, or CSV files with the
    text column, a text dataset; other CSV and Parquet files a table; audio files an audio
    dataset); ``"folder"`` when none does.

    Example:
        >>> import tempfile
        >>> detect_layout(Path(tempfile.mkdtemp()))
        'folder'
    """
    listing = Listing(root)
    return next((name for name, fmt in FORMATS.items() if fmt.detect(root, listing, text_column)),
                "folder")


def layout_of_file(path: Path, text_column: str = "text") -> str:
    """The layout of a single input file: ``"text"`` (JSONL, or CSV with the text column),
    ``"table"`` (other CSV, Parquet) or ``"audio"``.

    Example:
        >>> layout_of_file(Path("train.parquet"))
        'table'
    """
    for name, fmt in FORMATS.items():
        if fmt.accepts_file(path, text_column):
            return name
    raise DataError("a single input file must be a table (.csv, .parquet, .pq), text (.jsonl, .csv) "
                    "or audio (.wav, .flac, .ogg) file; give an image dataset as a folder",
                    path=str(path))


def scan(root: Path, layout: str, *, label: str | None = None, text_column: str = "text",
         only: str | None = None) -> tuple[list[Entry], list[dict[str, str]]]:
    """The entries of a dataset (sorted by path) and the problems found while listing it.
    `label` and `text_column` name the columns of table and text files; `only` names the one
    file of a single-file input (table, text or audio: nothing else in its folder is read).

    Example:
        >>> import tempfile
        >>> scan(Path(tempfile.mkdtemp()), "folder")
        ([], [])
    """
    problems: list[dict[str, str]] = []
    entries = _format(layout, root).scan(root, problems, label=label, text_column=text_column,
                                         only=only)
    return entries, problems


def format_of(entry: Entry) -> Format:
    """The format an entry belongs to: the one it names (``extra["format"]``), else the image
    format its files say (a mask: ``masks``; boxes: ``yolo``; neither: ``folder``).

    Example:
        >>> format_of(Entry("images/a.jpg", boxes="labels/a.txt")).name
        'yolo'
    """
    name = entry.extra.get("format")
    if name is None:
        name = "masks" if entry.mask is not None else "yolo" if entry.boxes is not None else "folder"
    return _format(str(name), Path(entry.rel))


def read_entry(root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
    """The pipeline fields of one entry (``image`` and, per layout, ``mask``, ``bboxes`` or
    ``keypoints``; ``audio``, ``sample_rate`` and ``events``; ``text``; ``features`` and
    ``schema``).

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> root = Path(tempfile.mkdtemp()); _ = cv2.imwrite(str(root / "a.png"), np.zeros((4, 6), np.uint8))
        >>> read_entry(root, Entry("a.png"))["image"].shape
        (4, 6)
    """
    return format_of(entry).read(root, entry, max_pixels=max_pixels)


def original_outputs(src: Path, entry: Entry) -> tuple[dict[str, bytes], Any]:
    """An original copied byte for byte: ``({relative path: bytes}, part)`` as `write_outputs`.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "a.png").write_bytes(b"png")
        >>> original_outputs(root, Entry("a.png"))
        ({'a.png': b'png'}, None)
    """
    return format_of(entry).original(src, entry)


def write_outputs(out: Path, entry: Entry, copy: int, fields: dict[str, Any],
                  src: Path | None = None) -> tuple[dict[str, bytes], Any]:
    """Encode one augmented sample: ``({relative path: bytes}, part)``, nothing written yet.
    ``part`` is what the output adds to a shared file (a COCO image and its annotations, a row),
    assembled when the run ends; None for layouts with one file per sample.
    ``src`` (the input root) is where a VOC annotation's other fields are read from.

    Example:
        >>> import numpy as np
        >>> fields = {"image": np.zeros((2, 2), np.uint8)}
        >>> files, part = write_outputs(Path("out"), Entry("cats/a.png"), 1, fields)
        >>> list(files), part
        (['cats/a_aug1.png'], None)
    """
    return format_of(entry).write(out, entry, copy, fields, src)


def carried_files(root: Path, layout: str) -> dict[str, bytes]:
    """Files of the dataset that are not samples but belong with them in OUTPUT, copied as they
    are (relative path -> bytes): YOLO's ``data.yaml``/``dataset.yaml``, ``classes.txt`` and
    ``*.names`` (and ``labels/classes.txt``, where LabelImg writes it); the ``labelmap.txt``,
    ``labels.txt`` or ``classes.txt`` of a VOC, COCO or masks dataset (CVAT writes labelmap.txt).
    A folder of class subfolders carries nothing (its classes are its folder names); ImageSets/
    (VOC splits) is not carried: it lists the source images only, not the outputs.

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
    fmt = FORMATS.get(layout)
    found: dict[str, bytes] = {}
    if fmt is None:
        return found
    for pattern in fmt.carried:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if (path.name.startswith(".") or not path.is_file() or not inside(root, path)
                    or path.stat().st_size > _CARRIED_MAX_BYTES or not fmt.carries(root, rel)):
                continue
            found[rel] = path.read_bytes()
    return found


def entry_for_file(path: Path) -> tuple[Path, Entry]:
    """The dataset root and `Entry` of an image file, with its annotations when it sits in a
    COCO, YOLO (``images/`` + ``labels/``), VOC (``JPEGImages/`` + ``Annotations/``) or mask
    layout.

    Example:
        >>> root, entry = entry_for_file(Path("/data/photos/a.jpg"))  # no annotations beside it
        >>> root.as_posix(), entry.rel, entry.boxes
        ('/data/photos', 'a.jpg', None)
    """
    for fmt in FORMATS.values():
        found = fmt.entry_for_file(path)
        if found is not None:
            return found
    return path.parent, Entry(path.name)
