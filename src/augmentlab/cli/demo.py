"""``augmentlab demo``: the main job, augmentation measured on built-in MNIST (and Rotten Tomatoes)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import JOBS, NO_PROGRESS, OUT, QUIET, SEEDS, SIZES, STEPS, count
from .inputs import train_sizes
from .report import run_experiment

__all__ = ["NAME", "add_parser", "run"]

NAME = "demo"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``demo`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["--sizes", "5"]).sizes
        '5'
    """
    about = "the main job: measure augmentation on built-in MNIST (and Rotten Tomatoes)"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    OUT.add(parser, default=Path("demo_output"), help="folder for the reports and results")
    parser.add_argument("--dataset", default="mnist", metavar="NAME",
                        help="built-in image dataset (default mnist)")
    SIZES.add(parser, default="10,50", help="train sizes per class, comma separated")
    SEEDS.add(parser, default=5)
    STEPS.add(parser, default=500, help="optimizer steps per model")
    JOBS.add(parser, default=None, help="parallel processes (default: cores)")
    parser.add_argument("--generators", default="", metavar="NAMES",
                        help="also measure generated images: cvae, cgan or cvae,cgan "
                             "(a generator is fitted per cell: slower)")
    QUIET.add(parser, help=NO_PROGRESS)
    parser.add_argument("--no-unlabeled", action="store_true",
                        help="skip the unlabelled-data section (FixMatch and auto at the smallest "
                             "size, the rest of the training split unlabelled)")
    parser.add_argument("--fixmatch-steps", type=count(1), default=800, metavar="N",
                        help="FixMatch's optimizer steps in the unlabelled-data section (default "
                             "800; it runs at most 3 seeds)")
    parser.add_argument("--no-text", action="store_true",
                        help="skip the text section (Rotten Tomatoes: EDA, back-translation, "
                             "self-training)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the image experiment, then the unlabelled-data one (unless ``--no-unlabeled``), then
    the text one unless ``--no-text`` or its tools are missing.

    Example:
        >>> from augmentlab.cli import build_parser
        >>> run(build_parser().parse_args(["demo", "--sizes", "ten"]))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: --sizes 'ten': expected rows per class (10,50) or ...
    """
    from ..evaluate.demo import (
        demo_experiment,
        semi_demo_experiment,
        text_demo_available,
        text_demo_experiment,
    )

    exp = demo_experiment(args.out, dataset=args.dataset,
                          train_sizes=tuple(int(v) for v in train_sizes(args.sizes)),
                          seeds=args.seeds, steps=args.steps, jobs=args.jobs, quiet=args.quiet,
                          generators=tuple(g for g in args.generators.split(",") if g))
    print(f"augmentlab demo: does augmentation help a small CNN on {exp.data.name} with "
          f"{' and '.join(map(str, exp.train_sizes))} labelled images per class? "
          f"{len(exp.seeds)} seeds x {len(exp.strategies)} strategies.", flush=True)
    run_experiment(exp)
    if not args.no_unlabeled:
        semi = semi_demo_experiment(args.out / "unlabeled", dataset=args.dataset,
                                    size=min(exp.train_sizes),  # type: ignore[arg-type]
                                    seeds=min(args.seeds, 3),
                                    steps=args.steps, fixmatch_steps=args.fixmatch_steps,
                                    jobs=args.jobs, quiet=args.quiet)
        print(f"\naugmentlab demo, unlabelled data: with {semi.train_sizes[0]} labelled images "
              f"per class and {semi.protocol.unlabeled_size:,} more without labels, does FixMatch "
              "help, and which strategy does auto choose? "
              f"{len(semi.seeds)} seeds x {len(semi.strategies)} strategies.", flush=True)
        run_experiment(semi)
    if args.no_text:
        return 0
    if not text_demo_available():
        print("\n(text section skipped: it needs WordNet and Apertium, which `make install` "
              "installs)")
        return 0
    text = text_demo_experiment(args.out / "text", seeds=args.seeds, jobs=args.jobs,
                                quiet=args.quiet)
    print("\naugmentlab demo, text: does EDA, back-translation or self-training on the unlabelled "
          "rest help TF-IDF + logistic regression on Rotten Tomatoes with 500 labelled sentences? "
          f"{len(text.seeds)} seeds x {len(text.strategies)} strategies.", flush=True)
    return run_experiment(text)
