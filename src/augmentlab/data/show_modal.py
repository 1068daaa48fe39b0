"""``augmentlab show`` for text (a table of variants) and audio (waveforms and spectrograms)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidInput
from ..core.files import atomic_write
from ..core.transform import Transform
from ..datasets.formats import FORMATS, Entry, layout_of_file, read_entry
from .job import sample_id_of

__all__ = ["show_audio", "show_text"]


def _copies(pipeline: Transform, fields: dict[str, Any], key: str, n: int, seed: int) -> list[Any]:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput(f"show: n={n!r} must be a positive integer")
    pipe = pipeline if isinstance(pipeline, Compose) else Compose([pipeline])
    return [pipe(**fields, sample_id=sample_id_of(key), copy=c, seed=seed) for c in range(1, n + 1)]


def show_text(pipeline: Transform, file: str | Path, *, row: int = 0, n: int = 8, seed: int = 0,
              text_column: str = "text", out: str | Path | None = None) -> str:
    """A Markdown table: row `row` of a JSONL/CSV text file and `n` augmented variants (the
    variants `augment` would write for that row, copies 1..n). Written to `out` when given.

    Example:
        >>> import tempfile, json, augmentlab as al
        >>> p = Path(tempfile.mkdtemp()) / "t.jsonl"
        >>> _ = p.write_text(json.dumps({"text": "a good film"}) + "\\n")
        >>> print(show_text(al.Compose([al.text.RandomDelete(rate=0.0)]), p, n=1))
        | copy | text |
        |---|---|
        | original | a good film |
        | 1 | a good film |
    """
    file = Path(file)
    if not file.is_file():
        raise InvalidInput(f"show: {file} is not a file")
    if layout_of_file(file, text_column) != "text":
        raise InvalidInput(f"show: {file} has no text column {text_column!r} (see --text-column)")
    problems: list[dict[str, str]] = []
    rows = [e for e in FORMATS["text"].scan(file.parent, problems, label=None, text_column=text_column,
                                            only=None) if e.rel == file.name]
    if not 0 <= row < len(rows):
        raise InvalidInput(f"show: row {row} is not in {file} ({len(rows)} rows with text)")
    entry = rows[row]
    fields = read_entry(file.parent, entry)
    cells = [("original", fields["text"])] + [
        (str(c), s["text"]) for c, s in enumerate(_copies(pipeline, fields, entry.key, n, seed), 1)]

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    table = "| copy | text |\n|---|---|\n" + "".join(f"| {c} | {cell(t)} |\n" for c, t in cells)
    if out is not None:
        atomic_write(Path(out), table.encode())
    return table.rstrip("\n")


def _log_spectrogram(x: np.ndarray, n_fft: int = 512, hop: int = 128) -> np.ndarray:
    """dB magnitude of a Hann-windowed STFT, (frequencies, frames); floored at -100 dB."""
    if x.size < n_fft:
        x = np.pad(x, (0, n_fft - x.size))
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop] * np.hanning(n_fft)
    magnitude = np.abs(np.fft.rfft(frames, axis=1)).T
    return 20 * np.log10(np.maximum(magnitude, 1e-5))


def show_audio(pipeline: Transform, file: str | Path, out: str | Path, *, n: int = 4,
               seed: int = 0) -> Path:
    """A PNG: the clip and `n` augmented copies, one row each, waveform left and log-magnitude
    spectrogram right, events (from ``<stem>.csv``) shaded on the waveform.

    Example:
        >>> import tempfile, soundfile as sf, augmentlab as al
        >>> d = Path(tempfile.mkdtemp())
        >>> sf.write(d / "a.wav", np.sin(np.arange(8000) / 5).astype(np.float32), 8000)
        >>> show_audio(al.Compose([al.audio.Gain()]), d / "a.wav", d / "a.png", n=1).name
        'a.png'
    """
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    file, out = Path(file), Path(out)
    if not file.is_file():
        raise InvalidInput(f"show: {file} is not a file")
    events = file.with_suffix(".csv")
    entry = Entry(file.name, boxes=events.name if events.is_file() else None, extra={"format": "audio"})
    fields = read_entry(file.parent, entry)
    samples = [fields, *_copies(pipeline, fields, entry.key, n, seed)]
    fig, axes = plt.subplots(len(samples), 2, figsize=(10, 1.8 * len(samples)), squeeze=False)
    for i, sample in enumerate(samples):
        audio, rate = sample["audio"], int(sample["sample_rate"])
        mono = audio if audio.ndim == 1 else audio.mean(axis=0)
        t = np.arange(mono.size) / rate
        wave, spec = axes[i]
        wave.plot(t, mono, lw=0.5, color="tab:blue")
        for onset, offset, label in sample.get("events", []):
            wave.axvspan(onset, offset, color="tab:orange", alpha=0.25)
            wave.text(onset, 0.9, str(label), fontsize=7, transform=wave.get_xaxis_transform())
        wave.set_xlim(0, t[-1] if t.size else 1)
        wave.set_ylabel("original" if i == 0 else f"copy {i}", fontsize=8)
        spec.imshow(_log_spectrogram(mono), origin="lower", aspect="auto", cmap="magma",
                    extent=(0, t[-1] if t.size else 1, 0, rate / 2))
        spec.set_yticks([])
    axes[-1][0].set_xlabel("seconds")
    axes[-1][1].set_xlabel("seconds (spectrogram)")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    atomic_write(out, buf.getvalue())
    return out
