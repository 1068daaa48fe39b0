"""The seed tree: one random stream per (seed, sample id, copy, transform path).

A transform's stream depends only on those four things, never on worker count, call order or
global state. Path elements are stable keys derived from a transform's class name and its
occurrence among same-named siblings, so inserting a different transform does not shift the
streams of the others.

How a stream is made: BLAKE2b (a cryptographic hash, keyed by a fixed personalisation string)
of the packed tuple gives 256 bits, which become the 128-bit state and the 128-bit (odd) stream
increment of a PCG64 generator. Distinct tuples get unrelated states on distinct PCG64 streams.
``SeedSequence(seed, spawn_key=...)`` would give the same guarantees, but building one costs
~15 us against ~3 us here, and a pipeline derives a stream for every random step of every sample.
"""

from __future__ import annotations

import ctypes
import hashlib
import struct
import threading
import zlib
from typing import Any

import numpy as np

__all__ = ["StreamPool", "derive_rng", "integer", "integer_pair", "kernel_rng", "pack_path",
           "pack_sample", "path_key", "stream_digest", "stream_state", "uniform"]

_PERSON = b"augmentlab.seed1"  # 16 bytes: changing it would change every stream
_MAX = 2**64


def path_key(name: str, occurrence: int) -> int:
    """Stable 32-bit key of the `occurrence`-th child called `name` among its siblings.

    Example:
        >>> path_key("Rotate", 0) == path_key("Rotate", 0)
        True
    """
    return zlib.crc32(f"{name}#{occurrence}".encode())


def pack_sample(seed: int, sample_id: int, copy: int) -> bytes:
    """The leading 24 bytes of a stream's packed tuple (see `stream_digest`).

    Example:
        >>> len(pack_sample(1, 2, 3))
        24
    """
    return struct.pack("<QQQ", seed % _MAX, sample_id, copy)


def pack_path(path: tuple[int, ...]) -> bytes:
    """The trailing bytes of a stream's packed tuple: one little-endian uint64 per path key.

    Example:
        >>> pack_sample(1, 2, 3) + pack_path((4,)) == struct.pack("<QQQQ", 1, 2, 3, 4)
        True
    """
    return struct.pack(f"<{len(path)}Q", *path)


def stream_digest(seed: int, sample_id: int, copy: int, path: tuple[int, ...]) -> bytes:
    """The 32 bytes a stream is made of: BLAKE2b of the packed tuple.

    Example:
        >>> len(stream_digest(1, 2, 3, (4,)))
        32
    """
    packed = struct.pack(f"<QQQ{len(path)}Q", seed % _MAX, sample_id, copy, *path)
    return hashlib.blake2b(packed, digest_size=32, person=_PERSON).digest()


def stream_state(seed: int, sample_id: int, copy: int, path: tuple[int, ...]) -> tuple[int, int]:
    """PCG64 ``(state, inc)`` of one stream; all arguments are integers in ``[0, 2**64)``.

    Example:
        >>> stream_state(1, 2, 3, (4,)) == stream_state(1, 2, 3, (4,))
        True
        >>> stream_state(1, 2, 3, (4,)) == stream_state(1, 2, 3, (5,))
        False
    """
    digest = stream_digest(seed, sample_id, copy, path)
    return int.from_bytes(digest[:16], "little"), int.from_bytes(digest[16:], "little") | 1


def _seat(bit_generator: np.random.BitGenerator, state: tuple[int, int]) -> None:
    bit_generator.state = {"bit_generator": "PCG64", "state": {"state": state[0], "inc": state[1]},
                           "has_uint32": 0, "uinteger": 0}


class _PCG64State(ctypes.Structure):
    # numpy's pcg64_state (numpy/random/bit_generator: PCG64.ctypes.state_address points at it)
    _fields_ = [("pcg", ctypes.c_void_p), ("has_uint32", ctypes.c_int), ("uinteger", ctypes.c_uint32)]


class _Slot:
    """One reusable generator and a way to re-seat it on a stream.

    Seating through ``bit_generator.state`` builds and parses a dict of Python ints. On
    64-bit builds with native 128-bit integers PCG64's C state is ``{uint128 state, uint128 inc}``,
    so the 32 digest bytes (inc made odd) can be written straight into it through the
    address numpy publishes. Whether that layout holds is checked here, once, against the official
    setter on a few streams; if it does not, every seat goes through the setter.
    """

    def __init__(self) -> None:
        self.gen = np.random.Generator(np.random.PCG64(0))
        bit_generator = self.gen.bit_generator
        self._struct = _PCG64State.from_address(bit_generator.ctypes.state_address)
        self._raw = memoryview((ctypes.c_uint8 * 32).from_address(self._struct.pcg)).cast("B")
        self.direct = True
        self.direct = all(self._agrees(stream_digest(k, k, 0, (k,))) for k in range(4))

    def _agrees(self, digest: bytes) -> bool:
        self.seat(digest)
        direct = [self.gen.random(), int(self.gen.integers(0, 1000, dtype=np.int32))]
        bit_generator = self.gen.bit_generator
        _seat(bit_generator, (int.from_bytes(digest[:16], "little"),
                              int.from_bytes(digest[16:], "little") | 1))
        return direct == [self.gen.random(), int(self.gen.integers(0, 1000, dtype=np.int32))]

    def seat(self, digest: bytes) -> np.random.Generator:
        if self.direct:
            raw = self._raw
            raw[:] = digest
            raw[16] |= 1  # the stream increment must be odd
            self._struct.has_uint32 = 0  # drop a buffered half-word of the previous stream
        else:
            _seat(self.gen.bit_generator, (int.from_bytes(digest[:16], "little"),
                                           int.from_bytes(digest[16:], "little") | 1))
        return self.gen


def uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """One draw of ``rng.uniform(low, high)`` (the same number: numpy computes
    ``low + (high - low) * random()``), without its per-call argument handling.

    Example:
        >>> a, b = np.random.default_rng(3), np.random.default_rng(3)
        >>> uniform(a, -1.0, 2.0) == float(b.uniform(-1.0, 2.0))
        True
    """
    return low + (high - low) * rng.random()


_MASK64 = 2**64 - 1


def integer(rng: np.random.Generator, low: int, high: int) -> int:
    """One uniform integer in ``[low, high)``, exactly unbiased, cheaper than
    ``int(rng.integers(low, high))`` (whose argument handling dominates for a single draw).

    Lemire's multiply-and-reject method ("Fast random integer generation in an interval", 2019)
    on the generator's raw 64-bit outputs: the top 64 bits of ``raw * n`` are uniform on
    ``[0, n)`` once the few raws whose low half falls under ``2**64 mod n`` are drawn again.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> sorted({integer(rng, 3, 6) for _ in range(200)})
        [3, 4, 5]
    """
    low, n = int(low), int(high) - int(low)  # Python ints: numpy ints would overflow below
    if n <= 0 or n > _MASK64:
        raise ValueError(f"integer: empty or too wide range [{low}, {high})")
    raw = rng.bit_generator.random_raw
    m = raw() * n
    if m & _MASK64 < n:
        threshold = (_MASK64 + 1 - n) % n
        while m & _MASK64 < threshold:
            m = raw() * n
    return low + (m >> 64)


_MASK32 = 2**32 - 1


def _lemire32(x: int, n: int, raw: Any) -> int:
    m = x * n
    if m & _MASK32 < n:
        threshold = (_MASK32 + 1 - n) % n
        while m & _MASK32 < threshold:
            m = (raw() >> 32) * n
    return m >> 32


def integer_pair(rng: np.random.Generator, n1: int, n2: int) -> tuple[int, int]:
    """Two independent uniform integers in ``[0, n1)`` and ``[0, n2)`` (each ``n`` in
    ``[1, 2**32]``), exactly unbiased, from one raw 64-bit word when no rejection is needed:
    Lemire's method on each 32-bit half (see `integer`). A crop's two offsets in one draw.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> pairs = {integer_pair(rng, 2, 3) for _ in range(300)}
        >>> sorted(pairs) == [(a, b) for a in range(2) for b in range(3)]
        True
    """
    if not (1 <= n1 <= _MASK32 + 1 and 1 <= n2 <= _MASK32 + 1):
        raise ValueError(f"integer_pair: ranges must hold 1..2**32 values, got {n1} and {n2}")
    raw = rng.bit_generator.random_raw
    word = raw()
    a, b = (word >> 32) * n1, (word & _MASK32) * n2
    if a & _MASK32 < n1 or b & _MASK32 < n2:  # rare: a half may need rejecting (see _lemire32)
        return _lemire32(word >> 32, n1, raw), _lemire32(word & _MASK32, n2, raw)
    return a >> 32, b >> 32


def derive_rng(seed: int, sample_id: int, copy: int, path: tuple[int, ...]) -> np.random.Generator:
    """A fresh generator on the stream of one transform on one sample copy.

    Example:
        >>> a = derive_rng(7, 0, 0, (1,)).random()
        >>> b = derive_rng(7, 0, 0, (1,)).random()
        >>> a == b
        True
    """
    bit_generator = np.random.PCG64(0)
    _seat(bit_generator, stream_state(seed, sample_id, copy, path))
    return np.random.Generator(bit_generator)


class _SFC64State(ctypes.Structure):
    # numpy's sfc64_state: the state itself lives at SFC64.ctypes.state_address
    _fields_ = [("s", ctypes.c_uint64 * 4), ("has_uint32", ctypes.c_int), ("uinteger", ctypes.c_uint32)]


class _KernelSlot:
    """A reusable SFC64 generator for kernels, seated on 32 digest bytes.

    Kernels draw hundreds of thousands of raw words per image (pixel noise), where SFC64's raw
    output is about a third cheaper than PCG64's. Its 256-bit state ``(a, b, c, counter)`` is
    taken whole from the digest; the counter alone guarantees a period of at least 2**64 from
    any state. Seated through the published state address when its layout agrees with the
    official setter (checked once, as for PCG64), else through the setter.
    """

    def __init__(self) -> None:
        self.gen = np.random.Generator(np.random.SFC64(0))
        address = self.gen.bit_generator.ctypes.state_address
        self._struct = _SFC64State.from_address(address)
        self._raw = memoryview((ctypes.c_uint8 * 32).from_address(address)).cast("B")
        self.direct = True
        self.direct = all(self._agrees(stream_digest(k, k, 1, (k,))) for k in range(4))

    def _agrees(self, digest: bytes) -> bool:
        self.seat(digest)
        direct = [self.gen.random(), int(self.gen.integers(0, 1000, dtype=np.int32))]
        self._seat_by_setter(digest)
        return direct == [self.gen.random(), int(self.gen.integers(0, 1000, dtype=np.int32))]

    def _seat_by_setter(self, digest: bytes) -> None:
        words = np.frombuffer(digest, dtype="<u8").astype(np.uint64)
        self.gen.bit_generator.state = {"bit_generator": "SFC64", "state": {"state": words},
                                        "has_uint32": 0, "uinteger": 0}

    def seat(self, digest: bytes) -> np.random.Generator:
        if self.direct:
            self._raw[:] = digest
            self._struct.has_uint32 = 0
        else:
            self._seat_by_setter(digest)
        return self.gen


class StreamPool:
    """Hands out a per-thread generator re-seated on a stream: no allocation per step.

    The generator is valid until the next ``get`` on the same thread; the pipeline runner uses
    each one inside a single ``sample_params`` call. Yields the same numbers as `derive_rng`.

    Example:
        >>> pool = StreamPool()
        >>> pool.get(7, 0, 0, (1,)).random() == derive_rng(7, 0, 0, (1,)).random()
        True
    """

    def __init__(self, slot: type[_Slot] | type[_KernelSlot] = _Slot) -> None:
        self._local = threading.local()
        self._slot = slot

    def get(self, seed: int, sample_id: int, copy: int, path: tuple[int, ...]) -> np.random.Generator:
        return self.get_packed(pack_sample(seed, sample_id, copy) + pack_path(path))

    def get_packed(self, packed: bytes) -> np.random.Generator:
        """`get` for ``pack_sample(...) + pack_path(path)``: the runner packs a sample once and
        each node's path once per pipeline."""
        slot = getattr(self._local, "slot", None)
        if slot is None:
            slot = self._local.slot = self._slot()
        return slot.seat(hashlib.blake2b(packed, digest_size=32, person=_PERSON).digest())


STREAMS = StreamPool()  # the runner's: one stream per (seed, sample, copy, transform path)
_KERNEL_STREAMS = StreamPool(_KernelSlot)  # kernels': one per noise seed drawn in sample_params


def kernel_rng(seed: int) -> np.random.Generator:
    """The generator a kernel uses for the noise seed its transform drew (a recorded param).

    Equivalent in role to ``np.random.default_rng(seed)`` at a fifth of the cost; valid until the
    next call on the same thread, so a kernel uses it and lets it go. An SFC64 generator
    (see `_KernelSlot`): cheaper raw words for bulk pixel noise.

    Example:
        >>> kernel_rng(5).random() == kernel_rng(5).random()
        True
    """
    return _KERNEL_STREAMS.get(seed, 0, 0, ())
