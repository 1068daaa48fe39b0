"""Saving and loading pipelines as YAML or JSON, safely.

YAML goes through ``safe_load``; only registered classes are built; unknown keys are rejected by
name. Nothing here uses pickle.
"""

from __future__ import annotations

import contextvars
import json
import os
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidConfig
from .transform import Transform

__all__ = ["CONFIG_DIR", "FORMAT_VERSION", "dump_pipeline", "load_pipeline"]

# the folder of the pipeline file being built: paths a transform reads (an oracle, a noise
# folder) are relative to the file, not to wherever the command happens to run
CONFIG_DIR: contextvars.ContextVar[Path | None] = contextvars.ContextVar("config_dir", default=None)

FORMAT_VERSION = 1


def dump_pipeline(transform: Transform, fmt: str = "yaml") -> str:
    """Serialise `transform` (usually a Compose) with a version field.

    Example:
        >>> import augmentlab as al
        >>> text = dump_pipeline(al.Compose([al.HorizontalFlip(p=0.5)], seed=1), "json")
        >>> al.load_pipeline(text).transforms[0].p
        0.5
    """
    doc = {"augmentlab": FORMAT_VERSION, "pipeline": transform.get_config()}
    if fmt == "json":
        return json.dumps(doc, indent=2, sort_keys=False)
    if fmt == "yaml":
        return yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, default_flow_style=None)
    raise InvalidConfig(f"unknown format {fmt!r}; use 'yaml' or 'json'")


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value shared by two places twice: files with aliases are refused on loading."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and not text.lstrip().startswith(("{", "[")) and ":" not in text


def load_pipeline(source: str | os.PathLike[str]) -> Transform:
    """Load a pipeline from a YAML/JSON file path or from YAML/JSON text.

    Example:
        >>> import augmentlab as al
        >>> pipe = al.load_pipeline('''
        ... augmentlab: 1
        ... pipeline:
        ...   name: Compose
        ...   transforms:
        ...     - {name: Rotate, limit: 20}
        ... ''')
        >>> type(pipe.transforms[0]).__name__
        'Rotate'
    """
    origin, base = "<text>", None
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if not path.is_file():
            raise InvalidConfig(f"{path}: no such pipeline file")
        origin, text, base = str(path), path.read_text(encoding="utf-8"), path.resolve().parent
    elif isinstance(source, str):
        text = source
    else:
        raise InvalidConfig(f"load_pipeline: expected a path or YAML/JSON text, got "
                            f"{type(source).__name__}")
    loader = _LineLoader(text)
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        what = "" if isinstance(exc, _Refused) else "not valid YAML/JSON: "
        raise InvalidConfig(f"{where}: {what}{getattr(exc, 'problem', exc)}") from None
    finally:
        loader.dispose()
    token = CONFIG_DIR.set(base)
    try:
        return pipeline_from_document(doc, origin)
    except InvalidConfig as exc:
        culprit = _culprit(doc.get("pipeline") if isinstance(doc, dict) else None)
        line = loader.lines.get(id(culprit)) if culprit is not None else None
        if line is None:
            raise
        raise InvalidConfig(f"{origin}:{line}: {str(exc).removeprefix(origin + ': ')}") from None
    finally:
        CONFIG_DIR.reset(token)


class _Refused(yaml.constructor.ConstructorError):
    """Well-formed YAML that a pipeline file may not use."""


MAX_DEPTH = 64  # far deeper than any real pipeline; bounds the recursion of everything after


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line where each mapping starts (for errors), and
    refuses what only an attack needs: aliases (a few hundred bytes of nested aliases expand to
    billions of nodes), nesting deeper than `MAX_DEPTH`, and duplicate keys (the last would win
    silently)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _Refused(
                None, None, "aliases (*name) are not allowed in a pipeline file; write the "
                "repeated part out", mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                None, None, f"nested too deep (more than {MAX_DEPTH} levels)",
                self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data: dict[Any, Any] = {}
        self.lines[id(data)] = node.start_mark.line + 1
        yield data
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise _Refused(
                    None, None, f"duplicate key {key!r} (the last would silently win)",
                    key_node.start_mark)
            seen.add(key)
        data.update(self.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)


def _culprit(node: Any) -> dict[str, Any] | None:
    """The innermost transform config that fails to build (children are tried first)."""
    if isinstance(node, list):
        for item in node:
            found = _culprit(item)
            if found is not None:
                return found
    elif isinstance(node, dict):
        for value in node.values():
            found = _culprit(value)
            if found is not None:
                return found
        if "name" in node:
            try:
                Transform.from_config(node)
            except (InvalidConfig, TypeError, ValueError):
                return node
    return None


def pipeline_from_document(doc: Any, origin: str = "<config>") -> Transform:
    """Build a pipeline from a parsed document ``{"augmentlab": 1, "pipeline": {...}}``."""
    if not isinstance(doc, dict):
        raise InvalidConfig(f"{origin}: expected a mapping with 'augmentlab' and 'pipeline' keys")
    unknown = set(doc) - {"augmentlab", "pipeline"}
    if unknown:
        raise InvalidConfig(f"{origin}: unknown top-level key(s) {sorted(unknown)}; expected "
                            "'augmentlab' (format version) and 'pipeline'")
    version = doc.get("augmentlab")
    if version != FORMAT_VERSION:
        raise InvalidConfig(f"{origin}: format version {version!r} is not supported; this "
                            f"augmentlab reads version {FORMAT_VERSION}")
    if "pipeline" not in doc:
        raise InvalidConfig(f"{origin}: missing the 'pipeline' key")
    try:
        return Transform.from_config(doc["pipeline"])
    except InvalidConfig as exc:
        raise InvalidConfig(f"{origin}: {exc}") from None
