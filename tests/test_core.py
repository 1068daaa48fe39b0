"""The seed tree, containers, fields and records."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import augmentlab as al


def _img() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (40, 50, 3), dtype=np.uint8)


def _params(out: al.Sample, name: str) -> dict:
    return next(s.params for s in out.record.steps if s.name == name)


def test_inserting_a_transform_does_not_shift_the_others() -> None:
    a = al.Compose([al.Rotate(limit=45, p=1.0), al.GaussNoise(p=1.0)], seed=9)
    b = al.Compose([al.Blur(p=1.0), al.Rotate(limit=45, p=1.0), al.Invert(p=0.5), al.GaussNoise(p=1.0)], seed=9)
    for sid in range(5):
        oa, ob = a(image=_img(), sample_id=sid), b(image=_img(), sample_id=sid)
        assert _params(oa, "Rotate") == _params(ob, "Rotate")
        assert _params(oa, "GaussNoise") == _params(ob, "GaussNoise")


def test_streams_differ_by_sample_copy_and_seed() -> None:
    pipe = al.Compose([al.Rotate(limit=45, p=1.0)], seed=1)
    angles = {(_params(pipe(image=_img(), sample_id=s, copy=c), "Rotate")["angle"])
              for s in range(4) for c in range(3)}
    assert len(angles) == 12
    other = al.Compose([al.Rotate(limit=45, p=1.0)], seed=2)
    assert _params(other(image=_img(), sample_id=0), "Rotate") != _params(
        pipe(image=_img(), sample_id=0), "Rotate")


def _run(args: tuple[str, int]) -> bytes:
    text, sid = args
    pipe = al.load_pipeline(text)
    return pipe(image=_img(), sample_id=sid)["image"].tobytes()


def test_same_bytes_regardless_of_worker_count_and_order() -> None:
    pipe = al.Compose([al.HorizontalFlip(p=0.5), al.Affine(rotate=20, p=1.0), al.GaussNoise(p=1.0),
                       al.CoarseDropout(p=1.0)], seed=4)
    text = pipe.to_json()
    serial = [_run((text, s)) for s in range(8)]
    with ProcessPoolExecutor(2) as ex:
        parallel = list(ex.map(_run, [(text, s) for s in reversed(range(8))]))
    assert serial == parallel[::-1]


def test_unseeded_pipeline_records_its_seed_and_replays() -> None:
    pipe = al.Compose([al.Rotate(limit=90, p=1.0)])
    out = pipe(image=_img())
    assert isinstance(out.record.seed, int)
    assert np.array_equal(pipe.replay(out.record, image=_img())["image"], out["image"])


def test_containers() -> None:
    one = al.Compose([al.OneOf([al.Invert(), al.VerticalFlip(p=1.0)], p=1.0)], seed=0)
    chosen = {tuple(_params(one(image=_img(), sample_id=s), "OneOf")["chosen"]) for s in range(20)}
    assert chosen == {(0,), (1,)}
    some = al.Compose([al.SomeOf([al.Invert(), al.VerticalFlip(p=1.0), al.Blur(p=1.0)], n=2)], seed=0)
    for s in range(10):
        assert len(_params(some(image=_img(), sample_id=s), "SomeOf")["chosen"]) == 2
    sometimes = al.Compose([al.Sometimes([al.Invert()], p=0.5)], seed=0)
    applied = [next(st for st in sometimes(image=_img(), sample_id=s).record.steps
                    if st.name == "Sometimes").applied for s in range(40)]
    assert 5 < sum(applied) < 35
    seq = al.Compose([al.Sequential([al.Invert(), al.Blur(p=1.0), al.Solarize(p=1.0)],
                                    random_order=True, p=1.0)], seed=0)
    orders = {tuple(_params(seq(image=_img(), sample_id=s), "Sequential")["chosen"])
              for s in range(30)}
    assert len(orders) > 2
    nested = al.Compose([al.OneOf([al.Sequential([al.Rotate(p=1.0), al.Blur(p=1.0)], p=1.0),
                                   al.Invert()], p=1.0)], seed=3)
    out = nested(image=_img(), sample_id=1)
    assert np.array_equal(nested.replay(out.record, image=_img())["image"], out["image"])


def test_extra_fields_and_passthrough() -> None:
    depth = np.arange(40 * 50, dtype=np.float32).reshape(40, 50)
    pipe = al.Compose([al.HorizontalFlip(p=1.0), al.Invert()], extra_fields={"depth": "mask",
                                                                       "image2": "image"})
    out = pipe(image=_img(), image2=_img(), depth=depth, meta={"file": "a.png"})
    assert np.array_equal(out["depth"], depth[:, ::-1])  # geometry only, no colour change
    assert np.array_equal(out["image2"], 255 - _img()[:, ::-1])
    assert out["meta"] == {"file": "a.png"}


def test_keypoints_leave_the_image_and_are_removed_or_kept() -> None:
    img = np.zeros((10, 10), np.uint8)
    crop = al.CenterCrop(height=4, width=4)
    assert al.Compose([crop])(image=img, keypoints=[[0, 0], [5, 5]])["keypoints"].tolist() == [[2.0, 2.0]]
    kept = al.Compose([crop], remove_invisible=False)(image=img, keypoints=[[0, 0], [5, 5]])
    assert kept["keypoints"].tolist() == [[-3.0, -3.0], [2.0, 2.0]]


def test_extra_box_columns_travel_with_their_boxes() -> None:
    img = np.zeros((10, 20), np.uint8)
    out = al.HorizontalFlip(p=1.0)(image=img, bboxes=np.array([[0, 0, 5, 5, 7.0]]))
    assert out["bboxes"].tolist() == [[15.0, 0.0, 20.0, 5.0, 7.0]]


def test_pipeline_probability_is_drawn_recorded_and_replayed() -> None:
    img = np.zeros((4, 4), np.uint8)
    pipe = al.Compose([al.Invert()], p=0.5, seed=1)
    outs = [pipe(image=img, sample_id=i) for i in range(40)]
    inverted = sum(int(o["image"][0, 0]) == 255 for o in outs)
    assert 8 < inverted < 32
    for o in outs:
        assert np.array_equal(pipe.replay(o.record, image=img)["image"], o["image"])


def test_pooled_streams_match_freshly_built_ones() -> None:
    """The pool writes stream states straight into PCG64's C state; it must give the numbers
    the official state setter gives, also after a draw that leaves a buffered 32-bit half."""
    from augmentlab.core.rng import STREAMS, _Slot, derive_rng, stream_digest

    for k in range(40):
        path = (k, 7 * k + 1)
        pooled = STREAMS.get(k, 3 * k, k % 3, path)
        got = [pooled.random(), int(pooled.integers(0, 10**6, dtype=np.int32))]
        fresh = derive_rng(k, 3 * k, k % 3, path)
        assert got == [fresh.random(), int(fresh.integers(0, 10**6, dtype=np.int32))]
    fallback = _Slot()
    fallback.direct = False
    direct = _Slot()
    assert direct.direct  # on the 64-bit CPython builds we support the direct path is taken
    for k in range(10):
        digest = stream_digest(k, 0, 0, ())
        assert fallback.seat(digest).random(3).tolist() == direct.seat(digest).random(3).tolist()


def test_integer_draws_are_uniform_and_in_range() -> None:
    from scipy import stats

    from augmentlab.core.rng import integer

    rng = np.random.default_rng(11)
    draws = np.array([integer(rng, -3, 4) for _ in range(14000)])
    assert draws.min() == -3 and draws.max() == 3
    counts = np.bincount(draws + 3)
    assert stats.chisquare(counts).pvalue > 1e-3
    # a range that is a large fraction of 2**64 exercises the rejection branch
    wide = 3 * 2**62
    big = np.array([integer(rng, 0, wide) for _ in range(4000)], dtype=float) / wide
    assert big.min() >= 0 and big.max() < 1
    assert stats.kstest(big, "uniform").pvalue > 1e-3
    with pytest.raises(ValueError, match="empty"):
        integer(rng, 5, 5)


def test_integer_pairs_are_uniform_independent_and_in_range() -> None:
    from scipy import stats

    from augmentlab.core.rng import integer_pair

    rng = np.random.default_rng(12)
    pairs = np.array([integer_pair(rng, 3, 5) for _ in range(15000)])
    assert pairs[:, 0].min() == 0 and pairs[:, 0].max() == 2
    assert pairs[:, 1].min() == 0 and pairs[:, 1].max() == 4
    joint = np.bincount(pairs[:, 0] * 5 + pairs[:, 1], minlength=15)
    assert stats.chisquare(joint).pvalue > 1e-3  # uniform over all 15 cells: independent halves
    # ranges that are a large fraction of 2**32 exercise the rejection branch of each half
    wide = 3 * 2**30
    big = np.array([integer_pair(rng, wide, wide) for _ in range(4000)], dtype=float) / wide
    assert big.min() >= 0 and big.max() < 1
    assert stats.kstest(big[:, 0], "uniform").pvalue > 1e-3
    assert stats.kstest(big[:, 1], "uniform").pvalue > 1e-3
    assert integer_pair(rng, 1, 1) == (0, 0)
    with pytest.raises(ValueError, match="1..2"):
        integer_pair(rng, 0, 5)
