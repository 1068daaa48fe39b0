"""Audio datasets: folders of WAV, FLAC or OGG files (a first-level subfolder is the class), each
with optional events in a sidecar CSV ``<stem>.csv`` (header ``onset,offset,label``, seconds).

Outputs keep the input's container and sample format (16-bit stays 16-bit; integer formats are
clipped to [-1, 1] on the way, which is what the format can hold). Ogg streams get a serial number
derived from the output's name instead of a random one, so the same job gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import DataError, MissingDependency

__all__ = ["AUDIO_SUFFIXES", "audio_outputs", "read_audio", "read_events"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def soundfile_module(feature: str = "augment on audio") -> Any:
    """The soundfile module, or `MissingDependency` naming the `feature` that needs it."""
    try:
        import soundfile
    except ImportError:
        raise MissingDependency("soundfile", "audio", feature) from None
    return soundfile


def read_audio(path: Path, rel: str) -> tuple[np.ndarray, int, str]:
    """``(samples, sample_rate, subtype)``: float32, ``(n,)`` mono or ``(channels, n)``."""
    sf = soundfile_module()
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        subtype = sf.info(str(path)).subtype
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise DataError(f"cannot read this audio file (corrupt, truncated or not audio): {exc}",
                        path=rel) from None
    if data.shape[0] == 0:
        raise DataError("the audio file has no samples", path=rel)
    if not np.isfinite(data).all():
        raise DataError("the audio file holds NaN or inf samples", path=rel)
    samples = data[:, 0].copy() if data.shape[1] == 1 else np.ascontiguousarray(data.T)
    return samples, int(rate), subtype


def read_events(path: Path, rel: str, duration: float) -> list[tuple[float, float, str]]:
    """Events of a sidecar CSV (``onset,offset,label`` in seconds), checked against the clip."""
    events = []
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if not {"onset", "offset", "label"} <= set(reader.fieldnames or []):
            raise DataError(f"expected the header onset,offset,label, got {reader.fieldnames}",
                            path=rel, line=1)
        for row in reader:
            try:
                onset, offset = float(row["onset"]), float(row["offset"])
            except (TypeError, ValueError):
                raise DataError(f"onset and offset must be numbers, got {row['onset']!r}, "
                                f"{row['offset']!r}", path=rel, line=reader.line_num) from None
            if not 0 <= onset <= offset <= duration + 1e-6:
                raise DataError(f"event {onset:g}..{offset:g} s is not within the {duration:g} s "
                                "clip (or onset > offset)", path=rel, line=reader.line_num)
            events.append((onset, min(offset, duration), row["label"]))
    return events


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


def encode_audio(rel: str, samples: np.ndarray, rate: int, subtype: str) -> bytes:
    """Samples encoded as the file `rel` would be (its container, the given subtype)."""
    sf = soundfile_module()
    fmt = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG"}[Path(rel).suffix.lower()]
    data = samples if samples.ndim == 1 else samples.T
    if subtype.startswith("PCM") or subtype in ("ULAW", "ALAW"):
        data = np.clip(data, -1.0, 1.0)  # an integer format holds no more
    buf = io.BytesIO()
    sf.write(buf, data, rate, format=fmt, subtype=subtype)
    out = buf.getvalue()
    return _fixed_ogg_serial(out, rel) if fmt == "OGG" else out


def audio_outputs(entry: Any, name: str, events_name: str | None, fields: dict[str, Any]) -> dict[str, bytes]:
    """The files of one augmented clip: the audio and, when the source had them, its events."""
    files = {name: encode_audio(name, fields["audio"], int(fields["sample_rate"]),
                                fields["subtype"])}
    if events_name is not None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["onset", "offset", "label"])
        for onset, offset, label in fields.get("events", []):
            writer.writerow([f"{onset:.6f}", f"{offset:.6f}", label])
        files[events_name] = buf.getvalue().encode()
    return files
