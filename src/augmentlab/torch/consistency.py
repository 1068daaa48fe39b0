"""Consistency regularisation on unlabelled data: UDA's KL between a weak and a strong view, and
FixMatch's confidence-thresholded pseudo-labels; with the weak / strong pipelines they use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.compose import Compose
from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require_torch

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["fixmatch_loss", "uda_loss", "weak_strong_pipelines"]


def _pair(owner: str, weak: Any, strong: Any) -> Any:
    torch = require_torch(owner)
    if not isinstance(weak, torch.Tensor) or weak.shape != strong.shape or weak.dim() != 2:
        raise InvalidInput(f"{owner}: weak and strong logits must be tensors of one shape "
                           f"(N, classes), got {getattr(weak, 'shape', None)} and "
                           f"{getattr(strong, 'shape', None)}")
    return torch


def fixmatch_loss(weak_logits: Tensor, strong_logits: Tensor, *, threshold: float = 0.95) -> Tensor:
    """FixMatch (Sohn et al. 2020): the weak view's confident predictions (max probability
    ``>= threshold``) become hard pseudo-labels for the strong view; cross-entropy averaged over
    the whole unlabelled batch (rows below the threshold count as zero). No gradient reaches the
    weak view. Zero when no prediction passes the threshold.

    Example:
        >>> import torch
        >>> weak = torch.tensor([[4.0, 0.0], [0.1, 0.0]]); strong = torch.zeros(2, 2)
        >>> round(float(fixmatch_loss(weak, strong, threshold=0.9)), 4)  # only row 0 counts
        0.3466
    """
    torch = _pair("fixmatch_loss", weak_logits, strong_logits)
    if not 0 < threshold <= 1:
        raise InvalidConfig(f"fixmatch_loss: threshold={threshold!r} must be in (0, 1]")
    with torch.no_grad():
        probs = torch.softmax(weak_logits.detach(), dim=1)
        confidence, pseudo = probs.max(dim=1)
        mask = (confidence >= threshold).float()
    per_row = torch.nn.functional.cross_entropy(strong_logits, pseudo, reduction="none")
    return (per_row * mask).mean()


def uda_loss(weak_logits: Tensor, strong_logits: Tensor, *, temperature: float = 0.4,
             threshold: float = 0.8) -> Tensor:
    """UDA (Xie et al. 2020): ``KL(sharpened weak || strong)`` per row, for rows whose weak
    prediction is at least ``threshold`` confident, averaged over the batch; the weak view's
    distribution is sharpened with ``temperature`` and gets no gradient.

    Example:
        >>> import torch
        >>> same = torch.tensor([[3.0, 0.0]])
        >>> abs(uda_loss(same, same, temperature=1.0, threshold=0.5).item()) < 1e-6
        True
    """
    torch = _pair("uda_loss", weak_logits, strong_logits)
    if not temperature > 0 or not 0 <= threshold <= 1:
        raise InvalidConfig("uda_loss: temperature must be > 0 and threshold in [0, 1]")
    with torch.no_grad():
        weak = weak_logits.detach()
        mask = (torch.softmax(weak, dim=1).max(dim=1).values >= threshold).float()
        target = torch.softmax(weak / temperature, dim=1)
    log_strong = torch.log_softmax(strong_logits, dim=1)
    kl = (target * (torch.log(target.clamp_min(1e-12)) - log_strong)).sum(dim=1)
    return (kl * mask).mean()


def weak_strong_pipelines(*, num_ops: int = 2, magnitude: float = 10, translate: float = 0.125,
                          flip: bool = True, policy: str = "randaugment") -> tuple[Compose, Compose]:
    """FixMatch's views: weak = horizontal flip (``flip=True``) + translation by up to
    ``translate`` of the size; strong = the weak view + a policy + a Cutout square of half the
    image side. ``policy="randaugment"`` is RandAugment(``num_ops``, ``magnitude``), the paper's;
    ``"trivialaugment"`` is TrivialAugment Wide (one op, no magnitude to tune, about half the cost
    per image). Pass ``flip=False`` where a mirrored sample is another class (digits, text in
    images). Use them with ``AugmentedDataset(views={"weak": weak, "strong": strong})``.

    Example:
        >>> weak, strong = weak_strong_pipelines()
        >>> [t.name for t in strong.transforms]
        ['HorizontalFlip', 'Affine', 'RandAugment', 'CoarseDropout']
        >>> weak, strong = weak_strong_pipelines(flip=False, policy="trivialaugment")
        >>> [t.name for t in weak.transforms], strong.transforms[1].name
        (['Affine'], 'TrivialAugmentWide')
    """
    from ..image import Affine, CoarseDropout, HorizontalFlip
    from ..policies import RandAugment, TrivialAugmentWide

    if policy not in ("randaugment", "trivialaugment"):
        raise InvalidConfig(f"weak_strong_pipelines: policy={policy!r} must be 'randaugment' or "
                            "'trivialaugment'")

    def weak_ops() -> list[Any]:
        # the arguments this recipe was measured with, spelled out (Albumentations' defaults differ)
        shift = Affine(rotate=0.0, scale=(1.0, 1.0), translate_percent=translate, shear=0.0,
                       keep_ratio=True, p=1.0)
        return [HorizontalFlip(p=0.5), shift] if flip else [shift]

    strong_policy: Any = (RandAugment(num_ops=num_ops, magnitude=magnitude)
                          if policy == "randaugment" else TrivialAugmentWide())
    weak = Compose(weak_ops())
    strong = Compose([*weak_ops(), strong_policy,
                      CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
                                    hole_width_range=(0.5, 0.5), p=1.0)])
    return weak, strong
