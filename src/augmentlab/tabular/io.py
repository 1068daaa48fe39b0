r"""Table files (CSV, Parquet): the one reader every part of augmentlab uses, and its writer.

`read_table` gives pandas' own reading; `read_table_as_written` keeps each column's type as the
file holds it, so that a table written back is the table read (an integer column with missing
values stays integer, ``1`` never ``1.0``; text and boolean cells stay as written). Both raise
`DataError` naming the file for a missing or unreadable one, and `MissingDependency` naming the
feature when pandas is not installed.

Example:
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("n,city\n1,NA\n,FR\n")
    >>> table = read_table_as_written(p)
    >>> table_bytes(table.frame, ".csv", table.missing_text).decode()
    'n,city\n1,NA\n,FR\n'
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import DataError
from ..core.optional import require

__all__ = ["PARQUET_SUFFIXES", "TABLE_SUFFIXES", "Table", "read_table", "read_table_as_written",
           "table_bytes"]

PARQUET_SUFFIXES = (".parquet", ".pq")
TABLE_SUFFIXES = (".csv", *PARQUET_SUFFIXES)
_WHOLE = r"\s*[+-]?\d+\s*"  # a cell written as an integer


def _pandas(feature: str) -> Any:
    return require("pandas", "measure", feature)


def read_table(path: Path, *, name: str | None = None, feature: str = "reading tables") -> Any:
    """A CSV or Parquet file (``.parquet``, ``.pq``) as pandas reads it. `name` is what errors
    call the file (default: its path), `feature` what needs pandas when it is missing.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("a,b\\n1,x\\n")
        >>> read_table(p).to_dict("records")
        [{'a': 1, 'b': 'x'}]
        >>> read_table(p.with_name("none.csv"), name="none.csv")
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.DataError: none.csv: no such file
    """
    pd = _pandas(feature)
    return _guarded(path, name, lambda: pd.read_parquet(path) if _parquet(path) else pd.read_csv(path))


def _parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def _guarded(path: Path, name: str | None, read: Any) -> Any:
    """`read()`, with any failure of a missing or unreadable table as one `DataError`."""
    if not path.is_file():
        raise DataError("no such file", path=name or str(path))
    try:
        return read()
    except Exception as exc:  # pandas/pyarrow raise many types for a bad file
        raise DataError(f"cannot read this table: {exc}", path=name or str(path)) from None


@dataclass
class Table:
    """A table as read: `frame` with each column's own type (integers with missing values as
    pandas' nullable Int64, never float), and for a CSV how each numeric column writes its
    missing cells (``"NA"``, ``"n/a"``, or ``""``)."""

    frame: Any
    missing_text: dict[str, str] = field(default_factory=dict)


def read_table_as_written(path: Path, *, name: str | None = None,
                          feature: str = "augment on tables") -> Table:
    """A CSV or Parquet file with its columns' types as the file holds them (see `Table`).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text("n,flag\\n1,true\\n,false\\n")
        >>> t = read_table_as_written(p)
        >>> str(t.frame["n"].dtype), t.frame["flag"].tolist()
        ('Int64', ['true', 'false'])
    """
    pd = _pandas(feature)

    def read() -> Table:
        if _parquet(path):
            return Table(_parquet_types(pd.read_parquet(path), path))
        return _csv_types(pd.read_csv(path), pd.read_csv(path, dtype=str, keep_default_na=False))

    result: Table = _guarded(path, name, read)
    return result


def _csv_types(frame: Any, cells: Any) -> Table:
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
    return Table(frame, missing_text)


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


def table_bytes(frame: Any, suffix: str, missing_text: dict[str, str] | None = None) -> bytes:
    """A frame encoded as a file with `suffix` (``.csv``, ``.parquet``, ``.pq``), without its
    index; a CSV writes the missing cells of a column as `missing_text` says (``"NA"`` stays
    ``"NA"``, ``"n/a"`` stays ``"n/a"``; empty by default).

    Example:
        >>> import pandas as pd
        >>> table_bytes(pd.DataFrame({"n": [1, None]}), ".csv", {"n": "NA"})
        b'n\\n1.0\\nNA\\n'
    """
    if suffix.lower() in PARQUET_SUFFIXES:
        binary = io.BytesIO()
        frame.to_parquet(binary, index=False)
        return binary.getvalue()
    for name, mark in (missing_text or {}).items():
        if mark and frame[name].isna().any():
            frame[name] = frame[name].astype(object).where(frame[name].notna(), mark)
    return bytes(frame.to_csv(index=False, lineterminator="\n").encode())
