"""Policy search: Optuna proposes pipelines, the measure harness judges them on a validation split
carved from the training data (the test split is never seen), trials run in parallel processes
against one study in SQLite (default) or PostgreSQL (several machines)."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..core.files import atomic_write
from ..core.optional import require
from ..datasets import Dataset, load
from ..datasets.dataset import stratified_split
from ..evaluate.cells import CellSpec, Protocol, run_cell
from ..evaluate.models import ModelSpec, default_model
from ..evaluate.strategies import Strategy
from .spaces import SearchSpace

__all__ = ["PolicySearch", "SearchResult", "search_view"]

SAMPLERS = ("tpe", "random", "grid")


def _optuna() -> Any:
    optuna = require("optuna", "search", "policy search")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def search_view(data: Dataset, holdout: float = 0.2, seed: int = 0,
                max_rows: int = 2000) -> Dataset:
    """The dataset the search sees: its training split cut in two (stratified), the second part
    (at most ``max_rows`` of it, stratified) standing in for the test split. The real test rows
    are not in it at all.

    Example:
        >>> from augmentlab.datasets import load
        >>> d = load("wine"); v = search_view(d)
        >>> set(v.test) <= set(d.train), len(set(v.train) | set(v.test)) == len(d.train)
        (True, True)
    """
    if not 0 < holdout < 1:
        raise InvalidConfig(f"search: holdout={holdout!r} must be between 0 and 1")
    keep, hold = stratified_split(data.y[data.train], holdout, seed)
    if len(hold) > max_rows:  # enough to rank policies; scoring 12,000 rows per trial is not
        _, pick = stratified_split(data.y[data.train][hold], max_rows / len(hold), seed + 1)
        hold = hold[pick]
    return Dataset(f"{data.name} (search split)", data.modality, data.X, data.y, data.classes,
                   train=np.sort(data.train[keep]), test=np.sort(data.train[hold]),
                   split=f"{1 - holdout:.0%} / {holdout:.0%} of the training split",
                   source=data.source, feature_names=data.feature_names, info=dict(data.info))


@dataclass
class SearchResult:
    """The best point, its pipeline and score, every trial, and how long the search took."""

    best_params: dict[str, Any]
    best_value: float
    pipeline: Compose
    trials: list[dict[str, Any]]
    seconds: float
    storage: str
    study_name: str
    settings: dict[str, Any] = field(default_factory=dict)  # space, sampler, sizes, protocol

    def to_dict(self) -> dict[str, Any]:
        """Everything ``search.json`` holds (and the report's search section reads)."""
        return {**self.settings, "best_params": self.best_params, "best_value": self.best_value,
                "pipeline": self.pipeline.get_config(), "trials": self.trials,
                "seconds": self.seconds, "storage": _redact(self.storage),
                "study_name": self.study_name}


def _redact(url: str) -> str:
    """A storage URL without its password (it goes into reports)."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}"
    return url


_WORK: dict[str, Any] = {}


class PolicySearch:
    """Find a good augmentation policy for a dataset and model.

    Each trial builds a pipeline from the `SearchSpace`, trains the model on ``train_sizes`` x
    ``seeds`` subsets of the search split's training part (the harness's cells, same protocol),
    and scores the mean validation accuracy on the held-out part (`search_view`). Optuna keeps the
    study in ``storage`` (default: SQLite in ``out``), so a search resumes where it stopped and
    several processes or machines can work on one study.

    Args:
        data: a `Dataset` or a built-in name.
        space: a `SearchSpace` or its kind (``"randaugment"``, ``"subpolicies"``).
        sampler: ``"grid"`` (default for ``randaugment``), ``"tpe"`` (default otherwise) or
            ``"random"``.
        trials: trials in all (a grid: at most its size).
        jobs: worker processes on this machine (each runs trials with one torch thread).
        storage: an Optuna storage URL (``sqlite:///...``, ``postgresql://user:pw@host/db``).

    Example:
        >>> import tempfile
        >>> s = PolicySearch("digits", model="logreg", space="randaugment", trials=2,
        ...                  train_sizes=(5,), seeds=1, out=tempfile.mkdtemp())
        >>> r = s.run()
        >>> len(r.trials), r.pipeline[0].name
        (2, 'RandAugment')
    """

    def __init__(self, data: Dataset | str, *, model: ModelSpec | None = None,
                 space: SearchSpace | str = "randaugment", sampler: str | None = None,
                 trials: int = 20, train_sizes: Sequence[int] = (10,),
                 seeds: int = 3, steps: int = 500, copies: int = 4, holdout: float = 0.2,
                 jobs: int = 1, storage: str | None = None, study_name: str | None = None,
                 out: str | Path = "augmentlab-search", seed: int = 0) -> None:
        self.data_name = data if isinstance(data, str) else None
        self.data = load(data) if isinstance(data, str) else data
        self.space = SearchSpace(space) if isinstance(space, str) else space
        if not isinstance(self.space, SearchSpace):
            raise InvalidConfig("search: space must be a SearchSpace or 'randaugment' / 'subpolicies'")
        self.sampler = sampler or ("grid" if self.space.kind == "randaugment" else "tpe")
        if self.sampler not in SAMPLERS:
            raise InvalidConfig(f"search: sampler={self.sampler!r}: choose from {', '.join(SAMPLERS)}")
        if self.sampler == "grid" and self.space.kind != "randaugment":
            raise InvalidConfig("search: the grid sampler needs the 'randaugment' space")
        for name, v in (("trials", trials), ("seeds", seeds), ("jobs", jobs), ("copies", copies),
                        ("steps", steps)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidConfig(f"search: {name}={v!r} must be a positive integer")
        size = self.space.size()
        self.trials = min(trials, size) if self.sampler == "grid" and size else trials
        self.train_sizes = [int(s) for s in train_sizes]
        self.seeds, self.copies, self.jobs, self.seed = seeds, copies, jobs, int(seed)
        self.view = search_view(self.data, holdout, seed)
        # robustness is not what the search optimises: a small corrupted set keeps trials cheap
        self.protocol = Protocol(model=model if model is not None else default_model(self.data.modality),
                                 steps=int(steps), robustness_rows=100)
        self.out = Path(out)
        self.storage = storage or f"sqlite:///{(self.out / 'study.db').resolve()}"
        self.study_name = study_name or f"augmentlab-{self.data.name}-{self.space.kind}"
        self._storage: Any = None

    # -- Optuna -----------------------------------------------------------------------------
    def _make_sampler(self, seed: int) -> Any:
        optuna = _optuna()
        if self.sampler == "grid":
            return optuna.samplers.GridSampler(self.space.grid(), seed=seed)
        if self.sampler == "random":
            return optuna.samplers.RandomSampler(seed=seed)
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(8, self.trials))

    def study(self, worker: int = 0) -> Any:
        """The Optuna study (created, or loaded when it exists), with a sampler seeded by the
        search's seed, the `worker` number and the trials already in the study: workers forked
        from one process, or a resumed search, must not draw the same points again."""
        optuna = _optuna()
        self.out.mkdir(parents=True, exist_ok=True)
        if self._storage is None:  # one connection pool per search object, closed by close()
            self._storage = optuna.storages.RDBStorage(self.storage)
        study = optuna.create_study(study_name=self.study_name, storage=self._storage,
                                    direction="maximize", sampler=self._make_sampler(self.seed),
                                    load_if_exists=True)
        done = len(study.get_trials(deepcopy=False))
        seed = int(np.random.SeedSequence([self.seed, worker, done]).generate_state(1)[0])
        study.sampler = self._make_sampler(seed)
        return study

    def _enqueue_grid(self, study: Any) -> None:
        """Queue every grid point not yet in the study: workers (local or on other machines)
        take queued trials one at a time from the storage, so no point runs twice and none is
        missed (Optuna's grid sampler, asked by two workers at once, can hand out one point
        twice)."""
        seen = {json.dumps(t.params, sort_keys=True) for t in study.get_trials(deepcopy=False)}
        seen |= {json.dumps(t.system_attrs.get("fixed_params", {}), sort_keys=True)
                 for t in study.get_trials(deepcopy=False)}
        grid = self.space.grid()
        for n in grid["num_ops"]:
            for m in grid["magnitude"]:
                point = {"num_ops": n, "magnitude": m}
                if json.dumps(point, sort_keys=True) not in seen:
                    study.enqueue_trial(point)

    def close(self) -> None:
        """Close the storage's database connections (`run` and `work` do it when they end)."""
        if self._storage is not None:
            self._storage.engine.dispose()
            self._storage = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_storage"] = None  # a worker process opens its own connections
        return state

    def evaluate(self, params: dict[str, Any]) -> dict[str, Any]:
        """Score one point: mean validation accuracy over the sizes and seeds, and per cell."""
        pipeline = self.space.build(params, seed=self.seed)
        strategy = Strategy("candidate", pipeline, copies=self.copies)
        scores = []
        for size in self.train_sizes:
            for seed in range(self.seeds):
                cell = run_cell(self.view, self.protocol, CellSpec(strategy, size, seed))
                scores.append(cell["accuracy"])
        return {"value": float(np.mean(scores)), "cells": scores}

    def _objective(self, trial: Any) -> float:
        params = self.space.suggest(trial)
        result = self.evaluate(params)
        trial.set_user_attr("cells", result["cells"])
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        return result["value"]

    def work(self, n_trials: int | None = None, worker: int | None = None) -> None:
        """Run trials in this process until the study has ``trials`` finished ones (or
        ``n_trials`` more). Another process or machine may call it on the same storage;
        `worker` numbers this process's sampler stream (default: from the host and process id)."""
        optuna = _optuna()
        if worker is None:
            worker = int.from_bytes(f"{socket.gethostname()}:{os.getpid()}".encode()[-8:], "little")
        study = self.study(worker)
        finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        try:
            for _ in range(n_trials or self.trials):
                if len(study.get_trials(deepcopy=False, states=finished)) >= self.trials:
                    break
                with self._queue_lock():
                    trial = study.ask()
                try:
                    value = self._objective(trial)
                except BaseException:
                    study.tell(trial, state=optuna.trial.TrialState.FAIL)
                    raise
                study.tell(trial, value)
        finally:
            self.close()

    @contextlib.contextmanager
    def _queue_lock(self) -> Iterator[None]:
        """Serialise taking a trial from an SQLite study across this machine's processes.

        Optuna takes a queued (enqueued grid) trial with ``SELECT ... FOR UPDATE``, which SQLite
        ignores: two workers asking at once could both take one point, and the second then dies
        with "Cannot tell a COMPLETE trial". A kernel lock on a file beside the database makes
        the take atomic (SQLite studies are one machine's; server databases lock rows)."""
        url = self.storage
        if not url.startswith("sqlite:///"):
            yield
            return
        import fcntl

        fd = os.open(url[len("sqlite:///"):] + ".queue-lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                     0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # (closing drops the lock)

    def run(self) -> SearchResult:
        """Run the search with ``jobs`` processes; write ``best_pipeline.yaml``, ``trials.csv`` and
        ``search.json`` to ``out``; return the `SearchResult`."""
        optuna = _optuna()
        start = time.perf_counter()
        study = self.study()  # created here once, before any worker races to create it
        finished = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        left = max(0, self.trials - len(study.get_trials(deepcopy=False, states=finished)))
        if self.sampler == "grid":
            self._enqueue_grid(study)
        self.close()  # (forked workers must not share the parent's connections)
        # each local worker gets its share of what is left, so the study ends with exactly
        # `trials` (unless other machines work on it too)
        shares = [left // self.jobs + (k < left % self.jobs) for k in range(self.jobs)]
        if self.jobs == 1:
            if left:
                self.work(left, worker=0)
        else:
            methods = multiprocessing.get_all_start_methods()
            ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            procs = [ctx.Process(target=_work_in_process, args=(self, n, k))
                     for k, n in enumerate(shares) if n]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
            failed = [p.exitcode for p in procs if p.exitcode != 0]
            if failed:
                raise RuntimeError(f"search: {len(failed)} worker process(es) failed "
                                   f"(exit codes {failed}); see the output above")
        seconds = time.perf_counter() - start
        try:
            return self._collect(self.study(), seconds)
        finally:
            self.close()

    def _collect(self, study: Any, seconds: float) -> SearchResult:
        optuna = _optuna()
        done = [t for t in study.get_trials(deepcopy=False)
                if t.state == optuna.trial.TrialState.COMPLETE]
        if not done:
            raise RuntimeError("search: no trial finished")
        # ties go to the same point whatever order parallel workers finished in
        best = max(done, key=lambda t: (t.value, json.dumps(t.params, sort_keys=True)))
        trials = [{"number": t.number, "value": t.value, "params": t.params,
                   "cells": t.user_attrs.get("cells"), "worker": t.user_attrs.get("worker"),
                   "seconds": (t.datetime_complete - t.datetime_start).total_seconds()
                   if t.datetime_complete and t.datetime_start else None} for t in done]
        pipeline = self.space.build(best.params, seed=self.seed)
        settings = {"dataset": self.data.name, "space": self.space.config(),
                    "sampler": self.sampler, "train_sizes": self.train_sizes, "seeds": self.seeds,
                    "copies": self.copies, "jobs": self.jobs, "validation": self.view.split,
                    "protocol": self.protocol.config(self.data.modality,
                                                     self.data.info.get("sample_rate"))}
        result = SearchResult(dict(best.params), float(best.value), pipeline, trials, seconds,
                              self.storage, self.study_name, settings)
        self.out.mkdir(parents=True, exist_ok=True)
        atomic_write(self.out / "best_pipeline.yaml", pipeline.to_yaml().encode())
        atomic_write(self.out / "search.json",
                     json.dumps(result.to_dict(), indent=1, sort_keys=True, default=str).encode())
        lines = ["number,value,seconds,worker,params"] + [
            f"{t['number']},{t['value']:.6f},{t['seconds'] or 0:.1f},{t['worker']},"
            f"\"{json.dumps(t['params'], sort_keys=True).replace(chr(34), chr(39))}\""
            for t in trials]
        atomic_write(self.out / "trials.csv", ("\n".join(lines) + "\n").encode())
        return result


def _work_in_process(search: PolicySearch, n_trials: int, worker: int) -> None:
    search.work(n_trials, worker)
