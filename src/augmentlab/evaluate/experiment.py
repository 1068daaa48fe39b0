"""`Experiment`: every strategy x train size x seed, cached, resumable, optionally in parallel."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.files import atomic_write
from ..core.version import __version__
from ..datasets import Dataset, load, read_unlabeled
from .auto import AutoStrategy
from .cells import CellSpec, Protocol, run_cell
from .modalities import adapter_for
from .models import ModelSpec
from .recommend import mild_geometric
from .results import Results, check_equivalence
from .stats import EQUIVALENCE
from .strategies import as_strategies

__all__ = ["Experiment"]


def _fingerprint(data: Dataset) -> str:
    h = hashlib.sha256()
    h.update(f"{data.name}|{data.modality}|{data.X.shape}|{data.classes}".encode())
    for k, rows in enumerate((data.X, data.unlabeled)):
        if rows is None:
            continue
        if k:  # unlabelled rows, when the dataset has them
            h.update(b"|unlabeled|")
        if rows.dtype == object:
            for text in rows:
                h.update(str(text).encode() + b"\0")
        else:
            h.update(np.ascontiguousarray(rows).tobytes())
    for arr in (data.y, data.train, data.test):
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()[:16]


def _unlabeled_source(unlabeled: Any, data: Dataset) -> str | None:
    """The pool kind `unlabeled` asks for: None, "rest" or "given" (rows of the user's)."""
    if unlabeled is None:
        return "given" if data.unlabeled is not None else None
    if isinstance(unlabeled, str) and unlabeled in ("rest", "given"):
        return unlabeled
    if isinstance(unlabeled, (np.ndarray, str, Path)):
        return "given"
    raise InvalidConfig(f"unlabeled must be 'rest', an array of rows or a path, got "
                        f"{type(unlabeled).__name__}")


def _write_json(path: Path, payload: Any) -> None:
    """Write next to the target, then rename: an interrupted run never leaves half a file."""
    atomic_write(path, json.dumps(payload, indent=1, sort_keys=True, default=float).encode())


# -- worker processes -------------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(data: Dataset | str, protocol: Protocol) -> None:
    import torch

    torch.set_num_threads(1)
    _WORKER["data"] = load(data) if isinstance(data, str) else data
    _WORKER["protocol"] = protocol


def _run_in_worker(cell: CellSpec) -> dict[str, Any]:
    return run_cell(_WORKER["data"], _WORKER["protocol"], cell)


def _sizes(train_sizes: Sequence[int | float | str]) -> list[int | float]:
    sizes: list[int | float] = []
    for s in train_sizes:
        if s == "all":
            s = 1.0
        if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)):
            raise InvalidConfig(f"train_sizes: {s!r} is not a size; use rows per class (int >= 2), "
                                "a fraction of the training split (0 < float <= 1) or 'all'")
        if isinstance(s, (float, np.floating)):
            if not 0 < s <= 1:
                raise InvalidConfig(f"train_sizes: fraction {s} must be in (0, 1]")
            sizes.append(float(s))
        elif s < 2:
            raise InvalidConfig(f"train_sizes: {s} rows per class must be >= 2")
        else:
            sizes.append(int(s))
    if not sizes:
        raise InvalidConfig("train_sizes is empty")
    if len({type(s) for s in sizes}) > 1:
        raise InvalidConfig("train_sizes: use either rows per class (ints) or fractions, not both")
    return sorted(set(sizes))


class Experiment:
    """Baseline vs each strategy, over training-set sizes and seeds, on one dataset and model.

    Args:
        data: a `Dataset` or a built-in name (``"mnist"``, ``"digits"``, ``"keel:yeast4"``, ...).
        model: a built-in model name (default: by modality), a scikit-learn classifier, or a
            factory returning one.
        strategies: name -> ``None`` (baseline) | pipeline | resampler | `Strategy` |
            ``"auto"`` (the strategy chosen in each cell from its training rows, `AutoStrategy`).
            A baseline is added when none is given.
        train_sizes: training rows per class (ints: balanced subsets), or fractions of each
            class of the training split (floats in (0, 1], ``"all"`` for 1.0: the class balance
            kept, for imbalanced data). Every strategy of a (size, seed) trains on the same rows.
        seeds: a count (seeds 0..n-1) or the seeds themselves.
        out: folder for the cell cache, ``results.json``, ``summary.csv`` and ``report.html``.
        budget: ``"steps"`` (the same optimizer steps for every strategy, the default) or
            ``"epochs"`` (the same passes over each strategy's training rows).
        steps: the budget's size, in optimizer steps, for models trained by steps.
        epochs: the budget's size, in passes over the training rows, when ``budget="epochs"``.
        jobs: cells run in this many processes (each with one torch thread; results do not
            depend on it).
        equivalence: the band (a fraction; 0.01 is one point) inside which a whole interval
            reads as "equivalent": no effect larger than that. Changes only the verdicts, never
            the cells (cached cells are reused).
        selection: how models trained by steps pick their weights: ``"auto"`` (a checkpoint
            chosen on the validation carve only when it has 10 rows of every class, else the
            whole subset and the last weights; see `cells.checkpoint_selection`),
            ``"validation"`` or ``"final"``. The same for every strategy.
        strategy_choice: how the strategies were chosen, in a sentence or two; the report
            states it beside the verdicts (a strategy picked by looking at this test split is
            not an independent test of it).
        unlabeled: rows without labels for semi-supervised strategies (``SemiStrategy``,
            ``Strategy(..., semi="fixmatch")``): ``"rest"`` (the training split's rows outside
            each cell's labelled subset, labels hidden), an array of rows like the dataset's,
            or a path (a folder of images, a ``.txt`` file of texts). Test rows never enter.
        unlabeled_size: cap the pool at this many rows (a draw fixed by the cell's size and
            seed; None: all of it).
        loader_workers: DataLoader processes that build training batches (augmentation,
            views) while the model trains; the results do not depend on it.

    Example:
        >>> import tempfile, augmentlab as al
        >>> exp = Experiment("wine", model="logreg", train_sizes=[8], seeds=2,
        ...                  out=tempfile.mkdtemp(), quiet=True)
        >>> res = exp.run()
        >>> len(res.cells), res.summary()["strategy"].tolist()
        (2, ['baseline'])
    """

    def __init__(
        self,
        data: Dataset | str,
        model: ModelSpec | None = None,
        strategies: Mapping[str, Any] | None = None,
        train_sizes: Sequence[int | float | str] = (10, 50),
        seeds: int | Sequence[int] = 5,
        out: str | Path = "augmentlab-results",
        *,
        budget: str = "steps",
        steps: int = 500,
        epochs: int = 30,
        batch_size: int = 32,
        val_fraction: float = 0.2,
        robustness_rows: int = 1000,
        invariance_rows: int = 500,
        jobs: int = 1,
        quiet: bool = False,
        equivalence: float = EQUIVALENCE,
        selection: str = "auto",
        strategy_choice: str | None = None,
        unlabeled: str | Path | np.ndarray | None = None,
        unlabeled_size: int | None = None,
        loader_workers: int = 0,
    ) -> None:
        self.data_name = data if isinstance(data, str) else None
        self.data = load(data) if isinstance(data, str) else data
        if not isinstance(self.data, Dataset):
            raise InvalidConfig(f"data must be a Dataset or a built-in name, got {type(data).__name__}")
        source = _unlabeled_source(unlabeled, self.data)
        if source == "given" and not (isinstance(unlabeled, str) and unlabeled == "given"):
            rows = unlabeled if isinstance(unlabeled, np.ndarray) else read_unlabeled(
                Path(str(unlabeled)), self.data)
            self.data = dataclasses.replace(self.data, unlabeled=rows)
            self.data_name = None  # workers get this dataset itself, its unlabelled rows included
        self.strategies = as_strategies(
            {name: AutoStrategy(name) if isinstance(v, str) and v == "auto" else v
             for name, v in (strategies or {}).items()})
        self.train_sizes = _sizes(train_sizes)
        self.seeds = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
        if not self.seeds:
            raise InvalidConfig("seeds must be a positive count or a non-empty list")
        if budget not in ("steps", "epochs"):
            raise InvalidConfig(f"budget={budget!r} must be 'steps' or 'epochs'")
        if not 0 < val_fraction < 1:
            raise InvalidConfig(f"val_fraction={val_fraction} must be between 0 and 1")
        self.out = Path(out)
        self.equivalence = check_equivalence(equivalence)
        self.strategy_choice = strategy_choice
        self.jobs = max(1, int(jobs))
        self.quiet = quiet
        modality = adapter_for(self.data.modality)
        self.protocol = Protocol(
            model=model if model is not None else modality.default_model,
            budget=budget, steps=int(steps), epochs=int(epochs), batch_size=int(batch_size),
            val_fraction=float(val_fraction), robustness_rows=int(robustness_rows),
            invariance_rows=int(invariance_rows), selection=selection,
            invariance_pipeline=mild_geometric(seed=97) if modality.invariance else None,
            unlabeled=source, unlabeled_size=None if unlabeled_size is None else int(unlabeled_size),
            loader_workers=max(0, int(loader_workers)))
        needs_pool = [s.name for s in self.strategies if s.kind == "semi"]
        if needs_pool and source is None:
            raise InvalidConfig(f"strategies {', '.join(map(repr, needs_pool))} learn from unlabelled "
                                "rows; give them: Experiment(..., unlabeled='rest') (the training "
                                "rows outside each cell's subset) or an array or folder")
        self._protocol_config = self.protocol.config(self.data.modality,
                                                     self.data.info.get("sample_rate"))
        self._fingerprint = _fingerprint(self.data)

    # -- the grid ---------------------------------------------------------------------------------
    def cells(self) -> list[CellSpec]:
        """Every (strategy, size, seed) with its cache key."""
        base = json.dumps({"data": self._fingerprint, "protocol": self._protocol_config},
                          sort_keys=True, default=repr)
        out = []
        for size in self.train_sizes:
            for seed in self.seeds:
                for strategy in self.strategies:
                    text = f"{base}|{strategy.key}|{size}|{seed}"
                    key = hashlib.sha256(text.encode()).hexdigest()[:20]
                    out.append(CellSpec(strategy, size, seed, key, examples=seed == self.seeds[0]))
        return out

    def _cell_path(self, cell: CellSpec) -> Path:
        return self.out / "cells" / f"{cell.key}.json"

    def run(self, *, report: bool = True) -> Results:
        """Run the missing cells (cached ones are read back), write ``results.json``,
        ``summary.csv`` and (unless ``report=False``) ``report.html``; return the `Results`."""
        start = time.perf_counter()
        (self.out / "cells").mkdir(parents=True, exist_ok=True)
        cells = self.cells()
        done: dict[str, dict[str, Any]] = {}
        todo = []
        for cell in cells:
            path = self._cell_path(cell)
            if path.is_file():
                try:
                    done[cell.key] = json.loads(path.read_text())
                    continue
                except json.JSONDecodeError:
                    pass  # a damaged cache entry is simply recomputed
            todo.append(cell)
        bar = self._progress(len(cells), len(cells) - len(todo))
        for cell, result in self._execute(todo):
            result["strategy"] = cell.strategy.name  # the current name (the key ignores names)
            _write_json(self._cell_path(cell), result)
            done[cell.key] = result
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        ordered = []
        for cell in cells:
            result = dict(done[cell.key])
            result["strategy"] = cell.strategy.name
            ordered.append(result)
        results = Results(ordered, self.describe(time.perf_counter() - start, len(todo)),
                          equivalence=self.equivalence)
        _write_json(self.out / "results.json", results.to_dict())
        results.summary().to_csv(self.out / "summary.csv", index=False)
        if report:
            self.report(results)
        return results

    def _execute(self, todo: list[CellSpec]) -> Iterable[tuple[CellSpec, dict[str, Any]]]:
        if not todo:
            return
        if self.jobs == 1 or len(todo) == 1:
            for cell in todo:
                yield cell, run_cell(self.data, self.protocol, cell)
            return
        import multiprocessing

        # fork where there is one: spawn would re-run the user's script in every worker (a
        # script without an `if __name__ == "__main__":` guard would crash). The parent process
        # never runs torch when jobs > 1, so no thread pool is forked half-way.
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        data_arg: Dataset | str = self.data_name or self.data
        with ProcessPoolExecutor(max_workers=min(self.jobs, len(todo)), mp_context=ctx,
                                 initializer=_init_worker,
                                 initargs=(data_arg, self.protocol)) as pool:
            futures = {pool.submit(_run_in_worker, cell): cell for cell in todo}
            for future in as_completed(futures):
                yield futures[future], future.result()

    def _progress(self, total: int, already: int) -> Any:
        if self.quiet:
            return None
        try:
            from tqdm import tqdm
        except ImportError:
            return None
        return tqdm(total=total, initial=already, desc="cells", unit="cell", file=sys.stderr,
                    dynamic_ncols=True)

    def describe(self, seconds: float, computed: int) -> dict[str, Any]:
        """What the report says about how the results came about."""
        versions = {"augmentlab": __version__, "python": platform.python_version(),
                    "numpy": np.__version__}
        for name in ("torch", "sklearn", "cv2"):
            module = sys.modules.get(name)
            if module is not None:
                versions[name] = getattr(module, "__version__", "?")
        from .metrics import pack_predictions

        return {
            # the test split's labels, in the order of the cells' test_predictions: the
            # comparisons bootstrap over test rows with them
            "test_labels": pack_predictions(self.data.test_set()[1]),
            "dataset": {"name": self.data.name, "modality": self.data.modality,
                        "description": self.data.describe(), "split": self.data.split,
                        "source": self.data.source, "classes": list(self.data.classes),
                        "fingerprint": self._fingerprint},
            "protocol": self._protocol_config,
            "strategies": {s.name: s.config() for s in self.strategies},
            "train_sizes": self.train_sizes, "seeds": self.seeds,
            "versions": versions, "machine": platform.machine(),
            "run_seconds": seconds, "cells_computed": computed, "jobs": self.jobs,
            **({"strategy_choice": self.strategy_choice} if self.strategy_choice else {}),
        }

    def sample_grid(self, per_strategy: int = 6, seed: int = 0) -> dict[str, list[Any]]:
        """A few training rows and their augmented versions per strategy (for the report); audio
        rows as the model sees them, log-mel spectrograms."""
        data = self.data
        rng = np.random.default_rng(seed)
        rows = rng.choice(data.train, size=min(per_strategy, len(data.train)), replace=False)
        modality = adapter_for(data.modality)
        extra = modality.extra_fields(data)
        grid: dict[str, list[Any]] = {"original": modality.shown(data.X[rows], extra)}
        for strategy in self.strategies:
            X = strategy.example_rows(data.X[rows], data.y[rows], rows, seed, modality.field, extra,
                                      len(data.classes))
            if X is not None:
                grid[strategy.name] = modality.shown(X, extra)
        return grid

    def report(self, results: Results | None = None) -> Path:
        """Write ``report.html`` (self-contained) into the output folder and return its path."""
        from .report import write_report

        results = results or self.run(report=False)
        return write_report(self.out / "report.html", results, self.sample_grid())

