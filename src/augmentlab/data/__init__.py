"""Datasets on disk: read in their own layout, augmented, written back in the same layout with a
manifest (`augment_dataset`, the ``augmentlab augment`` command) and checked (`verify_output`)."""

from ..datasets.formats import MAX_PIXELS, Entry, detect_layout, read_entry, scan
from .job import AugmentSummary, augment_dataset, sample_id_of
from .replay import verify_output
from .show import show_grid

__all__ = ["MAX_PIXELS", "AugmentSummary", "Entry", "augment_dataset", "detect_layout", "read_entry",
           "sample_id_of", "scan", "show_grid", "verify_output"]
