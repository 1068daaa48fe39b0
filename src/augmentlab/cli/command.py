"""What each subcommand module provides, so that `augmentlab.cli.main` can dispatch through a table."""

from __future__ import annotations

import argparse
from typing import Any, Protocol, TypeAlias

__all__ = ["Command", "Subparsers"]

Subparsers: TypeAlias = "argparse._SubParsersAction[Any]"


class Command(Protocol):
    """A subcommand module: its ``NAME``, ``add_parser(subparsers)`` and ``run(args) -> int``.

    Example:
        >>> from augmentlab.cli import validate
        >>> command: Command = validate
        >>> command.NAME
        'validate'
    """

    NAME: str

    def add_parser(self, subparsers: Subparsers) -> argparse.ArgumentParser:
        """Add the subcommand's parser (its flags and help) to `subparsers`."""

    def run(self, args: argparse.Namespace) -> int:
        """Run the subcommand on its parsed `args`; the exit code."""
