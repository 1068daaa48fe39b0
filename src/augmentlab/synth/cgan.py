"""A conditional GAN for images (DCGAN-style) and tables (CTGAN-style), torch on CPU.

Images: the generator draws a 7x7 (for 28x28 images; a quarter of the size in general) feature
map from noise and a label embedding and upsamples it twice with transposed convolutions; the
discriminator is a projection discriminator (Miyato & Koyama, 2018) with spectral norm: its
score is a function of the image plus the dot product of the image's features with the label's
embedding, which makes it judge *class-conditional* realism. Real and generated images are
shifted alike before it sees them (DiffAugment, Zhao et al., 2020), so that it cannot memorise
a small training set. Losses: hinge (default) or WGAN-GP (``loss="wgan-gp"``).

Tables: numeric columns with mode-specific normalisation (`ModeNormalizer`, as CTGAN), one-hot
categorical columns through a Gumbel-softmax, MLP generator and projection discriminator.

As in `ConditionalVAE`, a small classifier trained on the same real rows and then frozen adds a
label-guidance term, so that a sample asked for class c is drawn as class c; samples come from
an exponential moving average of the generator's weights. The generator has no batch norm: a
sample does not depend on the batch it was drawn in. Each sample's score is the
discriminator's (a critic score for `augmentlab.synth.by_score`).

Measured on 1,000 MNIST images, 2-core VM (``bench/synth_mnist.py cgan``): the defaults train in
273 s; an independent classifier recognises 96.9% of the samples as the class asked for, with a
Fréchet distance (oracle features) of 39.2 against 74.3 for noise-perturbed real images.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require_torch
from ..core.types import ArrayLike
from .base import Generator, TableInfo, check_table, plain
from .modenorm import ModeNormalizer, Span
from .persist import load_nets, read_config, save_nets

__all__ = ["ConditionalGAN"]

FORMAT_VERSION = 1
TABLE_BATCH = 256  # see `ConditionalGAN`'s batch_size


def _torch() -> Any:
    return require_torch("ConditionalGAN")


def _networks(shape: tuple[int, ...], n_classes: int, noise_dim: int, width: int) -> tuple[Any, Any, Any]:
    torch = _torch()
    nn = torch.nn
    h, w = shape[0], shape[1]
    c = 1 if len(shape) == 2 else shape[2]
    h4, w4 = h // 4, w // 4

    class Gen(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(n_classes, noise_dim)
            # no batch norm: a sample must not depend on the batch it was drawn in, and
            # train-mode and eval-mode outputs must agree
            self.fc = nn.Sequential(nn.Linear(2 * noise_dim, 2 * width * h4 * w4), nn.ReLU())
            self.up = nn.Sequential(
                nn.ConvTranspose2d(2 * width, width, 4, 2, 1),
                nn.GroupNorm(8 if width % 8 == 0 else 1, width), nn.ReLU(),
                nn.ConvTranspose2d(width, c, 4, 2, 1), nn.Sigmoid())

        def forward(self, z: Any, y: Any) -> Any:
            x = self.fc(torch.cat([z, self.embed(y)], 1)).view(-1, 2 * width, h4, w4)
            return self.up(x)

    class Disc(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            sn = nn.utils.parametrizations.spectral_norm  # SNGAN: a 1-Lipschitz critic, stabler
            self.body = nn.Sequential(
                sn(nn.Conv2d(c, width, 4, 2, 1)), nn.LeakyReLU(0.2),
                sn(nn.Conv2d(width, 2 * width, 4, 2, 1)), nn.LeakyReLU(0.2), nn.Flatten())
            feat = 2 * width * h4 * w4
            self.out = sn(nn.Linear(feat, 1))
            self.embed = sn(nn.Embedding(n_classes, feat))

        def forward(self, x: Any, y: Any) -> Any:
            f = self.body(x)
            return self.out(f).squeeze(1) + (self.embed(y) * f).sum(1)  # projection term

    guide = nn.Sequential(nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(32 * h4 * w4, 64), nn.ReLU(), nn.Linear(64, n_classes))
    return Gen(), Disc(), guide


def _translate(x: Any, shift: int, rng: np.random.Generator) -> Any:
    """Each image moved by up to `shift` pixels, zero-filled (DiffAugment's translation, Zhao et
    al., 2020): real and generated images are shown to the discriminator moved alike, which keeps
    it from memorising a small training set. Differentiable in `x`."""
    if shift == 0:
        return x
    torch = _torch()
    b, _, h, w = x.shape
    dy = torch.from_numpy(rng.integers(-shift, shift + 1, b))
    dx = torch.from_numpy(rng.integers(-shift, shift + 1, b))
    padded = torch.nn.functional.pad(x, (shift, shift, shift, shift))
    rows = (torch.arange(h)[None, :] + dy[:, None] + shift)[:, :, None]
    cols = (torch.arange(w)[None, :] + dx[:, None] + shift)[:, None, :]
    return padded[torch.arange(b)[:, None, None], :, rows, cols].permute(0, 3, 1, 2)


def _table_networks(spans: list[Span], n_classes: int, noise_dim: int, hidden: int
                    ) -> tuple[Any, Any, Any]:
    """MLPs for encoded table rows: scalar outputs through ``tanh``, one-hot groups through a
    Gumbel-softmax while training (a differentiable draw; CTGAN's choice) and a softmax after."""
    torch = _torch()
    nn = torch.nn
    width = sum(s.size for s in spans)

    class Gen(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(n_classes, noise_dim)
            self.body = nn.Sequential(nn.Linear(2 * noise_dim, hidden), nn.ReLU(),
                                      nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, width))

        def forward(self, z: Any, y: Any) -> Any:
            raw = self.body(torch.cat([z, self.embed(y)], 1))
            parts = []
            for span in spans:
                block = raw[:, span.start:span.start + span.size]
                if span.kind == "scalar":
                    parts.append(torch.tanh(block))
                elif self.training:
                    parts.append(nn.functional.gumbel_softmax(block, tau=0.2))
                else:
                    parts.append(torch.softmax(block, 1))
            return torch.cat(parts, 1)

    class Disc(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            sn = nn.utils.parametrizations.spectral_norm
            self.body = nn.Sequential(sn(nn.Linear(width, hidden)), nn.LeakyReLU(0.2),
                                      sn(nn.Linear(hidden, hidden)), nn.LeakyReLU(0.2))
            self.out = sn(nn.Linear(hidden, 1))
            self.embed = sn(nn.Embedding(n_classes, hidden))

        def forward(self, x: Any, y: Any) -> Any:
            f = self.body(x)
            return self.out(f).squeeze(1) + (self.embed(y) * f).sum(1)

    guide = nn.Sequential(nn.Linear(width, 128), nn.ReLU(), nn.Linear(128, n_classes))
    return Gen(), Disc(), guide


class ConditionalGAN(Generator):
    """Conditional GAN for images (DCGAN-style) and tables (CTGAN-style).

    Images: uint8 ``(N, H, W[, C])`` with H and W divisible by 4; a convolutional generator and
    a projection discriminator that sees real and generated images shifted alike (DiffAugment).
    Tables: numeric columns (pandas or arrays) with mode-specific normalisation
    (`ModeNormalizer`), categorical columns named by ``categorical_features``; real batches are
    drawn class-balanced so that a rare class is learnt as often as a common one.

    Against mode collapse (every noise vector drawing the same image): a mode-seeking term
    (``diversity``), an exponential moving average of the generator's weights for sampling
    (``ema``), and the label-guidance term of `ConditionalVAE` (``guidance``) so a sample asked
    for class c looks like class c. Each sample's score is the discriminator's (for
    `augmentlab.synth.by_score`).

    Args:
        steps: generator updates (the discriminator is updated once per step, five times with
            WGAN-GP).
        width: channels of the image networks; tables use ``8 * width`` hidden units.
        batch_size: rows per step; by default 64 images or 256 table rows. A table's
            discriminator sees a class-conditional shift of one column only across many rows
            (CTGAN uses 500): on the mixed test table, the rare class's shifted column came out
            0.26-0.60 from its real mean with 256 rows, 0.37-1.35 with 64 (4 seeds,
            bench/cgan_table.py).
        loss: ``"hinge"`` or ``"wgan-gp"``.
        guidance: weight of the label-guidance term (0: off).
        ema: decay of the weight average used for sampling (0: the last weights).
        augment: shift images before the discriminator sees them (images only).
        categorical_features: indices of categorical table columns.

    Example:
        >>> from augmentlab.datasets import load
        >>> X, y = load("digits").train_set()
        >>> gan = ConditionalGAN(steps=20, width=16).fit(X[:200], y[:200])
        >>> s = gan.sample(3, y=5, seed=0)
        >>> s.X.shape, s.X.dtype.name, s.scores.shape
        ((3, 8, 8), 'uint8', (3,))
    """

    def __init__(self, *, steps: int = 2000, noise_dim: int = 64, width: int = 32,
                 batch_size: int | None = None, lr: float = 2e-4, loss: str = "hinge",
                 guidance: float = 0.1, ema: float = 0.999,
                 augment: bool = True, categorical_features: tuple[int, ...] = (),
                 seed: int = 0) -> None:
        super().__init__()
        self.steps, self.noise_dim, self.width = steps, noise_dim, width
        self.batch_size, self.lr, self.loss = batch_size, lr, loss
        self.guidance, self.ema, self.augment = guidance, ema, augment
        self.categorical_features = tuple(categorical_features)
        self.seed = seed
        self.history_: list[dict[str, float]] = []

    def fit(self, X: ArrayLike, y: ArrayLike, *, progress: bool = False) -> ConditionalGAN:  # type: ignore[override]
        """Train on uint8 images or a table, and their labels."""
        if self.loss not in ("hinge", "wgan-gp"):
            raise InvalidConfig(f"ConditionalGAN: loss={self.loss!r} must be 'hinge' or 'wgan-gp'")
        for name in ("steps", "noise_dim", "width", "batch_size"):
            v = getattr(self, name)
            if name == "batch_size" and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidConfig(f"ConditionalGAN: {name}={v!r} must be a positive integer")
        if not 0 <= self.ema < 1:
            raise InvalidConfig(f"ConditionalGAN: ema={self.ema!r} must be in [0, 1)")
        arr = None if hasattr(X, "columns") else np.asarray(X)
        if arr is not None and arr.ndim >= 3:
            if arr.ndim > 4 or arr.dtype != np.uint8:
                raise InvalidInput("ConditionalGAN: images must be uint8 (N, H, W[, C])")
            if arr.shape[1] % 4 or arr.shape[2] % 4:
                raise InvalidInput(f"ConditionalGAN: image size {arr.shape[1]}x{arr.shape[2]} must be "
                                   "divisible by 4; pad or resize the images first")
            ya = np.asarray(y)
            if len(ya) != len(arr):
                raise InvalidInput(f"ConditionalGAN: {len(arr)} images but {len(ya)} labels")
            self.image_shape_: tuple[int, ...] | None = tuple(arr.shape[1:])
            self.norm_: ModeNormalizer | None = None
            self._info = TableInfo(None, None, None, ya.dtype, int(np.prod(self.image_shape_)))
            self.X_ = arr.reshape(len(arr), -1).astype(np.float64) / 255.0
            self.y_ = ya
        else:
            Xa, ya, info = check_table(X, y, "ConditionalGAN", categorical=self.categorical_features)
            self.image_shape_, self._info, self.X_, self.y_ = None, info, Xa, ya
            self.norm_ = ModeNormalizer(self.categorical_features, seed=self.seed).fit(Xa)
        self.classes_ = np.unique(self.y_)
        self._train(progress)
        return self

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:  # fit() is overridden
        raise NotImplementedError

    def _build(self, n_classes: int) -> None:
        if self.image_shape_ is not None:
            self.gen_, self.disc_, self.guide_ = _networks(self.image_shape_, n_classes,
                                                           self.noise_dim, self.width)
        else:
            assert self.norm_ is not None
            self.gen_, self.disc_, self.guide_ = _table_networks(self.norm_.spans, n_classes,
                                                                 self.noise_dim, 8 * self.width)

    def _real(self, rng: np.random.Generator) -> Any:
        """The training rows as the networks see them."""
        torch = _torch()
        assert self.X_ is not None
        if self.image_shape_ is not None:
            x = self.X_.reshape((len(self.X_), *self.image_shape_)).astype(np.float32)
            x = x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)
            return torch.from_numpy(np.ascontiguousarray(x))
        assert self.norm_ is not None
        return torch.from_numpy(self.norm_.transform(self.X_, rng).astype(np.float32))

    def _train(self, progress: bool) -> None:
        torch = _torch()
        nn = torch.nn
        assert self.classes_ is not None and self.y_ is not None
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # bit-identical whatever the machine's thread count
        try:
            torch.manual_seed(self.seed)
            rng = np.random.default_rng(self.seed)
            k = len(self.classes_)
            self._build(k)
            data = self._real(rng)
            codes = np.searchsorted(self.classes_, self.y_)
            index = torch.from_numpy(codes.astype(np.int64))
            pools = [np.flatnonzero(codes == c) for c in range(k)]
            default = 64 if self.image_shape_ is not None else TABLE_BATCH
            batch = min(self.batch_size or default, len(codes))

            def draw() -> np.ndarray:  # class-balanced rows: each class as often as any other
                picks = rng.integers(0, k, batch)
                offsets = rng.random(batch)
                return np.array([pools[c][int(o * len(pools[c]))] for c, o in zip(picks, offsets, strict=True)])

            if self.guidance > 0 and k > 1:  # the guidance classifier, on real rows only
                opt_c = torch.optim.Adam(self.guide_.parameters(), lr=1e-3, weight_decay=1e-4)
                for _ in range(600):
                    idx = draw()
                    opt_c.zero_grad()
                    nn.functional.cross_entropy(self.guide_(data[idx]), index[idx]).backward()
                    opt_c.step()
                self.guide_.eval()
                self.guide_.requires_grad_(False)
            opt_g = torch.optim.Adam(self.gen_.parameters(), lr=self.lr, betas=(0.0, 0.9))
            opt_d = torch.optim.Adam(self.disc_.parameters(), lr=self.lr, betas=(0.0, 0.9))
            # samples come from an exponential moving average of the generator's weights: it
            # smooths out the last steps' oscillation at no training cost
            ema_gen = copy.deepcopy(self.gen_).requires_grad_(False)
            d_steps = 5 if self.loss == "wgan-gp" else 1
            shape = self.image_shape_
            shift = max(1, shape[0] // 8) if shape is not None and self.augment else 0
            start = time.perf_counter()
            self.history_ = []
            for step in range(1, self.steps + 1):
                for _ in range(d_steps):
                    idx = draw()
                    real, labels = data[idx], index[idx]
                    with torch.no_grad():
                        fake = self.gen_(torch.randn(batch, self.noise_dim), labels)
                    d_real = self.disc_(_translate(real, shift, rng), labels)
                    d_fake = self.disc_(_translate(fake, shift, rng), labels)
                    if self.loss == "hinge":
                        d_loss = torch.relu(1 - d_real).mean() + torch.relu(1 + d_fake).mean()
                    else:
                        mix = torch.rand(batch, *([1] * (real.dim() - 1)))
                        between = (mix * real + (1 - mix) * fake).requires_grad_(True)
                        grad = torch.autograd.grad(self.disc_(between, labels).sum(), between,
                                                   create_graph=True)[0]
                        penalty = ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
                        d_loss = d_fake.mean() - d_real.mean() + 10 * penalty
                    opt_d.zero_grad()
                    d_loss.backward()
                    opt_d.step()
                labels = torch.from_numpy(rng.integers(0, k, batch))
                fake = self.gen_(torch.randn(batch, self.noise_dim), labels)
                g_loss = -self.disc_(_translate(fake, shift, rng), labels).mean()
                guide = torch.zeros(())
                if self.guidance > 0 and k > 1:
                    guide = nn.functional.cross_entropy(self.guide_(fake), labels)
                    g_loss = g_loss + self.guidance * guide
                opt_g.zero_grad()
                g_loss.backward()
                opt_g.step()
                # the decay warms up (as TensorFlow's ExponentialMovingAverage with num_updates):
                # a short run must not be averaged with the random initial weights
                decay = min(self.ema, (1 + step) / (10 + step))
                with torch.no_grad():
                    for p_ema, p in zip(ema_gen.parameters(), self.gen_.parameters(), strict=True):
                        p_ema.lerp_(p, 1.0 - decay)
                if step % 100 == 0 or step == self.steps:
                    rec = {"step": step, "d_loss": d_loss.detach().item(),
                           "g_loss": g_loss.detach().item(), "guidance": guide.detach().item()}
                    self.history_.append(rec)
                    if progress:
                        print(f"step {step}/{self.steps}  d {rec['d_loss']:.3f}  g {rec['g_loss']:.3f}"
                              f"  guidance {rec['guidance']:.3f}"
                              f"  ({time.perf_counter() - start:.0f} s)", flush=True)
            self.gen_ = ema_gen
            self.gen_.eval()
            self.disc_.eval()
        finally:
            torch.set_num_threads(threads)

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        torch = _torch()
        assert self.classes_ is not None
        label = torch.full((n,), int(np.searchsorted(self.classes_, cls)), dtype=torch.int64)
        z = torch.from_numpy(rng.standard_normal((n, self.noise_dim)).astype(np.float32))
        with torch.no_grad():
            out = self.gen_(z, label)
            if self.image_shape_ is None:  # draw each one-hot group from its probabilities
                out = torch.from_numpy(self._draw_groups(out.numpy(), rng).astype(np.float32))
            scores = self.disc_(out, label).numpy().astype(np.float64)
        x = out.numpy().astype(np.float64)
        if self.image_shape_ is None:
            assert self.norm_ is not None
            return self.norm_.inverse(x), [None] * n, scores
        x = x[:, 0] if x.shape[1] == 1 else x.transpose(0, 2, 3, 1)
        return x.reshape(n, -1), [None] * n, scores

    def _draw_groups(self, out: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        assert self.norm_ is not None
        drawn = out.copy()
        for span in self.norm_.spans:
            if span.kind != "onehot":
                continue
            probs = out[:, span.start:span.start + span.size].astype(np.float64)
            cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
            pick = np.minimum((rng.random(len(out))[:, None] > cum).sum(axis=1), span.size - 1)
            drawn[:, span.start:span.start + span.size] = 0.0
            drawn[np.arange(len(out)), span.start + pick] = 1.0
        return drawn

    def _restore(self, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        shape = getattr(self, "image_shape_", None)
        if shape is None:
            return super()._restore(X, y)
        images = np.clip(np.rint(X * 255.0), 0, 255).astype(np.uint8)
        return images.reshape((len(X), *shape)), y

    # -- persistence -------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.safetensors`` and ``config.json`` into `directory`."""
        self._check_fitted()
        assert self.classes_ is not None and self._info is not None
        info = self._info
        params = dict(self.get_params(), categorical_features=list(self.categorical_features))
        config = {"format": FORMAT_VERSION, "name": "ConditionalGAN", "params": params,
                  "classes": self.classes_.tolist(),
                  "image_shape": list(self.image_shape_) if self.image_shape_ else None,
                  "norm": self.norm_.state() if self.norm_ is not None else None,
                  "table": None if self.image_shape_ else {
                      "columns": list(info.columns) if info.columns else None,
                      "dtypes": [str(d) for d in info.dtypes] if info.dtypes else None,
                      "label_name": info.label_name, "n_features": info.n_features,
                      "categories": {str(k): [plain(c) for c in v] for k, v in info.categories.items()}}}
        return save_nets(directory, {"gen": self.gen_, "disc": self.disc_, "guide": self.guide_}, config)

    @classmethod
    def load(cls, directory: str | Path) -> ConditionalGAN:
        """Rebuild a saved model (config checked, weights from safetensors)."""
        config = read_config(directory, "ConditionalGAN", FORMAT_VERSION)
        params = dict(config["params"])
        params["categorical_features"] = tuple(params.get("categorical_features", ()))
        model = cls(**params)
        model.classes_ = np.asarray(config["classes"])
        if config["image_shape"]:
            model.image_shape_ = tuple(config["image_shape"])
            model.norm_ = None
            model._info = TableInfo(None, None, None, model.classes_.dtype,
                                    int(np.prod(model.image_shape_)))
        else:
            import pandas as pd

            table = config["table"]
            model.image_shape_ = None
            model.norm_ = ModeNormalizer.from_state(config["norm"])
            dtypes = tuple(pd.api.types.pandas_dtype(d) for d in table["dtypes"]) if table["dtypes"] else None
            model._info = TableInfo(tuple(table["columns"]) if table["columns"] else None, dtypes,
                                    table["label_name"], model.classes_.dtype, table["n_features"],
                                    {int(k): v for k, v in table["categories"].items()})
        model._build(len(model.classes_))
        load_nets(directory, {"gen": model.gen_, "disc": model.disc_, "guide": model.guide_})
        model.X_ = np.zeros((0, model._info.n_features))
        model.y_ = np.zeros(0, dtype=model.classes_.dtype)
        return model
