"""How good is synthetic data? Distance between distributions, coverage, memorisation, and
whether a model learns the real task from it.

All functions take feature vectors (rows x features). For images, pass features from a model
trained on the real pool (`feature_extractor`) or your own extractor; raw pixels work but measure
pixel similarity, not content.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from ..core.errors import InvalidInput
from ..core.types import ArrayLike, Predictor

__all__ = [
    "detection_score",
    "distance_to_closest_record",
    "fidelity_report",
    "frechet_distance",
    "label_agreement",
    "precision_recall_density_coverage",
    "train_synthetic_test_real",
]



class Estimator(Protocol):
    """An unfitted scikit-learn style classifier: ``fit(X, y)`` and ``predict(X)`` (cloned with
    ``sklearn.base.clone`` before fitting)."""

    def fit(self, X: Any, y: Any, /) -> Any: ...

    def predict(self, X: Any, /) -> ArrayLike: ...


def _2d(X: Any, name: str) -> np.ndarray:
    arr = np.asarray(X, dtype=np.float64)
    arr = arr.reshape(len(arr), -1)
    if len(arr) < 2:
        raise InvalidInput(f"{name}: needs at least two rows, got {len(arr)}")
    if not np.isfinite(arr).all():
        raise InvalidInput(f"{name}: contains NaN or infinite values")
    return arr


def frechet_distance(real: ArrayLike, synthetic: ArrayLike) -> float:
    """Fréchet distance between Gaussians fitted to the two feature sets (the FID formula):
    ``|mu_r - mu_s|^2 + tr(S_r + S_s - 2 (S_r S_s)^(1/2))``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a, b = rng.normal(size=(2000, 3)), rng.normal(size=(2000, 3))
        >>> frechet_distance(a, b) < 0.05 < frechet_distance(a, b + 1)
        True
    """
    import warnings

    from scipy import linalg

    r, s = _2d(real, "real"), _2d(synthetic, "synthetic")
    mu_r, mu_s = r.mean(axis=0), s.mean(axis=0)
    cov_r, cov_s = np.atleast_2d(np.cov(r, rowvar=False)), np.atleast_2d(np.cov(s, rowvar=False))
    # a tiny ridge keeps the product's square root defined when features are constant (blank
    # image borders, as pytorch-fid does); its effect on the distance is ~1e-6 per dimension
    ridge = 1e-6 * np.eye(len(cov_r))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm((cov_r + ridge) @ (cov_s + ridge))
    if np.iscomplexobj(covmean):
        covmean = covmean.real  # numerical noise of a product of two PSD matrices
    return float(np.sum((mu_r - mu_s) ** 2) + np.trace(cov_r + cov_s - 2 * covmean))


def _knn_radii(X: np.ndarray, k: int) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors

    dist, _ = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X)
    return dist[:, -1]


def precision_recall_density_coverage(real: ArrayLike, synthetic: ArrayLike, k: int = 5) -> dict[str, float]:
    """k-NN manifold metrics (Kynkäänniemi et al., 2019; Naeem et al., 2020): precision (share of
    synthetic rows inside the real manifold), recall (share of real rows inside the synthetic
    one), density and coverage (the outlier-robust versions).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> m = precision_recall_density_coverage(rng.normal(size=(500, 2)), rng.normal(size=(500, 2)))
        >>> m["precision"] > 0.8 and m["coverage"] > 0.8
        True
    """
    r, s = _2d(real, "real"), _2d(synthetic, "synthetic")
    k = min(k, len(r) - 1, len(s) - 1)
    if k < 1:
        raise InvalidInput("precision/recall need at least two real and two synthetic rows")
    r_radii, s_radii = _knn_radii(r, k), _knn_radii(s, k)
    d = np.sqrt(np.maximum(((s[:, None, :] - r[None, :, :]) ** 2).sum(-1), 0)) if len(r) * len(s) <= 4e6 \
        else _pairwise_chunked(s, r)
    inside_real = d <= r_radii[None, :]  # synthetic i inside real j's ball
    inside_syn = d <= s_radii[:, None]  # real j inside synthetic i's ball
    return {
        "precision": float(inside_real.any(axis=1).mean()),
        "recall": float(inside_syn.any(axis=0).mean()),
        "density": float(inside_real.sum(axis=1).mean() / k),
        "coverage": float((d.min(axis=0) <= r_radii).mean()),
    }


def _pairwise_chunked(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from sklearn.metrics import pairwise_distances

    return np.asarray(pairwise_distances(a, b))


def distance_to_closest_record(real: ArrayLike, synthetic: ArrayLike) -> dict[str, float]:
    """Memorisation check: each synthetic row's distance to its nearest real row, compared with
    how close real rows are to each other. ``near_copy_share`` is the share of synthetic rows
    closer to a real row than 95% of real rows are to their nearest other real row.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> real = rng.normal(size=(300, 4))
        >>> distance_to_closest_record(real, real[:50] + 1e-6)["near_copy_share"]
        1.0
    """
    from sklearn.neighbors import NearestNeighbors

    r, s = _2d(real, "real"), _2d(synthetic, "synthetic")
    dcr = NearestNeighbors(n_neighbors=1).fit(r).kneighbors(s)[0][:, 0]
    real_nn = NearestNeighbors(n_neighbors=2).fit(r).kneighbors(r)[0][:, 1]
    threshold = float(np.quantile(real_nn, 0.05))
    return {"dcr_median": float(np.median(dcr)), "dcr_p05": float(np.quantile(dcr, 0.05)),
            "real_nn_p05": threshold, "near_copy_share": float(np.mean(dcr <= threshold))}


def detection_score(real: ArrayLike, synthetic: ArrayLike, seed: int = 0) -> float:
    """Classifier two-sample test: cross-validated ROC-AUC of a model telling real from
    synthetic rows. 0.5: indistinguishable; near 1: a domain shift any model will notice.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a, b = rng.normal(size=(300, 3)), rng.normal(size=(300, 3))
        >>> detection_score(a, b) < 0.6 < 0.95 < detection_score(a, b + 2)
        True
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    r, s = _2d(real, "real"), _2d(synthetic, "synthetic")
    n = min(len(r), len(s))
    rng = np.random.default_rng(seed)
    r, s = r[rng.choice(len(r), n, replace=False)], s[rng.choice(len(s), n, replace=False)]
    X = np.vstack([r, s])
    y = np.repeat([0, 1], n)
    folds = StratifiedKFold(n_splits=min(5, n), shuffle=True, random_state=seed)
    model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
    return float(np.mean(cross_val_score(model, X, y, cv=folds, scoring="roc_auc")))


def label_agreement(oracle: Predictor, X_synthetic: ArrayLike, y_synthetic: ArrayLike) -> float:
    """Share of synthetic rows an oracle classifier (trained on real data) gives their label.

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> X = np.r_[np.zeros((20, 1)), np.ones((20, 1))]; y = np.repeat([0, 1], 20)
        >>> label_agreement(LogisticRegression().fit(X, y), [[0.1], [0.9]], [0, 0])
        0.5
    """
    pred = np.asarray(oracle.predict(X_synthetic))
    return float(np.mean(pred == np.asarray(y_synthetic)))


def train_synthetic_test_real(X_synthetic: ArrayLike, y_synthetic: ArrayLike, X_test: ArrayLike,
                              y_test: ArrayLike, model: Estimator | None = None) -> float:
    """Accuracy on real test rows of a model trained on synthetic rows only (TSTR).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] > 0).astype(int)
        >>> train_synthetic_test_real(X, y, X, y) > 0.9
        True
    """
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    est = clone(model) if model is not None else LogisticRegression(max_iter=2000)
    Xs, Xt = np.asarray(X_synthetic), np.asarray(X_test)
    est.fit(Xs.reshape(len(Xs), -1), np.asarray(y_synthetic))
    pred = est.predict(Xt.reshape(len(Xt), -1))
    return float(np.mean(pred == np.asarray(y_test)))


def fidelity_report(real: tuple[Any, Any], synthetic: tuple[Any, Any],
                    test: tuple[Any, Any] | None = None, *, oracle: Predictor | None = None,
                    features: Callable[[Any], ArrayLike] | None = None, seed: int = 0
                    ) -> dict[str, Any]:
    """Every fidelity number for one synthetic set, as a JSON-native dict.

    ``features`` maps rows to feature vectors (default: the rows themselves, flattened).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(300, 3)); y = (X[:, 0] > 0).astype(int)
        >>> rep = fidelity_report((X[:150], y[:150]), (X[150:], y[150:]), (X, y))
        >>> sorted(rep)[:4]
        ['coverage', 'dcr_median', 'dcr_p05', 'density']
    """
    (Xr, _), (Xs, ys) = real, synthetic
    feat = features or (lambda A: np.asarray(A, dtype=np.float64).reshape(len(A), -1))
    fr, fs = feat(Xr), feat(Xs)
    out: dict[str, Any] = {"frechet_distance": frechet_distance(fr, fs)}
    out.update(precision_recall_density_coverage(fr, fs))
    out.update(distance_to_closest_record(fr, fs))
    out["detection_auc"] = detection_score(fr, fs, seed)
    if oracle is not None:
        out["label_agreement"] = label_agreement(oracle, Xs, ys)
    if test is not None and len(np.unique(ys)) > 1:
        out["tstr_accuracy"] = train_synthetic_test_real(Xs, ys, test[0], test[1])
    return out
