"""Audio files: the one reader (and encoder) of WAV, FLAC and OGG clips and their event CSVs.

A read refuses, with a `DataError` naming the file, a clip soundfile cannot decode, one without
samples and one holding NaN or inf. Encoding keeps the input's container and sample format
(integer formats are clipped to [-1, 1], which is what they hold); Ogg streams get a serial
number derived from the output's name instead of a random one, so the same job gives the same
bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..core.errors import DataError
from ..core.optional import require

__all__ = ["AUDIO_SUFFIXES", "encode_audio", "encode_events", "read_audio", "read_events"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def read_audio(source: Path | BinaryIO, name: str, *,
               feature: str = "augment on audio") -> tuple[np.ndarray, int, str]:
    """``(samples, sample_rate, subtype)`` of a clip (a file, or an open binary stream): float32,
    ``(n,)`` mono or ``(channels, n)``. `name` is what errors call it; `feature` what the
    soundfile package is needed for, when it is missing.

    Example:
        >>> import tempfile, soundfile as sf
        >>> p = Path(tempfile.mkdtemp()) / "a.wav"
        >>> sf.write(p, np.zeros((8, 2), np.float32), 8000)
        >>> samples, rate, subtype = read_audio(p, "a.wav")
        >>> samples.shape, rate, subtype
        ((2, 8), 8000, 'PCM_16')
    """
    sf = require("soundfile", "audio", feature)
    try:
        with sf.SoundFile(source if not isinstance(source, Path) else str(source)) as f:
            subtype = f.subtype
            rate = f.samplerate
            data = f.read(dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise DataError(f"cannot read this audio file (corrupt, truncated or not audio): {exc}",
                        path=name) from None
    if data.shape[0] == 0:
        raise DataError("the audio file has no samples", path=name)
    if not np.isfinite(data).all():
        raise DataError("the audio file holds NaN or inf samples", path=name)
    samples = data[:, 0].copy() if data.shape[1] == 1 else np.ascontiguousarray(data.T)
    return samples, int(rate), subtype


def read_events(path: Path, name: str, duration: float) -> list[tuple[float, float, str]]:
    """Events of a sidecar CSV (``onset,offset,label`` in seconds), checked against the clip.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.csv"
        >>> _ = p.write_text("onset,offset,label\\n0.1,0.5,dog\\n")
        >>> read_events(p, "a.csv", 1.0)
        [(0.1, 0.5, 'dog')]
    """
    events = []
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if not {"onset", "offset", "label"} <= set(reader.fieldnames or []):
            raise DataError(f"expected the header onset,offset,label, got {reader.fieldnames}",
                            path=name, line=1)
        for row in reader:
            try:
                onset, offset = float(row["onset"]), float(row["offset"])
            except (TypeError, ValueError):
                raise DataError(f"onset and offset must be numbers, got {row['onset']!r}, "
                                f"{row['offset']!r}", path=name, line=reader.line_num) from None
            if not 0 <= onset <= offset <= duration + 1e-6:
                raise DataError(f"event {onset:g}..{offset:g} s is not within the {duration:g} s "
                                "clip (or onset > offset)", path=name, line=reader.line_num)
            events.append((onset, min(offset, duration), row["label"]))
    return events


def encode_events(events: Any) -> bytes:
    """Events as a sidecar CSV (``onset,offset,label``, seconds to the microsecond).

    Example:
        >>> encode_events([(0.1, 0.5, "dog")]).decode()
        'onset,offset,label\\n0.100000,0.500000,dog\\n'
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["onset", "offset", "label"])
    for onset, offset, label in events:
        writer.writerow([f"{onset:.6f}", f"{offset:.6f}", label])
    return buf.getvalue().encode()


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i << 24
        for _ in range(8):
            crc = (((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
        table.append(crc)
    return table


_CRC = _crc_table()


def _ogg_crc(data: bytes) -> int:
    """Ogg's page checksum (CRC-32, polynomial 0x04C11DB7, not reflected, no final xor)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[(crc >> 24) ^ byte]
    return crc


def _fixed_ogg_serial(data: bytes, name: str) -> bytes:
    """Replace the Ogg stream serial number (random in libsndfile) by one derived from `name`,
    recomputing every page's checksum."""
    serial = hashlib.sha256(name.encode()).digest()[:4]
    out = bytearray(data)
    at = 0
    while at + 27 <= len(out) and out[at:at + 4] == b"OggS":
        segments = out[at + 26]
        size = 27 + segments + sum(out[at + 27:at + 27 + segments])
        out[at + 14:at + 18] = serial
        out[at + 22:at + 26] = b"\0\0\0\0"
        out[at + 22:at + 26] = _ogg_crc(bytes(out[at:at + size])).to_bytes(4, "little")
        at += size
    return bytes(out)


def encode_audio(name: str, samples: np.ndarray, rate: int, subtype: str) -> bytes:
    """Samples encoded as the file `name` would be (its container, the given subtype).

    Example:
        >>> encode_audio("a.wav", np.zeros(8, np.float32), 8000, "PCM_16")[:4]
        b'RIFF'
    """
    sf = require("soundfile", "audio", "augment on audio")
    fmt = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG"}[Path(name).suffix.lower()]
    data = samples if samples.ndim == 1 else samples.T
    if subtype.startswith("PCM") or subtype in ("ULAW", "ALAW"):
        data = np.clip(data, -1.0, 1.0)  # an integer format holds no more
    buf = io.BytesIO()
    sf.write(buf, data, rate, format=fmt, subtype=subtype)
    out = buf.getvalue()
    return _fixed_ogg_serial(out, name) if fmt == "OGG" else out
