"""Text files (JSON lines, CSV with a text column): the one reader every part of augmentlab uses,
and its writers. A file that is not UTF-8 or not a readable CSV raises `DataError` naming it; a
JSONL line that is not a JSON object is reported by its line number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..core.errors import DataError

__all__ = ["csv_bytes", "csv_has_column", "jsonl_bytes", "jsonl_objects", "read_csv_rows"]


def jsonl_objects(path: Path, name: str | None = None) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(line number, object)`` for each non-blank line of a JSONL file, or ``(line number,
    what is wrong)`` for a line that is not a JSON object; a file that is not UTF-8 raises.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.jsonl"
        >>> _ = p.write_text('{"a": 1}\\n\\n[2]\\n{x\\n')
        >>> [(n, r if isinstance(r, dict) else r.split(":")[0]) for n, r in jsonl_objects(p)]
        [(1, {'a': 1}), (3, 'each line must be a JSON object'), (4, 'not valid JSON')]
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                        path=name or str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON: {exc.msg}"
            continue
        yield number, row if isinstance(row, dict) else "each line must be a JSON object"


def read_csv_rows(path: Path, name: str | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file's header and rows, every cell a string as written.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("text,label\\nNA,1\\n")
        >>> read_csv_rows(p)
        (['text', 'label'], [{'text': 'NA', 'label': '1'}])
    """
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                        path=name or str(path)) from None
    except csv.Error as exc:
        raise DataError(f"not a readable CSV: {exc}", path=name or str(path)) from None
    return header, rows


def csv_has_column(path: Path, column: str) -> bool:
    """Whether a CSV file's header names `column` (read leniently: only the header is looked at).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("text,label\\n")
        >>> csv_has_column(p, "text"), csv_has_column(p, "review")
        (True, False)
    """
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        header = next(csv.reader(f), [])
    return column in header


def jsonl_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as JSON lines (UTF-8, characters as they are).

    Example:
        >>> jsonl_bytes([{"text": "café"}]).decode()
        '{"text": "café"}\\n'
    """
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def csv_bytes(header: list[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as a CSV file with `header` (through the csv module: strings as they are).

    Example:
        >>> csv_bytes(["text", "label"], [{"text": "a, b", "label": "x"}]).decode()
        'text,label\\n"a, b",x\\n'
    """
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()
