"""Batch mixing: label arithmetic, what is pasted where, determinism, torch collate with workers."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
import augmentlab.datasets
from augmentlab.mix import (
    CutMix,
    MixCollate,
    Mixer,
    MixUp,
    Mosaic,
    Remix,
    SaliencyMix,
    spectral_residual_saliency,
)

MIXERS = [MixUp(alpha=0.4), CutMix(alpha=1.0), SaliencyMix(alpha=1.0),
          Remix(class_counts=[50, 20, 5, 5, 5, 5], alpha=1.0)]


def _batch(n: int = 12, dtype: type = np.float32) -> tuple[np.ndarray, np.ndarray]:
    """Image i is constant i / n (so a pixel says which image it came from), label i % 6."""
    x = np.stack([np.full((16, 20, 3), i / n, np.float32) for i in range(n)])
    if dtype == np.uint8:
        x = (x * 255).round().astype(np.uint8)
    return x, np.arange(n) % 6


@pytest.mark.parametrize("mixer", MIXERS, ids=lambda m: m.name)
def test_soft_labels_sum_to_one_and_same_seed_same_bytes(mixer: Mixer) -> None:
    x, y = _batch()
    out = mixer(x, y, num_classes=6, seed=5, batch=3)
    assert out.labels.shape == (12, 6) and np.allclose(out.labels.sum(axis=1), 1)
    assert out.images.shape == x.shape and out.images.dtype == x.dtype
    again = mixer(x.copy(), y, num_classes=6, seed=5, batch=3)
    assert again.images.tobytes() == out.images.tobytes() and again.params == out.params
    other = mixer(x, y, num_classes=6, seed=5, batch=4)
    assert other.params != out.params
    assert np.array_equal(x, _batch()[0])  # the input is not touched
    rebuilt = Mixer.from_config(mixer.get_config())
    assert rebuilt.get_config() == mixer.get_config()
    assert rebuilt(x, y, num_classes=6, seed=5, batch=3).images.tobytes() == out.images.tobytes()


def test_mixup_is_the_convex_combination_of_images_and_labels() -> None:
    x, y = _batch()
    out = MixUp(alpha=0.4, num_classes=6)(x, y, seed=1)
    lam, partner = out.params["lam"], np.array(out.params["partner"])
    np.testing.assert_allclose(out.images, lam * x + (1 - lam) * x[partner], atol=1e-6)
    onehot = np.eye(6)[y]
    np.testing.assert_allclose(out.labels, lam * onehot + (1 - lam) * onehot[partner])
    same = MixUp(alpha=0.4, within_class=True, num_classes=6)(x, y, seed=1)
    assert (y[np.array(same.params["partner"])] == y).all()
    np.testing.assert_allclose(same.labels, onehot)
    off = MixUp(p=0.0, num_classes=6)(x, y, seed=1)
    assert np.array_equal(off.images, x) and not off.params["applied"]


def test_cutmix_labels_weigh_the_pasted_area_exactly() -> None:
    x, y = _batch(dtype=np.uint8)
    for seed in range(20):
        out = CutMix(num_classes=6)(x, y, seed=seed)
        partner = np.array(out.params["partner"])
        for i in range(len(x)):
            if partner[i] == i:
                continue
            pasted = float((out.images[i, :, :, 0] == x[partner[i], 0, 0, 0]).mean())
            assert out.labels[i, y[partner[i]]] >= pasted - 1e-9 - (y[partner[i]] == y[i])
            assert abs(1 - out.params["lam"][i] - pasted) < 1e-9
    # channels first: the same draw on the transposed batch
    out = CutMix(num_classes=6)(x, y, seed=2)
    first = CutMix(num_classes=6)(x.transpose(0, 3, 1, 2), y, seed=2, channels_first=True)
    assert np.array_equal(first.images.transpose(0, 2, 3, 1), out.images)


def test_saliencymix_pastes_the_partners_salient_part() -> None:
    digits = al.datasets.load("mnist")
    x, y = digits.X[:32], digits.y[:32].astype(int)
    for im in x[:10]:  # the saliency peak sits on (or next to) the digit's ink
        s = spectral_residual_saliency(im)
        r, c = np.unravel_index(s.argmax(), s.shape)
        assert (im[max(r - 2, 0):r + 3, max(c - 2, 0):c + 3] > 50).any()
    out = SaliencyMix(alpha=1.0, num_classes=10)(x, y, seed=0)
    partner = np.array(out.params["partner"])
    for i, (x0, y0, x1, y1) in enumerate(out.params["boxes"]):
        s = spectral_residual_saliency(x[partner[i]])
        r, c = np.unravel_index(s.argmax(), s.shape)  # the box is centred on the partner's peak
        assert x0 <= c <= x1 and y0 <= r <= y1
        assert out.params["lam"][i] == pytest.approx(1 - (x1 - x0) * (y1 - y0) / 28**2)
        pasted = out.images[i][y0:y1, x0:x1]
        assert np.array_equal(pasted, x[partner[i]][y0:y1, x0:x1])


def test_remix_gives_the_label_to_the_rare_class() -> None:
    remix = Remix(class_counts=[900, 30], kappa=3, tau=0.5)
    y = np.eye(2)
    partner = np.array([1, 0])
    # row 0 is common (900) with a rare partner (30): ratio 30 >= kappa
    low = remix.mix_labels(y, partner, lam=0.3)  # the rare partner fills 70%: all to rare
    assert low[0].tolist() == [0.0, 1.0]
    assert low[1].tolist() == pytest.approx([0.7, 0.3])  # the rare row fills only 30%: MixUp
    high = remix.mix_labels(y, partner, lam=0.8)  # common row 0 fills 80%: MixUp
    assert high[0].tolist() == pytest.approx([0.8, 0.2])
    assert high[1].tolist() == [0.0, 1.0]  # rare row 1 fills 80%: keeps its label
    with pytest.raises(al.errors.InvalidConfig, match="class_counts"):
        Remix(class_counts=[10, 0])


def test_mosaic_refuses_boxes_it_would_misread() -> None:
    imgs = [np.zeros((20, 20, 3), np.uint8)] * 2
    # four boxes with a class column: 20 numbers that reshape(-1, 4) made into five wrong boxes
    with_ids = np.array([[1, 1, 5, 5, 0], [2, 2, 6, 6, 1], [1, 1, 3, 3, 0], [4, 4, 8, 8, 1]], float)
    with pytest.raises(al.errors.InvalidInput, match=r"\(k, 4\) array"):
        Mosaic(size=(40, 40))(imgs, [with_ids] * 2, seed=0)
    rotated = al.BBoxes([[10, 10, 6, 4, 30]], format="obb")
    with pytest.raises(al.errors.InvalidInput, match="obb boxes"):
        Mosaic(size=(40, 40))(imgs, [rotated] * 2, seed=0)


def test_mosaic_carries_boxes_with_their_pixels() -> None:
    rng = np.random.default_rng(0)
    imgs, boxes, names = [], [], []
    for i in range(6):  # a uniquely coloured rectangle per image, and its box
        h, w = int(rng.integers(30, 60)), int(rng.integers(30, 60))
        im = np.zeros((h, w, 3), np.uint8)
        x0, y0 = int(rng.integers(0, w // 2)), int(rng.integers(0, h // 2))
        x1, y1 = x0 + int(rng.integers(8, w // 2)), y0 + int(rng.integers(8, h // 2))
        im[y0:y1, x0:x1] = (40 * i + 20, 255 - 30 * i, 100)
        imgs.append(im)
        boxes.append([[x0, y0, x1, y1]])
        names.append([f"object{i}"])
    out = Mosaic(size=(64, 64), min_visibility=0.3, fill=0)(
        imgs, boxes, names, labels=np.arange(6), num_classes=6, seed=3)
    assert out.images.shape == (6, 64, 64, 3)
    assert np.allclose(out.labels.sum(axis=1), 1)
    found = 0
    for canvas, bxs, labels in zip(out.images, out.boxes, out.box_labels, strict=True):
        assert len(bxs) == len(labels)
        for (x0, y0, x1, y1), name in zip(bxs, labels, strict=True):
            i = int(name[-1])
            assert 0 <= x0 < x1 <= 64 and 0 <= y0 < y1 <= 64
            inner = canvas[int(np.ceil(y0)) + 1:int(y1) - 1, int(np.ceil(x0)) + 1:int(x1) - 1]
            if inner.size:
                assert (np.abs(inner.astype(int) - [40 * i + 20, 255 - 30 * i, 100]).max(axis=2)
                        <= 2).mean() > 0.95
                found += 1
    assert found >= 6
    with pytest.raises(al.errors.InvalidInput, match="boxes"):
        Mosaic(size=(32, 32))(imgs[:2], [[[5, 5, 1, 1]], []])


def test_bad_batches_are_refused() -> None:
    x, y = _batch()
    with pytest.raises(al.errors.InvalidInput, match="num_classes"):
        MixUp()(x, y)
    with pytest.raises(al.errors.InvalidInput, match=r"\[0, 3\)"):
        MixUp(num_classes=3)(x, y)
    with pytest.raises(al.errors.InvalidInput, match="labels"):
        MixUp(num_classes=6)(x, y[:5])
    with pytest.raises(al.errors.InvalidInput, match="sum to 1"):
        MixUp()(x, np.ones((12, 6)))
    with pytest.raises(al.errors.InvalidInput, match="batch"):
        CutMix(num_classes=6)(x[0, :, :, 0], y[:1])
    with pytest.raises(al.errors.InvalidConfig, match="valid arguments"):
        MixUp(alpah=0.2)
    with pytest.raises(al.errors.InvalidConfig, match="unknown mixer"):
        Mixer.from_config({"name": "FMix"})


class _Digits:
    """A torch Dataset of real MNIST digits as (C, H, W) tensors."""

    def __init__(self) -> None:
        d = al.datasets.load("mnist")
        self.x, self.y = d.X[:64], d.y[:64].astype(int)

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> dict:
        import torch

        return {"image": torch.from_numpy(self.x[i][None].astype(np.float32) / 255),
                "label": int(self.y[i]), "sample_id": i}


def test_collate_mixes_the_same_with_any_number_of_workers() -> None:
    torch = pytest.importorskip("torch")
    data = _Digits()
    runs = []
    for workers in (0, 2):
        collate = MixCollate(CutMix(num_classes=10), seed=7)
        loader = torch.utils.data.DataLoader(data, batch_size=16, num_workers=workers,
                                             collate_fn=collate)
        runs.append([(x.numpy().tobytes(), y.numpy().tobytes()) for x, y in loader])
    assert runs[0] == runs[1] and len(runs[0]) == 4
    x, y = next(iter(torch.utils.data.DataLoader(data, batch_size=16, collate_fn=collate)))
    assert x.shape == (16, 1, 28, 28) and torch.allclose(y.sum(1), torch.ones(16))
    collate.set_epoch(1)
    x1, _ = next(iter(torch.utils.data.DataLoader(data, batch_size=16, collate_fn=collate)))
    assert not torch.equal(x, x1)


def test_mixers_are_experiment_strategies(tmp_path) -> None:
    from augmentlab.evaluate import Experiment, Strategy

    strategies = {"mixup": MixUp(alpha=0.4),
                  "flip + cutmix": Strategy("flip + cutmix", al.Compose([al.Affine(rotate=10, p=1.0)]),
                                            mixer=CutMix())}
    exp = Experiment("digits", model="small-cnn", strategies=strategies, train_sizes=[5], seeds=2,
                     steps=30, out=tmp_path, quiet=True)
    res = exp.run()
    assert res.strategies == ["baseline", "mixup", "flip + cutmix"]
    cfg = res.meta["strategies"]
    assert cfg["mixup"]["mixer"]["name"] == "MixUp" and cfg["flip + cutmix"]["mixer"]["name"] == "CutMix"
    # mixing changes training: not the baseline's numbers, and the same again from a fresh run
    base, mixed = res.values("baseline", 5), res.values("mixup", 5)
    assert base != mixed
    again = Experiment("digits", model="small-cnn", strategies=strategies, train_sizes=[5],
                       seeds=2, steps=30, out=tmp_path / "again", quiet=True).run()
    assert again.values("mixup", 5) == mixed
    grid = exp.sample_grid(per_strategy=4)
    assert len(grid["mixup"]) == 4
    with pytest.raises(al.errors.InvalidConfig, match="trained by steps"):
        Experiment("digits", model="logreg", strategies={"m": MixUp()}, train_sizes=[5], seeds=1,
                   out=tmp_path / "lr", quiet=True).run()
    with pytest.raises(al.errors.InvalidConfig, match="mixer must be"):
        Strategy("bad", mixer="mixup")


def test_collate_set_epoch_reaches_persistent_workers() -> None:
    """Persistent workers keep their own copy of the collate function: set_epoch must reach it."""
    torch = pytest.importorskip("torch")
    data = _Digits()

    def epochs(workers: int) -> list[list[bytes]]:
        collate = MixCollate(CutMix(num_classes=10), seed=7)
        loader = torch.utils.data.DataLoader(data, batch_size=16, num_workers=workers,
                                             collate_fn=collate,
                                             persistent_workers=workers > 0)
        out = []
        for epoch in range(3):
            collate.set_epoch(epoch)
            out.append([x.numpy().tobytes() for x, _ in loader])
        return out

    persistent = epochs(2)
    assert persistent == epochs(0) and len({tuple(e) for e in persistent}) == 3
