"""What an experiment compares: a baseline, augmentation pipelines, and (through the same door)
generators that add rows.

A `Strategy` is built from what the user passes for each name:

- ``None``: the baseline, the training rows as they are;
- a pipeline (`augmentlab.Compose`): train-time augmentation, a fresh random version of every
  row at every step for models trained by steps, or ``copies`` augmented copies of each row up
  front for the others;
- an object with ``fit_resample(X, y, seed=...)`` (the synthesize generators, imbalanced-learn
  samplers): it returns the rows to train on, real ones included;
- a `Strategy` itself, to set ``copies``, a training ``steps`` budget of its own (reported), or
  ``class_weight="balanced"`` (no new rows: rare classes weigh more in the loss).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..audio.base import fit_length
from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..core.transform import Transform

__all__ = ["FIELD_OF", "Strategy", "as_strategies", "extra_fields"]

# the sample key per modality
FIELD_OF = {"image": "image", "text": "text", "table": "features", "audio": "audio",
            "series": "series"}


def extra_fields(data: Any) -> dict[str, Any]:
    """What augmenting a row of `data` needs besides the row: audio its sample rate, tables
    their column names (rows go to tabular transforms as column -> value).

    Example:
        >>> from augmentlab.datasets import load
        >>> extra_fields(load("wine"))["columns"][:2]
        ('alcohol', 'malic_acid')
    """
    if data.modality == "audio":
        return {"sample_rate": int(data.info["sample_rate"])}
    if data.modality == "table":
        names = data.feature_names or tuple(f"f{i}" for i in range(data.X.shape[1]))
        return {"columns": tuple(str(n) for n in names)}
    return {}


def _columns(X: np.ndarray, extra: Mapping[str, Any]) -> list[str]:
    return list(extra.get("columns") or [f"f{i}" for i in range(X.shape[1])])


def _table_schema(X: np.ndarray, extra: Mapping[str, Any]) -> Any:
    """The `augmentlab.tabular.Schema` of array rows `X` (named by ``extra["columns"]``)."""
    import pandas as pd

    from ..tabular import Schema

    return Schema.infer(pd.DataFrame(X, columns=_columns(X, extra)))


def _table_rows(pipe: Compose, X: np.ndarray, rows: np.ndarray, copy: int, seed: int,
                extra: Mapping[str, Any]) -> np.ndarray:
    """Tabular transforms on array rows: each row as column -> value with the schema of the
    rows given (`extra["schema"]`, else inferred from `X`), back to floats (missing -> NaN)."""
    names = _columns(X, extra)
    schema = extra.get("schema") or _table_schema(X, extra)
    out = np.empty(X.shape, dtype=np.float64)
    for i, (x, r) in enumerate(zip(X, rows, strict=True)):
        row = pipe(features=dict(zip(names, x.tolist(), strict=True)), schema=schema,
                   sample_id=int(r), copy=copy, seed=seed)["features"]
        out[i] = [np.nan if row[n] is None else float(row[n]) for n in names]
    return out.astype(X.dtype, copy=False)


@dataclass
class Strategy:
    """One way of training: ``pipeline`` (augment), ``resampler`` (add rows) or neither.

    Example:
        >>> import augmentlab as al
        >>> s = Strategy("flip", al.Compose([al.HorizontalFlip()]), copies=2)
        >>> s.kind, len(s.key)
        ('augment', 16)
    """

    name: str
    pipeline: Compose | None = None
    copies: int = 4
    resampler: Any = None
    steps: int | None = None  # a training budget of its own (None: the experiment's)
    # "balanced": weight each training row by n / (classes x rows of its class) in the loss, the
    # non-augmenting alternative to oversampling that imbalanced data should be compared with
    class_weight: str | None = None
    # with a generator: add ``ratio`` x each class's rows of synthetic ones (instead of balancing),
    # after the quality filters in ``filters`` (functions Synthetic -> FilterResult)
    ratio: float | None = None
    filters: tuple[Any, ...] = ()
    # text: keep an augmented row only where an oracle (`augmentlab.text.fit_oracle`) fitted on
    # the cell's real training rows gives the row's label at least this probability; a row that
    # fails is replaced by its original (the label-preservation check)
    label_check: float | None = None
    # a batch mixer (`augmentlab.mix`: MixUp, CutMix, ...) applied to every training batch of a
    # model trained by steps, after the pipeline if there is one; it trains on soft labels
    mixer: Any = None

    def __post_init__(self) -> None:
        if isinstance(self.pipeline, Transform) and not isinstance(self.pipeline, Compose):
            self.pipeline = Compose([self.pipeline])
        if self.pipeline is not None and not isinstance(self.pipeline, Compose):
            raise InvalidConfig(f"strategy {self.name!r}: pipeline must be an augmentlab Compose, "
                                f"got {type(self.pipeline).__name__}")
        if self.pipeline is not None and self.resampler is not None:
            raise InvalidConfig(f"strategy {self.name!r}: give a pipeline or a resampler, not both")
        if self.resampler is not None and not hasattr(self.resampler, "fit_resample"):
            raise InvalidConfig(f"strategy {self.name!r}: a resampler needs fit_resample(X, y)")
        if self.class_weight not in (None, "balanced"):
            raise InvalidConfig(f"strategy {self.name!r}: class_weight={self.class_weight!r} must "
                                "be None or 'balanced'")
        if self.ratio is not None and (self.resampler is None or not hasattr(self.resampler, "sample")):
            raise InvalidConfig(f"strategy {self.name!r}: ratio needs a generator (an object with "
                                "fit and sample, e.g. augmentlab.synth.SMOTE or ConditionalVAE)")
        if self.ratio is not None and not (isinstance(self.ratio, (int, float)) and self.ratio > 0):
            raise InvalidConfig(f"strategy {self.name!r}: ratio={self.ratio!r} must be > 0")
        if self.label_check is not None and not (
                isinstance(self.label_check, (int, float)) and 0 < self.label_check < 1):
            raise InvalidConfig(f"strategy {self.name!r}: label_check={self.label_check!r} must be "
                                "a probability between 0 and 1 (or None)")
        if self.label_check is not None and self.pipeline is None:
            raise InvalidConfig(f"strategy {self.name!r}: label_check needs a pipeline (it checks "
                                "augmented texts)")
        if self.pipeline is not None:
            kinds = {f for t in self.pipeline.leaves() for f in t.fields}
            if "spectrogram" in kinds and "audio" in kinds:
                raise InvalidConfig(f"strategy {self.name!r}: its pipeline mixes waveform and "
                                    "spectrogram transforms; a strategy augments one of them (use "
                                    "two strategies, or augment waveforms only)")
        if self.mixer is not None:
            from ..mix import Mixer

            if not isinstance(self.mixer, Mixer):
                raise InvalidConfig(f"strategy {self.name!r}: mixer must be an augmentlab.mix "
                                    f"mixer (MixUp, CutMix, ...), got {type(self.mixer).__name__}")
            if self.resampler is not None:
                raise InvalidConfig(f"strategy {self.name!r}: give a mixer or a resampler, not both")
        if int(self.copies) < 1:
            raise InvalidConfig(f"strategy {self.name!r}: copies={self.copies} must be >= 1")
        self.copies = int(self.copies)

    @property
    def kind(self) -> str:
        if self.pipeline is not None or self.mixer is not None:
            return "augment"
        if self.resampler is not None:
            return "resample"
        return "reweight" if self.class_weight else "baseline"

    def config(self) -> dict[str, Any]:
        """JSON description (in the report and the cache key)."""
        cfg: dict[str, Any] = {"kind": self.kind, "steps": self.steps}
        if self.class_weight:
            cfg["class_weight"] = self.class_weight
        if self.pipeline is not None:
            cfg.update(pipeline=self.pipeline.get_config(), copies=self.copies)
            if self.label_check is not None:
                cfg["label_check"] = self.label_check
        if self.mixer is not None:
            cfg["mixer"] = self.mixer.get_config()
        if self.resampler is not None:
            get = getattr(self.resampler, "get_config", None) or getattr(self.resampler,
                                                                          "get_params", None)
            params = get() if get else {}
            cfg["resampler"] = {"class": type(self.resampler).__name__,
                                "params": {k: repr(v) for k, v in sorted(params.items())}}
            if self.ratio is not None:
                cfg["ratio"] = self.ratio
            if self.filters:
                cfg["filters"] = [getattr(f, "__qualname__", repr(f)) for f in self.filters]
        return cfg

    @property
    def key(self) -> str:
        """Hash of `config` (not of the name: renaming a strategy keeps its cached cells)."""
        text = json.dumps(self.config(), sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def on_spectrograms(self) -> bool:
        """Whether the pipeline augments spectrograms (of audio rows) rather than the rows."""
        return self.pipeline is not None and any(
            "spectrogram" in t.fields for t in self.pipeline.leaves())

    def inputs(self, X: np.ndarray, field: str, extra: Mapping[str, Any] | None = None
               ) -> tuple[np.ndarray, str]:
        """The rows and field the pipeline works on: audio rows as they are, or their log-mel
        spectrograms (the audio model's own front end) when the pipeline augments spectrograms."""
        if field == "audio" and self.on_spectrograms:
            from .audio_features import log_mel

            return log_mel(X, int((extra or {})["sample_rate"])), "spectrogram"
        return X, field

    # -- applying ---------------------------------------------------------------------------------
    def augment_rows(self, X: np.ndarray, rows: np.ndarray, copy: int, seed: int, field: str,
                     extra: Mapping[str, Any] | None = None) -> np.ndarray:
        """One augmented version of each row (row ids `rows` pick the seed-tree streams);
        `extra` holds fields every sample needs (`extra_fields`). Audio comes back at the rows'
        length (`fit_length`); a spectrogram pipeline returns spectrograms (`inputs`)."""
        assert self.pipeline is not None
        pipe = self.pipeline
        if field == "features":
            return _table_rows(pipe, X, rows, copy, seed, extra or {})
        X_in, field = self.inputs(X, field, extra)
        given = dict(extra or {}) if field == "audio" else {}
        if field == "text":  # back-translation: the whole batch in one translator call
            from ..text.translate import warm_pipeline

            warm_pipeline(pipe, X_in)
        out = [pipe(**{field: x}, **given, sample_id=int(r), copy=copy, seed=seed)[field]
               for x, r in zip(X_in, rows, strict=True)]
        if field == "audio":
            out = [fit_length(a, X_in.shape[-1]) for a in out]
        if field == "series":  # back to the dataset's length: cut, or repeat the last step
            n = X_in.shape[1]
            out = [s[:n] if len(s) >= n else np.pad(s, [(0, n - len(s))] + [(0, 0)] * (s.ndim - 1),
                                                    mode="edge") for s in out]
        return np.stack(out) if X_in.dtype != object else np.array(out, dtype=object)

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

    def _generate(self, X: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
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

    def offline(self, X: np.ndarray, y: np.ndarray, rows: np.ndarray, seed: int, field: str,
                extra: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The training rows for a model that is not trained by steps."""
        if self.label_check is not None and field != "text":  # before augmenting anything
            raise InvalidConfig(f"strategy {self.name!r}: label_check works on text datasets; this "
                                f"one's samples are {field}")
        if self.resampler is not None and (self.ratio is not None or self.filters):
            return self._generate(X, y, seed)
        if self.resampler is not None:
            try:
                Xr, yr = self.resampler.fit_resample(X, y, seed=seed)
            except TypeError:  # imbalanced-learn samplers take no seed argument
                Xr, yr = self.resampler.fit_resample(X, y)
            return np.asarray(Xr), np.asarray(yr)
        if self.pipeline is None:
            return X, y
        if field == "features":  # one schema for every copy: the cell's real training rows
            extra = {**(extra or {}), "schema": _table_schema(X, extra or {})}
        parts = [self.inputs(X, field, extra)[0]] + [
            self.augment_rows(X, rows, k, seed, field, extra) for k in range(1, self.copies + 1)]
        if self.label_check is not None:
            parts[1:] = self.checked_labels(X, y, parts[1:], seed, field)
        return np.concatenate(parts), np.concatenate([y] * (self.copies + 1))

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
            out.append(Strategy(name))
        elif isinstance(value, Transform):
            out.append(Strategy(name, pipeline=value))  # type: ignore[arg-type]
        elif hasattr(value, "fit_resample"):
            out.append(Strategy(name, resampler=value))
        elif type(value).__module__.startswith("augmentlab.mix"):  # a batch mixer
            out.append(Strategy(name, mixer=value))
        else:
            raise InvalidConfig(f"strategy {name!r}: expected None, a pipeline, a resampler, a "
                                f"mixer or a Strategy, got {type(value).__name__}")
    if not any(s.kind == "baseline" for s in out):
        out.insert(0, Strategy("baseline"))
    out.sort(key=lambda s: s.kind != "baseline")  # baseline first, the rest in the given order
    keys = [s.key for s in out]
    if len(set(keys)) != len(keys):
        raise InvalidConfig("two strategies have the same configuration; give each a different "
                            "pipeline or drop one")
    return out
