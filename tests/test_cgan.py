"""ConditionalGAN: forms, determinism, persistence, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from augmentlab.datasets import load
from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.synth import ConditionalGAN, by_score


@pytest.mark.parametrize("loss", ["hinge", "wgan-gp"])
def test_digits_shapes_determinism_and_persistence(loss: str, tmp_path: Path) -> None:
    X, y = load("digits").train_set()
    a = ConditionalGAN(steps=30, width=16, loss=loss, seed=2).fit(X[:300], y[:300])
    b = ConditionalGAN(steps=30, width=16, loss=loss, seed=2).fit(X[:300], y[:300])
    sa = a.sample({3: 4, 7: 2}, seed=1)
    assert sa.X.shape == (6, 8, 8) and sa.X.dtype == np.uint8 and sa.y.tolist() == [3] * 4 + [7] * 2
    assert np.array_equal(sa.X, b.sample({3: 4, 7: 2}, seed=1).X)
    assert sa.scores is not None and len(by_score(sa, float(np.median(sa.scores))).kept) >= 3
    a.save(tmp_path / "gan")
    assert np.array_equal(ConditionalGAN.load(tmp_path / "gan").sample({3: 4, 7: 2}, seed=1).X, sa.X)
    cfg = json.loads((tmp_path / "gan" / "config.json").read_text())
    cfg["format"] = 2
    (tmp_path / "gan" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(InvalidConfig, match="upgrade augmentlab"):
        ConditionalGAN.load(tmp_path / "gan")


def test_bad_input() -> None:
    X, y = load("digits").train_set()
    with pytest.raises(InvalidInput, match="divisible by 4"):
        ConditionalGAN(steps=1).fit(np.zeros((10, 6, 6), np.uint8), np.arange(10) % 2)
    with pytest.raises(InvalidInput, match="uint8"):
        ConditionalGAN(steps=1).fit(X.astype(np.float32), y)
    with pytest.raises(InvalidConfig, match="hinge"):
        ConditionalGAN(loss="mse").fit(X, y)
    with pytest.raises(InvalidInput, match="call fit"):
        ConditionalGAN().sample(2, y=1)
