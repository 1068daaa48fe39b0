"""Flags that several subcommands take: defined once here, added by each subcommand that uses them.

A subcommand passes its own default and help where they differ (``--sizes`` is train sizes for
``demo`` and rows per class or fractions for ``evaluate``), so each ``--help`` stays its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["COPIES", "COUNT", "DATA", "INPUT", "JOBS", "LABEL", "LABEL_HELP", "MODEL", "NO_PROGRESS", "OUT",
           "PIPELINE", "QUIET", "SEED", "SEEDS", "SIZES", "STEPS", "TEXT_COLUMN", "Flag"]


class Flag:
    """One command-line flag: its names and the argparse settings every subcommand shares.

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> _ = Flag("--seeds", type=int).add(parser, default=5)
        >>> parser.parse_args(["--seeds", "3"]).seeds
        3
    """

    def __init__(self, *names: str, **settings: Any) -> None:
        self.names = names
        self.settings = settings

    def add(self, parser: argparse.ArgumentParser, **overrides: Any) -> argparse.Action:
        """Add the flag to `parser`, with this subcommand's `overrides` (default, help, ...).

        Example:
            >>> parser = argparse.ArgumentParser()
            >>> QUIET.add(parser, help=NO_PROGRESS).help
            'no progress bar'
        """
        return parser.add_argument(*self.names, **{**self.settings, **overrides})


NO_PROGRESS = "no progress bar"
LABEL_HELP = "label column (csv/parquet/jsonl)"

DATA = Flag("--data")
LABEL = Flag("--label", default="label")
TEXT_COLUMN = Flag("--text-column", default="text")
MODEL = Flag("--model")
SIZES = Flag("--sizes")
SEEDS = Flag("--seeds", type=int)
SEED = Flag("--seed", type=int, default=0)
STEPS = Flag("--steps", type=int)
JOBS = Flag("--jobs", type=int)
OUT = Flag("--out", type=Path)
QUIET = Flag("--quiet", action="store_true")
PIPELINE = Flag("--pipeline", required=True)
INPUT = Flag("--input", type=Path)
COUNT = Flag("--n", type=int)  # how many: samples per class (synth), copies (show)
COPIES = Flag("--copies", type=int)
