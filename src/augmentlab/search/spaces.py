"""Search spaces: how a trial's choices become a pipeline.

- ``randaugment``: RandAugment's two numbers, ``num_ops`` in ``ops`` and ``magnitude`` in
  ``magnitudes`` -- a small grid, searched exhaustively (the RandAugment paper's own method);
- ``subpolicies``: AutoAugment's space, ``k`` sub-policies of two ops each, every op with its
  own probability (0 to 1 in tenths) and magnitude level (0 to 9 of AutoAugment's 10 levels); a
  pipeline runs one sub-policy, uniformly chosen. Searched with TPE (or at random).

A space is searched on images with the RandAugment op list (`augmentlab.policies.RANDAUGMENT`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.compose import Compose, OneOf, Sequential
from ..core.errors import InvalidConfig
from ..policies import RandAugment
from ..policies.spaces import RANDAUGMENT, op_at_level

if TYPE_CHECKING:
    from optuna.trial import Trial

__all__ = ["SPACES", "SearchSpace"]

SPACES = ("randaugment", "subpolicies")
_PROBABILITIES = [round(0.1 * i, 1) for i in range(11)]


@dataclass(frozen=True)
class SearchSpace:
    """What is searched. ``suggest(trial)`` asks an Optuna trial for its choices; ``build(params)``
    turns a set of choices (a trial's ``params``) into the pipeline.

    Example:
        >>> space = SearchSpace("randaugment", ops=(1, 2), magnitudes=(5, 9))
        >>> space.grid()
        {'num_ops': [1, 2], 'magnitude': [5, 9]}
        >>> space.build({"num_ops": 2, "magnitude": 9})[0].name
        'RandAugment'
    """

    kind: str = "randaugment"
    ops: Sequence[int] = (1, 2, 3)
    magnitudes: Sequence[int] = (3, 6, 9, 12, 15)
    subpolicies: int = 3
    op_names: Sequence[str] = field(default_factory=lambda: tuple(RANDAUGMENT))

    def __post_init__(self) -> None:
        if self.kind not in SPACES:
            raise InvalidConfig(f"search space {self.kind!r}: choose from {', '.join(SPACES)}")
        if not self.ops or not all(isinstance(n, int) and 1 <= n <= 16 for n in self.ops):
            raise InvalidConfig(f"search space: ops={self.ops!r} must be op counts in 1..16")
        if not self.magnitudes or not all(isinstance(m, int) and 0 <= m <= 30
                                          for m in self.magnitudes):
            raise InvalidConfig(f"search space: magnitudes={self.magnitudes!r} must be levels "
                                "0..30 (of 31)")
        if not isinstance(self.subpolicies, int) or not 1 <= self.subpolicies <= 25:
            raise InvalidConfig(f"search space: subpolicies={self.subpolicies!r} must be 1..25")
        unknown = sorted(set(self.op_names) - set(RANDAUGMENT))
        if unknown:
            raise InvalidConfig(f"search space: unknown ops {unknown}; use ops of "
                                "augmentlab.policies.RANDAUGMENT")

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "ops": list(self.ops), "magnitudes": list(self.magnitudes),
                "subpolicies": self.subpolicies, "op_names": list(self.op_names)}

    def grid(self) -> dict[str, list[int]]:
        """The exhaustive grid of the ``randaugment`` space."""
        return {"num_ops": list(self.ops), "magnitude": list(self.magnitudes)}

    def size(self) -> int | None:
        """Number of points of a grid space (None: not a grid)."""
        return len(self.ops) * len(self.magnitudes) if self.kind == "randaugment" else None

    def suggest(self, trial: Trial) -> dict[str, Any]:
        """Ask `trial` for one point of the space; returns its params."""
        if self.kind == "randaugment":
            return {"num_ops": trial.suggest_categorical("num_ops", list(self.ops)),
                    "magnitude": trial.suggest_categorical("magnitude", list(self.magnitudes))}
        params: dict[str, Any] = {}
        for k in range(self.subpolicies):
            for j in range(2):
                params[f"s{k}_op{j}"] = trial.suggest_categorical(f"s{k}_op{j}", list(self.op_names))
                params[f"s{k}_p{j}"] = trial.suggest_categorical(f"s{k}_p{j}", _PROBABILITIES)
                params[f"s{k}_m{j}"] = trial.suggest_int(f"s{k}_m{j}", 0, 9)
        return params

    def build(self, params: dict[str, Any], seed: int = 0) -> Compose:
        """The pipeline of one point of the space."""
        if self.kind == "randaugment":
            return Compose([RandAugment(num_ops=int(params["num_ops"]),
                                        magnitude=int(params["magnitude"]))], seed=seed)
        # p=1.0 spelled out: OneOf and Sequential are Albumentations' names, whose default is 0.5
        subs = [Sequential([op_at_level(RANDAUGMENT, params[f"s{k}_op{j}"], params[f"s{k}_m{j}"],
                                        10, p=float(params[f"s{k}_p{j}"])) for j in range(2)],
                           p=1.0)
                for k in range(self.subpolicies)]
        return Compose([OneOf(subs, p=1.0)], seed=seed)
