"""Intervals of bounded metrics (issue 18, observation 8): shown clipped to the metric's range, and
a plain note where fewer than 3 seeds make an interval too wide to use.

The observation was ``augmentlab evaluate --seeds 2`` printing ``85.4 (33.2, 137.7)``: logistic
regression on the built-in digits, 10 rows per class, two seeds (exactly that run is used below).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.evaluate import Results
from augmentlab.evaluate.stats import (
    MIN_SEEDS,
    clip_interval,
    interval_note,
    mean_interval,
    metric_range,
    verdict,
)

NUMBER = r"[-+]?\d+(?:\.\d+)?"


# -- the clipping function and the note ------------------------------------------------------------
def test_metric_ranges_of_values_and_of_differences() -> None:
    for name in ("accuracy", "macro_f1", "balanced_accuracy", "minority_recall",
                 "minority_precision", "pr_auc", "train_accuracy", "ece", "robust_accuracy",
                 "invariance"):
        assert metric_range(name) == (0.0, 1.0), name
        assert metric_range(name, difference=True) == (-1.0, 1.0), name
    assert metric_range("generalization_gap") == (-1.0, 1.0)
    assert metric_range("generalization_gap", difference=True) == (-2.0, 2.0)
    assert metric_range("seconds") is None and metric_range("frechet_distance") is None


def test_clip_interval_clips_only_the_ends_and_copies() -> None:
    raw = mean_interval([0.80, 0.91])  # 2 seeds: t(1) = 12.7 standard errors each side
    assert raw["high"] > 1.0 and raw["low"] < 0.2
    shown = clip_interval(raw, metric_range("accuracy"))
    assert shown["high"] == 1.0 and shown["low"] == pytest.approx(raw["low"])
    assert shown["mean"] == raw["mean"] and shown["n"] == 2
    assert raw["high"] > 1.0  # the raw interval is left as computed
    low = clip_interval({"mean": 0.02, "low": -0.05, "high": 0.09, "n": 2}, (0.0, 1.0))
    assert low["low"] == 0.0 and low["high"] == 0.09
    diff = clip_interval({"mean": 0.5, "low": -0.4, "high": 1.4, "n": 2}, (-1.0, 1.0))
    assert (diff["low"], diff["high"]) == (-0.4, 1.0)
    same = {"mean": 7.0, "low": -3.0, "high": 17.0, "n": 2}
    assert clip_interval(same, None) == same and clip_interval(same, None) is not same
    nan = clip_interval({"mean": math.nan, "low": math.nan, "high": math.nan, "n": 0}, (0.0, 1.0))
    assert math.isnan(nan["low"]) and math.isnan(nan["high"])
    with pytest.raises(al.errors.InvalidInput, match="low bound"):
        clip_interval(raw, (1.0, 0.0))


def test_interval_note_says_why_fewer_than_three_seeds_are_too_few() -> None:
    assert MIN_SEEDS == 3
    assert interval_note(3) == "" and interval_note(10) == ""
    two = interval_note(2)
    assert "too wide to use" in two and "12.7" in two and "3 or more seeds" in two
    one = interval_note(1)
    assert "1 seed" in one and "no interval" in one and "3 or more seeds" in one


def test_one_seed_has_no_verdict() -> None:
    # one seed: a zero-width "interval" at the mean must not read as "helps"
    assert verdict({"mean": 0.04, "low": 0.04, "high": 0.04, "n": 1}) == "not enough seeds to tell"
    assert verdict({"mean": 0.04, "low": 0.01, "high": 0.07, "n": 3}) == "helps"


def test_summary_clips_for_display_and_keeps_raw_numbers() -> None:
    cells = [{"strategy": s, "train_size": 10, "seed": k, "accuracy": a, "ece": e}
             for k, (b, a2, e) in enumerate([(0.80, 0.99, 0.01), (0.91, 0.60, 0.06)])
             for s, a in (("baseline", b), ("aug", a2))]
    res = Results(cells)
    raw, shown = res.summary(), res.summary(clip=True)
    assert raw["accuracy_high"].max() > 1.0 and raw["ece_low"].min() < 0.0
    assert raw["diff_low"].min() < -1.0  # a difference of two accuracies below -100 points
    for frame in (shown,):
        for column in ("accuracy_low", "accuracy_high", "ece_low", "ece_high"):
            assert frame[column].between(0.0, 1.0).all(), column
        assert frame["diff_low"].dropna().between(-1.0, 1.0).all()
        assert frame["diff_high"].dropna().between(-1.0, 1.0).all()
    assert (shown["accuracy"] == raw["accuracy"]).all()  # means are never moved
    assert all("too wide to use" in note for note in raw["interval_note"])
    assert list(shown["verdict"].fillna("")) == list(raw["verdict"].fillna(""))
    one = Results([c for c in cells if c["seed"] == 0]).summary(clip=True)
    assert one["accuracy_low"].isna().all() and one["accuracy_high"].isna().all()  # no interval
    assert "no interval" in one["interval_note"][0]
    three = Results(cells + [dict(c, seed=2) for c in cells if c["seed"] == 0]).summary()
    assert (three["interval_note"] == "").all()


# -- the observed run, end to end -------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``augmentlab evaluate --data digits --model logreg --sizes 10 --seeds 2`` with one
    augmentation strategy (given as a file, every transform with p=1.0), printed summary captured."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("two-seeds")
    pipe = al.Compose([al.Affine(rotate=10, scale=(0.9, 1.1), translate_percent=0.08, p=1.0)],
                      seed=0)
    (out / "mild.yaml").write_text(pipe.to_yaml())
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["evaluate", "--data", "digits", "--model", "logreg", "--sizes", "10",
                     "--seeds", "2", "--strategy", "baseline=baseline",
                     "--strategy", f"mild={out / 'mild.yaml'}", "--out", str(out / "run"),
                     "--quiet"])
    assert code == 0
    return out / "run", printed.getvalue()


def test_the_observed_run_has_raw_intervals_outside_the_range(two_seed_run) -> None:
    """The run reproduces the observation: the statistics themselves go past 100%."""
    run, _ = two_seed_run
    raw = pd.read_csv(run / "summary.csv")
    base = raw[raw["strategy"] == "baseline"].iloc[0]
    # protocol 2 (logreg trains on the whole subset; 85.4 and 137.7 under protocol 1)
    assert 100 * base["accuracy"] == pytest.approx(87.0, abs=0.05)
    assert 100 * base["accuracy_high"] == pytest.approx(119.5, abs=0.05)  # kept raw in the CSV
    assert raw["interval_note"].str.contains("too wide to use").all()


def test_printed_summary_is_clipped_and_says_two_seeds_are_too_few(two_seed_run) -> None:
    _, printed = two_seed_run
    lines = printed.splitlines()
    header = lines[0].split()
    assert header[:6] == ["strategy", "train_size", "seeds", "accuracy", "accuracy_low",
                          "accuracy_high"]
    rows = [line.split() for line in lines[1:3]]
    assert [r[0] for r in rows] == ["baseline", "mild"]
    for row in rows:
        low, high = float(row[4]), float(row[5])
        assert 0.0 <= low <= float(row[3]) <= high <= 100.0, row
        assert row[-1] == "*"  # the marker
    assert "119.5" not in printed  # the raw high end, clipped to 100.0
    diff = rows[1][6:9]
    assert all(-100.0 <= float(v) <= 100.0 for v in diff)
    note = next(line for line in lines if line.startswith("* "))
    assert "2 seeds" in note and "too wide to use" in note and "3 or more seeds" in note


def test_report_is_clipped_and_says_two_seeds_are_too_few(two_seed_run) -> None:
    run, _ = two_seed_run
    page = (run / "report.html").read_text()
    summary = page[page.index("<h2>Summary</h2>"):]
    summary = summary[:summary.index("</table>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", summary)
    pairs = [(float(a), float(b)) for a, b in re.findall(rf"\(({NUMBER}), ({NUMBER})\)", summary)]
    assert len(pairs) == 3  # two accuracy intervals and one difference
    assert all(0.0 <= a <= b <= 100.0 for a, b in pairs[:2])  # accuracy, then the difference
    assert all(-100.0 <= a <= b <= 100.0 for a, b in pairs)
    assert "119.5" not in page
    assert sum("*" in c for c in cells) >= 2  # every interval cell is marked
    lead = page[page.index("<div class='lead'>"):page.index("</div>")]
    ends = [float(v) for v in re.findall(rf"95% interval ({NUMBER}) to ({NUMBER})", lead)[0]]
    assert all(-100.0 <= v <= 100.0 for v in ends)
    assert "too wide to use" in lead
    notes = re.findall(r"<p class='small'>\*([^<]*(?:<[^p][^<]*)*)</p>", page)
    assert notes and "2 seeds" in notes[0] and "too wide to use" in notes[0]
    assert "3 or more seeds" in notes[0]


def test_enough_seeds_print_no_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from augmentlab.evaluate import Experiment

    res = Experiment("digits", model="logreg", train_sizes=[10], seeds=3, out=tmp_path,
                     robustness_rows=50, invariance_rows=20, quiet=True).run()
    from augmentlab.cli import _print_summary

    _print_summary(res)
    printed = capsys.readouterr().out
    assert "too wide" not in printed and "*" not in printed
    page = (tmp_path / "report.html").read_text()
    assert "too wide to use" not in page
