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

The winner is the candidate with the highest pooled cross-validated accuracy (ties to the
earlier, the baseline first). The evidence is recorded per cell (``result["auto"]``): each
candidate's cross-validated accuracy, its paired difference from the baseline over the folds
with a Holm-adjusted p-value across the candidates, and what the choice cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..core.compose import Compose
from ..datasets import Dataset
from .fitting import Fitted, fit_strategy
from .modalities import adapter_for
from .models import make_model
from .recommend import recommended_strategy
from .stats import holm, paired_difference
from .strategies import AugmentStrategy, BaselineStrategy, MixStrategy, SemiStrategy, Strategy

__all__ = ["AUTO_CANDIDATES", "FLIP_KEEPS", "AutoStrategy", "candidates", "inner_folds"]

AUTO_CANDIDATES = ("baseline", "recommended", "recommended + flip", "trivialaugment",
                   "recommended + cutmix", "self-training", "fixmatch")
FLIP_KEEPS = 0.9  # mirrored rows must keep this share of the baseline's accuracy for flips
_VERSION = 1  # bump when the candidates or the rule change: it is in the cache key


def candidates(data: Dataset, model: Any, *, pool: bool, flips: bool, seed: int = 0,
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
    rec = recommended_strategy(data, seed)
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


@dataclass
class AutoStrategy(Strategy):
    """The strategy chosen in each cell by cross-validation on its training subset (see the
    module): ``folds`` stratified folds (fewer when a class has fewer rows), ``repeats`` times;
    ``include=("fixmatch",)`` adds FixMatch to the candidates when there are unlabelled rows.

    Example:
        >>> AutoStrategy("auto").config()["kind"]
        'auto'
    """

    kind: ClassVar[str] = "auto"

    folds: int = 5
    repeats: int = 1
    include: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        super().__post_init__()
        if int(self.folds) < 2 or int(self.repeats) < 1:
            raise self._invalid(f"folds={self.folds} must be >= 2 and repeats={self.repeats} >= 1")
        unknown = sorted(set(self.include) - {"fixmatch"})
        if unknown:
            raise self._invalid(f"include={unknown} : only 'fixmatch' can be added")
        if self.class_weight is not None:
            raise self._invalid("auto chooses among its own candidates; class_weight is not one")
        self.folds, self.repeats, self.include = int(self.folds), int(self.repeats), tuple(self.include)

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        cfg.update(folds=self.folds, repeats=self.repeats, include=list(self.include),
                   version=_VERSION)
        return cfg

    def fit(self, model: Any, protocol: Any, data: Dataset, train: np.ndarray, val: np.ndarray,
            size: int | float, seed: int) -> Fitted:
        """Choose on ``train`` + ``val`` (the cell's labelled rows) by cross-validation, then fit
        the choice on them as the cell would fit it; the returned `Fitted` carries the evidence."""
        labelled = np.sort(np.concatenate([train, val]))
        y = data.y[labelled]
        folds = max(2, min(self.folds, int(np.bincount(y).min())))
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

        base = BaselineStrategy("baseline")
        scores: dict[str, np.ndarray] = {}
        scores["baseline"], base_models = cross_validate(base)
        flips = self._flips_keep_labels(data, base_models, scores["baseline"])
        options = candidates(data, model, pool=protocol.unlabeled is not None, flips=flips,
                             seed=seed, include=self.include)
        for name, strategy in options.items():
            if name != "baseline":
                scores[name] = cross_validate(strategy)[0]
        means = {name: float(s.mean()) for name, s in scores.items()}
        chosen = max(means, key=lambda n: (means[n], -list(means).index(n)))
        evidence = self._evidence(scores, y, folds, seed)
        fitted = fit_strategy(model, options[chosen], protocol, data, train, val, size, seed)
        cost["examples_seen"] += fitted.cost["examples_seen"]
        cost["fits"] += fitted.cost["fits"]
        fitted.cost = cost
        fitted.choice = {"chosen": chosen, "cv_accuracy": means, "flips_offered": flips,
                         "folds": folds, "repeats": self.repeats, "versus_baseline": evidence,
                         "chosen_config": options[chosen].config()}
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
    def _evidence(scores: dict[str, np.ndarray], y: np.ndarray, folds: int, seed: int
                  ) -> dict[str, dict[str, float]]:
        """Each candidate's paired difference from the baseline over the (repeat, fold) accuracies,
        with Holm-adjusted p-values across the candidates."""
        def fold_accuracy(correct: np.ndarray) -> list[float]:
            out = []
            for r in range(correct.shape[0]):
                fold = inner_folds(y, folds, seed, r)
                out += [float(correct[r, fold == k].mean()) for k in range(folds)]
            return out

        base = fold_accuracy(scores["baseline"])
        diffs = {name: paired_difference(fold_accuracy(s), base)
                 for name, s in scores.items() if name != "baseline"}
        adjusted = holm([d["p"] for d in diffs.values()])
        return {name: {"mean": d["mean"], "low": d["low"], "high": d["high"], "p": d["p"],
                       "p_adjusted": p} for (name, d), p in zip(diffs.items(), adjusted, strict=True)}

