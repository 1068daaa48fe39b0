"""``augmentlab evaluate``: baseline vs augmentation strategies on the user's data or a built-in set."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..core.errors import InvalidConfig
from .command import Subparsers
from .flags import DATA, JOBS, LABEL, LABEL_HELP, MODEL, OUT, QUIET, SEEDS, SIZES, STEPS, TEXT_COLUMN, count
from .inputs import data_source, train_sizes
from .report import run_experiment

__all__ = ["NAME", "add_parser", "run", "strategy"]

NAME = "evaluate"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``evaluate`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["--data", "wine", "--strategy", "m=mild"]).strategy
        ['m=mild']
    """
    about = "baseline vs augmentation strategies on your data or a built-in set"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    DATA.add(parser, required=True,
             help="built-in name (mnist, digits, wine, rotten-tomatoes, spoken-digits, "
                  "drums, keel:yeast4, ...), folder:PATH (class subfolders of images "
                  "or audio), csv:PATH, parquet:PATH or jsonl:PATH")
    LABEL.add(parser, help=LABEL_HELP)
    TEXT_COLUMN.add(parser, default=None, old=("--text",),
                    help="text column of csv/parquet/jsonl text data (default: text for jsonl)")
    MODEL.add(parser, default=None,
              help="small-cnn, mlp, logreg, hgb (images, tables); tfidf-logreg, "
                   "embedding-logreg (text); logmel-logreg (audio)")
    parser.add_argument("--strategy", action="append", default=[], metavar="NAME=WHAT",
                        help="a strategy to compare (repeatable). WHAT is baseline, recommended, "
                             "mild, trivialaugment, randaugment or a PIPELINE.yaml; auto (chosen "
                             "per cell from its training rows); or fixmatch, uda or self-training, "
                             "alone or after a pipeline (recommended+self-training; needs "
                             "--unlabeled)")
    parser.add_argument("--unlabeled", default=None, metavar="rest|PATH",
                        help="unlabelled rows for fixmatch/uda/self-training (and auto's "
                             "self-training candidate): 'rest' (the "
                             "training rows outside each subset, labels hidden), a folder of "
                             "images or a .txt file of texts")
    parser.add_argument("--unlabeled-size", type=count(1), default=None, metavar="N",
                        help="use at most N unlabelled rows (a fixed draw per size and seed)")
    SIZES.add(parser, default="10,50",
              help="rows per class (10,50) or fractions of the training split (0.25,all)")
    SEEDS.add(parser, default=5)
    parser.add_argument("--budget", choices=("steps", "epochs"), default="steps",
                        help="train each model for --steps optimizer steps or --epochs epochs")
    STEPS.add(parser, default=500, help="optimizer steps per model (with --budget steps)")
    parser.add_argument("--epochs", type=count(1), default=30, metavar="N",
                        help="epochs per model (with --budget epochs)")
    parser.add_argument("--equivalence", type=float, default=1.0, metavar="POINTS",
                        help="a whole interval within +-POINTS reads as 'equivalent' (no effect "
                             "larger than that); default 1 point")
    OUT.add(parser, default=Path("augmentlab-results"),
            help="folder for the report (report.html), results.json and summary.csv")
    JOBS.add(parser, default=1)
    QUIET.add(parser)
    return parser


def strategy(spec: str, data: Any) -> tuple[str, Any]:
    """``NAME=baseline|recommended|mild|trivialaugment|randaugment|PATH.yaml|PATH.json`` (``NAME``
    alone: a built-in), or a semi-supervised method (``fixmatch``, ``uda``, ``self-training``),
    alone or after one of those pipelines (``recommended+self-training``).

    Example:
        >>> strategy("plain=baseline", "digits")
        ('plain', None)
        >>> strategy("trivialaugment", "digits")[0]
        'trivialaugment'
        >>> type(strategy("st=mild+self-training", "digits")[1]).__name__
        'SemiStrategy'
    """
    from ..evaluate import Strategy
    from ..evaluate.strategies import SEMI_METHODS

    name, _, value = spec.partition("=")
    value = value or name
    if value == "auto":
        from ..evaluate import AutoStrategy

        return name, AutoStrategy(name)
    base, plus, method = value.rpartition("+")
    if method in SEMI_METHODS:
        pipeline = _pipeline(spec, base, data) if plus else None
        return name, Strategy(name, pipeline, semi=method)
    return name, _pipeline(spec, value, data)


def _pipeline(spec: str, value: str, data: Any) -> Any:
    from ..core.compose import Compose
    from ..core.config import load_pipeline
    from ..datasets import Dataset, load
    from ..evaluate import mild_geometric, recommended_strategy

    if value == "baseline":
        return None
    if value == "mild":
        return mild_geometric()
    if value in ("trivialaugment", "randaugment"):
        from ..policies import RandAugment, TrivialAugmentWide

        policy = TrivialAugmentWide() if value == "trivialaugment" else RandAugment()
        return Compose([policy])
    if value == "recommended":
        ds = data if isinstance(data, Dataset) else load(data)
        return recommended_strategy(ds)
    path = Path(value)
    if not path.is_file():
        raise InvalidConfig(f"--strategy {spec!r}: expected NAME=baseline|recommended|mild|"
                            "trivialaugment|randaugment|PATH to a pipeline YAML/JSON file, "
                            "optionally followed by +fixmatch, +uda or +self-training, or "
                            "NAME=auto (names are lower case)")
    return load_pipeline(path.read_text(encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    """Run the experiment and print its summary and where its report is.

    Example:
        >>> from augmentlab.cli import build_parser
        >>> run(build_parser().parse_args(["evaluate", "--data", "wine", "--strategy", "x=no.yaml"]))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: --strategy 'x=no.yaml': expected NAME=baseline|...
    """
    from ..evaluate import Experiment

    if not 0 < args.equivalence < 100:  # NaN fails too
        raise InvalidConfig(f"--equivalence {args.equivalence:g}: give the band in points of "
                            "accuracy, between 0 and 100 (default 1)")
    data = data_source(args.data, args.label, args.text_column)
    strategies = dict(strategy(s, data) for s in args.strategy) or None
    exp = Experiment(data, model=args.model, strategies=strategies,
                     train_sizes=train_sizes(args.sizes), seeds=args.seeds, out=args.out,
                     budget=args.budget, steps=args.steps, epochs=args.epochs, jobs=args.jobs,
                     quiet=args.quiet, equivalence=args.equivalence / 100,
                     unlabeled=args.unlabeled, unlabeled_size=args.unlabeled_size)
    return run_experiment(exp)
