"""``folder``: images anywhere below the root; a first-level subfolder is the class
(class-per-subfolder), images directly in the root have no label (a flat folder)."""

from __future__ import annotations

from pathlib import Path

from ...image.io import IMAGE_SUFFIXES
from .base import Entry, ImageFormat, Listing, files_below

__all__ = ["FolderFormat"]


class FolderFormat(ImageFormat):
    """Image files, labelled by their first-level folder; no annotations.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); (root / "cats").mkdir()
        >>> _ = (root / "cats" / "a.png").write_bytes(b"")
        >>> FolderFormat().scan(root, [], label=None, text_column="text", only=None)
        [Entry(rel='cats/a.png', label='cats', mask=None, boxes=None, extra={}, row=None)]
    """

    name = "folder"

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        # images with a stray CSV (labels, notes) are still an image dataset
        return bool(listing.suffixes & set(IMAGE_SUFFIXES))

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        entries = []
        for path in files_below(root, root, problems, IMAGE_SUFFIXES):
            parts = path.relative_to(root).parts
            entries.append(Entry("/".join(parts), label=parts[0] if len(parts) > 1 else None))
        return entries
