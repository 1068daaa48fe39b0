"""Back-translation: English -> a pivot language -> English, through a pluggable `Translator`.

Backends: `ApertiumTranslator` (Debian's rule-based ``apertium`` with ``apertium-eng-spa``,
offline, deterministic; one process per batch, so `BackTranslate.warm` translates a whole
corpus at once) and `HttpTranslator` (a LibreTranslate-style server: ``POST {base_url}/translate``
with ``{"q": [...], "source", "target", "format": "text"}`` answering ``{"translatedText": [...]}``).
The record holds the translation itself, so a replay needs no translator.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import numpy as np

from ..core.errors import DataError, InvalidConfig, InvalidInput, MissingDependency
from ..core.sample import Sample
from ..core.transform import Transform
from ..core.walk import iter_transforms
from .base import TextTransform, spans_of, text_of

__all__ = ["ApertiumTranslator", "BackTranslate", "HttpTranslator", "Translator", "warm_pipeline"]


def warm_pipeline(pipeline: Transform, texts: Iterable[str]) -> None:
    """Call ``warm(texts)`` on every transform of a pipeline that has it (back-translation),
    so a corpus is translated in one batch instead of a process per text.

    Example:
        >>> import augmentlab as al
        >>> warm_pipeline(al.Compose([al.text.RandomSwap()]), ["a b"])  # nothing to warm
    """
    for t in iter_transforms(pipeline):
        if hasattr(t, "warm"):
            t.warm([str(x) for x in texts])


class Translator(Protocol):
    """Anything that translates a batch of texts between two language codes."""

    def translate(self, texts: list[str], source: str, target: str) -> list[str]: ...


class ApertiumTranslator:
    """Apertium on this machine (``apertium -u SOURCE-TARGET``), one process per batch, a line
    per text.

    Example:
        >>> ApertiumTranslator().translate(["The film is good."], "eng", "spa")
        ['La película es bien.']
    """

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        if shutil.which("apertium") is None:
            raise MissingDependency("apertium", "text", "BackTranslate with Apertium",
                                    install="apt-get install apertium apertium-eng-spa")
        lines = [t.replace("\n", " ").replace("\r", " ") for t in texts]
        run = subprocess.run(["apertium", "-u", f"{source}-{target}"], input="\n".join(lines) + "\n",
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise MissingDependency(f"apertium-{source}-{target}", "text",
                                    f"BackTranslate {source}->{target} ({run.stderr.strip()[:200]})",
                                    install=f"apt-get install apertium-{source}-{target}")
        out = run.stdout.split("\n")[: len(lines)]
        if len(out) != len(lines):
            raise DataError(f"apertium returned {len(out)} lines for {len(lines)} texts")
        return out


class HttpTranslator:
    """A translation server speaking LibreTranslate's JSON (`base_url` + ``/translate``).

    Example:
        >>> HttpTranslator("http://localhost:5000").base_url
        'http://localhost:5000'
    """

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        body = json.dumps({"q": texts, "source": source, "target": target, "format": "text"}).encode()
        request = urllib.request.Request(f"{self.base_url}/translate", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode())
        except (OSError, ValueError) as exc:
            raise DataError(f"translation server {self.base_url}: {exc}") from None
        out = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(out, list) or len(out) != len(texts) or not all(isinstance(t, str) for t in out):
            raise DataError(f"translation server {self.base_url}: expected translatedText with "
                            f"{len(texts)} strings, got {str(answer)[:200]}")
        return out


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_CACHES: dict[tuple[Any, ...], dict[str, str]] = {}
_CACHE_SIZE = 200_000  # texts per backend and language pair
_PLACEHOLDER = "Zqx{}q"  # passes through apertium untouched (an unknown word), and rarely occurs


class BackTranslate(TextTransform):
    """Translate to `pivot` and back to `source`. Protected ``spans`` are swapped for
    placeholders the translator passes through, and put back (a translation that loses one
    leaves the text unchanged, recorded as ``kept: false``). `backend`: ``"apertium"`` (default,
    offline) or ``"http"`` with `base_url`.

    Example:
        >>> import augmentlab as al
        >>> al.text.BackTranslate()(text="The film was surprisingly good.")["text"]
        'The film was surprisingly well.'
    """

    name = "text.BackTranslate"
    # it draws nothing, but its params (the translation) must come from the record on replay,
    # which the runner does for random transforms only
    random = True

    def __init__(self, *, source: str = "eng", pivot: str = "spa", backend: str = "apertium",
                 base_url: str | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        if backend not in ("apertium", "http"):
            raise InvalidConfig(f"text.BackTranslate: backend={backend!r} must be 'apertium' or 'http'")
        if backend == "http" and not base_url:
            raise InvalidConfig("text.BackTranslate: backend='http' needs base_url='http://host:port'")
        self.source, self.pivot, self.backend, self.base_url = source, pivot, backend, base_url
        # translations are remembered per (backend, languages), across instances: a pipeline
        # loaded from YAML uses what another instance warmed
        self._cache = _CACHES.setdefault((backend, base_url, source, pivot), {})

    @property
    def translator(self) -> Translator:
        return ApertiumTranslator() if self.backend == "apertium" else HttpTranslator(str(self.base_url))

    def warm(self, texts: Iterable[str | Mapping[str, Any]]) -> None:
        """Back-translate many texts in two batched calls (and remember them): one process or
        request per direction instead of two per text. `texts` may also be samples' fields
        (their ``text``), as the augment job passes them to every transform's ``warm`` before
        its workers fork.

        Example:
            >>> import augmentlab as al
            >>> t = al.text.BackTranslate(); t.warm(["a good film", {"text": "a bad film"}])
            >>> t(text="a bad film")["text"]  # no apertium run: it was warmed
            'a bad film'
        """
        given = (t.get("text") if isinstance(t, Mapping) else t for t in texts)
        todo = list(dict.fromkeys(t for t in given if isinstance(t, str) and t not in self._cache))
        if len(self._cache) + len(todo) > _CACHE_SIZE:
            self._cache.clear()
        if todo:
            there = self.translator.translate(todo, self.source, self.pivot)
            back = self.translator.translate(there, self.pivot, self.source)
            self._cache.update(zip(todo, back, strict=True))

    def _round_trip(self, text: str) -> str:
        if text not in self._cache:
            self.warm([text])
        return self._cache[text]

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text, spans = text_of(sample), spans_of(sample)
        unchanged = {"of": _digest(text), "text": text, "spans": [list(x) for x in spans]}
        if not text.strip():
            return {**unchanged, "kept": True}
        order = sorted(range(len(spans)), key=lambda i: spans[i][0])  # mask left to right
        masked, at = [], 0
        for i in order:
            s, e, _ = spans[i]
            masked += [text[at:s], _PLACEHOLDER.format(i)]
            at = e
        back = self._round_trip("".join(masked) + text[at:])
        if any(back.count(_PLACEHOLDER.format(i)) != 1 for i in range(len(spans))):
            return {**unchanged, "kept": False}  # the translation lost a protected span
        placed = back
        for i, (s, e, _) in enumerate(spans):
            placed = placed.replace(_PLACEHOLDER.format(i), text[s:e])
        moved: list[list[Any]] = []
        for s, e, label in spans:  # the caller's order; offsets in the final text
            start = _find_span(placed, text[s:e], moved)
            moved.append([start, start + (e - s), label])
        return {"of": _digest(text), "text": placed, "spans": moved, "kept": True}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        keys = sample.keys_of("text")
        if not keys:
            return sample
        if _digest(sample[keys[0]]) != params["of"]:
            raise InvalidInput("text.BackTranslate: the record was made for another text")
        changes: dict[str, Any] = {keys[0]: params["text"]}
        for key in sample.keys_of("spans"):
            changes[key] = [tuple(s) for s in params["spans"]]
        return sample.derive(**changes)


def _find_span(text: str, piece: str, taken: list[list[Any]]) -> int:
    """The first occurrence of `piece` not inside a span already placed."""
    start = text.find(piece)
    while start >= 0 and any(s <= start < e for s, e, _ in taken):
        start = text.find(piece, start + 1)
    return max(start, 0)
