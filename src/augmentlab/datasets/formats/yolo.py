"""``yolo``: ``images/`` with ``labels/<stem>.txt`` (``class cx cy w h``, normalised); an image
without a label file has no boxes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...core.errors import DataError
from .base import Entry, Files, PairedImageFormat, inside, output_name

__all__ = ["YoloFormat", "read_yolo"]


def read_yolo(path: Path, rel: str) -> tuple[np.ndarray, list[int]]:
    """The boxes (normalised ``cx cy w h``) and classes of a YOLO label file.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_text("3 0.5 0.5 0.2 0.4\\n")
        >>> boxes, classes = read_yolo(p, "labels/a.txt")
        >>> boxes.tolist(), classes
        ([[0.5, 0.5, 0.2, 0.4]], [3])
    """
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


class YoloFormat(PairedImageFormat):
    """Images and their YOLO label files (``bboxes`` in ``yolo`` format, labelled by class).

    Example:
        >>> YoloFormat().carries(Path("/nowhere"), "labels/classes.txt")
        True
    """

    name = "yolo"
    carried = ("data.yaml", "data.yml", "dataset.yaml", "dataset.yml", "classes.txt", "*.names",
               "labels/classes.txt")
    images, annotations = "images", "labels"

    def carries(self, root: Path, rel: str) -> bool:
        # the label file of an image named classes.*: a sample's, not a class list
        return not (rel == "labels/classes.txt" and any((root / "images").glob("classes.*")))

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        entries = []
        for rel, stem in self.image_stems(root, problems):
            label_file = root / "labels" / f"{stem}.txt"
            boxes = label_file.relative_to(root).as_posix() if label_file.is_file() else None
            if boxes is not None and not inside(root, label_file):
                problems.append({"file": boxes, "error": "a symbolic link leading outside the input folder"})
                continue
            entries.append(Entry(rel, boxes=boxes))
        return entries

    def entry_for_file(self, path: Path) -> tuple[Path, Entry] | None:
        root = path.parent.parent
        if path.parent.name == "images" and (root / "labels" / f"{path.stem}.txt").is_file():
            return root, Entry(f"images/{path.name}", boxes=f"labels/{path.stem}.txt")
        return None

    def annotate(self, root: Path, entry: Entry, image: np.ndarray, max_pixels: int) -> dict[str, Any]:
        from ...image.spatial.fields import BBoxes

        fields: dict[str, Any] = {"image": image}
        if entry.boxes is not None:
            boxes, labels = read_yolo(root / entry.boxes, entry.boxes)
            fields["bboxes"] = BBoxes(boxes, format="yolo", labels=labels)
        return fields

    def write_annotations(self, files: Files, out: Path, entry: Entry, copy: int,
                          fields: dict[str, Any], src: Path | None, image_rel: str) -> Any:
        if entry.boxes is not None:
            boxes = fields["bboxes"]
            arr, labels = boxes.array, list(boxes.labels or [])  # boxes come back in their format (yolo)
            lines = [f"{int(c)} " + " ".join(f"{v:.6f}" for v in row)
                     for c, row in zip(labels, arr, strict=True)]
            files[output_name(entry.boxes, copy)] = ("\n".join(lines) + ("\n" if lines else "")).encode()
        return None
