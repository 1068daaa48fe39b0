"""Tables keep their types through `augmentlab augment` (issue "hostile input and faults",
item about tables): an integer column with a missing value stays integer (``1``, never ``1.0``;
nullable Int64 in Parquet), the cells of text, boolean and untouched columns are written as
they were read, and a numeric column with a stray non-number is left as it is and reported in
errors.jsonl rather than silently skipped."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.data import augment_dataset, verify_output
from augmentlab.errors import DataError

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

NOISE = al.Compose([al.tabular.GaussianNoise(scale=0.5)])


def _cells(path: Path) -> dict[str, list[str]]:
    """Column -> its cells as the file spells them."""
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    return {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}


def _errors(out: Path) -> list[dict[str, str]]:
    return [json.loads(t) for t in (out / "errors.jsonl").read_text().splitlines()]


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "augmentlab.yaml"}


def test_csv_integer_columns_with_a_missing_value_stay_integers(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    src = tmp_path / "in" / "t.csv"
    src.write_text("x,n,label\n1.5,3,1\n2.5,,\n3.5,5,0\n4.5,7,1\n6.0,11,1\n")
    one = augment_dataset(src, tmp_path / "one", NOISE, copies=2, label="label", quiet=True,
                          include_originals=True)
    assert one.written == 15 and one.errors == 0
    cells = _cells(tmp_path / "one" / "t.csv")
    # the label is never changed: 1 stays 1, the empty cell stays empty (3 rows per input row)
    assert cells["label"] == [v for v in ["1", "", "0", "1", "1"] for _ in range(3)]
    assert cells["n"][3:6] == ["", "", ""]
    assert all(c.lstrip("-").isdigit() for i, c in enumerate(cells["n"]) if i not in (3, 4, 5))
    assert cells["n"] != _cells(src)["n"] * 3  # the integer column was augmented
    assert cells["x"][0] == "1.5" and cells["x"][12] == "6.0"  # a float column stays float
    manifest = [json.loads(t) for t in (tmp_path / "one" / "manifest.jsonl").read_text().splitlines()]
    assert [m["label"] for m in manifest[:4]] == ["1", "1", "1", None]  # not "1.0", nor "None"
    assert verify_output(tmp_path / "one") == []
    augment_dataset(src, tmp_path / "two", NOISE, copies=2, label="label", quiet=True,
                    include_originals=True, workers=2)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_values_made_missing_keep_an_integer_column_integer(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("n,m,label\n" + "".join(f"{i},{10 * i},{i % 2}\n" for i in range(1, 13)))
    pipe = al.Compose([al.tabular.FeatureDropout(rate=0.5)])
    augment_dataset(src, tmp_path / "out", pipe, copies=2, seed=1, label="label", quiet=True)
    cells = _cells(tmp_path / "out" / "t.csv")
    assert "" in cells["n"] and "" in cells["m"]  # some values were dropped ...
    assert all(c == "" or c.isdigit() for c in cells["n"] + cells["m"])  # ... the rest are integers
    assert verify_output(tmp_path / "out") == []


def test_parquet_integer_and_boolean_columns_keep_their_types(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    # written by pandas with nullable integers, and by pyarrow with narrow nullable types
    frame = pd.DataFrame({"x": [1.5, 2.5, 3.5, 4.5], "n": pd.array([3, None, 5, 7], dtype="Int64"),
                          "k": [1, 2, 3, 4], "label": pd.array([1, 0, None, 1], dtype="Int64")})
    frame.to_parquet(tmp_path / "in" / "a.parquet", index=False)
    table = pa.table({"v": pa.array([10, None, 30, 40], pa.int32()),
                      "flag": pa.array([True, None, False, True]),
                      "label": pa.array([1, 0, None, 1], pa.int16())})
    pq.write_table(table, tmp_path / "in" / "b.parquet")
    pipe = al.Compose([al.tabular.GaussianNoise(scale=0.5), al.tabular.CategoricalResample(rate=0.5)])
    augment_dataset(tmp_path / "in", tmp_path / "out", pipe, copies=3, label="label", quiet=True,
                    include_originals=True)
    for name in ("a.parquet", "b.parquet"):
        assert pq.read_schema(tmp_path / "out" / name).types == pq.read_schema(tmp_path / "in" / name).types
    back = pd.read_parquet(tmp_path / "out" / "a.parquet")
    assert back.dtypes.equals(frame.dtypes)
    assert back["label"].tolist()[::4] == frame["label"].tolist()
    assert back["n"].isna().tolist() == [i // 4 == 1 for i in range(16)]
    b = pq.read_table(tmp_path / "out" / "b.parquet").to_pylist()
    assert [r["label"] for r in b[::4]] == [1, 0, None, 1]
    assert [r["flag"] is None for r in b] == [i // 4 == 1 for i in range(16)]  # missing stays so
    assert all(isinstance(r["v"], int) for r in b if r["v"] is not None)
    assert verify_output(tmp_path / "out") == []


def test_text_boolean_and_missing_markers_are_written_as_read(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    # "NA" is a country code and "None" a name, not missing values; "n/a" marks a missing number
    src.write_text("x,city,name,flag,label\n1.5,NA,Ann,true,a\n2.5,FR,None,false,b\n"
                   "n/a,NA,Bo,,a\n4.5,DE,Cy,TRUE,b\n")
    augment_dataset(src, tmp_path / "out", NOISE, copies=2, label="label", quiet=True,
                    include_originals=True)
    before, after = _cells(src), _cells(tmp_path / "out" / "t.csv")
    for column in ("city", "name", "flag", "label"):
        assert after[column] == [c for c in before[column] for _ in range(3)], column
    assert after["x"][6:9] == ["n/a"] * 3  # missing stays missing, written the way the input did
    assert after["x"] != [c for c in before["x"] for _ in range(3)]  # the numbers were augmented
    assert verify_output(tmp_path / "out") == []


def test_untouched_integer_columns_are_copied_byte_for_byte(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("x,n,big,label\n" + "".join(f"{i},{i * 7 - 20},{2**62 + i},{i % 3}\n"
                                                for i in range(10)))
    pipe = al.Compose([al.tabular.GaussianNoise(scale={"x": 0.5}, default_scale=0.0)])
    augment_dataset(src, tmp_path / "out", pipe, copies=2, label="label", quiet=True,
                    include_originals=True)
    before, after = _cells(src), _cells(tmp_path / "out" / "t.csv")
    for column in ("n", "big", "label"):
        assert after[column] == [c for c in before[column] for _ in range(3)], column
    assert after["x"] != [c for c in before["x"] for _ in range(3)]
    assert verify_output(tmp_path / "out") == []


def test_a_numeric_column_with_a_stray_string_is_left_alone_and_reported(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    src = tmp_path / "in" / "t.csv"
    src.write_text("x,w,label\n1.5,3,a\n2.5,12a,b\n3.5,5,a\n4.5,7,b\n5.5,9,a\n")
    pipe = tmp_path / "p.yaml"
    pipe.write_text(al.Compose([al.tabular.GaussianNoise(scale=0.5),
                                al.tabular.SwapNoise(rate=1.0)]).to_yaml())
    assert main(["augment", str(src), str(tmp_path / "out"), "--pipeline", str(pipe),
                 "--label", "label", "--copies", "2", "--quiet"]) == 0
    before, after = _cells(src), _cells(tmp_path / "out" / "t.csv")
    assert after["w"] == [c for c in before["w"] for _ in range(2)]  # not augmented, not mangled
    assert after["x"] != [c for c in before["x"] for _ in range(2)]  # the other column is
    [error] = _errors(tmp_path / "out")
    assert error["file"] == "t.csv"
    for words in ("column 'w'", "not augmented", "line 3", "'12a'", "not a number", "clean"):
        assert words in error["error"], words
    assert verify_output(tmp_path / "out") == []
    # --strict stops at it, naming the file and the column
    with pytest.raises(DataError, match=r"t\.csv: column 'w' .*'12a'"):
        augment_dataset(src, tmp_path / "strict", NOISE, label="label", quiet=True, strict=True)


def test_a_parquet_text_column_of_numbers_is_reported_once_per_column(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    frame = pd.DataFrame({"x": [1.5, 2.5, 3.5, 4.5], "w": ["1", "2", "oops", "4"],
                          "u": ["1", "2", "3", "?"], "city": ["a", "b", "c", "1"]})
    frame.to_parquet(tmp_path / "in" / "t.parquet", index=False)
    summary = augment_dataset(tmp_path / "in", tmp_path / "out", NOISE, copies=1, quiet=True)
    errors = _errors(tmp_path / "out")
    assert summary.errors == 2 and [e["file"] for e in errors] == ["t.parquet"] * 2
    assert "column 'w'" in errors[0]["error"] and "row 2 holds 'oops'" in errors[0]["error"]
    assert "column 'u'" in errors[1]["error"] and "row 3 holds '?'" in errors[1]["error"]
    back = pd.read_parquet(tmp_path / "out" / "t.parquet")
    assert back["w"].tolist() == frame["w"].tolist() and back["u"].tolist() == frame["u"].tolist()
    assert verify_output(tmp_path / "out") == []
