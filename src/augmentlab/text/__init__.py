"""Text augmentation on a ``text`` field (a ``str``). Transform names carry the ``text.``
prefix in pipeline files (``name: text.RandomSwap``)."""

from . import fields  # noqa: F401  (registers the field kinds and their checks with the core)
from .chars import CharDelete, CharSwap, KeyboardTypo, OcrError
from .contextual import ContextualReplace
from .eda import EDA, RandomDelete, RandomSwap
from .embedding import EmbeddingReplace, GloVe, glove
from .labels import LabelFilter, fit_oracle, label_agreement, label_probability
from .oracle_file import load_oracle, save_oracle
from .paraphrase import Paraphrase
from .semantic import SemanticFilter, similarity
from .synonyms import RandomInsert, SynonymReplace
from .template import Template
from .translate import ApertiumTranslator, BackTranslate, HttpTranslator, Translator, warm_pipeline
from .wordnet import STOP_WORDS, WordNet, wordnet

__all__ = [
    "EDA",
    "ApertiumTranslator",
    "BackTranslate",
    "STOP_WORDS",
    "CharDelete",
    "CharSwap",
    "ContextualReplace",
    "EmbeddingReplace",
    "GloVe",
    "HttpTranslator",
    "KeyboardTypo",
    "LabelFilter",
    "OcrError",
    "Paraphrase",
    "RandomDelete",
    "RandomInsert",
    "RandomSwap",
    "SemanticFilter",
    "SynonymReplace",
    "Template",
    "Translator",
    "WordNet",
    "fit_oracle",
    "glove",
    "load_oracle",
    "label_agreement",
    "label_probability",
    "save_oracle",
    "similarity",
    "warm_pipeline",
    "wordnet",
]
