"""WordNet 3.0 synonyms straight from the database files (Debian ``wordnet-base``), no NLTK data
needed: the index gives each lemma's synsets per part of speech, the data files are read at the
byte offsets the index names, and WordNet's own morphology (exception lists, then suffix rules)
maps an inflected word to its lemma.

Part of speech: a word's synonyms come from its dominant part of speech only — the one with the
most sense-tagged occurrences in WordNet's corpus (``tagsense_cnt``) — so "run" the verb does not
swap in nouns. Senses are in WordNet's frequency order.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..core.errors import MissingDependency

__all__ = ["STOP_WORDS", "WordNet", "wordnet"]

POS = ("noun", "verb", "adj", "adv")
_RULES = {
    "noun": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
             ("men", "man"), ("ies", "y")],
    "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
             ("ing", "e"), ("ing", "")],
    "adj": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "adv": [],
}

# EDA's stop words (NLTK's English list, as the EDA paper's code uses): never replaced
_STOP_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he
him his himself she her hers herself it its itself they them their theirs themselves what which
who whom this that these those am is are was were be been being have has had having do does did
doing a an the and but if or because as until while of at by for with about against between into
through during before after above below to from up down in out on off over under again further
then once here there when where why how all any both each few more most other some such no nor
not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


class WordNet:
    """Synonym lookup over a WordNet 3.0 ``dict`` folder.

    Example:
        >>> wn = wordnet()
        >>> "movie" in wn.synonyms("film"), wn.synonyms("the")
        (True, [])
    """

    def __init__(self, folder: str | Path) -> None:
        folder = Path(folder)
        self.folder = folder
        self._index: dict[str, dict[str, tuple[int, tuple[int, ...]]]] = {}
        self._data: dict[str, bytes] = {}
        self._exceptions: dict[str, dict[str, list[str]]] = {}
        for pos in POS:
            self._data[pos] = (folder / f"data.{pos}").read_bytes()
            with (folder / f"index.{pos}").open(encoding="latin-1") as f:
                for line in f:
                    if line.startswith(" "):
                        continue  # the licence header
                    parts = line.split()
                    n_synsets, n_pointers = int(parts[2]), int(parts[3])
                    tagged = int(parts[5 + n_pointers])
                    offsets = tuple(int(o) for o in parts[6 + n_pointers:6 + n_pointers + n_synsets])
                    self._index.setdefault(parts[0], {})[pos] = (tagged, offsets)
            exc = folder / f"{pos}.exc"
            table: dict[str, list[str]] = {}
            if exc.is_file():
                for line in exc.read_text(encoding="latin-1").splitlines():
                    words = line.split()
                    if len(words) >= 2:
                        table[words[0]] = words[1:]
            self._exceptions[pos] = table

    def lemmas(self, word: str) -> list[tuple[str, str]]:
        """``(lemma, pos)`` pairs a word form can be (WordNet's morphy).

        Example:
            >>> wordnet().lemmas("films")
            [('film', 'noun'), ('film', 'verb')]
        """
        word = word.lower().replace(" ", "_")
        found = []
        for pos in POS:
            candidates = [word, *self._exceptions[pos].get(word, [])]
            candidates += [word[: -len(suffix)] + ending for suffix, ending in _RULES[pos]
                           if word.endswith(suffix) and len(word) > len(suffix)]
            for lemma in dict.fromkeys(candidates):
                if pos in self._index.get(lemma, {}):
                    found.append((lemma, pos))
                    break
        return found

    def _synset_words(self, pos: str, offset: int) -> list[str]:
        data = self._data[pos]
        end = data.index(b"\n", offset)
        fields = data[offset:end].split(b" ", 4 + 2 * 64)
        count = int(fields[3], 16)
        words = []
        for i in range(count):
            word = fields[4 + 2 * i].decode("latin-1")
            if word.endswith(")") and "(" in word:  # adjective markers: galore(ip)
                word = word[: word.index("(")]
            words.append(word)
        return words

    @functools.lru_cache(maxsize=65536)  # noqa: B019  (one WordNet per folder, kept for the process)
    def synonyms(self, word: str) -> list[str]:
        """Synonyms of `word` in its dominant part of speech, most frequent senses first
        (multi-word lemmas with spaces); empty for stop words and unknown words."""
        if word.lower() in STOP_WORDS:
            return []
        lemmas = self.lemmas(word)
        if not lemmas:
            return []
        lemma, pos = max(lemmas, key=lambda lp: (self._index[lp[0]][lp[1]][0], -POS.index(lp[1])))
        out: dict[str, None] = {}
        for offset in self._index[lemma][pos][1]:
            for w in self._synset_words(pos, offset):
                if w.lower() != lemma and w.lower() != word.lower():
                    out[w.replace("_", " ")] = None
        return list(out)


def wordnet(folder: str | None = None) -> WordNet:
    """The WordNet in `folder`, ``$AUGMENTLAB_WORDNET`` or ``/usr/share/wordnet`` (Debian's
    ``wordnet-base``), loaded once per process.

    Example:
        >>> wordnet().folder.name
        'wordnet'
    """
    return _load(str(Path(folder or os.environ.get("AUGMENTLAB_WORDNET") or "/usr/share/wordnet")))


@functools.lru_cache(maxsize=4)
def _load(folder: str) -> WordNet:  # one per folder, however it was named
    path = Path(folder)
    if not (path / "index.noun").is_file():
        raise MissingDependency("wordnet-base", "text", f"synonym transforms (WordNet 3.0, looked "
                                f"for in {path})", install="apt-get install wordnet-base, or set "
                                "AUGMENTLAB_WORDNET to a WordNet 3.0 dict folder")
    return WordNet(path)
