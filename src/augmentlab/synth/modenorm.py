"""Mode-specific normalisation of table columns (CTGAN, Xu et al., 2019).

A numeric column with several modes (a bimodal income, a spike at zero) is badly served by one
mean and scale: a generator's ``tanh`` output cannot place mass on two separated peaks. Each
numeric column is fitted with a variational Gaussian mixture; a value becomes the one-hot of a
mode drawn from its posterior plus a scalar ``(v - mu_k) / (4 sigma_k)`` in [-1, 1]. Categorical
columns become one-hot vectors. `ModeNormalizer.spans` tells the generator which
outputs are scalars (``tanh``) and which are one-hot groups (softmax).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ModeNormalizer", "Span"]


@dataclass(frozen=True)
class Span:
    """A block of encoded columns: ``kind`` is ``"scalar"`` (one column) or ``"onehot"``."""

    kind: str
    start: int
    size: int


class ModeNormalizer:
    """Encode a float table (categorical columns included) for a tabular GAN and decode it back.

    Args:
        categorical: indices of categorical columns (any numeric values; each distinct value is
            a category).
        n_modes: most mixture components per numeric column (unused ones are dropped).
        seed: the mixture fits and the mode draws follow it.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.c_[np.r_[rng.normal(-5, 0.3, 100), rng.normal(5, 0.3, 100)], rng.integers(0, 3, 200)]
        >>> norm = ModeNormalizer(categorical=[1]).fit(X)
        >>> [(s.kind, s.size) for s in norm.spans][:2], norm.n_modes_[0]
        ([('scalar', 1), ('onehot', 2)], 2)
        >>> back = norm.inverse(norm.transform(X, rng))
        >>> bool(np.allclose(back, X))
        True
    """

    def __init__(self, categorical: Sequence[int] = (), *, n_modes: int = 10,
                 seed: int = 0) -> None:
        self.categorical = tuple(int(i) for i in categorical)
        self.n_modes, self.seed = n_modes, seed

    def fit(self, X: np.ndarray) -> ModeNormalizer:
        """Fit one mixture per numeric column; count the categories of the others."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import BayesianGaussianMixture

        self.columns_: list[dict[str, Any]] = []
        spans: list[Span] = []
        at = 0
        for j in range(X.shape[1]):
            col = X[:, j]
            if j in self.categorical:
                values = np.unique(col)
                k = len(values)
                self.columns_.append({"kind": "categorical", "k": k, "values": values})
                spans.append(Span("onehot", at, k))
                at += k
                continue
            spread = float(col.std())
            if spread == 0 or len(np.unique(col)) < 2:  # constant: one mode at the value
                means, stds = np.array([col[0]]), np.array([1.0])
            else:
                mix = BayesianGaussianMixture(
                    n_components=min(self.n_modes, len(np.unique(col))),
                    weight_concentration_prior_type="dirichlet_process",
                    weight_concentration_prior=1e-3, max_iter=200, random_state=self.seed)
                with warnings.catch_warnings():
                    # an unconverged mixture still places its modes well enough to normalise by
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    mix.fit(col[:, None])
                keep = mix.weights_ > 0.01  # empty components keep ~0.005 of prior weight
                means = mix.means_[keep, 0]
                stds = np.sqrt(mix.covariances_[keep].reshape(-1))
                self.columns_.append({"kind": "numeric", "mixture": mix, "keep": keep,
                                      "means": means, "stds": np.maximum(stds, 1e-3 * spread)})
                spans += [Span("scalar", at, 1), Span("onehot", at + 1, len(means))]
                at += 1 + len(means)
                continue
            self.columns_.append({"kind": "numeric", "mixture": None, "keep": np.array([True]),
                                  "means": means, "stds": stds})
            spans += [Span("scalar", at, 1), Span("onehot", at + 1, 1)]
            at += 2
        self.spans: list[Span] = spans
        self.width_ = at
        self.n_modes_ = [len(c["means"]) if c["kind"] == "numeric" else 0 for c in self.columns_]
        return self

    def transform(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Encoded rows ``(N, width_)``; each value's mode is drawn from its posterior."""
        out = np.zeros((len(X), self.width_))
        at = 0
        for j, c in enumerate(self.columns_):
            col = X[:, j]
            if c["kind"] == "categorical":
                code = np.minimum(np.searchsorted(c["values"], col), c["k"] - 1)
                out[np.arange(len(X)), at + code] = 1.0
                at += c["k"]
                continue
            m = len(c["means"])
            if c["mixture"] is None:
                mode = np.zeros(len(X), dtype=int)
            else:
                post = c["mixture"].predict_proba(col[:, None])[:, c["keep"]] + 1e-12
                post /= post.sum(axis=1, keepdims=True)
                mode = (rng.random(len(X))[:, None] > np.cumsum(post, axis=1)).sum(axis=1)
                mode = np.minimum(mode, m - 1)
            out[:, at] = np.clip((col - c["means"][mode]) / (4 * c["stds"][mode]), -0.99, 0.99)
            out[np.arange(len(X)), at + 1 + mode] = 1.0
            at += 1 + m
        return out

    def inverse(self, Z: np.ndarray) -> np.ndarray:
        """Rows back in the original units."""
        out = np.zeros((len(Z), len(self.columns_)))
        at = 0
        for j, c in enumerate(self.columns_):
            if c["kind"] == "categorical":
                out[:, j] = c["values"][Z[:, at:at + c["k"]].argmax(axis=1)]
                at += c["k"]
                continue
            m = len(c["means"])
            mode = Z[:, at + 1:at + 1 + m].argmax(axis=1)
            out[:, j] = np.clip(Z[:, at], -1, 1) * 4 * c["stds"][mode] + c["means"][mode]
            at += 1 + m
        return out

    def state(self) -> dict[str, Any]:
        """What `inverse` needs, JSON-friendly (for a saved generator)."""
        return {"categorical": list(self.categorical), "width": self.width_,
                "columns": [{"kind": c["kind"], "k": c.get("k", 0),
                             "values": np.asarray(c.get("values", [])).tolist(),
                             "means": np.asarray(c.get("means", [])).tolist(),
                             "stds": np.asarray(c.get("stds", [])).tolist()} for c in self.columns_]}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ModeNormalizer:
        """Rebuild from `state` (enough to decode; `transform` needs a refit)."""
        norm = cls(state["categorical"])
        norm.columns_ = [{"kind": c["kind"], "k": c["k"], "mixture": None,
                          "values": np.asarray(c["values"], dtype=np.float64),
                          "means": np.asarray(c["means"]), "stds": np.asarray(c["stds"])}
                         for c in state["columns"]]
        spans: list[Span] = []
        at = 0
        for c in norm.columns_:
            if c["kind"] == "categorical":
                spans.append(Span("onehot", at, c["k"]))
                at += c["k"]
            else:
                spans += [Span("scalar", at, 1), Span("onehot", at + 1, len(c["means"]))]
                at += 1 + len(c["means"])
        norm.spans, norm.width_ = spans, at
        norm.n_modes_ = [len(c["means"]) if c["kind"] == "numeric" else 0 for c in norm.columns_]
        return norm
