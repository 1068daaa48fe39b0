"""Writing a pipeline as YAML or JSON: ``{"augmentlab": FORMAT_VERSION, "pipeline": config}``.

Below `Transform` (whose ``to_yaml`` / ``to_json`` use it) and `config` (which reads these files
back); it needs nothing of a transform but its ``get_config()``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yaml

from .errors import InvalidConfig

if TYPE_CHECKING:
    from .transform import Transform

__all__ = ["FORMAT_VERSION", "dump_pipeline"]

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
