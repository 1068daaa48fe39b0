"""``augmentlab replay --verify``: an augment output's manifest re-run, its bytes compared."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import INPUT

__all__ = ["NAME", "add_parser", "run"]

NAME = "replay"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``replay`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["out", "--verify"]).output
        PosixPath('out')
    """
    about = "re-run an augment output's manifest and compare bytes"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    parser.add_argument("output", type=Path, metavar="OUTPUT",
                        help="a folder `augmentlab augment` wrote (with its manifest.jsonl)")
    parser.add_argument("--verify", action="store_true", required=True,
                        help="check every output is reproduced byte for byte")
    INPUT.add(parser, default=None,
              help="the input dataset, if it has moved since augment read it")
    return parser


def run(args: argparse.Namespace) -> int:
    """Print each output that is not reproduced and a verdict; exit code 1 if any differs.

    Example:
        >>> import tempfile, cv2, numpy as np
        >>> import augmentlab as al
        >>> from augmentlab.cli import augment, build_parser
        >>> work = Path(tempfile.mkdtemp())
        >>> (work / "in").mkdir()
        >>> _ = cv2.imwrite(str(work / "in" / "1.png"), np.zeros((8, 8, 3), np.uint8))
        >>> _ = (work / "p.yaml").write_text(al.Compose([al.HorizontalFlip()]).to_yaml())
        >>> augment.run(build_parser().parse_args(["augment", str(work / "in"), str(work / "out"),
        ...                                        "--pipeline", str(work / "p.yaml"), "--quiet"]))
        augmentlab augment: ...
        0
        >>> run(build_parser().parse_args(["replay", str(work / "out"), "--verify"]))
        augmentlab replay: every output reproduced byte for byte
        0
    """
    from ..data import verify_output

    different = verify_output(args.output, src=args.input)
    for line in different:
        where = line["source"] + (f" row {line['row']}" if line.get("row") is not None else "")
        copy = f" copy {line['copy']}" if "copy" in line else ""
        print(f"  {where}{copy}: {line['problem']}")
    verdict = f"{len(different)} outputs differ" if different else "every output reproduced byte for byte"
    print(f"augmentlab replay: {verdict}")
    return 0 if not different else 1
