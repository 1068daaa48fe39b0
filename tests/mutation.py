"""Mutation testing of the modules that hold the project's promises (`make mutation`).

mutmut copies ``src`` to ``mutants/``, makes every mutant of the files in pyproject's
``[tool.mutmut] only_mutate`` and runs, for each mutant, the tests that reach the function it sits
in. This script chooses what is scored: per module, the functions that hold the promise (the whole
file where the whole file is the promise), and the tests that judge them; it runs mutmut on the
modules asked for (all by default) with just their tests, then prints the score of each module and
overall::

    python tests/mutation.py [--max-children N] [MODULE ...]    # e.g. rng spatial.geometry

Score: killed / (killed + survived). A timeout or a crash counts as killed (the tests noticed);
a mutant no test reaches counts as survived. A survivor is a test missing or an equivalent mutant
(one no behaviour can tell from the original); ``# pragma: no mutate`` on a source line leaves that
line's mutants out, for lines whose every mutant is equivalent.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALL = ("*",)


@dataclass(frozen=True)
class Target:
    path: str  # the source file, as in [tool.mutmut] only_mutate
    functions: tuple[str, ...]  # mangled names (x_func, xǁClassǁmethod) or globs of them
    tests: tuple[str, ...]  # pytest arguments, relative to the project root

    @property
    def module(self) -> str:
        return self.path.removeprefix("src/").removesuffix(".py").replace("/", ".")

    def globs(self) -> list[str]:
        return [f"{self.module}.{f}__mutmut_*" for f in self.functions]

    def scored(self, key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, g) for g in self.globs())


_RNG_TESTS = ("tests/test_rng_tree.py", "tests/test_core.py", "src/augmentlab/core/rng.py")
_BOX_TESTS = ("tests/test_box_clipping.py", "tests/test_box_label_fields.py",
              "tests/test_geometry_reference.py", "tests/test_core.py",
              "src/augmentlab/image/spatial/geometry.py", "src/augmentlab/image/spatial/warp.py")
# the job's tests that run it in another process (which imports src, not the mutants) or on Ray
# (half a minute to start) cannot kill a mutant: left out
_RESUME_TESTS = ("tests/test_resume_manifest.py", "tests/test_augment_dataset.py",
                 "tests/test_job_faults.py", "src/augmentlab/data/job.py",
                 *(f"--deselect=tests/test_augment_dataset.py::{t}" for t in (
                     "test_an_interrupted_run_resumes_to_the_same_bytes",
                     "test_ray_engine_writes_the_same_bytes")),
                 *(f"--deselect=tests/test_job_faults.py::{t}" for t in (
                     "test_a_second_run_on_the_same_output_refuses_and_the_first_completes",
                     "test_a_killed_worker_stops_the_run_with_a_clear_error_and_it_resumes",
                     "test_workers_of_a_killed_run_do_not_live_on",
                     "test_a_read_only_output_folder_is_one_line_not_a_traceback",
                     "test_a_full_disk_stops_the_run_and_it_resumes_once_there_is_room",
                     "test_workers_that_cannot_start_are_one_line_not_a_hang",
                     "test_the_ray_engine_reports_a_write_failure_in_one_line")))
_SMOTE_TESTS = ("tests/test_smote_neighbours.py", "tests/test_synth.py",
                "src/augmentlab/synth/oversample.py")
# the experiments of test_evaluate.py (minutes of training each) and the null simulation (half a
# minute, 3,000 reports) would run for every mutant they reach: left out; the verdict tests judge
# the same functions on made-up cells in milliseconds
_STATS_TESTS = ("tests/test_intervals.py", "tests/test_verdicts.py", "tests/test_results_summary.py",
                "tests/test_stats_edges.py",
                "--deselect=tests/test_verdicts.py::test_null_simulation_false_calls_per_comparison_and_per_report",
                "src/augmentlab/evaluate/stats.py", "src/augmentlab/evaluate/results.py")

TARGETS: dict[str, Target] = {
    # the seed tree: every stream, its packing, the pooled generators, the unbiased draws
    "rng": Target("src/augmentlab/core/rng.py", ALL, _RNG_TESTS),
    # boxes through a warp: polygons clipped to the frame, their area, the visible fraction kept
    # (and multiplied across warps), the filters on it at the end
    "spatial.geometry": Target("src/augmentlab/image/spatial/geometry.py",
                               ("x_clip_polygon", "x_polygon_area", "x_rectangle", "x_edge_matrix",
                                "x_transform_points"), _BOX_TESTS),
    "spatial.warp": Target("src/augmentlab/image/spatial/warp.py",
                           ("x__clip_to_frame", "x__move_polygons", "x__polygons", "x__keep_points"),
                           _BOX_TESTS),
    "spatial.image_pass": Target("src/augmentlab/image/spatial/image_pass.py",
                                 ("xǁImagePassǁ_boxes_out",), _BOX_TESTS),
    # the dataset job's resume: what manifest.jsonl records as done is skipped, what changed redone
    "resume": Target("src/augmentlab/data/job.py",
                     ("x_line_order", "x__done", "x__inputs_digest", "x__resumable", "x__open_partial",
                      "x__sweep"), _RESUME_TESTS),
    # SMOTE: per-class neighbour tables (never the row itself) and the interpolation between rows
    "smote": Target("src/augmentlab/synth/oversample.py",
                    ("x__neighbors", "x__check_k", "xǁ_ClassNeighboursǁ*", "xǁSMOTEǁ*"), _SMOTE_TESTS),
    # the verdicts (helps / hurts / no effect) and the results files that carry them
    "stats": Target("src/augmentlab/evaluate/stats.py", ALL, _STATS_TESTS),
    "results": Target("src/augmentlab/evaluate/results.py", ALL, _STATS_TESTS),
}

# mutmut's exit codes: tests failed, pytest's internal error, timeouts, crashes (SIGSEGV, SIGKILL)
_KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9}
_SURVIVED = {0, 5, 33}  # passed; no test reached it


def _check_config(cfg: dict) -> None:
    """Every target is in pyproject's [tool.mutmut], so a plain `mutmut run` covers them too."""
    selection = set(cfg["pytest_add_cli_args_test_selection"])
    for name, t in TARGETS.items():
        assert t.path in cfg["only_mutate"], f"{name}: {t.path} is not in [tool.mutmut] only_mutate"
        missing = [a for a in t.tests if a not in selection]
        assert not missing, f"{name}: {missing} not in [tool.mutmut] pytest_add_cli_args_test_selection"


def run(names: list[str], max_children: int, only: list[str] | None = None) -> None:
    """mutmut on the `names` modules only: their files mutated, their tests collected; `only`:
    these mutant names (or globs) instead of all the modules' scored ones."""
    from mutmut.__main__ import cli
    from mutmut.configuration import config

    cfg = config()
    targets = [TARGETS[n] for n in names]
    cfg.only_mutate = sorted({t.path for t in targets})
    cfg.pytest_add_cli_args_test_selection = list(dict.fromkeys(
        [*_options(cfg.pytest_add_cli_args_test_selection), *(a for t in targets for a in t.tests)]))
    globs = only or [g for t in targets for g in t.globs()]
    # mutmut lists every mutant asked for by name once done (thousands of lines); the survivors
    # are what matter, and `report` lists them
    import mutmut.__main__ as mutmut_main

    def quiet_print(*args: object, **kwargs: object) -> None:
        text = " ".join(map(str, args))
        if "__mutmut_" in text or text in ("Mutant results", "--------------"):
            return
        print(*args, **kwargs)  # type: ignore[call-overload]

    mutmut_main.print = quiet_print  # type: ignore[attr-defined]
    try:
        cli(["run", "--max-children", str(max_children), *globs])
    except SystemExit as exc:
        if exc.code:
            raise


def _options(args: list[str]) -> list[str]:
    """The option part of a pytest argument list (``-m EXPR`` and the like), without the paths."""
    out, take_next = [], False
    for a in args:
        if (take_next or a.startswith("-")) and not a.startswith("--deselect="):  # per module
            out.append(a)
        take_next = a in ("-m", "-k")
    return out


def scores(names: list[str]) -> dict[str, tuple[int, int, int]]:
    """(killed, survived, not run) of each module's scored mutants, from mutmut's meta files."""
    out = {}
    for name in names:
        mine = list(_codes(TARGETS[name]).values())
        killed = sum(c in _KILLED for c in mine)
        survived = sum(c in _SURVIVED for c in mine)
        out[name] = (killed, survived, len(mine) - killed - survived)
    return out


def _codes(t: Target) -> dict[str, int | None]:
    meta = ROOT / "mutants" / (t.path + ".meta")
    codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
    return {k: c for k, c in codes.items() if t.scored(k)}


def _survivors(t: Target) -> list[str]:
    return sorted(k for k, c in _codes(t).items() if c in _SURVIVED)


def report(names: list[str], fail_under: float = 0.0) -> list[str]:
    """Print the survivors, then each module's score and the overall one; returns the modules (or
    "overall") that score under `fail_under` percent."""
    survivors = [k for name in names for k in _survivors(TARGETS[name])]
    if survivors:
        print(f"\nsurvived ({len(survivors)}; `mutmut show NAME` shows one):")
        for key in survivors:
            print(f"    {key}")
    print(f"\n{'module':<20} {'killed':>7} {'survived':>9} {'other':>6} {'score':>7}")
    total_k = total_s = 0
    low = []
    for name, (k, s, other) in scores(names).items():
        total_k, total_s = total_k + k, total_s + s
        score = f"{100 * k / (k + s):.1f}%" if k + s else "-"
        print(f"{name:<20} {k:>7} {s:>9} {other:>6} {score:>7}")
        if k + s and 100 * k / (k + s) < fail_under:
            low.append(name)
    overall = 100 * total_k / (total_k + total_s) if total_k + total_s else 0.0
    print(f"{'overall':<20} {total_k:>7} {total_s:>9} {'':>6} {overall:>6.1f}%")
    print("score: killed / (killed + survived); a timeout or crash counts as killed, a mutant no test "
          "reaches as survived; other: not run, skipped or suspicious")
    return low + (["overall"] if overall < fail_under else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(TARGETS), help=", ".join(TARGETS))
    parser.add_argument("--max-children", type=int, default=1)
    parser.add_argument("--score-only", action="store_true", help="report the last run's results")
    parser.add_argument("--only", nargs="+", metavar="MUTANT",
                        help="run just these mutants (names or globs), keeping earlier results")
    parser.add_argument("--fail-under", type=float, default=0.0, metavar="PERCENT",
                        help="exit with an error when a module or the whole scores less")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown modules {unknown}; known: {', '.join(TARGETS)}")
    os.chdir(ROOT)
    _check_config(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"])
    if not args.score_only:
        start = time.monotonic()
        if not args.only:  # a full run: nothing stale kept (mutmut copies src only once)
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        run(args.modules, args.max_children, args.only)
        print(f"\nmutmut ran in {time.monotonic() - start:.0f} s")
    low = report(args.modules, args.fail_under)
    if low:
        sys.exit(f"mutation score under {args.fail_under:g}%: {', '.join(low)}")


if __name__ == "__main__":
    main()
