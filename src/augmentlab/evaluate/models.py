"""Built-in models by name, and the wrapper that lets any scikit-learn classifier take part.

=================  ============  ==========================================================
name               data          what
=================  ============  ==========================================================
small-cnn          image         2 conv layers + MLP head (torch, CPU), trained by steps
mlp                image, table  one hidden layer of 256 (torch, CPU), trained by steps
logreg             image, table  standardised features + L2 logistic regression
hgb                table         HistGradientBoostingClassifier
tfidf-logreg       text          word 1-2 grams + char 2-4 grams TF-IDF, logistic regression
embedding-logreg   text          MiniLM sentence embeddings (offline), logistic regression
logmel-logreg      audio         40-band log-mel averaged over 10 stretches of time + each
                                 band's spread, standardised, L2 logistic regression
series-logreg      series        each channel averaged over 10 stretches of time + its
                                 spread, standardised, L2 logistic regression
=================  ============  ==========================================================

Models trained by steps get train-time augmentation on the fly; the others get ``copies``
augmented copies of each training row up front (see `augmentlab.evaluate.Strategy`). The
others have no checkpoints to choose between: in an experiment they train on the whole
training subset of a cell, the validation carve included (`augmentlab.evaluate.cells`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeAlias

import numpy as np

from ..core.errors import InvalidConfig
from ..core.optional import require
from .modalities import adapter_for
from .torch_models import Augment, StepModel

__all__ = ["MODELS", "SklearnModel", "default_model", "make_model"]



class Classifier(Protocol):
    """A scikit-learn style classifier: ``fit(X, y)`` and ``predict_proba(X)`` (an estimator
    instance is cloned per cell, so it should also have ``get_params``, as every scikit-learn
    estimator does)."""

    def fit(self, X: Any, y: Any, /) -> Any: ...

    def predict_proba(self, X: Any, /) -> Any: ...

MODELS: dict[str, tuple[str, ...]] = {
    "small-cnn": ("image",),
    "mlp": ("image", "table"),
    "logreg": ("image", "table"),
    "hgb": ("table",),
    "tfidf-logreg": ("text",),
    "embedding-logreg": ("text",),
    "logmel-logreg": ("audio",),
    "series-logreg": ("series",),
}


class SklearnModel:
    """Any scikit-learn classifier (or a factory of one) on features made from the raw inputs:
    images are flattened to [0, 1] values, text is passed as strings, tables as they are.

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> X = np.random.default_rng(0).random((30, 3)); y = (X[:, 1] > 0.5).astype(int)
        >>> m = SklearnModel(LogisticRegression).fit(X, y, X, y, seed=0)
        >>> m.predict_proba(X).shape
        (30, 2)
    """

    trained_by_steps = False

    def __init__(self, factory: Classifier | Callable[[], Classifier], name: str | None = None) -> None:
        self.factory = factory
        self.name = name or getattr(factory, "__name__", type(factory).__name__)
        self.estimator: Any = None
        self.n_classes = 0

    def config(self) -> dict[str, Any]:
        est = self._new(0)
        params = est.get_params() if hasattr(est, "get_params") else {}
        return {"estimator": type(est).__name__,
                "params": {k: repr(v) for k, v in sorted(params.items())}}

    def _new(self, seed: int) -> Any:
        from sklearn.base import clone

        # an estimator instance is cloned; a class or function is called (told apart by duck typing)
        factory: Any = self.factory
        is_instance = hasattr(factory, "get_params") and not isinstance(factory, type)
        est = clone(factory) if is_instance else factory()
        if hasattr(est, "get_params"):  # every random_state in it follows the cell's seed
            est.set_params(**_seed_params(est, seed))
        return est

    @staticmethod
    def features(X: np.ndarray) -> Any:
        if X.dtype == np.uint8:  # images
            return X.reshape(len(X), -1).astype(np.float32) / 255.0
        if X.dtype == object:  # text
            return list(X)
        return X

    def fit(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None = None,
            y_val: np.ndarray | None = None, *, seed: int, augment: Augment | None = None,
            n_classes: int | None = None,
            sample_weight: np.ndarray | None = None) -> SklearnModel:
        """Fit a fresh estimator (seeded by `seed`) on `X`, `y`. The validation rows only
        count classes (when `n_classes` is not given): the estimator never sees them, so a
        caller that has no checkpoints to choose trains on them too (pass them in `X`)."""
        if not n_classes:
            seen = [y] if y_val is None or len(y_val) == 0 else [y, y_val]
            n_classes = max(int(np.max(labels)) for labels in seen) + 1
        self.n_classes = int(n_classes)
        self.estimator = self._new(seed)
        kwargs = {}
        if sample_weight is not None:  # a Pipeline routes it to its last step
            steps = getattr(self.estimator, "steps", None)
            kwargs = {f"{steps[-1][0]}__sample_weight" if steps else "sample_weight": sample_weight}
        self.estimator.fit(self.features(X), y, **kwargs)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        proba = np.asarray(self.estimator.predict_proba(self.features(X)), dtype=np.float64)
        classes = list(self.estimator.classes_)
        if len(classes) == self.n_classes:
            return proba
        full = np.zeros((len(X), self.n_classes))  # a class missing from training gets 0
        full[:, classes] = proba
        return full


Model: TypeAlias = SklearnModel | StepModel
"""A model as `make_model` makes it: fitted per cell, asked for class probabilities."""

ModelSpec: TypeAlias = str | StepModel | SklearnModel | Classifier | Callable[[], Classifier]
"""What names a model: a built-in name (see `MODELS`), a `StepModel` or `SklearnModel`, a
scikit-learn classifier (cloned per cell) or a function returning one."""


def _seed_params(est: Any, seed: int) -> dict[str, Any]:
    params = est.get_params()
    return {k: seed for k in params if k == "random_state" or k.endswith("__random_state")}


def _logreg() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))


def _hgb() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=200)


def _tfidf_logreg() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
        LogisticRegression(C=4.0, max_iter=2000))


def _embedding_logreg() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from .front_ends import MiniLMEmbedder

    return make_pipeline(MiniLMEmbedder(), LogisticRegression(C=2.0, max_iter=2000))


def _logmel_logreg(sample_rate: int) -> Callable[[], Any]:
    def factory() -> Any:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        from .front_ends import LogMelFeatures

        return make_pipeline(LogMelFeatures(sample_rate=sample_rate), StandardScaler(),
                             LogisticRegression(C=0.5, max_iter=3000))
    factory.__name__ = "logmel_logreg"
    return factory


def _series_logreg() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .front_ends import SeriesFeatures

    return make_pipeline(SeriesFeatures(), StandardScaler(), LogisticRegression(C=0.5, max_iter=3000))


def default_model(modality: str) -> str:
    """The built-in model used when none is named (the modality's adapter says which).

    Example:
        >>> default_model("image"), default_model("tabular")
        ('small-cnn', 'logreg')
    """
    return adapter_for(modality).default_model


def make_model(spec: ModelSpec | None, modality: str, *, steps: int | None = None,
               sample_rate: int | None = None) -> Model:
    """A fresh model from a built-in name, a scikit-learn classifier (cloned per cell) or a
    factory returning one (None: the modality's default model); `sample_rate` is the audio's
    (audio models need it).

    Example:
        >>> type(make_model("logreg", "table")).__name__
        'SklearnModel'
        >>> make_model(None, "image").config()["kind"]
        'small-cnn'
    """
    if spec is None:  # Protocol() and Experiment(model=None) mean the modality's default
        spec = default_model(modality)
    if isinstance(spec, str):
        modality = adapter_for(modality).name
        if spec not in MODELS:
            raise InvalidConfig(f"unknown model {spec!r}; use one of {', '.join(MODELS)}, a "
                                "scikit-learn classifier, or a function returning one")
        if modality not in MODELS[spec]:
            raise InvalidConfig(f"model {spec!r} is for {' and '.join(MODELS[spec])} data, this "
                                f"dataset is {modality}; try {default_model(modality)!r}")
        if spec in ("small-cnn", "mlp"):
            return StepModel(spec, steps=steps or 500)
        require("sklearn", "measure", f"the {spec} model", package="scikit-learn")
        factories = {"logreg": _logreg, "hgb": _hgb, "tfidf-logreg": _tfidf_logreg,
                     "embedding-logreg": _embedding_logreg,
                     "logmel-logreg": _logmel_logreg(sample_rate or 0),
                     "series-logreg": _series_logreg}
        if spec == "logmel-logreg" and not sample_rate:
            raise InvalidConfig("the logmel-logreg model needs the audio's sample_rate (a "
                                "Dataset of audio carries it in info['sample_rate'])")
        return SklearnModel(factories[spec], name=spec)
    if isinstance(spec, StepModel):  # a fresh one per cell: cells must not share state
        return StepModel(**spec.config())
    if isinstance(spec, SklearnModel):
        return SklearnModel(spec.factory, name=spec.name)
    if spec is not None and hasattr(spec, "fit") and hasattr(spec, "predict_proba"):
        return SklearnModel(spec, name=type(spec).__name__)
    if callable(spec):
        return SklearnModel(spec)
    raise InvalidConfig(f"model must be a name, a scikit-learn classifier or a factory, got "
                        f"{type(spec).__name__}")
