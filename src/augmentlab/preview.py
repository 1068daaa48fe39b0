"""The preview grids: ``augmentlab preview`` (the built-in photos augmented) and the image sheet of
``augmentlab show`` (one file and its augmented copies, captioned with what was drawn).

A sheet is laid out by `grid_shape` (no row left with a lone tile), each tile scaled to fit
``tile`` pixels (one scale for all, so crops keep their relative size), annotations drawn after
scaling (boxes with their class names, masks in distinct colours, keypoints as dots with an
outline), and each tile captioned: the original as ``original``, each copy with the key
parameters its replay record holds. JPEG by default: a sheet of 16 photos is a few hundred KB.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .core.compose import Compose
from .core.errors import InvalidConfig, InvalidInput
from .core.files import atomic_write
from .core.sample import Record
from .core.transform import Transform
from .data.show import pixel_boxes
from .image import (
    Affine,
    BrightnessContrast,
    CoarseDropout,
    GaussNoise,
    HorizontalFlip,
    HueSaturationValue,
)

__all__ = ["Cell", "Sheet", "caption", "grid_shape", "make_sheet", "preview", "show_image"]

# Objects in the built-in photos, for drawing boxes and keypoints on the demo grid (x0, y0, x1, y1).
_PHOTO_BOXES = {
    "astronaut": [[90, 10, 170, 100]],
    "coffee": [[40, 60, 200, 200]],
    "china": [[10, 20, 140, 240]],
    "flower": [[60, 50, 200, 210]],
}


def _preview_pipeline() -> Compose:
    return Compose([
        HorizontalFlip(p=0.5),
        Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, shear=0.0, keep_ratio=True, p=1.0),
        BrightnessContrast(brightness_limit=0.2, contrast_limit=0.2),
        HueSaturationValue(hue_shift_limit=20, sat_shift_limit=30, val_shift_limit=20, p=1.0),
        GaussNoise(std_range=(0.02, 0.08), p=1.0),
        CoarseDropout(num_holes_range=(1, 3), p=1.0),
    ], seed=0, min_visibility=0.2)


def _draw(image: np.ndarray, boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    import cv2

    out = np.ascontiguousarray(image.copy())
    for x0, y0, x1, y1 in np.asarray(boxes).reshape(-1, 4)[:, :4]:
        cv2.rectangle(out, (int(round(x0)), int(round(y0))), (int(round(x1)) - 1, int(round(y1)) - 1),
                      (0, 255, 0), 2)
    for x, y in np.asarray(points).reshape(-1, 2):
        cv2.circle(out, (int(round(x)), int(round(y))), 4, (255, 0, 0), -1)
    return out


def preview(out_dir: Path, copies: int = 5) -> Path:
    """Augment the built-in photos and write a PNG grid: originals, then augmented copies, with
    boxes (green) and keypoints (red) drawn where the pipeline moved them.

    Example:
        >>> import tempfile
        >>> preview(Path(tempfile.mkdtemp()), copies=1).name
        'preview_grid.png'
    """
    import cv2

    from .datasets import sample_photos

    pipe = _preview_pipeline()
    rows = []
    for sid, (name, img) in enumerate(sample_photos(256)):
        boxes = np.array(_PHOTO_BOXES[name], float)
        points = np.array([[(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] for b in boxes])
        cells = [_draw(img, boxes, points)]
        for c in range(copies):
            out = pipe(image=img, bboxes=boxes, keypoints=points, sample_id=sid, copy=c)
            cells.append(_draw(out["image"], out["bboxes"], out["keypoints"]))
        rows.append(np.concatenate([np.pad(c, ((4, 4), (4, 4), (0, 0)), constant_values=255)
                                    for c in cells], axis=1))
    grid = np.concatenate(rows, axis=0)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "preview_grid.png"
    ok, buf = cv2.imencode(".png", cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    atomic_write(path, buf.tobytes())
    atomic_write(out_dir / "preview_pipeline.yaml", pipe.to_yaml().encode("utf-8"))
    return path


# ---------------------------------------------------------------------------------------------
# The sheet of `augmentlab show`: layout, captions, drawing
# ---------------------------------------------------------------------------------------------

# distinct colours (RGB) for classes and mask values; the first is the green boxes always had
PALETTE = [(0, 255, 0), (255, 0, 255), (0, 190, 255), (255, 140, 0), (255, 255, 0), (140, 90, 255),
           (0, 255, 190), (255, 60, 60), (120, 200, 0), (255, 120, 200)]
_FONT_SCALE, _LINE, _PAD, _GAP = 0.4, 14, 4, 6  # caption text, its line height, margins
_MIN_WIDTH = 180  # a cell is at least this wide, so that its caption has room
MAX_CAPTION_LINES = 6


@dataclass(frozen=True)
class Cell:
    """One tile of a sheet: where its image sits (pixels, in the sheet) and its caption lines."""

    x: int
    y: int
    width: int
    height: int
    caption: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Sheet:
    """A laid-out sheet: the RGB image, its cells in order (the original first) and its grid."""

    image: np.ndarray
    cells: list[Cell]
    rows: int
    columns: int
    path: Path | None = None


def grid_shape(count: int) -> tuple[int, int]:
    """``(rows, columns)`` for `count` tiles: no orphan row (the last row holds at least half as
    many tiles as the others), then as few empty cells and as square as can be (twice the empty
    cells plus the difference between columns and rows, smallest; wider on a tie).

    Example:
        >>> grid_shape(16), grid_shape(17), grid_shape(4), grid_shape(13), grid_shape(1)
        ((4, 4), (3, 6), (2, 2), (3, 5), (1, 1))
    """
    if count < 1:
        raise InvalidInput(f"a sheet needs at least one tile, got {count}")
    best: tuple[int, int, int] = (count, 0, count)  # (score, -columns, rows): one row always fits
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        last = count - (rows - 1) * columns
        if rows > 1 and 2 * last < columns:  # a lone tile (or a few) on the last row
            continue
        best = min(best, (2 * (rows * columns - count) + abs(columns - rows), -columns, rows))
    return best[2], -best[1]


def _number(value: Any) -> str | None:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return None


def _brief(value: Any) -> str | None:
    """A parameter as a short caption value, or None when it is too long to show (holes, seeds)."""
    single = _number(value)
    if single is not None:
        return single
    if isinstance(value, str):
        return value if len(value) <= 16 else None
    if isinstance(value, (list, tuple)) and 0 < len(value) <= 3:
        parts = [_number(v) for v in value]
        if all(p is not None for p in parts):
            return parts[0] if len(set(parts)) == 1 else ",".join(p for p in parts if p)
    return None


def caption(record: Record | None, copy: int, *, params_per_step: int = 3) -> list[str]:
    """The caption lines of augmented copy `copy`: ``copy N``, then one line per transform that
    ran, with its key sampled parameters from the replay record (seeds and long lists left out).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Compose([al.Rotate(limit=30, p=1), al.Invert(p=0)])(
        ...     image=np.zeros((8, 8, 3), np.uint8), sample_id=1, copy=2)
        >>> caption(out.record, 2)
        ['copy 2', 'Rotate angle=...']
    """
    lines = [f"copy {copy}"]
    steps = [s for s in record.steps if s.applied] if record is not None else []
    for step in steps:
        shown = [f"{k}={v}" for k, v in ((k, _brief(v)) for k, v in step.params.items()
                                          if k != "seed") if v is not None][:params_per_step]
        lines.append(" ".join([step.name.split("/")[-1], *shown]))
    if len(lines) == 1:
        lines.append("(no transform applied)")
    return lines


def _wrap(lines: Sequence[str], width: int) -> list[str]:
    """`lines` wrapped to `width` pixels of caption text (continuations indented), at most
    `MAX_CAPTION_LINES` (the last then says how many more there were).

    Example:
        >>> _wrap(["Affine angle=-6.5 scale=1.03 translate=0.1,0.2"], 120)
        ['Affine angle=-6.5', '  scale=1.03', '  translate=0.1,0.2']
    """
    import cv2

    def fits(text: str) -> bool:
        return cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, _FONT_SCALE, 1)[0][0] <= width

    out: list[str] = []
    for line in lines:
        current = ""
        for word in line.split(" "):
            trial = f"{current} {word}" if current else word
            if fits(trial) or not current:
                current = trial
            else:
                out.append(current)
                current = "  " + word
        out.append(current)
    if len(out) > MAX_CAPTION_LINES:
        out = out[:MAX_CAPTION_LINES - 1] + [f"... ({len(out) - MAX_CAPTION_LINES + 1} more lines)"]
    while any(not fits(line) and len(line) > 4 for line in out):  # a single word too long
        out = [line if fits(line) else line[:-4] + "..." for line in out]
    return out


def make_sheet(tiles: Sequence[np.ndarray], captions: Sequence[Sequence[str]],
               *, columns: int | None = None) -> Sheet:
    """Lay `tiles` (RGB uint8, any sizes) out on a white sheet (`grid_shape` unless `columns`),
    each with its caption lines below it.

    Example:
        >>> tiles = [np.zeros((20, 30, 3), np.uint8)] * 5
        >>> sheet = make_sheet(tiles, [["original"]] + [[f"copy {i}"] for i in range(1, 5)])
        >>> sheet.rows, sheet.columns, sheet.cells[0].caption, sheet.cells[4].caption
        (2, 3, ['original'], ['copy 4'])
    """
    import cv2

    if len(tiles) != len(captions):
        raise InvalidInput(f"{len(tiles)} tiles but {len(captions)} captions")
    rows, columns = grid_shape(len(tiles)) if columns is None else (math.ceil(len(tiles) / columns),
                                                                     columns)
    cell_w = max(_MIN_WIDTH, *(t.shape[1] for t in tiles))
    tile_h = max(t.shape[0] for t in tiles)
    wrapped = [_wrap(c, cell_w - 2 * _PAD) for c in captions]
    band = _PAD + _LINE * max(len(w) for w in wrapped)
    cell_h = tile_h + band
    sheet = np.full((rows * (cell_h + _GAP) + _GAP, columns * (cell_w + _GAP) + _GAP, 3), 255,
                    np.uint8)
    cells = []
    for i, (tile, lines) in enumerate(zip(tiles, wrapped, strict=True)):
        r, c = divmod(i, columns)
        x0, y0 = _GAP + c * (cell_w + _GAP), _GAP + r * (cell_h + _GAP)
        x = x0 + (cell_w - tile.shape[1]) // 2
        sheet[y0:y0 + tile.shape[0], x:x + tile.shape[1]] = tile
        for k, line in enumerate(lines):
            cv2.putText(sheet, line, (x0 + _PAD, y0 + tile_h + _LINE * (k + 1)),
                        cv2.FONT_HERSHEY_SIMPLEX, _FONT_SCALE, (0, 0, 0), 1, cv2.LINE_AA)
        cells.append(Cell(x, y0, tile.shape[1], tile.shape[0], list(lines)))
    return Sheet(sheet, cells, rows, columns)


def _displayable(image: np.ndarray) -> np.ndarray:
    """Any image a pipeline gives back as RGB uint8 (grey repeated, alpha dropped, floats in [0, 1]
    and 16-bit integers scaled)."""
    img = np.asarray(image)
    if img.dtype == np.uint16:
        img = (img >> 8).astype(np.uint8)
    elif img.dtype.kind == "f":
        img = (np.clip(np.nan_to_num(img), 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    elif img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        img = np.dstack([img] * 3)
    return np.ascontiguousarray(img[..., :3] if img.shape[2] >= 3 else np.dstack([img[..., 0]] * 3))


def _tile(fields: dict[str, Any], scale: float, name_of: Callable[[Any], str],
          colours: dict[str, int]) -> np.ndarray:
    """One sample drawn at `scale`: masks tinted (a colour per value or instance), boxes outlined
    with their class name (a colour per class, in `colours`, shared by the sheet's tiles),
    keypoints as dots with a dark outline."""
    import cv2

    img = _displayable(fields["image"])
    h, w = img.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    out = cv2.resize(img, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_NEAREST)
    mask = fields.get("mask")
    if mask is not None:
        mask = np.asarray(mask)
        layers = [mask[..., k] for k in range(mask.shape[2])] if mask.ndim == 3 else [mask]
        for k, layer in enumerate(layers):
            small = cv2.resize(layer.astype(np.uint8) if layer.dtype == bool else layer, size,
                               interpolation=cv2.INTER_NEAREST)
            for v in (v for v in np.unique(small) if v != 0):  # instances by channel, classes by value
                colour = PALETTE[(k if mask.ndim == 3 else int(v)) % len(PALETTE)]
                on = small == v
                out[on] = (0.55 * out[on] + 0.45 * np.array(colour)).astype(np.uint8)
    thick = max(1, round(min(size) / 128))
    boxes = fields.get("bboxes")
    if boxes is not None and hasattr(boxes, "array"):
        labels = list(boxes.labels) if boxes.labels is not None else [None] * len(boxes.array)
        for (x0, y0, x1, y1), label in zip(pixel_boxes(boxes, img.shape) * scale, labels, strict=True):
            name = name_of(label) if label is not None else ""
            colour = PALETTE[colours.setdefault(name, len(colours) % len(PALETTE))]
            p0, p1 = (int(round(x0)), int(round(y0))), (int(round(x1)) - 1, int(round(y1)) - 1)
            cv2.rectangle(out, p0, p1, colour, thick + 1)
            if name:
                (tw, th), _ = cv2.getTextSize(name, cv2.FONT_HERSHEY_SIMPLEX, _FONT_SCALE, 1)
                top = max(p0[1], th + 4)
                cv2.rectangle(out, (p0[0], top - th - 4), (p0[0] + tw + 4, top), colour, -1)
                cv2.putText(out, name, (p0[0] + 2, top - 3), cv2.FONT_HERSHEY_SIMPLEX, _FONT_SCALE,
                            (0, 0, 0), 1, cv2.LINE_AA)
    points = fields.get("keypoints")
    if points is not None:
        xy = np.asarray(getattr(points, "array", points), dtype=np.float64).reshape(-1, 2)[:, :2]
        radius = max(3, round(min(size) / 80))
        for x, y in xy * scale:
            centre = (int(round(x)), int(round(y)))
            cv2.circle(out, centre, radius + 1, (0, 0, 0), -1)
            cv2.circle(out, centre, radius, (255, 40, 40), -1)
    return out


def _class_names(root: Path, entry: Any) -> Callable[[Any], str]:
    """How a box label of `entry` reads as a class name: VOC object names, COCO category names,
    YOLO names from ``classes.txt`` / ``data.yaml``; the label itself otherwise."""
    import json

    import yaml

    names: dict[Any, str] = {}
    boxes = entry.boxes or ""
    try:
        if boxes.endswith(".xml"):
            from .datasets.formats.voc import read_voc

            names = dict(enumerate(read_voc(root / boxes, boxes)[1]))
        elif boxes.endswith(".json"):
            data = json.loads((root / boxes).read_text(encoding="utf-8"))
            category = {c.get("id"): str(c.get("name")) for c in data.get("categories", [])
                        if isinstance(c, dict)}
            names = {a: category.get(ann.get("category_id"), str(ann.get("category_id")))
                     for a, ann in enumerate(entry.extra.get("annotations", []))}
        elif boxes.endswith(".txt"):
            for candidate in ("classes.txt", "labels/classes.txt"):
                if (root / candidate).is_file():
                    lines = (root / candidate).read_text(encoding="utf-8").splitlines()
                    names = {k: n.strip() for k, n in enumerate(lines) if n.strip()}
                    break
            for candidate in ("data.yaml", "data.yml", "dataset.yaml", "dataset.yml"):
                if not names and (root / candidate).is_file():
                    listed = (yaml.safe_load((root / candidate).read_text(encoding="utf-8")) or {})
                    listed = listed.get("names", {}) if isinstance(listed, dict) else {}
                    names = dict(enumerate(listed)) if isinstance(listed, list) else dict(listed)
    except (OSError, ValueError, yaml.YAMLError, AttributeError):  # names are a courtesy
        names = {}
    return lambda label: str(names.get(label, names.get(_as_int(label), label)))


def _as_int(label: Any) -> Any:
    try:
        return int(label)
    except (TypeError, ValueError):
        return label


def _encode(path: Path, image: np.ndarray) -> bytes:
    import cv2

    suffix = path.suffix.lower()
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    if suffix in (".jpg", ".jpeg"):
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 88])
    elif suffix == ".png":
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    else:
        raise InvalidConfig(f"--out {path}: write the sheet as .jpg (small, the default) or .png")
    return bytes(buf.tobytes())


def show_image(pipeline: Transform, file: str | Path, out: str | Path, *, copies: int = 15,
               seed: int = 0, tile: int = 256) -> Sheet:
    """Write the sheet of `file` and `copies` augmented copies (the copies `augment` writes, with
    the same seed) to `out` (.jpg or .png): every tile scaled to fit `tile` pixels, annotations
    found beside the file (COCO, YOLO, VOC, masks) drawn, each tile captioned.

    Example:
        >>> import tempfile, cv2, augmentlab as al
        >>> d = Path(tempfile.mkdtemp()); _ = cv2.imwrite(str(d / "a.png"), np.zeros((16, 24, 3), np.uint8))
        >>> sheet = show_image(al.Compose([al.HorizontalFlip()]), d / "a.png", d / "s.jpg", copies=3)
        >>> sheet.path.name, sheet.rows, sheet.columns, sheet.cells[0].caption
        ('s.jpg', 2, 2, ['original', '24x16'])
        >>> sheet.cells[1].caption
        ['copy 1', 'HorizontalFlip']
    """
    from .data import sample_id_of
    from .datasets.formats import entry_for_file, read_entry

    file, out = Path(file), Path(out)
    if not file.is_file():
        raise InvalidInput(f"{file} is not a file; give the path of an image")
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise InvalidInput(f"copies={copies!r}: give a whole number >= 1")
    if isinstance(tile, bool) or not isinstance(tile, int) or not 16 <= tile <= 4096:
        raise InvalidInput(f"tile={tile!r}: give a tile size in pixels between 16 and 4096")
    if out.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        raise InvalidConfig(f"--out {out}: write the sheet as .jpg (small, the default) or .png")
    pipe = pipeline if isinstance(pipeline, Compose) else Compose([pipeline])
    root, entry = entry_for_file(file)
    fields = read_entry(root, entry)
    samples = [fields] + [pipe(**fields, sample_id=sample_id_of(entry.rel), copy=c, seed=seed)
                          for c in range(1, copies + 1)]
    largest = max(max(np.asarray(s["image"]).shape[:2]) for s in samples)
    scale = tile / largest
    name_of = _class_names(root, entry)
    h, w = np.asarray(fields["image"]).shape[:2]
    found = [k for k in ("bboxes", "mask", "keypoints") if k in fields]
    captions = [["original", f"{w}x{h}" + (f", {', '.join(found)}" if found else "")]]
    captions += [caption(getattr(s, "record", None), c) for c, s in enumerate(samples[1:], 1)]
    colours: dict[str, int] = {}
    sheet = make_sheet([_tile(s, scale, name_of, colours) for s in samples], captions)
    atomic_write(out, _encode(out, sheet.image))
    return Sheet(sheet.image, sheet.cells, sheet.rows, sheet.columns, out)
