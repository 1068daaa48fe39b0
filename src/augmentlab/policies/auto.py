"""RandAugment, TrivialAugment Wide and AutoAugment as regular, recorded, replayable transforms.

Each policy is a container built from its own arguments: its children are `OneOf` choices over
the ops of its space, so the runner records which op ran with which value, replays it, and fuses
consecutive geometric ops into one warp. The config is the policy's arguments, not the tree.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.compose import BaseCompose, OneOf, Sequential
from ..core.errors import InvalidConfig
from ..core.params import check_choice, check_number
from ..core.transform import Transform
from ..core.types import Fill
from ..image.spatial.warp import INTERPOLATIONS
from .spaces import AUTOAUGMENT, RANDAUGMENT, TRIVIALAUGMENT_WIDE, op_at_level, space_ops
from .tables import AUTOAUGMENT_POLICIES

__all__ = ["AutoAugment", "RandAugment", "TrivialAugmentWide", "resolve_magnitude"]


class Policy(BaseCompose):
    """A container whose children follow from its arguments; saved as those arguments."""

    _abstract = True
    random = False  # runs its children in order; the choices are theirs

    def get_config(self) -> dict[str, Any]:
        return Transform.get_config(self)

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Transform:
        return cls(**args)


def _geometry(owner: str, interpolation: str, fill: Any) -> dict[str, Any]:
    check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
    return {"interpolation": interpolation, "fill": fill}


def resolve_magnitude(config: Mapping[str, Any], magnitude: float, num_bins: int) -> Any:
    """Replace every ``{"magnitude": [low, high]}`` inside a transform config by the value at
    level `magnitude` of `num_bins`: ``low + (high - low) * magnitude / (num_bins - 1)``.

    Example:
        >>> resolve_magnitude({"name": "audio.Gain", "max_db": {"magnitude": [0, 12]}}, 15, 31)
        {'name': 'audio.Gain', 'max_db': 6.0}
    """
    return _resolve(config, magnitude, num_bins)


def _resolve(config: Any, magnitude: float, num_bins: int) -> Any:
    """`resolve_magnitude` on any value of a config: mappings and lists are walked."""
    if isinstance(config, Mapping):
        if set(config) == {"magnitude"}:
            rng = config["magnitude"]
            if (not isinstance(rng, (list, tuple)) or len(rng) != 2
                    or not all(isinstance(v, (int, float)) for v in rng)):
                raise InvalidConfig(f"{{'magnitude': {rng!r}}} must give [low, high] numbers")
            return float(rng[0]) + (float(rng[1]) - float(rng[0])) * magnitude / (num_bins - 1)
        return {k: _resolve(v, magnitude, num_bins) for k, v in config.items()}
    if isinstance(config, list):
        return [_resolve(v, magnitude, num_bins) for v in config]
    return config


def _check_ops(ops: Any) -> list[dict[str, Any]]:
    if (not isinstance(ops, (list, tuple)) or not ops
            or not all(isinstance(o, Mapping) and "name" in o for o in ops)):
        raise InvalidConfig("RandAugment: ops must be a non-empty list of transform configs, e.g. "
                            "[{'name': 'audio.Gain', 'max_db': {'magnitude': [0, 12]}}]")
    return [copy.deepcopy(dict(o)) for o in ops]


class RandAugment(Policy):
    """RandAugment (Cubuk et al. 2020): ``num_ops`` ops drawn uniformly with replacement, each at
    one global ``magnitude`` (a level of ``num_bins``), signs at random.

    Without ``ops`` the space is the paper's 14 image ops (`spaces.RANDAUGMENT`). Given ``ops``
    (transform configs of any modality), a value ``{"magnitude": [low, high]}`` in a config is set
    from the magnitude, so the same two numbers tune text, audio or table pipelines.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Compose([RandAugment(num_ops=2, magnitude=9)], seed=0)(
        ...     image=np.zeros((32, 32, 3), np.uint8))
        >>> out["image"].shape
        (32, 32, 3)
        >>> words = RandAugment(num_ops=1, magnitude=10, ops=[
        ...     {"name": "text.RandomDelete", "rate": {"magnitude": [0.0, 0.3]}},
        ...     {"name": "text.RandomSwap", "n": 1}])
        >>> al.Compose([words], seed=1)(text="one two three four five")["text"].count(" ") <= 4
        True
    """

    name = "RandAugment"

    def __init__(self, *, num_ops: int = 2, magnitude: float = 9, num_bins: int = 31,
                 ops: Sequence[Mapping[str, Any]] | None = None, interpolation: str = "nearest",
                 fill: Fill = 0, p: float = 1.0) -> None:
        owner = "RandAugment"
        num_ops = int(check_number(owner, "num_ops", num_ops, low=1, high=16, integer=True))
        num_bins = int(check_number(owner, "num_bins", num_bins, low=2, high=1000, integer=True))
        magnitude = float(check_number(owner, "magnitude", magnitude, low=0, high=num_bins - 1))
        if ops is None:
            choices = space_ops(RANDAUGMENT, magnitude, num_bins,
                                _geometry(owner, interpolation, fill))
        else:
            choices = [Transform.from_config(resolve_magnitude(o, magnitude, num_bins))
                       for o in _check_ops(ops)]
        # p=1.0 spelled out on the inner containers (here and below): OneOf and Sequential are
        # Albumentations' names, whose default is p=0.5; only the policy's own p may skip it
        super().__init__([OneOf(choices, p=1.0) for _ in range(num_ops)], p=p)
        self.num_ops, self.magnitude, self.num_bins = num_ops, magnitude, num_bins


class TrivialAugmentWide(Policy):
    """TrivialAugment Wide (Müller & Hutter 2021): one op, uniformly, at a uniformly drawn level
    of ``num_bins``; nothing to tune.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Compose([TrivialAugmentWide()], seed=0)(image=np.zeros((8, 8), np.uint8))
        >>> [s.name for s in out.record.steps]
        ['OneOf', 'ColorOp']
    """

    name = "TrivialAugmentWide"

    def __init__(self, *, num_bins: int = 31, interpolation: str = "nearest", fill: Fill = 0,
                 p: float = 1.0) -> None:
        owner = "TrivialAugmentWide"
        num_bins = int(check_number(owner, "num_bins", num_bins, low=2, high=1000, integer=True))
        super().__init__([OneOf(space_ops(TRIVIALAUGMENT_WIDE, None, num_bins,
                                          _geometry(owner, interpolation, fill)), p=1.0)], p=p)
        self.num_bins = num_bins


class AutoAugment(Policy):
    """AutoAugment (Cubuk et al. 2019) with a published policy: one of 25 sub-policies, uniformly;
    each runs two ops, each with its own probability, at its own level of 10 (`tables`).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = AutoAugment(policy="svhn")
        >>> al.Compose([t], seed=2)(image=np.zeros((8, 8, 3), np.uint8))["image"].shape
        (8, 8, 3)
    """

    name = "AutoAugment"

    def __init__(self, *, policy: str = "imagenet", interpolation: str = "nearest", fill: Fill = 0,
                 p: float = 1.0) -> None:
        owner = "AutoAugment"
        check_choice(owner, "policy", policy, tuple(AUTOAUGMENT_POLICIES))
        geometry = _geometry(owner, interpolation, fill)
        subs = [Sequential([op_at_level(AUTOAUGMENT, op, level, 10, p=prob, geometry=geometry)
                            for op, prob, level in steps], p=1.0)
                for steps in AUTOAUGMENT_POLICIES[policy]]
        super().__init__([OneOf(subs, p=1.0)], p=p)
        self.policy = policy
