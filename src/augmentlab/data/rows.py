"""Row datasets: tables (CSV, Parquet) and texts (JSONL, CSV with a text column).

Every row is one sample: a table row gives ``features`` (every column but the label), the
table's ``schema`` (inferred from the whole file) and ``label``; a text row gives ``text`` and
``label``. The output file has the input's name and format; its rows are the originals (with
``--include-originals``) and the augmented copies, in (row, copy) order, each with the input's
other columns unchanged. Tables keep their types: an integer column with missing values stays
integer (``1``, never ``1.0``), text and boolean cells are written as they were read, and a
column of numbers with a stray word in it is left as it is and reported in errors.jsonl.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

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
    r"""One `Entry` per row of every table (``layout="table"``) or text (``"text"``) file (of
    the file named `only` alone, when given: its neighbours are never opened). What cannot be
    used goes to `problems` (then errors.jsonl): a text row without text, or a table column of
    numbers holding a non-number, which is left as it is.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "t.csv").write_text("w,label\n3,a\n12a,b\n5,a\n")
        >>> problems = []
        >>> len(scan_rows(root, "table", problems, label="label", text_column="text"))
        3
        >>> problems
        [{'file': 't.csv', 'error': "column 'w' not augmented: line 3 holds '12a', not a number; ..."}]
    """
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
            frame = _read_table(path, rel).frame
            if label is not None and label not in frame.columns:
                raise DataError(f"no label column {label!r}; the columns are "
                                f"{', '.join(map(str, frame.columns))} (see --label)", path=rel)
            # a column of numbers with a stray word in it is left as it is (read as categories,
            # it would be resampled or swapped as such), and the user is told where the word is
            skipped = []
            for name in frame.columns:
                cells = _not_numbers(frame[name]) if name != label else []
                if cells:
                    skipped.append(str(name))
                    problems.append({"file": rel, "error": _not_augmented(str(name), cells, suffix)})
            schema = Schema.infer(frame, exclude=(*(() if label is None else (label,)), *skipped))
            columns = [str(c) for c in frame.columns]
            for index, row in enumerate(frame.to_dict("records")):
                row = {str(k): _native(v) for k, v in row.items()}
                entries.append(Entry(rel, label=_label_of(row, label), row=index,
                                     extra={"format": "table", "data": row, "schema": schema,
                                            "label_column": label, "columns": columns}))
    return entries


def _label_of(row: dict[str, Any], label: str | None) -> str | None:
    return None if label is None or row.get(label) is None else str(row[label])


def _native(value: Any) -> Any:
    """A cell as a plain Python value; None for a missing one (NaN, pandas' NA).

    Example:
        >>> import numpy as np, pandas as pd
        >>> _native(np.int64(3)), _native(float("nan")), _native(pd.NA), _native("NA")
        (3, None, None, 'NA')
    """
    value = value.item() if hasattr(value, "item") else value
    if value is None or type(value).__name__ == "NAType":  # pandas.NA, without importing pandas
        return None
    return None if isinstance(value, float) and math.isnan(value) else value


def _jsonl_rows(path: Path, rel: str, problems: list[dict[str, str]]) -> list[tuple[int, dict[str, Any]]]:
    from ..datasets.user import jsonl_objects

    rows = []
    for number, row in jsonl_objects(path, rel):
        if isinstance(row, str):
            problems.append({"file": f"{rel}:{number}", "error": row})
        else:
            rows.append((number, row))
    return rows


# what pandas reads as a missing value in a CSV by default (its ``na_values``): such a cell
# in a column of numbers is a missing number, never a reason to leave the column alone
_MISSING_MARKS = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                            "nan", "null"})
_WHOLE = r"\s*[+-]?\d+\s*"  # a cell written as an integer


@dataclass
class _Table:
    """A table as read: `frame` with each column's own type (integers with missing values as
    pandas' nullable Int64, never float), and for a CSV how each numeric column writes its
    missing cells (``"NA"``, ``"n/a"``, or ``""``)."""

    frame: Any
    missing_text: dict[str, str] = field(default_factory=dict)


def _read_table(path: Path, rel: str) -> _Table:
    pd = _pandas()
    try:
        if path.suffix.lower() == ".parquet":
            return _Table(_parquet_types(pd.read_parquet(path), path))
        return _csv_types(pd.read_csv(path), pd.read_csv(path, dtype=str, keep_default_na=False))
    except Exception as exc:  # pandas/pyarrow raise many types for a bad file
        raise DataError(f"cannot read this table: {exc}", path=rel) from None


def _csv_types(frame: Any, cells: Any) -> _Table:
    r"""A CSV read by pandas (`frame`), corrected with its cells as written (`cells`): a column
    of integers with an empty cell becomes Int64 (pandas reads it as float: 1 -> 1.0), and a
    text or boolean column keeps its cells as written (pandas reads "NA" or "None" as missing,
    and "true" as True, which would be written back as "True").

    Example:
        >>> import pandas as pd
        >>> text = "n,city,flag\n1,NA,true\n,FR,false\n"
        >>> t = _csv_types(pd.read_csv(io.StringIO(text)),
        ...                pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
        >>> str(t.frame["n"].dtype), t.frame["city"].tolist(), t.frame["flag"].tolist(), t.missing_text
        ('Int64', ['NA', 'FR'], ['true', 'false'], {'n': ''})
    """
    missing_text = {}
    for name in frame.columns:
        column, written = frame[name], cells[name]
        if column.dtype.kind not in "iuf":  # text: only an empty cell is missing
            frame[name] = written.mask(written == "")
            continue
        missing = column.isna()
        if not missing.any():
            continue
        marks = set(written[missing])  # missing cells are written back the way this file did
        missing_text[str(name)] = marks.pop() if len(marks) == 1 else ""
        if (column.dtype.kind == "f" and written[~missing].str.fullmatch(_WHOLE).all()
                and column.abs().max() < 2**53):  # beyond, float64 already lost digits
            frame[name] = column.astype("Int64")
    return _Table(frame, missing_text)


def _parquet_types(frame: Any, path: Path) -> Any:
    """A Parquet table read by pandas, with the file's own integer and boolean columns that have
    missing values (pandas reads them as float and object) as nullable Int/UInt and boolean."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # another engine read it: its types stand
        return frame
    for column in pq.read_schema(path):
        if column.name not in frame.columns:
            continue
        kind = frame[column.name].dtype.kind
        if pa.types.is_integer(column.type) and kind == "f":
            unsigned = "U" if pa.types.is_unsigned_integer(column.type) else ""
            frame[column.name] = frame[column.name].astype(f"{unsigned}Int{column.type.bit_width}")
        elif pa.types.is_boolean(column.type) and kind == "O":
            frame[column.name] = frame[column.name].astype("boolean")
    return frame


def _not_numbers(column: Any) -> list[tuple[int, str]]:
    """The (position, cell) of each cell that is not a number in a text column that mostly
    holds numbers (a typo, a unit, a note); [] for any other column. Missing-value marks
    ("NA", "n/a", ...) are not counted: a clean column reads them as missing.

    Example:
        >>> import pandas as pd
        >>> _not_numbers(pd.Series(["3", "12a", "5", "NA", "7"]))
        [(1, '12a')]
        >>> _not_numbers(pd.Series(["a", "b", "1"])), _not_numbers(pd.Series([1.5, 2.5]))
        ([], [])
    """
    pd = _pandas()
    present = column.reset_index(drop=True).dropna()
    if column.dtype.kind in "iufbmM" or not len(present) or \
            not all(isinstance(v, str) for v in present):
        return []
    numbers = pd.to_numeric(present, errors="coerce")
    odd = present[numbers.isna() & ~present.str.strip().isin(_MISSING_MARKS)]
    if odd.empty or int(numbers.notna().sum()) <= len(odd):
        return []
    return list(zip(odd.index.tolist(), odd.tolist(), strict=True))


def _not_augmented(name: str, cells: list[tuple[int, str]], suffix: str) -> str:
    """The errors.jsonl line of a column of numbers left alone: where its first non-numbers are
    (a CSV's line, counting the header; a Parquet row, from 0 as in the manifest) and what to do.

    Example:
        >>> _not_augmented("w", [(1, "12a")], ".csv")
        "column 'w' not augmented: line 3 holds '12a', not a number; ..."
    """
    def where(position: int) -> str:
        return f"line {position + 2}" if suffix == ".csv" else f"row {position}"

    (first, value), rest = cells[0], cells[1:]
    more = ""
    if rest:
        shown = ", ".join(f"{where(i)} {v!r}" for i, v in rest[:3])
        more = f" (and {len(rest)} more: {shown}{', ...' if len(rest) > 3 else ''})"
    return (f"column {name!r} not augmented: {where(first)} holds {value!r}, not a number{more}; "
            "its values were copied unchanged. To augment it, clean the column (numbers only, an "
            "empty cell for a missing value) and run again")


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
    r"""The output file of `rel` holding `parts` (rows, in manifest order), in the input's format:
    a text CSV through the csv module (strings as read), a table through pandas: integer columns
    stay integer (nullable where values are missing), text and boolean cells are written as read,
    and a CSV's missing numbers the way the input wrote them ("", "NA", ...).

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "t.csv").write_text("n,label\n1,NA\n,b\n")
        >>> parts = [{"n": 1, "label": "NA"}, {"n": None, "label": "b"}, {"n": 2, "label": "NA"}]
        >>> assemble_rows(root, "t.csv", parts, "table").decode()
        'n,label\n1,NA\n,b\n2,NA\n'
    """
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
    table = _read_table(src / rel, rel)
    source = table.frame
    frame = pd.DataFrame(parts, columns=list(map(str, source.columns)))
    for column in source.columns:  # numbers keep the input's dtype (whole floats stay float)
        name = str(column)
        dtype = _output_dtype(source[column].dtype, bool(frame[name].isna().any()))
        if dtype is not None:  # from the values themselves: a float detour would round big ints
            frame[name] = pd.Series([p.get(name) for p in parts], dtype=object,
                                    index=frame.index).astype(dtype)
    if suffix == ".parquet":
        binary = io.BytesIO()
        frame.to_parquet(binary, index=False)
        return binary.getvalue()
    for name, mark in table.missing_text.items():  # "NA" stays "NA", "n/a" stays "n/a"
        if mark and frame[name].isna().any():
            frame[name] = frame[name].astype(object).where(frame[name].notna(), mark)
    return frame.to_csv(index=False, lineterminator="\n").encode()


def _output_dtype(dtype: Any, missing: bool) -> Any:
    """The dtype an output column gets from its input column's: the same, or its nullable twin
    when the output has missing values (augmentation may drop values); None: leave it be.

    Example:
        >>> import numpy as np
        >>> _output_dtype(np.dtype("int32"), False), _output_dtype(np.dtype("int32"), True)
        (dtype('int32'), 'Int32')
        >>> _output_dtype(np.dtype("uint8"), True), _output_dtype(np.dtype(bool), True)
        ('UInt8', 'boolean')
        >>> _output_dtype(np.dtype(object), True) is None
        True
    """
    kind = dtype.kind
    if kind not in "iufb":
        return None
    if kind == "f" or not missing or not isinstance(dtype, np.dtype):  # Int64 & co hold missing values
        return dtype
    if kind == "b":
        return "boolean"
    return f"{'UInt' if kind == 'u' else 'Int'}{dtype.itemsize * 8}"
