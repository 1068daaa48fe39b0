"""The public packages (each module whose ``__all__`` is API), read from the docs hook that builds
one reference page per package, so the reference, its test and the signature test share one list."""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["PUBLIC_MODULES"]


def _hook_modules() -> tuple[str, ...]:
    path = Path(__file__).resolve().parents[1] / "docs" / "hooks" / "reference.py"
    spec = importlib.util.spec_from_file_location("augmentlab_docs_reference", path)
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    return tuple(hook.MODULES)


PUBLIC_MODULES = _hook_modules()
