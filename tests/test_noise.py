"""Noise transforms are statistically what they claim to be."""

from __future__ import annotations

import numpy as np
from scipy import stats

import augmentlab as al
from augmentlab.image.functional.noise import gauss_noise, rounded_gauss_table


def test_uint8_gauss_noise_matches_rounded_normal() -> None:
    # mid-grey, small std: no clipping, so the added integers must follow round(N(0, s))
    img = np.full((256, 256, 3), 128, np.uint8)
    s = 0.05 * 255
    k = gauss_noise(img, 0.0, 0.05, seed=3, per_channel=True).astype(int) - 128
    support = np.arange(-60, 61)
    expected = stats.norm.cdf((support + 0.5) / s) - stats.norm.cdf((support - 0.5) / s)
    observed = np.array([(k == v).sum() for v in support])
    keep = expected * k.size > 5
    chi2 = (((observed[keep] - expected[keep] * k.size) ** 2) / (expected[keep] * k.size)).sum()
    p = stats.chi2.sf(chi2, keep.sum() - 1)
    assert p > 1e-3, (chi2, p)
    assert abs(k.mean()) < 0.05 and abs(k.std() - s) < 0.05


def test_table_is_the_exact_inverse_cdf() -> None:
    table = rounded_gauss_table(2.0, 30.0)
    ks = np.arange(-255, 256)
    frac = np.array([(table == v).mean() for v in ks])
    exact = np.diff(np.concatenate([[0.0], stats.norm.cdf((ks + 0.5 - 2.0) / 30.0)]))
    exact[-1] += 1 - exact.sum()
    assert np.abs(frac - exact).max() <= 1 / 65536 + 1e-12


def test_per_channel_false_shares_noise_across_channels() -> None:
    img = np.full((32, 32, 3), 128, np.uint8)
    out = al.GaussNoise(std_range=(0.1, 0.1), per_channel=False, p=1.0)(image=img, seed=1)["image"]
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    assert out.std() > 10


def test_float_gauss_noise_std() -> None:
    img = np.full((128, 128), 0.5, np.float32)
    out = al.GaussNoise(std_range=(0.05, 0.05), p=1.0)(image=img, seed=2)["image"]
    assert abs(float((out - 0.5).std()) - 0.05) < 0.002


def test_salt_and_pepper_amount() -> None:
    img = np.full((200, 200), 128, np.uint8)
    out = al.SaltAndPepper(amount=(0.1, 0.1), salt_vs_pepper=(0.5, 0.5), p=1.0)(image=img, seed=0)["image"]
    assert abs((out == 255).mean() - 0.05) < 0.005 and abs((out == 0).mean() - 0.05) < 0.005


def test_iso_noise_hue_wrap_matches_mod_and_stays_in_a_turn() -> None:
    from augmentlab.image.noise import _wrap_degrees

    rng = np.random.default_rng(0)
    near = rng.uniform(-77, 437, 50_000).astype(np.float32)  # the reach of 18-degree noise
    wrapped = _wrap_degrees(near.copy(), 18.0)
    assert np.array_equal(wrapped, np.mod(near, 360))
    far = rng.uniform(-2000, 2000, 50_000).astype(np.float32)  # wide noise: the np.mod path
    wrapped = _wrap_degrees(far.copy(), 400.0)
    assert wrapped.min() >= 0 and wrapped.max() <= 360
