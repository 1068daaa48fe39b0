"""The seed tree's generators: exact unbiased draws, pooled generators that are the streams they
claim to be (on the fast path and on the fallback), and seeds of any size."""

from __future__ import annotations

import platform
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import numpy as np
import pytest

from augmentlab.core import rng

_M64, _M32 = 2**64, 2**32


def _scripted(raws: list[int]) -> tuple[SimpleNamespace, Iterator[int]]:
    """A stand-in generator whose raw 64-bit words are `raws`, in order; the iterator tells how many
    were left unread."""
    it = iter(raws)
    return SimpleNamespace(bit_generator=SimpleNamespace(random_raw=lambda: next(it))), it


def _raw_with_low(low: int, n: int, bits: int = 64) -> int:
    """The raw word x (of `bits` bits) with ``x * n mod 2**bits == low`` (n odd)."""
    mod = 2**bits
    return low * pow(n, -1, mod) % mod


# -- integer: Lemire's method on raw words, exactly unbiased ---------------------------------------

def test_a_large_range_is_drawn_without_the_multiply_shift_bias() -> None:
    # n = 3 * 2**62: the plain top bits of raw * n hit multiples of 3 half the time (each of them
    # twice as often as the others); the rejection step brings that back to a third
    gen = np.random.default_rng(11)
    draws = [rng.integer(gen, 0, 3 * 2**62) for _ in range(3000)]
    assert all(0 <= d < 3 * 2**62 for d in draws)
    share = np.mean([d % 3 == 0 for d in draws])
    assert 0.30 < share < 0.37, share


def test_a_raw_just_under_the_rejection_threshold_is_drawn_again_and_one_at_it_kept() -> None:
    n = 2**63 + 1  # odd: every low product is reachable. 2**64 mod n = 2**63 - 1
    threshold = _M64 % n
    under, at = _raw_with_low(threshold - 1, n), _raw_with_low(threshold, n)
    spare = _raw_with_low(n + 5, n)
    gen, left = _scripted([under, at, spare])
    assert rng.integer(gen, 10, 10 + n) == 10 + (at * n >> 64)  # `under` was rejected, `at` kept
    assert list(left) == [spare]
    gen, left = _scripted([at, spare])  # in [threshold, n): checked and kept
    assert rng.integer(gen, 0, n) == at * n >> 64
    assert list(left) == [spare]


def test_integer_accepts_ranges_up_to_2_to_the_64_minus_1_values_and_refuses_wider_or_empty() -> None:
    gen = np.random.default_rng(0)
    assert 0 <= rng.integer(gen, 0, _M64 - 1) < _M64 - 1
    assert -5 <= rng.integer(gen, -5, _M64 - 6) < _M64 - 6
    for low, high in ((0, _M64), (0, _M64 + 1), (3, 3), (4, 3)):
        with pytest.raises(ValueError, match="empty or too wide"):
            rng.integer(gen, low, high)


# -- integer_pair: two bounded draws from one word, each half rejected on its own ------------------

def test_a_large_pair_is_drawn_without_the_multiply_shift_bias() -> None:
    gen = np.random.default_rng(12)
    pairs = [rng.integer_pair(gen, 3 * 2**30, 3 * 2**30) for _ in range(3000)]
    for side in (0, 1):
        values = [p[side] for p in pairs]
        assert all(0 <= v < 3 * 2**30 for v in values)
        share = np.mean([v % 3 == 0 for v in values])
        assert 0.30 < share < 0.37, (side, share)


@pytest.mark.parametrize("rejected", ["high", "low"])
def test_only_the_half_that_needs_it_is_drawn_again(rejected: str) -> None:
    n = 2**31 + 1  # odd; 2**32 mod n = 2**31 - 1
    threshold = _M32 % n
    bad = _raw_with_low(threshold - 1, n, 32)  # a 32-bit half to be rejected
    good = _raw_with_low(n + 7, n, 32)  # one kept without a check (its low product >= n)
    again = _raw_with_low(threshold, n, 32)  # the redraw: checked, and kept
    word = (bad << 32 | good) if rejected == "high" else (good << 32 | bad)
    gen, left = _scripted([word, again << 32, 12345])
    first, second = rng.integer_pair(gen, n, n)
    kept, redrawn = good * n >> 32, again * n >> 32
    assert (first, second) == ((redrawn, kept) if rejected == "high" else (kept, redrawn))
    assert list(left) == [12345]  # one redraw, for the rejected half only


def test_a_pair_without_rejection_comes_from_one_word() -> None:
    high, low = 0xDEADBEEF, 0x12345678
    assert (high * 1000) % _M32 >= 1000 and (low * 1000) % _M32 >= 1000  # nothing to reject
    gen, left = _scripted([high << 32 | low, 1])
    assert rng.integer_pair(gen, 1000, 1000) == (high * 1000 >> 32, low * 1000 >> 32)
    assert list(left) == [1]


def test_integer_pair_accepts_ranges_of_1_to_2_to_the_32_values_only() -> None:
    gen = np.random.default_rng(0)
    for n1, n2 in ((_M32, 1), (1, _M32), (_M32, _M32)):
        a, b = rng.integer_pair(gen, n1, n2)
        assert 0 <= a < n1 and 0 <= b < n2
    for n1, n2 in ((_M32 + 1, 2), (2, _M32 + 1), (0, 2), (2, 0)):
        with pytest.raises(ValueError, match="1..2\\*\\*32"):
            rng.integer_pair(gen, n1, n2)


# -- pooled generators: the streams derive_rng builds, on either seating path -----------------------

_STREAMS = [(7, 0, 0, (1,)), (7, 0, 1, (1,)), (0, 2**56, 3, (5, 9)), (123, 4, 0, ())]


def _draws(gen: np.random.Generator) -> list[float]:
    """Draws through every buffer a generator keeps: 32-bit halves, floats, 64-bit integers."""
    return [*gen.integers(0, 2**32, size=3, dtype=np.uint32).tolist(),
            *gen.random(2, dtype=np.float32).tolist(), *gen.random(2).tolist(),
            int(gen.integers(0, 10**12))]


class _MisreadSlot(rng._Slot):
    """A slot whose direct state write lands wrong, as it would where numpy's PCG64 state is not
    two native 128-bit integers: the check at construction must catch it and use the setter."""

    def seat(self, digest: bytes) -> np.random.Generator:
        if self.direct:
            digest = digest[8:] + digest[:8]  # the fields one word off
        return super().seat(digest)


class _MisreadKernelSlot(rng._KernelSlot):
    def seat(self, digest: bytes) -> np.random.Generator:
        if self.direct:
            digest = digest[8:] + digest[:8]  # the fields one word off
        return super().seat(digest)


def _sfc64(digest: bytes) -> np.random.Generator:
    """A kernel stream as documented: SFC64 whose 256-bit state is the 32 digest bytes, set through
    numpy's own state setter."""
    bit_generator = np.random.SFC64()
    bit_generator.state = {"bit_generator": "SFC64", "state": {"state": np.frombuffer(digest, "<u8")},
                           "has_uint32": 0, "uinteger": 0}
    return np.random.Generator(bit_generator)


@pytest.mark.parametrize("slot", [rng._Slot, _MisreadSlot])
def test_pooled_generators_are_the_derived_streams_on_either_seating_path(slot: type[rng._Slot]) -> None:
    pool = rng.StreamPool(slot)
    for stream in _STREAMS:
        assert _draws(pool.get(*stream)) == _draws(rng.derive_rng(*stream)), stream
    for stream in _STREAMS:  # half a 32-bit pair left in the buffer must not leak into the next
        pool.get(7, 7, 7, (7,)).integers(0, 2**32, dtype=np.uint32)
        assert _draws(pool.get(*stream)) == _draws(rng.derive_rng(*stream)), stream


@pytest.mark.parametrize("slot", [rng._KernelSlot, _MisreadKernelSlot])
def test_kernel_generators_are_sfc64_on_the_stream_digest_on_either_seating_path(
        slot: type[rng._KernelSlot]) -> None:
    pool = rng.StreamPool(slot)
    for stream in _STREAMS:
        assert _draws(pool.get(*stream)) == _draws(_sfc64(rng.stream_digest(*stream))), stream
    for stream in _STREAMS:
        pool.get(7, 7, 7, (7,)).integers(0, 2**32, dtype=np.uint32)
        assert _draws(pool.get(*stream)) == _draws(_sfc64(rng.stream_digest(*stream))), stream


def test_a_misread_state_layout_is_noticed_and_the_setter_used() -> None:
    assert _MisreadSlot().direct is False
    assert _MisreadKernelSlot().direct is False


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64", "aarch64", "arm64"),
                    reason="the direct write needs numpy's native 128-bit PCG64 state")
def test_the_direct_write_is_used_where_numpy_lays_the_state_out_natively() -> None:
    # the fast path (a third of the cost of a seat) must not be turned down by a check that errs
    assert rng._Slot().direct is True
    assert rng._KernelSlot().direct is True


def test_a_pool_reuses_one_generator_per_thread() -> None:
    pool = rng.StreamPool()
    first = pool.get(1, 0, 0, (1,))
    assert pool.get(2, 5, 0, (3,)) is first  # re-seated, not rebuilt: no allocation per step
    seen: list[tuple[np.random.Generator, list[float]]] = []

    def other_thread() -> None:
        gen = pool.get(1, 0, 0, (1,))
        seen.append((gen, _draws(gen)))

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    gen, draws = seen[0]
    assert gen is not first  # threads never share one generator
    assert draws == _draws(rng.derive_rng(1, 0, 0, (1,)))


def test_seeds_and_ids_of_any_size_wrap_to_64_bits() -> None:
    pool = rng.StreamPool()
    big = (2**64 - 1, 2**63 + 5, 2**63, (2**64 - 1, 0))
    assert _draws(pool.get(*big)) == _draws(rng.derive_rng(*big))
    negative = _draws(pool.get(-1, 2**63 + 5, 2**63, (2**64 - 1, 0)))
    assert negative == _draws(rng.derive_rng(*big))  # seed -1 is seed 2**64 - 1
    assert _draws(rng.derive_rng(2**64 + 3, 0, 0, (1,))) == _draws(rng.derive_rng(3, 0, 0, (1,)))
