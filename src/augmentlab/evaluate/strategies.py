"""What an experiment compares: a baseline, augmentation pipelines, batch mixers, and (through the
same door) generators and samplers that add rows.

Each kind of strategy is its own type, holding only what that kind uses, so no combination of
options can be wrong:

- `BaselineStrategy`: the training rows as they are;
- `ReweightStrategy`: no new rows, rare classes weigh more in the loss
  (``class_weight="balanced"``);
- `AugmentStrategy`: a pipeline (`augmentlab.Compose`), a fresh random version of every row at
  every step for models trained by steps, or ``copies`` augmented copies of each row up front for
  the others; text rows can have their labels checked by an oracle (``label_check``);
- `MixStrategy`: a batch mixer (`augmentlab.mix`) on every training batch of a model trained by
  steps, after an optional pipeline;
- `ResampleStrategy`: an object with ``fit_resample(X, y, seed=...)`` (the synthesize generators,
  imbalanced-learn samplers) returns the rows to train on, real ones included;
- `SynthesizeStrategy`: a generator (``fit`` and ``sample``) adds ``ratio`` x each class's rows
  (or balances the classes), after quality ``filters``;
- `SemiStrategy`: unlabelled rows as well (``semi="fixmatch"``, ``"uda"`` or
  ``"self-training"``), after an optional pipeline.

Every type takes ``steps`` (a training budget of its own, reported) and, but the baseline,
``class_weight``. ``Strategy(name, pipeline, copies, resampler, steps, class_weight, ratio,
filters, label_check, mixer, semi)`` builds the type its arguments describe, and refuses arguments
that do not go together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..core.transform import Transform
from ..core.types import ArrayLike
from .modalities import ADAPTERS, adapter_for
from .modalities.audio import on_spectrograms
from .semi import pseudo_labels
from .torch_models import Augment, Consistency, Mix

if TYPE_CHECKING:
    from ..datasets import Dataset
    from ..mix import Mixer
    from ..synth.base import Generator
    from .modalities.base import Modality
    from .models import Model

__all__ = ["FIELD_OF", "SEMI_METHODS", "AugmentStrategy", "BaselineStrategy", "MixStrategy",
           "ResampleStrategy", "ReweightStrategy", "SemiStrategy", "Strategy", "SynthesizeStrategy",
           "as_strategies", "extra_fields"]

# the sample key per modality (each modality's adapter says its own)
FIELD_OF = {name: m.field for name, m in ADAPTERS.items()}



class Resampler(Protocol):
    """What `ResampleStrategy` takes: ``fit_resample(X, y)`` giving the rows to train on (a
    generator of `augmentlab.synth`, an imbalanced-learn sampler)."""

    def fit_resample(self, X: np.ndarray, y: np.ndarray, /) -> tuple[ArrayLike, ArrayLike]: ...


_GENERATOR = "(an object with fit and sample, e.g. augmentlab.synth.SMOTE or ConditionalVAE)"


def extra_fields(data: Any) -> dict[str, Any]:
    """What augmenting a row of `data` needs besides the row: audio its sample rate, tables
    their column names (rows go to tabular transforms as column -> value).

    Example:
        >>> from augmentlab.datasets import load
        >>> extra_fields(load("wine"))["columns"][:2]
        ('alcohol', 'malic_acid')
    """
    return adapter_for(data.modality).extra_fields(data)


class _ByArguments(type):
    """Calling `Strategy` itself builds the strategy type its arguments describe (the documented
    ``Strategy(name, pipeline, ...)``); the types themselves are constructed as usual."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Strategy:
            return _from_arguments(*args, **kwargs)
        return super().__call__(*args, **kwargs)


@dataclass
class Strategy(metaclass=_ByArguments):
    """One way of training: the base of the strategy types, and (called itself) the factory that
    picks one from the arguments.

    Example:
        >>> import augmentlab as al
        >>> s = Strategy("flip", al.Compose([al.HorizontalFlip()]), copies=2)
        >>> type(s).__name__, s.kind, len(s.key)
        ('AugmentStrategy', 'augment', 16)
        >>> type(Strategy("w", class_weight="balanced")).__name__
        'ReweightStrategy'
    """

    kind: ClassVar[str]  # "baseline", "reweight", "augment", "resample", "semi" (results.json)

    name: str
    steps: int | None = field(default=None, kw_only=True)  # a training budget of its own
    # "balanced": weight each training row by n / (classes x rows of its class) in the loss, the
    # non-augmenting alternative to oversampling that imbalanced data should be compared with
    class_weight: str | None = field(default=None, kw_only=True)

    if TYPE_CHECKING:  # what `Strategy(...)` takes: the metaclass hands it to `_from_arguments`
        def __init__(self, name: str, pipeline: Compose | Transform | None = None, copies: int = 4,
                     resampler: Resampler | None = None, steps: int | None = None,
                     class_weight: str | None = None, ratio: float | None = None,
                     filters: tuple[Any, ...] = (), label_check: float | None = None,
                     mixer: Mixer | None = None, semi: str | None = None) -> None: ...

    def __post_init__(self) -> None:
        if self.class_weight not in (None, "balanced"):
            raise self._invalid(f"class_weight={self.class_weight!r} must be None or 'balanced'")

    def _invalid(self, message: str) -> InvalidConfig:
        return InvalidConfig(f"strategy {self.name!r}: {message}")

    def config(self) -> dict[str, Any]:
        """JSON description (in the report and the cache key)."""
        cfg: dict[str, Any] = {"kind": self.kind, "steps": self.steps}
        if self.class_weight:
            cfg["class_weight"] = self.class_weight
        return cfg

    @property
    def key(self) -> str:
        """Hash of `config` (not of the name: renaming a strategy keeps its cached cells)."""
        text = json.dumps(self.config(), sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def sample_weight(self, y: np.ndarray) -> np.ndarray | None:
        """Per-row loss weights (``class_weight="balanced"``), else None.

        Example:
            >>> Strategy("w", class_weight="balanced").sample_weight(np.array([0, 0, 0, 1])).tolist()
            [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
        """
        if self.class_weight != "balanced":
            return None
        classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
        return (len(y) / (len(classes) * counts))[inverse]

    # -- training ---------------------------------------------------------------------------------
    def offline(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                extra: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The training rows for a model that is not trained by steps (`rows`: their ids)."""
        return X, y

    def on_the_fly(self, rows: np.ndarray, seed: int, field: str, extra: Mapping[str, Any],
                   n_classes: int) -> tuple[Augment | None, Mix | None] | None:
        """For a model trained by steps: the (augment, mix) functions applied to each training
        batch, or None to train on the `offline` rows."""
        return None

    def example_rows(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                     extra: Mapping[str, Any], n_classes: int) -> np.ndarray | None:
        """What the strategy makes of a few training rows, for the report (None: nothing)."""
        return None


@dataclass
class BaselineStrategy(Strategy):
    """The training rows as they are.

    Example:
        >>> BaselineStrategy("baseline").config()
        {'kind': 'baseline', 'steps': None}
    """

    kind: ClassVar[str] = "baseline"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.class_weight is not None:
            raise self._invalid("a baseline trains on the rows as they are; class weights are a "
                                "ReweightStrategy")


@dataclass
class ReweightStrategy(Strategy):
    """No new rows: each training row weighs n / (classes x rows of its class) in the loss.

    Example:
        >>> ReweightStrategy("weights").config()
        {'kind': 'reweight', 'steps': None, 'class_weight': 'balanced'}
    """

    kind: ClassVar[str] = "reweight"
    class_weight: str | None = field(default="balanced", kw_only=True)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.class_weight is None:
            raise self._invalid("a ReweightStrategy needs class_weight='balanced'")


class _Pipelined:
    """Running a strategy's pipeline over rows, in each modality's way (its adapter's)."""

    name: str
    pipeline: Compose | None

    def _check_pipeline(self) -> None:
        if isinstance(self.pipeline, Transform) and not isinstance(self.pipeline, Compose):
            self.pipeline = Compose([self.pipeline])
        if not isinstance(self.pipeline, Compose):
            raise InvalidConfig(f"strategy {self.name!r}: pipeline must be an augmentlab Compose, "
                                f"got {type(self.pipeline).__name__}")
        kinds = {f for t in self.pipeline.leaves() for f in t.fields}
        if "spectrogram" in kinds and "audio" in kinds:
            raise InvalidConfig(f"strategy {self.name!r}: its pipeline mixes waveform and "
                                "spectrogram transforms; a strategy augments one of them (use "
                                "two strategies, or augment waveforms only)")

    @property
    def on_spectrograms(self) -> bool:
        """Whether the pipeline augments spectrograms (of audio rows) rather than the rows."""
        return self.pipeline is not None and on_spectrograms(self.pipeline)

    def inputs(self, X: np.ndarray, field: str, extra: Mapping[str, Any] | None = None
               ) -> tuple[np.ndarray, str]:
        """The rows and field the pipeline works on: the rows, or (audio rows under a
        spectrogram pipeline) their log-mel spectrograms, the audio model's own front end."""
        if self.pipeline is None:
            return X, field
        return adapter_for(field).inputs(X, self.pipeline, extra or {})

    def augment_rows(self, X: np.ndarray, rows: np.ndarray, copy: int, seed: int, field: str,
                     extra: Mapping[str, Any] | None = None, pipeline: Compose | None = None
                     ) -> np.ndarray:
        """One augmented version of each row (row ids `rows` pick the seed-tree streams) by
        `pipeline` (default: the strategy's); `extra` holds fields every sample needs
        (`extra_fields`). Audio comes back at the rows' length; a spectrogram pipeline returns
        spectrograms (`inputs`)."""
        pipeline = pipeline or self.pipeline
        assert pipeline is not None
        return adapter_for(field).augment(pipeline, X, rows, copy, seed, extra or {})

    def _augment_batches(self, rows: np.ndarray, seed: int, field: str,
                         extra: Mapping[str, Any], pipeline: Compose | None = None) -> Augment:
        def augment(batch: np.ndarray, idx: np.ndarray, step: int) -> np.ndarray:
            return self.augment_rows(batch, rows[idx], step, seed, field, extra, pipeline)
        return augment


@dataclass
class AugmentStrategy(_Pipelined, Strategy):
    """Train-time augmentation by `pipeline` (a transform is wrapped in a `Compose`).

    ``copies``: augmented copies of each row made up front for models not trained by steps.
    ``label_check`` (text): keep an augmented row only where an oracle
    (`augmentlab.text.fit_oracle`) fitted on the cell's real training rows gives the row's label
    at least this probability; a row that fails is replaced by its original.

    Example:
        >>> import augmentlab as al
        >>> s = AugmentStrategy("flip", al.HorizontalFlip(), copies=2)
        >>> s.offline(np.zeros((3, 4, 4), np.uint8), np.arange(3), np.arange(3), 0, "image")[0].shape
        (9, 4, 4)
    """

    kind: ClassVar[str] = "augment"

    pipeline: Compose
    copies: int = 4
    label_check: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self._check_pipeline()
        if self.label_check is not None and not (
                isinstance(self.label_check, (int, float)) and 0 < self.label_check < 1):
            raise self._invalid(f"label_check={self.label_check!r} must be a probability "
                                "between 0 and 1 (or None)")
        if int(self.copies) < 1:
            raise self._invalid(f"copies={self.copies} must be >= 1")
        self.copies = int(self.copies)

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        cfg.update(pipeline=self.pipeline.get_config(), copies=self.copies)
        if self.label_check is not None:
            cfg["label_check"] = self.label_check
        return cfg

    def offline(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                extra: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The rows and ``copies`` augmented copies of them (labels checked with
        ``label_check``)."""
        modality = adapter_for(field)
        if self.label_check is not None and not modality.label_check:  # before augmenting anything
            raise self._invalid(f"label_check works on text datasets; this one's samples are {field}")
        extra = modality.prepare(X, extra or {})
        parts = [self.inputs(X, field, extra)[0]] + [
            self.augment_rows(X, rows, k, seed, field, extra) for k in range(1, self.copies + 1)]
        if self.label_check is not None:
            parts[1:] = self.checked_labels(X, y, parts[1:], seed, field)
        return np.concatenate(parts), np.concatenate([y] * (self.copies + 1))

    def on_the_fly(self, rows: np.ndarray, seed: int, field: str, extra: Mapping[str, Any],
                   n_classes: int) -> tuple[Augment | None, Mix | None]:
        return self._augment_batches(rows, seed, field, extra), None

    def example_rows(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                     extra: Mapping[str, Any], n_classes: int) -> np.ndarray:
        return self.augment_rows(X, rows, 1, seed, field, extra)

    def checked_labels(self, X: np.ndarray, y: np.ndarray, copies: list[np.ndarray], seed: int,
                       field: str) -> list[np.ndarray]:
        """The augmented `copies` with every row the oracle no longer gives its label (at
        probability ``label_check``) put back to its original; the oracle sees real rows only."""
        from ..text.labels import fit_oracle, label_probability

        oracle = fit_oracle([str(t) for t in X], y, seed=seed)
        checked = []
        for aug in copies:
            prob = label_probability(oracle, [str(t) for t in aug], y)
            checked.append(np.where(prob >= self.label_check, aug, X))
        return checked


@dataclass
class MixStrategy(_Pipelined, Strategy):
    """A batch mixer (`augmentlab.mix`: MixUp, CutMix, ...) on every training batch of a model
    trained by steps, after `pipeline` when there is one; the model trains on soft labels.
    (``copies`` only enters the configuration: mixing needs a model trained by steps.)

    Example:
        >>> from augmentlab.mix import MixUp
        >>> MixStrategy("mixup", MixUp(alpha=0.4)).config()["mixer"]["name"]
        'MixUp'
    """

    kind: ClassVar[str] = "augment"

    mixer: Mixer
    pipeline: Compose | None = None
    copies: int = 4

    def __post_init__(self) -> None:
        from ..mix import Mixer

        super().__post_init__()
        if self.pipeline is not None:
            self._check_pipeline()
        if not isinstance(self.mixer, Mixer):
            raise self._invalid("mixer must be an augmentlab.mix mixer (MixUp, CutMix, ...), got "
                                f"{type(self.mixer).__name__}")
        if int(self.copies) < 1:
            raise self._invalid(f"copies={self.copies} must be >= 1")
        self.copies = int(self.copies)

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        if self.pipeline is not None:
            cfg.update(pipeline=self.pipeline.get_config(), copies=self.copies)
        cfg["mixer"] = self.mixer.get_config()
        return cfg

    def offline(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                extra: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        raise self._invalid("batch mixing needs a model trained by steps (small-cnn, mlp)")

    def on_the_fly(self, rows: np.ndarray, seed: int, field: str, extra: Mapping[str, Any],
                   n_classes: int) -> tuple[Augment | None, Mix | None]:
        modality = adapter_for(field)
        augment = None if self.pipeline is None else self._augment_batches(rows, seed, field, extra)
        if not modality.batch_mixing:
            raise self._invalid(f"batch mixing is for images; this dataset holds {modality.name}")

        def mix(batch: np.ndarray, labels: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
            out = self.mixer(batch, labels, num_classes=n_classes, seed=seed, batch=step)
            return out.images, out.labels
        return augment, mix

    def example_rows(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                     extra: Mapping[str, Any], n_classes: int) -> np.ndarray:
        if self.pipeline is not None:
            X = self.augment_rows(X, rows, 1, seed, field, extra)
        return np.asarray(self.mixer(X, y, num_classes=n_classes, seed=seed).images)


@dataclass
class ResampleStrategy(Strategy):
    """`resampler.fit_resample(X, y, seed=...)` (or without the seed, as imbalanced-learn's
    samplers take it) gives the rows to train on, real ones included.

    Example:
        >>> from augmentlab.synth import SMOTE
        >>> X = np.random.default_rng(0).random((12, 2)); y = np.array([0] * 9 + [1] * 3)
        >>> Xr, yr = ResampleStrategy("smote", SMOTE(k_neighbors=2)).offline(X, y, np.arange(12), 0, "features")
        >>> np.bincount(yr).tolist()
        [9, 9]
    """

    kind: ClassVar[str] = "resample"

    resampler: Resampler

    def __post_init__(self) -> None:
        super().__post_init__()
        if not hasattr(self.resampler, "fit_resample"):
            raise self._invalid("a resampler needs fit_resample(X, y)")

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        get = getattr(self.resampler, "get_config", None) or getattr(self.resampler, "get_params",
                                                                      None)
        params = get() if get else {}
        cfg["resampler"] = {"class": type(self.resampler).__name__,
                            "params": {k: repr(v) for k, v in sorted(params.items())}}
        return cfg

    def offline(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                extra: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        # augmentlab's generators take seed=..., imbalanced-learn's samplers take no seed
        fit_resample: Callable[..., tuple[ArrayLike, ArrayLike]] = self.resampler.fit_resample
        try:
            Xr, yr = fit_resample(X, y, seed=seed)
        except TypeError:  # imbalanced-learn samplers take no seed argument
            Xr, yr = fit_resample(X, y)
        return np.asarray(Xr), np.asarray(yr)


@dataclass
class SynthesizeStrategy(ResampleStrategy):
    """A generator (``fit`` and ``sample``: `augmentlab.synth`) fitted on the training rows adds
    ``ratio`` x each class's rows of synthetic ones (None: as many as balance the classes), after
    the quality filters in ``filters`` (functions Synthetic -> FilterResult).

    Example:
        >>> from augmentlab.synth import GaussianCopula
        >>> SynthesizeStrategy("copula", GaussianCopula(), ratio=0.5).config()["ratio"]
        0.5
    """

    resampler: Generator  # a generator: fit and sample (checked below)
    ratio: float | None = None
    filters: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        if not hasattr(self.resampler, "sample"):
            what = "ratio needs" if self.ratio is not None else "filters need"
            raise self._invalid(f"{what} a generator {_GENERATOR}")
        if self.ratio is not None and not (isinstance(self.ratio, (int, float)) and self.ratio > 0):
            raise self._invalid(f"ratio={self.ratio!r} must be > 0")

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        if self.ratio is not None:
            cfg["ratio"] = self.ratio
        if self.filters:
            cfg["filters"] = [getattr(f, "__qualname__", repr(f)) for f in self.filters]
        return cfg

    def offline(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                extra: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fit the generator on the training rows, sample, filter, append to the real rows."""
        from ..synth.base import sampling_targets
        from ..synth.filters import chain

        gen = self.resampler
        gen.fit(X, y)
        classes, counts = np.unique(y, return_counts=True)
        if self.ratio is not None:
            wanted = {c.item(): int(round(self.ratio * n)) for c, n in zip(classes, counts, strict=True)}
        else:
            wanted = sampling_targets(y, "auto", self.name)
        synthetic = gen.sample({c: n for c, n in wanted.items() if n}, seed=seed)
        if self.filters:
            synthetic, _ = chain(synthetic, *self.filters)
        Xs, ys = np.asarray(synthetic.X), np.asarray(synthetic.y)
        if len(ys) == 0:
            return X, y
        return np.concatenate([X, Xs.astype(X.dtype)]), np.concatenate([y, ys.astype(y.dtype)])


SEMI_METHODS = ("fixmatch", "uda", "self-training")
# bump when the default views change: the cache key holds this, not the pipelines it stands for
_SEMI_DEFAULTS = 1


@dataclass
class SemiStrategy(_Pipelined, Strategy):
    """Learning from the cell's unlabelled pool as well (`augmentlab.evaluate.semi`): the
    experiment needs ``unlabeled=``.

    - ``"fixmatch"`` / ``"uda"`` (models trained by steps): every step adds ``ratio`` x batch
      unlabelled rows; `pipeline` is the labelled rows' augmentation and the weak view, `strong`
      the strong view (default for images: the weak view + TrivialAugment Wide + a Cutout square
      of half the side; for other data the modality's recommended pipeline); the weak view's
      confident prediction (``threshold``, default 0.95 / 0.8) trains the strong one
      (`augmentlab.evaluate.torch_models.Consistency`); ``ema``: keep a moving average of the
      weights. Without a pipeline, images get FixMatch's weak view without the flip (a mirrored
      digit is another class): a shift of up to an eighth of the side.
    - ``"self-training"`` (any model): train on the labelled rows, pseudo-label the pool, train
      again from scratch on both, ``rounds`` times, keeping a growing share of each predicted
      class's most confident rows (`semi.pseudo_labels`; ``threshold``: a floor on confidence);
      `pipeline` augments labelled and pseudo-labelled rows alike (``copies`` for models not
      trained by steps).

    Example:
        >>> SemiStrategy("fixmatch", "fixmatch").config()["method"]
        'fixmatch'
        >>> SemiStrategy("st", "self-training", rounds=2).config()["rounds"]
        2
    """

    kind: ClassVar[str] = "semi"

    method: str
    pipeline: Compose | None = None
    strong: Compose | None = None
    threshold: float | None = None
    ratio: int = 3
    weight: float = 1.0
    ema: float | None = 0.999
    rounds: int = 3
    copies: int = 4

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.method not in SEMI_METHODS:
            raise self._invalid(f"semi={self.method!r} must be one of " + ", ".join(SEMI_METHODS))
        if self.pipeline is not None:
            self._check_pipeline()
        if isinstance(self.strong, Transform) and not isinstance(self.strong, Compose):
            self.strong = Compose([self.strong])
        if self.strong is not None and not isinstance(self.strong, Compose):
            raise self._invalid(f"strong must be an augmentlab Compose, got {type(self.strong).__name__}")
        if self.strong is not None and self.method == "self-training":
            raise self._invalid("self-training has no strong view; give its augmentation as pipeline")
        if self.threshold is not None and not 0 < self.threshold <= 1:
            raise self._invalid(f"threshold={self.threshold!r} must be in (0, 1] (or None)")
        if int(self.rounds) < 1 or int(self.copies) < 1 or int(self.ratio) < 1:
            raise self._invalid(f"rounds={self.rounds}, copies={self.copies} and ratio={self.ratio} "
                                "must be >= 1")
        self.rounds, self.copies, self.ratio = int(self.rounds), int(self.copies), int(self.ratio)

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        cfg.update(method=self.method, defaults=_SEMI_DEFAULTS, threshold=self.threshold,
                   pipeline=None if self.pipeline is None else self.pipeline.get_config())
        if self.method == "self-training":
            cfg.update(rounds=self.rounds, copies=self.copies)
        else:
            cfg.update(strong=None if self.strong is None else self.strong.get_config(),
                       ratio=self.ratio, weight=self.weight, ema=self.ema)
        return cfg

    def views(self, modality: Modality, data: Dataset, seed: int) -> tuple[Compose | None, Compose]:
        """The (weak, strong) pipelines of FixMatch / UDA on `data` (weak None: rows as they are)."""
        from ..image import CoarseDropout
        from ..policies import TrivialAugmentWide
        from ..torch.consistency import weak_strong_pipelines

        weak, strong = self.pipeline, self.strong
        if modality.batch_mixing:  # images
            if weak is None and strong is None:
                return weak_strong_pipelines(flip=False, policy="trivialaugment")
            if strong is None:
                assert weak is not None
                strong = Compose([weak, TrivialAugmentWide(), CoarseDropout(
                    num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
                    hole_width_range=(0.5, 0.5), p=1.0)])
            return weak, strong
        if strong is None:
            strong = modality.recommended(data, seed)
            if strong is None:
                raise self._invalid(f"{self.method} needs a strong view for {modality.name} data; "
                                    "give one (strong=augmentlab.Compose([...]))")
        return weak, strong

    def train(self, model: Model, data: Dataset, X: np.ndarray, y: np.ndarray, rows: np.ndarray,
              X_val: np.ndarray | None, y_val: np.ndarray | None, pool: np.ndarray,
              pool_ids: np.ndarray, seed: int, extra: Mapping[str, Any], n_classes: int,
              loader_workers: int = 0) -> dict[str, int]:
        """Fit `model` on the labelled rows `X`, `y` (ids `rows`) and the unlabelled `pool` (ids
        `pool_ids`); returns what it cost: ``examples_seen`` (rows the model was run or fitted on,
        views included) and ``fits``."""
        modality = adapter_for(data.modality)
        if self.method != "self-training":
            return self._consistency(model, modality, data, X, y, rows, X_val, y_val, pool,
                                     pool_ids, seed, extra, n_classes, loader_workers)
        cost = {"examples_seen": 0, "fits": 0}
        X_fit, y_fit, ids = X, y, rows
        for round_ in range(self.rounds + 1):
            if round_:
                pos, labels = pseudo_labels(model.predict_proba(pool), round_, self.rounds,
                                            self.threshold)
                X_fit = np.concatenate([X, pool[pos]])
                y_fit = np.concatenate([y, labels.astype(y.dtype)])
                ids = np.concatenate([rows, pool_ids[pos]])
            cost["examples_seen"] += self._fit_once(model, modality, X_fit, y_fit, ids, X_val,
                                                    y_val, seed, extra, n_classes, loader_workers)
            cost["fits"] += 1
        return cost

    def _fit_once(self, model: Any, modality: Any, X: np.ndarray, y: np.ndarray, ids: np.ndarray,
                  X_val: np.ndarray | None, y_val: np.ndarray | None, seed: int,
                  extra: Mapping[str, Any], n_classes: int, loader_workers: int) -> int:
        weights = self.sample_weight(y)
        if model.trained_by_steps:
            augment = (None if self.pipeline is None
                       else self._augment_batches(ids, seed, modality.field, extra))
            model.fit(X, y, X_val, y_val, seed=seed, augment=augment, n_classes=n_classes,
                      sample_weight=weights, loader_workers=loader_workers)
            return int(model.examples_seen)
        if self.pipeline is not None:
            prepared = modality.prepare(X, extra)
            parts = [self.inputs(X, modality.field, prepared)[0]] + [
                self.augment_rows(X, ids, k, seed, modality.field, prepared)
                for k in range(1, self.copies + 1)]
            X, y = np.concatenate(parts), np.concatenate([y] * (self.copies + 1))
            weights = self.sample_weight(y)
        model.fit(X, y, X_val, y_val, seed=seed, n_classes=n_classes, sample_weight=weights)
        return len(X)

    def _consistency(self, model: Any, modality: Any, data: Any, X: np.ndarray, y: np.ndarray,
                     rows: np.ndarray, X_val: np.ndarray | None, y_val: np.ndarray | None,
                     pool: np.ndarray, pool_ids: np.ndarray, seed: int, extra: Mapping[str, Any],
                     n_classes: int, loader_workers: int) -> dict[str, int]:
        if not model.trained_by_steps:
            raise self._invalid(f"{self.method} trains by steps (models small-cnn, mlp); use "
                                "semi='self-training' with this model")
        weak, strong = self.views(modality, data, seed)

        def views(batch: np.ndarray, pick: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
            # streams of their own: pool ids are not labelled ids, and the two views of a row
            # differ in copy
            ids = pool_ids[pick]
            first = batch if weak is None else modality.augment(weak, batch, ids, 2 * step, seed, extra)
            return first, modality.augment(strong, batch, ids, 2 * step + 1, seed, extra)

        augment = (None if weak is None
                   else self._augment_batches(rows, seed, modality.field, extra, weak))
        consistency = Consistency(pool, views, loss=self.method, threshold=self.threshold,
                                  ratio=self.ratio, weight=self.weight, ema=self.ema)
        model.fit(X, y, X_val, y_val, seed=seed, augment=augment, n_classes=n_classes,
                  sample_weight=self.sample_weight(y), consistency=consistency,
                  loader_workers=loader_workers)
        return {"examples_seen": int(model.examples_seen), "fits": 1}


def _from_arguments(name: str, pipeline: Compose | Transform | None = None, copies: int = 4,
                    resampler: Resampler | None = None, steps: int | None = None,
                    class_weight: str | None = None, ratio: float | None = None,
                    filters: tuple[Any, ...] = (), label_check: float | None = None,
                    mixer: Mixer | None = None, semi: str | None = None) -> Strategy:
    """The strategy type that ``Strategy(...)``'s arguments describe; arguments that do not go
    together are refused here, each type checks its own."""

    def refuse(message: str) -> InvalidConfig:
        return InvalidConfig(f"strategy {name!r}: {message}")

    if pipeline is not None and resampler is not None:
        raise refuse("give a pipeline or a resampler, not both")
    if mixer is not None and resampler is not None:
        raise refuse("give a mixer or a resampler, not both")
    if resampler is None and ratio is not None:
        raise refuse(f"ratio needs a generator {_GENERATOR}")
    if resampler is None and filters:
        raise refuse(f"filters need a generator {_GENERATOR}")
    if label_check is not None and pipeline is None:
        raise refuse("label_check needs a pipeline (it checks augmented texts)")
    if label_check is not None and mixer is not None:
        raise refuse("label_check checks texts and a mixer mixes images; give one of them")
    if int(copies) < 1:
        raise refuse(f"copies={copies} must be >= 1")
    if semi is not None:
        if resampler is not None or mixer is not None or label_check is not None:
            raise refuse("semi combines with a pipeline only (not a resampler, mixer or "
                         "label_check)")
        return SemiStrategy(name, semi, pipeline, copies=copies,  # type: ignore[arg-type]
                            steps=steps, class_weight=class_weight)
    if mixer is not None:
        return MixStrategy(name, mixer, pipeline, copies,  # type: ignore[arg-type]
                           steps=steps, class_weight=class_weight)
    if pipeline is not None:
        return AugmentStrategy(name, pipeline, copies, label_check,  # type: ignore[arg-type]
                               steps=steps, class_weight=class_weight)
    if resampler is not None and (ratio is not None or filters):
        # a generator (fit and sample): SynthesizeStrategy checks, as the types above are checked
        return SynthesizeStrategy(name, resampler, ratio, tuple(filters),  # type: ignore[arg-type]
                                  steps=steps, class_weight=class_weight)
    if resampler is not None:
        return ResampleStrategy(name, resampler, steps=steps, class_weight=class_weight)
    if class_weight is not None:
        return ReweightStrategy(name, steps=steps, class_weight=class_weight)
    return BaselineStrategy(name, steps=steps)


def as_strategies(strategies: Mapping[str, Any] | None) -> list[Strategy]:
    """Normalise what users pass (name -> None | pipeline | resampler | mixer | Strategy); the
    baseline comes first and is added when missing.

    Example:
        >>> import augmentlab as al
        >>> [s.name for s in as_strategies({"flip": al.HorizontalFlip()})]
        ['baseline', 'flip']
    """
    out: list[Strategy] = []
    for name, value in (strategies or {}).items():
        if not isinstance(name, str) or not name:
            raise InvalidConfig(f"strategy names must be non-empty strings, got {name!r}")
        if isinstance(value, Strategy):
            value.name = name
            out.append(value)
        elif value is None:
            out.append(BaselineStrategy(name))
        elif isinstance(value, Transform):
            out.append(AugmentStrategy(name, value))  # type: ignore[arg-type]
        elif hasattr(value, "fit_resample"):
            out.append(ResampleStrategy(name, value))
        elif type(value).__module__.startswith("augmentlab.mix"):  # a batch mixer
            out.append(MixStrategy(name, value))
        else:
            hint = " (the chosen strategy is spelled 'auto')" if str(value).lower() == "auto" else ""
            raise InvalidConfig(f"strategy {name!r}: expected None, a pipeline, a resampler, a "
                                f"mixer, a Strategy or 'auto', got {type(value).__name__} "
                                f"{value!r}{hint}")
    if not any(s.kind == "baseline" for s in out):
        out.insert(0, BaselineStrategy("baseline"))
    out.sort(key=lambda s: s.kind != "baseline")  # baseline first, the rest in the given order
    keys = [s.key for s in out]
    if len(set(keys)) != len(keys):
        raise InvalidConfig("two strategies have the same configuration; give each a different "
                            "pipeline or drop one")
    return out
