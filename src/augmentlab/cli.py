"""The ``augmentlab`` command."""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Any

__all__ = ["main"]

def _data(spec: str, label: str, text: str | None) -> Any:
    """``NAME`` | ``folder:PATH`` | ``csv:PATH`` | ``parquet:PATH`` | ``jsonl:PATH``."""
    from . import datasets

    kind, _, rest = spec.partition(":")
    if kind == "folder" and rest:
        return datasets.from_folder(rest)
    if kind in ("csv", "parquet") and rest:
        return datasets.from_csv(rest, label=label, text=text)
    if kind == "jsonl" and rest:
        return datasets.from_jsonl(rest, label=label, text=text or "text")
    return spec  # a built-in name (keel:<name> included)


def _strategy(spec: str, data: Any) -> tuple[str, Any]:
    """``NAME=baseline|recommended|mild|trivialaugment|randaugment|PATH.yaml|PATH.json`` (``NAME``
    alone: a built-in)."""
    from .core.compose import Compose
    from .core.config import load_pipeline
    from .core.errors import InvalidConfig
    from .datasets import Dataset, load
    from .evaluate import mild_geometric, recommended_strategy

    name, _, value = spec.partition("=")
    value = value or name
    if value == "baseline":
        return name, None
    if value == "mild":
        return name, mild_geometric()
    if value in ("trivialaugment", "randaugment"):
        from .policies import RandAugment, TrivialAugmentWide

        policy = TrivialAugmentWide() if value == "trivialaugment" else RandAugment()
        return name, Compose([policy])
    if value == "recommended":
        ds = data if isinstance(data, Dataset) else load(data)
        return name, recommended_strategy(ds)
    path = Path(value)
    if not path.is_file():
        raise InvalidConfig(f"--strategy {spec!r}: expected NAME=baseline|recommended|mild|"
                            "trivialaugment|randaugment|PATH to a pipeline YAML/JSON file")
    return name, load_pipeline(path.read_text(encoding="utf-8"))


def _print_summary(results: Any) -> None:
    print(results.summary_text())  # intervals clipped to their range; a note under 3 seeds


def _run_experiment(exp: Any) -> int:
    results = exp.run()
    report = exp.out / "report.html"
    _print_summary(results)
    print(f"\nreport:  {report}")
    print(f"results: {exp.out / 'results.json'}  ({exp.out / 'summary.csv'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``augmentlab`` command.

    Example:
        >>> import tempfile
        >>> main(["preview", "--out", tempfile.mkdtemp(), "--copies", "1"])
        augmentlab preview: 4 built-in photos, each with 1 augmented copies ...
        0
    """
    import augmentlab

    parser = argparse.ArgumentParser(prog="augmentlab", description=__doc__)
    parser.add_argument("--version", action="version", version=augmentlab.__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    p_demo = sub.add_parser("demo", help="the main job: measure augmentation on built-in MNIST")
    p_demo.add_argument("--out", type=Path, default=Path("demo_output"))
    p_demo.add_argument("--dataset", default="mnist", help="built-in image dataset (default mnist)")
    p_demo.add_argument("--sizes", default="10,50", help="train sizes per class, comma separated")
    p_demo.add_argument("--seeds", type=int, default=5)
    p_demo.add_argument("--steps", type=int, default=1000, help="optimizer steps per model")
    p_demo.add_argument("--jobs", type=int, default=None, help="parallel processes (default: cores)")
    p_demo.add_argument("--generators", default="",
                        help="also measure generated images: cvae, cgan or cvae,cgan "
                             "(a generator is fitted per cell: slower)")
    p_demo.add_argument("--quiet", action="store_true", help="no progress bar")
    p_demo.add_argument("--no-text", action="store_true",
                        help="skip the text section (Rotten Tomatoes: EDA, back-translation)")

    p_eval = sub.add_parser("evaluate", help="baseline vs strategies on your data or a built-in set")
    p_eval.add_argument("--data", required=True,
                        help="built-in name (mnist, digits, wine, rotten-tomatoes, spoken-digits, "
                             "drums, keel:yeast4, ...), folder:PATH (class subfolders of images "
                             "or audio), csv:PATH, parquet:PATH or jsonl:PATH")
    p_eval.add_argument("--label", default="label", help="label column (csv/parquet/jsonl)")
    p_eval.add_argument("--text", default=None, help="text column (csv/parquet/jsonl text data)")
    p_eval.add_argument("--model", default=None,
                        help="small-cnn, mlp, logreg, hgb (images, tables); tfidf-logreg, "
                             "embedding-logreg (text); logmel-logreg (audio)")
    p_eval.add_argument("--strategy", action="append", default=[],
                        help="NAME=baseline|recommended|mild|trivialaugment|randaugment|"
                             "PIPELINE.yaml (repeatable)")
    p_eval.add_argument("--sizes", default="10,50",
                        help="rows per class (10,50) or fractions of the training split (0.25,all)")
    p_eval.add_argument("--seeds", type=int, default=5)
    p_eval.add_argument("--budget", choices=("steps", "epochs"), default="steps")
    p_eval.add_argument("--steps", type=int, default=500)
    p_eval.add_argument("--epochs", type=int, default=30)
    p_eval.add_argument("--out", type=Path, default=Path("augmentlab-results"))
    p_eval.add_argument("--jobs", type=int, default=1)
    p_eval.add_argument("--quiet", action="store_true")

    p_search = sub.add_parser("search", help="search an augmentation policy (Optuna), judged on a "
                              "validation split of the training data; then compare it on the test split")
    p_search.add_argument("--data", default="mnist", help="as for evaluate (default mnist)")
    p_search.add_argument("--label", default="label", help="label column (csv/parquet/jsonl)")
    p_search.add_argument("--space", choices=("randaugment", "subpolicies"), default="randaugment",
                          help="randaugment: the (N, M) grid; subpolicies: AutoAugment's space (TPE)")
    p_search.add_argument("--sampler", choices=("grid", "tpe", "random"), default=None)
    p_search.add_argument("--trials", type=int, default=15)
    p_search.add_argument("--model", default="small-cnn")
    p_search.add_argument("--sizes", default="10", help="rows per class the trials train on")
    p_search.add_argument("--seeds", type=int, default=3, help="seeds per trial")
    p_search.add_argument("--steps", type=int, default=1000)
    p_search.add_argument("--jobs", type=int, default=1, help="worker processes on this machine")
    p_search.add_argument("--storage", default=None,
                          help="Optuna storage URL (default: sqlite in --out; postgresql://... for "
                               "several machines)")
    p_search.add_argument("--study", default=None, help="study name (join it from other machines)")
    p_search.add_argument("--worker", action="store_true",
                          help="only run trials of an existing study (another machine's search)")
    p_search.add_argument("--final-seeds", type=int, default=5,
                          help="seeds of the final test-split comparison (0: skip it)")
    p_search.add_argument("--out", type=Path, default=Path("augmentlab-search"))
    p_search.add_argument("--quiet", action="store_true")

    p_syn = sub.add_parser("synth", help="fit a generator on data and write synthetic samples")
    p_syn.add_argument("--data", required=True, help="as for evaluate: a name, folder:PATH, csv:PATH")
    p_syn.add_argument("--label", default="label")
    p_syn.add_argument("--generator", default="smote",
                       help="smote, borderline-smote, adasyn, random, noise, copula, cvae, cgan")
    p_syn.add_argument("--n", type=int, required=True, help="samples per class (see --class)")
    p_syn.add_argument("--class", dest="cls", default=None,
                       help="only this class (default: every class)")
    p_syn.add_argument("--seed", type=int, default=0)
    p_syn.add_argument("--out", type=Path, required=True)

    p_aug = sub.add_parser("augment", help="augment a dataset (images, audio, text, tables) into "
                           "the same format, with a manifest")
    p_aug.add_argument("input", type=Path, help="a dataset folder (images: class subfolders or flat, "
                       "images/ + masks/, YOLO, Pascal VOC, COCO; audio folders with event CSVs; "
                       "CSV/Parquet tables; JSONL/CSV text) or one table, text or audio file")
    p_aug.add_argument("output", type=Path, help="a new folder (written as OUTPUT.partial, then renamed)")
    p_aug.add_argument("--pipeline", required=True, help="pipeline YAML/JSON file")
    p_aug.add_argument("--copies", type=int, default=1, help="augmented copies per sample")
    p_aug.add_argument("--label", default=None, help="label column of tables and text (kept as is)")
    p_aug.add_argument("--text-column", default="text", help="text column of JSONL/CSV text (default text)")
    p_aug.add_argument("--seed", type=int, default=0)
    p_aug.add_argument("--workers", type=int, default=1, help="processes (output bytes do not depend on it)")
    p_aug.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local processes, or Ray Data (local mode unless --ray-address)")
    p_aug.add_argument("--ray-address", default=None, help="a Ray cluster to run on (engine ray)")
    p_aug.add_argument("--include-originals", action="store_true", help="copy the originals too")
    p_aug.add_argument("--strict", action="store_true", help="stop at the first bad file")
    p_aug.add_argument("--overwrite", action="store_true", help="replace an existing OUTPUT")
    p_aug.add_argument("--quiet", action="store_true", help="no progress bar")

    p_rep = sub.add_parser("replay", help="re-run an augment output's manifest and compare bytes")
    p_rep.add_argument("output", type=Path)
    p_rep.add_argument("--verify", action="store_true", required=True,
                       help="check every output is reproduced byte for byte")
    p_rep.add_argument("--input", type=Path, default=None, help="the input, if it has moved")

    p_show = sub.add_parser("show", help="what a pipeline does to one sample: a PNG grid for an "
                            "image, waveforms and spectrograms for audio, a table for text")
    p_show.add_argument("--pipeline", required=True)
    p_show.add_argument("--input", type=Path, required=True, help="an image file (its COCO/YOLO/VOC "
                        "annotations or mask are drawn when it sits in such a dataset), an audio "
                        "file (events from <stem>.csv), or a JSONL/CSV text file (see --row)")
    p_show.add_argument("--n", type=int, default=None, help="copies (default 16 images, 4 audio, 8 text)")
    p_show.add_argument("--seed", type=int, default=0)
    p_show.add_argument("--row", type=int, default=0, help="which row of a text file (from 0)")
    p_show.add_argument("--text-column", default="text")
    p_show.add_argument("--out", type=Path, default=None,
                        help="PNG for images/audio (default grid.png / audio.png); text: also a .md")

    p_val = sub.add_parser("validate", help="check a pipeline file and say what is wrong")
    p_val.add_argument("pipeline", type=Path)

    p_prev = sub.add_parser("preview", help="augment built-in photos and write a preview grid")
    p_prev.add_argument("--out", type=Path, default=Path("preview_output"))
    p_prev.add_argument("--copies", type=int, default=5)
    sub.add_parser("list", help="list every transform with the fields it changes")
    if argv is None:
        argv = sys.argv[1:]
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except augmentlab.errors.AugmentlabError as exc:
        print(f"augmentlab {args.command}: {exc}", file=sys.stderr)
        return 2


def _pipeline_file(path: str | Path) -> str:
    """A pipeline path that exists (load_pipeline also takes YAML text: a typo must not be read as one)."""
    from .core.errors import InvalidConfig

    try:
        found = Path(path).is_file()
    except OSError as exc:  # a name too long for the file system, say
        raise InvalidConfig(f"pipeline file {str(path)[:80]}...: {exc.strerror}") from None
    if not found:
        raise InvalidConfig(f"pipeline file {path} not found")
    return str(path)


def _sizes(text: str) -> list[int | float | str]:
    """``10,50`` (rows per class), ``0.25,all`` (fractions of the training split)."""
    from .core.errors import InvalidConfig

    out: list[int | float | str] = []
    for v in (v.strip() for v in text.split(",")):
        if not v:
            continue
        try:
            out.append("all" if v == "all" else float(v) if "." in v else int(v))
        except ValueError:
            raise InvalidConfig(f"--sizes {text!r}: expected rows per class (10,50) or fractions "
                                "of the training split (0.25,all), comma separated") from None
    return out


def _synth(args: argparse.Namespace) -> int:
    from .core.errors import InvalidConfig
    from .datasets import Dataset, load
    from .synth.writer import make_generator, write_synthetic

    data = _data(args.data, args.label, None)
    data = data if isinstance(data, Dataset) else load(data)
    if data.modality == "text":
        raise InvalidConfig("synth: text generators are not part of augmentlab yet; use a table or images")
    if args.n < 0:
        raise InvalidConfig(f"synth: --n {args.n} must be >= 0")
    X, y = data.train_set()
    gen = make_generator(args.generator, args.seed)
    if data.modality == "image" and args.generator not in ("cvae", "cgan"):
        raise InvalidConfig(f"synth: {args.generator} is for tables; for images use --generator "
                            "cvae or cgan")
    gen.fit(X, y)
    if args.cls is not None and args.cls not in data.classes:
        raise InvalidConfig(f"synth: --class {args.cls!r} is not one of {', '.join(data.classes)}")
    wanted = {data.classes.index(args.cls): args.n} if args.cls is not None else \
        {c: args.n for c in range(len(data.classes))}
    synthetic = gen.sample(wanted, seed=args.seed)
    out = write_synthetic(args.out, synthetic, generator=gen, seed=args.seed, classes=data.classes,
                          columns=data.feature_names, label=args.label)
    print(f"augmentlab synth: {len(synthetic)} samples from {type(gen).__name__} fitted on "
          f"{len(y)} training rows of {data.name}")
    print(f"  samples:  {out}")
    print(f"  manifest: {out / 'manifest.jsonl'}")
    return 0


def _search(args: argparse.Namespace) -> int:
    from .search import PolicySearch, final_evaluation

    data = _data(args.data, args.label, None)
    sizes = [int(v) for v in _sizes(args.sizes)]
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
    _print_summary(results)
    print(f"\nreport:  {args.out / 'report.html'}")
    return 0


def _augment_command(args: argparse.Namespace) -> list[str]:
    """The `augment` command as recorded in OUTPUT/augmentlab.yaml: what decides the output's bytes,
    in one canonical order; --workers, --engine, --quiet and the like are left out, so that the
    output is byte-identical whichever of them a run used."""
    command = ["augmentlab", "augment", str(args.input), str(args.output), "--pipeline", str(args.pipeline),
               "--copies", str(args.copies), "--seed", str(args.seed)]
    if args.label is not None:
        command += ["--label", args.label]
    if args.text_column != "text":
        command += ["--text-column", args.text_column]
    if args.include_originals:
        command.append("--include-originals")
    return command


def _dispatch(args: argparse.Namespace) -> int:
    import augmentlab

    if args.command == "demo":
        from .evaluate.demo import demo_experiment

        exp = demo_experiment(args.out, dataset=args.dataset,
                              train_sizes=tuple(int(v) for v in _sizes(args.sizes)),
                              seeds=args.seeds, steps=args.steps, jobs=args.jobs, quiet=args.quiet,
                              generators=tuple(g for g in args.generators.split(",") if g))
        print(f"augmentlab demo: does augmentation help a small CNN on {exp.data.name} with "
              f"{' and '.join(map(str, exp.train_sizes))} labelled images per class? "
              f"{len(exp.seeds)} seeds x {len(exp.strategies)} strategies.", flush=True)
        _run_experiment(exp)
        from .evaluate.demo import text_demo_available, text_demo_experiment

        if args.no_text:
            return 0
        if not text_demo_available():
            print("\n(text section skipped: it needs WordNet and Apertium, which `make install` "
                  "installs)")
            return 0
        text = text_demo_experiment(args.out / "text", seeds=args.seeds, jobs=args.jobs,
                                    quiet=args.quiet)
        print("\naugmentlab demo, text: does EDA or back-translation help TF-IDF + logistic "
              "regression on Rotten Tomatoes with 500 labelled sentences? "
              f"{len(text.seeds)} seeds x {len(text.strategies)} strategies.", flush=True)
        return _run_experiment(text)
    if args.command == "evaluate":
        from .evaluate import Experiment

        data = _data(args.data, args.label, args.text)
        strategies = dict(_strategy(s, data) for s in args.strategy) or None
        exp = Experiment(data, model=args.model, strategies=strategies,
                         train_sizes=_sizes(args.sizes), seeds=args.seeds, out=args.out,
                         budget=args.budget, steps=args.steps, epochs=args.epochs, jobs=args.jobs,
                         quiet=args.quiet)
        return _run_experiment(exp)
    if args.command == "synth":
        return _synth(args)
    if args.command == "search":
        return _search(args)
    if args.command == "augment":
        from .core.config import load_pipeline
        from .data import augment_dataset

        summary = augment_dataset(args.input, args.output, load_pipeline(_pipeline_file(args.pipeline)),
                                  copies=args.copies, seed=args.seed, workers=args.workers,
                                  engine=args.engine, ray_address=args.ray_address,
                                  include_originals=args.include_originals, strict=args.strict,
                                  overwrite=args.overwrite, quiet=args.quiet, label=args.label,
                                  text_column=args.text_column, command=_augment_command(args))
        print(f"augmentlab augment: {summary}")
        return 0
    if args.command == "replay":
        from .data import verify_output

        different = verify_output(args.output, src=args.input)
        for line in different:
            where = line["source"] + (f" row {line['row']}" if line.get("row") is not None else "")
            copy = f" copy {line['copy']}" if "copy" in line else ""
            print(f"  {where}{copy}: {line['problem']}")
        verdict = f"{len(different)} outputs differ" if different else "every output reproduced byte for byte"
        print(f"augmentlab replay: {verdict}")
        return 0 if not different else 1
    if args.command == "show":
        from .core.config import load_pipeline
        from .data import show_grid
        from .data.audio_files import AUDIO_SUFFIXES
        from .data.show_modal import show_audio, show_text

        pipe = load_pipeline(_pipeline_file(args.pipeline))
        suffix = args.input.suffix.lower()
        if suffix in (".jsonl", ".csv"):
            print(show_text(pipe, args.input, row=args.row, n=args.n or 8, seed=args.seed,
                            text_column=args.text_column, out=args.out))
            return 0
        if suffix in AUDIO_SUFFIXES:
            path = show_audio(pipe, args.input, args.out or Path("audio.png"), n=args.n or 4,
                              seed=args.seed)
        else:
            path = show_grid(pipe, args.input, args.out or Path("grid.png"), n=args.n or 16,
                             seed=args.seed)
        print(f"augmentlab show: {args.input} and its augmented copies -> {path}")
        return 0
    if args.command == "validate":
        from .core.config import load_pipeline

        pipe = load_pipeline(_pipeline_file(args.pipeline))
        print(f"augmentlab validate: {args.pipeline}: a valid pipeline ({type(pipe).__name__}, "
              f"{len(getattr(pipe, 'transforms', [pipe]))} transforms)")
        return 0
    if args.command == "preview":
        from .preview import preview

        path = preview(args.out, args.copies)
        print("augmentlab preview: 4 built-in photos, each with "
              f"{args.copies} augmented copies (boxes green, keypoints red).")
        print(f"  pipeline: {args.out / 'preview_pipeline.yaml'}")
        print(f"  grid:     {path}")
        return 0
    if args.command == "list":
        lines = []
        for name in augmentlab.registry.names():
            cls = augmentlab.registry.get(name)
            fields = cls.fields if isinstance(cls.fields, frozenset) else frozenset({"image", "mask"})
            params = [f"{p.name}={p.default!r}" if p.default is not inspect.Parameter.empty else p.name
                      for p in inspect.signature(cls.__init__).parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            lines.append(f"{name:22s} {', '.join(sorted(fields))}\n{'':22s} {', '.join(params)}")
        try:
            print("\n".join(lines))
        except BrokenPipeError:  # `augmentlab list | head` closed the pipe: not an error
            sys.stderr.close()
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
