"""``audio``: folders of WAV, FLAC or OGG files (a first-level subfolder is the class), each with
optional events in a sidecar CSV ``<stem>.csv`` (header ``onset,offset,label``, seconds).
Outputs keep the input's container and sample format (see `augmentlab.audio.io`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...audio.io import AUDIO_SUFFIXES, encode_audio, encode_events, read_audio, read_events
from ...image.spatial.warp import MAX_PIXELS
from .base import Entry, Files, Format, Listing, files_below, inside, output_name

__all__ = ["AudioFormat"]


class AudioFormat(Format):
    """Audio clips and their event files: fields ``audio``, ``sample_rate``, ``subtype`` (the
    file's sample format, passed through the pipeline untouched so the writer keeps it), and
    ``events`` and ``label`` where the clip has them.

    Example:
        >>> AudioFormat().accepts_file(Path("a.flac"), "text")
        True
    """

    name = "audio"

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        return bool(listing.suffixes & set(AUDIO_SUFFIXES))

    def accepts_file(self, path: Path, text_column: str) -> bool:
        return path.suffix.lower() in AUDIO_SUFFIXES

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        paths = [root / only] if only is not None else files_below(root, root, problems, AUDIO_SUFFIXES)
        entries = []
        for path in paths:
            parts = path.relative_to(root).parts
            events = path.with_suffix(".csv")
            entries.append(Entry("/".join(parts), label=parts[0] if len(parts) > 1 else None,
                                 boxes=events.relative_to(root).as_posix()
                                 if events.is_file() and inside(root, events) else None,
                                 extra={"format": "audio"}))
        return entries

    def read(self, root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
        samples, rate, subtype = read_audio(root / entry.rel, entry.rel)
        fields: dict[str, Any] = {"audio": samples, "sample_rate": rate, "subtype": subtype}
        if entry.boxes is not None:
            fields["events"] = read_events(root / entry.boxes, entry.boxes, samples.shape[-1] / rate)
        if entry.label is not None:
            fields["label"] = entry.label
        return fields

    def write(self, out: Path, entry: Entry, copy: int, fields: dict[str, Any],
              src: Path | None) -> tuple[Files, Any]:
        name = output_name(entry.rel, copy)
        files = {name: encode_audio(name, fields["audio"], int(fields["sample_rate"]), fields["subtype"])}
        if entry.boxes is not None:
            files[output_name(entry.boxes, copy)] = encode_events(fields.get("events", []))
        return files, None
