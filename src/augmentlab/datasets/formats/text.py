"""``text``: JSONL files, and CSV files with the text column; a row gives ``text`` and ``label``.
A row without text is left out (a line in errors.jsonl); the output keeps each row's other
columns as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...image.spatial.warp import MAX_PIXELS
from ...text.io import csv_bytes, csv_has_column, jsonl_bytes, jsonl_objects, read_csv_rows
from .base import Entry, Listing
from .rows import RowFormat, row_files

__all__ = ["TextFormat"]


def _is_text_file(path: Path, text_column: str) -> bool:
    suffix = path.suffix.lower()
    return suffix == ".jsonl" or (suffix == ".csv" and csv_has_column(path, text_column))


class TextFormat(RowFormat):
    r"""Texts, one per row of a JSONL or CSV file.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "t.jsonl").write_text('{"text": "a good film"}\n{"other": 1}\n')
        >>> problems = []
        >>> [e.key for e in TextFormat().scan(root, problems, label=None, text_column="text", only=None)]
        ['t.jsonl#0']
        >>> problems
        [{'file': 't.jsonl:2', 'error': "no text in column 'text' (use --text-column to name it)"}]
    """

    name = "text"

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        return any(_is_text_file(p, text_column) for p in row_files(root))

    def accepts_file(self, path: Path, text_column: str) -> bool:
        return _is_text_file(path, text_column)

    def scan_file(self, path: Path, problems: list[dict[str, str]], *, label: str | None,
                  text_column: str) -> list[Entry]:
        rel, suffix = path.name, path.suffix.lower()
        if suffix == ".jsonl":
            rows = _jsonl_rows(path, rel, problems)
        elif suffix == ".csv":
            _, csv_rows = read_csv_rows(path, rel)
            rows = list(enumerate(csv_rows, start=2))  # the header is line 1
        else:
            return []
        entries = []
        for index, (line, row) in enumerate(rows):
            if not isinstance(row.get(text_column), str):
                problems.append({"file": f"{rel}:{line}", "error": f"no text in column "
                                 f"{text_column!r} (use --text-column to name it)"})
                continue
            entries.append(self.row_entry(rel, index, row, label, text_column=text_column, line=line))
        return entries

    def read(self, root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
        row, label = entry.extra["data"], entry.extra["label_column"]
        fields: dict[str, Any] = {"text": row[entry.extra["text_column"]]}
        if label is not None:
            fields["label"] = row.get(label)
        return fields

    def part(self, entry: Entry, fields: dict[str, Any] | None) -> dict[str, Any]:
        row = entry.extra["data"]
        if fields is None:
            return dict(row)
        return {**row, entry.extra["text_column"]: fields["text"]}

    def assemble(self, src: Path, rel: str, parts: list[Any]) -> bytes:
        """JSONL through json (characters as they are), a CSV through the csv module with the
        input's header (strings as read)."""
        if Path(rel).suffix.lower() == ".jsonl":
            return jsonl_bytes(parts)
        header, _ = read_csv_rows(src / rel, rel)
        return csv_bytes(header, parts)


def _jsonl_rows(path: Path, rel: str, problems: list[dict[str, str]]) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, row in jsonl_objects(path, rel):
        if isinstance(row, str):
            problems.append({"file": f"{rel}:{number}", "error": row})
        else:
            rows.append((number, row))
    return rows
