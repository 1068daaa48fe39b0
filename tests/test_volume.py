"""3-D volumes (issue 24): masks move with the volume (a labelled phantom), determinism and replay,
config round trips, what each transform does, intensity transforms never touch masks, bad inputs
refused with typed errors, and real NIfTI files read through nibabel."""

from __future__ import annotations

import contextlib
import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy import ndimage

import augmentlab as al
from augmentlab.errors import DataError, InvalidConfig, InvalidInput
from augmentlab.volume.artefacts import kspace
from augmentlab.volume.base import ResamplingTransform

nibabel = pytest.importorskip("nibabel")
NIFTI = Path(nibabel.__file__).parent / "tests" / "data"

# one configuration per transform, strong enough that every call does something
CASES: dict[str, dict[str, Any]] = {
    "volume.RandomFlip": {},
    "volume.RandomRotate90": {},
    "volume.RandomAffine": {"degrees": 15, "scale": (0.85, 1.15), "translation": 2.0, "shear": 5},
    "volume.RandomElasticDeformation": {"control_points": 5, "max_displacement": 3.0},
    "volume.RandomCrop": {"size": (12, 14, 16)},
    "volume.Pad": {"size": (24, 30, 36), "position": "random"},
    "volume.Resample": {"spacing": (1.5, 1.0, 0.75)},
    "volume.RandomGamma": {},
    "volume.RandomNoise": {"std": (0.05, 0.1)},
    "volume.RandomBlur": {"std": (0.5, 1.5)},
    "volume.RandomBiasField": {},
    "volume.RandomGhosting": {},
    "volume.RandomMotion": {"degrees": 5, "translation": 3, "num_transforms": 2},
}
SPATIAL = ["volume.RandomFlip", "volume.RandomRotate90", "volume.RandomAffine",
           "volume.RandomElasticDeformation", "volume.RandomCrop", "volume.Pad", "volume.Resample"]
INTENSITY = ["volume.RandomGamma", "volume.RandomNoise", "volume.RandomBlur", "volume.RandomBiasField",
             "volume.RandomGhosting", "volume.RandomMotion"]
LEVEL = 10.0  # the phantom's intensity per label


def phantom(shape: tuple[int, int, int] = (20, 24, 28)) -> tuple[np.ndarray, np.ndarray]:
    """A labelled phantom: four blobs (two ellipsoids, a box, a shell) with labels 1..4 and the
    volume's intensity LEVEL * label, so a voxel's intensity names its label."""
    d, h, w = np.indices(shape, dtype=np.float64)
    labels = np.zeros(shape, np.uint8)
    labels[((d - 6) / 4) ** 2 + ((h - 7) / 5) ** 2 + ((w - 8) / 6) ** 2 <= 1] = 1
    labels[((d - 13) / 5) ** 2 + ((h - 16) / 5) ** 2 + ((w - 18) / 7) ** 2 <= 1] = 2
    labels[4:9, 14:21, 17:25] = 3
    r = np.sqrt((d - 13) ** 2 + (h - 7) ** 2 + (w - 9) ** 2)
    labels[(r >= 3) & (r <= 5)] = 4
    return (labels * LEVEL).astype(np.float32), labels


def _pipe(name: str, seed: int = 3, **extra: Any) -> al.Compose:
    return al.Compose([al.Transform.from_config({"name": name, **CASES[name], **extra})], seed=seed)


def _fields() -> dict[str, Any]:
    v, m = phantom()
    rng = np.random.default_rng(1)
    return {"volume": (v + rng.normal(0, 1, v.shape)).astype(np.float32), "volume_mask": m,
            "spacing": (1.0, 1.25, 0.8), "label": "subject-1"}


def _same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].dtype == b[key].dtype and a[key].shape == b[key].shape, key
            assert a[key].tobytes() == b[key].tobytes(), key
        else:
            assert a[key] == b[key], key


def _interior(mask: np.ndarray) -> np.ndarray:
    """Voxels whose 3x3x3 neighbourhood holds one label (away from every edge between labels)."""
    lo = ndimage.minimum_filter(mask, size=3, mode="nearest")
    hi = ndimage.maximum_filter(mask, size=3, mode="nearest")
    return lo == hi


def coincide(volume: np.ndarray, mask: np.ndarray, *, exact: bool) -> float:
    """Share of voxels where the volume's intensity names the mask's label: all voxels
    (nearest interpolation: exact), or (linear) the voxels away from the mask's label edges that
    either side calls foreground (the background alone would agree by its sheer size)."""
    named = np.rint(volume / LEVEL).astype(np.int64)
    if exact:
        return float((named == mask).mean())
    inside = _interior(mask) & ((mask > 0) | (named > 0))
    return float((named[inside] == mask[inside]).mean())


# (1) the mask moves with the volume ------------------------------------------------------------

NEAREST_CASES = {
    "volume.RandomFlip": {"flip_probability": 0.5},
    "volume.RandomRotate90": {},
    "volume.RandomAffine": {"degrees": 20, "scale": (0.8, 1.2), "translation": 3.0, "shear": 8,
                      "interpolation": "nearest", "fill": 0.0},
    "volume.RandomElasticDeformation": {"control_points": 6, "max_displacement": 3.0,
                                  "interpolation": "nearest", "fill": 0.0},
    "volume.RandomCrop": {"size": (11, 13, 17)},
    "volume.Pad": {"size": (26, 25, 40), "position": "random"},
    "volume.Resample": {"spacing": (0.7, 1.3, 1.1), "interpolation": "nearest"},
}


@pytest.mark.parametrize("name", sorted(NEAREST_CASES))
def test_the_mask_follows_the_volume_exactly_with_nearest_interpolation(name: str) -> None:
    v, m = phantom()
    pipe = al.Compose([al.Transform.from_config({"name": name, **NEAREST_CASES[name]})], seed=0)
    moved = 0
    for i in range(6):
        out = pipe(volume=v, volume_mask=m, spacing=(1.0, 1.5, 0.8), sample_id=i)
        assert out["volume"].shape == out["volume_mask"].shape
        assert coincide(out["volume"], out["volume_mask"], exact=True) == 1.0
        moved += out["volume"].shape != v.shape or not np.array_equal(out["volume_mask"], m)
    assert moved >= 4  # the transform did move things


@pytest.mark.parametrize("name", ["volume.RandomAffine", "volume.RandomElasticDeformation", "volume.Resample"])
def test_the_mask_follows_the_linearly_resampled_volume_away_from_edges(name: str) -> None:
    v, m = phantom()
    pipe = _pipe(name, seed=1)
    for i in range(4):
        out = pipe(volume=v, volume_mask=m, spacing=(1.0, 1.25, 0.8), sample_id=i)
        assert coincide(out["volume"], out["volume_mask"], exact=False) >= 0.99
        assert set(np.unique(out["volume_mask"])) <= {0, 1, 2, 3, 4}  # labels never blended


def test_the_phantom_check_catches_a_mask_moved_by_another_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Break the contract on purpose: the masks get the mapping of other params (another seed's
    matrix or field). The phantom check must fail, and pass again once restored."""
    v, m = phantom()
    original = ResamplingTransform.apply

    def broken(self: ResamplingTransform, sample: al.Sample, params: dict[str, Any]) -> al.Sample:
        out = original(self, sample, params)
        other = self.sample_params(sample, np.random.default_rng(99))
        wrong = original(self, sample, other)
        return out.derive(volume_mask=wrong["volume_mask"])

    for name in ("volume.RandomAffine", "volume.RandomElasticDeformation"):
        nearest = al.Compose([al.Transform.from_config({"name": name, **NEAREST_CASES[name]})], seed=0)
        linear = _pipe(name, seed=0)
        for broken_now in (False, True, False):
            monkeypatch.setattr(ResamplingTransform, "apply", broken if broken_now else original)
            for i in range(3):
                out = nearest(volume=v, volume_mask=m, sample_id=i)
                assert (coincide(out["volume"], out["volume_mask"], exact=True) < 0.99) is broken_now
                out = linear(volume=v, volume_mask=m, sample_id=i)
                if name == "volume.RandomAffine" or not broken_now:  # (the elastic field moves a
                    # wrong mask by a voxel or two, inside the edges this check leaves out)
                    assert (coincide(out["volume"], out["volume_mask"], exact=False) < 0.99) is broken_now


def test_several_volumes_and_channels_move_together() -> None:
    v, m = phantom()
    two = np.stack([v, 2 * v], axis=-1)
    pipe = al.Compose([al.volume.RandomAffine(degrees=20, interpolation="nearest", fill=0.0),
                       al.volume.RandomElasticDeformation(control_points=5, max_displacement=2.0,
                                                    interpolation="nearest", fill=0.0),
                       al.volume.RandomRotate90()], seed=2, extra_fields={"t2": "volume"})
    out = pipe(volume=two, t2=v.copy(), volume_mask=m, sample_id=0)
    assert np.array_equal(out["volume"][..., 0], out["t2"])
    assert np.array_equal(out["volume"][..., 1], 2 * out["t2"])
    assert coincide(out["t2"], out["volume_mask"], exact=True) == 1.0


# (2) determinism and replay, (3) config round trip ------------------------------------------

@pytest.mark.parametrize("name", sorted(CASES))
def test_same_seed_same_bytes_ids_differ_and_replay_is_exact(name: str) -> None:
    fields = _fields()
    pipe = _pipe(name)
    outs = [pipe(sample_id=i, **fields) for i in range(4)]
    for out in outs:
        _same(out, _pipe(name)(sample_id=out.record.sample_id, **fields))
        again = pipe.replay(al.Record.from_json(out.record.to_json()), **fields)
        _same(out, again)
        assert out["label"] == "subject-1"
        for step in out.record.steps:
            assert json.loads(json.dumps(step.params)) == step.params
            assert yaml.safe_load(yaml.safe_dump(step.params)) == step.params
    if name != "volume.Resample":  # deterministic: the same output for every sample
        few = name in ("volume.RandomFlip", "volume.RandomRotate90")  # 8 or 9 outcomes: ids may repeat
        assert len({o["volume"].tobytes() for o in outs}) >= (2 if few else 4)
    assert any(o["volume"].shape != fields["volume"].shape
               or o["volume"].tobytes() != fields["volume"].tobytes() for o in outs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trip_and_p_zero(name: str) -> None:
    fields = _fields()
    pipe = _pipe(name)
    for fmt in ("yaml", "json"):
        loaded = al.load_pipeline(al.dump_pipeline(pipe, fmt))
        assert loaded.config_hash == pipe.config_hash
        assert loaded.get_config() == pipe.get_config()
        _same(pipe(sample_id=3, **fields), loaded(sample_id=3, **fields))
    _same(_pipe(name, p=0.0)(sample_id=0, **fields), fields)
    with pytest.raises(InvalidConfig, match="valid arguments"):
        al.Transform.from_config({"name": name, "colour": 1})
    assert al.registry.get(name) is type(pipe.transforms[0])


# (4) what each transform does ------------------------------------------------------------------

def _params(out: al.Sample) -> dict[str, Any]:
    return out.record.steps[0].params


def test_flip_reverses_the_axes_it_names() -> None:
    v = np.random.default_rng(0).random((5, 6, 7)).astype(np.float32)
    for axes, expected in (([0], v[::-1]), ([1], v[:, ::-1]), ([2], v[:, :, ::-1]),
                           ([0, 2], v[::-1, :, ::-1])):
        out = al.volume.RandomFlip(axes=axes, flip_probability=1.0)(volume=v, spacing=(1, 2, 3), seed=0)
        assert np.array_equal(out["volume"], expected) and out["spacing"] == (1, 2, 3)
    out = al.volume.RandomFlip(flip_probability=0.0)(volume=v, seed=0)
    assert np.array_equal(out["volume"], v) and _params(out) == {"axes": []}


def test_rot90_is_numpy_rot90_and_permutes_the_spacing() -> None:
    v = np.random.default_rng(0).random((4, 5, 6, 2)).astype(np.float32)
    seen = set()
    for seed in range(30):
        out = al.volume.RandomRotate90()(volume=v, spacing=(1.0, 2.0, 3.0), seed=seed)
        plane, k = _params(out)["plane"], _params(out)["k"]
        seen.add((tuple(plane), k))
        assert np.array_equal(out["volume"], np.rot90(v, k, axes=tuple(plane)))
        spacing = [1.0, 2.0, 3.0]
        if k % 2:
            spacing[plane[0]], spacing[plane[1]] = spacing[plane[1]], spacing[plane[0]]
        assert out["spacing"] == tuple(spacing)
    assert {p for p, _ in seen} == {(0, 1), (0, 2), (1, 2)} and {k for _, k in seen} == {1, 2, 3}


def test_affine_identity_is_identity_and_a_quarter_turn_is_rot90() -> None:
    v = np.random.default_rng(0).random((17, 17, 17)).astype(np.float32)
    same = al.volume.RandomAffine(degrees=0, scale=1, translation=0, shear=0)(volume=v, seed=0)["volume"]
    np.testing.assert_allclose(same, v, atol=1e-6)
    inner = (slice(1, -1),) * 3
    for axis, plane in ((0, (1, 2)), (1, (0, 2)), (2, (0, 1))):
        degrees = [0.0, 0.0, 0.0]
        degrees[axis] = 90.0
        t = al.volume.RandomAffine(degrees=(0, 0), scale=1)
        out = t.apply(_sample(v), {"degrees": degrees, "scale": [1.0] * 3, "shear": [0.0] * 3,
                                   "translation": [0.0] * 3})["volume"]
        np.testing.assert_allclose(out[inner], np.rot90(v, 1, axes=plane)[inner], atol=1e-5)


def _sample(v: np.ndarray, **more: Any) -> al.Sample:
    s = al.Sample(volume=v, **more)
    s.kinds = {"volume": "volume", **{k: k for k in more}}
    return s


def test_affine_works_in_physical_space() -> None:
    """2 mm along D on 2 mm voxels moves by one voxel; a 90-degree turn of an anisotropic volume
    about D maps H's millimetres onto W's: an H-extent of 8 voxels of 1 mm becomes 4 W-voxels of
    2 mm."""
    v = np.zeros((9, 17, 17), np.float32)
    v[4, 4:12, 8] = 1.0  # a line 8 voxels (8 mm) long along H
    params = {"degrees": [0.0] * 3, "scale": [1.0] * 3, "shear": [0.0] * 3, "translation": [2.0, 0, 0]}
    moved = al.volume.RandomAffine(interpolation="nearest", fill=0.0).apply(
        _sample(v, spacing=(2.0, 1.0, 1.0)), params)["volume"]
    assert np.array_equal(moved[5], v[4])
    turned = al.volume.RandomAffine(interpolation="nearest", fill=0.0).apply(
        _sample(v, spacing=(1.0, 1.0, 2.0)), {**params, "degrees": [90.0, 0, 0], "translation": [0.0] * 3})
    line = np.argwhere(turned["volume"] > 0.5)
    # along W now: 8 mm on 2 mm voxels; its 2 mm of W-width became 2 voxels of H
    assert len(set(line[:, 2])) == 4 and len(set(line[:, 1])) == 2


def test_elastic_is_smooth_zero_at_zero_and_reproducible_from_its_seed() -> None:
    v = np.random.default_rng(0).random((16, 18, 20)).astype(np.float32)
    still = al.volume.RandomElasticDeformation(max_displacement=0.0)(volume=v, seed=0)["volume"]
    np.testing.assert_allclose(still, v, atol=1e-6)
    t = al.volume.RandomElasticDeformation(control_points=6, max_displacement=(2.0, 3.0, 4.0), locked_borders=0)
    coarse = t.coarse_field({"seed": 5}, (1.0, 1.0, 2.0))
    assert np.abs(coarse[..., 2]).max() <= 2.0 and np.abs(coarse[..., 1]).max() > 2.0  # mm / spacing
    field = t.mapping(v.shape, {"seed": 5}, (1.0, 1.0, 2.0)).coords - np.indices(v.shape)
    for d in range(3):  # a cubic B-spline field: small second differences, no jumps
        assert np.abs(np.diff(field[d], n=2, axis=d)).max() < 0.2
    locked = al.volume.RandomElasticDeformation(control_points=6, locked_borders=2).coarse_field(
        {"seed": 1}, (1, 1, 1))
    assert not locked[:2].any() and not locked[:, -2:].any() and locked[2:4, 2:4, 2:4].any()


def test_crop_and_pad_give_the_requested_shape_and_the_mask_follows() -> None:
    v, m = phantom()
    out = al.volume.RandomCrop(size=(10, 12, 14))(volume=v, volume_mask=m, seed=4)
    d, h, w = _params(out)["start"]
    assert out["volume"].shape == out["volume_mask"].shape == (10, 12, 14)
    assert np.array_equal(out["volume_mask"], m[d:d + 10, h:h + 12, w:w + 14])
    out = al.volume.Pad(size=(24, 24, 30), fill=-1.0, position="random")(volume=v, volume_mask=m, seed=4)
    b = _params(out)["before"]
    assert out["volume"].shape == (24, 24, 30) and b[1] == 0
    assert np.array_equal(out["volume_mask"][b[0]:b[0] + 20, :, b[2]:b[2] + 28], m)
    assert out["volume"][out["volume_mask"] == 0].min() == -1.0 and out["volume_mask"].sum() == m.sum()
    centred = al.volume.Pad(size=(21, 24, 31))(volume=v, seed=0)
    assert _params(centred)["before"] == [0, 0, 1]
    with pytest.raises(InvalidInput, match=r"volume.Pad\(size="):
        al.volume.RandomCrop(size=(30, 10, 10))(volume=v, seed=0)


def test_resample_updates_shape_and_spacing() -> None:
    v, m = phantom()
    out = al.Compose([al.volume.Resample(spacing=(2.0, 2.5, 0.4))])(volume=v, volume_mask=m,
                                                                      spacing=(1.0, 1.25, 0.8))
    assert out["volume"].shape == out["volume_mask"].shape == (10, 12, 56)
    assert out["spacing"] == (2.0, 2.5, 0.4)
    assert np.array_equal(out["volume_mask"][:, :, ::2], m[::2, ::2, :])  # the voxels that coincide


def test_gamma_follows_the_formula() -> None:
    v = np.random.default_rng(0).normal(0, 2, (6, 7, 8)).astype(np.float32)
    out = al.volume.RandomGamma(log_gamma=(-0.5, 0.5))(volume=v, seed=3)
    gamma = _params(out)["gamma"]
    assert np.exp(-0.5) <= gamma <= np.exp(0.5) and gamma != 1.0
    np.testing.assert_allclose(out["volume"], np.sign(v) * np.abs(v) ** gamma, rtol=1e-5)


def test_noise_has_the_drawn_mean_and_std_and_blur_works_in_millimetres() -> None:
    v = np.zeros((32, 32, 32), np.float32)
    out = al.volume.RandomNoise(mean=(0.5, 1.0), std=(0.2, 0.3))(volume=v, seed=0)
    p = _params(out)
    assert abs(out["volume"].mean() - p["mean"]) < 0.01 and abs(out["volume"].std() - p["std"]) < 0.01
    v = np.random.default_rng(0).random((12, 14, 16)).astype(np.float32)
    out = al.volume.RandomBlur(std=(1.0, 2.0))(volume=v, spacing=(0.5, 1.0, 2.0), seed=1)
    std = _params(out)["std"]
    expected = ndimage.gaussian_filter(v, [std[0] / 0.5, std[1] / 1.0, std[2] / 2.0], mode="reflect")
    np.testing.assert_allclose(out["volume"], expected, rtol=1e-5)


def test_bias_field_is_smooth_positive_and_multiplicative() -> None:
    rng = np.random.default_rng(0)
    v = rng.random((16, 18, 20)).astype(np.float32) + 0.5
    t = al.volume.RandomBiasField(coefficients=0.5, order=3)
    field = t(volume=np.ones_like(v), seed=7)["volume"].astype(np.float64)
    out = t(volume=v, seed=7)["volume"]
    np.testing.assert_allclose(out, v * field, rtol=1e-5)  # one field, times the volume
    assert (field > 0).all() and not np.allclose(field, 1.0)
    log = np.log(field)  # a polynomial of degree 3: its fourth differences vanish along each axis
    for axis in range(3):
        assert np.abs(np.diff(log, n=4, axis=axis)).max() < 1e-4
    assert np.abs(np.diff(log, n=1, axis=0)).max() < 0.5  # and it changes slowly


def _mirror(n: int) -> np.ndarray:
    """Index of the plane holding frequency -f for each plane of an fftshifted axis of `n`."""
    return (2 * (n // 2) - np.arange(n)) % n


def test_ghosting_scales_every_nth_plane_of_k_space_and_nothing_else() -> None:
    """TorchIO's ghosting: the planes 0, n, 2n, ... of the centred spectrum along the axis are
    scaled by 1 - intensity (the restored centre excepted); taking the real part of the inverse
    averages each plane with its mirror, so the spectrum is multiplied by (m(i) + m(mirror i)) / 2
    exactly, and every other plane is untouched."""
    v, _ = phantom((24, 20, 19))
    t = al.volume.RandomGhosting(num_ghosts=(3, 5), axes=[0, 1, 2], intensity=(0.6, 0.9))
    seen = set()
    k_in = kspace(v.astype(np.float64))
    for seed in range(12):
        out = t(volume=v, seed=seed)
        p = _params(out)
        axis, n, s = p["axis"], p["num_ghosts"], p["intensity"]
        seen.add(axis)
        size = v.shape[axis]
        m = np.where(np.arange(size) % n == 0, 1.0 - s, 1.0)
        m[t.restored(size)] = 1.0
        factor = (m + m[_mirror(size)]) / 2
        shape = [1, 1, 1]
        shape[axis] = size
        expected = k_in * factor.reshape(shape)
        k_out = kspace(out["volume"].astype(np.float64))
        np.testing.assert_allclose(k_out, expected, atol=1e-4 * np.abs(k_in).max())
        assert (factor < 1).sum() >= size // n - 1  # the periodic planes changed (the centre restored)
    assert seen == {0, 1, 2}


def test_motion_keeps_the_centre_of_k_space_and_moves_the_rest() -> None:
    """Segments of k-space along W come from moved copies; the segment holding the centre from
    the unmoved volume (planes whose mirror lies in it too: the real part averages the two)."""
    v, _ = phantom((16, 20, 24))
    t = al.volume.RandomMotion()
    params = {"degrees": [[6.0, 0.0, 0.0], [0.0, -6.0, 3.0]],
              "translation": [[2.0, 0.0, 0.0], [0.0, 1.0, -2.0]],
              "times": [0.3, 0.7]}  # cuts at W-planes 7 and 16: the centre segment is 7..15
    out = t.apply(_sample(v), params)["volume"]
    k_in, k_out = kspace(v.astype(np.float64)), kspace(out.astype(np.float64))
    scale = np.abs(k_in).max()
    np.testing.assert_allclose(k_out[:, :, 9:16], k_in[:, :, 9:16], atol=1e-5 * scale)
    assert np.abs(k_out[:, :, :7] - k_in[:, :, :7]).max() > 1e-2 * scale
    drawn = t(volume=v, seed=2)
    times = np.asarray(_params(drawn)["times"])
    assert np.all(np.diff(times) > 0) and times[0] > 0 and times[-1] < 1


# (5) intensity transforms leave masks alone --------------------------------------------------

@pytest.mark.parametrize("name", INTENSITY)
def test_intensity_transforms_never_touch_the_mask_or_the_spacing(name: str) -> None:
    fields = _fields()
    out = _pipe(name)(sample_id=0, **fields)
    assert out["volume_mask"] is fields["volume_mask"] and out["spacing"] is fields["spacing"]
    assert out["volume"].dtype == np.float32 and out["volume"].shape == fields["volume"].shape


# (6) bad inputs ------------------------------------------------------------------------------

def test_bad_inputs_are_refused_with_what_to_do() -> None:
    pipe = al.Compose([al.volume.RandomFlip()], seed=0)
    v = np.zeros((4, 5, 6), np.float32)
    cases = [
        ({"volume": np.zeros((4, 5), np.float32)}, "2-D array .* image=..."),
        ({"volume": np.zeros((2, 4, 5, 6, 1), np.float32)}, "got 5 axes"),
        ({"volume": np.zeros((1, 16, 16, 16), np.float32)}, r"channels-first .* np.moveaxis"),
        ({"volume": v.tolist()}, "numpy array"),
        ({"volume": np.zeros((4, 5, 6), np.complex64)}, "dtype complex64 is not supported"),
        ({"volume": np.full((4, 5, 6), np.nan, np.float32)}, "NaN or inf"),
        ({"volume": v, "volume_mask": np.zeros((4, 5, 7), np.uint8)}, r"\(4, 5, 7\) is not the volume's grid"),
        ({"volume": v, "volume_mask": np.zeros((4, 5, 6), np.float32)}, "not a label type"),
        ({"volume_mask": np.zeros((4, 5, 6), np.uint8)}, "pass volume=... with it"),
        ({"volume": v, "spacing": (1.0, -1.0, 1.0)}, "three positive finite numbers"),
        ({"volume": v, "spacing": (1.0, 1.0)}, "three positive finite numbers"),
    ]
    for fields, message in cases:
        with pytest.raises(InvalidInput, match=message):
            pipe(**fields)
    with pytest.raises(InvalidInput, match=r"needs float voxels, got int16; convert first"):
        al.volume.RandomGamma()(volume=np.zeros((4, 5, 6), np.int16), seed=0)
    with pytest.raises(InvalidInput, match="volume.RandomAffine works on .*volume.* has none of them"):
        al.volume.RandomAffine()(image=np.zeros((4, 4), np.uint8), seed=0)
    for name, args, message in (
            ("volume.RandomFlip", {"axes": [0, 3]}, "distinct axes among 0, 1, 2"),
            ("volume.RandomRotate90", {"planes": [[1, 0]]}, "planes such as"),
            ("volume.RandomCrop", {"size": [1, 2]}, "three numbers"),
            ("volume.RandomAffine", {"interpolation": "cubic"}, "linear, nearest"),
            ("volume.RandomAffine", {"fill": "max"}, "minimum"),
            ("volume.RandomElasticDeformation", {"control_points": 3}, ">= 4"),
            ("volume.RandomElasticDeformation", {"control_points": 4, "locked_borders": 2}, "locks every"),
            ("volume.RandomGhosting", {"num_ghosts": (1.5, 3)}, "whole numbers"),
            ("volume.RandomNoise", {"std": (-1, 1)}, ">= 0")):
        with pytest.raises(InvalidConfig, match=message):
            al.Transform.from_config({"name": name, **args})


def test_integer_volumes_keep_their_dtype_through_spatial_transforms() -> None:
    v, m = phantom()
    ct = (v * 100 - 1000).astype(np.int16)
    out = al.Compose([al.volume.RandomAffine(),
                      al.volume.RandomElasticDeformation(control_points=5, max_displacement=2),
                      al.volume.RandomRotate90()], seed=0)(volume=ct, volume_mask=m.astype(bool))
    assert out["volume"].dtype == np.int16 and out["volume_mask"].dtype == np.bool_
    assert out["volume"].min() >= ct.min() and out["volume"].max() <= ct.max()


# real files --------------------------------------------------------------------------------

def test_read_volume_reads_real_nifti_files_and_they_augment() -> None:
    anat = al.volume.read_volume(NIFTI / "anatomical.nii")
    assert anat.array.shape == (33, 41, 25) and anat.array.dtype == np.float32
    assert anat.spacing == (2.0, 2.0, 2.0) and anat.affine.shape == (4, 4)
    four = al.volume.read_volume(NIFTI / "example4d.nii.gz")
    assert four.array.shape == (128, 96, 24, 2) and four.spacing[2] == pytest.approx(2.2, abs=1e-5)
    labels = al.volume.read_volume(NIFTI / "standard.nii.gz", labels=True)
    assert labels.array.dtype == np.int16 and labels.spacing == (1.0, 3.0, 2.0)
    mask = (anat.array > np.percentile(anat.array, 70)).astype(np.uint8)
    pipe = al.Compose([al.volume.RandomRotate90(planes=[[0, 2]]),
                       al.volume.RandomAffine(interpolation="nearest"),
                       al.volume.RandomElasticDeformation(max_displacement=4.0, interpolation="nearest"),
                       al.volume.RandomBiasField(), al.volume.RandomGhosting(),
                       al.volume.RandomCrop(size=(20, 24, 20))], seed=0)
    for i in range(3):
        out = pipe(volume=anat.array, volume_mask=mask, spacing=anat.spacing, sample_id=i)
        assert out["volume"].shape == out["volume_mask"].shape == (20, 24, 20)
        assert out["spacing"] == (2.0, 2.0, 2.0)
        assert out["volume_mask"].any()
    crop = al.Compose([al.volume.RandomFlip(), al.volume.RandomCrop(size=(64, 64, 16))], seed=0)
    out = crop(volume=four.array, spacing=four.spacing, sample_id=0)
    assert out["volume"].shape == (64, 64, 16, 2)


def test_read_volume_names_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        al.volume.read_volume(tmp_path / "missing.nii")
    bad = tmp_path / "bad.nii.gz"
    bad.write_bytes(b"not a volume at all")
    with pytest.raises(DataError, match=r"bad.nii.gz: cannot read this volume file"):
        al.volume.read_volume(bad)
    nan = tmp_path / "nan.nii"
    nibabel.save(nibabel.Nifti1Image(np.full((2, 2, 2), np.nan, np.float32), np.eye(4)), str(nan))
    with pytest.raises(DataError, match="NaN or inf"):
        al.volume.read_volume(nan)


HOSTILE = [None, True, "", "nan", "minimum", -1, 0, 2**63, 10**400, float("nan"), float("inf"), -1e308,
           1.5, [], [1], [1, 2, 3, 4], [[0, 1]], [[1, 0]], ["a", "b"], {"a": 1}, [0.5, 0.25], [3, 2]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_config_values_are_invalid_config_or_work(name: str) -> None:
    """Every argument, given values of the wrong type or range, is refused as InvalidConfig (a
    config file cannot crash a constructor with anything else) or builds a working transform."""
    params = [k for k in inspect.signature(al.registry.get(name)).parameters if k != "self"]
    fields = _fields()
    for key in params:
        for value in HOSTILE:
            try:
                t = al.Transform.from_config({"name": name, **CASES[name], key: value})
            except InvalidConfig:
                continue
            with contextlib.suppress(InvalidInput):  # a value that only this volume refuses
                al.Compose([t], seed=0)(sample_id=0, **fields)


def test_outputs_over_the_limit_are_refused_before_any_memory_is_taken() -> None:
    v = np.zeros((8, 8, 8), np.float32)
    with pytest.raises(InvalidConfig, match="must be <= 8192"):
        al.volume.Pad(size=100_000)
    with pytest.raises(InvalidInput, match="the output would be 8000x8000x8000 voxels"):
        al.volume.Pad(size=8000)(volume=v, seed=0)
    with pytest.raises(InvalidInput, match="over the limit"):
        al.volume.Resample(spacing=1e-3)(volume=v)


@pytest.mark.parametrize("name", ["volume.RandomGamma", "volume.RandomBlur", "volume.RandomBiasField",
                                  "volume.RandomGhosting", "volume.RandomMotion", "volume.RandomAffine",
                                  "volume.RandomElasticDeformation"])
def test_channels_are_transformed_alike_and_apart(name: str) -> None:
    v = np.random.default_rng(2).random((10, 12, 14, 2)).astype(np.float32) + 0.1
    # (a fill of "minimum" is the minimum over all channels, as TorchIO's RandomAffine takes it)
    pipe = _pipe(name, seed=5, **({"fill": 0.0} if "fill" in inspect.signature(al.registry.get(name)).parameters
                                  else {}))
    both = pipe(volume=v, sample_id=0)["volume"]
    for c in range(2):
        alone = pipe(volume=np.ascontiguousarray(v[..., c]), sample_id=0)["volume"]
        np.testing.assert_allclose(both[..., c], alone, rtol=1e-6, atol=1e-6)


def test_a_header_without_its_data_file_names_the_missing_one(tmp_path) -> None:  # noqa: ANN001
    """nibabel's analyze.hdr ships without its .img: the message said "no such file" of the
    .hdr, which is there."""
    import shutil

    import nibabel

    from augmentlab.errors import DataError
    from augmentlab.volume import read_volume

    data = Path(nibabel.__file__).parent / "tests" / "data"
    shutil.copy(data / "analyze.hdr", tmp_path / "scan.hdr")
    with pytest.raises(DataError, match=r"scan\.img is missing"):
        read_volume(tmp_path / "scan.hdr")
