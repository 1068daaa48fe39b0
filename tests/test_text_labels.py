"""Label preservation on real sentences: the oracle, LabelFilter, label_agreement."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput
from augmentlab.datasets import load


@pytest.fixture(scope="module")
def reviews() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    data = load("rotten-tomatoes")
    X, y = [str(t) for t in data.X], np.asarray(data.y)
    return X[:3000], y[:3000], X[3000:3600], y[3000:3600]


@pytest.fixture(scope="module")
def oracle(reviews: tuple) -> object:
    X, y, _, _ = reviews
    return al.text.fit_oracle(X, y)


def test_oracle_reads_real_reviews_and_agreement_counts_its_hits(reviews: tuple, oracle: object) -> None:
    _, _, X_test, y_test = reviews
    agreement = al.text.label_agreement(oracle, X_test, y_test)
    assert 0.65 < agreement < 1.0  # a TF-IDF model on 3,000 reviews: ~70% on held-out ones
    flipped = np.where(y_test == y_test[0], y_test[y_test != y_test[0]][0], y_test[0])
    assert al.text.label_agreement(oracle, X_test, flipped) == pytest.approx(1 - agreement)
    p = al.text.label_probability(oracle, X_test[:50], y_test[:50])
    q = al.text.label_probability(oracle, X_test[:50], flipped[:50])
    np.testing.assert_allclose(p + q, 1.0)  # two classes
    assert (al.text.label_probability(oracle, X_test[:3], ["no such class"] * 3) == 0).all()


def test_label_filter_keeps_only_texts_the_oracle_still_labels(reviews: tuple, oracle: object) -> None:
    _, _, X_test, y_test = reviews
    strict = al.Compose([al.text.LabelFilter(transform=al.text.RandomDelete(rate=0.5),
                                             oracle=oracle, min_probability=0.75, tries=2)], seed=3)
    kept = dropped = 0
    for i, (text, label) in enumerate(zip(X_test[:60], y_test[:60], strict=True)):
        out = strict(text=text, label=label, sample_id=i)
        params = out.record.steps[0].params
        if params["kept"]:
            kept += 1
            again = al.text.label_probability(oracle, [out["text"]], [label])[0]
            assert again >= 0.75 and again == pytest.approx(params["probability"])
        else:
            dropped += 1
            assert out["text"] == text and params["probability"] < 0.75
        assert strict.replay(out.record, text=text, label=label) == out
    assert kept > 5 and dropped > 5  # a strict bar on a strong deletion: both happen


def test_label_filter_saves_with_an_oracle_file_and_refuses_an_unsaved_one(
        tmp_path: Path, oracle: object) -> None:
    path = al.text.save_oracle(oracle, tmp_path / "oracle.json")
    pipe = al.Compose([al.text.LabelFilter(transform=al.text.RandomSwap(n=2), oracle=str(path))],
                      seed=1)
    loaded = al.load_pipeline(pipe.to_yaml())
    fields = {"text": "a gripping, beautifully acted film about grief", "label": 1}
    assert loaded(**fields, sample_id=4) == pipe(**fields, sample_id=4)
    # the saved-as-data oracle gives the joblib one's probabilities exactly
    texts = ["a gripping film", "dull and long", "grief"]
    assert np.array_equal(al.text.load_oracle(path).predict_proba(texts),
                          oracle.predict_proba(texts))  # type: ignore[attr-defined]
    # a joblib file: only in Python, and only when the caller vouches for it
    joblib.dump(oracle, tmp_path / "oracle.joblib")
    with pytest.raises(InvalidConfig, match="can run code"):
        al.text.LabelFilter(transform=al.text.RandomSwap(), oracle=str(tmp_path / "oracle.joblib"))
    trusted = al.text.LabelFilter(transform=al.text.RandomSwap(n=2),
                                  oracle=str(tmp_path / "oracle.joblib"), trusted=True)
    assert "trusted" not in trusted.get_config()

    by_object = al.Compose([al.text.LabelFilter(transform=al.text.RandomSwap(n=2), oracle=oracle)])
    assert by_object.get_config()["transforms"][0]["oracle"]["unsaved"] == "Pipeline"
    with pytest.raises(InvalidConfig, match="save_oracle"):
        al.load_pipeline(by_object.to_yaml())


def test_label_filter_bad_input(tmp_path: Path, oracle: object) -> None:
    f = al.text.LabelFilter(transform=al.text.RandomSwap(n=1), oracle=oracle)
    with pytest.raises(InvalidInput, match="has no label; call it with label="):
        f(text="two words here", seed=0)
    with pytest.raises(InvalidConfig, match="does not exist"):
        al.text.LabelFilter(transform=al.text.RandomSwap(), oracle=str(tmp_path / "none.joblib"))
    with pytest.raises(InvalidConfig, match="predict_proba"):
        al.text.LabelFilter(transform=al.text.RandomSwap(), oracle=object())
    with pytest.raises(InvalidConfig, match="transform must be"):
        al.text.LabelFilter(transform="swap", oracle=oracle)
    with pytest.raises(InvalidInput, match="one class"):
        al.text.fit_oracle(["a", "b"], [1, 1])


def test_harness_strategy_puts_back_rows_whose_label_the_oracle_no_longer_sees(reviews: tuple) -> None:
    from augmentlab.evaluate.strategies import Strategy

    X, y, _, _ = reviews
    X, y = np.array(X[:800], dtype=object), y[:800]
    rows = np.arange(len(X))
    plain = Strategy("delete", al.text.RandomDelete(rate=0.6), copies=2)
    checked = Strategy("delete-checked", al.text.RandomDelete(rate=0.6), copies=2, label_check=0.7)
    assert plain.key != checked.key  # a separate cache entry
    Xp, yp = plain.offline(X, y, rows, seed=5, field="text")
    Xc, yc = checked.offline(X, y, rows, seed=5, field="text")
    assert np.array_equal(yp, yc) and len(Xc) == 3 * len(X)
    oracle = al.text.fit_oracle(list(X), y, seed=5)  # the oracle the strategy fitted
    put_back = 0
    for k in (1, 2):
        aug, ref = Xc[k * len(X):(k + 1) * len(X)], Xp[k * len(X):(k + 1) * len(X)]
        prob = al.text.label_probability(oracle, list(ref), y)
        np.testing.assert_array_equal(aug, np.where(prob >= 0.7, ref, X))
        put_back += int((prob < 0.7).sum())
    assert 50 < put_back < 1500  # the check acts, and not on everything
    with pytest.raises(InvalidConfig, match="probability between 0 and 1"):
        Strategy("bad", al.text.RandomDelete(), label_check=1.5)
    with pytest.raises(InvalidConfig, match="text datasets"):
        checked.offline(np.zeros((4, 8, 8), np.uint8), np.array([0, 1, 0, 1]), np.arange(4), 0, "image")


def test_label_agreement_needs_only_what_the_oracle_check_asks_for() -> None:
    # the check accepts an oracle with predict_proba and classes_; agreement called .predict
    class ProbabilitiesOnly:
        classes_ = np.array(["neg", "pos"])

        def predict_proba(self, texts: list[str]) -> np.ndarray:
            return np.array([[0.2, 0.8] if "fine" in t else [0.9, 0.1] for t in texts])

    agreement = al.text.label_agreement(ProbabilitiesOnly(), ["fine film", "dull film", "fine"],
                                        ["pos", "pos", "neg"])
    assert agreement == pytest.approx(1 / 3)
