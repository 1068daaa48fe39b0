"""The jet recipes measured on their output: centroid at the origin, principal axis along eta,
the harder side positive, the mean distance fixed, pT conserved in the image."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.core.errors import InvalidInput


def _jet(seed: int, centre_phi: float = 3.05, size: float = 0.2) -> np.ndarray:
    """A two-prong jet: a hard core and a softer prong at an angle, near phi = `centre_phi`."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    core = rng.normal(0, 0.02, (20, 2))
    prong = np.array([np.cos(angle), np.sin(angle)]) * size + rng.normal(0, 0.02, (10, 2))
    xy = np.vstack([core, prong]) + [rng.uniform(-1, 1), centre_phi]
    xy[:, 1] = np.pi - np.mod(np.pi - xy[:, 1], 2 * np.pi)  # phi in (-pi, pi]: may wrap
    pt = np.concatenate([rng.exponential(10, 20), rng.exponential(3, 10)])
    return np.column_stack([xy, pt])


PREPROCESS = al.Compose([al.points.Recentre(), al.points.AlignPrincipalAxis(),
                         al.points.Reflect(axis="both")])


@pytest.mark.parametrize("seed", range(6))
def test_preprocessing_puts_every_jet_in_one_frame(seed: int) -> None:
    c = _jet(seed)
    out = PREPROCESS(constituents=c)["constituents"]
    w = out[:, 2] / out[:, 2].sum()
    np.testing.assert_array_equal(out[:, 2], c[:, 2])  # pt untouched
    # a rotation about the centroid: the centroid stays at 0, distances are kept
    np.testing.assert_allclose(w @ out[:, :2], 0.0, atol=1e-12)
    centred = al.points.Recentre()(constituents=c)["constituents"]
    np.testing.assert_allclose(np.hypot(out[:, 0], out[:, 1]), np.hypot(centred[:, 0], centred[:, 1]))
    moments = (out[:, :2] * w[:, None]).T @ out[:, :2]
    assert abs(moments[0, 1]) < 1e-12 and moments[0, 0] >= moments[1, 1]  # axis along eta
    assert out[:, 2] @ np.sign(out[:, 0]) >= 0 and out[:, 2] @ np.sign(out[:, 1]) >= 0


def test_recentre_keeps_a_jet_across_phi_pi_whole() -> None:
    c = _jet(0, centre_phi=np.pi)
    assert c[:, 1].max() > 3.0 and c[:, 1].min() < -3.0  # it straddles the wrap
    out = al.points.Recentre()(constituents=c)["constituents"]
    assert np.abs(out[:, 1]).max() < 0.5  # one piece around 0, not two at +-pi


@pytest.mark.parametrize("size", [0.1, 0.4])
def test_zoom_makes_jets_of_any_size_the_same_size(size: float) -> None:
    c = al.points.Recentre()(constituents=_jet(1, size=size))["constituents"]
    out = al.points.Zoom(target=0.15)(constituents=c)["constituents"]
    w = out[:, 2] / out[:, 2].sum()
    assert w @ np.hypot(out[:, 0], out[:, 1]) == pytest.approx(0.15)
    ratio = np.hypot(out[:, 0], out[:, 1])[c[:, 0] != 0] / np.hypot(c[:, 0], c[:, 1])[c[:, 0] != 0]
    np.testing.assert_allclose(ratio, ratio[0])  # one scale for every constituent


def test_jet_image_conserves_pt_inside_its_extent() -> None:
    out = PREPROCESS(constituents=_jet(2))["constituents"]
    img = al.points.jet_image(out, pixels=25, extent=1.0)
    inside = (np.abs(out[:, 0]) < 1.0) & (np.abs(out[:, 1]) < 1.0)
    assert img.shape == (25, 25) and img.sum() == pytest.approx(out[inside, 2].sum(), rel=1e-6)
    assert np.unravel_index(np.argmax(img), img.shape) == (12, 12)  # the hard core in the middle


def test_bad_constituents_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"\(N, 3\)"):
        PREPROCESS(constituents=np.zeros((4, 2)))
    with pytest.raises(InvalidInput, match="pt >= 0"):
        PREPROCESS(constituents=np.array([[0.0, 0.0, -1.0]]))
    with pytest.raises(InvalidInput, match="no transverse momentum"):
        PREPROCESS(constituents=np.zeros((3, 3)))
