"""Policies that wrap a user's pipeline: `Curriculum` (strength by training progress) and
`ClassBalanced` (strength by how rare the sample's class is).

Both work in one of two modes: ``"probability"`` runs the pipeline with a probability that varies,
``"magnitude"`` rebuilds it with a varying value of its ``magnitude`` argument (RandAugment, or any
pipeline holding one). A wrapper is an ordinary container: what it chose is recorded and replayed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..core.compose import BaseCompose
from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_choice, check_number
from ..core.sample import Sample
from ..core.transform import Transform

__all__ = ["ClassBalanced", "Curriculum", "with_magnitude"]

_MODES = ("probability", "magnitude")
_SCHEDULES = ("linear", "cosine", "step", "constant")


def _as_transform(owner: str, pipeline: Any) -> Transform:
    if isinstance(pipeline, Mapping):
        pipeline = Transform.from_config(pipeline)
    if not isinstance(pipeline, Transform):
        raise InvalidConfig(f"{owner}: pipeline must be a transform, a pipeline or a config, got "
                            f"{type(pipeline).__name__}")
    return pipeline


def with_magnitude(pipeline: Transform, magnitude: float) -> Transform:
    """A copy of `pipeline` with every numeric ``magnitude`` argument inside set to `magnitude`.

    Example:
        >>> from augmentlab.policies import RandAugment
        >>> with_magnitude(RandAugment(magnitude=9), 3).magnitude
        3.0
    """
    found = []

    def walk(cfg: Any) -> Any:
        if isinstance(cfg, dict):
            out = {}
            for k, v in cfg.items():
                if k == "magnitude" and isinstance(v, (int, float)) and not isinstance(v, bool):
                    found.append(k)
                    out[k] = float(magnitude)
                else:
                    out[k] = walk(v)
            return out
        if isinstance(cfg, list):
            return [walk(v) for v in cfg]
        return cfg

    cfg = walk(pipeline.get_config())
    if not found:
        raise InvalidConfig(f"mode='magnitude' needs a pipeline with a numeric magnitude argument "
                            f"(e.g. RandAugment); {pipeline.name} has none: use "
                            "mode='probability'")
    return Transform.from_config(cfg)


class _Wrapper(BaseCompose):
    """A container over variants of one pipeline, saved as the pipeline's config + arguments."""

    _abstract = True
    _positional_ok = True
    pipeline: Transform

    def get_config(self) -> dict[str, Any]:
        cfg = Transform.get_config(self)
        cfg["pipeline"] = self.pipeline.get_config()
        return cfg

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Transform:
        return cls(**args)


class Curriculum(_Wrapper):
    """Ramp a pipeline's probability (or magnitude) from ``start`` to ``end`` as training goes
    from ``progress=0`` to ``1``. ``curriculum.at(epoch / epochs)`` gives the pipeline for an
    epoch (`augmentlab.torch.AugmentedDataset` calls it); each is a fixed, replayable transform.

    Schedules: ``linear``, ``cosine`` (slow-fast-slow), ``step`` (``steps`` equal stairs),
    ``constant`` (always ``end``).

    Example:
        >>> import augmentlab as al
        >>> from augmentlab.policies import RandAugment
        >>> c = Curriculum(RandAugment(), mode="magnitude", start=2, end=14)
        >>> [c.at(x).value for x in (0.0, 0.5, 1.0)]
        [2.0, 8.0, 14.0]
        >>> Curriculum(al.HorizontalFlip(), start=0.0, end=0.5).at(0.5).p
        0.25
    """

    name = "Curriculum"
    random = False  # runs its one child; its own probability is drawn by the runner

    def __init__(self, pipeline: Transform | Mapping[str, Any], *, schedule: str = "linear", start: float = 0.0,
                 end: float = 1.0, mode: str = "probability", steps: int = 4,
                 progress: float = 0.0, p: float = 1.0) -> None:
        owner = "Curriculum"
        self.pipeline = _as_transform(owner, pipeline)
        self.schedule = check_choice(owner, "schedule", schedule, _SCHEDULES)
        self.mode = check_choice(owner, "mode", mode, _MODES)
        self.steps = int(check_number(owner, "steps", steps, low=1, high=1000, integer=True))
        self.progress = float(check_number(owner, "progress", progress, low=0, high=1))
        high = 1 if mode == "probability" else None
        self.start = float(check_number(owner, "start", start, low=0, high=high))
        self.end = float(check_number(owner, "end", end, low=0, high=high))
        self.value = self.start + (self.end - self.start) * self._ramp(self.progress)
        if self.mode == "magnitude":
            super().__init__([with_magnitude(self.pipeline, self.value)], p=p)
        else:
            super().__init__([self.pipeline], p=p)
            self.p = self.p * self.value  # the runner draws this one probability

    def _ramp(self, x: float) -> float:
        if self.schedule == "linear":
            return x
        if self.schedule == "cosine":
            return (1.0 - math.cos(math.pi * x)) / 2.0
        if self.schedule == "step":
            return min(1.0, math.floor(x * self.steps) / self.steps)
        return 1.0

    def at(self, progress: float) -> Curriculum:
        """This curriculum at training `progress` (0 = start, 1 = end).

        Example:
            >>> import augmentlab as al
            >>> Curriculum(al.Invert(), schedule="step", steps=2).at(0.6).value
            0.5
        """
        args = {k: v for k, v in self._config.items() if k not in ("pipeline", "progress")}
        return Curriculum(self.pipeline, progress=progress, **args)


def _counts(owner: str, class_counts: Any) -> dict[str, int]:
    items = class_counts.items() if isinstance(class_counts, Mapping) else class_counts
    try:
        counts = {str(k): int(v) for k, v in items}
    except (TypeError, ValueError):
        raise InvalidConfig(f"{owner}: class_counts must map each label to its number of "
                            "training samples, e.g. {'cat': 500, 'lynx': 12}") from None
    if not counts or min(counts.values()) < 1:
        raise InvalidConfig(f"{owner}: class_counts={class_counts!r} needs at least one class "
                            "and counts >= 1")
    return counts


def rarity(class_counts: Mapping[Any, int]) -> dict[str, float]:
    """Each class's rarity in [0, 1] on a log scale: 0 for the largest class, 1 for the smallest.

    Example:
        >>> {k: round(v, 6) for k, v in rarity({"a": 1000, "b": 100, "c": 10}).items()}
        {'a': 0.0, 'b': 0.5, 'c': 1.0}
    """
    counts = _counts("rarity", class_counts)
    hi, lo = math.log(max(counts.values())), math.log(min(counts.values()))
    return {k: 0.0 if hi == lo else (hi - math.log(v)) / (hi - lo) for k, v in counts.items()}


class ClassBalanced(_Wrapper):
    """Augment rare classes more: the sample's ``label`` sets the pipeline's probability (from
    ``low`` for the largest class to ``high`` for the smallest, on a log scale of the counts) or,
    with ``mode="magnitude"``, its magnitude. Labels are matched as text (``3`` and ``"3"`` are one
    class), so configs saved as JSON keep working.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = ClassBalanced(al.Invert(), class_counts={"common": 900, "rare": 9}, low=0.0)
        >>> img = np.zeros((2, 2), np.uint8)
        >>> int(al.Compose([t], seed=0)(image=img, label="rare")["image"][0, 0])
        255
        >>> int(al.Compose([t], seed=0)(image=img, label="common")["image"][0, 0])
        0
    """

    name = "ClassBalanced"

    def __init__(self, pipeline: Transform | Mapping[str, Any], *,
                 class_counts: Mapping[Any, int] | Iterable[tuple[Any, int]],
                 mode: str = "probability", low: float = 0.2, high: float = 1.0, p: float = 1.0) -> None:
        owner = "ClassBalanced"
        self.pipeline = _as_transform(owner, pipeline)
        self.mode = check_choice(owner, "mode", mode, _MODES)
        top = 1 if mode == "probability" else None
        self.low = float(check_number(owner, "low", low, low=0, high=top))
        self.high = float(check_number(owner, "high", high, low=0, high=top))
        self.strength = {k: self.low + (self.high - self.low) * r
                         for k, r in rarity(_counts(owner, class_counts)).items()}
        if self.mode == "magnitude":
            levels = sorted(set(self.strength.values()))
            self._child = {k: levels.index(v) for k, v in self.strength.items()}
            super().__init__([with_magnitude(self.pipeline, v) for v in levels], p=p)
        else:
            super().__init__([self.pipeline], p=p)

    def _label(self, sample: Sample) -> str:
        key = sample.first_of("label")
        if key is None:
            raise InvalidInput("ClassBalanced: the sample has no label; pass label=... with each "
                               "sample")
        label = sample[key]
        key = str(label.item() if isinstance(label, np.generic) else label)
        if key not in self.strength:
            raise InvalidInput(f"ClassBalanced: label {label!r} is not in class_counts "
                               f"({', '.join(sorted(self.strength))}); count every class")
        return key

    def choose_for(self, sample: Sample, rng: np.random.Generator) -> list[int]:
        label = self._label(sample)
        if self.mode == "magnitude":
            return [self._child[label]]
        return [0] if rng.random() < self.strength[label] else []
