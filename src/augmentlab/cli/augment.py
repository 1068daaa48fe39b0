"""``augmentlab augment``: a dataset augmented into the same format, with a manifest."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import COPIES, JOBS, LABEL, NO_PROGRESS, PIPELINE, QUIET, SEED, TEXT_COLUMN
from .inputs import pipeline_file

__all__ = ["NAME", "add_parser", "recorded_command", "run"]

NAME = "augment"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``augment`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["in", "out", "--pipeline", "p.yaml"]).copies
        1
    """
    about = "augment a dataset (images, audio, text, tables) into the same format, with a manifest"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    parser.add_argument("input", type=Path, metavar="INPUT",
                        help="a dataset folder (images: class subfolders or flat, images/ + masks/, "
                             "YOLO, Pascal VOC, COCO; audio folders with event CSVs; CSV/Parquet "
                             "tables; JSONL/CSV text) or one table, text or audio file")
    parser.add_argument("output", type=Path, metavar="OUTPUT",
                        help="a new folder (written as OUTPUT.partial, then renamed)")
    PIPELINE.add(parser)
    COPIES.add(parser, default=1)
    LABEL.add(parser, default=None, help="label column of tables and text (kept as is)")
    TEXT_COLUMN.add(parser)
    SEED.add(parser)
    JOBS.add(parser, default=1, old=("--workers",),
             help="parallel processes (the output's bytes do not depend on it)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local processes, or Ray Data (local mode unless --ray-address)")
    parser.add_argument("--ray-address", default=None, metavar="ADDRESS",
                        help="a Ray cluster to run on (with --engine ray)")
    parser.add_argument("--include-originals", action="store_true", help="copy the originals too")
    parser.add_argument("--strict", action="store_true", help="stop at the first bad file")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing OUTPUT")
    QUIET.add(parser, help=NO_PROGRESS)
    return parser


def recorded_command(args: argparse.Namespace) -> list[str]:
    """The `augment` command as recorded in OUTPUT/augmentlab.yaml: what decides the output's bytes,
    in one canonical order; --jobs, --engine, --quiet and the like are left out, so that the
    output is byte-identical whichever of them a run used.

    Example:
        >>> from augmentlab.cli import build_parser
        >>> args = build_parser().parse_args(["augment", "in", "out", "--pipeline", "p.yaml",
        ...                                   "--jobs", "4", "--include-originals"])
        >>> " ".join(recorded_command(args))
        'augmentlab augment in out --pipeline p.yaml --copies 1 --seed 0 --include-originals'
    """
    command = ["augmentlab", "augment", str(args.input), str(args.output), "--pipeline", str(args.pipeline),
               "--copies", str(args.copies), "--seed", str(args.seed)]
    if args.label is not None:
        command += ["--label", args.label]
    if args.text_column != "text":
        command += ["--text-column", args.text_column]
    if args.include_originals:
        command.append("--include-originals")
    return command


def run(args: argparse.Namespace) -> int:
    """Augment ``input`` into ``output`` and print the run's summary.

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> import augmentlab as al
        >>> from augmentlab.cli import build_parser
        >>> work = Path(tempfile.mkdtemp())
        >>> (work / "in" / "cat").mkdir(parents=True)
        >>> _ = cv2.imwrite(str(work / "in" / "cat" / "1.png"), np.zeros((8, 8, 3), np.uint8))
        >>> _ = (work / "p.yaml").write_text(al.Compose([al.HorizontalFlip()]).to_yaml())
        >>> run(build_parser().parse_args(["augment", str(work / "in"), str(work / "out"),
        ...                                "--pipeline", str(work / "p.yaml"), "--quiet"]))
        augmentlab augment: ...
        0
    """
    from ..core.config import load_pipeline
    from ..data import augment_dataset

    summary = augment_dataset(args.input, args.output, load_pipeline(pipeline_file(args.pipeline)),
                              copies=args.copies, seed=args.seed, workers=args.jobs,
                              engine=args.engine, ray_address=args.ray_address,
                              include_originals=args.include_originals, strict=args.strict,
                              overwrite=args.overwrite, quiet=args.quiet, label=args.label,
                              text_column=args.text_column, command=recorded_command(args))
    print(f"augmentlab augment: {summary}")
    return 0
