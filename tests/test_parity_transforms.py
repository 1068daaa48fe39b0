"""What the transforms added for Albumentations parity do: D4, ToSepia, RandomToneCurve,
UnsharpMask, Morphological, ImageCompression, ChannelDropout, PixelDropout, XYMasking; each
checked against Albumentations' own kernel where one exists, or against its definition."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.image.geometric import D4_ELEMENTS
from augmentlab.image.tone import tone_curve

A = pytest.importorskip("albumentations")


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return np.ascontiguousarray(sample_photos(96)[1][1][8:72, 0:90])  # 64 x 90: not square


def test_d4_is_albumentations_d4_for_every_element_with_boxes_and_masks(photo: np.ndarray) -> None:
    from albumentations.augmentations.geometric import functional as fgeo

    mask = np.zeros(photo.shape[:2], np.uint8)
    mask[10:30, 20:50] = 1
    box = [20, 10, 50, 30]  # the mask's box, pascal_voc (x1, y1 exclusive)
    pipe = al.Compose([al.D4()], bbox_format="pascal_voc")
    seen = set()
    for sample_id in range(60):
        out = pipe(image=photo, mask=mask, bboxes=[box], sample_id=sample_id, seed=0)
        element = out.record.steps[-1].params["element"]
        seen.add(element)
        assert np.array_equal(out["image"], fgeo.d4(photo, element)), element
        assert np.array_equal(out["mask"], fgeo.d4(mask, element)), element
        ys, xs = np.nonzero(out["mask"])
        assert np.allclose(out["bboxes"][0], [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
    assert seen == set(D4_ELEMENTS)


def test_to_sepia_is_albumentations_to_sepia(photo: np.ndarray) -> None:
    theirs = A.ToSepia(p=1.0)(image=photo)["image"]
    ours = al.ToSepia(p=1.0)(image=photo)["image"]
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1
    grey = photo[:, :, 0]
    assert np.array_equal(al.ToSepia(p=1.0)(image=grey)["image"], grey)
    with pytest.raises(InvalidInput, match="ToSepia: needs a 3-channel image"):
        al.ToSepia(p=1.0)(image=np.zeros((8, 8, 4), np.uint8))


@pytest.mark.parametrize(("low", "high"), [(0.25, 0.75), (0.1, 0.9), (0.4, 0.5)])
def test_tone_curve_is_albumentations_curve(photo: np.ndarray, low: float, high: float) -> None:
    from albumentations.augmentations.pixel import functional as fpix

    theirs = fpix.move_tone_curve(photo, low, high)
    ours = al.RandomToneCurve(p=1.0).apply_image(photo, {"low": low, "high": high})
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1
    ramp = np.linspace(0, 1, 11)
    assert np.allclose(tone_curve(ramp, 1 / 3, 2 / 3), ramp)  # the identity's control heights


def test_per_channel_tone_curves_differ_and_replay(photo: np.ndarray) -> None:
    t = al.Compose([al.RandomToneCurve(scale=0.2, per_channel=True, p=1.0)], seed=3)
    out = t(image=photo, sample_id=7)
    params = out.record.steps[-1].params
    assert len(params["low"]) == 3 and len(set(params["low"])) == 3
    assert np.array_equal(t.replay(out.record, image=photo)["image"], out["image"])


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_unsharp_mask_is_albumentations_unsharp_mask(photo: np.ndarray, dtype: str) -> None:
    from albumentations.augmentations.pixel import functional as fpix

    image = photo if dtype == "uint8" else photo.astype(np.float32) / 255
    params = {"ksize": 5, "sigma": 1.2, "alpha": 0.4}
    ours = al.UnsharpMask(threshold=10, p=1.0).apply_image(image, params)
    theirs = fpix.unsharp_mask(photo.astype(np.float32) / 255, 5, 1.2, 0.4, 10)
    ours_f = ours.astype(np.float32) / (255 if dtype == "uint8" else 1)
    assert np.abs(ours_f - theirs).max() <= (1 / 255 + 1e-6 if dtype == "uint8" else 1e-5)
    assert ours.dtype == image.dtype
    # it sharpens: more high-frequency energy than the input
    lap = [np.abs(cv2.Laplacian(x.astype(np.float32), cv2.CV_32F)).mean() for x in (image, ours)]
    assert lap[1] > lap[0]


@pytest.mark.parametrize("operation", ["dilation", "erosion"])
def test_morphological_grows_or_shrinks_strokes(operation: str) -> None:
    page = np.full((40, 40), 255, np.uint8)
    page[18:22, 5:35] = 0  # a dark stroke on white paper
    out = al.Morphological(scale=(5, 5), operation=operation, p=1.0)(image=page)["image"]
    dark_before, dark_after = int((page == 0).sum()), int((out == 0).sum())
    # dilation grows the bright paper (strokes thin), erosion grows the dark stroke
    assert dark_after < dark_before if operation == "dilation" else dark_after > dark_before
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    expected = (cv2.dilate if operation == "dilation" else cv2.erode)(page, element)
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("kind", ["jpeg", "webp"])
def test_image_compression_degrades_with_lower_quality(photo: np.ndarray, kind: str) -> None:
    errors = []
    for q in (90, 50, 10):
        t = al.ImageCompression(compression_type=kind, quality_range=(q, q), p=1.0)
        out = t(image=photo)["image"]
        assert out.shape == photo.shape and out.dtype == np.uint8
        errors.append(float(np.abs(out.astype(int) - photo.astype(int)).mean()))
    assert 0 < errors[0] < errors[1] < errors[2]
    suffix = {"jpeg": ".jpg", "webp": ".webp"}[kind]
    flag = {"jpeg": cv2.IMWRITE_JPEG_QUALITY, "webp": cv2.IMWRITE_WEBP_QUALITY}[kind]
    ok, buf = cv2.imencode(suffix, cv2.cvtColor(photo, cv2.COLOR_RGB2BGR), [flag, 50])
    expected = cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    t = al.ImageCompression(compression_type=kind, quality_range=(50, 50), p=1.0)
    assert np.array_equal(t(image=photo)["image"], expected)
    with pytest.raises(InvalidConfig, match="compression_type"):
        al.ImageCompression(compression_type="png")


def test_channel_dropout_fills_whole_channels_and_keeps_one() -> None:
    bands = np.random.default_rng(0).integers(1, 255, (16, 16, 6), dtype=np.uint8)
    t = al.Compose([al.ChannelDropout(channel_drop_range=(2, 4), fill=0, p=1.0)], seed=0)
    counts = set()
    for i in range(30):
        out = t(image=bands, sample_id=i)["image"]
        dropped = [c for c in range(6) if (out[:, :, c] == 0).all()]
        kept = [c for c in range(6) if np.array_equal(out[:, :, c], bands[:, :, c])]
        assert len(dropped) + len(kept) == 6 and 2 <= len(dropped) <= 4
        counts.add(len(dropped))
    assert counts == {2, 3, 4}
    with pytest.raises(InvalidInput, match="at least one must stay"):
        al.ChannelDropout(channel_drop_range=(3, 3), p=1.0)(image=bands[:, :, :3])


def test_pixel_dropout_rate_mask_and_random_values() -> None:
    image = np.full((64, 64, 3), 200, np.uint8)
    mask = np.ones((64, 64), np.uint8)
    t = al.Compose([al.PixelDropout(dropout_prob=0.2, mask_drop_value=9, p=1.0)], seed=1)
    out = t(image=image, mask=mask, sample_id=0)
    dropped = (out["image"] == 0).all(axis=2)
    assert 0.17 < dropped.mean() < 0.23
    assert ((out["image"] == 0).any(axis=2) == dropped).all()  # whole pixels, not channels
    assert np.array_equal(out["mask"] == 9, dropped)  # the mask follows the image
    assert np.array_equal(t.replay(out.record, image=image, mask=mask)["image"], out["image"])
    per = al.PixelDropout(dropout_prob=0.2, per_channel=True, p=1.0)(image=image, seed=2)["image"]
    assert ((per == 0).any(axis=2) != (per == 0).all(axis=2)).any()  # channels apart
    noisy = al.PixelDropout(dropout_prob=0.5, drop_value=None, p=1.0)(
        image=np.zeros((64, 64), np.uint16), seed=3)["image"]
    assert noisy.max() > 60000 and 0.45 < (noisy > 0).mean() < 0.55


def test_xy_masking_draws_full_stripes_of_the_asked_widths() -> None:
    image = np.ones((40, 60), np.uint8)
    t = al.Compose([al.XYMasking(num_masks_x=(1, 2), mask_x_length=(3, 6), num_masks_y=1,
                                 mask_y_length=(4, 4), fill=0, fill_mask=7, p=1.0)], seed=0)
    for i in range(20):
        out = t(image=image, mask=np.zeros((40, 60), np.uint8), sample_id=i)
        holes = out.record.steps[-1].params["holes"]
        vertical = [h for h in holes if h[1] == 0 and h[3] == 40]
        horizontal = [h for h in holes if h[0] == 0 and h[2] == 60]
        assert 1 <= len(vertical) <= 2 and len(horizontal) == 1
        assert all(3 <= h[2] - h[0] <= 6 for h in vertical) and horizontal[0][3] - horizontal[0][1] == 4
        dark = out["image"] == 0
        assert np.array_equal(dark, out["mask"] == 7)
        for x0, y0, x1, y1 in holes:
            assert dark[y0:y1, x0:x1].all()
    with pytest.raises(InvalidConfig, match="nothing to mask"):
        al.XYMasking(num_masks_x=2)


def test_glass_blur_is_albumentations_fast_glass_blur_for_the_same_swaps(photo: np.ndarray) -> None:
    from albumentations.augmentations.blur import functional as fblur

    from augmentlab.core.rng import kernel_rng

    t = al.GlassBlur(sigma=0.8, max_delta=3, iterations=2, p=1.0)
    out = al.Compose([t], seed=4)(image=photo, sample_id=0)
    seed = out.record.steps[-1].params["seed"]
    n = (photo.shape[0] - 6) * (photo.shape[1] - 6)
    dxy = kernel_rng(seed).integers(-3, 3, (n, 2, 2))
    theirs = fblur.glass_blur(photo, 0.8, 3, 2, dxy, "fast")
    assert np.array_equal(out["image"], theirs)


def test_zoom_blur_averages_centred_zooms_like_albumentations(photo: np.ndarray) -> None:
    from albumentations.augmentations.blur import functional as fblur

    t = al.ZoomBlur(p=1.0)
    params = {"step": 0.02, "max_factor": 1.2}
    ours = t.apply_image(photo, params).astype(np.float64)
    theirs = fblur.zoom_blur(photo, np.arange(1.0, 1.2, 0.02)).astype(np.float64)
    # the same copies (the centre cut to whole pixels, enlarged); resized in uint8 here, in
    # float32 there: within a level
    assert np.abs(ours - theirs).max() <= 1
    cy, cx = photo.shape[0] // 2, photo.shape[1] // 2
    assert np.abs(ours[cy - 1:cy + 1, cx - 1:cx + 1] - theirs[cy - 1:cy + 1, cx - 1:cx + 1]).max() <= 3
    # more blur farther from the centre: the border moves most
    edge = np.abs(ours - photo)[:, :8].mean()
    centre = np.abs(ours - photo)[cy - 4:cy + 4, cx - 4:cx + 4].mean()
    assert edge > centre


def test_advanced_blur_is_albumentations_for_a_fixed_kernel(photo: np.ndarray) -> None:
    # degenerate ranges (beta within 1e-4 of 1: Albumentations wants 1 strictly inside) and no
    # noise: both libraries build the same kernel
    args = {"blur_limit": (7, 7), "sigma_x_limit": (2.0, 2.0), "sigma_y_limit": (0.6, 0.6),
            "rotate_limit": (30, 30), "beta_limit": (0.9999, 1.0001), "noise_limit": (1.0, 1.0)}
    theirs = A.AdvancedBlur(**args, p=1)(image=photo)["image"]
    ours = al.AdvancedBlur(**args, p=1.0)(image=photo, seed=0)["image"]
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1


def test_generalized_gaussian_kernels_have_their_shape() -> None:
    from augmentlab.image.filters import generalized_gaussian

    iso = generalized_gaussian(7, 1.5, 1.5, 0.0, 1.0)
    ax = np.arange(-3, 4.0)
    gauss = np.exp(-0.5 * (ax[:, None] ** 2 + ax[None, :] ** 2) / 1.5 ** 2)
    assert np.allclose(iso, gauss / gauss.sum(), atol=1e-7)
    wide_x = generalized_gaussian(9, 3.0, 0.5, 0.0, 1.0)
    assert wide_x.sum(axis=0).std() < wide_x.sum(axis=1).std()  # spread along x, not y
    turned = generalized_gaussian(9, 3.0, 0.5, 90.0, 1.0)
    assert np.allclose(turned, wide_x.T, atol=1e-6)  # a quarter turn swaps the axes
    flat = generalized_gaussian(9, 2.0, 2.0, 0.0, 4.0)  # beta > 1: a plateau with a sharp edge
    assert flat[4, 4] / flat[4, 2] < iso[3, 3] / iso[3, 1]
    noisy = generalized_gaussian(5, 1.0, 1.0, 0.0, 1.0, np.full((5, 5), 2.0))
    assert np.isclose(noisy.sum(), 1.0)
