"""Flags that several subcommands take: defined once here, added by each subcommand that uses them.

A subcommand passes its own default and help where they differ (``--sizes`` is train sizes for
``demo`` and rows per class or fractions for ``evaluate``), so each ``--help`` stays its own.

One vocabulary across subcommands: the input is positional, ``--copies`` counts augmented
copies, ``--jobs`` counts processes, ``--text-column`` names the text column. The spellings used
before (``--n``, ``--workers``, ``--text``, ``show --input``) still work as hidden aliases: they
print a one-line deprecation note on stderr and are left out of ``--help`` and completion.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

__all__ = ["COPIES", "DATA", "INPUT", "JOBS", "LABEL", "LABEL_HELP", "MODEL", "NO_PROGRESS", "OUT",
           "PER_CLASS", "PIPELINE", "QUIET", "SEED", "SEEDS", "SIZES", "STEPS", "TEXT_COLUMN", "Flag",
           "HelpFormatter", "Parser", "Renamed", "count", "deprecated_spellings"]


def count(minimum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number of at least `minimum` (a usage error otherwise).

    Example:
        >>> count(1)("3")
        3
        >>> count(1)("0")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: 0 is too small: give a whole number >= 1
    """
    def whole(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; give one >= "
                                             f"{minimum}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is too small: give a whole number >= {minimum}")
        return value

    whole.__name__ = f"whole number >= {minimum}"
    return whole


class Renamed(argparse.Action):
    """``store``, for a flag that also answers to `old` spellings: those work as before, print a
    one-line note on stderr naming the new spelling, and are hidden from ``--help``.

    Example:
        >>> import contextlib, io
        >>> parser = argparse.ArgumentParser(prog="augmentlab show")
        >>> _ = parser.add_argument("--copies", "--n", type=int, action=Renamed, old=("--n",))
        >>> err = io.StringIO()
        >>> with contextlib.redirect_stderr(err):
        ...     parser.parse_args(["--n", "3"]).copies
        3
        >>> err.getvalue()
        'augmentlab show: --n is deprecated and will be removed; use --copies\\n'
    """

    def __init__(self, option_strings: Sequence[str], dest: str, *, old: Sequence[str] = (),
                 **settings: Any) -> None:
        super().__init__(option_strings, dest, **settings)
        self.old = tuple(old)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if option_string in self.old:
            print(f"{parser.prog}: {option_string} is deprecated and will be removed; use "
                  f"{self.option_strings[0]}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def deprecated_spellings(action: argparse.Action) -> tuple[str, ...]:
    """The hidden old spellings of `action` (empty for most flags).

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> deprecated_spellings(JOBS.add(parser, old=("--workers",)))
        ('--workers',)
    """
    return getattr(action, "old", ())


class HelpFormatter(argparse.HelpFormatter):
    """``--help`` without the deprecated spellings, and with each flag's default where it has a
    meaningful one (not None, not False) and its help does not already state it.

    Example:
        >>> parser = Parser(prog="augmentlab x")
        >>> _ = JOBS.add(parser, default=1, help="processes", old=("--workers",))
        >>> print(parser.format_help())
        usage: augmentlab x [-h] [--jobs N]
        <BLANKLINE>
        options:
          -h, --help  show this help message and exit
          --jobs N    processes (default: 1)
        <BLANKLINE>
    """

    def _format_action_invocation(self, action: argparse.Action) -> str:
        old = deprecated_spellings(action)
        if old:
            action = copy.copy(action)
            action.option_strings = [s for s in action.option_strings if s not in old]
        return super()._format_action_invocation(action)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        """Descriptions and epilogs: each line wrapped on its own, indented lines kept as they are
        (the exit codes, the install commands)."""
        return "\n".join(line if line.startswith("  ") or not line else
                         super(HelpFormatter, self)._fill_text(line, width, indent)
                         for line in text.splitlines())

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if ("default" in text.lower() or default in (None, False, "", argparse.SUPPRESS)
                or default == [] or not action.option_strings):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """The ``augmentlab`` parsers: the help formatter above, errors that name flags by their
    current spelling, and old positional spellings (``show --input FILE``) moved into place.

    Example:
        >>> parser = Parser(prog="augmentlab show", moved={"--input": "FILE (the first argument)"})
        >>> _ = parser.add_argument("input")
        >>> import contextlib, io
        >>> with contextlib.redirect_stderr(io.StringIO()):
        ...     parser.parse_args(["--input", "a.png"]).input
        'a.png'
    """

    def __init__(self, *args: Any, moved: dict[str, str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.moved = dict(moved or {})  # old flag -> what replaces it (a positional)
        self.commands: dict[str, argparse.ArgumentParser] = {}  # the subcommands' (the root's only)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        if args is not None and self.moved:
            args = self._move(list(args))
        return super().parse_known_args(args, namespace)

    def _move(self, args: list[str]) -> list[str]:
        """``--input X`` (or ``--input=X``) given where X is now a positional: X goes first."""
        out, front = [], []
        i = 0
        while i < len(args):
            flag, eq, value = args[i].partition("=")
            if flag in self.moved and (eq or i + 1 < len(args)):
                print(f"{self.prog}: {flag} is deprecated and will be removed; give "
                      f"{self.moved[flag]} instead", file=sys.stderr)
                front.append(value if eq else args[i + 1])
                i += 1 if eq else 2
                continue
            out.append(args[i])
            i += 1
        return front + out

    def error(self, message: str) -> NoReturn:
        for action in self._actions:
            old = deprecated_spellings(action)
            if old:
                message = message.replace("/".join(action.option_strings), action.option_strings[0])
        super().error(message)


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

    def add(self, parser: argparse.ArgumentParser, *, old: Sequence[str] = (),
            **overrides: Any) -> argparse.Action:
        """Add the flag to `parser`, with this subcommand's `overrides` (default, help, ...);
        `old` are spellings this subcommand used before (hidden, with a deprecation note).

        Example:
            >>> parser = argparse.ArgumentParser()
            >>> QUIET.add(parser, help=NO_PROGRESS).help
            'no progress bar'
        """
        settings = {**self.settings, **overrides}
        if old:
            if settings.get("action", "store") != "store":
                raise TypeError(f"{self.names[0]}: old spellings are only supported for flags "
                                "that take a value")
            settings["action"], settings["old"] = Renamed, tuple(old)
        return parser.add_argument(*self.names, *old, **settings)


NO_PROGRESS = "no progress bar"
LABEL_HELP = "label column (csv/parquet/jsonl)"

DATA = Flag("--data", metavar="DATA")
LABEL = Flag("--label", default="label", metavar="COLUMN", help="label column")
TEXT_COLUMN = Flag("--text-column", default="text", metavar="COLUMN",
                   help="text column of a JSONL/CSV text file")
MODEL = Flag("--model", metavar="MODEL")
SIZES = Flag("--sizes", metavar="SIZES")
SEEDS = Flag("--seeds", type=count(1), metavar="N", help="seeds (repetitions) per cell")
SEED = Flag("--seed", type=int, default=0, metavar="N",
            help="random seed (the same seed gives the same output)")
STEPS = Flag("--steps", type=count(1), metavar="N", help="optimizer steps per model")
JOBS = Flag("--jobs", type=count(1), metavar="N", help="parallel processes")
OUT = Flag("--out", type=Path, metavar="PATH")
QUIET = Flag("--quiet", action="store_true", help="print only the results (no progress bar)")
PIPELINE = Flag("--pipeline", required=True, type=Path, metavar="FILE",
                help="pipeline YAML/JSON file (see `augmentlab validate`)")
INPUT = Flag("--input", type=Path, metavar="PATH")
COPIES = Flag("--copies", type=count(1), metavar="N", help="augmented copies per sample")
PER_CLASS = Flag("--per-class", type=count(0), metavar="N", help="synthetic samples per class")
