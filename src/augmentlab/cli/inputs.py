"""Flag values turned into what the library takes: a data set, train sizes, a pipeline file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import InvalidConfig

__all__ = ["data_source", "pipeline_file", "train_sizes"]


def data_source(spec: str, label: str, text: str | None) -> Any:
    """``NAME`` | ``folder:PATH`` | ``csv:PATH`` | ``parquet:PATH`` | ``jsonl:PATH``.

    A built-in name (``keel:<name>`` included) is passed on as it is; the others are read.

    Example:
        >>> data_source("keel:yeast4", "label", None)
        'keel:yeast4'
    """
    from ..datasets import from_csv, from_folder, from_jsonl

    kind, _, rest = spec.partition(":")
    if kind == "folder" and rest:
        return from_folder(rest)
    if kind in ("csv", "parquet") and rest:
        return from_csv(rest, label=label, text=text)
    if kind == "jsonl" and rest:
        return from_jsonl(rest, label=label, text=text or "text")
    return spec


def pipeline_file(path: str | Path) -> str:
    """A pipeline path that exists (load_pipeline also takes YAML text: a typo must not be read as one).

    Example:
        >>> pipeline_file("no/such/pipeline.yaml")
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: pipeline file no/such/pipeline.yaml not found
    """
    try:
        found = Path(path).is_file()
    except OSError as exc:  # a name too long for the file system, say
        raise InvalidConfig(f"pipeline file {str(path)[:80]}...: {exc.strerror}") from None
    if not found:
        raise InvalidConfig(f"pipeline file {path} not found")
    return str(path)


def train_sizes(text: str) -> list[int | float | str]:
    """``10,50`` (rows per class), ``0.25,all`` (fractions of the training split).

    Example:
        >>> train_sizes("10,50"), train_sizes("0.25,all")
        ([10, 50], [0.25, 'all'])
    """
    out: list[int | float | str] = []
    for v in (v.strip() for v in text.split(",")):
        if not v:
            continue
        try:
            out.append("all" if v == "all" else float(v) if "." in v else int(v))
        except ValueError:
            raise InvalidConfig(f"--sizes {text!r}: expected rows per class (10,50) or fractions "
                                "of the training split (0.25,all), comma separated") from None
    return out
