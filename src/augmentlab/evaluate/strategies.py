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
  (or balances the classes), after quality ``filters``.

Every type takes ``steps`` (a training budget of its own, reported) and, but the baseline,
``class_weight``. ``Strategy(name, pipeline, copies, resampler, steps, class_weight, ratio,
filters, label_check, mixer)`` builds the type its arguments describe, and refuses arguments
that do not go together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..core.transform import Transform
from .modalities import ADAPTERS, adapter_for
from .modalities.audio import on_spectrograms
from .torch_models import Augment, Mix

__all__ = ["FIELD_OF", "AugmentStrategy", "BaselineStrategy", "MixStrategy", "ResampleStrategy",
           "ReweightStrategy", "Strategy", "SynthesizeStrategy", "as_strategies", "extra_fields"]

# the sample key per modality (each modality's adapter says its own)
FIELD_OF = {name: m.field for name, m in ADAPTERS.items()}

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

    kind: ClassVar[str]  # "baseline", "reweight", "augment" or "resample" (in results.json)

    name: str
    steps: int | None = field(default=None, kw_only=True)  # a training budget of its own
    # "balanced": weight each training row by n / (classes x rows of its class) in the loss, the
    # non-augmenting alternative to oversampling that imbalanced data should be compared with
    class_weight: str | None = field(default=None, kw_only=True)

    if TYPE_CHECKING:  # what `Strategy(...)` takes: the metaclass hands it to `_from_arguments`
        def __init__(self, name: str, pipeline: Compose | Transform | None = None, copies: int = 4,
                     resampler: Any = None, steps: int | None = None,
                     class_weight: str | None = None, ratio: float | None = None,
                     filters: tuple[Any, ...] = (), label_check: float | None = None,
                     mixer: Any = None) -> None: ...

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
                     extra: Mapping[str, Any] | None = None) -> np.ndarray:
        """One augmented version of each row (row ids `rows` pick the seed-tree streams);
        `extra` holds fields every sample needs (`extra_fields`). Audio comes back at the rows'
        length; a spectrogram pipeline returns spectrograms (`inputs`)."""
        assert self.pipeline is not None
        return adapter_for(field).augment(self.pipeline, X, rows, copy, seed, extra or {})

    def _augment_batches(self, rows: np.ndarray, seed: int, field: str,
                         extra: Mapping[str, Any]) -> Augment:
        def augment(batch: np.ndarray, idx: np.ndarray, step: int) -> np.ndarray:
            return self.augment_rows(batch, rows[idx], step, seed, field, extra)
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

    mixer: Any
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

    resampler: Any

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
        try:
            Xr, yr = self.resampler.fit_resample(X, y, seed=seed)
        except TypeError:  # imbalanced-learn samplers take no seed argument
            Xr, yr = self.resampler.fit_resample(X, y)
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


def _from_arguments(name: str, pipeline: Compose | Transform | None = None, copies: int = 4,
                    resampler: Any = None, steps: int | None = None,
                    class_weight: str | None = None, ratio: float | None = None,
                    filters: tuple[Any, ...] = (), label_check: float | None = None,
                    mixer: Any = None) -> Strategy:
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
    if mixer is not None:
        return MixStrategy(name, mixer, pipeline, copies,  # type: ignore[arg-type]
                           steps=steps, class_weight=class_weight)
    if pipeline is not None:
        return AugmentStrategy(name, pipeline, copies, label_check,  # type: ignore[arg-type]
                               steps=steps, class_weight=class_weight)
    if resampler is not None and (ratio is not None or filters):
        return SynthesizeStrategy(name, resampler, ratio, tuple(filters), steps=steps,
                                  class_weight=class_weight)
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
            raise InvalidConfig(f"strategy {name!r}: expected None, a pipeline, a resampler, a "
                                f"mixer or a Strategy, got {type(value).__name__}")
    if not any(s.kind == "baseline" for s in out):
        out.insert(0, BaselineStrategy("baseline"))
    out.sort(key=lambda s: s.kind != "baseline")  # baseline first, the rest in the given order
    keys = [s.key for s in out]
    if len(set(keys)) != len(keys):
        raise InvalidConfig("two strategies have the same configuration; give each a different "
                            "pipeline or drop one")
    return out
