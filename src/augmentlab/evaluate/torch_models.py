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
from typing import Any

import numpy as np

from ..core.optional import require_torch

__all__ = ["StepModel"]

Augment = Callable[[np.ndarray, np.ndarray, int], np.ndarray]  # (X batch, row ids, step) -> X
# (X batch, y batch, step) -> (X, soft labels (batch, classes)): batch mixing (MixUp, CutMix)
Mix = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def _torch() -> Any:
    return require_torch("the small-cnn and mlp models")


def _build(kind: str, shape: tuple[int, ...], n_classes: int) -> Any:
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
            mix: Mix | None = None) -> StepModel:
        """Train from scratch with `seed` (weights, batch order and dropout all follow it);
        `mix` turns each (augmented) batch into mixed images with soft labels.

        With validation rows (`X_val`, `y_val`) the weights that scored best on them are kept
        (ties to the later ones); with none (None or empty) the weights after the last step."""
        torch = _torch()
        torch.manual_seed(seed)
        validate = X_val is not None and y_val is not None and len(y_val) > 0
        if not n_classes:
            seen = [y, y_val] if validate and y_val is not None else [y]
            n_classes = max(int(np.max(labels)) for labels in seen) + 1
        n_classes = int(n_classes)
        self.net = _build(self.kind, X.shape[1:], n_classes)
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
        targets = torch.from_numpy(np.asarray(y, dtype=np.int64))
        plain: Any = None if augment is not None or mix is not None else self._tensor(X)
        best, best_state = -1.0, None
        self.history = []
        for step in range(1, self.steps + 1):
            idx = rng.choice(len(X), size=min(self.batch_size, len(X)), replace=False)
            if mix is not None:
                images = augment(X[idx], idx, step) if augment is not None else X[idx]
                mixed, soft = mix(images, np.asarray(y)[idx], step)
                batch, target = self._tensor(mixed), torch.from_numpy(soft.astype(np.float32))
            else:
                batch = self._tensor(augment(X[idx], idx, step)) if augment is not None else plain[idx]
                target = targets[idx]
            self.net.train()
            opt.zero_grad()
            loss = loss_fn(self.net(batch), target)  # class ids, or soft labels when mixing
            loss.backward()
            opt.step()
            if validate and (step % self.eval_every == 0 or step == self.steps):
                assert X_val is not None
                acc = float((self.predict_proba(X_val).argmax(1) == y_val).mean())
                self.history.append((step, acc))
                if acc >= best:  # ties go to the later (longer-trained) weights
                    best, best_state = acc, copy.deepcopy(self.net.state_dict())
        if best_state is not None:
            self.net.load_state_dict(best_state)
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
