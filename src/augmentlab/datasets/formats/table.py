"""``table``: CSV and Parquet files; a row gives ``features`` (every column but the label), the
table's ``schema`` (inferred from the whole file) and ``label``.

Tables keep their types: an integer column with missing values stays integer (``1``, never
``1.0``), text and boolean cells are written as they were read, and a column of numbers with a
stray word in it is left as it is and reported in errors.jsonl.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ...core.errors import DataError
from ...core.optional import require
from ...image.spatial.warp import MAX_PIXELS
from ...tabular.io import TABLE_SUFFIXES, read_table_as_written, table_bytes
from .base import Entry, Listing
from .rows import RowFormat, row_files

__all__ = ["TableFormat"]

_FEATURE = "augment on tables"
# what pandas reads as a missing value in a CSV by default (its ``na_values``): such a cell
# in a column of numbers is a missing number, never a reason to leave the column alone
_MISSING_MARKS = frozenset({"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
                            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
                            "nan", "null"})


class TableFormat(RowFormat):
    r"""Rows of CSV and Parquet tables (a column of numbers holding a non-number is left as it is
    and reported).

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> _ = (root / "t.csv").write_text("w,label\n3,a\n12a,b\n5,a\n")
        >>> problems = []
        >>> len(TableFormat().scan(root, problems, label="label", text_column="text", only=None))
        3
        >>> problems
        [{'file': 't.csv', 'error': "column 'w' not augmented: line 3 holds '12a', not a number; ..."}]
    """

    name = "table"

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        return bool(row_files(root))  # after text: the row files that are not text

    def accepts_file(self, path: Path, text_column: str) -> bool:
        return path.suffix.lower() in TABLE_SUFFIXES

    def scan_file(self, path: Path, problems: list[dict[str, str]], *, label: str | None,
                  text_column: str) -> list[Entry]:
        from ...tabular.schema import Schema

        rel, suffix = path.name, path.suffix.lower()
        if suffix == ".jsonl":
            return []
        frame = read_table_as_written(path, name=rel, feature=_FEATURE).frame
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
        entries = []
        for index, row in enumerate(frame.to_dict("records")):
            row = {str(k): _native(v) for k, v in row.items()}
            entries.append(self.row_entry(rel, index, row, label, schema=schema, columns=columns))
        return entries

    def read(self, root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
        row, label = entry.extra["data"], entry.extra["label_column"]
        fields = {"features": {k: v for k, v in row.items() if k != label}, "schema": entry.extra["schema"]}
        if label is not None:
            fields["label"] = row[label]
        return fields

    def part(self, entry: Entry, fields: dict[str, Any] | None) -> dict[str, Any]:
        row = entry.extra["data"]
        if fields is None:
            return dict(row)
        label = entry.extra["label_column"]
        out = dict(fields["features"])
        if label is not None:
            out[label] = row[label]
        return {c: out.get(c) for c in entry.extra["columns"]}

    def assemble(self, src: Path, rel: str, parts: list[Any]) -> bytes:
        r"""The output table holding `parts` (rows, in manifest order), in the input's format:
        integer columns stay integer (nullable where values are missing), text and boolean cells
        are written as read, and a CSV's missing numbers the way the input wrote them ("", "NA").

        Example:
            >>> import tempfile
            >>> root = Path(tempfile.mkdtemp())
            >>> _ = (root / "t.csv").write_text("n,label\n1,NA\n,b\n")
            >>> parts = [{"n": 1, "label": "NA"}, {"n": None, "label": "b"}, {"n": 2, "label": "NA"}]
            >>> TableFormat().assemble(root, "t.csv", parts).decode()
            'n,label\n1,NA\n,b\n2,NA\n'
        """
        pd = require("pandas", "measure", _FEATURE)
        table = read_table_as_written(src / rel, name=rel, feature=_FEATURE)
        source = table.frame
        frame = pd.DataFrame(parts, columns=list(map(str, source.columns)))
        for column in source.columns:  # numbers keep the input's dtype (whole floats stay float)
            name = str(column)
            dtype = _output_dtype(source[column].dtype, bool(frame[name].isna().any()))
            if dtype is not None:  # from the values themselves: a float detour would round big ints
                frame[name] = pd.Series([p.get(name) for p in parts], dtype=object,
                                        index=frame.index).astype(dtype)
        return table_bytes(frame, Path(rel).suffix, table.missing_text)


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
    pd = require("pandas", "measure", _FEATURE)
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
