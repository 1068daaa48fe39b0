"""What the text filters share (`SemanticFilter`, `LabelFilter`): run an inner transform or
pipeline on the text, score its result, retry with a fresh draw until a score passes, and record
the inner record so a replay needs neither the model nor the check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..core.params import check_number
from ..core.rng import integer
from ..core.sample import Record, Sample
from ..core.transform import Transform
from .base import spans_of, text_of

__all__ = ["CheckedText"]


class CheckedText(Transform):
    """Base of the filters: ``transform`` is any transform, pipeline or config on ``text``;
    ``tries`` bounds the fresh draws. Subclasses score a variant in `sample_params` through
    `first_passing`."""

    _abstract = True
    fields = frozenset({"text", "spans"})

    def _set_inner(self, transform: Any, tries: int) -> None:
        if isinstance(transform, dict):
            transform = Transform.from_config(transform)
        if not isinstance(transform, Transform):
            raise InvalidConfig(f"{self.name}: transform must be a transform or its config, "
                                f"got {type(transform).__name__}")
        self._given = transform  # saved as given: a transform, or a whole pipeline
        self.inner = transform if isinstance(transform, Compose) else Compose([transform])
        self.tries = int(check_number(self.name, "tries", tries, low=1, high=100, integer=True))

    def first_passing(self, sample: Sample, rng: np.random.Generator, score: Callable[[str], float],
                      passes: Callable[[float], bool], key: str) -> dict[str, Any]:
        """Params of the first of up to ``tries`` variants whose `score` `passes` (recorded
        under `key`), else of the text left as it was (with the lowest score seen)."""
        text, spans = text_of(sample), spans_of(sample)
        fields: dict[str, Any] = {"text": text}
        if spans:
            fields["spans"] = spans
        lowest = float("inf")
        for attempt in range(self.tries):
            out = self.inner(**fields, seed=integer(rng, 0, 2**63 - 1), sample_id=0, copy=attempt)
            value = score(out["text"])
            if passes(value):
                assert out.record is not None
                return {"record": out.record.to_dict(), key: value, "kept": True,
                        "tries": attempt + 1}
            lowest = min(lowest, value)
        return {"record": None, key: lowest, "kept": False, "tries": self.tries}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
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
