"""Fusion never changes meaning: fused and step-by-step pipelines agree on real photos."""

from __future__ import annotations

import numpy as np

import augmentlab as al


def _fields(photo: np.ndarray) -> dict:
    return {"image": photo, "bboxes": [[40, 50, 180, 200], [10, 10, 60, 90]],
            "keypoints": [[100, 120], [30, 40], [200, 60]]}


# Step-by-step runs interpolate once per resampling step, fused runs once in all; so the bound of
# 2 grey levels applies to pipelines with one resampling step among exact ones (flips, quarter turns,
# integer crops). Two resampling steps in a row blur the step-by-step result by about as much on
# their own (measured: two 1%-shifts differ by 1.97 on the astronaut photo), and fusion removes it.
PIPELINES = [
    [al.HorizontalFlip(p=0.5), al.Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, p=1.0),
     al.RandomCrop(height=200, width=200)],
    [al.RandomRotate90(), al.Transpose(p=0.5), al.ShiftScaleRotate(p=1.0),
     al.CenterCrop(height=180, width=180)],
    [al.VerticalFlip(p=0.5), al.RandomResizedCrop(size=(160, 160), scale=(0.5, 1.0)),
     al.HorizontalFlip(p=0.5)],
    [al.RandomRotate90(), al.Perspective(scale=(0.02, 0.05), p=1.0), al.CenterCrop(height=200, width=200)],
    [al.BrightnessContrast(), al.RandomGamma(p=1.0), al.Solarize(threshold=(0.8, 0.9), p=1.0), al.Invert(p=0.5),
     al.Posterize(num_bits=(5, 7), p=1.0), al.RGBShift(p=1.0)],
]


def test_fused_matches_step_by_step_on_real_photos(photos: list[np.ndarray]) -> None:
    for transforms in PIPELINES:
        fused = al.Compose(transforms, seed=7, fuse=True)
        steps = al.Compose(transforms, seed=7, fuse=False)
        for photo in photos:
            for sid in range(4):
                a = fused(sample_id=sid, **_fields(photo))
                b = steps(sample_id=sid, **_fields(photo))
                # same params were drawn: fusion changes only how pixels are computed
                assert [s.params for s in a.record.steps] == [s.params for s in b.record.steps]
                assert a["image"].shape == b["image"].shape
                diff = np.abs(a["image"].astype(np.int16) - b["image"].astype(np.int16)).mean()
                assert diff <= 2.0, (transforms, diff)
                np.testing.assert_allclose(a["bboxes"], b["bboxes"], atol=1e-4)
                np.testing.assert_allclose(a["keypoints"], b["keypoints"], atol=1e-4)


def test_lut_fusion_is_exactly_one_table_when_curves_do_not_clip(photos: list[np.ndarray]) -> None:
    pipe = [al.Invert(), al.Posterize(num_bits=4, p=1.0), al.Invert()]
    a = al.Compose(pipe, seed=0)(image=photos[0])
    b = al.Compose(pipe, seed=0, fuse=False)(image=photos[0])
    assert np.array_equal(a["image"], b["image"])


def test_fusion_warps_once(photos: list[np.ndarray], monkeypatch) -> None:  # noqa: ANN001
    import augmentlab.image.spatial.fusion as compose  # the module that calls warp_sample

    calls = []
    real = compose.warp_sample
    monkeypatch.setattr(compose, "warp_sample", lambda *a, **k: calls.append(1) or real(*a, **k))
    al.Compose(PIPELINES[0], seed=1)(image=photos[0])
    assert len(calls) == 1


def test_a_step_never_brings_back_what_an_earlier_step_cut(photos: list[np.ndarray]) -> None:
    """A crop then a pad shows fill where the crop cut, not the cut pixels (one warp of the two
    would show them): fused equals step by step exactly, masks and boxes too. (A turn after a
    turn stays fused: test_from_albumentations's Affine+shear is one warp in two steps.)"""
    rows = np.arange(100)[:, None].repeat(100, 1).astype(np.uint8)  # each pixel: its row
    cases = [
        [al.CenterCrop(20, 100), al.PadIfNeeded(60, 100, border_mode="constant", fill=0)],
        [al.RandomCrop(height=50, width=50), al.Rotate(limit=(30, 30), p=1.0)],
        [al.RandomResizedCrop(size=(60, 60), scale=(0.3, 0.5)), al.Rotate(limit=(20, 20), p=1.0)],
        [al.CenterCrop(60, 60), al.Affine(scale=0.5, p=1.0)],
    ]
    for steps in cases:
        outs = [al.Compose(steps, seed=0, fuse=fuse)(
            image=rows, mask=rows.copy(), bboxes=[[0, 0, 100, 100]], sample_id=1)
            for fuse in (True, False)]
        for key in ("image", "mask"):
            assert np.array_equal(outs[0][key], outs[1][key]), (steps, key)
        np.testing.assert_allclose(outs[0]["bboxes"], outs[1]["bboxes"], atol=1e-6)
    out = al.Compose(cases[0], seed=0)(image=rows)["image"]
    assert (out[:20] == 0).all() and (out[40:] == 0).all() and out[20, 0] == 40  # rows 40-59 kept
