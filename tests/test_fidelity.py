"""Fidelity metrics and quality filters on cases whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.evaluate import (
    detection_score,
    distance_to_closest_record,
    fidelity_report,
    frechet_distance,
    precision_recall_density_coverage,
)
from augmentlab.synth import (
    SMOTE,
    GaussianNoise,
    Synthetic,
    by_label_agreement,
    by_novelty,
    by_score,
    chain,
    combine,
    progressive_balance,
)

RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(400, 4))


def test_frechet_distance_matches_the_closed_form_for_shifted_gaussians() -> None:
    other = RNG.normal(size=(20000, 4)) + 0.5
    ref = RNG.normal(size=(20000, 4))
    # same covariance, means 0.5 apart in 4 dimensions: distance = 4 * 0.25
    assert frechet_distance(ref, other) == pytest.approx(1.0, abs=0.06)


def test_manifold_metrics_tell_mode_collapse_from_good_coverage() -> None:
    good = precision_recall_density_coverage(REAL, RNG.normal(size=(400, 4)))
    collapsed = precision_recall_density_coverage(REAL, RNG.normal(0, 0.05, size=(400, 4)))
    assert good["recall"] > 0.7 and good["coverage"] > 0.7
    assert collapsed["precision"] > 0.9 and collapsed["recall"] < 0.2 and collapsed["coverage"] < 0.2


def test_memorisation_and_detection() -> None:
    copies = distance_to_closest_record(REAL, REAL[:100] + 1e-9)
    fresh = distance_to_closest_record(REAL, RNG.normal(size=(100, 4)))
    assert copies["near_copy_share"] == 1.0 and fresh["near_copy_share"] < 0.2
    assert detection_score(REAL, RNG.normal(size=(400, 4))) < 0.6
    assert detection_score(REAL, RNG.normal(size=(400, 4)) * 2) > 0.75
    with pytest.raises(InvalidInput, match="NaN"):
        frechet_distance(REAL, np.full((3, 4), np.nan))


def test_fidelity_report_with_oracle_and_tstr() -> None:
    y = (REAL[:, 0] > 0).astype(int)
    smote = SMOTE(k_neighbors=5).fit(REAL[:300], y[:300])
    syn = smote.sample({0: 150, 1: 150}, seed=0)
    oracle = LogisticRegression().fit(REAL[:300], y[:300])
    rep = fidelity_report((REAL[:300], y[:300]), (syn.X, syn.y), (REAL[300:], y[300:]), oracle=oracle)
    assert rep["label_agreement"] > 0.9 and rep["tstr_accuracy"] > 0.85
    assert 0 <= rep["near_copy_share"] <= 1 and rep["detection_auc"] < 0.8


def test_filters_report_why_rows_were_dropped() -> None:
    y = (REAL[:, 0] > 0).astype(int)
    oracle = LogisticRegression().fit(REAL, y)
    X_syn = np.r_[REAL[:3] + 1e-9, [[3, 0, 0, 0]], [[-3, 0, 0, 0]]]
    syn = Synthetic(X_syn, np.array([y[0], y[1], y[2], 1, 1]), [[0], [1], [2], None, None],
                    np.array([0.9, 0.8, 0.1, 0.7, 0.95]))
    novelty = by_novelty(syn, REAL)
    assert novelty.kept.tolist() == [3, 4] and "near-copy" in novelty.dropped[0]
    agree = by_label_agreement(syn, oracle, 0.8)
    assert 4 not in agree.kept and "oracle gives label 1" in agree.dropped[4]
    kept, why = chain(syn, lambda s: by_novelty(s, REAL), lambda s: by_label_agreement(s, oracle, 0.8))
    assert len(kept) == 1 and sorted(why) == [0, 1, 2, 4] and kept.parents == [None]
    assert by_score(syn, 0.5).kept.tolist() == [0, 1, 3, 4]
    with pytest.raises(InvalidInput, match="gives no scores"):
        by_score(Synthetic(X_syn, np.zeros(5), [None] * 5), 0.5)
    with pytest.raises(InvalidConfig, match="min_distance"):
        by_novelty(syn, REAL, min_distance=-1)


def test_mixing() -> None:
    y = np.repeat([0, 1], [370, 30])
    syn = SMOTE().fit(REAL, y).sample(60, y=1, seed=0)
    X, yy, fake = combine((REAL, y), syn, ratio=0.1, seed=0)
    assert len(yy) == 440 and fake.sum() == 40 and not fake[:400].any()
    with pytest.raises(InvalidConfig, match="only 60 were given"):
        combine((REAL, y), syn, ratio=1.0)
    Xb, yb, used = progressive_balance(REAL, y, GaussianNoise(), SMOTE(), max_transform_ratio=2.0)
    assert np.bincount(yb).tolist() == [370, 370]
    assert used == {"transform": {1: 60}, "generator": {1: 280}}
