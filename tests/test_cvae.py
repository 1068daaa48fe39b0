"""ConditionalVAE: determinism, forms, persistence, and the MNIST label-agreement bar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from augmentlab.datasets import load
from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.synth import ConditionalVAE


def _table() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (80, 3)), rng.normal(4, 0.5, (80, 3))])
    return X, np.repeat([0, 1], 80)


def test_tables_deterministic_pandas_and_persistent(tmp_path: Path) -> None:
    X, y = _table()
    a = ConditionalVAE(latent_dim=2, hidden=(32,), epochs=300, seed=1).fit(X, y)
    b = ConditionalVAE(latent_dim=2, hidden=(32,), epochs=300, seed=1).fit(X, y)
    sa, sb = a.sample(50, y=1, seed=3), b.sample(50, y=1, seed=3)
    assert np.array_equal(sa.X, sb.X)  # same seed, same weights, same samples
    assert abs(sa.X.mean() - 4) < 1.0 and abs(a.sample(200, y=0, seed=3).X.mean()) < 1.0
    assert sa.scores is not None and sa.scores.min() >= 0 and all(p is None for p in sa.parents)
    a.save(tmp_path / "vae")
    again = ConditionalVAE.load(tmp_path / "vae")
    assert np.array_equal(again.sample(50, y=1, seed=3).X, sa.X)
    config = json.loads((tmp_path / "vae" / "config.json").read_text())
    assert not list((tmp_path / "vae").glob("*.pkl"))
    config["format"] = 99
    (tmp_path / "vae" / "config.json").write_text(json.dumps(config))
    with pytest.raises(InvalidConfig, match="format 99.*upgrade augmentlab"):
        ConditionalVAE.load(tmp_path / "vae")
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    s = ConditionalVAE(latent_dim=2, hidden=(16,), epochs=5).fit(frame, pd.Series(y)).sample(4, y=0)
    assert list(s.X.columns) == ["a", "b", "c"]
    with pytest.raises(InvalidInput, match="non-negative"):
        a.sample(-1, y=0)
    assert a.interpolate(X[0], X[1], 6, y=0).shape == (6, 3)


def test_images_round_trip_shapes() -> None:
    data = load("digits")
    X, y = data.train_set()
    vae = ConditionalVAE(latent_dim=4, hidden=(64,), epochs=3).fit(X[:300], y[:300])
    s = vae.sample(5, y=3, seed=0)
    assert s.X.shape == (5, 8, 8) and s.X.dtype == np.uint8
    assert vae.encode(X[:4], y[:4]).shape == (4, 4)
    assert vae.decode(np.zeros((2, 4)), 7).shape == (2, 8, 8)
    with pytest.raises(InvalidInput, match="uint8"):
        ConditionalVAE().fit(X[:10].astype(np.float32), y[:10])


@pytest.mark.slow
def test_mnist_samples_are_recognised_as_the_class_asked_for(mnist_oracle) -> None:  # noqa: ANN001
    vae = ConditionalVAE(seed=0).fit(mnist_oracle.X, mnist_oracle.y)
    s = vae.sample({c: 100 for c in range(10)}, seed=0)
    agreement = mnist_oracle.agreement(s.X, s.y)
    assert agreement >= 0.90, agreement
    # Frechet distance in the oracle's feature space, vs noise-perturbed copies of real images
    fd_syn, fd_noisy = mnist_oracle.distance(s.X), mnist_oracle.noisy_distance
    assert fd_syn < 0.75 * fd_noisy, (fd_syn, fd_noisy)  # measured: ~43 vs ~74
