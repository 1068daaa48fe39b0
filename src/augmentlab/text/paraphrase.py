"""Paraphrase a text with a language model: behind an OpenAI-compatible chat endpoint
(``POST {base_url}/chat/completions``: a llama.cpp server, vLLM, Ollama, a hosted API), or
offline with the packaged SmolLM2-135M-Instruct (``backend="smollm2"``, see `augmentlab.text.lm`;
a 135M model: short, plain rewrites, often the text itself, seconds a sentence on 2 cores).

The request carries a seed drawn from the sample's stream and the temperature, so a server that
honours seeds answers the same; the record holds the paraphrase itself, so a replay needs no
server. Protected ``spans`` must come back verbatim, once each, or the text is left unchanged
(recorded as ``kept: false``).
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from typing import Any

import numpy as np

from ..core.errors import DataError, InvalidConfig, InvalidInput
from ..core.params import check_number
from ..core.rng import integer
from ..core.sample import Sample
from .base import TextTransform, spans_of, text_of

__all__ = ["Paraphrase"]

PROMPT = ("Rewrite the user's text with different words and the same meaning. Keep these exact "
          "phrases unchanged: {keep}. Reply with the rewritten text only.")


SMOL_SYSTEM = "You are a helpful assistant that rewrites sentences."
SMOL_REQUEST = "Paraphrase this sentence, keeping its meaning: {text}"


class Paraphrase(TextTransform):
    """Ask a chat model for a paraphrase: `base_url` of an OpenAI-compatible server, `model`
    its name; or ``backend="smollm2"`` for the packaged model, offline (no server).

    A key the server wants comes from the environment variable named by `api_key_env`, read at
    request time. `api_key` (Python only) is used but never stored: it is left out of the
    config, the pipeline's hash and every file written, and a pipeline file giving one is
    refused.

    Example:
        >>> import augmentlab as al
        >>> al.text.Paraphrase(base_url="http://localhost:8080/v1", model="smollm2").model
        'smollm2'
        >>> al.text.Paraphrase(backend="smollm2").backend
        'smollm2'
    """

    name = "text.Paraphrase"

    def __init__(self, *, base_url: str | None = None, model: str = "", backend: str = "http",
                 temperature: float = 0.7, api_key: str = "", api_key_env: str = "",
                 max_tokens: int = 256, timeout: float = 120.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self._config.pop("api_key", None)  # a secret: never in a config, a hash or a file
        if not api_key_env:
            self._config.pop("api_key_env", None)
        if not isinstance(api_key_env, str) or (api_key_env and not api_key_env.isidentifier()):
            raise InvalidConfig(f"text.Paraphrase: api_key_env={api_key_env!r} must be the name of "
                                "an environment variable, e.g. OPENAI_API_KEY")
        self.api_key_env = api_key_env
        if backend not in ("http", "smollm2"):
            raise InvalidConfig(f"text.Paraphrase: backend={backend!r} must be 'http' (a chat "
                                "server at base_url) or 'smollm2' (the packaged model)")
        self.backend = backend
        if backend == "http" and (
                not isinstance(base_url, str) or not base_url.startswith(("http://", "https://"))):
            raise InvalidConfig(f"text.Paraphrase: base_url={base_url!r} must be an http(s) URL "
                                "(or use backend='smollm2', the packaged model)")
        self.base_url = (base_url or "").rstrip("/")
        self.model, self.api_key = str(model), str(api_key)
        self.temperature = check_number(self.name, "temperature", temperature, low=0, high=2)
        self.max_tokens = int(check_number(self.name, "max_tokens", max_tokens, low=1, integer=True))
        self.timeout = float(check_number(self.name, "timeout", timeout, low=0.1))

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Any:
        if args.get("api_key"):
            raise InvalidConfig("text.Paraphrase: a pipeline file must not hold an api_key (files "
                                "get shared and copied); name an environment variable with "
                                "api_key_env: OPENAI_API_KEY and export the key there")
        return cls(**args)

    def ask(self, text: str, keep: list[str], seed: int) -> str:
        """One paraphrase from the server or the packaged model."""
        system = PROMPT.format(keep=", ".join(json.dumps(k) for k in keep) or "none")
        if self.backend == "smollm2":
            from .lm import smollm2

            # a 135M model follows a plain request in the user turn best; it may run on after
            # the rewrite with comments of its own: the first line is the rewrite
            asked = SMOL_REQUEST.format(text=text)
            if keep:
                asked += " Keep these exact phrases: " + ", ".join(json.dumps(k) for k in keep) + "."
            budget = min(self.max_tokens, 16 + 3 * len(text.split()))  # a rewrite, not an essay
            reply = smollm2().chat(SMOL_SYSTEM, asked, seed=seed, temperature=self.temperature,
                                   max_new_tokens=budget)
            return reply.strip().split("\n")[0].strip().strip('"').strip()
        body = {"model": self.model, "temperature": self.temperature, "seed": seed,
                "max_tokens": self.max_tokens,
                "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}]}
        headers = {"Content-Type": "application/json"}
        key = self.api_key
        if self.api_key_env:
            key = os.environ.get(self.api_key_env, "")
            if not key:
                raise InvalidConfig(f"text.Paraphrase: the environment variable {self.api_key_env} "
                                    "(api_key_env) is not set; export the server's key in it")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(f"{self.base_url}/chat/completions",
                                         data=json.dumps(body).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode())
            content = answer["choices"][0]["message"]["content"]
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise DataError(f"paraphrase server {self.base_url}: {type(exc).__name__}: {exc}") from None
        if not isinstance(content, str):
            raise DataError(f"paraphrase server {self.base_url}: the reply has no text")
        return content.strip().strip('"').strip()

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text, spans = text_of(sample), spans_of(sample)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        seed = integer(rng, 0, 2**31 - 1)
        unchanged = {"of": digest, "seed": seed, "text": text, "spans": [list(s) for s in spans]}
        if not text.strip():
            return {**unchanged, "kept": True}
        pieces = [text[s:e] for s, e, _ in spans]
        new = self.ask(text, pieces, seed)
        if not new or any(new.count(piece) != 1 for piece in pieces):
            return {**unchanged, "kept": False}
        moved = []
        for (s, e, label), piece in zip(spans, pieces, strict=True):
            start = new.index(piece)
            moved.append([start, start + (e - s), label])
        return {"of": digest, "seed": seed, "text": new, "spans": moved, "kept": True}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        keys = sample.keys_of("text")
        if not keys:
            return sample
        if hashlib.sha256(sample[keys[0]].encode()).hexdigest()[:16] != params["of"]:
            raise InvalidInput("text.Paraphrase: the record was made for another text")
        changes: dict[str, Any] = {keys[0]: params["text"]}
        for key in sample.keys_of("spans"):
            changes[key] = [tuple(s) for s in params["spans"]]
        return sample.derive(**changes)
