"""Video: the same spatial parameters on every frame by default, fresh ones per frame on request,
temporal crops and frame sampling that keep the frames' order."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, InvalidInput


def _clip(frames: int = 5, same: bool = False) -> np.ndarray:
    rng = np.random.default_rng(1)
    first = rng.integers(0, 256, (20, 28, 3), dtype=np.uint8)
    if same:
        return np.stack([first] * frames)
    return np.stack([np.roll(first, 3 * t, axis=1) for t in range(frames)])


def test_shared_parameters_are_the_same_on_every_frame() -> None:
    inner = al.Compose([al.Affine(rotate=25, scale=(0.8, 1.2), p=1.0), al.HueSaturationValue(p=1.0)])
    video = al.image.Video(inner)
    for seed in range(4):
        out = video(video=_clip(same=True), seed=seed)["video"]
        assert all(np.array_equal(out[0], f) for f in out[1:])  # identical frames stay identical
        assert not np.array_equal(out[0], _clip(same=True)[0])
    # on a moving clip: each frame is exactly the inner pipeline run alone with the same draw
    clip = _clip()
    out = video(video=clip, seed=7)
    seed = out.record.steps[0].params["seed"]
    for t, frame in enumerate(clip):
        alone = inner(image=frame, seed=seed, sample_id=0, copy=0)["image"]
        np.testing.assert_array_equal(out["video"][t], alone)


def test_per_frame_parameters_differ_between_frames_and_replay() -> None:
    video = al.image.Video(al.Affine(rotate=25, p=1.0), per_frame=True)
    pipe = al.Compose([video], seed=3)
    out = pipe(video=_clip(same=True), sample_id=0)
    frames = out["video"]
    assert len({f.tobytes() for f in frames}) == len(frames)  # a fresh rotation per frame
    again = pipe.replay(out.record, video=_clip(same=True))
    np.testing.assert_array_equal(again["video"], frames)
    with pytest.raises(InvalidInput, match="different sizes"):  # per-frame sizes cannot stack
        al.image.Video(al.RandomScale(scale_limit=0.5, p=1.0), per_frame=True)(video=_clip(), seed=0)


def test_temporal_crop_and_frame_sampling_keep_order() -> None:
    clip = np.arange(20, dtype=np.uint8)[:, None, None] * np.ones((1, 4, 4), np.uint8)
    for seed in range(5):
        crop = al.image.TemporalCrop(frames=6)(video=clip, seed=seed)["video"][:, 0, 0].astype(int)
        assert len(crop) == 6 and (np.diff(crop) == 1).all()
        uniform = al.image.FrameSample(frames=5)(video=clip, seed=seed)["video"][:, 0, 0].astype(int)
        assert (np.diff(uniform) == 4).all()  # every 4th frame, from a random phase
        picked = al.image.FrameSample(frames=5, mode="random")(video=clip, seed=seed)["video"][:, 0, 0]
        assert (np.diff(picked.astype(int)) > 0).all()
    short = al.image.FrameSample(frames=8)(video=clip[:3], seed=0)["video"][:, 0, 0].tolist()
    assert short == sorted(short) and len(short) == 8 and set(short) == {0, 1, 2}
    assert len(al.image.TemporalCrop(frames=50)(video=clip, seed=0)["video"]) == 20


def test_bad_video_is_refused() -> None:
    pipe = al.Compose([al.image.TemporalCrop(frames=2)], seed=0)
    with pytest.raises(InvalidInput, match=r"\(T, H, W\)"):
        pipe(video=np.zeros((4, 4), np.uint8))
    with pytest.raises(InvalidInput, match="uint8 or float32"):
        pipe(video=np.zeros((2, 4, 4), np.int64))
    with pytest.raises(InvalidConfig, match="per_frame"):
        al.image.Video(al.HorizontalFlip(p=1.0), per_frame="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidConfig, match="transforms must be"):
        al.image.Video(42)
