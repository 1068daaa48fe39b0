"""``augmentlab preview``: built-in photos augmented into a preview grid."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import COPIES, OUT

__all__ = ["NAME", "add_parser", "run"]

NAME = "preview"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``preview`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args([]).copies
        5
    """
    about = "augment built-in photos and write a preview grid"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    OUT.add(parser, default=Path("preview_output"), help="folder for the grid and its pipeline")
    COPIES.add(parser, default=5)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the preview grid and its pipeline; print where they are.

    Example:
        >>> import tempfile
        >>> run(argparse.Namespace(out=Path(tempfile.mkdtemp()), copies=1))
        augmentlab preview: 4 built-in photos, each with 1 augmented copies ...
          pipeline: .../preview_pipeline.yaml
          grid:     .../preview_grid.png
        0
    """
    from ..preview import preview

    path = preview(args.out, args.copies)
    print("augmentlab preview: 4 built-in photos, each with "
          f"{args.copies} augmented copies (boxes green, keypoints red).")
    print(f"  pipeline: {args.out / 'preview_pipeline.yaml'}")
    print(f"  grid:     {path}")
    return 0
