"""SMOTE's neighbours and interpolation: each row's k nearest rows of its own class (never the row
itself), every row and every one of its neighbours drawn, new rows on the segment between them."""

from __future__ import annotations

import numpy as np
import pytest

from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.synth import SMOTE


def _data(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Three classes of distinct rows (no two at the same distance from a third)."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(3, 1, (9, 2)), rng.normal(-3, 1, (4, 2))])
    return X, np.repeat([0, 1, 2], [30, 9, 4])


def _nearest_same_class(X: np.ndarray, y: np.ndarray, k: int) -> dict[int, list[set[int]]]:
    """Brute force: for each class, each row's k nearest other rows of that class."""
    out = {}
    for cls in np.unique(y):
        rows = np.flatnonzero(y == cls)
        d = np.linalg.norm(X[rows][:, None] - X[rows][None], axis=2)
        np.fill_diagonal(d, np.inf)
        out[int(cls)] = [set(rows[np.argsort(r)[:k]].tolist()) for r in d]
    return out


@pytest.mark.parametrize("k", [1, 3, 8])
def test_each_rows_neighbours_are_its_k_nearest_others_of_its_class(k: int) -> None:
    X, y = _data()
    gen = SMOTE(k_neighbors=k).fit(X, y)
    expected = _nearest_same_class(X, y, k)
    for cls in (0, 1):  # class 2 has 4 rows: too few for k = 8, and left out for every k
        assert gen.rows_[cls].tolist() == np.flatnonzero(y == cls).tolist()
        table = gen.nn_[cls]
        assert table.shape == (len(gen.rows_[cls]), k)
        assert [set(r) for r in table.tolist()] == expected[cls]
    assert (2 in gen.nn_) is (k < 4)


def test_a_class_needs_more_rows_than_neighbours() -> None:
    X, y = _data()  # class 2: 4 rows
    gen = SMOTE(k_neighbors=3).fit(X, y)
    assert len(gen.sample(5, y=2, seed=0)) == 5
    gen = SMOTE(k_neighbors=4).fit(X, y)
    with pytest.raises(InvalidInput, match=r"SMOTE: class 2 has 4 row\(s\), but k_neighbors=4 needs at "
                                           r"least 5; lower k_neighbors to 3 or use RandomOverSampler"):
        gen.sample(5, y=2, seed=0)
    assert len(gen.sample(5, y=1, seed=0)) == 5  # the other classes are still served


def test_a_class_of_two_rows_is_told_to_lower_k_to_one() -> None:
    X = np.array([[0.0, 0], [1, 0], [2, 0], [9, 9], [9, 8]])
    y = np.array([0, 0, 0, 1, 1])
    with pytest.raises(InvalidInput, match=r"class 1 has 2 row\(s\), but k_neighbors=2 needs at least 3; "
                                           r"lower k_neighbors to 1"):
        SMOTE(k_neighbors=2).fit(X, y).sample(1, y=1, seed=0)
    single = np.array([[0.0, 0], [1, 0], [9, 9]])
    with pytest.raises(InvalidInput, match="lower k_neighbors to 1 or"):
        SMOTE(k_neighbors=1).fit(single, np.array([0, 0, 1])).sample(1, y=1, seed=0)


@pytest.mark.parametrize("k", [0, -2, True, 2.5, "3", None])
def test_k_neighbors_must_be_a_positive_integer(k: object) -> None:
    with pytest.raises(InvalidConfig, match=r"SMOTE: k_neighbors=.* must be a positive integer"):
        SMOTE(k_neighbors=k).fit(*_data())  # type: ignore[arg-type]


def test_a_numpy_integer_k_is_accepted() -> None:
    gen = SMOTE(k_neighbors=np.int64(2)).fit(*_data())  # type: ignore[arg-type]
    assert gen.nn_[0].shape == (30, 2)


def test_new_rows_lie_between_a_row_and_one_of_its_neighbours_drawn_all_over_the_segment() -> None:
    X, y = _data()
    k = 3
    s = SMOTE(k_neighbors=k).fit(X, y).sample(3000, y=1, seed=4)
    expected = _nearest_same_class(X, y, k)[1]
    rows = np.flatnonzero(y == 1)
    assert s.y.tolist() == [1] * 3000
    gaps = []
    for new, (a, b) in zip(s.X, s.parents, strict=True):
        assert b in expected[rows.tolist().index(a)]  # a neighbour of its base, never the base
        t = float(np.dot(new - X[a], X[b] - X[a]) / np.dot(X[b] - X[a], X[b] - X[a]))
        np.testing.assert_allclose(new, X[a] + t * (X[b] - X[a]), atol=1e-12)
        gaps.append(t)
    gaps_arr = np.array(gaps)
    assert (gaps_arr >= 0).all() and (gaps_arr < 1).all()
    assert gaps_arr.min() < 0.01 and gaps_arr.max() > 0.99  # the whole segment, uniformly
    assert abs(gaps_arr.mean() - 0.5) < 0.03
    bases = [a for a, _ in s.parents]
    assert set(bases) == set(rows.tolist())  # every row of the class is a base
    for base in rows:  # and each of its neighbours is drawn for it
        assert {b for a, b in s.parents if a == base} == expected[rows.tolist().index(base)]


def test_the_same_seed_gives_the_same_rows_and_another_seed_others() -> None:
    gen = SMOTE(k_neighbors=3).fit(*_data())
    a, b = gen.sample(50, y=1, seed=7), gen.sample(50, y=1, seed=7)
    assert np.array_equal(a.X, b.X) and a.parents == b.parents
    assert not np.array_equal(a.X, gen.sample(50, y=1, seed=8).X)
