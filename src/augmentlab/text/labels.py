"""Label preservation: does an augmented text still read as its class? An oracle classifier
trained on the real texts answers; `LabelFilter` keeps an augmented text only when the oracle
still gives the sample's label enough probability, and `label_agreement` measures the share of a
batch that passes.

The oracle is any object with ``predict_proba(list[str])`` and ``classes_`` (a scikit-learn
text pipeline, for instance), or the path of one saved with joblib (then a pipeline holding the
filter saves and loads like any other). `fit_oracle` makes the usual one: TF-IDF word and
character n-grams and a logistic regression, trained in seconds on a few thousand sentences.
"""

from __future__ import annotations

import contextvars
import hashlib
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.config import CONFIG_DIR
from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require
from ..core.params import check_number
from ..core.sample import Sample
from ..core.transform import Transform
from .checked import CheckedText
from .oracle_file import TextOracle, load_oracle

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = ["LabelFilter", "fit_oracle", "label_agreement", "label_probability"]


def fit_oracle(texts: Sequence[str], labels: Sequence[Any] | np.ndarray, *, seed: int = 0) -> Pipeline:
    """A TF-IDF + logistic regression text classifier fitted on `texts` (needs scikit-learn,
    the ``measure`` extra).

    Example:
        >>> oracle = fit_oracle(["a fine film", "a dull film", "fine acting", "dull plot"],
        ...                     ["pos", "neg", "pos", "neg"])
        >>> [str(c) for c in oracle.classes_]
        ['neg', 'pos']
    """
    require("sklearn", "measure", "fit_oracle", package="scikit-learn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    texts, labels = list(texts), list(labels)
    if len(texts) != len(labels) or not texts:
        raise InvalidInput(f"fit_oracle: got {len(texts)} texts and {len(labels)} labels; give one "
                           "label per text, at least one of each class")
    if len(set(labels)) < 2:
        raise InvalidInput("fit_oracle: the labels hold one class; an oracle needs two or more")
    features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True))
    model = make_pipeline(features, LogisticRegression(C=4.0, max_iter=2000, random_state=seed))
    return model.fit(texts, labels)


_FROM_CONFIG: contextvars.ContextVar[bool] = contextvars.ContextVar("label_filter_from_config",
                                                                   default=False)


def _pickle_refused(owner: str, path: Path) -> InvalidConfig:
    return InvalidConfig(
        f"{owner}: oracle file {path} is not a saved-as-data oracle (.json): a joblib/pickle file "
        "can run code when it is loaded, so a pipeline never loads one by itself. Save the oracle "
        "with al.text.save_oracle(oracle, 'oracle.json') and name that file, or, in Python, for "
        "a file you made yourself, pass trusted=True")


def _load_oracle(oracle: Any, owner: str, trusted: bool = False) -> TextOracle:
    if isinstance(oracle, dict) and "unsaved" in oracle:
        raise InvalidConfig(f"{owner}: this config was written from an oracle object, which a "
                            "config cannot hold; save the oracle with "
                            "al.text.save_oracle(oracle, 'oracle.json') and give its path as oracle:")
    if isinstance(oracle, (str, Path)):
        path = _oracle_path(oracle)
        if not path.is_file():
            raise InvalidConfig(f"{owner}: oracle file {path} does not exist; save one with "
                                "al.text.save_oracle(fit_oracle(texts, labels), path)")
        if path.suffix.lower() == ".json":
            return load_oracle(path)
        if not trusted:
            raise _pickle_refused(owner, path)
        import joblib

        oracle = joblib.load(path)
    if not (hasattr(oracle, "predict_proba") and hasattr(oracle, "classes_")):
        raise InvalidConfig(f"{owner}: the oracle needs predict_proba(texts) and classes_ (a "
                            f"fitted scikit-learn classifier), got {type(oracle).__name__}")
    return oracle


def _oracle_path(oracle: str | Path) -> Path:
    """A relative path in a pipeline file is relative to that file, not to the current folder."""
    path = Path(oracle)
    base = CONFIG_DIR.get()
    return base / path if base is not None and not path.is_absolute() else path


def label_probability(oracle: TextOracle | str | Path, texts: Sequence[str],
                      labels: Sequence[Any] | np.ndarray) -> np.ndarray:
    """The probability the oracle gives each text's own label (0 for a label it never saw).

    Example:
        >>> oracle = fit_oracle(["a fine film", "a dull film", "fine acting", "dull plot"],
        ...                     ["pos", "neg", "pos", "neg"])
        >>> p = label_probability(oracle, ["fine fine", "dull dull"], ["pos", "pos"])
        >>> bool(p[0] > 0.5 > p[1])
        True
    """
    oracle = _load_oracle(oracle, "label_probability")
    texts, labels = list(texts), list(labels)
    if len(texts) != len(labels):
        raise InvalidInput(f"label_probability: {len(texts)} texts but {len(labels)} labels")
    if not texts:
        return np.zeros(0)
    proba = np.asarray(oracle.predict_proba(texts), dtype=np.float64)
    column = {c.item() if isinstance(c, np.generic) else c: i for i, c in enumerate(oracle.classes_)}
    out = np.zeros(len(texts))
    for row, label in enumerate(labels):
        key = label.item() if isinstance(label, np.generic) else label
        if key in column:
            out[row] = proba[row, column[key]]
    return out


def label_agreement(oracle: TextOracle | str | Path, texts: Sequence[str],
                    labels: Sequence[Any] | np.ndarray) -> float:
    """Share of texts the oracle assigns to their own label (its most probable class).

    Example:
        >>> oracle = fit_oracle(["a fine film", "a dull film", "fine acting", "dull plot"],
        ...                     ["pos", "neg", "pos", "neg"])
        >>> label_agreement(oracle, ["fine fine", "dull dull"], ["pos", "pos"])
        0.5
    """
    oracle = _load_oracle(oracle, "label_agreement")
    texts = list(texts)
    if not texts:
        raise InvalidInput("label_agreement: no texts")
    # the most probable class from predict_proba: the one method (with classes_) every oracle has
    proba = np.asarray(oracle.predict_proba(texts))
    predicted = np.asarray(oracle.classes_)[proba.argmax(axis=1)]
    return float(np.mean([p == t for p, t in zip(predicted, labels, strict=True)]))


class LabelFilter(CheckedText):
    """Run `transform` (any transform or pipeline on ``text``) and keep its result only when the
    `oracle` gives the sample's ``label`` a probability of at least `min_probability`;
    otherwise try again with a fresh draw, up to `tries` times, then leave the text unchanged.
    The record holds the inner record, the probability and whether it was kept, so a replay
    needs no oracle. The oracle: a fitted classifier (``predict_proba``, ``classes_``) or the
    path of one saved with joblib (only then can the pipeline be saved and loaded again).

    Example:
        >>> import augmentlab as al
        >>> oracle = al.text.fit_oracle(["a fine film", "a dull film", "fine acting", "dull plot"],
        ...                             ["pos", "neg", "pos", "neg"])
        >>> f = al.text.LabelFilter(transform=al.text.RandomDelete(rate=0.3), oracle=oracle)
        >>> out = f(text="a fine film with fine acting", label="pos", seed=0)
        >>> out.record.steps[0].params["probability"] >= 0.5 or not out.record.steps[0].params["kept"]
        True
    """

    name = "text.LabelFilter"

    def __init__(self, *, transform: Transform | dict[str, Any], oracle: TextOracle | str | Path,
                 min_probability: float = 0.5,
                 tries: int = 3, trusted: bool = False, p: float = 1.0) -> None:
        super().__init__(p=p)
        self._config.pop("trusted", None)  # a promise made in code, never carried by a file
        self._set_inner(transform, tries)
        self.oracle_path = str(oracle) if isinstance(oracle, (str, Path)) else None
        self._refusal: InvalidConfig | None = None
        self.oracle: TextOracle | None
        if _FROM_CONFIG.get() and self.oracle_path is not None and \
                not self.oracle_path.lower().endswith(".json"):
            # built from a file naming a pickle: never loaded. Replaying records needs no
            # oracle, so the pipeline is built; augmenting anew with it is refused
            self.oracle = None
            self._refusal = _pickle_refused(self.name, _oracle_path(self.oracle_path))
        else:
            self.oracle = _load_oracle(oracle, self.name, trusted=bool(trusted))
        self.min_probability = check_number(self.name, "min_probability", min_probability,
                                            low=0, high=1)

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Any:
        if "trusted" in args:
            raise InvalidConfig("text.LabelFilter: a pipeline file cannot declare itself trusted; "
                                "save the oracle with al.text.save_oracle(oracle, 'oracle.json') "
                                "and name that file")
        token = _FROM_CONFIG.set(True)
        try:
            return cls(**args)
        finally:
            _FROM_CONFIG.reset(token)

    def get_config(self) -> dict[str, Any]:
        # an oracle object is described by a fingerprint of its pickle: the config (and the
        # pipeline's hash) still tells two oracles apart, but cannot be loaded back
        oracle: Any = self.oracle_path if self.oracle_path is not None else {
            "unsaved": type(self.oracle).__name__,
            "sha256": hashlib.sha256(pickle.dumps(self.oracle)).hexdigest()[:16]}
        return {"name": self.name, "transform": self._given.get_config(), "oracle": oracle,
                "min_probability": self.min_probability, "tries": self.tries, "p": self.p}

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        label_keys = sample.keys_of("label")
        if not label_keys:
            raise InvalidInput("text.LabelFilter: the sample has no label; call it with "
                               "label=... (the class the text must keep)")
        label = sample[label_keys[0]]
        if self._refusal is not None:
            raise self._refusal
        oracle = self.oracle
        assert oracle is not None  # loaded whenever nothing was refused
        return self.first_passing(
            sample, rng, lambda new: float(label_probability(oracle, [new], [label])[0]),
            lambda prob: prob >= self.min_probability, "probability")
