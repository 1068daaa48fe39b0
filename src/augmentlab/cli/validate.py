"""``augmentlab validate``: a pipeline file checked, with what is wrong in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .inputs import pipeline_file

__all__ = ["NAME", "add_parser", "run"]

NAME = "validate"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``validate`` and its argument to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["p.yaml"]).pipeline
        PosixPath('p.yaml')
    """
    parser = subparsers.add_parser(NAME, help="check a pipeline file and say what is wrong")
    parser.add_argument("pipeline", type=Path)
    return parser


def run(args: argparse.Namespace) -> int:
    """Load the pipeline (an error says what is wrong) and print what it is.

    Example:
        >>> import tempfile
        >>> import augmentlab as al
        >>> path = Path(tempfile.mkdtemp()) / "p.yaml"
        >>> _ = path.write_text(al.Compose([al.HorizontalFlip(), al.Invert()]).to_yaml())
        >>> run(argparse.Namespace(pipeline=path))
        augmentlab validate: .../p.yaml: a valid pipeline (Compose, 2 transforms)
        0
    """
    from ..core.config import load_pipeline

    pipe = load_pipeline(pipeline_file(args.pipeline))
    print(f"augmentlab validate: {args.pipeline}: a valid pipeline ({type(pipe).__name__}, "
          f"{len(getattr(pipe, 'transforms', [pipe]))} transforms)")
    return 0
