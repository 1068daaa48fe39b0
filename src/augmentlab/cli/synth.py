"""``augmentlab synth``: a generator fitted on data, its synthetic samples written with a manifest."""

from __future__ import annotations

import argparse

from ..core.errors import InvalidConfig
from .command import Subparsers
from .flags import DATA, LABEL, OUT, PER_CLASS, SEED
from .inputs import data_source

__all__ = ["NAME", "add_parser", "run"]

NAME = "synth"


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``synth`` and its flags to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["--data", "wine", "--per-class", "5", "--out", "s"]).generator
        'smote'
    """
    about = "fit a generator on data and write synthetic samples, with a manifest of their parents"
    parser = subparsers.add_parser(NAME, help=about, description=about)
    DATA.add(parser, required=True, help="as for evaluate: a built-in name, folder:PATH, csv:PATH, "
                                         "parquet:PATH or jsonl:PATH")
    LABEL.add(parser)
    parser.add_argument("--generator", default="smote", metavar="NAME",
                        help="smote, borderline-smote, adasyn, random, noise, copula (tables); "
                             "cvae, cgan (images)")
    PER_CLASS.add(parser, required=True, old=("--n",),
                  help="synthetic samples per class (of --class only, when given)")
    parser.add_argument("--class", dest="cls", default=None, metavar="CLASS",
                        help="only this class (default: every class)")
    SEED.add(parser)
    OUT.add(parser, required=True, help="a new folder for the samples and their manifest")
    return parser


def run(args: argparse.Namespace) -> int:
    """Fit the generator on the training split and write ``--per-class`` samples per class (or of
    ``--class`` only).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from augmentlab.cli import build_parser
        >>> work = Path(tempfile.mkdtemp())
        >>> _ = (work / "t.csv").write_text("a,b,label\\n" + "".join(
        ...     f"{i % 7},{i % 5},{i % 2}\\n" for i in range(40)))
        >>> run(build_parser().parse_args(["synth", "--data", f"csv:{work / 't.csv'}", "--generator",
        ...                                "noise", "--per-class", "3", "--out", str(work / "out")]))
        augmentlab synth: 6 samples from GaussianNoise fitted on ... training rows of t
          samples:  .../out
          manifest: .../out/manifest.jsonl
        0
    """
    from ..datasets import Dataset, load
    from ..evaluate.modalities import adapter_for
    from ..synth.writer import make_generator, write_synthetic

    data = data_source(args.data, args.label, None)
    data = data if isinstance(data, Dataset) else load(data)
    fitting = adapter_for(data.modality).generators  # None: any generator fits its rows
    if fitting == ():
        raise InvalidConfig(f"{data.modality} generators are not part of augmentlab yet; use a "
                            "table or images")
    X, y = data.train_set()
    gen = make_generator(args.generator, args.seed)
    if fitting is not None and args.generator not in fitting:
        raise InvalidConfig(f"{args.generator} is for tables; for {data.modality}s use "
                            f"--generator {' or '.join(fitting)}")
    gen.fit(X, y)
    if args.cls is not None and args.cls not in data.classes:
        raise InvalidConfig(f"--class {args.cls!r} is not one of {', '.join(data.classes)}")
    wanted = {data.classes.index(args.cls): args.per_class} if args.cls is not None else \
        {c: args.per_class for c in range(len(data.classes))}
    synthetic = gen.sample(wanted, seed=args.seed)
    out = write_synthetic(args.out, synthetic, generator=gen, seed=args.seed, classes=data.classes,
                          columns=data.feature_names, label=args.label)
    print(f"augmentlab synth: {len(synthetic)} samples from {type(gen).__name__} fitted on "
          f"{len(y)} training rows of {data.name}")
    print(f"  samples:  {out}")
    print(f"  manifest: {out / 'manifest.jsonl'}")
    return 0
