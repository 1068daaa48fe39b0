"""Colour kernels against plain-numpy references (the fast paths must mean the same thing)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import augmentlab as al


@pytest.fixture
def rgb() -> np.ndarray:
    return np.random.default_rng(0).integers(20, 230, (37, 53, 3), dtype=np.uint8)


def _one(t: al.Transform, image: np.ndarray, sid: int = 0) -> tuple[np.ndarray, dict]:
    out = al.Compose([t], seed=1)(image=image, sample_id=sid)
    return out["image"], out.record.steps[0].params


def test_channel_shuffle_is_the_recorded_permutation(rgb: np.ndarray) -> None:
    for sid in range(6):
        out, params = _one(al.ChannelShuffle(p=1.0), rgb, sid)
        assert np.array_equal(out, rgb[:, :, params["order"]])
    five = np.random.default_rng(1).integers(0, 255, (8, 9, 5), dtype=np.uint8)
    out, params = _one(al.ChannelShuffle(p=1.0), five)
    assert np.array_equal(out, five[:, :, params["order"]])


def test_autocontrast_matches_numpy(rgb: np.ndarray) -> None:
    out, _ = _one(al.AutoContrast(p=1.0), rgb)
    lo, hi = rgb.min(axis=(0, 1)), rgb.max(axis=(0, 1))
    ref = np.clip(np.rint((rgb - lo) * (255.0 / (hi - lo))), 0, 255).astype(np.uint8)
    assert np.array_equal(out, ref)
    f = rgb.astype(np.float32) / 255
    out_f, _ = _one(al.AutoContrast(p=1.0), f)
    lo, hi = f.min(axis=(0, 1)), f.max(axis=(0, 1))
    np.testing.assert_allclose(out_f, (f - lo) / (hi - lo), atol=1e-6)


def test_normalize_matches_numpy(rgb: np.ndarray) -> None:
    out, _ = _one(al.Normalize(), rgb)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(out, (rgb / 255.0 - mean) / std, atol=1e-5)
    assert out.dtype == np.float32
    gray = rgb[:, :, 0]
    out, _ = _one(al.Normalize(mean=0.5, std=0.25), gray)
    np.testing.assert_allclose(out, (gray / 255.0 - 0.5) / 0.25, atol=1e-5)


def test_to_gray_is_luma(rgb: np.ndarray) -> None:
    out, _ = _one(al.ToGray(p=1.0), rgb)
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    assert np.abs(out[..., 0].astype(float) - luma).max() <= 1.0
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()


def test_color_jitter_brightness_alone_scales(rgb: np.ndarray) -> None:
    t = al.ColorJitter(brightness=(1.3, 1.3), contrast=0, saturation=0, hue=0, p=1.0)
    out, _ = _one(t, rgb)
    assert np.array_equal(out, np.clip(np.rint(rgb * 1.3), 0, 255).astype(np.uint8))


def test_color_jitter_saturation_zero_is_gray(rgb: np.ndarray) -> None:
    t = al.ColorJitter(brightness=0, contrast=0, saturation=(0.0, 0.0), hue=0, p=1.0)
    out, _ = _one(t, rgb)
    assert np.abs(out.astype(int) - al.ToGray(p=1.0)(image=rgb)["image"].astype(int)).max() <= 1


def test_hsv_value_shift_on_gray_and_rgb(rgb: np.ndarray) -> None:
    t = al.HueSaturationValue(hue_shift_limit=0, sat_shift_limit=0, val_shift_limit=(10, 10), p=1.0)
    out, _ = _one(t, rgb[:, :, 0])
    assert np.array_equal(out, np.clip(rgb[:, :, 0].astype(int) + 10, 0, 255).astype(np.uint8))
    out, _ = _one(t, rgb)
    assert np.abs(out.max(axis=2).astype(int) - (rgb.max(axis=2).astype(int) + 10)).max() <= 1


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("order", list(itertools.permutations(range(3))) + [(3, 1, 0, 2)])
def test_channel_shuffle_moves_channels_exactly(dtype: type, order: tuple[int, ...]) -> None:
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (17, 23, len(order)), dtype=np.uint8)
    img = img if dtype is np.uint8 else (img / 255).astype(np.float32)
    out = al.ChannelShuffle(p=1.0).apply_image(img, {"order": list(order)})
    assert out.dtype == img.dtype and not np.shares_memory(out, img)
    np.testing.assert_array_equal(out, img[..., list(order)])
