"""``augmentlab --version``: the version, and which optional parts (extras) are installed.

Cheap: the extras and their packages are read from the installed package's metadata, and each
package is looked up with `importlib.metadata` (its version) and `importlib.util.find_spec` (it
can be imported): nothing is imported, so the answer comes in well under a second even with torch
installed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import re
import sys
from collections.abc import Sequence
from typing import Any

from ..core.version import __version__

__all__ = ["ShowVersion", "describe", "extras"]

# extras that are not parts of augmentlab a user runs: the meta-extra and the contributors' tools
_NOT_PARTS = ("all", "dev", "docs")
# distribution -> module, where the import name is not the distribution's
_MODULES = {"scikit-learn": "sklearn", "imbalanced-learn": "imblearn"}


def extras(requires: Sequence[str] | None = None) -> dict[str, list[str]]:
    """Each optional part (extra) of augmentlab and the distributions it installs, from the
    package's metadata (or from `requires`, lines in that format).

    Example:
        >>> extras(['numpy>=1.23', 'torch<3,>=2.3; extra == "torch"', 'ray[data]>=2.9; extra == "ray"',
        ...         'pytest>=8; extra == "dev"'])
        {'ray': ['ray'], 'torch': ['torch']}
    """
    if requires is None:
        try:
            requires = importlib.metadata.requires("augmentlab") or []
        except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
            requires = []
    found: dict[str, list[str]] = {}
    for line in requires:
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", line)
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
        if extra is None or name is None or extra.group(1) in _NOT_PARTS or name.group(0) == "augmentlab":
            continue
        found.setdefault(extra.group(1), []).append(name.group(0))
    return dict(sorted(found.items()))


def _installed(distribution: str) -> str | None:
    """The version of `distribution` if it is installed and its module can be imported, else None.

    Example:
        >>> _installed("no-such-package-xyz") is None
        True
    """
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    module = _MODULES.get(distribution, distribution.lower().replace("-", "_"))
    try:
        return version if importlib.util.find_spec(module) is not None else None
    except (ImportError, ValueError):  # a broken installation
        return None


def describe(parts: dict[str, list[str]] | None = None) -> str:
    """What ``augmentlab --version`` prints: the version, the optional packages found (with their
    versions) and those missing (with the extra that installs them).

    Example:
        >>> print(describe({"torch": ["torch"], "nothing": ["no-such-package-xyz"]}))
        augmentlab 0.1.0 (Python ...)
        optional parts found: torch ...
        extras ready: torch
        missing: no-such-package-xyz (pip install 'augmentlab[nothing]')
    """
    parts = extras() if parts is None else parts
    python = ".".join(map(str, sys.version_info[:3]))
    lines = [f"augmentlab {__version__} (Python {python})"]
    if not parts:
        lines.append("optional parts: unknown (augmentlab's installed metadata was not found; "
                     "install it with pip install -e . to see them)")
        return "\n".join(lines)
    found: dict[str, str] = {}
    missing: dict[str, list[str]] = {}
    for extra, distributions in parts.items():
        for distribution in distributions:
            version = _installed(distribution)
            if version is None:
                missing.setdefault(distribution, []).append(extra)
            else:
                found[distribution] = version
    lines.append("optional parts found: " + (", ".join(f"{d} {v}" for d, v in found.items())
                                             or "none"))
    ready = [e for e, ds in parts.items() if not any(d in missing for d in ds)]
    lines.append("extras ready: " + (", ".join(ready) or "none"))
    if missing:
        lines.append("missing: " + ", ".join(
            f"{d} (pip install 'augmentlab[{','.join(sorted(e))}]')" for d, e in missing.items()))
    else:
        lines.append("missing: none (every extra is installed)")
    return "\n".join(lines)


class ShowVersion(argparse.Action):
    """``--version``: print `describe()` and exit 0.

    Example:
        >>> parser = argparse.ArgumentParser(prog="augmentlab")
        >>> _ = parser.add_argument("--version", action=ShowVersion)
        >>> parser.parse_args(["--version"])
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: Any = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default,
                         help=help or "print the version and which optional parts are installed")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(describe())
        parser.exit(0)
