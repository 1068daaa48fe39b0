"""16-bit and multispectral images through every image transform: each one either takes uint16
on its own range (0..65535, never divided by 255, no wrap-around, 16 bits of detail kept) or
refuses it up front by name; every transform that does not need RGB takes any number of
channels; averaging filters take float images of any range."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.core import registry
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import InvalidInput
from conftest import CASES, build

# transforms whose 16-bit result is not the float one times 65535, and what it is instead
OWN_16_BIT = {"Equalize"}  # a histogram on 65,536 levels where float uses 256
QUANTISERS = {"Posterize", "Faxify"}  # keep fewer bits by design (Faxify: black and white)
NEEDS_RGB = {"HueSaturationValue", "ISONoise", "RGBShift", "ToGray", "Normalize", "ToSepia",
             "RandomSnow", "ChromaticAberration", "PlanckianJitter", "Spatter"}
NOT_SAMPLES = {"ClassBalanced"}  # needs a label with each sample (tests/test_policies.py)
NEEDS_MASK = {"CropNonEmptyMaskIfExists"}


def _run(t: al.Transform, name: str, image: np.ndarray) -> np.ndarray:
    """`t` on `image` (with an empty mask beside it for the transforms that read one)."""
    extra = {"mask": np.zeros(image.shape[:2], np.uint8)} if name in NEEDS_MASK else {}
    return t(image=image, seed=1, sample_id=0, **extra)["image"]


def _takes_images(name: str) -> bool:
    cls = registry.get(name)
    fields = cls.fields
    return name not in NOT_SAMPLES and (isinstance(fields, property) or "image" in fields or
                                        not fields)  # containers: their children decide


IMAGE_CASES = sorted(n for n in CASES if _takes_images(n))


@pytest.fixture(scope="module")
def photo16() -> np.ndarray:
    """A real photo with 16 bits of detail: every value, not only multiples of 257."""
    photo = sample_photos(96)[0][1][16:80, 8:88]
    noise = np.random.default_rng(0).integers(0, 257, photo.shape)
    return (photo.astype(np.uint16) * 257 + noise).astype(np.uint16).clip(0, 65535)


def _claims_uint16(transform: al.Transform) -> bool:
    leaves = [leaf for leaf in transform.leaves() if "image" in leaf.fields] \
        if hasattr(transform, "leaves") else [transform]
    return all("uint16" in leaf.image_dtypes for leaf in leaves)


@pytest.mark.parametrize("name", IMAGE_CASES)
def test_uint16_on_its_own_range_or_refused_by_name(name: str, photo16: np.ndarray) -> None:
    t = build(name)
    if not _claims_uint16(t):
        with pytest.raises(InvalidInput, match=r"does not take uint16 images \(.+\).*convert"):
            _run(t, name, photo16)
        return
    out = _run(t, name, photo16)
    if name == "Normalize":
        assert out.dtype == np.float32
        return
    assert out.dtype == np.uint16 and out.shape[2:] == photo16.shape[2:]
    as_float = _run(t, name, photo16.astype(np.float32) / 65535)
    if name not in OWN_16_BIT:
        # the same picture as the float path: a division by 255 or a wrap-around is far off
        diff = np.abs(out.astype(np.float64) - as_float.astype(np.float64) * 65535)
        assert diff.max() <= 2.0, f"{name}: {diff.max():.1f} levels from the float result"
    if name not in QUANTISERS:
        # 16 bits of detail kept: an 8-bit round trip leaves only multiples of 257
        assert (out % 257 != 0).mean() > 0.5, f"{name} lost the low byte"


def test_a_refusing_step_refuses_before_anything_runs(photo16: np.ndarray) -> None:
    pipe = al.Compose([al.HorizontalFlip(p=1.0), al.JpegCompression(p=0.0)])
    with pytest.raises(InvalidInput, match="JpegCompression does not take uint16 images "
                                           r"\(JPEG holds 8 bits per channel\)"):
        pipe(image=photo16, seed=0)  # p=0: refused all the same, not only when drawn


def test_16_bit_equalisation_spreads_all_65536_levels_in_rank_order(photo16: np.ndarray) -> None:
    grey = photo16[:, :, 1]
    out = al.Equalize(p=1.0)(image=grey)["image"]
    assert out.dtype == np.uint16 and out.min() == 0 and out.max() == 65535
    order = np.argsort(grey.ravel(), kind="stable")
    assert (np.diff(out.ravel()[order].astype(np.int64)) >= 0).all()  # ranks kept
    assert len(np.unique(out)) > 1000  # not 256 levels
    # an even spread: each quarter of the range holds about a quarter of the pixels
    quarters = np.histogram(out, bins=4, range=(0, 65536))[0] / out.size
    assert np.allclose(quarters, 0.25, atol=0.03)


def test_normalize_reads_uint16_on_its_range_and_refuses_the_8_bit_default(photo16: np.ndarray) -> None:
    out = al.Normalize(mean=0.0, std=1.0, max_pixel_value=None)(image=photo16)["image"]
    assert np.allclose(out, photo16 / 65535, atol=1e-6)
    twelve_bit = (photo16 >> 4).astype(np.uint16)
    out = al.Normalize(mean=0.0, std=1.0, max_pixel_value=4095)(image=twelve_bit)["image"]
    assert np.allclose(out, twelve_bit / 4095, atol=1e-6)
    with pytest.raises(InvalidInput, match="max_pixel_value=255 on a uint16 image"):
        al.Normalize()(image=photo16)


@pytest.mark.parametrize("fill", [300, 70000, -5])
def test_dropout_fill_saturates_instead_of_wrapping(fill: int) -> None:
    t = al.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
                         hole_width_range=(0.5, 0.5), fill=fill, p=1.0)
    for dtype, top in ((np.uint8, 255), (np.uint16, 65535)):
        out = t(image=np.full((8, 8), 9, dtype), seed=0)["image"]
        assert set(np.unique(out).tolist()) == {9, int(np.clip(fill, 0, top))}


def test_dropout_random_fill_spans_the_16_bit_range() -> None:
    t = al.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
                         hole_width_range=(0.5, 0.5), fill="random", p=1.0)
    out = t(image=np.zeros((64, 64), np.uint16), seed=0)["image"]
    assert out.max() > 60000 and (out[out > 0] % 257 != 0).any()


def test_salt_is_white_in_the_dtype_range() -> None:
    t = al.SaltAndPepper(amount=(1, 1), salt_vs_pepper=(1, 1), p=1.0)
    assert t(image=np.zeros((4, 4), np.uint16))["image"].min() == 65535


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float32"])
@pytest.mark.parametrize("name", IMAGE_CASES)
def test_any_number_of_channels(name: str, dtype: str) -> None:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (48, 56, 13)).astype(np.uint8)
    image = {"uint8": image, "uint16": image.astype(np.uint16) * 257,
             "float32": image.astype(np.float32) / 255}[dtype]
    t = build(name)
    if name in NEEDS_RGB:
        with pytest.raises(InvalidInput, match="3-channel|3 values"):
            _run(t, name, image)
        return
    if dtype == "uint16" and not _claims_uint16(t):
        return  # refused by name: the test above
    out = _run(t, name, image)
    assert out.shape[2] == 13
    assert out.dtype == (np.float32 if name == "Normalize" else image.dtype)


def test_per_channel_brightness_moves_each_band_apart() -> None:
    bands = np.full((16, 16, 13), 30000, np.uint16)
    t = al.BrightnessContrast(brightness_limit=(-0.2, 0.2), contrast_limit=0, per_channel=True)
    out = t(image=bands, seed=5)["image"]
    levels = out[0, 0].astype(int)
    assert len(set(levels.tolist())) == 13
    assert (np.abs(levels - 30000) <= 0.2 * 65535 + 1).all()
    assert (out == out[:1, :1]).all()  # one shift per band, the same at every pixel
    again = al.BrightnessContrast.from_config(t.get_config())(image=bands, seed=5)["image"]
    assert np.array_equal(out, again)


@pytest.mark.parametrize("name", ["Blur", "GaussianBlur", "MedianBlur", "MotionBlur", "Defocus"])
def test_averaging_filters_take_float_images_of_any_range(name: str) -> None:
    # e.g. a depth map in metres or an image already normalised to mean 0
    image = np.random.default_rng(1).normal(0, 50, (32, 32, 2)).astype(np.float32)
    out = build(name)(image=image, seed=0)["image"]
    assert out.min() < -1 and out.max() > 2  # not clipped to [0, 1]
    assert out.min() >= image.min() - 1e-3 and out.max() <= image.max() + 1e-3


def test_sharpen_still_refuses_a_float_image_outside_0_1() -> None:
    with pytest.raises(InvalidInput, match=r"must hold values in \[0, 1\] for Sharpen"):
        al.Sharpen(p=1.0)(image=np.full((8, 8), 40.0, np.float32))


def test_pil_16_bit_grey_comes_back_as_pil_16_bit() -> None:
    from PIL import Image

    values = (np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000)
    out = al.HorizontalFlip(p=1.0)(image=Image.fromarray(values))["image"]
    assert isinstance(out, Image.Image) and out.mode == "I;16"
    assert np.array_equal(np.array(out), values[:, ::-1])
