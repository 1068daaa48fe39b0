"""A conditional variational autoencoder for images and tables (torch, CPU).

The known failure of a plain CVAE on small data: the latent code learns the class too, the
decoder learns to read the class from the code, and the label input is ignored (asking for a 3
gives whatever digit the code drew). Two things fix it here:

- the encoder sees the label as well, and the code is small (16 numbers) with a full KL weight,
  so there is little room and no need to carry the class in it;
- label guidance: a small classifier is first trained on the same real rows, then frozen; during
  training, codes drawn from the prior are decoded with random labels and the classifier's
  cross-entropy on them is added to the loss, so the decoder must draw the class it is asked for.

Measured on 1,000 MNIST images (``bench/synth_mnist.py cvae [--guidance 0]``): an independent
classifier recognised 71% of the samples as the class asked for with the first fix alone, 92%
with label guidance too.

Images are modelled as pixel probabilities (Bernoulli likelihood), tables as standardised columns
(Gaussian likelihood). Saved with safetensors and a JSON config, never pickle.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require_torch
from ..core.types import ArrayLike
from .base import Generator, TableInfo, check_table
from .persist import load_nets, read_config, save_nets

__all__ = ["ConditionalVAE"]

FORMAT_VERSION = 1


def _torch() -> Any:
    return require_torch("ConditionalVAE")


def _mlp(sizes: list[int], last: Any = None) -> Any:
    nn = _torch().nn
    layers: list[Any] = []
    for a, b in zip(sizes[:-2], sizes[1:-1], strict=True):
        layers += [nn.Linear(a, b), nn.ReLU()]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    if last is not None:
        layers.append(last)
    return nn.Sequential(*layers)


class ConditionalVAE(Generator):
    """Conditional VAE: ``sample(n, y=c)`` draws new rows of class ``c``; ``encode``/``decode``
    move between rows and latent codes; ``interpolate`` walks between two real rows.

    Args:
        latent_dim: size of the latent code.
        hidden: widths of the encoder's hidden layers (the decoder mirrors them).
        epochs: passes over the data (default: enough for ``steps`` optimizer steps).
        steps: the training budget in optimizer steps when ``epochs`` is not given.
        beta: weight of the KL term.
        guidance: weight of the label-guidance term (0 turns it off: a plain CVAE).
        seed: weights, batches and the guidance classifier follow it.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (60, 4)), rng.normal(3, 1, (60, 4))]); y = np.repeat([0, 1], 60)
        >>> vae = ConditionalVAE(latent_dim=2, hidden=(32,), epochs=300).fit(X, y)
        >>> s = vae.sample(200, y=1, seed=0)
        >>> bool(abs(s.X.mean() - 3) < 1.0), s.parents[0] is None
        (True, True)
    """

    def __init__(self, *, latent_dim: int = 16, hidden: tuple[int, ...] = (512, 256),
                 epochs: int | None = None, steps: int = 2500, batch_size: int = 64,
                 lr: float = 1e-3, beta: float = 1.0, guidance: float = 1.0, seed: int = 0) -> None:
        super().__init__()
        self.latent_dim, self.hidden, self.epochs = latent_dim, tuple(hidden), epochs
        self.steps = steps
        self.batch_size, self.lr, self.beta, self.guidance = batch_size, lr, beta, guidance
        self.seed = seed
        self.history_: list[dict[str, float]] = []

    # -- data form ---------------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike, *, progress: bool = False) -> ConditionalVAE:  # type: ignore[override]
        """Train on real rows (a uint8 image array ``(N, H, W[, C])`` or a table)."""
        for name in ("latent_dim", "batch_size", "steps"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidConfig(f"ConditionalVAE: {name}={v!r} must be a positive integer")
        arr = np.asarray(X) if not hasattr(X, "columns") else None
        if arr is not None and arr.ndim >= 3:
            if arr.dtype != np.uint8:
                raise InvalidInput("ConditionalVAE: images must be uint8 (N, H, W[, C])")
            ya = np.asarray(y)
            if len(ya) != len(arr):
                raise InvalidInput(f"ConditionalVAE: {len(arr)} images but {len(ya)} labels")
            self.image_shape_: tuple[int, ...] | None = tuple(arr.shape[1:])
            flat = arr.reshape(len(arr), -1).astype(np.float64) / 255.0
            self._info = TableInfo(None, None, None, ya.dtype, flat.shape[1])
            self.X_, self.y_ = flat, ya
        else:
            self.image_shape_ = None
            Xa, ya, info = check_table(X, y, "ConditionalVAE")
            self._info, self.X_, self.y_ = info, Xa, ya
        self.classes_ = np.unique(self.y_)
        self._train(progress)
        return self

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:  # fit() is overridden
        raise NotImplementedError

    def _to_unit(self, X: np.ndarray) -> np.ndarray:
        if self.image_shape_ is not None:
            return X
        return (X - self.mean_) / self.scale_

    def _from_unit(self, Z: np.ndarray) -> np.ndarray:
        if self.image_shape_ is not None:
            return Z
        return Z * self.scale_ + self.mean_

    def _restore(self, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        if getattr(self, "image_shape_", None):
            images = np.clip(np.rint(X * 255.0), 0, 255).astype(np.uint8)
            shape: tuple[int, ...] = self.image_shape_ or ()
            return images.reshape((len(X), *shape)), y
        return super()._restore(X, y)

    # -- networks ----------------------------------------------------------------------------------
    def _build(self, width: int, n_classes: int) -> None:
        torch = _torch()
        sizes = list(self.hidden)
        self.encoder_ = _mlp([width + n_classes, *sizes, 2 * self.latent_dim])
        last = torch.nn.Sigmoid() if self.image_shape_ is not None else None
        self.decoder_ = _mlp([self.latent_dim + n_classes, *reversed(sizes), width], last)
        self.guide_ = _mlp([width, 256, n_classes])

    def _onehot(self, labels: np.ndarray) -> Any:
        torch = _torch()
        assert self.classes_ is not None
        index = np.searchsorted(self.classes_, labels)
        return torch.nn.functional.one_hot(torch.from_numpy(index.astype(np.int64)),
                                           len(self.classes_)).float()

    def _train(self, progress: bool) -> None:
        torch = _torch()
        assert self.X_ is not None and self.y_ is not None and self.classes_ is not None
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # bit-identical results whatever the machine's thread count
        try:
            torch.manual_seed(self.seed)
            rng = np.random.default_rng(self.seed)
            n, width = self.X_.shape
            k = len(self.classes_)
            if self.image_shape_ is None:
                self.mean_ = self.X_.mean(axis=0)
                self.scale_ = np.where(self.X_.std(axis=0) > 0, self.X_.std(axis=0), 1.0)
            data = torch.from_numpy(self._to_unit(self.X_).astype(np.float32))
            labels = self._onehot(self.y_)
            index = torch.from_numpy(np.searchsorted(self.classes_, self.y_).astype(np.int64))
            self._build(width, k)
            batch = min(self.batch_size, n)
            epochs = self.epochs or max(1, int(np.ceil(self.steps / max(1, n // batch))))
            # 1. the guidance classifier, on the real rows only, then frozen
            if self.guidance > 0 and k > 1:
                opt_g = torch.optim.Adam(self.guide_.parameters(), lr=1e-3, weight_decay=1e-4)
                for _ in range(min(epochs, 60)):
                    for idx in np.array_split(rng.permutation(n), max(1, n // batch)):
                        opt_g.zero_grad()
                        torch.nn.functional.cross_entropy(self.guide_(data[idx]), index[idx]).backward()
                        opt_g.step()
                self.guide_.requires_grad_(False)
            # 2. the VAE
            params = list(self.encoder_.parameters()) + list(self.decoder_.parameters())
            opt = torch.optim.Adam(params, lr=self.lr)
            self.history_ = []
            start = time.perf_counter()
            for epoch in range(epochs):
                totals = np.zeros(3)
                for idx in np.array_split(rng.permutation(n), max(1, n // batch)):
                    x, c = data[idx], labels[idx]
                    mu, logvar = self.encoder_(torch.cat([x, c], 1)).chunk(2, dim=1)
                    z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
                    out = self.decoder_(torch.cat([z, c], 1))
                    if self.image_shape_ is not None:
                        recon = torch.nn.functional.binary_cross_entropy(out, x, reduction="sum")
                    else:
                        recon = 0.5 * ((out - x) ** 2).sum()
                    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
                    loss = (recon + self.beta * kl) / len(idx)
                    guide = torch.zeros(())
                    if self.guidance > 0 and k > 1:
                        want = torch.from_numpy(rng.integers(0, k, len(idx)))
                        fake = self.decoder_(torch.cat([torch.randn(len(idx), self.latent_dim),
                                                        torch.nn.functional.one_hot(want, k).float()], 1))
                        guide = torch.nn.functional.cross_entropy(self.guide_(fake), want)
                        loss = loss + self.guidance * guide * width / 10.0  # on the scale of recon
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    totals += [recon.detach().item() / len(idx), kl.detach().item() / len(idx),
                               guide.detach().item()]
                batches = max(1, n // batch)
                record = {"epoch": epoch + 1, "recon": float(totals[0] / batches),
                          "kl": float(totals[1] / batches),
                          "guidance": float(totals[2] / batches)}
                self.history_.append(record)
                if progress:
                    print(f"epoch {epoch + 1}/{epochs}  recon {record['recon']:.2f}  kl "
                          f"{record['kl']:.2f}  guidance {record['guidance']:.3f}  "
                          f"({time.perf_counter() - start:.0f} s)", flush=True)
            self.encoder_.eval()
            self.decoder_.eval()
        finally:
            torch.set_num_threads(threads)

    # -- sampling and the latent space ------------------------------------------------------------------
    def _decode_unit(self, z: np.ndarray, labels: np.ndarray) -> np.ndarray:
        torch = _torch()
        with torch.no_grad():
            out = self.decoder_(torch.cat([torch.from_numpy(z.astype(np.float32)),
                                           self._onehot(labels)], 1))
        return out.numpy().astype(np.float64)

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        z = rng.standard_normal((n, self.latent_dim))
        unit = self._decode_unit(z, np.full(n, cls))
        scores = None
        if self.guidance > 0 and self.classes_ is not None and len(self.classes_) > 1:
            torch = _torch()
            with torch.no_grad():
                proba = torch.softmax(self.guide_(torch.from_numpy(unit.astype(np.float32))), 1)
            scores = proba[:, int(np.searchsorted(self.classes_, cls))].numpy().astype(np.float64)
        return self._from_unit(unit), [None] * n, scores

    def _rows_unit(self, X: Any) -> np.ndarray:
        arr = np.asarray(X)
        if self.image_shape_ is not None:
            return arr.reshape(len(arr), -1).astype(np.float64) / 255.0
        return self._to_unit(np.asarray(X, dtype=np.float64).reshape(len(arr), -1))

    def encode(self, X: ArrayLike, y: ArrayLike) -> np.ndarray:
        """Latent means ``(N, latent_dim)`` of real rows with their labels."""
        self._check_fitted()
        torch = _torch()
        with torch.no_grad():
            h = self.encoder_(torch.cat([torch.from_numpy(self._rows_unit(X).astype(np.float32)),
                                         self._onehot(np.asarray(y))], 1))
        return h.chunk(2, dim=1)[0].numpy().astype(np.float64)

    def decode(self, z: ArrayLike, y: ArrayLike) -> Any:
        """Rows (images or table rows) decoded from latent codes with the given labels."""
        self._check_fitted()
        z = np.asarray(z, dtype=np.float64).reshape(-1, self.latent_dim)
        labels = np.asarray(y) if np.ndim(y) else np.full(len(z), y)
        X, _ = self._restore(self._from_unit(self._decode_unit(z, labels)), labels)
        return X

    def interpolate(self, a: ArrayLike, b: ArrayLike, steps: int = 8, *, y: Hashable) -> Any:
        """``steps`` rows on the straight latent path from real row `a` to real row `b` (both
        encoded with label `y`, decoded with it): variations between two real samples.

        Example:
            >>> rng = np.random.default_rng(0)
            >>> X = rng.normal(size=(80, 3)); y = np.repeat([0, 1], 40)
            >>> vae = ConditionalVAE(latent_dim=2, hidden=(16,), epochs=5).fit(X, y)
            >>> vae.interpolate(X[0], X[1], 5, y=0).shape
            (5, 3)
        """
        label = np.asarray([y])
        za, zb = self.encode(np.asarray([a]), label)[0], self.encode(np.asarray([b]), label)[0]
        t = np.linspace(0.0, 1.0, int(steps))[:, None]
        return self.decode((1 - t) * za + t * zb, np.full(len(t), y))

    # -- persistence -------------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.safetensors`` and ``config.json`` into `directory`."""
        self._check_fitted()
        assert self.classes_ is not None and self.X_ is not None
        config = {"format": FORMAT_VERSION, "name": "ConditionalVAE", "params": self.get_params(),
                  "classes": self.classes_.tolist(), "width": int(self.X_.shape[1]),
                  "image_shape": list(self.image_shape_) if self.image_shape_ else None,
                  "mean": None if self.image_shape_ else self.mean_.tolist(),
                  "scale": None if self.image_shape_ else self.scale_.tolist()}
        return save_nets(directory, {"encoder": self.encoder_, "decoder": self.decoder_,
                                     "guide": self.guide_}, config)

    @classmethod
    def load(cls, directory: str | Path) -> ConditionalVAE:
        """Rebuild a saved model (config checked, weights from safetensors)."""
        config = read_config(directory, "ConditionalVAE", FORMAT_VERSION)
        params = dict(config["params"])
        params["hidden"] = tuple(params["hidden"])
        model = cls(**params)
        model.classes_ = np.asarray(config["classes"])
        model.image_shape_ = tuple(config["image_shape"]) if config["image_shape"] else None
        if model.image_shape_ is None:
            model.mean_, model.scale_ = np.asarray(config["mean"]), np.asarray(config["scale"])
        width = int(config["width"])
        model._info = TableInfo(None, None, None, model.classes_.dtype, width)
        model._build(width, len(model.classes_))
        load_nets(directory, {"encoder": model.encoder_, "decoder": model.decoder_, "guide": model.guide_})
        model.X_ = np.zeros((0, width))
        model.y_ = np.zeros(0, dtype=model.classes_.dtype)
        return model
