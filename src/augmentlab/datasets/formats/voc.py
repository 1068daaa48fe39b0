"""``voc``: ``JPEGImages/`` with ``Annotations/<stem>.xml`` (Pascal VOC boxes). An output's XML
is its source's with the new file name, size and boxes: every other field of an object
(``difficult``, ``truncated``, ...) is kept."""

from __future__ import annotations

import copy as copying
from pathlib import Path
from typing import Any

import numpy as np

from ...core.errors import DataError
from .base import Entry, Files, PairedImageFormat, inside, output_name, turn_hint

__all__ = ["VocFormat", "read_voc"]


def read_voc(path: Path, rel: str) -> tuple[np.ndarray, list[str], tuple[Any, Any]]:
    """The boxes, their names, and the ``<size>`` (width, height; None where not given).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.xml"
        >>> _ = p.write_text("<annotation><object><name>cat</name><bndbox><xmin>1</xmin>"
        ...                  "<ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>")
        >>> boxes, names, size = read_voc(p, "a.xml")
        >>> boxes.tolist(), names, size
        ([[1.0, 2.0, 3.0, 4.0]], ['cat'], (None, None))
    """
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
        obj = copying.deepcopy(objects[int(index)])
        bnd = obj.find("bndbox")
        for key, value in zip(("xmin", "ymin", "xmax", "ymax"), row, strict=True):
            bnd.find(key).text = f"{value:.1f}"  # type: ignore[union-attr]
        root.append(obj)
    ET.indent(tree)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


class VocFormat(PairedImageFormat):
    """Images and their Pascal VOC annotations (``bboxes`` in ``pascal_voc`` format, labelled by
    the index of their object in the XML).

    Example:
        >>> VocFormat().entry_for_file(Path("/nowhere/JPEGImages/a.jpg")) is None
        True
    """

    name = "voc"
    carried = ("labelmap.txt", "labels.txt", "classes.txt")
    images, annotations = "JPEGImages", "Annotations"

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        entries = []
        for rel, stem in self.image_stems(root, problems):
            xml = root / "Annotations" / f"{stem}.xml"
            if not xml.is_file():
                problems.append({"file": rel, "error": f"no annotation Annotations/{stem}.xml"})
                continue
            if not inside(root, xml):
                problems.append({"file": rel, "error": "a symbolic link leading outside the input folder"})
                continue
            entries.append(Entry(rel, boxes=xml.relative_to(root).as_posix(), extra={"format": "voc"}))
        return entries

    def entry_for_file(self, path: Path) -> tuple[Path, Entry] | None:
        root = path.parent.parent
        if path.parent.name == "JPEGImages" and (root / "Annotations" / f"{path.stem}.xml").is_file():
            return root, Entry(f"JPEGImages/{path.name}", boxes=f"Annotations/{path.stem}.xml",
                               extra={"format": "voc"})
        return None

    def annotate(self, root: Path, entry: Entry, image: np.ndarray, max_pixels: int) -> dict[str, Any]:
        from ...image.spatial.fields import BBoxes

        fields: dict[str, Any] = {"image": image}
        if entry.boxes is None:
            return fields
        voc, _, size = read_voc(root / entry.boxes, entry.boxes)
        # a size that is not the image's is tolerated (VOC files often carry 0 or stale sizes),
        # except the one that says the boxes were drawn on the pixels as stored, not as displayed
        hint = turn_hint(root / entry.rel, size, image.shape)
        if hint:
            h, w = image.shape[:2]
            raise DataError(f"{entry.boxes} says {size[0]}x{size[1]} for this image; it is displayed "
                            f"as {w}x{h}" + hint, path=entry.rel)
        fields["bboxes"] = BBoxes(voc, format="pascal_voc", labels=list(range(len(voc))))
        return fields

    def write_annotations(self, files: Files, out: Path, entry: Entry, copy: int,
                          fields: dict[str, Any], src: Path | None, image_rel: str) -> Any:
        if entry.boxes is None:
            return None
        if src is None:
            raise DataError("writing a VOC annotation needs the input root (src)", path=entry.rel)
        files[output_name(entry.boxes, copy)] = _voc_xml(src / entry.boxes, Path(image_rel).name,
                                                         fields["image"].shape, fields["bboxes"])
        return None
