"""Real data to augment and measure on: built-in sets that ship in packages, and your own.

Example:
    >>> import augmentlab.datasets as ds
    >>> ds.load("breast-cancer").class_counts("test")
    {'malignant': 53, 'benign': 89}
"""

from .builtin import keel_names, load, names, parse_keel
from .dataset import Dataset, encode_labels, stratified_split
from .modality import MODALITIES, canonical_modality
from .photos import sample_photos
from .user import IMAGE_SUFFIXES, from_csv, from_folder, from_jsonl, read_image, read_unlabeled

__all__ = [
    "IMAGE_SUFFIXES",
    "MODALITIES",
    "Dataset",
    "canonical_modality",
    "encode_labels",
    "from_csv",
    "from_folder",
    "from_jsonl",
    "keel_names",
    "load",
    "names",
    "parse_keel",
    "read_image",
    "read_unlabeled",
    "sample_photos",
    "stratified_split",
]
