"""Text augmentation on a ``text`` field (a ``str``). Transform names carry the ``text.``
prefix in pipeline files (``name: text.RandomSwap``)."""

from .chars import CharDelete, CharSwap, KeyboardTypo, OcrError
from .eda import EDA, RandomDelete, RandomSwap
from .embedding import EmbeddingReplace, GloVe, glove
from .synonyms import RandomInsert, SynonymReplace
from .wordnet import STOP_WORDS, WordNet, wordnet

__all__ = [
    "EDA",
    "STOP_WORDS",
    "CharDelete",
    "CharSwap",
    "EmbeddingReplace",
    "GloVe",
    "KeyboardTypo",
    "OcrError",
    "RandomDelete",
    "RandomInsert",
    "RandomSwap",
    "SynonymReplace",
    "WordNet",
    "glove",
    "wordnet",
]
