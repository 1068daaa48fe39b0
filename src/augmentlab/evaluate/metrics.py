"""Metrics of one trained model on one test set (plain numpy; scikit-learn for PR-AUC)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["calibration", "classification_metrics"]


def _recall_precision(y: np.ndarray, pred: np.ndarray, c: int) -> tuple[float, float]:
    tp = float(np.sum((pred == c) & (y == c)))
    support, predicted = float(np.sum(y == c)), float(np.sum(pred == c))
    return (tp / support if support else 0.0), (tp / predicted if predicted else 0.0)


def classification_metrics(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Accuracy, macro-F1 and balanced accuracy; for two classes also minority-class recall,
    precision and PR-AUC (the minority is the rarer class in `y`).

    Example:
        >>> y = np.array([0, 0, 0, 1])
        >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.3, 0.7]])
        >>> m = classification_metrics(y, p)
        >>> m["accuracy"], m["minority_recall"], m["minority_precision"]
        (0.75, 1.0, 0.5)
    """
    n_classes = proba.shape[1]
    pred = proba.argmax(axis=1)
    f1s, recalls = [], []
    for c in range(n_classes):
        if not np.any(y == c) and not np.any(pred == c):
            continue
        recall, precision = _recall_precision(y, pred, c)
        f1s.append(2 * recall * precision / (recall + precision) if recall + precision else 0.0)
        if np.any(y == c):
            recalls.append(recall)
    out = {
        "accuracy": float(np.mean(pred == y)),
        "macro_f1": float(np.mean(f1s)),
        "balanced_accuracy": float(np.mean(recalls)),
    }
    if n_classes == 2:
        minority = int(np.argmin(np.bincount(y, minlength=2)))
        out["minority_recall"], out["minority_precision"] = _recall_precision(y, pred, minority)
        from sklearn.metrics import average_precision_score

        out["pr_auc"] = float(average_precision_score(y == minority, proba[:, minority]))
    return out


def calibration(y: np.ndarray, proba: np.ndarray, bins: int = 15) -> dict[str, Any]:
    """Expected calibration error (equal-width confidence bins) and the reliability diagram data.

    Example:
        >>> y = np.array([0, 1, 1, 0])
        >>> p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
        >>> round(calibration(y, p, bins=5)["ece"], 3)
        0.3
    """
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    counts = np.bincount(which, minlength=bins).astype(float)
    conf_sum = np.bincount(which, weights=confidence, minlength=bins)
    acc_sum = np.bincount(which, weights=correct.astype(float), minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.where(counts > 0, conf_sum / counts, np.nan)
        mean_acc = np.where(counts > 0, acc_sum / counts, np.nan)
    gaps = np.where(counts > 0, np.abs(mean_acc - mean_conf), 0.0)
    ece = float(np.sum(counts * gaps) / max(len(y), 1))
    return {"ece": ece, "bin_counts": counts.tolist(),
            "bin_confidence": [None if np.isnan(v) else float(v) for v in mean_conf],
            "bin_accuracy": [None if np.isnan(v) else float(v) for v in mean_acc]}
