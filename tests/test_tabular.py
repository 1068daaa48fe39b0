"""Table transforms and helpers on real data (scikit-learn's wine): the schema is never broken,
swap noise follows each column's distribution, MixUp's labels sum to one, planing flattens."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput


@pytest.fixture(scope="module")
def wine() -> tuple[pd.DataFrame, np.ndarray, al.tabular.Schema]:
    from sklearn.datasets import load_wine

    frame = load_wine(as_frame=True).frame
    y = frame.pop("target").to_numpy()
    frame["magnesium"] = frame["magnesium"].astype(int)
    frame["grade"] = np.where(frame["alcohol"] > 13, "high", "low")
    frame.loc[3, "ash"] = np.nan
    return frame, y, al.tabular.Schema.infer(frame)


def test_swap_noise_and_dropout_keep_the_schema(wine: tuple) -> None:
    frame, _, schema = wine
    pipe = al.Compose([al.tabular.SwapNoise(rate=0.5), al.tabular.FeatureDropout(rate=0.2, fill="typical")],
                      seed=0)
    swapped = []
    for i, row in enumerate(frame.to_dict("records")):
        out = pipe(features=row, schema=schema, sample_id=i)["features"]
        schema.check_row(out)
        assert isinstance(out["magnesium"], int) and out["grade"] in ("high", "low")
        if i == 3:
            assert np.isnan(out["ash"]) or out["ash"] == schema.columns["ash"].mean  # kept missing
        swapped.append(out["proline"])
    # about half of the values drawn from the column: the augmented column's spread is the real one's
    assert np.std(swapped) == pytest.approx(frame["proline"].std(ddof=0), rel=0.15)
    dropped = al.tabular.FeatureDropout(rate=1.0)(features=frame.iloc[0].to_dict(), schema=schema,
                                                  seed=0)["features"]
    assert all(v is None for v in dropped.values())
    with pytest.raises(InvalidConfig, match="fill"):
        al.tabular.FeatureDropout(fill="zero")


def test_swap_noise_draws_follow_the_observed_distribution(wine: tuple) -> None:
    frame, _, schema = wine
    rule = schema.columns["color_intensity"]
    draws = np.array([rule.draw(u) for u in np.random.default_rng(0).random(20000)])
    real = frame["color_intensity"].to_numpy()
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert np.quantile(draws, q) == pytest.approx(np.quantile(real, q), rel=0.03)
    grades = [schema.columns["grade"].draw(u) for u in np.random.default_rng(1).random(20000)]
    assert np.mean(np.array(grades) == "high") == pytest.approx((frame["grade"] == "high").mean(), abs=0.02)


def test_mixup_rows_mix_within_bounds_and_labels_sum_to_one(wine: tuple) -> None:
    frame, y, schema = wine
    rows, soft = al.tabular.mixup_rows(frame, y, schema, n=300, alpha=0.4, seed=0)
    assert soft.shape == (300, 3) and np.allclose(soft.sum(axis=1), 1.0) and (soft >= 0).all()
    for row in rows.to_dict("records"):
        schema.check_row(row)
    assert rows["magnesium"].map(lambda v: isinstance(v, (int, np.integer))).all()
    again = al.tabular.mixup_rows(frame, y, schema, n=300, alpha=0.4, seed=0)
    pd.testing.assert_frame_equal(rows, again[0])
    with pytest.raises(InvalidInput, match="one label per row"):
        al.tabular.mixup_rows(frame, y[:5], schema, n=3)


def test_planing_flattens_a_variable_within_each_class() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 5000)
    mass = np.where(y == 0, rng.normal(80, 10, 10000), rng.normal(120, 15, 10000))
    w = al.tabular.planing_weights(mass, y, bins=np.linspace(40, 180, 15))
    for cls in (0, 1):
        rows = y == cls
        assert w[rows].sum() == pytest.approx(rows.sum())
        hist, _ = np.histogram(mass[rows], bins=np.linspace(40, 180, 15), weights=w[rows])
        filled = hist[hist > 0]
        np.testing.assert_allclose(filled, filled[0])  # flat wherever the class has rows
    with pytest.raises(InvalidInput, match="NaN"):
        al.tabular.planing_weights(np.array([1.0, np.nan]), np.array([0, 1]))


def test_stratified_sample(wine: tuple) -> None:
    frame, y, _ = wine
    rows = al.tabular.stratified_sample(frame, y, 10, seed=3)
    assert np.bincount(y[rows]).tolist() == [10, 10, 10] and np.all(np.diff(rows) > 0)
    some = al.tabular.stratified_sample(frame, y, {0: 2, 1: 5}, seed=3)
    assert np.bincount(y[some], minlength=3).tolist() == [2, 5, 0]
    with pytest.raises(InvalidInput, match="class 0 has 59 rows, 60 asked for"):
        al.tabular.stratified_sample(frame, y, 60)


def test_tabular_transforms_as_experiment_strategies(tmp_path) -> None:  # noqa: ANN001
    from augmentlab.datasets import load
    from augmentlab.evaluate import Experiment, Strategy
    from augmentlab.evaluate.cells import training_rows

    data = load("keel:ecoli4")  # one-hot and integer-valued columns among the numeric ones
    swap = Strategy("swap", al.Compose([al.tabular.SwapNoise(rate=0.3)]), copies=3)
    train, _ = training_rows(data, 8, 0, 0.2)
    X, y = data.X[train], data.y[train]
    from augmentlab.evaluate.strategies import extra_fields

    X_fit, y_fit = swap.offline(X, y, train, 0, "features", extra_fields(data))
    assert X_fit.shape == (4 * len(X), X.shape[1]) and np.array_equal(X_fit[: len(X)], X)
    schema = al.tabular.Schema.infer(pd.DataFrame(X, columns=list(extra_fields(data)["columns"])))
    for row in X_fit[len(X):]:  # every augmented row within the cell's own training rows' rules
        schema.check_row(dict(zip(extra_fields(data)["columns"], row.tolist(), strict=True)))
    assert not np.array_equal(X_fit[len(X):2 * len(X)], X)
    res = Experiment(data, model="logreg", strategies={"swap": swap}, train_sizes=[8], seeds=2,
                     out=tmp_path, jobs=1, quiet=True).run(report=False)
    assert {c["strategy"] for c in res.cells} == {"baseline", "swap"}
    trained = {(c["strategy"], c["seed"]): c["rows_trained"] for c in res.cells}
    assert all(trained[("swap", s)] == 4 * trained[("baseline", s)] for s in (0, 1))


def test_an_explicit_schema_is_never_broken() -> None:
    schema = al.tabular.Schema({"age": al.tabular.Column("integer", 18.0, 65.0, std=12.0, mean=40.0,
                                                         quantiles=(18.0, 40.0, 65.0)),
                                "plan": al.tabular.Column("categorical", values=("basic", "pro"),
                                                          weights=(0.8, 0.2))})
    pipe = al.Compose([al.tabular.GaussianNoise(scale=3.0), al.tabular.SwapNoise(rate=0.5),
                       al.tabular.CategoricalResample(rate=0.5)], seed=0)
    seen = set()
    for i in range(300):
        out = pipe(features={"age": 64, "plan": "pro"}, schema=schema, sample_id=i)["features"]
        schema.check_row(out)
        assert isinstance(out["age"], int)
        seen.add(out["age"])
    assert min(seen) == 18 and max(seen) == 65  # pushed hard against both bounds, never past
