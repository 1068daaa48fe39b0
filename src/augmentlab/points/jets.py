"""Jet recipes from particle physics on a ``constituents`` field: ``(N, 3)`` floats, one row
``(eta, phi, pt)`` per particle. The standard jet-image preprocessing (Recentre, then
AlignPrincipalAxis, then Reflect; Macaluso & Shih 2018 and the jet-images literature before it),
`Zoom` (scale angles so the pT-weighted mean distance from the axis is fixed: a heavier, more
boosted jet looks like a lighter one, the recipe for generalising across masses), and
`jet_image` to pixelise. All are deterministic; angles are in radians, phi differences are
taken on the circle."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import field_of
from ..core.params import check_choice, check_number
from ..core.sample import Sample
from ..core.transform import Transform

__all__ = ["AlignPrincipalAxis", "Recentre", "Reflect", "Zoom", "jet_image"]


def _wrap(phi: np.ndarray) -> np.ndarray:
    """Angles to (-pi, pi]."""
    return np.pi - np.mod(np.pi - phi, 2 * np.pi)


def _weights(c: np.ndarray) -> np.ndarray:
    pt = c[:, 2]
    total = pt.sum()
    if total <= 0:
        raise InvalidInput("constituents: the jet has no transverse momentum (all pt are 0)")
    return pt / total


class JetTransform(Transform):
    """A deterministic jet recipe on ``constituents``."""

    _abstract = True
    fields = frozenset({"constituents"})
    random = False
    native_params = True

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, c = field_of(sample, "constituents", "jet constituents: pass constituents=... "
                          "((N, 3) floats: eta, phi, pt)")
        return sample.derive(**{key: self.recipe(c.astype(np.float64)).astype(c.dtype, copy=False)})

    def recipe(self, c: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Recentre(JetTransform):
    """Move the jet so its pT-weighted centroid sits at (eta, phi) = (0, 0); phi is measured
    from the hardest constituent first, so a jet across phi = pi stays in one piece.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> c = np.array([[1.0, 3.1, 3.0], [1.2, -3.1, 1.0]])  # across phi = pi
        >>> out = al.points.Recentre()(constituents=c)["constituents"]
        >>> np.round(out[:, :2], 3).tolist()
        [[-0.05, -0.021], [0.15, 0.062]]
    """

    name = "points.Recentre"

    def recipe(self, c: np.ndarray) -> np.ndarray:
        w = _weights(c)
        lead = c[np.argmax(c[:, 2])]
        phi = _wrap(c[:, 1] - lead[1])
        out = c.copy()
        out[:, 0] = c[:, 0] - w @ c[:, 0]
        out[:, 1] = phi - w @ phi
        return out


class AlignPrincipalAxis(JetTransform):
    """Rotate the (eta, phi) plane about the origin so the jet's principal axis (the leading
    eigenvector of the pT-weighted second-moment matrix) lies along eta. Run `Recentre` first.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> c = np.array([[1.0, 1.0, 1.0], [-1.0, -1.0, 1.0]])  # spread along the diagonal
        >>> np.round(al.points.AlignPrincipalAxis()(constituents=c)["constituents"], 6) + 0.0
        array([[ 1.414214,  0.      ,  1.      ],
               [-1.414214,  0.      ,  1.      ]])
    """

    name = "points.AlignPrincipalAxis"

    def recipe(self, c: np.ndarray) -> np.ndarray:
        w = _weights(c)
        xy = c[:, :2]
        moments = (xy * w[:, None]).T @ xy
        values, vectors = np.linalg.eigh(moments)
        axis = vectors[:, int(np.argmax(values))]
        if axis[0] < 0 or (axis[0] == 0 and axis[1] < 0):  # an eigenvector's sign is arbitrary
            axis = -axis
        angle = math.atan2(axis[1], axis[0])
        cos, sin = math.cos(-angle), math.sin(-angle)
        out = c.copy()
        out[:, 0] = cos * xy[:, 0] - sin * xy[:, 1]
        out[:, 1] = sin * xy[:, 0] + cos * xy[:, 1]
        return out


class Reflect(JetTransform):
    """Mirror the jet across ``axis = 0`` where needed so the side carrying more pT is the
    positive one (``axis="phi"``: phi's sign; ``"eta"``: eta's; ``"both"``: each in turn).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> c = np.array([[0.0, -0.3, 5.0], [0.0, 0.1, 1.0]])
        >>> al.points.Reflect(axis="phi")(constituents=c)["constituents"][:, 1].tolist()
        [0.3, -0.1]
    """

    name = "points.Reflect"

    def __init__(self, *, axis: str = "phi", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.axis = check_choice(self.name, "axis", axis, ("eta", "phi", "both"))

    def recipe(self, c: np.ndarray) -> np.ndarray:
        out = c.copy()
        for col in {"eta": [0], "phi": [1], "both": [0, 1]}[self.axis]:
            if out[:, 2] @ np.sign(out[:, col]) < 0:
                out[:, col] = -out[:, col]
        return out


class Zoom(JetTransform):
    """Scale eta and phi about the origin so the pT-weighted mean distance of the constituents
    from it is `target` (the mass-generalisation recipe: jets of different mass and boost come
    out the same size). Run `Recentre` first. A jet of one point is left as it is.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> c = np.array([[0.4, 0.0, 1.0], [-0.4, 0.0, 1.0]])
        >>> al.points.Zoom(target=0.2)(constituents=c)["constituents"][:, 0].tolist()
        [0.2, -0.2]
    """

    name = "points.Zoom"

    def __init__(self, *, target: float = 0.2, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.target = check_number(self.name, "target", target, low=1e-6, high=100)

    def recipe(self, c: np.ndarray) -> np.ndarray:
        w = _weights(c)
        spread = float(w @ np.hypot(c[:, 0], c[:, 1]))
        out = c.copy()
        if spread > 0:
            out[:, :2] *= self.target / spread
        return out


def jet_image(constituents: np.ndarray, *, pixels: int = 33, extent: float = 1.0) -> np.ndarray:
    """A ``(pixels, pixels)`` float32 jet image: the constituents' pT summed per pixel over
    eta, phi in ``[-extent, extent]`` (rows: phi, columns: eta); constituents outside are left
    out.

    Example:
        >>> c = np.array([[0.0, 0.0, 2.0], [0.5, 0.0, 1.0], [5.0, 0.0, 9.0]])
        >>> img = jet_image(c, pixels=5, extent=1.0)
        >>> float(img.sum()), float(img[2, 2]), float(img[2, 3])
        (3.0, 2.0, 1.0)
    """
    c = np.asarray(constituents, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != 3:
        raise InvalidInput(f"jet_image: expected (N, 3) constituents (eta, phi, pt), got {c.shape}")
    edges = np.linspace(-extent, extent, pixels + 1)
    img, _, _ = np.histogram2d(c[:, 1], c[:, 0], bins=(edges, edges), weights=c[:, 2])
    return img.astype(np.float32)
