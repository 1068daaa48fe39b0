"""Saving and loading pipelines as YAML or JSON, safely.

YAML goes through ``safe_load``; only registered classes are built; unknown keys are rejected by
name. Nothing here uses pickle.
"""

from __future__ import annotations

import contextvars
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from . import registry
from .dump import FORMAT_VERSION, dump_pipeline
from .errors import InvalidConfig
from .params import shown
from .transform import Transform

__all__ = ["CONFIG_DIR", "FORMAT_VERSION", "dump_pipeline", "load_pipeline", "pipeline_problems"]

# the folder of the pipeline file being built: paths a transform reads (an oracle, a noise
# folder) are relative to the file, not to wherever the command happens to run
CONFIG_DIR: contextvars.ContextVar[Path | None] = contextvars.ContextVar("config_dir", default=None)

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
    text, origin, base = _read_source(source)
    doc, loader_lines = _parse(text, origin)
    token = CONFIG_DIR.set(base)
    try:
        return pipeline_from_document(doc, origin)
    except InvalidConfig as exc:
        culprit = _culprit(doc.get("pipeline") if isinstance(doc, dict) else None)
        line = loader_lines.get(id(culprit)) if culprit is not None else None
        if line is None:
            raise
        raise InvalidConfig(f"{origin}:{line}: {str(exc).removeprefix(origin + ': ')}") from None
    finally:
        CONFIG_DIR.reset(token)


def _read_source(source: str | os.PathLike[str]) -> tuple[str, str, Path | None]:
    """``(text, origin, folder)`` of a pipeline path or text: what to parse, how errors name it,
    and the folder its relative paths start from (None for text)."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        origin = str(path) if len(str(path)) <= 200 else str(path)[:197] + "..."
        try:
            if not path.is_file():
                raise InvalidConfig(f"{origin}: no such pipeline file")
            return path.read_text(encoding="utf-8"), origin, path.resolve().parent
        except OSError as exc:  # a name too long, no permission: is_file() lets these through
            raise InvalidConfig(f"{origin}: cannot read the pipeline file ({exc.strerror or exc}); "
                                "check the path and its permissions") from None
        except UnicodeDecodeError as exc:
            raise InvalidConfig(f"{origin}: not UTF-8 text (byte {exc.start} is "
                                f"{exc.object[exc.start]:#04x}); save the pipeline file as UTF-8") from None
    if isinstance(source, str):
        return source, "<text>", None
    raise InvalidConfig(f"load_pipeline: expected a path or YAML/JSON text, got "
                        f"{type(source).__name__}")


def _parse(text: str, origin: str) -> tuple[Any, dict[int, int]]:
    """The YAML/JSON document in `text`, and the line where each of its mappings starts."""
    try:
        loader = _LineLoader(text)  # its reader refuses control characters already here
    except yaml.YAMLError as exc:
        raise _invalid(exc, origin) from None
    try:
        return loader.get_single_data(), loader.lines
    except yaml.YAMLError as exc:
        raise _invalid(exc, origin) from None
    finally:
        loader.dispose()


def _invalid(exc: yaml.YAMLError, origin: str) -> InvalidConfig:
    """A YAML error as InvalidConfig, with the line where there is one."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{origin}:{mark.line + 1}" if mark is not None else origin
    what = "" if isinstance(exc, _Refused) else "not valid YAML/JSON: "
    return InvalidConfig(f"{where}: {what}{getattr(exc, 'problem', exc)}")


class _Refused(yaml.constructor.ConstructorError):
    """Well-formed YAML that a pipeline file may not use."""


MAX_DEPTH = 64  # far deeper than any real pipeline; bounds the recursion of everything after
# An integer written with more characters than this is beyond float's range (1.8e308, 309 digits)
# in any base YAML offers, so beyond any parameter's; refusing it before conversion also bounds
# the work (a sexagesimal 1:1:1:... of a megabyte would take quadratic time to add up).
MAX_INT_CHARS = 400
_PLAIN_TYPES = "text, numbers, true/false, null, lists and mappings"


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

    # Explicitly tagged scalars that do not parse (!!int abc, !!bool maybe, !!float "") make
    # PyYAML raise ValueError, KeyError or IndexError rather than a YAMLError: refused here.
    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        text = self.construct_scalar(node)
        if len(text) > MAX_INT_CHARS:
            raise _Refused(None, None, f"an integer of {len(text)} characters is far too large for "
                           "any parameter; give a number below 1.8e308", node.start_mark)
        try:
            value = super().construct_yaml_int(node)
        except (ValueError, IndexError):
            raise _Refused(None, None, f"{shown(text, 40)} is not an integer; write a whole number "
                           "(12, 0x1f) or drop the !!int tag", node.start_mark) from None
        if abs(value) > sys.float_info.max:
            raise _Refused(None, None, f"the integer {shown(text, 40)} is far too large for any "
                           "parameter; give a number below 1.8e308", node.start_mark)
        return value

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_float(node)
        except (ValueError, IndexError):
            raise _Refused(None, None, f"{shown(self.construct_scalar(node), 40)} is not a number; "
                           "write one (0.5, 1e-3) or drop the !!float tag", node.start_mark) from None

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_bool(node)
        except KeyError:
            raise _Refused(None, None, f"{shown(self.construct_scalar(node), 40)} is not true or "
                           "false; write one of those or drop the !!bool tag", node.start_mark) from None

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        # a date is text here (a folder named 2024-01-05): no parameter takes a date, and
        # building one fails outright on 2001-02-30
        return self.construct_scalar(node)

    def construct_foreign(self, node: yaml.Node) -> Any:
        """!!binary, !!set, !!omap and !!pairs: types no parameter takes (bytes, sets)."""
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(None, None, f"{tag} is not allowed in a pipeline file, which holds only "
                       f"{_PLAIN_TYPES}; write the value as one of those", node.start_mark)

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        if not isinstance(node, yaml.MappingNode):  # "!!map 12": a tag forced on a non-mapping
            raise _Refused(None, None, f"!!map on a {node.id}, not a mapping; drop the tag",
                           node.start_mark)
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
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_yaml_int)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _LineLoader.construct_yaml_float)
_LineLoader.add_constructor("tag:yaml.org,2002:bool", _LineLoader.construct_yaml_bool)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)
# (!!python/... and unknown tags already fail in SafeLoader: "could not determine a constructor")
for _tag in ("binary", "set", "omap", "pairs"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _LineLoader.construct_foreign)


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
    if unknown:  # sorted by repr: keys may mix types (1, "x", null)
        raise InvalidConfig(f"{origin}: unknown top-level key(s) {shown(sorted(unknown, key=repr))}; "
                            "expected 'augmentlab' (format version) and 'pipeline'")
    version = doc.get("augmentlab")
    if isinstance(version, bool) or version != FORMAT_VERSION:  # true == 1 in Python, not here
        raise InvalidConfig(f"{origin}: format version {shown(version)} is not supported; this "
                            f"augmentlab reads version {FORMAT_VERSION}")
    if "pipeline" not in doc:
        raise InvalidConfig(f"{origin}: missing the 'pipeline' key")
    try:
        return Transform.from_config(doc["pipeline"])
    except InvalidConfig as exc:
        raise InvalidConfig(f"{origin}: {exc}") from None


def pipeline_problems(source: str | os.PathLike[str]) -> list[str]:
    """Every problem of a pipeline file (or YAML/JSON text), not only the first: each unknown
    transform name (with the nearest known ones), each unknown argument (with the nearest valid
    one), each transform that cannot be built from its arguments, each bad top-level key, as
    ``FILE:LINE: what is wrong`` (the line where the transform's mapping starts). Empty when the
    pipeline loads.

    Example:
        >>> for problem in pipeline_problems('''
        ... augmentlab: 1
        ... pipeline:
        ...   name: Compose
        ...   transforms:
        ...     - {name: Afine, rotate: 10}
        ...     - {name: Rotate, limt: 20}
        ...     - {name: HorizontalFlip, p: 2}
        ... '''):
        ...     print(problem)
        <text>:6: unknown transform 'Afine' — did you mean Affine? (`augmentlab list` ...)
        <text>:7: Rotate: unknown argument 'limt' — did you mean limit? ...
        <text>:8: HorizontalFlip: p=2 must lie in [0, 1]
    """
    try:
        text, origin, base = _read_source(source)
        doc, lines = _parse(text, origin)
    except InvalidConfig as exc:
        return [str(exc)]
    if not isinstance(doc, dict):
        return [f"{origin}: expected a mapping with 'augmentlab' and 'pipeline' keys"]
    problems: list[str] = []
    unknown = set(doc) - {"augmentlab", "pipeline"}
    if unknown:  # sorted by repr: keys may mix types (1, "x", null)
        problems.append(f"{origin}: unknown top-level key(s) {shown(sorted(unknown, key=repr))}; "
                        "expected 'augmentlab' (format version) and 'pipeline'")
    version = doc.get("augmentlab")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        problems.append(f"{origin}: format version {shown(version)} is not supported; this "
                        f"augmentlab reads version {FORMAT_VERSION} (write augmentlab: "
                        f"{FORMAT_VERSION} at the top)")
    if "pipeline" not in doc:
        return problems + [f"{origin}: missing the 'pipeline' key"]

    def where(node: Any, around: str) -> str:
        line = lines.get(id(node))
        return f"{origin}:{line}" if line is not None else around

    token = CONFIG_DIR.set(base)
    try:
        _check(doc["pipeline"], where, origin, problems)
        if not problems:  # what the walk cannot see: load exactly as load_pipeline does
            try:
                pipeline_from_document(doc, origin)
            except InvalidConfig as exc:
                culprit = _culprit(doc["pipeline"])
                line = lines.get(id(culprit)) if culprit is not None else None
                problems.append(f"{origin}:{line}: {str(exc).removeprefix(origin + ': ')}"
                                if line is not None else str(exc))
    finally:
        CONFIG_DIR.reset(token)
    return problems


def _check(node: Any, where: Any, around: str, problems: list[str]) -> bool:
    """Check the transform config `node` and the configs nested in it, adding a line to
    `problems` for each that fails; True when `node` builds."""
    import difflib
    import inspect

    if not isinstance(node, dict) or "name" not in node:
        problems.append(f"{around}: a transform config must be a mapping with a 'name' key, e.g. "
                        f"{{name: Rotate, limit: 10}}; got {shown(node)}")
        return False
    at = where(node, around)
    try:
        target = registry.get(node["name"])
    except InvalidConfig as exc:
        problems.append(f"{at}: {exc}")
        target = None
    nested_ok = True
    for key, value in node.items():
        for item in value if isinstance(value, list) else [value]:
            if key == "transforms" or isinstance(item, dict) and "name" in item:
                nested_ok = _check(item, where, at, problems) and nested_ok
    if target is None or not nested_ok:
        return False
    params = inspect.signature(target).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        valid = [p for p in params if p not in ("self", "args", "kwargs")]
        for key in node:
            if key != "name" and isinstance(key, str) and key not in params:
                close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
                hint = f" — did you mean {close[0]}?" if close else ""
                problems.append(f"{at}: {node['name']}: unknown argument {key!r}{hint} (its arguments: "
                                f"{', '.join(valid)}; `augmentlab list --search {node['name']}` "
                                "shows their defaults)")
                return False
    try:
        Transform.from_config(node)
    except InvalidConfig as exc:
        problems.append(f"{at}: {exc}")
        return False
    return True
