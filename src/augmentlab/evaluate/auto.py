"""``auto``: the strategy chosen for the user, from the training subset alone.

In each cell, `AutoStrategy` compares a few candidates by cross-validation on the cell's own
labelled rows -- ``repeats`` x stratified ``folds``, every labelled row validated once per repeat,
so a choice at 10 rows per class rests on all of them rather than on a carve of 2 per class --
trains the winner on the whole subset and is scored like any other strategy. The test split is
never looked at; the unlabelled pool (when the experiment has one) is the cell's.

The candidates (`candidates`): the baseline; the modality's recommended pipeline; for images
also the recommended pipeline with horizontal flips, TrivialAugment Wide and (models trained by
steps) CutMix on top of the recommended pipeline; with unlabelled rows, self-training (and
FixMatch when asked for: ``include=("fixmatch",)``; it costs ~10x a supervised fit in every
fold). Flips are offered only where they look label-preserving: the baseline's fold models,
trained without flips, must recognise mirrored validation rows nearly as well as the rows
themselves (at least ``0.9`` x the accuracy) -- a mirrored digit is another digit, a mirrored
shoe is a shoe.

The rule is the one-standard-error rule of cross-validation (Hastie, Tibshirani and Friedman,
*Elements of Statistical Learning*, 7.10): a candidate can win only when its lead over the
baseline, paired fold by fold, exceeds one standard error of those paired differences; among
those, the highest pooled cross-validated score wins (ties to the earlier); with none, the
baseline. At 10 rows per class a fold validates on 2 per class, and a lead smaller than its own
noise is what picking the highest score alone would chase: measured on the built-in sets
(``bench/auto_effect.py``), that choice picked self-training on Rotten Tomatoes in 2 seeds of 5
on leads of +1.2 and +1.4 points (standard errors 1.7 and 1.5), where it cost 2 points on the
test split. The evidence is recorded per cell (``result["auto"]``): each candidate's
cross-validated score, its paired difference from the baseline over the folds (mean, interval,
standard error) with a Holm-adjusted p-value across the candidates, and what the choice cost.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..core.compose import Compose
from ..core.errors import DataError, InvalidConfig
from ..datasets import Dataset
from .fitting import Fitted, fit_strategy
from .modalities import adapter_for
from .models import Model, ModelSpec, make_model
from .protocol import Protocol, training_rows
from .stats import holm, paired_difference
from .strategies import AugmentStrategy, BaselineStrategy, MixStrategy, SemiStrategy, Strategy

__all__ = ["AUTO_CANDIDATES", "FLIP_KEEPS", "AutoChoice", "AutoStrategy", "candidates",
           "choose_by_one_se", "choose_strategy", "inner_folds"]

AUTO_CANDIDATES = ("baseline", "recommended", "recommended + flip", "trivialaugment",
                   "recommended + cutmix", "self-training", "fixmatch")
FLIP_KEEPS = 0.9  # mirrored rows must keep this share of the baseline's accuracy for flips
METRICS = ("accuracy", "balanced_accuracy")  # what the choice maximises
_TIE = 1e-9  # differences of scores below this are ties
_VERSION = 3  # bump when the candidates or the rule change: it is in the cache key


def candidates(data: Dataset, model: Model, *, pool: bool, flips: bool, seed: int = 0,
               include: tuple[str, ...] = ()) -> dict[str, Strategy]:
    """The strategies ``auto`` compares on `data` with `model`: see the module. `pool`: whether
    there are unlabelled rows; `flips`: whether flips passed the label-preserving check.

    Example:
        >>> from augmentlab.datasets import load
        >>> from augmentlab.evaluate import make_model
        >>> list(candidates(load("digits"), make_model("small-cnn", "image"), pool=False, flips=False))
        ['baseline', 'recommended', 'trivialaugment', 'recommended + cutmix']
        >>> list(candidates(load("wine"), make_model("logreg", "table"), pool=True, flips=False))
        ['baseline', 'self-training']
    """
    from ..image import HorizontalFlip
    from ..mix import CutMix
    from ..policies import TrivialAugmentWide

    out: dict[str, Strategy] = {"baseline": BaselineStrategy("baseline")}
    rec = adapter_for(data.modality).recommended(data, seed)  # = recommended_strategy's
    images = adapter_for(data.modality).batch_mixing
    if rec is not None:
        out["recommended"] = AugmentStrategy("recommended", rec)
        if images and flips:
            out["recommended + flip"] = AugmentStrategy(
                "recommended + flip", Compose([*rec.transforms, HorizontalFlip(p=0.5)], seed=seed))
    if images:
        out["trivialaugment"] = AugmentStrategy("trivialaugment", Compose([TrivialAugmentWide()]))
        if rec is not None and model.trained_by_steps:
            out["recommended + cutmix"] = MixStrategy("recommended + cutmix", CutMix(), rec)
    if pool:
        out["self-training"] = SemiStrategy("self-training", "self-training")
        if "fixmatch" in include and model.trained_by_steps:
            out["fixmatch"] = SemiStrategy("fixmatch", "fixmatch")
    return out


def inner_folds(y: np.ndarray, folds: int, seed: int, repeat: int) -> np.ndarray:
    """The fold (0 .. folds-1) of each labelled row for one repeat: each class's rows shuffled
    (seeded by the cell's seed and the repeat) and dealt round the folds, so every fold holds
    every class once it has as many rows as folds.

    Example:
        >>> inner_folds(np.array([0, 0, 0, 1, 1, 1]), 3, 0, 0).tolist()
        [2, 1, 0, 1, 0, 2]
    """
    rng = np.random.default_rng([seed, repeat, 6007])
    fold = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        fold[members] = np.arange(len(members)) % folds
    return fold


def choose_by_one_se(scores: dict[str, float], versus_baseline: dict[str, dict[str, float]]) -> str:
    """The one-standard-error rule (see the module): the highest of `scores` among the baseline
    and the candidates whose paired lead over it (``versus_baseline[name]["mean"]``) exceeds its
    standard error (``["se"]``); ties go to the earlier name. `scores` starts with the baseline.

    Example:
        >>> scores = {"baseline": 0.80, "a": 0.83, "b": 0.85}
        >>> choose_by_one_se(scores, {"a": {"mean": 0.03, "se": 0.01}, "b": {"mean": 0.05, "se": 0.06}})
        'a'
        >>> choose_by_one_se(scores, {"a": {"mean": 0.03, "se": 0.04}, "b": {"mean": 0.05, "se": 0.06}})
        'baseline'
    """
    names = list(scores)
    # a lead equal to its standard error (one fold ahead, the rest tied: exactly equal in
    # theory) must not win on the last bit of floating-point rounding
    eligible = [names[0]] + [n for n in names[1:]
                             if versus_baseline[n]["mean"] - versus_baseline[n]["se"] > _TIE]
    return max(eligible, key=lambda n: (scores[n], -names.index(n)))


def _score(correct: np.ndarray, y: np.ndarray, metric: str) -> float:
    """Accuracy of the hits `correct` (any shape whose last axis runs over the rows `y`), or
    balanced accuracy: the mean over classes of each class's hit rate."""
    correct = np.asarray(correct, dtype=np.float64).reshape(-1, len(y))
    if metric == "accuracy":
        return float(correct.mean())
    return float(np.mean([correct[:, y == c].mean() for c in np.unique(y)]))


@dataclass
class AutoChoice:
    """What `AutoStrategy.choose` found: the chosen candidate (``name``, ``strategy``), each
    candidate's cross-validated ``cv_score`` (``metric``), whether flips were offered, the folds,
    the paired evidence against the baseline and the compute it cost (``examples_seen``, ``fits``).

    Example:
        >>> from augmentlab.evaluate import BaselineStrategy
        >>> c = AutoChoice("baseline", BaselineStrategy("baseline"), {"baseline": 0.9}, False, 5, 1,
        ...                "accuracy", {}, {"examples_seen": 100, "fits": 5})
        >>> c.pipeline is None, c.record()["chosen"]
        (True, 'baseline')
    """

    name: str
    strategy: Strategy
    cv_score: dict[str, float]
    flips_offered: bool
    folds: int
    repeats: int
    metric: str
    versus_baseline: dict[str, dict[str, float]]
    cost: dict[str, int]

    @property
    def pipeline(self) -> Compose | None:
        """The chosen candidate's per-sample pipeline (``None`` for the baseline and for
        strategies without one); a batch mix or an unlabelled-data method is in ``strategy``."""
        return getattr(self.strategy, "pipeline", None)

    def record(self) -> dict[str, Any]:
        """The JSON-native record a cell keeps (``result["auto"]``)."""
        return {"chosen": self.name, "cv_score": self.cv_score, "metric": self.metric,
                "flips_offered": self.flips_offered, "folds": self.folds,
                "repeats": self.repeats, "versus_baseline": self.versus_baseline,
                "chosen_config": self.strategy.config(), "cost": dict(self.cost)}


@dataclass
class AutoStrategy(Strategy):
    """The strategy chosen in each cell by cross-validation on its training subset (see the
    module): ``folds`` stratified folds (fewer when a class has fewer rows), ``repeats`` times;
    ``include=("fixmatch",)`` adds FixMatch to the candidates when there are unlabelled rows,
    ``exclude=("self-training",)`` leaves candidates out (never the baseline: what the others
    must beat);
    ``metric="balanced_accuracy"`` chooses by it (imbalanced classes) instead of accuracy.

    Example:
        >>> AutoStrategy("auto").config()["kind"]
        'auto'
    """

    kind: ClassVar[str] = "auto"

    folds: int = 5
    repeats: int = 1
    include: tuple[str, ...] = field(default=())
    exclude: tuple[str, ...] = field(default=())
    metric: str = "accuracy"

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.include, str):  # include="fixmatch" means the one name
            self.include = (self.include,)
        if isinstance(self.exclude, str):
            self.exclude = (self.exclude,)
        wrong = sorted(set(self.exclude) - set(AUTO_CANDIDATES[1:]))
        if wrong:
            raise self._invalid(f"exclude={wrong}: the candidates that can be left out are "
                                + ", ".join(AUTO_CANDIDATES[1:]))
        for name in ("folds", "repeats"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise self._invalid(f"{name}={value!r} must be a whole number")
        if int(self.folds) < 2 or int(self.repeats) < 1:
            raise self._invalid(f"folds={self.folds} must be >= 2 and repeats={self.repeats} >= 1")
        if self.steps is not None:
            raise self._invalid("auto's candidates and its final fit train for the experiment's "
                                "steps; set Experiment(steps=...) instead of steps on auto")
        unknown = sorted(set(self.include) - {"fixmatch"})
        if unknown:
            raise self._invalid(f"include={unknown} : only 'fixmatch' can be added")
        if self.metric not in METRICS:
            raise self._invalid(f"metric={self.metric!r} must be one of "
                                + ", ".join(repr(m) for m in METRICS))
        if self.class_weight is not None:
            raise self._invalid("auto chooses among its own candidates; class_weight is not one")
        self.folds, self.repeats = int(self.folds), int(self.repeats)
        self.include, self.exclude = tuple(self.include), tuple(self.exclude)

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        if self.exclude:  # only when given: configurations (cache keys) without it stay valid
            cfg["exclude"] = list(self.exclude)
        cfg.update(folds=self.folds, repeats=self.repeats, include=list(self.include),
                   metric=self.metric, version=_VERSION)
        return cfg

    def choose(self, model: Model, protocol: Protocol, data: Dataset, labelled: np.ndarray,
               size: int | float, seed: int) -> AutoChoice:
        """Compare the candidates by cross-validation on the rows `labelled` alone (see the
        module) with fresh models like `model` under `protocol`; nothing is fitted on all of
        them. `size` and `seed` are the cell's (they fix the folds and the unlabelled pool).

        Example:
            >>> from augmentlab.datasets import load
            >>> from augmentlab.evaluate import Protocol, make_model
            >>> data = load("wine")
            >>> choice = AutoStrategy("auto", folds=3).choose(
            ...     make_model("logreg", "table"), Protocol(model="logreg"), data,
            ...     data.train[::4], 10, 0)
            >>> choice.name, choice.cost["fits"], sorted(choice.cv_score)
            ('baseline', 3, ['baseline'])
        """
        labelled = np.sort(np.asarray(labelled))
        y = data.y[labelled]
        counts = np.bincount(y, minlength=len(data.classes))
        if counts.min() < 2:
            short = [f"{data.classes[c]!r} has {counts[c]}" for c in np.flatnonzero(counts < 2)]
            raise DataError("auto cross-validates on the labelled rows and needs at least 2 of "
                            "every class; " + ", ".join(short) + ": give more labelled rows of "
                            "those classes", path=data.source or None)
        folds = max(2, min(self.folds, int(counts.min())))
        cost = {"examples_seen": 0, "fits": 0}

        def new_model(strategy: Strategy) -> Any:
            return make_model(protocol.model, data.modality, steps=strategy.steps or protocol.steps,
                              sample_rate=data.info.get("sample_rate"))

        def cross_validate(strategy: Strategy) -> tuple[np.ndarray, list[Any]]:
            correct = np.zeros((self.repeats, len(labelled)), dtype=bool)
            models = []
            for r in range(self.repeats):
                fold = inner_folds(y, folds, seed, r)
                for k in range(folds):
                    inner, held = labelled[fold != k], labelled[fold == k]
                    m = new_model(strategy)
                    fitted = fit_strategy(m, strategy, protocol, data, inner, inner[:0], size,
                                          seed, exclude=labelled)
                    cost["examples_seen"] += fitted.cost["examples_seen"]
                    cost["fits"] += fitted.cost["fits"]
                    correct[r, fold == k] = m.predict_proba(data.X[held]).argmax(1) == data.y[held]
                    models.append((m, held))
            return correct, models

        scores: dict[str, np.ndarray] = {}
        scores["baseline"], base_models = cross_validate(BaselineStrategy("baseline"))
        flips = self._flips_keep_labels(data, base_models, scores["baseline"])
        options = candidates(data, model, pool=protocol.unlabeled is not None, flips=flips,
                             seed=seed, include=self.include)
        options = {k: v for k, v in options.items() if k not in self.exclude}
        for name, strategy in options.items():
            if name != "baseline":
                scores[name] = cross_validate(strategy)[0]
        means = {name: _score(s, y, self.metric) for name, s in scores.items()}
        evidence = self._evidence(scores, y, folds, seed, self.metric)
        chosen = choose_by_one_se(means, evidence)
        return AutoChoice(chosen, options[chosen], means, flips, folds, self.repeats, self.metric,
                          evidence, cost)

    def fit(self, model: Model, protocol: Protocol, data: Dataset, train: np.ndarray, val: np.ndarray,
            size: int | float, seed: int) -> Fitted:
        """Choose on ``train`` + ``val`` (the cell's labelled rows) by cross-validation, then fit
        the choice on them as the cell would fit it; the returned `Fitted` carries the evidence."""
        choice = self.choose(model, protocol, data, np.concatenate([train, val]), size, seed)
        fitted = fit_strategy(model, choice.strategy, protocol, data, train, val, size, seed)
        fitted.cost = {k: choice.cost[k] + fitted.cost[k] for k in ("examples_seen", "fits")}
        fitted.choice = choice.record()
        return fitted

    def _flips_keep_labels(self, data: Dataset, models: list[Any], correct: np.ndarray) -> bool:
        """Whether the baseline's fold models recognise mirrored validation rows nearly as well
        as the rows (images only)."""
        if not adapter_for(data.modality).batch_mixing:
            return False
        plain = float(correct.mean())
        hits = total = 0
        for m, held in models:
            mirrored = data.X[held][:, :, ::-1]
            hits += int((m.predict_proba(np.ascontiguousarray(mirrored)).argmax(1) == data.y[held]).sum())
            total += len(held)
        return plain > 0 and hits / total >= FLIP_KEEPS * plain

    @staticmethod
    def _evidence(scores: dict[str, np.ndarray], y: np.ndarray, folds: int, seed: int,
                  metric: str) -> dict[str, dict[str, float]]:
        """Each candidate's paired difference from the baseline over the (repeat, fold) accuracies,
        with Holm-adjusted p-values across the candidates."""
        def fold_accuracy(correct: np.ndarray) -> list[float]:
            out = []
            for r in range(correct.shape[0]):
                fold = inner_folds(y, folds, seed, r)
                out += [_score(correct[r, fold == k], y[fold == k], metric) for k in range(folds)]
            return out

        base = fold_accuracy(scores["baseline"])
        diffs = {name: paired_difference(fold_accuracy(s), base)
                 for name, s in scores.items() if name != "baseline"}
        adjusted = holm([d["p"] for d in diffs.values()])
        return {name: {"mean": d["mean"], "low": d["low"], "high": d["high"], "se": d["se"],
                       "p": d["p"], "p_adjusted": p}
                for (name, d), p in zip(diffs.items(), adjusted, strict=True)}



def choose_strategy(data: Dataset, *, model: ModelSpec | None = None, rows: np.ndarray | None = None,
                    train_size: int | float | None = None, seed: int = 0,
                    unlabeled: str | None = None, unlabeled_size: int | None = None,
                    steps: int = 500, folds: int = 5,
                    repeats: int = 1, include: tuple[str, ...] = (),
                    metric: str = "accuracy") -> AutoChoice:
    """The ``auto`` choice for your data, outside an experiment: the candidates compared by
    cross-validation on the labelled rows -- `rows` (indices into ``data.X``), else a draw of
    `train_size` per class (as an experiment's cell draws it), else the whole training split --
    with `model` (the modality's default when ``None``) trained for `steps` where it trains by
    steps. ``unlabeled="rest"`` adds the training split's other rows as an unlabelled pool (its
    labels hidden; at most `unlabeled_size` of them), and with it self-training (and FixMatch
    with ``include=("fixmatch",)``).
    The test split is never read.

    Example:
        >>> from augmentlab.datasets import load
        >>> choice = choose_strategy(load("wine"), train_size=10, unlabeled="rest", folds=3)
        >>> choice.name in ("baseline", "self-training"), sorted(choice.cv_score)
        (True, ['baseline', 'self-training'])
    """
    if not isinstance(data, Dataset):
        raise InvalidConfig(f"choose_strategy: expected a Dataset, got {type(data).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InvalidConfig(f"choose_strategy: seed={seed!r} must be a whole number >= 0")
    if rows is not None and train_size is not None:
        raise InvalidConfig("choose_strategy: give rows (the labelled rows) or train_size (a "
                            "draw of that many per class), not both")
    if unlabeled_size is not None and unlabeled is None:
        raise InvalidConfig("choose_strategy: unlabeled_size caps an unlabelled pool; give "
                            "unlabeled='rest' as well")
    protocol = Protocol(model=model if model is not None else adapter_for(data.modality).default_model,
                        steps=steps, unlabeled=unlabeled, unlabeled_size=unlabeled_size)
    if rows is None:
        if train_size is None:
            rows = data.train
        else:
            train, val = training_rows(data, train_size, int(seed), protocol.val_fraction)
            rows = np.concatenate([train, val])
    rows = np.asarray(rows)
    if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer) or len(rows) == 0:
        raise InvalidConfig("choose_strategy: rows must be a non-empty 1-D array of row indices "
                            "into data.X")
    if not np.isin(rows, data.train).all():
        raise InvalidConfig("choose_strategy: rows must be indices of training-split rows "
                            "(data.train); some are test rows, negative or out of range")
    if len(np.unique(rows)) != len(rows):
        raise InvalidConfig("choose_strategy: rows holds a row more than once; a copy on both "
                            "sides of a fold would inflate every score: give each row once")
    if unlabeled == "rest" and len(rows) == len(data.train):
        raise InvalidConfig("choose_strategy: with the whole training split labelled, "
                            "unlabeled='rest' leaves nothing unlabelled; give train_size or rows "
                            "(the labelled part), or leave unlabeled out")
    size = train_size if train_size is not None else len(rows)
    auto = AutoStrategy("auto", folds=folds, repeats=repeats, include=include, metric=metric)
    fresh = make_model(protocol.model, data.modality, steps=steps,
                       sample_rate=data.info.get("sample_rate"))
    return auto.choose(fresh, protocol, data, rows, size, int(seed))
