"""Measure: did augmentation help, by how much, and how sure are we?

`Experiment` trains the same model with and without each strategy over training-set sizes and
seeds, on a fixed test split that is never augmented; `Results` holds every cell and the paired
comparisons; the report gives each comparison a verdict: "helps" or "hurts" (its p-value, adjusted
for every comparison of the report, below 0.05), "equivalent" (the whole interval inside the
equivalence band, one point by default) or "inconclusive" (with the seeds that would resolve it).

Example:
    >>> import tempfile
    >>> from augmentlab.evaluate import Experiment
    >>> res = Experiment("breast-cancer", model="logreg", train_sizes=[10], seeds=3,
    ...                  out=tempfile.mkdtemp(), quiet=True).run()
    >>> res.summary()[["strategy", "train_size", "seeds"]].values.tolist()
    [['baseline', 10, 3]]
"""

from .auto import AutoChoice, AutoStrategy, choose_strategy
from .corruptions import SUITES, corrupt
from .experiment import Experiment
from .fidelity import (
    detection_score,
    distance_to_closest_record,
    fidelity_report,
    frechet_distance,
    label_agreement,
    precision_recall_density_coverage,
    train_synthetic_test_real,
)
from .metrics import calibration, classification_metrics, pack_predictions, unpack_predictions
from .models import MODELS, SklearnModel, default_model, make_model
from .protocol import Protocol, checkpoint_selection, training_rows
from .recommend import mild_geometric, recommended_strategy
from .report import write_report
from .results import Results
from .semi import pseudo_labels, unlabeled_pool
from .stats import (
    EQUIVALENCE,
    assess,
    holm,
    mean_interval,
    min_detectable_effect,
    paired_difference,
    seeds_needed,
    verdict,
)
from .strategies import (
    AugmentStrategy,
    BaselineStrategy,
    MixStrategy,
    ResampleStrategy,
    ReweightStrategy,
    SemiStrategy,
    Strategy,
    SynthesizeStrategy,
    as_strategies,
)
from .torch_models import Consistency, StepModel

__all__ = [
    "EQUIVALENCE",
    "MODELS",
    "SUITES",
    "AugmentStrategy",
    "AutoChoice",
    "AutoStrategy",
    "BaselineStrategy",
    "Consistency",
    "Experiment",
    "MixStrategy",
    "Protocol",
    "ResampleStrategy",
    "Results",
    "ReweightStrategy",
    "SemiStrategy",
    "SklearnModel",
    "StepModel",
    "Strategy",
    "SynthesizeStrategy",
    "as_strategies",
    "assess",
    "calibration",
    "checkpoint_selection",
    "choose_strategy",
    "classification_metrics",
    "corrupt",
    "default_model",
    "detection_score",
    "distance_to_closest_record",
    "fidelity_report",
    "frechet_distance",
    "holm",
    "label_agreement",
    "precision_recall_density_coverage",
    "pseudo_labels",
    "train_synthetic_test_real",
    "make_model",
    "mean_interval",
    "mild_geometric",
    "min_detectable_effect",
    "pack_predictions",
    "paired_difference",
    "recommended_strategy",
    "seeds_needed",
    "training_rows",
    "unlabeled_pool",
    "unpack_predictions",
    "verdict",
    "write_report",
]
