"""Text oracles saved as data: a JSON file holding only numbers and strings, which nothing can
make run code when it is read (a pickle or joblib file can).

`save_oracle` writes what `fit_oracle` makes (TF-IDF vectorizers and a logistic regression:
vocabularies, idf weights, coefficients, classes); `load_oracle` rebuilds the same classifier
from it (equal probabilities, tested).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..core.errors import InvalidConfig
from ..core.optional import require

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = ["FORMAT", "SavedOracle", "TextOracle", "load_oracle", "save_oracle"]

FORMAT = "augmentlab.text-oracle/1"
_PARAMS = ("analyzer", "ngram_range", "sublinear_tf", "min_df", "max_df", "lowercase", "norm",
           "use_idf", "smooth_idf", "token_pattern", "strip_accents", "binary", "max_features")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


class TextOracle(Protocol):
    """A fitted text classifier: what `fit_oracle` makes, a `SavedOracle`, or any scikit-learn
    style classifier of texts (`LabelFilter` and `label_probability` use ``predict_proba`` and
    ``classes_``; `label_agreement` uses ``predict``)."""

    @property
    def classes_(self) -> np.ndarray: ...

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...

    def predict(self, texts: list[str]) -> np.ndarray: ...


def save_oracle(oracle: Pipeline, path: str | os.PathLike[str]) -> Path:
    """Write an oracle made by `fit_oracle` to `path` as JSON (data only; safe to share).

    Example:
        >>> import tempfile, augmentlab as al
        >>> oracle = al.text.fit_oracle(["a fine film", "a dull film", "fine acting", "dull plot"],
        ...                             ["pos", "neg", "pos", "neg"])
        >>> path = save_oracle(oracle, tempfile.mkdtemp() + "/oracle.json")
        >>> [str(c) for c in load_oracle(path).classes_]
        ['neg', 'pos']
    """
    try:
        union, model = oracle.steps[0][1], oracle.steps[-1][1]
        vectorizers = [t for _, t in union.transformer_list]
        doc = {
            "format": FORMAT,
            "vectorizers": [{"params": {k: _plain(v.get_params()[k]) for k in _PARAMS},
                             "vocabulary": {str(t): int(i) for t, i in v.vocabulary_.items()},
                             "idf": [float(x) for x in v.idf_]} for v in vectorizers],
            "coef": np.asarray(model.coef_, dtype=float).tolist(),
            "intercept": np.asarray(model.intercept_, dtype=float).tolist(),
            "classes": [_plain(c) for c in model.classes_],
        }
    except (AttributeError, IndexError, KeyError, TypeError):
        raise InvalidConfig("save_oracle: only an oracle made by fit_oracle (TF-IDF + logistic "
                            "regression) saves as data; for another model, build the LabelFilter "
                            "in Python with the model object") from None
    out = Path(path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, out)
    return out


class SavedOracle:
    """A classifier rebuilt from a `save_oracle` file: ``predict_proba``, ``predict``,
    ``classes_`` (what `LabelFilter` and `label_probability` need)."""

    def __init__(self, vectorizers: list[Any], model: Any) -> None:
        self.vectorizers, self.model = vectorizers, model
        self.classes_ = model.classes_

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        import scipy.sparse as sp

        features = sp.hstack([v.transform(texts) for v in self.vectorizers]).tocsr()
        return np.asarray(self.model.predict_proba(features))

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.classes_)[self.predict_proba(texts).argmax(axis=1)]


def load_oracle(path: str | os.PathLike[str]) -> SavedOracle:
    """Read a `save_oracle` file (JSON only: no pickle, no code). See `save_oracle`."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidConfig(f"{path}: not a readable oracle file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidConfig(f"{path}: not an augmentlab oracle file (format {FORMAT}); write one "
                            "with al.text.save_oracle(oracle, path)")
    feature = "a saved text oracle"
    TfidfVectorizer = require("sklearn.feature_extraction.text", "measure", feature,
                              package="scikit-learn").TfidfVectorizer
    LogisticRegression = require("sklearn.linear_model", "measure", feature,
                                 package="scikit-learn").LogisticRegression
    try:
        vectorizers = []
        for v in doc["vectorizers"]:
            params = {k: v["params"][k] for k in _PARAMS}
            params["ngram_range"] = tuple(params["ngram_range"])
            vec = TfidfVectorizer(**params)
            vec.vocabulary_ = {str(t): int(i) for t, i in v["vocabulary"].items()}
            vec.idf_ = np.asarray(v["idf"], dtype=np.float64)
            vectorizers.append(vec)
        model = LogisticRegression()
        model.coef_ = np.asarray(doc["coef"], dtype=np.float64)
        model.intercept_ = np.asarray(doc["intercept"], dtype=np.float64)
        model.classes_ = np.asarray(doc["classes"])
        width = sum(len(v.vocabulary_) for v in vectorizers)
        if model.coef_.ndim != 2 or model.coef_.shape[1] != width or \
                len(model.intercept_) != len(model.coef_):
            raise ValueError("coefficients do not match the vocabularies")
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidConfig(f"{path}: a damaged oracle file ({type(exc).__name__}: {exc})") from None
    return SavedOracle(vectorizers, model)
