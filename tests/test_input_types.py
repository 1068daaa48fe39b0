"""The image types people have: numpy HWC, torch tensors (CHW) and PIL images in, the same type
and layout out; channels-first numpy arrays refused unless declared; ToTensorV2 last."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.errors import InvalidConfig, InvalidInput

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")

RNG = np.random.default_rng(0)
HWC = RNG.integers(0, 256, (40, 52, 3), dtype=np.uint8)
MASK = (RNG.random((40, 52)) > 0.5).astype(np.uint8)


def _pipe() -> al.Compose:
    return al.Compose([al.Affine(rotate=(-20, 20), scale=(0.9, 1.1), p=1.0),
                       al.BrightnessContrast(p=1.0), al.GaussNoise(p=1.0)], seed=3)


def _reference(**fields: object) -> al.Sample:
    return _pipe()(sample_id=7, **fields)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_tensor_chw_in_tensor_chw_out_same_pixels_as_numpy(dtype: str) -> None:
    image = HWC if dtype == "uint8" else HWC.astype(np.float32) / 255
    tensor = torch.from_numpy(image.transpose(2, 0, 1).copy())
    out = _pipe()(image=tensor, mask=torch.from_numpy(MASK), sample_id=7)
    ref = _reference(image=image, mask=MASK)
    assert isinstance(out["image"], torch.Tensor) and out["image"].dtype == tensor.dtype
    assert tuple(out["image"].shape) == (3, 40, 52)
    assert np.array_equal(out["image"].numpy().transpose(1, 2, 0), ref["image"])
    assert isinstance(out["mask"], torch.Tensor) and np.array_equal(out["mask"].numpy(), ref["mask"])


def test_grey_tensor_and_replay_with_tensors() -> None:
    grey = torch.from_numpy(HWC[:, :, 0].copy())
    out = _pipe()(image=grey)
    assert tuple(out["image"].shape) == (40, 52)
    again = _pipe().replay(out.record, image=grey)
    assert torch.equal(again["image"], out["image"])


@pytest.mark.parametrize(("tensor", "match"), [
    (torch.zeros((2, 3, 8, 8), dtype=torch.uint8), "one image per call"),
    (torch.zeros((64, 48, 3), dtype=torch.uint8), "looks channels-last"),
    (torch.zeros((3, 8, 8), dtype=torch.float64), "float64"),
])
def test_tensors_we_cannot_read_are_refused(tensor: object, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        _pipe()(image=tensor)


def test_pil_in_pil_out() -> None:
    for mode, arr in (("RGB", HWC), ("L", HWC[:, :, 0])):
        out = _pipe()(image=Image.fromarray(arr), sample_id=7)
        assert isinstance(out["image"], Image.Image) and out["image"].mode == mode
        assert np.array_equal(np.asarray(out["image"]), _reference(image=arr)["image"])


def test_pil_palette_mask_keeps_its_indices_and_palette() -> None:
    mask = Image.fromarray(MASK * 3)
    mask.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] * 64)
    out = al.Compose([al.HorizontalFlip(p=1.0)])(image=HWC, mask=mask)
    assert out["mask"].mode == "P" and out["mask"].getpalette()[:6] == [0, 0, 0, 255, 0, 0]
    assert np.array_equal(np.asarray(out["mask"]), (MASK * 3)[:, ::-1])


def test_pil_modes_we_cannot_read_are_refused() -> None:
    with pytest.raises(InvalidInput, match="convert"):
        _pipe()(image=Image.fromarray(HWC).convert("CMYK"))


def test_channels_first_numpy_is_refused_with_a_way_out() -> None:
    chw = HWC.transpose(2, 0, 1).copy()  # (3, 40, 52): read as HWC it is 3 pixels high
    with pytest.raises(InvalidInput, match="channels-first.*image_layout='CHW'"):
        _pipe()(image=chw)
    pipe = al.Compose([al.HorizontalFlip(p=1.0)], image_layout="CHW")
    out = pipe(image=chw)
    assert out["image"].shape == chw.shape and np.array_equal(out["image"], chw[:, :, ::-1])
    # declared HWC: a 3-pixel-high strip with 52 channels is what the caller says it is
    strip = al.Compose([al.VerticalFlip(p=1.0)], image_layout="HWC")(image=chw)["image"]
    assert np.array_equal(strip, chw[::-1])


def test_ordinary_small_images_are_not_mistaken_for_channels_first() -> None:
    for shape in [(3, 64, 3), (4, 4, 4), (64, 3, 3), (1, 5, 1)]:
        img = np.zeros(shape, np.uint8)
        assert _pipe()(image=img)["image"].shape == shape


def test_to_tensor_v2_is_the_last_step() -> None:
    pipe = al.Compose([al.HorizontalFlip(p=1.0), al.ToTensorV2()], seed=0)
    out = pipe(image=HWC, mask=MASK)
    assert tuple(out["image"].shape) == (3, 40, 52) and out["image"].dtype == torch.uint8
    assert tuple(out["mask"].shape) == (40, 52)
    assert np.array_equal(out["image"].numpy().transpose(1, 2, 0), HWC[:, ::-1])
    stacked = al.Compose([al.ToTensorV2(transpose_mask=True)])(image=HWC, mask=np.dstack([MASK, MASK]))
    assert tuple(stacked["mask"].shape) == (2, 40, 52)
    assert al.load_pipeline(pipe.to_yaml()).config_hash == pipe.config_hash
    with pytest.raises(InvalidConfig, match="last step"):
        al.Compose([al.ToTensorV2(), al.HorizontalFlip()])
    with pytest.raises(InvalidConfig, match="last step"):
        al.Compose([al.OneOf([al.ToTensorV2()]), al.HorizontalFlip()])


def test_normalize_then_to_tensor_gives_float_chw() -> None:
    pipe = al.Compose([al.Normalize(p=1.0), al.ToTensorV2()])
    out = pipe(image=Image.fromarray(HWC))
    assert out["image"].dtype == torch.float32 and tuple(out["image"].shape) == (3, 40, 52)
