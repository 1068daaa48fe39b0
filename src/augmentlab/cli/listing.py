"""``augmentlab list``: every transform with the fields it changes and its parameters."""

from __future__ import annotations

import argparse
import inspect
import sys

from ..core import registry
from .command import Subparsers

__all__ = ["NAME", "add_parser", "run"]

NAME = "list"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``list`` (it takes no flags) to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args([])
        Namespace()
    """
    return subparsers.add_parser(NAME, help="list every transform with the fields it changes")


def run(args: argparse.Namespace) -> int:
    """Print two lines per registered transform: its name and fields, then its parameters.

    Example:
        >>> run(argparse.Namespace())
        Affine                 bboxes, image, keypoints, mask
                               rotate=0.0, scale=(1.0, 1.0), ...
        0
    """
    lines = []
    for name in registry.names():
        cls = registry.get(name)
        fields = cls.fields if isinstance(cls.fields, frozenset) else frozenset({"image", "mask"})
        shown = ", ".join(sorted(fields)) or "(those of its transforms)"  # a container
        params = [f"{p.name}={p.default!r}" if p.default is not inspect.Parameter.empty else p.name
                  for p in inspect.signature(cls.__init__).parameters.values()
                  if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        lines.append(f"{name:22s} {shown}\n{'':22s} {', '.join(params)}")
    try:
        print("\n".join(lines))
    except BrokenPipeError:  # `augmentlab list | head` closed the pipe: not an error
        sys.stderr.close()
    return 0
