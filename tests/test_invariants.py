"""The shared invariant suite, run over every registered transform (ARCHITECTURE.md, "The core contract")."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from tests.conftest import CASES, NEEDS_RGB, build, is_native

import augmentlab as al

NAMES = sorted(CASES)


def _inputs(photo: np.ndarray, dtype: str, channels: int) -> dict:
    img = photo if channels == 3 else photo[:, :, 1].copy()
    if dtype == "float32":
        img = img.astype(np.float32) / 255
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    mask[10:40, 20:60] = 1
    return {
        "image": img,
        "mask": mask,
        "bboxes": al.BBoxes([[20, 10, 60, 40], [5, 5, 15, 25]], format="pascal_voc",
                            labels=["a", "b"]),
        "keypoints": al.KeyPoints([[30, 20], [70, 50]], labels=["p", "q"]),
        "label": 3,
        "filename": "x.png",
    }


def _pipe(name: str, seed: int = 11, fuse: bool = True) -> al.Compose:
    return al.Compose([build(name)], seed=seed, fuse=fuse)


def _same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for key in a:
        va, vb = a[key], b[key]
        if isinstance(va, np.ndarray):
            assert va.dtype == vb.dtype and va.shape == vb.shape
            assert va.tobytes() == vb.tobytes(), key
        elif isinstance(va, (al.BBoxes, al.KeyPoints)):
            assert np.array_equal(va.array, vb.array) and list(va.labels) == list(vb.labels)
        else:
            assert va == vb


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("dtype", "channels"), [("uint8", 3), ("float32", 3), ("uint8", 1),
                                                 ("float32", 1)])
def test_contract(name: str, dtype: str, channels: int, small_photo: np.ndarray) -> None:
    fields = _inputs(small_photo, dtype, channels)
    if channels == 1 and name in NEEDS_RGB:
        with pytest.raises(al.errors.InvalidInput, match="channel"):
            _pipe(name)(sample_id=0, **fields)
        return
    before = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in fields.items()}
    boxes_before = fields["bboxes"].array.copy()
    pipe = _pipe(name)
    outs = [pipe(sample_id=i, copy=c, **fields) for i in range(3) for c in range(2)]

    # input never mutated
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(fields[key], value), f"{name} mutated {key}"
    assert np.array_equal(fields["bboxes"].array, boxes_before)

    for out in outs:
        # same seed, same sample, same copy -> same bytes (a fresh pipeline object, too)
        again = _pipe(name)(sample_id=out.record.sample_id, copy=out.record.copy, **fields)
        _same(out, again)
        # replay from the record, after a JSON round trip of the record
        record = al.Record.from_json(out.record.to_json())
        _same(out, pipe.replay(record, **fields))
        # dtype and value range kept; passthrough keys untouched
        img = out["image"]
        if not build(name).changes_dtype and name != "Compose":
            assert img.dtype == fields["image"].dtype
            if img.dtype == np.float32:
                assert np.isfinite(img).all() and img.min() >= 0 and img.max() <= 1
        assert img.ndim == fields["image"].ndim
        assert out["mask"].dtype == np.uint8 and out["mask"].shape[:2] == img.shape[:2]
        assert out["label"] == 3 and out["filename"] == "x.png"
        assert len(out["bboxes"].labels) == len(out["bboxes"].array)
        assert len(out["keypoints"].labels) == len(out["keypoints"].array)


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip(name: str, small_photo: np.ndarray) -> None:
    pipe = _pipe(name)
    for text in (pipe.to_json(), pipe.to_yaml()):
        loaded = al.load_pipeline(text)
        assert loaded.get_config() == pipe.get_config()
        assert loaded.config_hash == pipe.config_hash
        fields = _inputs(small_photo, "uint8", 3)
        _same(pipe(sample_id=5, **fields), loaded(sample_id=5, **fields))
    # params are JSON-native: exactly Python's own types (a transform that claims
    # native_params skips the runner's conversion, so its claim is checked here)
    out = pipe(sample_id=1, **_inputs(small_photo, "uint8", 3))
    for step in out.record.steps:
        assert is_native(step.params), (step.name, step.params)
        assert json.loads(json.dumps(step.params)) == step.params
        assert yaml.safe_load(yaml.safe_dump(step.params)) == step.params


@pytest.mark.parametrize("name", NAMES)
def test_fused_equals_step_by_step_for_single_transforms(name: str, small_photo: np.ndarray) -> None:
    fields = _inputs(small_photo, "uint8", 3)
    fused = _pipe(name, fuse=True)(sample_id=2, **fields)
    steps = _pipe(name, fuse=False)(sample_id=2, **fields)
    if not isinstance(build(name), al.core.BaseCompose):
        _same(fused, steps)  # one transform: nothing to fuse, so exactly the same bytes
        return
    # containers may chain several warps: equal up to interpolation error (see test_fusion.py)
    diff = np.abs(fused["image"].astype(int) - steps["image"].astype(int)).mean()
    assert diff <= 2.0
    np.testing.assert_allclose(fused["bboxes"].array, steps["bboxes"].array, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_probability_zero_is_identity(name: str, small_photo: np.ndarray) -> None:
    t = al.Transform.from_config({"name": name, **CASES[name], "p": 0.0})
    fields = _inputs(small_photo, "uint8", 3)
    out = al.Compose([t], seed=1)(sample_id=0, **fields)
    assert np.array_equal(out["image"], fields["image"])
    assert np.array_equal(out["bboxes"].array, fields["bboxes"].array)
