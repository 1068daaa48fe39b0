"""The table field kinds: ``features``, one row as a mapping column -> value, and ``schema``, the
table's column rules (`augmentlab.tabular.Schema`), read by the tabular transforms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds

__all__ = ["check_table_fields"]


def check_table_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``features`` fields (one row each).

    Example:
        >>> check_table_fields({"features": [1, 2]}, {"features": "features"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: features: expected a mapping column -> value (one row), got list
    """
    for key, kind in kinds.items():
        if kind == "features" and not isinstance(fields[key], Mapping):
            raise InvalidInput(f"{key}: expected a mapping column -> value (one row), got "
                               f"{type(fields[key]).__name__}")


register_kinds(("features", "schema"), check_table_fields)
