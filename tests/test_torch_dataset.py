"""`AugmentedDataset` over any map-style torch Dataset (issue 18, observation 6): lazily (an item is
read from the wrapped dataset only when asked for), tuples or dicts, numpy / PIL / tensor images,
the wrapped dataset's structure kept, and per-epoch copies exactly as for in-memory arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import augmentlab as al
import augmentlab.datasets
from augmentlab.errors import InvalidConfig, InvalidInput

torch = pytest.importorskip("torch")
from augmentlab.torch import AugmentedDataset, seed_worker  # noqa: E402  (after the torch check)

SEED = 7


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    d = al.datasets.load("mnist")
    return d.X[:40], d.y[:40].astype(int)


def _pipe() -> al.Compose:
    # p=1.0 spelled out: every transform applies whatever the library's default p is
    return al.Compose([al.Affine(rotate=25, translate_percent=0.05, p=1.0),
                       al.CoarseDropout(p=1.0)])


def _expected(image: np.ndarray, i: int, epoch: int = 0) -> np.ndarray:
    """What the pipeline gives sample `i`, copy `epoch`, called directly on the numpy image."""
    return _pipe()(image=image, sample_id=i, copy=epoch, seed=SEED)["image"]


class Digits(torch.utils.data.Dataset):
    """A real map-style torch Dataset that counts its reads.

    kind: "tuple" -> (image, label, name); "dict" -> {"image", "label", "name"};
    "tensor" -> (float32 CHW tensor in [0, 1], label tensor); "pil" -> (PIL image, label);
    "image" -> the image alone (unlabelled data).
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, kind: str) -> None:
        self.images, self.labels, self.kind = images, labels, kind
        self.calls: list[int] = []

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> Any:
        self.calls.append(int(i))
        image, label = self.images[i], int(self.labels[i])
        if self.kind == "tuple":
            return image, label, f"digit-{i}"
        if self.kind == "dict":
            return {"image": image, "label": label, "name": f"digit-{i}"}
        if self.kind == "tensor":
            return torch.from_numpy(image[None].astype(np.float32) / 255), torch.tensor(label)
        if self.kind == "pil":
            from PIL import Image

            return Image.fromarray(image), label
        return image


def test_wrapping_reads_nothing_and_an_item_reads_only_its_index(digits) -> None:
    data = Digits(*digits, kind="tuple")
    ds = AugmentedDataset(data, _pipe(), seed=SEED)
    assert data.calls == [] and len(ds) == 40 and data.calls == []
    ds[3]
    assert data.calls == [3]
    ds.set_epoch(2)
    ds[17]
    assert data.calls == [3, 17]
    with pytest.raises(IndexError, match="out of range"):
        ds[40]
    assert data.calls == [3, 17]


def test_tuple_items_keep_their_structure(digits) -> None:
    ds = AugmentedDataset(Digits(*digits, kind="tuple"), _pipe(), seed=SEED)
    image, label, name = ds[3]
    assert isinstance(image, np.ndarray) and image.shape == (28, 28) and image.dtype == np.uint8
    assert (label, name) == (int(digits[1][3]), "digit-3")
    assert np.array_equal(image, _expected(digits[0][3], 3))
    assert not np.array_equal(image, digits[0][3])  # augmented
    # output="tuple" still means (image tensor, label), as for arrays
    x, y = AugmentedDataset(Digits(*digits, kind="tuple"), _pipe(), seed=SEED, output="tuple")[3]
    assert torch.equal(x, torch.from_numpy(_expected(digits[0][3], 3)[None] / np.float32(255)))
    assert y == int(digits[1][3])


def test_dict_items_keep_their_structure(digits) -> None:
    ds = AugmentedDataset(Digits(*digits, kind="dict"), _pipe(), seed=SEED)
    item = ds[5]
    assert list(item) == ["image", "label", "name"]
    assert np.array_equal(item["image"], _expected(digits[0][5], 5))
    assert (item["label"], item["name"]) == (int(digits[1][5]), "digit-5")
    # output="dict": the augmented fields with the record and the sample id, as for arrays
    rich = AugmentedDataset(Digits(*digits, kind="dict"), _pipe(), seed=SEED, output="dict")[5]
    assert rich["sample_id"] == 5 and rich["name"] == "digit-5"
    assert np.array_equal(_pipe().replay(rich["record"], image=digits[0][5])["image"],
                          item["image"])
    # views: each named pipeline's image in place of the image field
    weak = al.Compose([al.HorizontalFlip(p=1.0)])
    views = AugmentedDataset(Digits(*digits, kind="dict"), views={"weak": weak, "strong": _pipe()},
                             seed=SEED)[5]
    assert list(views) == ["label", "name", "weak", "strong"]
    assert np.array_equal(views["weak"], digits[0][5][:, ::-1])
    assert np.array_equal(views["strong"], item["image"])


def test_tensor_pil_and_bare_image_items(digits) -> None:
    from PIL import Image

    x, y = AugmentedDataset(Digits(*digits, kind="tensor"), _pipe(), seed=SEED)[4]
    assert isinstance(x, torch.Tensor) and x.shape == (1, 28, 28) and x.dtype == torch.float32
    assert isinstance(y, torch.Tensor) and int(y) == int(digits[1][4])
    want = _expected(digits[0][4].astype(np.float32) / 255, 4)
    np.testing.assert_allclose(x[0].numpy(), want, atol=1e-6)
    pil, label = AugmentedDataset(Digits(*digits, kind="pil"), _pipe(), seed=SEED)[4]
    assert isinstance(pil, Image.Image) and pil.mode == "L" and pil.size == (28, 28)
    assert np.array_equal(np.asarray(pil), _expected(digits[0][4], 4)) and label == digits[1][4]
    bare = AugmentedDataset(Digits(*digits, kind="image"), _pipe(), seed=SEED)[4]
    assert isinstance(bare, np.ndarray) and np.array_equal(bare, _expected(digits[0][4], 4))
    # colour: a (3, H, W) uint8 tensor comes back (3, H, W) uint8, the pipeline run on (H, W, 3)
    rgb = np.stack([digits[0][4], digits[0][5], digits[0][6]], axis=-1)
    chw = torch.from_numpy(np.ascontiguousarray(rgb.transpose(2, 0, 1)))
    out, _ = AugmentedDataset([(chw, 0)], _pipe(), seed=SEED)[0]
    assert out.shape == (3, 28, 28) and out.dtype == torch.uint8
    assert np.array_equal(out.numpy().transpose(1, 2, 0), _expected(rgb, 0))


def test_any_sequence_of_pairs_is_a_dataset(digits) -> None:
    pairs = [(digits[0][i], int(digits[1][i])) for i in range(10)]
    image, label = AugmentedDataset(pairs, _pipe(), seed=SEED)[6]
    assert np.array_equal(image, _expected(digits[0][6], 6)) and label == digits[1][6]


@pytest.mark.parametrize("kind", ["tensor", "dict"])
def test_dataloader_batches_do_not_depend_on_workers_and_epochs_differ(digits, kind) -> None:
    ds = AugmentedDataset(Digits(*digits, kind=kind), _pipe(), seed=SEED)

    def batches(workers: int) -> list[list[bytes]]:
        loader = torch.utils.data.DataLoader(ds, batch_size=8, num_workers=workers,
                                             worker_init_fn=seed_worker)
        out = []
        for batch in loader:
            parts = list(batch.values()) if isinstance(batch, dict) else list(batch)
            out.append([np.asarray(p).tobytes() if isinstance(p, torch.Tensor) else repr(p).encode()
                        for p in parts])
        return out

    ds.set_epoch(0)
    first = batches(0)
    assert len(first) == 5 and first == batches(2)
    ds.set_epoch(1)
    second = batches(2)
    assert second != first and second == batches(0)
    assert [b[1:] for b in second] == [b[1:] for b in first]  # labels (and names) unchanged
    ds.set_epoch(0)
    assert batches(2) == first
    if kind == "tensor":  # epoch 1's first item is copy 1 of sample 0
        ds.set_epoch(1)
        want = _expected(digits[0][0].astype(np.float32) / 255, 0, epoch=1)
        np.testing.assert_allclose(ds[0][0][0].numpy(), want, atol=1e-6)


def test_todays_inputs_and_bad_input(digits) -> None:
    arrays = AugmentedDataset(digits, _pipe(), seed=SEED)
    x, y = arrays[3]
    assert tuple(x.shape) == (1, 28, 28) and y == digits[1][3]
    assert torch.equal(x, torch.from_numpy(_expected(digits[0][3], 3)[None] / np.float32(255)))
    records = [{"image": digits[0][i], "label": int(digits[1][i])} for i in range(6)]
    x, y = AugmentedDataset(records, _pipe(), seed=SEED)[2]  # still (tensor, label) by default
    assert tuple(x.shape) == (1, 28, 28) and y == digits[1][2]
    with pytest.raises(InvalidInput, match="__len__ and __getitem__"):
        AugmentedDataset(42, _pipe())
    with pytest.raises(InvalidConfig, match="'tuple', 'dict' or 'same'"):
        AugmentedDataset(Digits(*digits, kind="tuple"), _pipe(), output="list")
    with pytest.raises(InvalidInput, match="item 2 is a str"):
        AugmentedDataset(["a", "b", "c"], _pipe(), output="tuple")[2]


def _pass_digests(ds: AugmentedDataset, workers: int, persistent: bool, epochs: int,
                  set_epoch: bool = False) -> list[list[bytes]]:
    loader = torch.utils.data.DataLoader(ds, batch_size=8, num_workers=workers,
                                         persistent_workers=persistent and workers > 0)
    runs = []
    for epoch in range(epochs):
        if set_epoch:
            ds.set_epoch(epoch)
        runs.append([x.numpy().tobytes() for x, _ in loader])
    return runs


@pytest.mark.parametrize(("workers", "persistent"), [(0, False), (2, False), (2, True)])
def test_without_set_epoch_every_pass_is_a_new_copy_the_same_for_any_workers(
        digits, workers: int, persistent: bool) -> None:
    """Forgetting set_epoch must not freeze augmentation: the k-th read of an item is copy k."""
    data = (np.repeat(digits[0][:1], 16, axis=0), np.zeros(16, int))  # one image, 16 times
    runs = _pass_digests(AugmentedDataset(data, _pipe(), seed=SEED), workers, persistent, 3)
    per_item = [item for run in runs for item in run]
    assert len(set(per_item)) == len(per_item)
    assert runs == _pass_digests(AugmentedDataset(data, _pipe(), seed=SEED), 0, False, 3)


def test_set_epoch_reaches_persistent_workers(digits) -> None:
    """Persistent workers keep their own copy of the dataset: set_epoch must still reach it."""
    data = (digits[0][:16], digits[1][:16])
    ds = AugmentedDataset(data, _pipe(), seed=SEED)
    runs = _pass_digests(ds, 2, True, 3, set_epoch=True)
    assert runs == _pass_digests(AugmentedDataset(data, _pipe(), seed=SEED), 0, False, 3,
                                 set_epoch=True)
    assert len({tuple(r) for r in runs}) == 3
    ds.set_epoch(1)
    assert np.array_equal(ds[2][0][0].numpy() * 255, _expected(digits[0][2], 2, epoch=1))


def test_spawned_workers_share_the_copy_count(digits) -> None:
    data = (digits[0][:8], digits[1][:8])
    ds = AugmentedDataset(data, _pipe(), seed=SEED)
    loader = torch.utils.data.DataLoader(ds, batch_size=4, num_workers=2,
                                         multiprocessing_context="spawn")
    first = [x.numpy().tobytes() for x, _ in loader]
    second = [x.numpy().tobytes() for x, _ in loader]
    assert first != second and len(ds._copies.reads[:8]) == 8
    assert list(ds._copies.reads[:8]) == [2] * 8
