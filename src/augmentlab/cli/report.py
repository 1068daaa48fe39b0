"""What ``demo``, ``evaluate`` and ``search`` print about an experiment's results."""

from __future__ import annotations

from typing import Any

__all__ = ["print_summary", "run_experiment"]


def print_summary(results: Any) -> None:
    """Print the results' summary table (intervals clipped to their range; a note under 3 seeds).

    Example:
        >>> class Results:
        ...     def summary_text(self) -> str:
        ...         return "baseline  61.0%"
        >>> print_summary(Results())
        baseline  61.0%
    """
    print(results.summary_text())


def run_experiment(exp: Any) -> int:
    """Run `exp`, print its summary and where its report and results are; exit code 0.

    Example:
        >>> from pathlib import Path
        >>> class Results:
        ...     def summary_text(self) -> str:
        ...         return "baseline  61.0%"
        >>> class Experiment:
        ...     out = Path("out")
        ...     def run(self) -> Results:
        ...         return Results()
        >>> run_experiment(Experiment())
        baseline  61.0%
        <BLANKLINE>
        report:  out/report.html
        results: out/results.json  (out/summary.csv)
        0
    """
    results = exp.run()
    report = exp.out / "report.html"
    print_summary(results)
    print(f"\nreport:  {report}")
    print(f"results: {exp.out / 'results.json'}  ({exp.out / 'summary.csv'})")
    return 0
