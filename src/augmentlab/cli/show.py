"""``augmentlab show``: what a pipeline does to one image, audio file or line of text."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import COPIES, OUT, PIPELINE, SEED, TEXT_COLUMN, count
from .inputs import pipeline_file

__all__ = ["NAME", "add_parser", "run"]

NAME = "show"

# copies when --copies is not given: with the original, a 4 x 4 sheet of images
DEFAULT_COPIES = {"image": 15, "audio": 4, "text": 8}


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``show`` and its flags to `subparsers`.

    Example:
        >>> from augmentlab.cli.flags import Parser
        >>> subparsers = Parser(prog="augmentlab").add_subparsers()
        >>> args = add_parser(subparsers).parse_args(["a.png", "--pipeline", "p.yaml"])
        >>> args.input, args.copies
        (PosixPath('a.png'), None)
    """
    about = ("what a pipeline does to one sample: a captioned sheet for an image, waveforms and "
             "spectrograms for audio, a table for text")
    parser = subparsers.add_parser(NAME, help=about, description=about,
                                   moved={"--input": "the input as the first argument"})
    parser.add_argument("input", type=Path, metavar="INPUT",
                        help="an image (its COCO/YOLO/VOC annotations or mask are drawn when it "
                             "sits in such a dataset), an audio file (events from <stem>.csv), "
                             "or a JSONL/CSV text file (see --row)")
    PIPELINE.add(parser)
    COPIES.add(parser, default=None, old=("--n",),
               help="augmented copies (default 15 for an image, 4 for audio, 8 for text)")
    SEED.add(parser)
    parser.add_argument("--row", type=count(0), default=0, metavar="N",
                        help="which row of a text file (from 0)")
    TEXT_COLUMN.add(parser)
    parser.add_argument("--tile-size", type=count(16), default=256, metavar="PIXELS",
                        help="an image sheet's tiles are scaled to fit this many pixels")
    OUT.add(parser, default=None,
            help="where to write: an image sheet as .jpg (default grid.jpg) or .png; audio as "
                 ".png (default audio.png); text: also a .md table")
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the sheet (image), the waveforms and spectrograms (audio) or print the table (text).

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> import augmentlab as al
        >>> from augmentlab.cli import build_parser
        >>> work = Path(tempfile.mkdtemp())
        >>> _ = cv2.imwrite(str(work / "a.png"), np.zeros((16, 16, 3), np.uint8))
        >>> _ = (work / "p.yaml").write_text(al.Compose([al.HorizontalFlip()]).to_yaml())
        >>> run(build_parser().parse_args(["show", str(work / "a.png"), "--pipeline",
        ...                                str(work / "p.yaml"), "--copies", "2", "--out",
        ...                                str(work / "g.jpg")]))
        augmentlab show: .../a.png and 2 augmented copies -> .../g.jpg
        0
    """
    from ..audio.io import AUDIO_SUFFIXES
    from ..core.config import load_pipeline
    from ..data.show_modal import show_audio, show_text
    from ..preview import show_image

    pipe = load_pipeline(pipeline_file(args.pipeline))
    suffix = args.input.suffix.lower()
    kind = "text" if suffix in (".jsonl", ".csv") else "audio" if suffix in AUDIO_SUFFIXES else "image"
    copies = args.copies or DEFAULT_COPIES[kind]
    if kind == "text":
        print(show_text(pipe, args.input, row=args.row, n=copies, seed=args.seed,
                        text_column=args.text_column, out=args.out))
        return 0
    if kind == "audio":
        path = show_audio(pipe, args.input, args.out or Path("audio.png"), n=copies, seed=args.seed)
    else:
        sheet = show_image(pipe, args.input, args.out or Path("grid.jpg"), copies=copies,
                           seed=args.seed, tile=args.tile_size)
        path = sheet.path or Path("grid.jpg")
    print(f"augmentlab show: {args.input} and {copies} augmented copies -> {path}")
    return 0
