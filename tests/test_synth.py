"""Generators: a shared check suite (imbalanced-learn style) and agreement with imbalanced-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from augmentlab.errors import DataError, InvalidConfig, InvalidInput
from augmentlab.synth import (
    ADASYN,
    SMOTE,
    SMOTEENN,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    ConditionalGAN,
    ConditionalVAE,
    EditedNearestNeighbours,
    GaussianCopula,
    GaussianNoise,
    KMeansSMOTE,
    RandomOverSampler,
    RandomUnderSampler,
    SMOTETomek,
    TomekLinks,
)

GENERATORS = [
    SMOTE(k_neighbors=3), RandomOverSampler(), RandomOverSampler(shrinkage=0.5),
    GaussianNoise(scale=0.1), BorderlineSMOTE(k_neighbors=3),
    BorderlineSMOTE(k_neighbors=3, kind="borderline-2"), ADASYN(n_neighbors=3),
    SVMSMOTE(k_neighbors=3), KMeansSMOTE(k_neighbors=2, n_clusters=3), GaussianCopula(),
    ConditionalVAE(latent_dim=2, hidden=(16,), epochs=10), ConditionalGAN(steps=40, width=4),
]
DECODED = (GaussianCopula, ConditionalVAE, ConditionalGAN)  # rows drawn from a model, no parents
IDS = [repr(g) for g in GENERATORS]


def _data(n_major: int = 60, n_minor: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (n_major, 3)), rng.normal(1.2, 1, (n_minor, 3))])
    return X, np.repeat([0, 1], [n_major, n_minor])


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    ab = b - a
    t = 0.0 if not ab.any() else float(np.clip(np.dot(p - a, ab) / np.dot(ab, ab), 0, 1))
    return float(np.linalg.norm(p - (a + t * ab)))


# -- the shared check suite ---------------------------------------------------------------------
@pytest.mark.parametrize("gen", GENERATORS, ids=IDS)
def test_fit_resample_balances_the_classes(gen) -> None:  # noqa: ANN001
    X, y = _data()
    Xr, yr = gen.fit_resample(X, y, seed=0)
    assert np.bincount(yr).tolist() == [60, 60]
    assert np.array_equal(Xr[: len(X)], X) and np.array_equal(yr[: len(y)], y)  # real rows first


@pytest.mark.parametrize("gen", GENERATORS, ids=IDS)
def test_same_seed_same_samples_and_classes_are_independent(gen) -> None:  # noqa: ANN001
    X, y = _data()
    gen.fit(X, y)
    a = gen.sample(7, y=1, seed=3)
    b = gen.sample(7, y=1, seed=3)
    assert np.array_equal(a.X, b.X) and a.parents == b.parents
    assert not np.array_equal(a.X, gen.sample(7, y=1, seed=4).X)
    both = gen.sample({0: 5, 1: 7}, seed=3)  # class 1's rows do not depend on class 0's request
    assert np.array_equal(both.X[5:], a.X)


@pytest.mark.parametrize("gen", GENERATORS, ids=IDS)
def test_parents_are_valid_and_of_the_class(gen) -> None:  # noqa: ANN001
    X, y = _data()
    s = gen.fit(X, y).sample(20, y=1, seed=0)
    assert len(s.parents) == len(s) == 20 and (s.y == 1).all()
    extrapolates = isinstance(gen, SVMSMOTE)
    for row, parents in zip(s.X, s.parents, strict=True):
        if isinstance(gen, DECODED):
            assert parents is None  # decoded from a model: no real row behind it
            continue
        assert parents and all(0 <= p < len(X) for p in parents)
        assert y[parents[0]] == 1  # every generator starts from a real row of the class
        if len(parents) == 2 and not extrapolates:  # on the segment between its parents
            assert _segment_distance(row, X[parents[0]], X[parents[1]]) < 1e-9
        elif len(parents) == 2:  # on the line through them, at most out_step beyond the base
            a, b = X[parents[0]], X[parents[1]]
            t = np.dot(row - a, b - a) / np.dot(b - a, b - a)
            assert np.linalg.norm(row - (a + t * (b - a))) < 1e-9 and -0.5 - 1e-9 <= t <= 1


@pytest.mark.parametrize("gen", GENERATORS, ids=IDS)
def test_pandas_in_pandas_out_with_names_and_dtypes(gen) -> None:  # noqa: ANN001
    X, y = _data()
    frame = pd.DataFrame({"age": np.rint(X[:, 0] * 10 + 40).astype(np.int64),
                          "height": X[:, 1].astype(np.float32), "score": X[:, 2]})
    labels = pd.Series(np.where(y == 1, "sick", "well"), name="status")
    Xr, yr = gen.fit_resample(frame, labels, seed=0)
    assert isinstance(Xr, pd.DataFrame) and list(Xr.columns) == ["age", "height", "score"]
    assert list(Xr.dtypes) == list(frame.dtypes)
    assert isinstance(yr, pd.Series) and yr.name == "status"
    assert yr.value_counts().to_dict() == {"well": 60, "sick": 60}


@pytest.mark.parametrize("gen", GENERATORS, ids=IDS)
def test_bad_input(gen) -> None:  # noqa: ANN001
    X, y = _data()
    with pytest.raises(InvalidInput, match="call fit"):
        type(gen)().sample(3, y=1)
    gen.fit(X, y)
    with pytest.raises(InvalidInput, match="non-negative"):
        gen.sample(-1, y=1)
    with pytest.raises(InvalidInput, match="was not in the data"):
        gen.sample(3, y=7)
    X_nan = X.copy()
    X_nan[5, 2] = np.nan
    with pytest.raises(DataError, match="column 2 has a missing"):
        type(gen)().fit(X_nan, y)
    frame = pd.DataFrame({"a": X[:, 0], "city": ["x"] * len(X)})
    with pytest.raises(DataError, match="city are not numeric; declare them categorical"):
        type(gen)().fit(frame, y)


def test_smote_needs_more_rows_than_neighbours() -> None:
    X, y = _data(n_minor=1)
    with pytest.raises(InvalidInput, match=r"class 1 has 1 row\(s\), but k_neighbors=5 needs at least 6"):
        SMOTE().fit_resample(X, y)
    with pytest.raises(InvalidConfig, match="k_neighbors"):
        SMOTE(k_neighbors=0).fit(*_data())


# -- agreement with imbalanced-learn ---------------------------------------------------------------
@pytest.mark.parametrize(("ours", "theirs", "options"), [
    (SMOTE(k_neighbors=5), "SMOTE", {"k_neighbors": 5}),
    (BorderlineSMOTE(k_neighbors=5), "BorderlineSMOTE", {"k_neighbors": 5}),
    (BorderlineSMOTE(k_neighbors=5, kind="borderline-2"), "BorderlineSMOTE",
     {"k_neighbors": 5, "kind": "borderline-2"}),
    (RandomOverSampler(), "RandomOverSampler", {}),
    (SVMSMOTE(k_neighbors=5), "SVMSMOTE", {"k_neighbors": 5}),
    (KMeansSMOTE(k_neighbors=2), "KMeansSMOTE", {"k_neighbors": 2, "cluster_balance_threshold": 0.05}),
])
def test_counts_and_geometry_agree_with_imbalanced_learn(ours, theirs: str, options: dict) -> None:  # noqa: ANN001
    import imblearn.over_sampling
    from sklearn.neighbors import NearestNeighbors

    X, y = _data(200, 25, seed=1)
    Xo, yo = ours.fit_resample(X, y, seed=0)
    Xt, yt = getattr(imblearn.over_sampling, theirs)(random_state=0, **options).fit_resample(X, y)
    if theirs == "KMeansSMOTE":  # imbalanced-learn rounds per cluster: a few rows off
        assert np.bincount(yo).tolist() == [200, 200]
        assert abs(np.bincount(yt)[1] - 200) <= 4
    else:
        assert np.bincount(yo).tolist() == np.bincount(yt).tolist()
    new_o, new_t = Xo[len(X):], Xt[len(X):]
    if theirs in ("SVMSMOTE", "KMeansSMOTE"):
        # these draw from a few support vectors / clusters: compare where, not how spread
        lo, hi = X[y == 1].min(axis=0), X[y == 1].max(axis=0)
        for new in (new_o, new_t):
            assert ((new.mean(axis=0) > lo) & (new.mean(axis=0) < hi)).all()
        return
    # the same method: new minority rows with the same centre, spread and distance to the real
    # minority rows, and as many exact copies of a real row (none; all for RandomOverSampler).
    # Compared on 20000 new rows from each: the 175 rows of one fit_resample are too few (their
    # mean moves by up to 0.35 from seed to seed, from which of the 25 parents happen to be drawn).
    # Measured over seeds 0-9 (imbalanced-learn 0.14.2), largest gap per column:
    #   mean (absolute)  SMOTE 0.025, borderline-1 0.018, borderline-2 0.056, RandomOverSampler 0.022
    #   std (relative)   SMOTE 0.018, borderline-1 0.025, borderline-2 0.071, RandomOverSampler 0.018
    #   mean distance to the closest real minority row (relative): SMOTE 0.010, borderline-1 0.013;
    #   borderline-2 1.10 (ours twice as far: see test_borderline2_distance_agrees_with_imbalanced_learn)
    n = 20000
    Xm, ym = getattr(imblearn.over_sampling, theirs)(
        random_state=0, sampling_strategy={1: 25 + n}, **options).fit_resample(X, y)
    many_o, many_t = ours.sample(n, y=1, seed=0).X, Xm[len(X):]
    assert len(many_t) == n and (ym[len(X):] == 1).all()
    tol = 0.1 if options.get("kind") == "borderline-2" else 0.05
    assert np.allclose(many_o.mean(axis=0), many_t.mean(axis=0), atol=tol)
    assert np.allclose(many_o.std(axis=0), many_t.std(axis=0), rtol=tol)
    closest = NearestNeighbors(n_neighbors=1).fit(X[y == 1])
    d_o, d_t = closest.kneighbors(many_o)[0][:, 0], closest.kneighbors(many_t)[0][:, 0]
    assert np.mean(d_o < 1e-12) == np.mean(d_t < 1e-12)  # copies of real rows
    if options.get("kind") != "borderline-2":
        assert d_o.mean() == pytest.approx(d_t.mean(), rel=0.04)


@pytest.mark.xfail(strict=True, reason=(
    "BorderlineSMOTE(kind='borderline-2') follows imbalanced-learn before its PR #1023 (a Beta(10, "
    "10) share towards same-class neighbours, the rest towards the k nearest other-class rows); "
    "imbalanced-learn since that PR (2023; 0.14.2 measured) draws them among the k nearest rows of "
    "any class (a shorter step towards another class), so its new rows lie twice as close to the "
    "real ones"))
def test_borderline2_distance_agrees_with_imbalanced_learn() -> None:
    import imblearn.over_sampling
    from sklearn.neighbors import NearestNeighbors

    X, y = _data(200, 25, seed=1)
    n = 20000
    ours = BorderlineSMOTE(k_neighbors=5, kind="borderline-2").fit(X, y).sample(n, y=1, seed=0).X
    Xt, _ = imblearn.over_sampling.BorderlineSMOTE(
        random_state=0, k_neighbors=5, kind="borderline-2", sampling_strategy={1: 25 + n}).fit_resample(X, y)
    closest = NearestNeighbors(n_neighbors=1).fit(X[y == 1])
    d_o, d_t = closest.kneighbors(ours)[0].mean(), closest.kneighbors(Xt[len(X):])[0].mean()
    assert d_o == pytest.approx(d_t, rel=0.04)  # measured: 0.238 against 0.113


# every generator that interpolates between a real row and one of its k nearest neighbours
NEIGHBOUR_GENERATORS = [
    SMOTE(k_neighbors=5), BorderlineSMOTE(k_neighbors=5),
    BorderlineSMOTE(k_neighbors=5, kind="borderline-2"), ADASYN(n_neighbors=5),
    SVMSMOTE(k_neighbors=5), KMeansSMOTE(k_neighbors=3, n_clusters=3),
    SMOTENC(categorical_features=[3], k_neighbors=5),
]


@pytest.mark.parametrize("gen", NEIGHBOUR_GENERATORS, ids=[repr(g) for g in NEIGHBOUR_GENERATORS])
def test_no_row_is_its_own_neighbour(gen) -> None:  # noqa: ANN001
    """A row counted among its own neighbours makes copies of itself (SMOTE with k=5 would copy
    its parent in about 1 new row in 6): on data whose rows are all distinct, no new row equals a
    real one, and each lies strictly between its parent and a different real row, of the same
    class (borderline-2 also moves at most half way towards another class's rows; SVMSMOTE
    extrapolates from safe support vectors, up to out_step=0.5 away from the neighbour)."""
    X, y = _data(200, 25, seed=1)
    if isinstance(gen, SMOTENC):  # a categorical column besides the continuous ones
        X = np.c_[X, np.arange(len(X)) % 3]
    real = {row.tobytes() for row in X}
    assert len(real) == len(X)  # all distinct
    s = gen.fit(X, y).sample(1000, y=1, seed=0)
    assert not [row for row in s.X if row.tobytes() in real]
    for cls, rows in gen.rows_.items():  # the neighbour tables themselves
        if cls in gen.nn_:
            assert not (gen.nn_[cls] == rows[:, None]).any(), cls
    cont = slice(0, 3)
    for row, (a, b) in zip(s.X, s.parents, strict=True):
        assert a != b and y[a] == 1
        start, end, p = X[a, cont], X[b, cont], row[cont]
        assert not np.array_equal(start, end)
        t = float(np.dot(p - start, end - start) / np.dot(end - start, end - start))
        assert np.linalg.norm(p - (start + t * (end - start))) < 1e-9  # on the line through them
        if y[b] != 1:
            assert isinstance(gen, BorderlineSMOTE) and gen.kind == "borderline-2"
            assert 0 < t < 0.5
        elif isinstance(gen, SVMSMOTE):
            assert -0.5 <= t < 1 and t != 0
        else:
            assert 0 < t < 1
    if isinstance(gen, KMeansSMOTE):  # its neighbours come from each cluster's own table
        for clusters in gen.clusters_.values():
            for mine, nn, _ in clusters:
                assert not (nn == mine[:, None]).any()


def test_adasyn_prefers_hard_rows() -> None:
    X, y = _data(200, 25, seed=1)
    gen = ADASYN(n_neighbors=5).fit(X, y)
    s = gen.sample(2000, y=1, seed=0)
    bases = np.array([p[0] for p in s.parents])
    hard = gen.hardness_[bases]
    assert hard.mean() > gen.hardness_[y == 1].mean()  # weighted towards hard rows


# -- undersamplers and combinations --------------------------------------------------------------
def test_undersamplers_keep_a_subset_of_real_rows() -> None:
    X, y = _data(80, 20)
    for sampler in (RandomUnderSampler(), TomekLinks(), EditedNearestNeighbours()):
        Xr, yr = sampler.fit_resample(X, y, seed=0)
        assert np.array_equal(Xr, X[sampler.kept_]) and np.array_equal(yr, y[sampler.kept_])
    _, yr = RandomUnderSampler().fit_resample(X, y, seed=0)
    assert np.bincount(yr).tolist() == [20, 20]


def test_smote_then_clean() -> None:
    X, y = _data(80, 20)
    for combo in (SMOTETomek(), SMOTEENN()):
        Xr, yr = combo.fit_resample(X, y, seed=0)
        assert len(yr) <= 160 and (yr == 1).sum() > 20 and combo.synthetic_ is not None
        frame = pd.DataFrame(X, columns=["a", "b", "c"])
        Xf, _ = combo.fit_resample(frame, pd.Series(y), seed=0)
        assert list(Xf.columns) == ["a", "b", "c"] and np.allclose(Xf.to_numpy(), Xr)


def test_smotenc_keeps_categories_and_interpolates_the_rest() -> None:
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame({"dose": rng.normal(5, 1, n), "city": rng.choice(["oslo", "rome", "lima"], n),
                          "age": rng.integers(20, 80, n)})
    y = pd.Series(np.where(np.arange(n) < 12, "yes", "no"), name="outcome")
    gen = SMOTENC(categorical_features=[1], k_neighbors=3)
    Xr, yr = gen.fit_resample(frame, y, seed=0)
    assert Xr["city"].isin(["oslo", "rome", "lima"]).all() and Xr["age"].dtype == np.int64
    new = Xr.iloc[n:]
    assert len(new) == 36 and (yr.iloc[n:] == "yes").all()
    # continuous columns on the segment between the parents
    for (_, row), parents in zip(new.iterrows(), gen.synthetic_.parents, strict=True):
        a, b = frame.loc[parents[0], "dose"], frame.loc[parents[1], "dose"]
        assert min(a, b) - 1e-9 <= row["dose"] <= max(a, b) + 1e-9
    with pytest.raises(InvalidConfig, match="give categorical_features"):
        SMOTENC().fit(frame[["dose", "age"]], y)


def test_gaussian_copula_keeps_margins_and_correlation() -> None:
    rng = np.random.default_rng(1)
    a = rng.exponential(1.0, 400)  # skewed margin
    X = np.c_[a, a + rng.normal(0, 0.2, 400), rng.integers(0, 3, 400)]
    s = GaussianCopula().fit(X, np.zeros(400, int)).sample(4000, y=0, seed=0)
    assert s.X[:, 0].min() >= a.min() and s.X[:, 0].max() <= a.max()
    assert abs(np.median(s.X[:, 0]) - np.median(a)) < 0.1
    from scipy.stats import spearmanr

    real = spearmanr(X[:, 0], X[:, 1]).statistic
    assert abs(spearmanr(s.X[:, 0], s.X[:, 1]).statistic - real) < 0.05


def test_all_constant_columns_are_an_error() -> None:
    with pytest.raises(DataError, match="every column is constant"):
        SMOTE().fit(np.ones((10, 3)), np.repeat([0, 1], 5))


@pytest.mark.parametrize("y_kind", ["numpy", "list", "series"])
def test_undersamplers_take_a_frame_with_labels_of_any_kind(y_kind: str) -> None:
    # a DataFrame with numpy labels crashed in `y.iloc` (the labels' type was read off X)
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    labels = np.array([0] * 30 + [1] * 10)
    y = {"numpy": labels, "list": labels.tolist(), "series": pd.Series(labels)}[y_kind]
    for sampler in (RandomUnderSampler(), TomekLinks(), EditedNearestNeighbours()):
        Xr, yr = sampler.fit_resample(frame, y, seed=0)
        assert isinstance(Xr, pd.DataFrame)
        assert isinstance(yr, pd.Series) if y_kind == "series" else isinstance(yr, np.ndarray)
        # each kept row keeps its own label
        np.testing.assert_array_equal(np.asarray(yr), labels[sampler.kept_])
        np.testing.assert_array_equal(Xr.to_numpy(), frame.to_numpy()[sampler.kept_])


def test_an_integer_sampling_ratio_is_the_same_as_its_float() -> None:
    # sampling_strategy=1 was refused as an unknown strategy while 1.0 worked
    X, y = _data(80, 20)
    a = SMOTE().fit_resample(X, y, seed=0, sampling_strategy=1)
    b = SMOTE().fit_resample(X, y, seed=0, sampling_strategy=1.0)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
