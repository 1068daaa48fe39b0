"""``augmentlab validate``: a pipeline file checked, with everything that is wrong in it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import InvalidConfig
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
    about = "check a pipeline file and list every problem in it, with its line"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    parser.add_argument("pipeline", type=Path, metavar="PIPELINE", help="a pipeline YAML/JSON file")
    return parser


def run(args: argparse.Namespace) -> int:
    """Print what the pipeline is, or raise `InvalidConfig` listing every problem (one per line,
    ``FILE:LINE: what is wrong``).

    Example:
        >>> import tempfile
        >>> import augmentlab as al
        >>> path = Path(tempfile.mkdtemp()) / "p.yaml"
        >>> _ = path.write_text(al.Compose([al.HorizontalFlip(), al.Invert()]).to_yaml())
        >>> run(argparse.Namespace(pipeline=path))
        augmentlab validate: .../p.yaml: a valid pipeline (Compose, 2 transforms)
        0
        >>> _ = path.write_text(path.read_text().replace("Invert", "Invrt").replace("Horiz", "Hriz"))
        >>> run(argparse.Namespace(pipeline=path))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: 2 problems in .../p.yaml:
          .../p.yaml:...: unknown transform 'HrizontalFlip' — did you mean HorizontalFlip? ...
          .../p.yaml:...: unknown transform 'Invrt' — did you mean Invert? ...
    """
    from ..core.config import load_pipeline, pipeline_problems

    path = pipeline_file(args.pipeline)
    problems = pipeline_problems(Path(path))
    if len(problems) == 1:
        raise InvalidConfig(problems[0])
    if problems:
        raise InvalidConfig(f"{len(problems)} problems in {path}:\n" +
                            "\n".join(f"  {problem}" for problem in problems))
    pipe = load_pipeline(Path(path))
    print(f"augmentlab validate: {args.pipeline}: a valid pipeline ({type(pipe).__name__}, "
          f"{len(getattr(pipe, 'transforms', [pipe]))} transforms)")
    return 0
