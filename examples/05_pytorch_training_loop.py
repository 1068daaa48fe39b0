"""augmentlab inside an ordinary PyTorch training loop.

A small CNN learns MNIST digits (1,000 training images, the built-in copy) from a `Dataset` whose
``__getitem__`` calls an augmentlab pipeline, loaded by a `DataLoader` with 2 worker processes.
The script checks, and prints, the three things a training loop needs from augmentation:

1. every epoch sees new augmented copies (no frozen copy per image),
2. the workers do not share random draws,
3. two runs started after ``torch.manual_seed(0)`` give identical batches.

Run: ``python examples/05_pytorch_training_loop.py`` (about a minute on 2 CPU cores).
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

import augmentlab as al
from augmentlab.datasets import load

EPOCHS = 3
TRAIN_IMAGES = 1000


class AugmentedDigits(Dataset):  # type: ignore[type-arg]
    """MNIST digits augmented on the fly. The pipeline is called without a sample id, so each
    call draws afresh; inside DataLoader workers the draws hang on the worker's torch seed."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images, self.labels = images, labels
        self.pipe = al.Compose([
            al.Affine(rotate=(-12, 12), scale=(0.9, 1.1), translate_percent=(-0.08, 0.08), p=1.0),
            al.BrightnessContrast(p=0.5),
            al.ToTensorV2(),
        ], seed=0)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int, int]:
        image = self.pipe(image=self.images[i])["image"]  # (1, 28, 28) uint8 tensor
        worker = torch.utils.data.get_worker_info()
        return image.float() / 255, int(self.labels[i]), -1 if worker is None else worker.id


def small_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )


def digest(t: torch.Tensor) -> str:
    return hashlib.sha256(t.numpy().tobytes()).hexdigest()[:16]


def train(data: AugmentedDigits, seed: int = 0) -> dict[str, object]:
    """Train for EPOCHS; returns each epoch's per-image digests, batch digests and loss."""
    torch.manual_seed(seed)
    model = small_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loader = DataLoader(data, batch_size=100, shuffle=True, num_workers=2)
    batches, per_image, workers, losses = [], [], [], []
    for _ in range(EPOCHS):
        seen: dict[int, str] = {}
        total = 0.0
        for images, labels, worker_ids in loader:
            loss = nn.functional.cross_entropy(model(images), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(labels)
            batches.append(digest(images))
            for img, w in zip(images, worker_ids, strict=True):
                seen[len(seen)] = digest(img)
                workers.append(int(w))
        per_image.append(seen)
        losses.append(total / len(data))
    return {"batches": batches, "images": per_image, "workers": workers, "losses": losses}


def main() -> dict[str, object]:
    mnist = load("mnist")
    pick = mnist.train[:TRAIN_IMAGES]
    # the same digit image repeated: any two equal augmented copies would mean a repeated draw
    repeated = AugmentedDigits(np.repeat(mnist.X[pick[:1]], 400, axis=0), np.zeros(400, np.int64))
    run = train(AugmentedDigits(mnist.X[pick], mnist.y[pick]))
    again = train(AugmentedDigits(mnist.X[pick], mnist.y[pick]))
    copies = train(repeated)

    every_copy = [d for epoch in copies["images"] for d in epoch.values()]  # type: ignore[attr-defined]
    distinct = len(set(every_copy))
    print(f"one digit image, {len(every_copy)} augmented copies over {EPOCHS} epochs and 2 workers "
          f"(workers used: {sorted(set(copies['workers']))}): {distinct} distinct")  # type: ignore[call-overload]
    print(f"training loss per epoch: {[round(x, 3) for x in run['losses']]}")  # type: ignore[attr-defined]
    same = run["batches"] == again["batches"]
    print(f"two runs after torch.manual_seed(0): identical batches: {same}")
    assert distinct == len(every_copy), "augmented copies repeated"
    assert sorted(set(copies["workers"])) == [0, 1]  # type: ignore[call-overload]
    assert same, "runs after torch.manual_seed(0) differ"
    return {"distinct": distinct, "copies": len(every_copy), "identical_runs": same,
            "losses": run["losses"]}


if __name__ == "__main__":
    main()
