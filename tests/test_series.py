"""What each time-series transform does, measured on its output (the shared contract is in
tests/test_modal_invariants.py): labels move with time, gaps stay gaps, values change as said."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput

TIME_MOVING = {
    "TimeWarp": al.series.TimeWarp(sigma=0.4),
    "WindowSlice": al.series.WindowSlice(ratio=0.6),
    "WindowWarp": al.series.WindowWarp(window_ratio=0.3),
    "Permutation": al.series.Permutation(max_segments=6),
    "Crop": al.series.Crop(size=50),
    "Resize": al.series.Resize(min_size=40, max_size=160),
}
VALUE_ONLY = {
    "Jitter": al.series.Jitter(sigma=0.1),
    "Scaling": al.series.Scaling(sigma=0.3),
    "MagnitudeWarp": al.series.MagnitudeWarp(sigma=0.3),
    "Drift": al.series.Drift(max_drift=0.3),
    "Quantize": al.series.Quantize(levels=4),
    "Convolve": al.series.Convolve(),
    "Pool": al.series.Pool(),
}


def _clock(length: int = 100) -> tuple[np.ndarray, list[int]]:
    """Channel 0 is the time index itself, channel 1 too but with a gap at steps 40-44; the
    step labels are the time index. Whatever a transform does to time, channel 0 says which
    input time each output step read."""
    t = np.arange(length, dtype=np.float64)
    x = np.stack([t, t.copy()], axis=1)
    x[40:45, 1] = np.nan
    return x, list(range(length))


@pytest.mark.parametrize("name", sorted(TIME_MOVING))
@pytest.mark.parametrize("seed", range(4))
def test_step_labels_and_gaps_move_with_time(name: str, seed: int) -> None:
    x, labels = _clock()
    out = TIME_MOVING[name](series=x, step_labels=labels, seed=seed)
    y, moved = out["series"], out["step_labels"]
    read = y[:, 0]  # the input time each output step read
    assert len(moved) == len(y) and np.all((read >= 0) & (read <= 99))
    # each step's label is the one of the nearest input step it read
    assert moved == [int(v) for v in np.rint(read)]
    # channel 1 is channel 0 except where the read touched the gap: there it is missing
    lo, hi = np.floor(read).astype(int), np.ceil(read).astype(int)
    touches_gap = ((lo >= 40) & (lo <= 44)) | ((hi >= 40) & (hi <= 44))
    np.testing.assert_array_equal(np.isnan(y[:, 1]), touches_gap)
    np.testing.assert_allclose(y[~touches_gap, 1], read[~touches_gap])
    if name != "Permutation":  # time keeps its order (a permutation reorders whole pieces)
        assert np.all(np.diff(read) >= 0)


@pytest.mark.parametrize("name", sorted(VALUE_ONLY))
def test_value_transforms_keep_gaps_and_time(name: str) -> None:
    x, labels = _clock()
    x = x / 100.0
    out = VALUE_ONLY[name](series=x, step_labels=labels, seed=2)
    y = out["series"]
    assert y.shape == x.shape and out["step_labels"] == labels
    np.testing.assert_array_equal(np.isnan(y), np.isnan(x))  # missing stays missing, no new gaps
    assert np.isfinite(y[~np.isnan(x)]).all()


def test_one_dimensional_series_stay_one_dimensional() -> None:
    x = np.sin(np.arange(64) / 4.0)
    for t in [*TIME_MOVING.values(), *VALUE_ONLY.values(), al.series.Dropout(rate=0.1)]:
        y = t(series=x, seed=1)["series"]
        assert y.ndim == 1, t.name


def test_what_each_value_transform_does() -> None:
    ones = np.ones((200, 3))
    scaled = al.series.Scaling(sigma=0.2)(series=ones, seed=0)
    factors = scaled.record.steps[0].params["factors"]
    np.testing.assert_allclose(scaled["series"], np.tile(factors, (200, 1)))
    warp = al.series.MagnitudeWarp(sigma=0.2, knots=2)(series=ones, seed=0)["series"]
    assert np.abs(np.diff(warp, axis=0)).max() < 0.02 and not np.allclose(warp, 1.0)
    jitter = al.series.Jitter(sigma=0.5)(series=np.zeros((20000, 1)), seed=0)["series"]
    assert jitter.std() == pytest.approx(0.5, rel=0.02)
    quant = al.series.Quantize(levels=4)(series=np.linspace(0, 3, 50))["series"]
    assert set(np.round(quant, 9).tolist()) == {0.0, 1.0, 2.0, 3.0}
    smooth = al.series.Convolve(min_size=9, max_size=9)(series=np.random.default_rng(0).standard_normal(500),
                                                        seed=0)["series"]
    assert smooth.std() < 0.6  # white noise averaged over ~5 effective steps
    pooled = al.series.Pool(min_size=4, max_size=4)(series=np.arange(8.0), seed=0)["series"]
    assert pooled.tolist() == [1.5] * 4 + [5.5] * 4
    dropped = al.series.Dropout(rate=0.1, max_run=5, fill=0.0)(series=np.ones(5000), seed=0)["series"]
    assert 0.15 < (dropped == 0).mean() < 0.35 and not np.isnan(dropped).any()


def test_permutation_moves_whole_pieces_and_crop_resize_set_the_length() -> None:
    x = np.arange(30.0)
    out = al.series.Permutation(max_segments=4)(series=x, seed=5)
    params = out.record.steps[0].params
    edges = [0, *params["cuts"], 30]
    pieces = [x[edges[i]:edges[i + 1]].tolist() for i in params["order"]]
    assert out["series"].tolist() == sum(pieces, [])
    assert len(al.series.Crop(size=7)(series=x, seed=0)["series"]) == 7
    assert len(al.series.Crop(size=70)(series=x, seed=0)["series"]) == 30  # not longer than it is
    sizes = {len(al.series.Resize(min_size=10, max_size=12)(series=x, seed=s)["series"])
             for s in range(20)}
    assert sizes == {10, 11, 12}


def test_bad_series_input_is_refused() -> None:
    pipe = al.Compose([al.series.Jitter()], seed=0)
    with pytest.raises(InvalidInput, match="float array"):
        pipe(series=np.arange(5))
    with pytest.raises(InvalidInput, match="inf"):
        pipe(series=np.array([0.0, np.inf]))
    with pytest.raises(InvalidInput, match="non-empty"):
        pipe(series=np.zeros((0, 2)))
    with pytest.raises(InvalidInput, match="expected 3 labels"):
        pipe(series=np.zeros(3), step_labels=["a", "b"])
    with pytest.raises(InvalidInput, match="works on series.*pass that field"):
        pipe(step_labels=["a"])
    with pytest.raises(InvalidInput, match="series.Crop works on series"):  # nothing to read
        al.Compose([al.series.Crop(size=2)])(text="not a series")
    with pytest.raises(InvalidConfig, match="window"):
        al.series.Convolve(window="nope")
    with pytest.raises(InvalidConfig, match="fill"):
        al.series.Dropout(fill=float("inf"))


def test_series_in_the_harness(tmp_path) -> None:  # noqa: ANN001
    import json

    from augmentlab.datasets import load
    from augmentlab.evaluate import Experiment, Strategy, recommended_strategy
    from augmentlab.evaluate.corruptions import SUITES, corrupt

    data = load("spoken-digits-mfcc")
    audio = load("spoken-digits")
    assert data.X.shape == (640, 101, 13) and data.modality == "series"
    assert np.array_equal(data.train, audio.train) and np.array_equal(data.y, audio.y)
    X = data.X[:4]
    for kind, level in SUITES["series"]:
        bad = corrupt(X, "series", kind, level, np.ones(13))
        assert bad.shape == X.shape and np.array_equal(bad, corrupt(X, "series", kind, level, np.ones(13)))
    delayed = corrupt(X, "series", "delay", 0.1)
    np.testing.assert_array_equal(delayed[:, 10:], X[:, :-10])
    np.testing.assert_array_equal(delayed[:, :10], np.repeat(X[:, :1], 10, axis=1))
    # a length-changing pipeline comes back at the dataset's length
    crop = Strategy("crop", al.Compose([al.series.Crop(size=80)]), copies=1)
    rows = data.train[:3]
    assert crop.augment_rows(data.X[rows], rows, 1, 0, "series").shape == (3, 101, 13)

    def run(jobs: int) -> str:
        res = Experiment(data, strategies={"rec": Strategy("rec", recommended_strategy(data), copies=2)},
                         train_sizes=[3], seeds=2, out=tmp_path / str(jobs), jobs=jobs,
                         quiet=True).run(report=False)
        return json.dumps(sorted((c["strategy"], c["seed"], c["accuracy"], c["robustness"])
                                 for c in res.cells), sort_keys=True)

    assert run(1) == run(2)
