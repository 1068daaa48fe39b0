"""Row datasets: tables (CSV, Parquet) and texts (JSONL, CSV with a text column).

Every row is one sample: a table row gives ``features`` (every column but the label), the
table's ``schema`` (inferred from the whole file) and ``label``; a text row gives ``text`` and
``label``. The output file has the input's name and format; its rows are the originals (with
``--include-originals``) and the augmented copies, in (row, copy) order, each with the input's
other columns unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..core.errors import DataError, MissingDependency

__all__ = ["ROW_SUFFIXES", "assemble_rows", "read_row", "row_part", "scan_rows"]

ROW_SUFFIXES = (".csv", ".parquet", ".jsonl")


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise MissingDependency("pandas", "measure", "augment on tables") from None
    return pd


def row_files(root: Path) -> list[Path]:
    """Table and text files directly in the root (sorted).

    Example:
        >>> import tempfile
        >>> row_files(Path(tempfile.mkdtemp()))
        []
    """
    return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in ROW_SUFFIXES and p.name not in ("manifest.jsonl", "errors.jsonl"))


def _csv_text_rows(path: Path, rel: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=rel) from None
    except csv.Error as exc:
        raise DataError(f"not a readable CSV: {exc}", path=rel) from None
    return header, rows


def text_column_of(path: Path, text_column: str) -> bool:
    """Whether a CSV file's header has the text column (then it is a text dataset)."""
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        header = next(csv.reader(f), [])
    return text_column in header


def scan_rows(root: Path, layout: str, problems: list[dict[str, str]], *, label: str | None,
              text_column: str, only: str | None = None) -> list[Any]:
    """One `Entry` per row of every table (``layout="table"``) or text (``"text"``) file (of
    the file named `only` alone, when given: its neighbours are never opened)."""
    from ..tabular.schema import Schema
    from .layout import Entry

    entries = []
    for path in [root / only] if only is not None else row_files(root):
        rel = path.name
        suffix = path.suffix.lower()
        if layout == "text":
            if suffix == ".jsonl":
                rows = _jsonl_rows(path, rel, problems)
            elif suffix == ".csv":
                _, csv_rows = _csv_text_rows(path, rel)
                rows = list(enumerate(csv_rows, start=2))  # the header is line 1
            else:
                continue
            for index, (line, row) in enumerate(rows):
                if not isinstance(row.get(text_column), str):
                    problems.append({"file": f"{rel}:{line}", "error": f"no text in column "
                                     f"{text_column!r} (use --text-column to name it)"})
                    continue
                entries.append(Entry(rel, label=_label_of(row, label), row=index,
                                     extra={"format": "text", "data": row, "text_column": text_column,
                                            "label_column": label, "line": line}))
        else:
            if suffix == ".jsonl":
                continue
            frame = _read_table(path, rel)
            if label is not None and label not in frame.columns:
                raise DataError(f"no label column {label!r}; the columns are "
                                f"{', '.join(map(str, frame.columns))} (see --label)", path=rel)
            schema = Schema.infer(frame, exclude=(label,) if label else ())
            columns = [str(c) for c in frame.columns]
            for index, row in enumerate(frame.to_dict("records")):
                row = {str(k): _native(v) for k, v in row.items()}
                entries.append(Entry(rel, label=None if label is None else str(row[label]), row=index,
                                     extra={"format": "table", "data": row, "schema": schema,
                                            "label_column": label, "columns": columns}))
    return entries


def _label_of(row: dict[str, Any], label: str | None) -> str | None:
    return None if label is None or row.get(label) is None else str(row[label])


def _native(value: Any) -> Any:
    value = value.item() if hasattr(value, "item") else value
    return None if value is not None and value != value else value  # NaN -> None (missing)


def _jsonl_rows(path: Path, rel: str, problems: list[dict[str, str]]) -> list[tuple[int, dict[str, Any]]]:
    from ..datasets.user import jsonl_objects

    rows = []
    for number, row in jsonl_objects(path, rel):
        if isinstance(row, str):
            problems.append({"file": f"{rel}:{number}", "error": row})
        else:
            rows.append((number, row))
    return rows


def _read_table(path: Path, rel: str) -> Any:
    pd = _pandas()
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path)
    except Exception as exc:  # pandas/pyarrow raise many types for a bad file
        raise DataError(f"cannot read this table: {exc}", path=rel) from None


def read_row(entry: Any) -> dict[str, Any]:
    """The pipeline fields of one row."""
    row, label = entry.extra["data"], entry.extra["label_column"]
    if entry.extra["format"] == "text":
        fields: dict[str, Any] = {"text": row[entry.extra["text_column"]]}
        if label is not None:
            fields["label"] = row.get(label)
        return fields
    fields = {"features": {k: v for k, v in row.items() if k != label}, "schema": entry.extra["schema"]}
    if label is not None:
        fields["label"] = row[label]
    return fields


def row_part(entry: Any, fields: dict[str, Any] | None) -> dict[str, Any]:
    """The output row (``fields`` None: the original row)."""
    row = entry.extra["data"]
    if fields is None:
        return dict(row)
    if entry.extra["format"] == "text":
        return {**row, entry.extra["text_column"]: fields["text"]}
    label = entry.extra["label_column"]
    out = dict(fields["features"])
    if label is not None:
        out[label] = row[label]
    return {c: out.get(c) for c in entry.extra["columns"]}


def assemble_rows(src: Path, rel: str, parts: list[dict[str, Any]], layout: str) -> bytes:
    """The output file of `rel` holding `parts` (rows, in manifest order), in the input's format:
    a text CSV through the csv module (strings as read), a table through pandas (integer columns
    of the input stay integer)."""
    suffix = Path(rel).suffix.lower()
    if suffix == ".jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in parts).encode()
    if layout == "text":
        header, _ = _csv_text_rows(src / rel, rel)
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(parts)
        return text.getvalue().encode()
    pd = _pandas()
    source = _read_table(src / rel, rel)
    frame = pd.DataFrame(parts, columns=list(map(str, source.columns)))
    for column in source.columns:  # numbers keep the input's dtype (whole floats stay float)
        kind = source[column].dtype.kind
        if kind == "f" or (kind in "iub" and not frame[str(column)].isna().any()):
            frame[str(column)] = frame[str(column)].astype(source[column].dtype)
    if suffix == ".parquet":
        binary = io.BytesIO()
        frame.to_parquet(binary, index=False)
        return binary.getvalue()
    return frame.to_csv(index=False, lineterminator="\n").encode()
