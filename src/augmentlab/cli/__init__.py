"""The ``augmentlab`` command: grow small training sets and prove whether that helped."""

from __future__ import annotations

import os
import sys

from ..core.errors import AugmentlabError
from . import (
    augment,
    completion,
    demo,
    evaluate,
    inputs,
    listing,
    preview,
    replay,
    report,
    search,
    show,
    synth,
    validate,
)
from .command import Command
from .flags import Parser
from .version import ShowVersion

__all__ = ["COMMANDS", "EXIT_CODES", "build_parser", "main"]

# The dispatch table: one module per subcommand, in the order `augmentlab --help` lists them.
COMMANDS: dict[str, Command] = {command.NAME: command for command in (
    demo, evaluate, search, synth, augment, replay, show, validate, preview, listing, completion)}

# What the exit code says; `augmentlab --help` and docs/cli.md list these.
EXIT_CODES = {
    0: "success",
    1: "the data or the configuration is wrong (the message says what to fix),\n"
       "     or replay found outputs that differ",
    2: "the command line is wrong (an unknown command or flag, a missing argument,\n"
       "     a value of the wrong kind)",
}

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


def build_parser() -> Parser:
    """The ``augmentlab`` parser, with every subcommand's parser from `COMMANDS`.

    Example:
        >>> build_parser().parse_args(["validate", "p.yaml"]).command
        'validate'
    """
    epilog = ("Run `augmentlab COMMAND --help` for a command's options.\n\nexit codes:\n" +
              "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items()))
    parser = Parser(prog="augmentlab", epilog=epilog,
                    description="augmentlab: grow small training sets and prove whether that helped.")
    parser.add_argument("--version", action=ShowVersion)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                       title="commands")
    for name, command in COMMANDS.items():
        parser.commands[name] = command.add_parser(subparsers)
    parser.commands[completion.NAME].set_defaults(root_parser=parser)
    return parser


def _message(command: str, exc: Exception) -> str:
    """The error's message without a repeated command name (``show: show: ...``).

    Example:
        >>> _message("show", ValueError("show: no such file"))
        'no such file'
    """
    text = str(exc)
    return text.removeprefix(f"{command}: ").removeprefix(f"augmentlab {command}: ")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``augmentlab`` command; the exit code (see `EXIT_CODES`).

    Example:
        >>> import tempfile
        >>> main(["preview", "--out", tempfile.mkdtemp(), "--copies", "1"])
        augmentlab preview: 4 built-in photos, each with 1 augmented copies ...
        0
    """
    if argv is None:
        argv = sys.argv[1:]
    args = build_parser().parse_args(argv)  # a usage error exits with 2 here
    try:
        return COMMANDS[args.command].run(args)
    except AugmentlabError as exc:
        print(f"augmentlab {args.command}: {_message(args.command, exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (`augmentlab completion bash | head`): stop quietly, as cat does;
        # stdout is pointed at /dev/null so that the interpreter's final flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
