"""``report.html``: one self-contained page (plots embedded as PNG) a person would want to read."""

from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..core.files import atomic_write
from ..core.optional import require
from .results import Results
from .stats import MIN_SEEDS, clip_interval, mean_interval, metric_range

# the CSS class of each verdict (inconclusive and too-few-seeds: grey)
_VERDICT_CLASS = {"helps": "helps", "hurts": "hurts", "equivalent": "equivalent"}
_VERDICT_COLOUR = {"helps": "#0a7a2f", "hurts": "#b00020", "equivalent": "#1f5fa8"}

__all__ = ["size_label", "write_report"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;font-size:.9em;margin:.6em 0}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right}th{background:#f5f5f5}
td.l,th.l{text-align:left}.helps{color:#0a7a2f;font-weight:600}.hurts{color:#b00020;font-weight:600}
.equivalent{color:#1f5fa8;font-weight:600}.none{color:#666}
.lead{font-size:1.1em;background:#f7f9fc;border-left:4px solid #3b6fb6;padding:.6em 1em}
img{max-width:100%}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.8em}
.small{color:#666;font-size:.85em}
"""


def _plt() -> Any:
    require("matplotlib", "measure", "the HTML report").use("Agg")
    return require("matplotlib.pyplot", "measure", "the HTML report")


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def size_label(size: int | float) -> str:
    """``10 per class`` or ``25% of train``.

    Example:
        >>> size_label(10), size_label(0.25)
        ('10 per class', '25% of train')
    """
    return f"{size} per class" if isinstance(size, int) else f"{100 * size:g}% of train"


def _pct(v: float | None) -> str:
    return "&ndash;" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:.1f}"


# Intervals are shown clipped to what their metric can be (`metric_range`): a t interval is
# symmetric about the mean and with few seeds reaches past 0% or 100%. summary.csv keeps the raw
# intervals (results.json the per-seed values they come from); the note under the summary says
# in words why they are so wide.
_MARK = "<sup title='fewer than 3 seeds: see the note under the summary'>*</sup>"


def _interval(stats: dict[str, Any], bounds: tuple[float, float] | None, signed: bool = False
              ) -> str:
    """``mean (low, high)`` in percent or points, clipped to `bounds`, marked under 3 seeds;
    the mean alone from one value (no interval)."""
    shown = clip_interval(stats, bounds)
    fmt = "{:+.1f}" if signed else "{:.1f}"

    def num(v: float) -> str:
        return "&ndash;" if v is None or math.isnan(v) else fmt.format(100 * v)

    mark = _MARK if 0 < stats.get("n", MIN_SEEDS) < MIN_SEEDS else ""
    if stats.get("n", MIN_SEEDS) < 2:
        return f"{num(shown['mean'])}{mark}"
    return f"{num(shown['mean'])} ({num(shown['low'])}, {num(shown['high'])}){mark}"


def _notes(results: Results) -> list[str]:
    """The distinct too-few-seeds notes of the summary's rows."""
    frame = results.summary()
    return list(dict.fromkeys(str(n) for n in frame.get("interval_note", []) if n))


def _interval_plot(results: Results, metric: str, ylabel: str) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    sizes = results.train_sizes
    bounds = metric_range(metric)
    for strategy in results.strategies:
        stats = [clip_interval(mean_interval(list(results.values(strategy, s, metric).values())),
                               bounds) for s in sizes]
        mean = [st["mean"] for st in stats]
        ax.plot(sizes, mean, marker="o", label=strategy)
        ax.fill_between(sizes, [st["low"] for st in stats], [st["high"] for st in stats], alpha=0.2)
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(s) for s in sizes])
    ax.set_xticks([], minor=True)  # no "2x10^1" labels between the sizes that were run
    ax.set_xlabel("training examples per class" if isinstance(sizes[0], int)
                  else "fraction of the training split")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    return _png(fig)


def _difference_plot(results: Results) -> str:
    plt = _plt()
    others = [s for s in results.strategies if s != results.baseline]
    fig, ax = plt.subplots(figsize=(6.4, 0.6 + 0.45 * max(1, len(others) * len(results.train_sizes))))
    labels, y = [], 0
    for size in results.train_sizes:
        for strategy in others:
            d = clip_interval(results.paired_difference(strategy, results.baseline, train_size=size),
                              metric_range("accuracy", difference=True))
            color = _VERDICT_COLOUR.get(d["verdict"], "#777")
            low = d["low"] if math.isfinite(d["low"]) else d["mean"]
            high = d["high"] if math.isfinite(d["high"]) else d["mean"]
            ax.errorbar([100 * d["mean"]], [y], xerr=[[100 * (d["mean"] - low)], [100 * (high - d["mean"])]],
                        fmt="o", color=color, capsize=4)
            labels.append(f"{strategy} @ {size_label(size)}")
            y += 1
    ax.axvline(0, color="#333", lw=1)
    for side in (-1, 1):  # the equivalence band
        ax.axvline(side * 100 * results.equivalence, color="#1f5fa8", lw=0.8, ls=":")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"accuracy difference vs {results.baseline} (points, 95% interval)")
    ax.grid(alpha=0.3, axis="x")
    return _png(fig)


def _reliability_plot(results: Results) -> str:
    plt = _plt()
    sizes = results.train_sizes
    fig, axes = plt.subplots(1, len(sizes), figsize=(3.4 * len(sizes), 3.3), squeeze=False)
    for ax, size in zip(axes[0], sizes, strict=True):
        ax.plot([0, 1], [0, 1], color="#999", lw=1, ls="--")
        for strategy in results.strategies:
            cells = [c for c in results.cells if c["strategy"] == strategy
                     and c["train_size"] == size and c.get("reliability")]
            if not cells:
                continue
            counts = np.sum([c["reliability"]["bin_counts"] for c in cells], axis=0)
            conf = np.nansum([np.array(c["reliability"]["bin_confidence"], dtype=float)
                              * np.array(c["reliability"]["bin_counts"]) for c in cells], axis=0)
            acc = np.nansum([np.array(c["reliability"]["bin_accuracy"], dtype=float)
                             * np.array(c["reliability"]["bin_counts"]) for c in cells], axis=0)
            keep = counts > 0
            ax.plot(conf[keep] / counts[keep], acc[keep] / counts[keep], marker=".", label=strategy)
        ax.set_title(size_label(size), fontsize=10)
        ax.set_xlabel("confidence")
        ax.set_ylabel("accuracy")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    if axes[0][0].get_legend_handles_labels()[0]:  # cells without reliability bins draw none
        axes[0][0].legend(fontsize=8)
    return _png(fig)


def _robustness_plot(results: Results) -> str | None:
    size = results.train_sizes[0]
    names: list[str] = []
    for c in results.cells:
        names = list(c.get("robustness") or {})
        if names:
            break
    if not names:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    width = 0.8 / len(results.strategies)
    for i, strategy in enumerate(results.strategies):
        cells = [c for c in results.cells if c["strategy"] == strategy and c["train_size"] == size]
        means = [np.mean([c["robustness"][n] for c in cells]) for n in names]
        ax.bar(np.arange(len(names)) + i * width, np.array(means) * 100, width, label=strategy)
    ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2)
    ax.set_xticklabels(names, rotation=35, ha="right", fontsize=8)
    ax.set_ylabel(f"accuracy (%) at {size_label(size)}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return _png(fig)


def _sample_grid(grid: dict[str, list[Any]]) -> str:
    first = grid.get("original") or []
    if not first:
        return ""
    if isinstance(first[0], str) or (isinstance(first[0], np.ndarray) and first[0].dtype == object):
        rows = "".join(
            f"<tr><th class='l'>{html.escape(name)}</th>"
            + "".join(f"<td class='l'>{html.escape(str(v))}</td>" for v in values[:3]) + "</tr>"
            for name, values in grid.items())
        return f"<table>{rows}</table>"
    if not isinstance(first[0], np.ndarray) or first[0].ndim not in (2, 3):
        return ""
    plt = _plt()
    names = list(grid)
    cols = len(first)
    fig, axes = plt.subplots(len(names), cols, figsize=(1.2 * cols, 1.25 * len(names)), squeeze=False)
    for r, name in enumerate(names):
        for c in range(cols):
            ax = axes[r][c]
            img = grid[name][c]
            if img.dtype == np.uint8:
                ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255)
            else:  # a log-mel spectrogram (audio), low frequencies at the bottom
                ax.imshow(img, cmap="magma", origin="lower", aspect="auto", vmin=-80, vmax=0)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(name, fontsize=8, rotation=0, ha="right", va="center")
    return _png(fig)


def _p(value: float) -> str:
    if value is None or math.isnan(value):
        return "&ndash;"
    return "&lt;0.001" if value < 0.001 else f"{value:.3f}"


def _verdict_cell(d: dict[str, Any], inline: bool = False) -> str:
    """The verdict, coloured; an inconclusive one says what would settle it (below it, or
    after it when `inline`)."""
    cls = _VERDICT_CLASS.get(d["verdict"], "none")
    out = f"<span class='{cls}'>{html.escape(str(d['verdict']))}</span>"
    if d["verdict"] == "inconclusive":
        mde = d.get("mde")
        if mde is not None and math.isfinite(mde):
            out += (f"{' (' if inline else '<br>'}<span class='small'>detects &ge; "
                    f"{100 * mde:.1f} points at 80% power; "
                    + (f"about {d['seeds_needed']} seeds would resolve it"
                       if d.get("seeds_needed") else
                       "more seeds alone would not resolve it") + "</span>"
                    + (")" if inline else ""))
    return out


def _summary_table(results: Results) -> str:
    frame = results.summary()  # raw intervals: `_interval` clips them for showing
    head = ("<tr><th class='l'>strategy</th><th>train size</th><th>seeds</th><th>accuracy % "
            "(95% interval)</th><th>vs baseline, points (95% interval)</th><th>p</th>"
            "<th>p adjusted</th><th>P(beats)</th><th class='l'>verdict</th><th>macro-F1 %</th>"
            "<th>gap %</th><th>ECE %</th><th>robust acc %</th><th>invariance %</th>"
            "<th>steps</th><th>examples seen</th><th>fit s</th></tr>")
    family = results.comparisons("accuracy")
    body = []
    for row in frame.to_dict("records"):
        diff = verdict = p = p_adj = beats = ""
        n = row.get("seeds", MIN_SEEDS)
        d = family.get((row["strategy"], row["train_size"]))
        if d is not None:
            diff = _interval(d, metric_range("accuracy", difference=True), signed=True)
            verdict, p, p_adj = _verdict_cell(d), _p(d["p"]), _p(d["p_adjusted"])
            beats = _pct(d.get("p_beats"))
        body.append(
            f"<tr><td class='l'>{html.escape(str(row['strategy']))}</td>"
            f"<td>{size_label(row['train_size'])}</td>"
            f"<td>{row.get('seeds', '')}</td><td>"
            + _interval({"mean": row.get("accuracy"), "low": row.get("accuracy_low"),
                         "high": row.get("accuracy_high"), "n": n}, metric_range("accuracy"))
            + "</td>"
            f"<td>{diff}</td><td>{p}</td><td>{p_adj}</td><td>{beats}</td>"
            f"<td class='l'>{verdict}</td>"
            f"<td>{_pct(row.get('macro_f1'))}</td><td>{_pct(row.get('generalization_gap'))}</td>"
            f"<td>{_pct(row.get('ece'))}</td><td>{_pct(row.get('robust_accuracy'))}</td>"
            f"<td>{_pct(row.get('invariance'))}</td>"
            f"<td>{_number(row.get('steps'))}</td><td>{_number(row.get('examples_seen'))}</td>"
            f"<td>{_number(row.get('fit_seconds'), 1)}</td></tr>")
    notes = "".join(f"<p class='small'>* {html.escape(note, quote=False)}</p>"
                    for note in _notes(results))
    compute = ("<p class='small'>Compute per seed: optimizer <b>steps</b>, <b>examples seen</b> "
               "(rows the model was run or fitted on; augmented views, unlabelled rows and "
               "self-training rounds included) and training wall time (<b>fit s</b>, on this "
               "machine, cells running side by side).</p>")
    return f"<table>{head}{''.join(body)}</table>{notes}{compute}"


def _number(v: Any, digits: int = 0) -> str:
    """A mean count or duration for a table cell ('' when missing)."""
    if not isinstance(v, (int, float)) or not math.isfinite(v):
        return ""
    return f"{v:,.{digits}f}"


def _how_to_read(results: Results) -> str:
    """How the intervals, p-values and verdicts were made, with this report's numbers."""
    family = results.comparisons("accuracy")
    m = max((d["comparisons"] for d in family.values()), default=0)
    band = f"{100 * results.equivalence:g}"
    rows = any(d.get("test_rows") for d in family.values())
    parts = [
        "<h3>How to read the verdicts</h3><p class='small'>Intervals are 95% Student-t intervals "
        "across seeds. Differences are paired by seed (each seed trains every strategy on the "
        "same rows)"
        + (", and their intervals and p-values also carry the test split's own uncertainty: the "
           "test rows are bootstrapped (the same resampled rows for both strategies and every "
           "seed) and that variance is added to the seeds'" if rows else "")
        + f". The accuracy comparisons of this report ({m}) are one family: their p-values are "
        "Holm-adjusted together (<i>p adjusted</i>), so the chance of any false <i>helps</i> or "
        "<i>hurts</i> among them stays at 5%. <i>P(beats)</i>: the chance that one run of the "
        "strategy scores above one run of the baseline with the same seed"
        + (" on a test split drawn like this one" if rows else " (the share of seeds)") + ".</p>",
        "<ul class='small'>"
        "<li><span class='helps'>helps</span> / <span class='hurts'>hurts</span>: the adjusted "
        "p-value is below 0.05;</li>"
        f"<li><span class='equivalent'>equivalent</span>: the whole interval lies within "
        f"&plusmn;{band} point{'s' if band != '1' else ''} (the equivalence band, "
        "<code>Experiment(equivalence=...)</code>): no effect larger than that;</li>"
        "<li><span class='none'>inconclusive</span>: neither; the smallest effect these seeds "
        "would detect at 80% power is given, with the seeds that would likely resolve it;</li>"
        f"<li><span class='none'>not enough seeds to tell</span>: fewer than {MIN_SEEDS} seeds."
        "</li></ul>",
    ]
    choice = results.meta.get("strategy_choice")
    if choice:
        parts.append(f"<p class='small'><b>How these strategies were chosen.</b> "
                     f"{html.escape(str(choice), quote=False)}</p>")
    return "".join(parts)


def _imbalance_table(results: Results) -> str:
    """Two classes: paired differences on the metrics that matter when one class is rare."""
    metrics = [("balanced_accuracy", "balanced accuracy"), ("minority_recall", "minority recall"),
               ("minority_precision", "minority precision"), ("pr_auc", "PR-AUC")]
    if not results.cells or "minority_recall" not in results.cells[0]:
        return ""
    head = "<tr><th class='l'>strategy</th><th>train size</th>" + "".join(
        f"<th>{label} %</th><th>vs baseline (95% interval)</th>" for _, label in metrics) + "</tr>"
    rows = []
    for size in results.train_sizes:
        for strategy in results.strategies:
            cells = [f"<td class='l'>{html.escape(strategy)}</td><td>{size_label(size)}</td>"]
            for metric, _ in metrics:
                st = mean_interval(list(results.values(strategy, size, metric).values()))
                cells.append(f"<td>{_interval(st, metric_range(metric))}</td>")
                if strategy == results.baseline:
                    cells.append("<td></td>")
                    continue
                d = results.comparisons(metric).get((strategy, size))
                if d is None:
                    cells.append("<td>&ndash;</td>")
                    continue
                cls = _VERDICT_CLASS.get(d["verdict"], "none")
                shown = _interval(d, metric_range(metric, difference=True), signed=True)
                cells.append(f"<td><span class='{cls}' title='{html.escape(d['verdict'])}, "
                             f"p adjusted {d['p_adjusted']:.3g}'>{shown}</span></td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
    return ("<h2>The rare class (exploratory)</h2><p class='small'>Exploratory: these metrics are "
            "secondary to the summary's accuracy; read them as leads to check, not findings. "
            "Two classes: the minority is the rarer class of the test split. Each metric's "
            "comparisons are Holm-adjusted as one family; green: helps, red: hurts, blue: "
            "equivalent (hover for the verdict and adjusted p). * as in the summary: fewer than "
            "3 seeds.</p>"
            f"<table>{head}{''.join(rows)}</table>")


def _fidelity_table(results: Results) -> str:
    """Generators: how their rows compare with the real ones, next to what they did."""
    names = ["precision", "recall", "coverage", "near_copy_share", "detection_auc", "frechet_distance"]
    rows = []
    for size in results.train_sizes:
        for strategy in results.strategies:
            fids = [c["fidelity"] for c in results.cells if c["strategy"] == strategy
                    and c["train_size"] == size and c.get("fidelity")]
            if not fids:
                continue
            d = results.paired_difference(strategy, results.baseline, train_size=size)
            cells = "".join(
                f"<td>{np.mean([f[n] for f in fids]):.3g}</td>" if all(n in f for f in fids)
                else "<td>&ndash;</td>" for n in names)
            rows.append(f"<tr><td class='l'>{html.escape(strategy)}</td><td>{size_label(size)}</td>"
                        f"{cells}<td>{100 * d['mean']:+.1f}</td></tr>")
    if not rows:
        return ""
    head = ("<tr><th class='l'>strategy</th><th>train size</th><th>precision</th><th>recall</th>"
            "<th>coverage</th><th>near-copies</th><th>detection AUC</th><th>Fréchet</th>"
            "<th>accuracy vs baseline</th></tr>")
    return ("<h2>Synthetic data</h2><p class='small'>Rows added by generators, against the real "
            "training rows of the same cell (means over seeds): precision (synthetic rows inside the "
            "real data's k-NN manifold), recall and coverage (real data covered by synthetic rows), "
            "near-copies (memorisation), detection AUC (0.5: a classifier cannot tell them apart; "
            "1: it always can).</p>"
            f"<table>{head}{''.join(rows)}</table>")


def _auto_section(results: Results) -> str:
    """``auto`` strategies: the choice in each cell and the cross-validated evidence behind it."""
    cells = sorted((c for c in results.cells if c.get("auto")),
                   key=lambda c: (c["strategy"], c["train_size"], c["seed"]))
    if not cells:
        return ""
    names = sorted({n for c in cells for n in c["auto"]["cv_score"]},
                   key=lambda n: min(list(c["auto"]["cv_score"]).index(n)
                                     for c in cells if n in c["auto"]["cv_score"]))
    head = ("<tr><th class='l'>strategy</th><th>train size</th><th>seed</th><th class='l'>chosen</th>"
            + "".join(f"<th>{html.escape(n)}</th>" for n in names)
            + "<th class='l'>scored by</th><th>flips offered</th><th>folds</th><th>fits</th>"
            "<th>examples seen</th></tr>")
    rows = []
    for c in cells:
        a = c["auto"]
        tds = []
        for n in names:
            if n not in a["cv_score"]:
                tds.append("<td>&ndash;</td>")
                continue
            shown = f"{100 * a['cv_score'][n]:.1f}"
            d = a["versus_baseline"].get(n)
            title = "" if d is None else (f" title='vs baseline {100 * d['mean']:+.1f} "
                                          f"[{100 * d['low']:+.1f}, {100 * d['high']:+.1f}], "
                                          f"p adjusted {d['p_adjusted']:.3g}'")
            mark = "<b>" if n == a["chosen"] else ""
            tds.append(f"<td{title}>{mark}{shown}{'</b>' if mark else ''}"
                       + ("" if d is None else f" <span class='small'>({100 * d['mean']:+.1f}, "
                          f"p<sub>adj</sub> {d['p_adjusted']:.2g})</span>") + "</td>")
        rows.append(f"<tr><td class='l'>{html.escape(c['strategy'])}</td><td>{size_label(c['train_size'])}"
                    f"</td><td>{c['seed']}</td><td class='l'>{html.escape(a['chosen'])}</td>{''.join(tds)}"
                    f"<td class='l'>{html.escape(a['metric'].replace('_', ' '))}</td>"
                    f"<td>{'yes' if a['flips_offered'] else 'no'}</td>"
                    f"<td>{a['folds']}&times;{a['repeats']}</td><td>{c['fits']}</td>"
                    f"<td>{c['examples_seen']:,}</td></tr>")
    return ("<h2>What auto chose</h2><p class='small'>In each cell <code>auto</code> compared its "
            "candidates by stratified cross-validation on the cell's labelled rows alone (the test "
            "split is never read): each candidate's cross-validated score in % (the metric named "
            "in the row), the chosen one in bold, and in brackets its paired difference from the "
            "baseline over the folds with the p-value Holm-adjusted across the candidates "
            "(p<sub>adj</sub>; hover for the interval). A candidate can be chosen only when its "
            "lead over the baseline exceeds one standard error of those paired differences (the "
            "one-standard-error rule); among those the highest score wins, and with none the "
            "baseline does: a lead smaller than its own noise at a few rows per class is not a "
            "reason to augment. Whether auto helped is the summary's verdict on the test split, "
            "not this table. Fits and examples seen count every fold and the final fit.</p>"
            f"<table>{head}{''.join(rows)}</table>")


def _examples_section(results: Results) -> str:
    """Per class, real training rows next to a generator's rows (first seed, largest size)."""
    parts = []
    for strategy in results.strategies:
        cells = [c for c in results.cells if c["strategy"] == strategy and c.get("examples")]
        if not cells:
            continue
        cell = max(cells, key=lambda c: float(c["train_size"]) if isinstance(c["train_size"], float)
                   else c["train_size"])
        real, fake = cell["examples"]["real"], cell["examples"]["synthetic"]
        classes = [c for c in real if c in fake]
        title = (f"<h3>{html.escape(strategy)}</h3><p class='small'>Train size "
                 f"{size_label(cell['train_size'])}, seed {cell['seed']}: per class, real rows "
                 "(left) and generated rows (right).</p>")
        first = np.asarray(fake[classes[0]][0]) if classes else None
        if first is not None and first.ndim in (2, 3):
            plt = _plt()
            cols = max(len(real[c]) for c in classes) + max(len(fake[c]) for c in classes)
            fig, axes = plt.subplots(len(classes), cols, figsize=(0.9 * cols, 0.95 * len(classes)),
                                     squeeze=False)
            for r, cls in enumerate(classes):
                row = [np.asarray(v) for v in real[cls]] + [np.asarray(v) for v in fake[cls]]
                for c in range(cols):
                    ax = axes[r][c]
                    ax.set_xticks([])
                    ax.set_yticks([])
                    if c < len(row):
                        img = row[c].astype(np.uint8)
                        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255)
                    else:
                        ax.axis("off")
                    if c == len(real[cls]):
                        for side in ax.spines.values():
                            side.set_color("#c0392b")
                    if c == 0:
                        ax.set_ylabel(cls, fontsize=8, rotation=0, ha="right", va="center")
            parts.append(title + _png(fig))
        elif first is not None:
            body = "".join(
                f"<tr><td class='l'>{html.escape(cls)}</td><td class='l'>{origin}</td>"
                + "".join(f"<td>{v:.4g}</td>" for v in np.asarray(row, dtype=float).ravel()[:8]) + "</tr>"
                for cls in classes for origin, rows in (("real", real[cls]), ("generated", fake[cls]))
                for row in rows[:3])
            parts.append(title + f"<table><tr><th class='l'>class</th><th class='l'>rows</th>"
                         f"<th colspan='8'>first columns</th></tr>{body}</table>")
    if not parts:
        return ""
    return "<h2>Generated samples per class</h2>" + "".join(parts)


def _search_section(search: dict[str, Any] | None) -> str:
    """The policy search behind a "searched" strategy: what was searched, how long it took, the
    best trials, and the objective over the trials."""
    if not search:
        return ""
    trials = sorted(search.get("trials", []), key=lambda t: t["number"])
    kind = html.escape(str(search.get("space", {}).get("kind")))
    where = html.escape(f"{search.get('study_name')} in {search.get('storage')}")
    parts = ["<h2>Policy search</h2>",
             f"<p class='small'>{len(trials)} trials of the <b>{kind}</b> space "
             f"({html.escape(str(search.get('sampler')))} sampler), each scored by the mean "
             f"validation accuracy over train sizes {search.get('train_sizes')} x "
             f"{search.get('seeds')} seeds on {html.escape(str(search.get('validation')))} (the test "
             f"split was never seen). Wall time {search.get('seconds', 0):.0f} s. Study {where}.</p>"]
    if trials:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(7, 3))
        values = [100 * t["value"] for t in trials]
        ax.plot([t["number"] for t in trials], values, "o", alpha=0.6, label="trial")
        ax.plot([t["number"] for t in trials], np.maximum.accumulate(values), "-", label="best so far")
        ax.set_xlabel("trial")
        ax.set_ylabel("validation accuracy %")
        ax.legend()
        parts.append(_png(fig))
        top = sorted(trials, key=lambda t: -t["value"])[:10]
        rows = "".join(f"<tr><td>{t['number']}</td><td>{_pct(t['value'])}</td>"
                       f"<td class='l'>{html.escape(json.dumps(t['params'], sort_keys=True))}</td></tr>"
                       for t in top)
        parts.append("<table><tr><th>trial</th><th>validation acc %</th><th class='l'>params</th>"
                     f"</tr>{rows}</table>")
    return "".join(parts)


def _lead(results: Results) -> str:
    lines = []
    for size in results.train_sizes:
        for strategy in results.strategies[1:]:
            d = results.paired_difference(strategy, results.baseline, train_size=size)
            shown = clip_interval(d, metric_range("accuracy", difference=True))
            interval = (f"95% interval {100 * shown['low']:+.1f} to {100 * shown['high']:+.1f}, "
                        if d["n"] >= 2 else "no interval, ")
            adjusted = (f", p adjusted {_p(d['p_adjusted'])}"
                        if d["n"] >= 2 and not math.isnan(d["p_adjusted"]) else "")
            lines.append(f"<b>{html.escape(strategy)}</b> at {size_label(size)}: "
                         f"{100 * d['mean']:+.1f} points of accuracy vs {html.escape(results.baseline)} "
                         f"({interval}{d['n']} paired seeds{adjusted}) &mdash; "
                         f"{_verdict_cell(d, inline=True)}{_MARK if d['n'] < MIN_SEEDS else ''}.")
    lines = lines or ["Only a baseline was run."]
    lines += [f"<b>* Too few seeds.</b> {html.escape(note, quote=False)}" for note in _notes(results)]
    return "<div class='lead'>" + "<br>".join(lines) + "</div>"


def _checkpoints(results: Results) -> str:
    """How each size's models picked their weights (the cells say which rule they used)."""
    proto = results.meta.get("protocol", {})
    used: dict[str, list[str]] = {}
    for size in results.train_sizes:
        kinds = {c.get("selection") for c in results.cells if c["train_size"] == size}
        if len(kinds) == 1 and None not in kinds:
            used.setdefault(str(kinds.pop()), []).append(size_label(size))
    if not used:
        return ""
    carve = f"{100 * float(proto.get('val_fraction') or 0):.0f}%"
    words = {"final": "trained on the whole training subset, last weights kept",
             "validation": f"best checkpoint on a validation carve of {carve} of each class "
                           "(not trained on)"}
    parts = [f"{words.get(kind, kind)} at {', '.join(sizes)}" for kind, sizes in used.items()]
    return ("Weights: " + "; ".join(parts) + " (the rule looks at the size of the validation "
            "carve alone, so every strategy is trained the same way). ")


def write_report(path: Path, results: Results, grid: dict[str, list[Any]] | None = None) -> Path:
    """Write the report for `results` to `path` (atomically) and return the path."""
    meta = results.meta
    ds = meta.get("dataset", {})
    proto = meta.get("protocol", {})
    budget = (f"equal optimizer steps ({proto.get('steps')}) for every strategy"
              if proto.get("budget") == "steps" else
              f"equal epochs ({proto.get('epochs')}) over each strategy's training rows")
    own_budget = [n for n, cfg in meta.get("strategies", {}).items() if cfg.get("steps")]
    if own_budget:
        budget += "; own step budgets for " + ", ".join(own_budget) + " (see configs)"
    sections = [
        f"<h1>Did augmentation help? {html.escape(str(ds.get('name', '')))}</h1>",
        f"<p class='small'>{html.escape(str(ds.get('description', '')))}; split: "
        f"{html.escape(str(ds.get('split', '')))}. Model: {html.escape(str(proto.get('model_name')))}. "
        f"Budget: {html.escape(budget)}. {_checkpoints(results)}The test split is never "
        "augmented.</p>",
        _lead(results),
        "<h2>Summary</h2>", _summary_table(results),
        _how_to_read(results),
        "<p class='small'><b>Caution:</b> with the whole training split (100% of train) a seed only "
        "changes the validation carve and the model's own randomness, not the training rows, so "
        "these intervals leave out the variation of the data itself and are narrower than a new "
        "sample of data would justify.</p>" if 1.0 in results.train_sizes else "",
        _auto_section(results),
        _imbalance_table(results),
        _fidelity_table(results),
        _examples_section(results),
        "<h2>Accuracy vs training-set size</h2>", _interval_plot(results, "accuracy", "test accuracy"),
        "<h2>Difference vs baseline</h2>", _difference_plot(results) if len(results.strategies) > 1
        else "<p>Only a baseline was run.</p>",
        "<h2>Generalization gap</h2>",
        "<p class='small'>Training accuracy minus test accuracy: augmentation usually narrows it.</p>",
        _interval_plot(results, "generalization_gap", "train - test accuracy"),
        "<h2>Calibration</h2><p class='small'>Reliability diagrams, all seeds pooled: points on the "
        "diagonal are calibrated; below it, over-confident.</p>", _reliability_plot(results),
    ]
    robust = _robustness_plot(results)
    if robust:
        sections += ["<h2>Robustness</h2><p class='small'>Accuracy on a fixed corrupted subset of the "
                     f"test split ({proto.get('robustness_rows')} rows).</p>", robust]
    if grid:
        sections += ["<h2>Real vs augmented samples</h2>", _sample_grid(grid)]
    sections.append(_search_section(meta.get("search")))
    details = {k: meta.get(k) for k in ("strategies", "protocol", "train_sizes", "seeds", "versions",
                                         "machine", "jobs", "cells_computed")}
    sections += [
        "<h2>Configuration</h2>",
        f"<p class='small'>Run time {meta.get('run_seconds', 0):.1f} s "
        f"({meta.get('cells_computed', 0)} cells computed, the rest read from the cache).</p>",
        f"<pre>{html.escape(json.dumps(details, indent=2, sort_keys=True, default=str))}</pre>",
    ]
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>augmentlab report: {html.escape(str(ds.get('name', '')))}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(sections)}</body></html>")
    atomic_write(path, page.encode("utf-8"))
    return path
