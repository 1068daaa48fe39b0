"""Printing a strategy's effect the way the effect benchmarks report it."""

from __future__ import annotations

from typing import Any

import augmentlab as al


def effect_cell(res: Any, name: str, size: int | float, metric: str) -> str:
    """``mean [low, high]`` in %, then (for a strategy other than the baseline) the paired
    difference from the baseline with its interval and verdict."""
    m = al.evaluate.mean_interval(list(res.values(name, size, metric).values()))
    cell = f"{100 * m['mean']:5.1f} [{100 * m['low']:5.1f}, {100 * m['high']:5.1f}]"
    if name != "baseline":
        d = res.paired_difference(name, "baseline", train_size=size, metric=metric)
        cell += (f" {100 * d['mean']:+5.1f} [{100 * d['low']:+5.1f}, {100 * d['high']:+5.1f}]"
                 f" {d['verdict']}")
    return cell
