"""``auto``: chosen from the training subset alone, deterministic, its evidence recorded."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from augmentlab.datasets import load
from augmentlab.errors import InvalidConfig
from augmentlab.evaluate import AutoStrategy, Protocol
from augmentlab.evaluate.auto import candidates, inner_folds
from augmentlab.evaluate.cells import CellSpec, run_cell
from augmentlab.evaluate.models import make_model

DIGITS = load("digits")


def _scrambled(data):
    y = data.y.copy()
    y[data.test] = np.random.default_rng(3).permutation(y[data.test])
    return dataclasses.replace(data, y=y)


def _auto_cell(data, model="logreg", steps=30, unlabeled=None, **kwargs):
    protocol = Protocol(model=model, steps=steps, robustness_rows=50, invariance_rows=20,
                        unlabeled=unlabeled, unlabeled_size=200 if unlabeled else None)
    return run_cell(data, protocol, CellSpec(AutoStrategy("auto", **kwargs), 5, 0))


@pytest.mark.parametrize("model, steps, unlabeled", [("logreg", 30, "rest"), ("small-cnn", 30, None)])
def test_auto_never_reads_the_test_split(model: str, steps: int, unlabeled: str | None) -> None:
    """Scrambled test labels: the same choice, the same evidence, the same predictions."""
    a = _auto_cell(DIGITS, model, steps, unlabeled, folds=2)
    b = _auto_cell(_scrambled(DIGITS), model, steps, unlabeled, folds=2)
    assert a["auto"] == b["auto"]
    assert a["test_predictions"] == b["test_predictions"]
    assert a["accuracy"] != b["accuracy"]
    assert set(a["auto"]["cv_accuracy"]) >= {"baseline", "recommended", "trivialaugment"}


def test_auto_picks_the_best_cross_validated_candidate_and_records_why() -> None:
    cell = _auto_cell(DIGITS, folds=3, unlabeled="rest")
    choice = cell["auto"]
    means = choice["cv_accuracy"]
    assert choice["chosen"] == max(means, key=lambda n: (means[n], -list(means).index(n)))
    assert set(choice["versus_baseline"]) == set(means) - {"baseline"}
    for d in choice["versus_baseline"].values():
        assert d["p"] <= d["p_adjusted"] <= 1
    # every candidate x fold and the final fit are counted in the compute; self-training (3
    # rounds) is 4 fits each time
    assert "self-training" in means
    fits = {name: 4 if name == "self-training" else 1 for name in means}
    assert cell["fits"] == 3 * sum(fits.values()) + fits[choice["chosen"]]


def test_flips_are_offered_only_where_mirrored_rows_keep_their_class() -> None:
    """Digits: a mirrored digit is another digit. Symmetric images (each row mirrored with itself
    made into the same class) keep theirs."""
    cell = _auto_cell(DIGITS, model="logreg", folds=3)
    assert cell["auto"]["flips_offered"] is False
    sym = DIGITS.X.copy()
    sym[:, :, 4:] = sym[:, :, :4][:, :, ::-1]  # left-right symmetric: mirroring changes nothing
    symmetric = dataclasses.replace(DIGITS, X=sym)
    cell = _auto_cell(symmetric, model="logreg", folds=3)
    assert cell["auto"]["flips_offered"] is True
    assert "recommended + flip" in cell["auto"]["cv_accuracy"]


def test_candidates_follow_the_data_and_the_model() -> None:
    cnn, logreg = make_model("small-cnn", "image"), make_model("logreg", "table")
    assert "recommended + cutmix" in candidates(DIGITS, cnn, pool=False, flips=False)
    assert "recommended + cutmix" not in candidates(DIGITS, make_model("logreg", "image"),
                                                    pool=False, flips=False)
    assert list(candidates(load("wine"), logreg, pool=False, flips=True)) == ["baseline"]
    assert "fixmatch" in candidates(DIGITS, cnn, pool=True, flips=False, include=("fixmatch",))
    assert "fixmatch" not in candidates(DIGITS, cnn, pool=True, flips=False)


def test_inner_folds_are_stratified_and_seeded() -> None:
    y = np.repeat(np.arange(3), 5)
    fold = inner_folds(y, 5, 1, 0)
    for k in range(5):
        assert sorted(y[fold == k].tolist()) == [0, 1, 2]
    assert np.array_equal(fold, inner_folds(y, 5, 1, 0))
    assert not np.array_equal(fold, inner_folds(y, 5, 1, 1))


@pytest.mark.parametrize("kwargs, match", [({"folds": 1}, "folds"), ({"include": ("uda",)}, "only"),
                                           ({"class_weight": "balanced"}, "class_weight")])
def test_bad_auto_options_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidConfig, match=match):
        AutoStrategy("auto", **kwargs)
