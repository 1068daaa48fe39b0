"""The ``augmentlab`` command."""

from __future__ import annotations

import argparse
import sys

from ..core.errors import AugmentlabError
from ..core.version import __version__
from . import augment, demo, evaluate, inputs, listing, preview, replay, report, search, show, synth, validate
from .command import Command

__all__ = ["COMMANDS", "build_parser", "main"]

# The dispatch table: one module per subcommand, in the order `augmentlab --help` lists them.
COMMANDS: dict[str, Command] = {command.NAME: command for command in (
    demo, evaluate, search, synth, augment, replay, show, validate, preview, listing)}

# The helpers' names in the one-module cli, kept for code and tests that import them from here.
_augment_command = augment.recorded_command
_data = inputs.data_source
_pipeline_file = inputs.pipeline_file
_print_summary = report.print_summary
_run_experiment = report.run_experiment
_search = search.run
_sizes = inputs.train_sizes
_strategy = evaluate.strategy
_synth = synth.run


def build_parser() -> argparse.ArgumentParser:
    """The ``augmentlab`` parser, with every subcommand's parser from `COMMANDS`.

    Example:
        >>> build_parser().parse_args(["validate", "p.yaml"]).command
        'validate'
    """
    parser = argparse.ArgumentParser(prog="augmentlab", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS.values():
        command.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``augmentlab`` command.

    Example:
        >>> import tempfile
        >>> main(["preview", "--out", tempfile.mkdtemp(), "--copies", "1"])
        augmentlab preview: 4 built-in photos, each with 1 augmented copies ...
        0
    """
    if argv is None:
        argv = sys.argv[1:]
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except AugmentlabError as exc:
        print(f"augmentlab {args.command}: {exc}", file=sys.stderr)
        return 2
