"""Randomness inside real PyTorch DataLoaders: calls without a sample id never repeat across
workers or epochs (persistent workers or not), and runs after ``torch.manual_seed`` repeat."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import augmentlab as al

torch = pytest.importorskip("torch")
from torch.utils.data import DataLoader, Dataset  # noqa: E402

N_ITEMS = 8


def _image(i: int) -> np.ndarray:
    rng = np.random.default_rng(i)
    return rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)


class _Images(Dataset):  # type: ignore[type-arg]
    """The README habit: a seeded pipeline called without a sample id in __getitem__."""

    def __init__(self, pipe: al.Compose) -> None:
        self.pipe = pipe

    def __len__(self) -> int:
        return N_ITEMS

    def __getitem__(self, i: int) -> tuple[bytes, int, int]:
        # one source image for every item: two calls that share a stream give equal bytes
        out = self.pipe(image=_image(0))
        return hashlib.sha256(out["image"].tobytes()).digest(), out.record.seed, out.record.sample_id


def _pipe(seed: int | None) -> al.Compose:
    return al.Compose([al.Affine(rotate=(-30, 30), translate_percent=(-0.2, 0.2), p=1.0),
                       al.BrightnessContrast(p=1.0)], seed=seed)


def _epochs(seed: int | None, workers: int, persistent: bool, torch_seed: int = 0,
            epochs: int = 3) -> list[list[bytes]]:
    torch.manual_seed(torch_seed)
    loader = DataLoader(_Images(_pipe(seed)), batch_size=None, shuffle=False, num_workers=workers,
                        persistent_workers=persistent and workers > 0,
                        multiprocessing_context="fork" if workers else None)
    return [[digest for digest, _, _ in loader] for _ in range(epochs)]


LOADERS = [(0, False), (2, False), (2, True)]


@pytest.mark.parametrize("seed", [0, None])
@pytest.mark.parametrize(("workers", "persistent"), LOADERS)
def test_no_augmented_copy_repeats_across_epochs_or_workers(seed: int | None, workers: int,
                                                           persistent: bool) -> None:
    epochs = _epochs(seed, workers, persistent)
    every = [d for epoch in epochs for d in epoch]
    assert len(set(every)) == len(every) == 3 * N_ITEMS


@pytest.mark.parametrize("seed", [0, None])
@pytest.mark.parametrize(("workers", "persistent"), LOADERS)
def test_runs_after_torch_manual_seed_are_identical(seed: int | None, workers: int,
                                                    persistent: bool) -> None:
    assert _epochs(seed, workers, persistent) == _epochs(seed, workers, persistent)


@pytest.mark.parametrize(("workers", "persistent"), LOADERS)
def test_another_torch_seed_gives_other_copies(workers: int, persistent: bool) -> None:
    a = _epochs(None, workers, persistent, torch_seed=0, epochs=1)[0]
    b = _epochs(None, workers, persistent, torch_seed=1, epochs=1)[0]
    assert not set(a) & set(b)


def test_worker_calls_are_recorded_and_replay() -> None:
    """A worker's call records the stream it used: replaying the record gives the same bytes."""
    pipe = _pipe(0)

    class _Records(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return 4

        def __getitem__(self, i: int) -> tuple[np.ndarray, str]:
            out = pipe(image=_image(i))
            return out["image"], out.record.to_json()

    torch.manual_seed(3)
    loader = DataLoader(_Records(), batch_size=None, num_workers=2, multiprocessing_context="fork")
    for i, (image, record) in enumerate(loader):
        again = pipe.replay(al.Record.from_json(record), image=_image(i))
        assert np.array_equal(again["image"], np.asarray(image))


def test_explicit_sample_ids_keep_the_exact_seed_tree() -> None:
    """With a sample id (and copy = epoch) a call is the same inside and outside a worker."""
    pipe = _pipe(5)

    class _ById(Dataset):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return N_ITEMS

        def __getitem__(self, i: int) -> bytes:
            return pipe(image=_image(i), sample_id=i, copy=1)["image"].tobytes()

    direct = [pipe(image=_image(i), sample_id=i, copy=1)["image"].tobytes() for i in range(N_ITEMS)]
    loader = DataLoader(_ById(), batch_size=None, num_workers=2, multiprocessing_context="fork")
    assert [bytes(np.asarray(b)) if not isinstance(b, bytes) else b for b in loader] == direct


def test_seeded_pipeline_outside_workers_still_numbers_its_calls() -> None:
    a, b = _pipe(9), _pipe(9)
    img = _image(0)
    first = [a(image=img).record.sample_id for _ in range(3)]
    assert first == [0, 1, 2]
    assert np.array_equal(a(image=img)["image"], b(image=img, sample_id=3)["image"])


def _first_call_digest(pipe: al.Compose) -> bytes:
    return hashlib.sha256(pipe(image=_image(0))["image"].tobytes()).digest()


@pytest.mark.parametrize("seed", [0, None])
def test_plain_forked_processes_do_not_share_streams(seed: int | None) -> None:
    """A multiprocessing pool (not a DataLoader) forks the pipeline with its call count: each
    process still gets streams of its own."""
    import multiprocessing

    pipe = _pipe(seed)
    pipe(image=_image(0))  # the parent has made a call: children inherit its count
    with multiprocessing.get_context("fork").Pool(2) as pool:
        digests = pool.map(_first_call_digest, [pipe] * 4, chunksize=1)
    parent = _first_call_digest(pipe)
    assert len(set(digests + [parent])) == 5
