"""``masks``: ``images/`` with paired segmentation masks in ``masks/`` (same stem); an output's
mask is written as PNG (lossless) whatever the input's format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...core.errors import DataError
from ...image.io import IMAGE_SUFFIXES, encode_mask, mask_palette, read_mask
from .base import Entry, Files, PairedImageFormat, files_below, output_name, turn_hint

__all__ = ["MasksFormat"]


class MasksFormat(PairedImageFormat):
    """Images and their segmentation masks (``mask``, the size of its image).

    Example:
        >>> MasksFormat().entry_for_file(Path("/nowhere/images/a.png")) is None
        True
    """

    name = "masks"
    carried = ("labelmap.txt", "labels.txt", "classes.txt")
    images, annotations = "images", "masks"

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        masks = {p.relative_to(root / "masks").with_suffix("").as_posix(): p
                 for p in files_below(root, root / "masks", problems, IMAGE_SUFFIXES)}
        entries = []
        for image_rel, key in self.image_stems(root, problems):
            if key not in masks:
                problems.append({"file": image_rel, "error": f"no mask masks/{key}.* for this image"})
                continue
            entries.append(Entry(image_rel, mask=masks[key].relative_to(root).as_posix()))
        return entries

    def entry_for_file(self, path: Path) -> tuple[Path, Entry] | None:
        root = path.parent.parent
        if path.parent.name == "images" and (root / "masks").is_dir():
            masks = sorted((root / "masks").glob(f"{path.stem}.*"))
            if masks:
                return root, Entry(f"images/{path.name}", mask=f"masks/{masks[0].name}")
        return None

    def annotate(self, root: Path, entry: Entry, image: np.ndarray, max_pixels: int) -> dict[str, Any]:
        fields: dict[str, Any] = {"image": image}
        if entry.mask is None:
            return fields
        mask = read_mask(root / entry.mask, max_pixels=max_pixels)
        if mask.shape[:2] != image.shape[:2]:
            hint = turn_hint(root / entry.rel, (mask.shape[1], mask.shape[0]), image.shape)
            raise DataError(f"mask {entry.mask} is {mask.shape[1]}x{mask.shape[0]}, its image "
                            f"{image.shape[1]}x{image.shape[0]}; they must match" + hint,
                            path=entry.rel)
        fields["mask"] = mask
        return fields

    def write_annotations(self, files: Files, out: Path, entry: Entry, copy: int,
                          fields: dict[str, Any], src: Path | None, image_rel: str) -> Any:
        if entry.mask is not None:
            mask_rel = Path(output_name(entry.mask, copy)).with_suffix(".png").as_posix()
            palette = mask_palette(src / entry.mask) if src is not None else None
            files[mask_rel] = encode_mask(out / mask_rel, fields["mask"], palette)
        return None
