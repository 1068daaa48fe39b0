"""Models trained by optimizer steps (torch, CPU): ``small-cnn`` for images, ``mlp`` for images
and tables. Imported only when such a model is used: ``import augmentlab`` never imports torch.

Training draws each batch from the training rows with the cell's seed, augments it on the fly
(a fresh random version of every image at every step), and either

- keeps the weights that scored best on the validation rows (checked every ``eval_every``
  steps): validation is used for model selection only, never for training; or
- given no validation rows, trains for the whole step budget and keeps the final weights.

Which of the two a cell uses is the experiment's rule, not the model's
(`augmentlab.evaluate.cells.checkpoint_selection`): a validation carve of one or two rows per
class, as small subsets leave, ranks checkpoints by noise (one row moves its class's score by
50 or 100 points), so there the rows are better spent on training and the budget decides.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.optional import require_torch

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["CONSISTENCY_LOSSES", "Consistency", "StepModel", "build_network"]

Augment = Callable[[np.ndarray, np.ndarray, int], np.ndarray]  # (X batch, row ids, step) -> X
# (X batch, y batch, step) -> (X, soft labels (batch, classes)): batch mixing (MixUp, CutMix)
Mix = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]
# (unlabelled batch, its positions in the pool, step) -> (weak view, strong view)
Views = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]

CONSISTENCY_LOSSES = ("fixmatch", "uda")


def _torch() -> Any:
    return require_torch("the small-cnn and mlp models")


def build_network(kind: str, shape: tuple[int, ...], n_classes: int) -> Any:
    """The untrained torch network of a built-in model trained by steps: ``"small-cnn"`` (two
    conv layers and an MLP head; any image size) or ``"mlp"`` (one hidden layer of 256).

    Example:
        >>> net = build_network("small-cnn", (28, 28), 10)
        >>> import torch; tuple(net(torch.zeros(2, 1, 28, 28)).shape)
        (2, 10)
    """
    torch = _torch()
    nn = torch.nn
    if kind == "small-cnn":
        channels = 1 if len(shape) == 2 else shape[2]
        # small on purpose: a CPU trains it in seconds, and small data cannot feed a big one
        return nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
            # any input size: pool to 4x4 so the head does not depend on it
            nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Dropout(0.25),
            nn.Linear(32 * 16, 64), nn.ReLU(), nn.Dropout(0.25), nn.Linear(64, n_classes))
    width = int(np.prod(shape))
    return nn.Sequential(nn.Flatten(), nn.Linear(width, 256), nn.ReLU(), nn.Dropout(0.2),
                         nn.Linear(256, n_classes))


@dataclass(frozen=True)
class Consistency:
    """Unlabelled rows and how a model trained by steps learns from them (FixMatch or UDA).

    At every step, besides the labelled batch, ``ratio`` x batch size rows are drawn from the
    pool ``X``; `views` makes a weak and a strong view of each; the model's prediction on the
    weak view (no gradient) is the target for the strong view: a hard pseudo-label where it is at
    least ``threshold`` confident (``"fixmatch"``, Sohn et al. 2020) or the weak distribution
    sharpened by ``temperature`` (``"uda"``, Xie et al. 2020). The loss is the labelled
    cross-entropy + ``weight`` x that term. ``ema``: the model kept is an exponential moving
    average of the weights with this decay (None: the weights themselves).

    Example:
        >>> pool = np.zeros((8, 3))
        >>> c = Consistency(pool, lambda x, i, s: (x, x), loss="uda")
        >>> c.threshold, c.ratio
        (0.8, 3)
    """

    X: np.ndarray
    views: Views
    loss: str = "fixmatch"
    threshold: float | None = None  # None: the paper's (FixMatch 0.95, UDA 0.8)
    ratio: int = 3
    weight: float = 1.0
    ema: float | None = 0.999
    temperature: float = 0.4

    def __post_init__(self) -> None:
        if self.loss not in CONSISTENCY_LOSSES:
            raise InvalidConfig(f"consistency loss {self.loss!r} must be one of "
                                + ", ".join(CONSISTENCY_LOSSES))
        if self.threshold is None:
            object.__setattr__(self, "threshold", 0.95 if self.loss == "fixmatch" else 0.8)
        if len(self.X) == 0:
            raise InvalidConfig("consistency training needs unlabelled rows; the pool is empty")
        if int(self.ratio) < 1 or not self.weight >= 0:
            raise InvalidConfig(f"ratio={self.ratio} must be >= 1 and weight={self.weight} >= 0")
        if self.ema is not None and not 0 < self.ema < 1:
            raise InvalidConfig(f"ema={self.ema} must be a decay in (0, 1), or None")

    def term(self, weak_logits: Tensor, strong_logits: Tensor) -> Tensor:
        """The unlabelled loss of one batch."""
        from ..torch.consistency import fixmatch_loss, uda_loss

        assert self.threshold is not None
        if self.loss == "fixmatch":
            return fixmatch_loss(weak_logits, strong_logits, threshold=self.threshold)
        return uda_loss(weak_logits, strong_logits, temperature=self.temperature,
                        threshold=self.threshold)


class _Steps:
    """The inputs of every training step, a function of the step alone: which rows (drawn in
    the main process, in order, before training), then their augmentation, mixing and views
    (seeded by row and step). A DataLoader's workers can build them ahead of the training loop,
    and the batches are the same bytes with any number of workers."""

    def __init__(self, X: np.ndarray, y: np.ndarray, batches: np.ndarray, augment: Augment | None,
                 mix: Mix | None, consistency: Consistency | None,
                 pool_batches: np.ndarray | None) -> None:
        self.X, self.y, self.batches, self.augment, self.mix = X, np.asarray(y), batches, augment, mix
        self.consistency, self.pool_batches = consistency, pool_batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, step: int) -> dict[str, Any]:
        idx = self.batches[step - 1]
        images = self.augment(self.X[idx], idx, step) if self.augment is not None else self.X[idx]
        out: dict[str, Any] = {"x": images, "y": self.y[idx]}
        if self.mix is not None:
            out["x"], out["y"] = self.mix(images, self.y[idx], step)
        if self.consistency is not None and self.pool_batches is not None:
            pick = self.pool_batches[step - 1]
            out["weak"], out["strong"] = self.consistency.views(self.consistency.X[pick], pick, step)
        return out


def _step_inputs(steps: _Steps, workers: int) -> Any:
    """The steps' inputs in order: built here, or by `workers` DataLoader processes ahead of the
    training loop (the same batches either way)."""
    if workers <= 0:
        return (steps[step] for step in range(1, len(steps) + 1))
    torch = _torch()
    return torch.utils.data.DataLoader(
        steps, batch_size=None, sampler=range(1, len(steps) + 1), num_workers=workers,
        collate_fn=_as_is, prefetch_factor=4,
        # its own generator: the workers' base seed must not come from (and shift) the global
        # one, which draws the dropout masks
        generator=torch.Generator().manual_seed(0))


def _as_is(item: Any) -> Any:
    return item


class _Ema:
    """An exponential moving average of a network's floating-point weights. The decay ramps up
    as ``(1 + t) / (10 + t)`` until it reaches its value (as TensorFlow's moving average with
    ``num_updates``): with 0.999 from the start the average of a 500-step budget would still
    weigh the random initial weights by 0.999^500 = 0.6."""

    def __init__(self, net: Any, decay: float) -> None:
        self.decay, self.updates = float(decay), 0
        self.state = {k: v.detach().clone() for k, v in net.state_dict().items()}

    def update(self, net: Any) -> None:
        torch = _torch()
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        with torch.no_grad():
            for k, v in net.state_dict().items():
                if v.dtype.is_floating_point:
                    self.state[k].mul_(decay).add_(v, alpha=1.0 - decay)
                else:
                    self.state[k].copy_(v)


class _weights:
    """Within the block the network holds the averaged weights (if any), then its own again."""

    def __init__(self, net: Any, ema: _Ema | None) -> None:
        self.net, self.ema = net, ema
        self.saved: Any = None

    def __enter__(self) -> None:
        if self.ema is not None:
            self.saved = copy.deepcopy(self.net.state_dict())
            self.net.load_state_dict(self.ema.state)

    def __exit__(self, *exc: Any) -> None:
        if self.saved is not None:
            self.net.load_state_dict(self.saved)


class StepModel:
    """A torch classifier trained for a fixed number of optimizer steps.

    Args:
        kind: ``"small-cnn"`` (images) or ``"mlp"`` (images, flattened, or tables).
        steps: optimizer steps (the training budget), batch size ``batch_size``.
        lr: Adam learning rate.
        eval_every: steps between validation checks (model selection, when `fit` is given
            validation rows).

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).random((40, 5)); y = (X[:, 0] > 0.5).astype(int)
        >>> m = StepModel("mlp", steps=200).fit(X, y, X, y, seed=0)
        >>> float((m.predict_proba(X).argmax(1) == y).mean()) > 0.8
        True
        >>> [step for step, _ in m.history]  # validation checks
        [50, 100, 150, 200]
        >>> StepModel("mlp", steps=200).fit(X, y, None, None, seed=0).history  # final weights
        []
    """

    trained_by_steps = True

    def __init__(self, kind: str = "small-cnn", *, steps: int = 500, batch_size: int = 32,
                 lr: float = 2e-3, eval_every: int = 50, weight_decay: float = 1e-4) -> None:
        self.kind, self.steps, self.batch_size = kind, int(steps), int(batch_size)
        self.lr, self.eval_every, self.weight_decay = float(lr), int(eval_every), float(weight_decay)
        self.net: Any = None
        self.is_image = kind == "small-cnn"
        self.history: list[tuple[int, float]] = []
        self.examples_seen = 0

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "steps": self.steps, "batch_size": self.batch_size,
                "lr": self.lr, "eval_every": self.eval_every, "weight_decay": self.weight_decay}

    def _tensor(self, X: np.ndarray) -> Any:
        torch = _torch()
        # a fresh, writable float32 array: torch refuses read-only memory
        x = X.astype(np.float32) / 255.0 if X.dtype == np.uint8 else np.array(X, dtype=np.float32)
        if self.is_image:
            x = x[:, None] if x.ndim == 3 else x.transpose(0, 3, 1, 2)
        return torch.from_numpy(np.ascontiguousarray(x))

    def fit(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None,
            y_val: np.ndarray | None, *, seed: int, augment: Augment | None = None,
            n_classes: int | None = None, sample_weight: np.ndarray | None = None,
            mix: Mix | None = None, consistency: Consistency | None = None,
            loader_workers: int = 0) -> StepModel:
        """Train from scratch with `seed` (weights, batch order and dropout all follow it);
        `mix` turns each (augmented) batch into mixed images with soft labels; `consistency`
        adds unlabelled rows (FixMatch or UDA, see `Consistency`). ``loader_workers`` DataLoader
        processes build the batches ahead of the training loop (the result does not depend on
        it). ``examples_seen`` counts the rows the network was run on, views included.

        With validation rows (`X_val`, `y_val`) the weights that scored best on them are kept
        (ties to the later ones); with none (None or empty) the weights after the last step."""
        torch = _torch()
        torch.manual_seed(seed)
        validate = X_val is not None and y_val is not None and len(y_val) > 0
        if not n_classes:
            seen = [y, y_val] if validate and y_val is not None else [y]
            n_classes = max(int(np.max(labels)) for labels in seen) + 1
        n_classes = int(n_classes)
        self.net = build_network(self.kind, X.shape[1:], n_classes)
        opt = torch.optim.Adam(self.net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        class_weight = None
        if sample_weight is not None:  # per-class weights (rows of a class share one weight)
            w = np.ones(n_classes)
            for c in range(n_classes):
                if np.any(y == c):
                    w[c] = float(np.mean(sample_weight[y == c]))
            class_weight = torch.tensor(w, dtype=torch.float32)
        loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight)
        rng = np.random.default_rng(seed)
        size = min(self.batch_size, len(X))
        batches = np.stack([rng.choice(len(X), size=size, replace=False)
                            for _ in range(self.steps)])
        pool_batches = None
        if consistency is not None:  # a stream of its own: the labelled batches stay the same
            pool_rng = np.random.default_rng([seed, 4241])
            n_pool = min(int(consistency.ratio) * self.batch_size, len(consistency.X))
            pool_batches = np.stack([pool_rng.choice(len(consistency.X), size=n_pool, replace=False)
                                     for _ in range(self.steps)])
        ema = _Ema(self.net, consistency.ema) if consistency is not None and consistency.ema else None
        steps = _Steps(X, y, batches, augment, mix, consistency, pool_batches)
        best, best_state = -1.0, None
        self.history, self.examples_seen = [], 0
        for step, item in enumerate(_step_inputs(steps, loader_workers), start=1):
            self.net.train()
            batch = self._tensor(np.asarray(item["x"]))
            target = (torch.from_numpy(np.asarray(item["y"], dtype=np.float32)) if mix is not None
                      else torch.from_numpy(np.asarray(item["y"], dtype=np.int64)))
            opt.zero_grad()
            loss = loss_fn(self.net(batch), target)  # class ids, or soft labels when mixing
            self.examples_seen += len(batch)
            if consistency is not None:
                weak, strong = self._tensor(np.asarray(item["weak"])), self._tensor(np.asarray(item["strong"]))
                with torch.no_grad():  # the target side: no gradient, as both papers do
                    weak_logits = self.net(weak)
                loss = loss + consistency.weight * consistency.term(weak_logits, self.net(strong))
                self.examples_seen += len(weak) + len(strong)
            loss.backward()
            opt.step()
            if ema is not None:
                ema.update(self.net)
            if validate and (step % self.eval_every == 0 or step == self.steps):
                assert X_val is not None
                with _weights(self.net, ema):
                    acc = float((self.predict_proba(X_val).argmax(1) == y_val).mean())
                self.history.append((step, acc))
                if acc >= best:  # ties go to the later (longer-trained) weights
                    best = acc
                    with _weights(self.net, ema):
                        best_state = copy.deepcopy(self.net.state_dict())
        if best_state is not None:
            self.net.load_state_dict(best_state)
        elif ema is not None:
            self.net.load_state_dict(ema.state)
        return self

    def features(self, X: np.ndarray, batch: int = 2048) -> np.ndarray:
        """The activations before the last layer: a feature space for fidelity metrics (the
        Fréchet distance of `augmentlab.evaluate.fidelity`), learnt from real data."""
        torch = _torch()
        self.net.eval()
        body = self.net[:-1]
        with torch.no_grad():
            out = [body(self._tensor(X[i : i + batch])).numpy() for i in range(0, len(X), batch)]
        return np.concatenate(out).astype(np.float64)

    def predict_proba(self, X: np.ndarray, batch: int = 2048) -> np.ndarray:
        torch = _torch()
        self.net.eval()
        out = []
        with torch.no_grad():
            for i in range(0, len(X), batch):
                out.append(torch.softmax(self.net(self._tensor(X[i : i + batch])), 1).numpy())
        return np.concatenate(out).astype(np.float64)
