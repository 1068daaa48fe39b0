"""Policy search: the test split is never seen, studies resume, parallel workers share SQLite and a
real PostgreSQL server on loopback, the CLI writes the pipeline, the trials and the report."""

from __future__ import annotations

import glob
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import yaml

import augmentlab as al
from augmentlab.cli import main
from augmentlab.datasets import Dataset, load
from augmentlab.search import PolicySearch, SearchSpace, search_view

pytest.importorskip("optuna")


def _search(out: Path, data: object = "digits", **kw: object) -> PolicySearch:
    args = {"model": "logreg", "space": "randaugment", "trials": 4, "train_sizes": (5,), "seeds": 2,
            "out": out, **kw}
    return PolicySearch(data, **args)  # type: ignore[arg-type]


def test_the_search_never_sees_the_test_split(tmp_path: Path) -> None:
    data = load("digits")
    view = search_view(data, 0.25, seed=3)
    assert not set(view.test) & set(data.test) and not set(view.train) & set(data.test)
    assert sorted(np.r_[view.train, view.test]) == sorted(data.train)
    # scramble the test split's images and labels: the search must come out exactly the same
    rng = np.random.default_rng(0)
    X, y = data.X.copy(), data.y.copy()
    X[data.test] = rng.integers(0, 17, X[data.test].shape).astype(X.dtype)
    y[data.test] = rng.permutation(y[data.test])
    scrambled = Dataset(data.name, data.modality, X, y, data.classes, data.train, data.test)
    a = _search(tmp_path / "a").run()
    b = _search(tmp_path / "b", data=scrambled).run()
    assert [t["value"] for t in a.trials] == [t["value"] for t in b.trials]
    assert a.best_params == b.best_params


def test_a_study_resumes_and_workers_share_sqlite(tmp_path: Path) -> None:
    first = _search(tmp_path, trials=3).run()
    assert len(first.trials) == 3
    again = _search(tmp_path, trials=6, jobs=2).run()  # the same study: 3 more trials, 2 processes
    assert len(again.trials) == 6
    assert {t["number"] for t in first.trials} <= {t["number"] for t in again.trials}
    assert len({t["worker"] for t in again.trials}) >= 2
    grid = {(t["params"]["num_ops"], t["params"]["magnitude"]) for t in again.trials}
    assert len(grid) == len(again.trials)  # the grid sampler never repeats a point
    saved = yaml.safe_load((tmp_path / "best_pipeline.yaml").read_text())
    assert saved["pipeline"]["transforms"][0]["num_ops"] == again.best_params["num_ops"]
    # a trial's score is reproducible from its params alone
    best = next(t for t in again.trials if t["params"] == again.best_params)
    assert _search(tmp_path / "x").evaluate(best["params"])["value"] == pytest.approx(best["value"])


class _InstantSearch(PolicySearch):
    """A search whose trials score instantly: it exercises the storage's trial queue at full speed."""

    def evaluate(self, params: dict) -> dict:
        value = params["num_ops"] * 100 + params["magnitude"]
        return {"value": float(value), "cells": [float(value)]}


def test_parallel_workers_on_sqlite_never_take_one_queued_point_twice(tmp_path: Path) -> None:
    # SQLite ignores SELECT ... FOR UPDATE, so Optuna's queue can hand one enqueued grid point to
    # two workers; the second then fails with "Cannot tell a COMPLETE trial"
    space = SearchSpace("randaugment", ops=(1, 2, 3, 4), magnitudes=tuple(range(31)))
    result = _InstantSearch("digits", model="logreg", space=space, trials=124, train_sizes=(5,),
                            seeds=1, jobs=4, out=tmp_path).run()
    points = [(t["params"]["num_ops"], t["params"]["magnitude"]) for t in result.trials]
    assert len(points) == 124 and len(set(points)) == 124
    assert len({t["worker"] for t in result.trials}) >= 2


def test_subpolicy_space_builds_the_pipelines_optuna_proposes(tmp_path: Path) -> None:
    space = SearchSpace("subpolicies", subpolicies=2)
    result = _search(tmp_path, space=space, sampler="random", trials=4, jobs=2).run()
    # forked workers draw their own points (a shared sampler seed would repeat them)
    assert len({json.dumps(t["params"], sort_keys=True) for t in result.trials}) == 4
    resumed = _search(tmp_path, space=space, sampler="random", trials=6).run()
    assert len({json.dumps(t["params"], sort_keys=True) for t in resumed.trials}) == 6
    pipe = space.build(result.best_params)
    subs = pipe[0].transforms
    assert len(subs) == 2 and all(len(s) == 2 for s in subs)
    for k, sub in enumerate(subs):
        for j, op in enumerate(sub):
            assert op.op == result.best_params[f"s{k}_op{j}"]
            assert op.p == pytest.approx(result.best_params[f"s{k}_p{j}"])
    loaded = al.load_pipeline((tmp_path / "best_pipeline.yaml").read_text())
    assert loaded.get_config() == space.build(resumed.best_params).get_config()
    with pytest.raises(al.errors.InvalidConfig, match="grid sampler"):
        _search(tmp_path, space=space, sampler="grid")
    with pytest.raises(al.errors.InvalidConfig, match="unknown ops"):
        SearchSpace("subpolicies", op_names=("rotate", "blur"))


def test_cli_search_writes_pipeline_trials_and_a_report_with_the_search(tmp_path: Path,
                                                                          capsys) -> None:
    code = main(["search", "--data", "digits", "--model", "logreg", "--trials", "3", "--sizes", "5",
                 "--seeds", "2", "--final-seeds", "2", "--out", str(tmp_path), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "best:" in printed and "searched policy" in printed
    search = json.loads((tmp_path / "search" / "search.json").read_text())
    assert len(search["trials"]) == 3 and search["validation"].startswith("80%")
    results = json.loads((tmp_path / "results.json").read_text())
    assert {c["strategy"] for c in results["cells"]} == {
        "baseline", "mild geometric", "geometric + photometric + erasing", "TrivialAugment Wide",
        "RandAugment (2, 9)", "searched policy"}
    page = (tmp_path / "report.html").read_text()
    assert "<h2>Policy search</h2>" in page and "3 trials of the <b>randaugment" in page
    assert (tmp_path / "search" / "trials.csv").read_text().count("\n") == 4


# -- a real PostgreSQL server on loopback, two workers ------------------------------------------
def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail("PostgreSQL is not installed; `make install` installs Debian's postgresql")
    return found[-1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture
def postgres() -> Iterator[str]:
    pytest.importorskip("psycopg")
    root = Path(tempfile.mkdtemp(prefix="augmentlab-pg-", dir="/tmp"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = {"check": True, "capture_output": True}
    subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U",
                                 "postgres"]), **run)  # type: ignore[call-overload]
    subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"),
                                 "-o", f"-h 127.0.0.1 -p {port} -k {root}", "start"]), **run)  # type: ignore[call-overload]
    try:
        subprocess.run(_as_postgres([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                                     "postgres", "studies"]), **run)  # type: ignore[call-overload]
        yield f"postgresql://postgres@127.0.0.1:{port}/studies"
    finally:
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _worker(url: str, out: str) -> None:
    _search(Path(out), storage=url, study_name="shared", trials=8).work()


def test_two_workers_share_a_postgresql_study(postgres: str, tmp_path: Path) -> None:
    search = _search(tmp_path, storage=postgres, study_name="shared", trials=8)
    search.study()  # one machine creates it; the others join by URL and name
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_worker, args=(postgres, str(tmp_path / f"w{i}"))) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    assert [w.exitcode for w in workers] == [0, 0]
    result = search._collect(search.study(), 0.0)
    assert 8 <= len(result.trials) <= 9
    assert len({t["worker"] for t in result.trials}) == 2
    from augmentlab.search.study import _redact

    assert _redact("postgresql://ann:s3cret@db.lan:5432/studies") == \
        "postgresql://ann:***@db.lan:5432/studies"
    assert json.loads(json.dumps(result.to_dict()))["storage"] == _redact(postgres)
    # the CLI joins the same study as a worker (another machine would run exactly this)
    code = main(["search", "--data", "digits", "--model", "logreg", "--sizes", "5", "--seeds", "2",
                 "--trials", "10", "--storage", postgres, "--study", "shared", "--worker",
                 "--out", str(tmp_path / "cli")])
    assert code == 0
    assert len(search._collect(search.study(), 0.0).trials) >= 10
    search.close()
