"""WordNet synonyms and the EDA lexicon operations: morphology, part of speech, stop words,
punctuation and case kept, and a clear error when WordNet is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import augmentlab as al
from augmentlab.errors import MissingDependency
from augmentlab.text import STOP_WORDS, wordnet


def test_wordnet_lookup_follows_wordnet() -> None:
    wn = wordnet()
    assert wn.lemmas("geese") == [("goose", "noun")]  # an exception-list plural
    assert ("film", "noun") in wn.lemmas("films")
    assert wn.synonyms("film")[:2] == ["movie", "picture"]  # most frequent sense first
    assert wn.synonyms("quickly")[:2] == ["rapidly", "speedily"]
    assert wn.synonyms("the") == [] and wn.synonyms("xqzzy") == []
    # dominant part of speech only: "walk" is mostly tagged as a verb, its noun senses' words
    # (e.g. "base on balls") do not come in
    assert "base on balls" not in wn.synonyms("walked")


def test_synonym_replace_keeps_stop_words_punctuation_and_case() -> None:
    text = "The Film, honestly, was a dull and tedious mess!"
    pipe = al.Compose([al.text.SynonymReplace(n=3)], seed=0)
    changed = 0
    for i in range(30):
        out = pipe(text=text, sample_id=i)["text"]
        before, after = text.split(), out.split()
        changed += out != text
        for word in ("The", "was", "a", "and"):
            assert word in after  # stop words stay
        assert out.endswith("!")  # the final punctuation stays on its word
        # the replaced words: a capitalised word gets a capitalised synonym
        step = pipe(text=text, sample_id=i).record.steps[0]
        for index, synonym in step.params["replace"]:
            assert before[index].strip(",!").lower() not in STOP_WORDS
            assert synonym in wordnet().synonyms(before[index].strip(",!"))
    assert changed == 30
    out = al.Compose([al.text.SynonymReplace(n=1)], seed=0)(text="Film, dull.")["text"]
    assert out[0].isupper() and out.endswith(".")


def test_random_insert_adds_synonyms_of_the_texts_own_words() -> None:
    text = "a dull film about a tired detective"
    for i in range(20):
        out = al.Compose([al.text.RandomInsert(n=2)], seed=1)(text=text, sample_id=i)
        params = out.record.steps[0].params["insert"]
        assert len(params) == 2
        for _, word in params:
            assert any(word in wordnet().synonyms(w) for w in text.split())
        assert len(out["text"].split()) >= len(text.split()) + 2
    assert al.text.RandomInsert(n=2)(text="the and of", seed=0)["text"] == "the and of"  # stop words only


def test_eda_recipe_round_trips_and_replays() -> None:
    recipe = al.Compose([al.text.EDA(alpha=0.2)], seed=3)
    loaded = al.load_pipeline(recipe.to_yaml())
    text = "an unexpectedly moving story about grief, told with restraint"
    names = set()
    for i in range(40):
        out = recipe(text=text, sample_id=i)
        assert loaded(text=text, sample_id=i)["text"] == out["text"]
        assert recipe.replay(out.record, text=text)["text"] == out["text"]
        names |= {s.name for s in out.record.steps if s.applied}
    assert {"text.SynonymReplace", "text.RandomInsert", "text.RandomSwap", "text.RandomDelete"} <= names


def test_missing_wordnet_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(MissingDependency, match="apt-get install wordnet-base"):
        al.text.SynonymReplace(wordnet_dir=str(tmp_path))(text="a dull film")


def test_character_noise_touches_only_word_characters() -> None:
    text = "Ünïcode café, 2024 edition — grand!"
    for name in ("KeyboardTypo", "OcrError", "CharSwap", "CharDelete"):
        t = getattr(al.text, name)(rate=0.5)
        for i in range(20):
            out = al.Compose([t], seed=i)(text=text)["text"]
            # whitespace and punctuation are never touched, every word keeps a letter
            assert [c for c in out if not c.isalnum()] == [c for c in text if not c.isalnum()] \
                or name == "OcrError"
            assert len(out.split()) == len(text.split())
            if name != "CharDelete":
                assert len(out) <= len(text)
    typo = al.Compose([al.text.KeyboardTypo(rate=1.0)], seed=0)(text="Ab")["text"]
    assert typo[0].isupper() and typo[0] != "A" and typo[1] in "vghn"  # neighbours, case kept
    record = al.Compose([al.text.CharSwap(rate=0.5)], seed=0)(text="abcdef ghij").record
    with pytest.raises(al.errors.InvalidInput, match="not the text it was made for"):
        al.Compose([al.text.CharSwap(rate=0.5)], seed=0).replay(record, text="zzzzzz zzzz")


def test_template_synthesis() -> None:
    t = al.text.Template({"refund": ["I want my money back for {item}.", "Refund {item} {{now}}"],
                          "other": ["Where is {item}?"]},
                         slots={"item": ["the blender", "order 17", "my ticket"]})
    s = t.sample({"refund": 40, "other": 5}, seed=3)
    assert len(s) == 45 and list(s.y).count("refund") == 40 and s.parents == [None] * 45
    assert all(x.startswith(("I want", "Refund", "Where")) for x in s.X)
    assert "Refund the blender {now}" in set(s.X) or any("{now}" in x for x in s.X)
    assert s.info["made_from"][0]["slots"]["item"] in s.X[0]
    # the texts of a class depend on (seed, class) only
    assert list(t.sample(40, "refund", seed=3).X) == list(s.X[:40])
    with pytest.raises(al.errors.InvalidConfig, match=r"uses slot \{place\}"):
        al.text.Template({"a": ["go to {place}"]}, slots={})
    with pytest.raises(al.errors.InvalidInput, match="no templates for class 'b'"):
        t.sample(1, "b")


def test_semantic_filter_keeps_only_close_variants() -> None:
    text = "a remarkably tender film about two estranged brothers and their dying father"
    strict = al.Compose([al.text.SemanticFilter(transform=al.text.RandomDelete(rate=0.8),
                                                min_similarity=0.97, tries=2)], seed=0)
    loose = al.Compose([al.text.SemanticFilter(transform=al.text.RandomDelete(rate=0.8),
                                               min_similarity=-1.0)], seed=0)
    kept_strict = [strict(text=text, sample_id=i).record.steps[0].params for i in range(6)]
    kept_loose = [loose(text=text, sample_id=i) for i in range(6)]
    assert sum(p["kept"] for p in kept_strict) < 6
    assert all(not p["kept"] and p["similarity"] < 0.97 for p in kept_strict if not p["kept"])
    assert all(o.record.steps[0].params["kept"] and o["text"] != text for o in kept_loose)
    assert al.text.similarity(text, text) > 0.999
    assert al.text.similarity(text, "the stock market fell sharply today") < 0.3
    out = kept_loose[0]
    assert loose.replay(out.record, text=text) == out  # from the record: the inner record


def test_embedding_cache_overflow_keeps_every_text_of_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # found by bench/eda_effect.py on the full Rotten Tomatoes set: a text cached before the
    # cache filled up was cleared away mid-call
    from augmentlab.text import sentence_embeddings as embeddings

    monkeypatch.setattr(embeddings, "_CACHE_LIMIT", 4)
    embeddings._CACHE.clear()
    first = embeddings.encode(["a", "b", "c"])
    both = embeddings.encode(["a", "d", "e", "f"])  # "a" cached, three new: over the limit
    assert np.allclose(both[0], first[0], atol=1e-5) and len(embeddings._CACHE) == 4
    big = embeddings.encode(["g", "h", "i", "j", "k", "a"])  # more than the cache holds
    assert big.shape == (6, 384) and np.allclose(big[5], first[0], atol=1e-5)
    embeddings._CACHE.clear()
