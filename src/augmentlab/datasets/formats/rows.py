"""What the row formats (``text``, ``table``) share: every row of a file is one sample, and the
output file has the input's name and format, its rows the originals (with
``--include-originals``) and the augmented copies, in (row, copy) order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...image.spatial.warp import MAX_PIXELS
from ...tabular.io import TABLE_SUFFIXES
from .base import Entry, Files, Format

__all__ = ["ROW_SUFFIXES", "RowFormat", "label_of", "row_files"]

ROW_SUFFIXES = (*TABLE_SUFFIXES, ".jsonl")


def row_files(root: Path) -> list[Path]:
    """Table and text files directly in the root (sorted), the job's own files left out.

    Example:
        >>> import tempfile
        >>> row_files(Path(tempfile.mkdtemp()))
        []
    """
    return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in ROW_SUFFIXES and p.name not in ("manifest.jsonl", "errors.jsonl"))


def label_of(row: dict[str, Any], label: str | None) -> str | None:
    """A row's label as a string (None: no label column, or an empty cell).

    Example:
        >>> label_of({"y": 3}, "y"), label_of({"y": None}, "y"), label_of({"y": 3}, None)
        ('3', None, None)
    """
    return None if label is None or row.get(label) is None else str(row[label])


class RowFormat(Format):
    """A format of files whose rows are the samples (`scan_file` lists one file's rows, `part`
    gives a row of the output); every output row goes to the shared output file."""

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        """One `Entry` per row of every file (of the file named `only` alone, when given: its
        neighbours are never opened)."""
        entries = []
        for path in [root / only] if only is not None else row_files(root):
            entries += self.scan_file(path, problems, label=label, text_column=text_column)
        return entries

    def scan_file(self, path: Path, problems: list[dict[str, str]], *, label: str | None,
                  text_column: str) -> list[Entry]:
        """The entries of one file's rows."""
        raise NotImplementedError

    def row_entry(self, rel: str, index: int, row: dict[str, Any], label: str | None,
                  **extra: Any) -> Entry:
        """The entry of row `index` of the file `rel` (its cells in ``extra["data"]``)."""
        return Entry(rel, label=label_of(row, label), row=index,
                     extra={"format": self.name, "data": row, "label_column": label, **extra})

    def read(self, root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
        raise NotImplementedError

    def part(self, entry: Entry, fields: dict[str, Any] | None) -> dict[str, Any]:
        """The output row (``fields`` None: the original row)."""
        raise NotImplementedError

    def original(self, src: Path, entry: Entry) -> tuple[Files, Any]:
        return {}, self.part(entry, None)

    def write(self, out: Path, entry: Entry, copy: int, fields: dict[str, Any],
              src: Path | None) -> tuple[Files, Any]:
        return {}, self.part(entry, fields)
