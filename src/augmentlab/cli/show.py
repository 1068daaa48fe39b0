"""``augmentlab show``: what a pipeline does to one image, audio file or line of text."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import COUNT, INPUT, OUT, PIPELINE, SEED, TEXT_COLUMN
from .inputs import pipeline_file

__all__ = ["NAME", "add_parser", "run"]

NAME = "show"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``show`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["--pipeline", "p.yaml", "--input", "a.png"]).n is None
        True
    """
    parser = subparsers.add_parser(NAME, help="what a pipeline does to one sample: a PNG grid for an "
                                   "image, waveforms and spectrograms for audio, a table for text")
    PIPELINE.add(parser)
    INPUT.add(parser, required=True, help="an image file (its COCO/YOLO/VOC "
              "annotations or mask are drawn when it sits in such a dataset), an audio "
              "file (events from <stem>.csv), or a JSONL/CSV text file (see --row)")
    COUNT.add(parser, default=None, help="copies (default 16 images, 4 audio, 8 text)")
    SEED.add(parser)
    parser.add_argument("--row", type=int, default=0, help="which row of a text file (from 0)")
    TEXT_COLUMN.add(parser)
    OUT.add(parser, default=None,
            help="PNG for images/audio (default grid.png / audio.png); text: also a .md")
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the grid (image), the waveforms and spectrograms (audio) or print the table (text).

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> import augmentlab as al
        >>> from augmentlab.cli import build_parser
        >>> work = Path(tempfile.mkdtemp())
        >>> _ = cv2.imwrite(str(work / "a.png"), np.zeros((16, 16, 3), np.uint8))
        >>> _ = (work / "p.yaml").write_text(al.Compose([al.HorizontalFlip()]).to_yaml())
        >>> run(build_parser().parse_args(["show", "--pipeline", str(work / "p.yaml"), "--input",
        ...                                str(work / "a.png"), "--n", "2", "--out", str(work / "g.png")]))
        augmentlab show: .../a.png and its augmented copies -> .../g.png
        0
    """
    from ..audio.io import AUDIO_SUFFIXES
    from ..core.config import load_pipeline
    from ..data import show_grid
    from ..data.show_modal import show_audio, show_text

    pipe = load_pipeline(pipeline_file(args.pipeline))
    suffix = args.input.suffix.lower()
    if suffix in (".jsonl", ".csv"):
        print(show_text(pipe, args.input, row=args.row, n=args.n or 8, seed=args.seed,
                        text_column=args.text_column, out=args.out))
        return 0
    if suffix in AUDIO_SUFFIXES:
        path = show_audio(pipe, args.input, args.out or Path("audio.png"), n=args.n or 4,
                          seed=args.seed)
    else:
        path = show_grid(pipe, args.input, args.out or Path("grid.png"), n=args.n or 16,
                         seed=args.seed)
    print(f"augmentlab show: {args.input} and its augmented copies -> {path}")
    return 0
