"""The report as a reader sees it (headless Chromium): adjusted p-values, the four verdicts, what
would resolve an inconclusive one, and how the demo's strategies were chosen."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from augmentlab.evaluate import Results, write_report
from augmentlab.evaluate.demo import DEMO_STRATEGY_CHOICE, demo_experiment


def _rendered_text(page: Path, shot: Path) -> str:
    from browser import chromium_path, render

    if chromium_path() is None and os.environ.get("CI"):
        pytest.fail("chromium is missing on CI: `make install` should have installed it")
    if chromium_path() is None:
        pytest.skip("chromium is not installed (run `make install`)")
    seen = render(page, shot)
    assert seen["errors"] == []
    assert all(i["complete"] and i["width"] > 0 for i in seen["images"]), seen["images"]
    return str(seen["text"])


def _four_verdict_cells() -> list[dict[str, object]]:
    """Per seed, a baseline and four strategies built to get each verdict."""
    rng = np.random.default_rng(0)
    cells = []
    for seed in range(5):
        base = 0.80 + rng.normal(0, 0.03)
        runs = {"baseline": base, "clear gain": base + 0.06 + rng.normal(0, 0.005),
                "clear loss": base - 0.06 + rng.normal(0, 0.005),
                "no change": base + rng.normal(0, 0.001),
                "unclear": base + 0.01 + rng.normal(0, 0.02)}
        cells += [{"strategy": name, "train_size": 10, "seed": seed, "accuracy": acc}
                  for name, acc in runs.items()]
    return cells


def test_the_report_shows_adjusted_p_and_each_of_the_four_verdicts(tmp_path: Path) -> None:
    res = Results(_four_verdict_cells())
    verdicts = {name: d["verdict"] for (name, _), d in res.comparisons().items()}
    assert verdicts == {"clear gain": "helps", "clear loss": "hurts", "no change": "equivalent",
                        "unclear": "inconclusive"}
    needed = res.comparisons()[("unclear", 10)]["seeds_needed"]
    text = _rendered_text(write_report(tmp_path / "report.html", res), tmp_path / "shot.png")
    assert "p adjusted" in text and "P(beats)" in text
    for name, verdict in verdicts.items():  # each row reads its own verdict
        row = next(line for line in text.splitlines() if line.startswith(name + "\t"))
        assert verdict in row, (name, row)
    assert f"about {needed} seeds would resolve it" in text
    assert "Holm-adjusted" in text and "within ±1 point" in text


def test_the_demo_report_in_chromium(tmp_path: Path) -> None:
    """The demo's own experiment, small enough for a test: 3 seeds of 5 digits per class."""
    exp = demo_experiment(tmp_path / "demo", dataset="digits", train_sizes=(5,), seeds=3,
                          steps=40, jobs=1, quiet=True, robustness_rows=100, invariance_rows=50)
    res = exp.run()
    text = _rendered_text(exp.out / "report.html", tmp_path / "demo.png")
    family = res.comparisons()
    assert len(family) == 3 and all(d["comparisons"] == 3 for d in family.values())
    assert "p adjusted" in text
    assert "How these strategies were chosen" in text and DEMO_STRATEGY_CHOICE[:60] in text
    for verdict in ("helps", "hurts", "equivalent", "inconclusive", "not enough seeds to tell"):
        assert verdict in text, verdict  # the legend names every verdict
    for (name, _), d in family.items():
        lines = text.splitlines()
        at = next(k for k, line in enumerate(lines) if line.startswith(name + "\t"))
        row = " ".join(lines[at:at + 2])  # an inconclusive verdict's note wraps to a new line
        assert d["verdict"] in row
        p_adj = f"{d['p_adjusted']:.3f}" if d["p_adjusted"] >= 0.001 else "<0.001"
        assert p_adj in row, (row, d["p_adjusted"])
        if d["verdict"] == "inconclusive":
            assert re.search(r"about \d+ seeds would resolve it|more seeds alone would not", row)
