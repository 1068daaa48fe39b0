"""``augmentlab search``: an augmentation policy searched with Optuna, then compared on the test split."""

from __future__ import annotations

import argparse
from pathlib import Path

from .command import Subparsers
from .flags import DATA, JOBS, LABEL, LABEL_HELP, MODEL, OUT, QUIET, SEEDS, SIZES, STEPS, count
from .inputs import data_source, train_sizes
from .report import print_summary

__all__ = ["NAME", "add_parser", "run"]

NAME = "search"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``search`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["--trials", "4"]).trials
        4
    """
    about = ("search an augmentation policy (Optuna), judged on a validation split of the "
             "training data; then compare it on the test split")
    parser = subparsers.add_parser(NAME, help=about, description=about)
    DATA.add(parser, default="mnist", help="as for evaluate (default mnist)")
    LABEL.add(parser, help=LABEL_HELP)
    parser.add_argument("--space", choices=("randaugment", "subpolicies"), default="randaugment",
                        help="randaugment: the (N, M) grid; subpolicies: AutoAugment's space (TPE)")
    parser.add_argument("--sampler", choices=("grid", "tpe", "random"), default=None,
                        help="Optuna's sampler (default: grid for randaugment, tpe for subpolicies)")
    parser.add_argument("--trials", type=count(1), default=15, metavar="N",
                        help="policies to try")
    MODEL.add(parser, default="small-cnn", help="the model each trial trains (as for evaluate)")
    SIZES.add(parser, default="10", help="rows per class the trials train on")
    SEEDS.add(parser, default=3, help="seeds per trial")
    STEPS.add(parser, default=1000)
    JOBS.add(parser, default=1, help="parallel processes on this machine")
    parser.add_argument("--storage", default=None, metavar="URL",
                        help="Optuna storage URL (default: sqlite in --out; postgresql://... for "
                             "several machines)")
    parser.add_argument("--study", default=None, metavar="NAME",
                        help="study name (join it from other machines)")
    parser.add_argument("--worker", action="store_true",
                        help="only run trials of an existing study (another machine's search)")
    parser.add_argument("--final-seeds", type=count(0), default=5, metavar="N",
                        help="seeds of the final test-split comparison (0: skip it)")
    OUT.add(parser, default=Path("augmentlab-search"),
            help="folder for the study, the best pipeline, the trials and the final report")
    QUIET.add(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Search (or, with ``--worker``, only run trials of another machine's study), then compare the
    found policy with the baseline and the usual policies on the test split.

    Example:
        >>> from augmentlab.cli import build_parser
        >>> run(build_parser().parse_args(["search", "--sizes", "ten"]))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: --sizes 'ten': expected rows per class (10,50) or ...
    """
    from ..search import PolicySearch, final_evaluation

    data = data_source(args.data, args.label, None)
    sizes = [int(v) for v in train_sizes(args.sizes)]
    search = PolicySearch(data, model=args.model, space=args.space, sampler=args.sampler,
                          trials=args.trials, train_sizes=sizes, seeds=args.seeds, steps=args.steps,
                          jobs=args.jobs, storage=args.storage, study_name=args.study,
                          out=args.out / "search")
    if args.worker:
        search.work()
        print(f"augmentlab search: worker done on study {search.study_name}")
        return 0
    print(f"augmentlab search: {search.trials} trials of the {search.space.kind} space on "
          f"{search.data.name} ({search.view.split}), {args.jobs} process(es)", flush=True)
    result = search.run()
    print(f"  best: {result.best_params} -> validation accuracy {100 * result.best_value:.1f}% "
          f"(search wall time {result.seconds:.0f} s)")
    print(f"  pipeline: {search.out / 'best_pipeline.yaml'}")
    print(f"  trials:   {search.out / 'trials.csv'}")
    if args.final_seeds < 1:
        return 0
    print("augmentlab search: the found policy vs baseline, hand-written pipelines and "
          f"TrivialAugment / RandAugment on the test split, {args.final_seeds} seeds", flush=True)
    results = final_evaluation(search.data, result.pipeline, args.out, model=args.model,
                               train_sizes=sizes, seeds=args.final_seeds, steps=args.steps,
                               jobs=args.jobs, search=result.to_dict(), quiet=args.quiet)
    print_summary(results)
    print(f"\nreport:  {args.out / 'report.html'}")
    return 0
