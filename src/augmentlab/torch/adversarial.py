"""Adversarial examples as augmentation: FGSM, PGD (projected gradient ascent in an epsilon ball),
DeepFool, and one adversarial training step. Inputs are float tensors in ``[low, high]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require_torch

__all__ = ["adversarial_training_step", "deepfool", "fgsm", "pgd"]

if TYPE_CHECKING:
    from torch import Tensor
    from torch.nn import Module
    from torch.optim import Optimizer

Loss = Callable[["Tensor", "Tensor"], "Tensor"]  # (logits, labels) -> loss
Model = Callable[["Tensor"], "Tensor"]  # a classifier: inputs -> logits (a torch.nn.Module)


def _check(owner: str, x: Any, eps: float) -> Any:
    torch = require_torch(owner)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise InvalidInput(f"{owner}: x must be a float tensor, got {type(x).__name__}")
    if not eps > 0:
        raise InvalidConfig(f"{owner}: eps={eps!r} must be > 0")
    return torch


def _loss_grad(model: Any, x: Any, y: Any, loss_fn: Loss | None) -> Any:
    torch = require_torch("adversarial examples")
    x = x.detach().clone().requires_grad_(True)
    loss = (loss_fn or torch.nn.functional.cross_entropy)(model(x), y)
    (grad,) = torch.autograd.grad(loss, x)
    return grad


def fgsm(model: Model, x: Tensor, y: Tensor, *, eps: float, loss_fn: Loss | None = None,
         clamp: tuple[float, float] = (0.0, 1.0)) -> Tensor:
    """Fast gradient sign method (Goodfellow et al. 2015): one step of size ``eps`` along the sign
    of the loss gradient, clamped to the valid range.

    Example:
        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
        >>> x = torch.full((3, 1, 2, 2), 0.5)
        >>> float((fgsm(net, x, torch.tensor([0, 1, 0]), eps=0.1) - x).abs().max()) <= 0.1 + 1e-6
        True
    """
    torch = _check("fgsm", x, eps)
    with torch.enable_grad():
        grad = _loss_grad(model, x, y, loss_fn)
    return (x + eps * grad.sign()).clamp(*clamp).detach()


def pgd(model: Model, x: Tensor, y: Tensor, *, eps: float, step: float | None = None, steps: int = 10,
        norm: str = "linf", random_start: bool = True, loss_fn: Loss | None = None,
        clamp: tuple[float, float] = (0.0, 1.0), seed: int = 0) -> Tensor:
    """Projected gradient descent on the loss, upwards (Madry et al. 2018): ``steps`` ascent steps
    of size ``step`` (default ``eps / 4``), each projected back onto the ``eps`` ball around ``x``
    (``"linf"`` or ``"l2"``, per sample) and the valid range. The random start is seeded.

    Example:
        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
        >>> x = torch.full((3, 1, 2, 2), 0.5)
        >>> adv = pgd(net, x, torch.tensor([0, 1, 0]), eps=0.05)
        >>> float((adv - x).abs().max()) <= 0.05 + 1e-6
        True
    """
    torch = _check("pgd", x, eps)
    if norm not in ("linf", "l2"):
        raise InvalidConfig(f"pgd: norm={norm!r} must be 'linf' or 'l2'")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InvalidConfig(f"pgd: steps={steps!r} must be a positive integer")
    step = eps / 4 if step is None else float(step)
    x = x.detach()
    gen = torch.Generator().manual_seed(int(seed))
    delta = torch.zeros_like(x)
    if random_start:
        noise = torch.rand(x.shape, generator=gen, dtype=x.dtype) * 2 - 1
        delta = _project(noise * eps, eps, norm)
    adv = (x + delta).clamp(*clamp)
    with torch.enable_grad():
        for _ in range(steps):
            grad = _loss_grad(model, adv, y, loss_fn)
            if norm == "linf":
                move = step * grad.sign()
            else:
                flat = grad.flatten(1).norm(dim=1).clamp_min(1e-12)
                move = step * grad / flat.view(-1, *([1] * (grad.dim() - 1)))
            adv = (x + _project(adv + move - x, eps, norm)).clamp(*clamp).detach()
    return adv


def _project(delta: Any, eps: float, norm: str) -> Any:
    if norm == "linf":
        return delta.clamp(-eps, eps)
    flat = delta.flatten(1).norm(dim=1).clamp_min(1e-12)
    factor = (eps / flat).clamp(max=1.0)
    return delta * factor.view(-1, *([1] * (delta.dim() - 1)))


def deepfool(model: Model, x: Tensor, *, overshoot: float = 0.02, max_iter: int = 50,
             clamp: tuple[float, float] | None = (0.0, 1.0)) -> Tensor:
    """DeepFool (Moosavi-Dezfooli et al. 2016): for each input, the small L2 step towards the
    nearest decision boundary of the linearised classifier, repeated until the predicted class
    changes (or ``max_iter``), then pushed ``overshoot`` further. Returns the perturbed inputs.

    Example:
        >>> import torch
        >>> torch.manual_seed(0) is not None
        True
        >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
        >>> x = torch.rand(5, 1, 2, 2)
        >>> adv = deepfool(net, x, clamp=None)
        >>> bool((net(adv).argmax(1) != net(x).argmax(1)).all())
        True
    """
    torch = _check("deepfool", x, 1.0)
    out = []
    with torch.enable_grad():
        for xi in x.detach():
            xi = xi.unsqueeze(0)
            start = int(model(xi).argmax(1).item())
            r_total = torch.zeros_like(xi)
            adv = xi
            for _ in range(max_iter):
                adv = adv.detach().requires_grad_(True)
                logits = model(adv)[0]
                if int(logits.argmax().item()) != start:
                    break
                grad_start = torch.autograd.grad(logits[start], adv, retain_graph=True)[0]
                best, best_r = float("inf"), None
                for k in range(logits.numel()):
                    if k == start:
                        continue
                    grad_k = torch.autograd.grad(logits[k], adv, retain_graph=True)[0]
                    w = grad_k - grad_start
                    f = (logits[k] - logits[start]).item()
                    wn = w.norm().item() + 1e-12
                    dist = abs(f) / wn
                    if dist < best:
                        best, best_r = dist, (abs(f) + 1e-4) / wn**2 * w
                assert best_r is not None
                r_total = r_total + best_r
                adv = xi + (1 + overshoot) * r_total
                if clamp is not None:
                    adv = adv.clamp(*clamp)
            out.append(adv.detach())
    return torch.cat(out)


def adversarial_training_step(model: Module, optimizer: Optimizer, x: Tensor, y: Tensor, *, eps: float,
                              attack: str = "pgd", adversarial_weight: float = 0.5,
                              loss_fn: Loss | None = None, seed: int = 0, **attack_args: Any
                              ) -> dict[str, float]:
    """One optimizer step on ``(1 - w) * clean loss + w * adversarial loss`` (Goodfellow et al.'s
    mixed objective; ``w = 1`` is Madry et al.'s adversarial training). The adversarial batch is
    made with the model in eval mode. Returns both losses.

    Example:
        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
        >>> opt = torch.optim.SGD(net.parameters(), lr=0.1)
        >>> x, y = torch.rand(8, 1, 2, 2), torch.randint(0, 2, (8,))
        >>> sorted(adversarial_training_step(net, opt, x, y, eps=0.1))
        ['adversarial', 'clean', 'loss']
    """
    torch = _check("adversarial_training_step", x, eps)
    if attack not in ("pgd", "fgsm"):
        raise InvalidConfig(f"adversarial_training_step: attack={attack!r} must be 'pgd' or "
                            "'fgsm'")
    if not 0 <= adversarial_weight <= 1:
        raise InvalidConfig("adversarial_training_step: adversarial_weight must be in [0, 1]")
    loss_fn = loss_fn or torch.nn.functional.cross_entropy
    was_training = model.training
    model.eval()
    adv = (pgd(model, x, y, eps=eps, loss_fn=loss_fn, seed=seed, **attack_args) if attack == "pgd"
           else fgsm(model, x, y, eps=eps, loss_fn=loss_fn, **attack_args))
    model.train(was_training)
    optimizer.zero_grad()
    clean = loss_fn(model(x), y)
    adversarial = loss_fn(model(adv), y)
    loss = (1 - adversarial_weight) * clean + adversarial_weight * adversarial
    loss.backward()
    optimizer.step()
    return {"loss": loss.item(), "clean": clean.item(), "adversarial": adversarial.item()}
