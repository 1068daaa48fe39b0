"""Differentiable augmentation for torch tensors whose strength is learnt: each op draws its random
factor as ``strength * u`` with ``u ~ U(-1, 1)`` (the reparameterisation trick), so the gradient of
any loss reaches ``strength`` -- the learnable augmentation of the seed documents (e.g. for
adversarially learnt or validation-tuned magnitudes)."""

from __future__ import annotations

import functools
from typing import Any

from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require_torch

__all__ = ["LearnableAffine", "LearnableBrightness", "LearnableContrast", "learnable_augmentation"]


def _check(x: Any) -> None:
    torch = require_torch("learnable augmentation")
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or not x.is_floating_point():
        raise InvalidInput(f"learnable augmentation: x must be a float (N, C, H, W) tensor, got "
                           f"{getattr(x, 'shape', type(x).__name__)}")


def _uniform(x: Any, k: int, generator: Any) -> Any:
    torch = require_torch("learnable augmentation")
    u = torch.rand((x.shape[0], k), generator=generator, dtype=x.dtype) * 2 - 1
    return u.to(x.device)


@functools.cache  # one set of classes: isinstance and pickling need them to stay the same
def learnable_augmentation() -> dict[str, type]:
    """The module classes (built on first use, so importing augmentlab never imports torch).

    Example:
        >>> sorted(learnable_augmentation())
        ['LearnableAffine', 'LearnableBrightness', 'LearnableContrast']
    """
    torch = require_torch("learnable augmentation")
    nn = torch.nn

    class _ScalarJitter(nn.Module):  # type: ignore[misc,name-defined]
        """One learnt strength; each image is changed by ``strength * u``, ``u ~ U(-1, 1)``."""

        def __init__(self, strength: float) -> None:
            super().__init__()
            self.strength = nn.Parameter(torch.tensor(float(strength)))

        def forward(self, x: Any, generator: Any = None) -> Any:
            _check(x)
            return self.jitter(x, self.strength * _uniform(x, 1, generator).view(-1, 1, 1, 1))

        def jitter(self, x: Any, amount: Any) -> Any:
            raise NotImplementedError

    class LearnableBrightness(_ScalarJitter):
        """``x + strength * u`` per image, ``u ~ U(-1, 1)``; ``strength`` is a parameter."""

        def __init__(self, strength: float = 0.1) -> None:
            super().__init__(strength)

        def jitter(self, x: Any, amount: Any) -> Any:
            return x + amount

    class LearnableContrast(_ScalarJitter):
        """``mean + (1 + strength * u) * (x - mean)`` per image and channel."""

        def __init__(self, strength: float = 0.2) -> None:
            super().__init__(strength)

        def jitter(self, x: Any, amount: Any) -> Any:
            mean = x.mean(dim=(2, 3), keepdim=True)
            return mean + (1 + amount) * (x - mean)

    class LearnableAffine(nn.Module):  # type: ignore[misc,name-defined]
        """Rotation by ``rotation * u1`` radians, translation by ``translation * (u2, u3)`` of
        half the size, scaling by ``1 + scale * u4``, through a differentiable sampling grid."""

        def __init__(self, rotation: float = 0.2, translation: float = 0.1,
                     scale: float = 0.1) -> None:
            super().__init__()
            self.rotation = nn.Parameter(torch.tensor(float(rotation)))
            self.translation = nn.Parameter(torch.tensor(float(translation)))
            self.scale = nn.Parameter(torch.tensor(float(scale)))

        def forward(self, x: Any, generator: Any = None) -> Any:
            _check(x)
            u = _uniform(x, 4, generator)
            angle = self.rotation * u[:, 0]
            s = 1 + self.scale * u[:, 3]
            cos, sin = torch.cos(angle) / s, torch.sin(angle) / s
            theta = torch.stack([torch.stack([cos, -sin, self.translation * u[:, 1]], 1),
                                 torch.stack([sin, cos, self.translation * u[:, 2]], 1)], 1)
            grid = nn.functional.affine_grid(theta, list(x.shape), align_corners=False)
            return nn.functional.grid_sample(x, grid, align_corners=False, padding_mode="zeros")

    return {"LearnableAffine": LearnableAffine, "LearnableBrightness": LearnableBrightness,
            "LearnableContrast": LearnableContrast}


def _factory(name: str) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        for v in [*args, *kwargs.values()]:
            if not isinstance(v, (int, float)) or v < 0:
                raise InvalidConfig(f"{name}: strengths must be numbers >= 0, got {v!r}")
        return learnable_augmentation()[name](*args, **kwargs)

    build.__name__ = name
    build.__doc__ = (f"Build a ``{name}`` torch module (see `learnable_augmentation`).\n\n"
                     "    Example:\n"
                     "        >>> import torch\n"
                     f"        >>> m = {name}()\n"
                     "        >>> m(torch.rand(2, 1, 8, 8)).shape\n"
                     "        torch.Size([2, 1, 8, 8])\n")
    return build


LearnableBrightness = _factory("LearnableBrightness")
LearnableContrast = _factory("LearnableContrast")
LearnableAffine = _factory("LearnableAffine")
