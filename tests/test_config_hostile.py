"""Hostile pipeline files and arguments (issue 19): aliases, deep nesting, duplicate keys and
non-finite numbers are refused with InvalidConfig; numpy scalars are accepted."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.errors import InvalidConfig


def _bomb(levels: int) -> str:
    lines = ["augmentlab: 1", "defs:", "  - &a0 {name: HorizontalFlip}"]
    for k in range(1, levels + 1):
        kids = ", ".join([f"*a{k - 1}"] * 9)
        lines.append(f"  - &a{k} {{name: Compose, transforms: [{kids}]}}")
    lines.append(f"pipeline: *a{levels}")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_once() -> None:
    with pytest.raises(InvalidConfig, match="alias"):
        al.load_pipeline(_bomb(7))


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    deep = "augmentlab: 1\npipeline: " + "{name: Compose, transforms: [" * 3000 + "]}" * 3000 + "\n"
    with pytest.raises(InvalidConfig, match="deep"):
        al.load_pipeline(deep)


def test_duplicate_keys_are_refused_with_their_line() -> None:
    text = "augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n" \
           "    - {name: Rotate, limit: 10, limit: 90}\n"
    with pytest.raises(InvalidConfig, match=r"<text>:5: duplicate key 'limit'"):
        al.load_pipeline(text)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_non_finite_numbers_in_a_file_are_refused(value: str) -> None:
    text = ("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n"
            f"    - {{name: Affine, rotate: {value}}}\n")
    with pytest.raises(InvalidConfig, match="finite"):
        al.load_pipeline(text)


@pytest.mark.parametrize(("build", "match"), [
    (lambda: al.Affine(rotate=float("inf")), "finite"),
    (lambda: al.Affine(rotate=(0, float("nan"))), "NaN|finite"),
    (lambda: al.Rotate(limit=float("inf")), "finite"),
    (lambda: al.HorizontalFlip(p=float("nan")), "p="),
    (lambda: al.GaussNoise(std_range=(0.1, float("inf"))), "finite"),
    (lambda: al.Compose([], min_area=float("inf")), "finite"),
])
def test_non_finite_arguments_are_refused(build, match: str) -> None:  # noqa: ANN001
    with pytest.raises(InvalidConfig, match=match):
        build()


def test_numpy_scalars_are_accepted() -> None:
    pipe = al.Compose([al.HorizontalFlip(p=np.float32(1.0))], seed=np.int64(3))
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = pipe(image=img, sample_id=np.int64(5), copy=np.uint8(1))
    assert out.record.sample_id == 5 and type(out.record.sample_id) is int
    assert np.array_equal(out["image"], img[:, ::-1])
    assert al.load_pipeline(pipe.to_yaml()).config_hash == pipe.config_hash


def test_our_own_files_never_hold_aliases() -> None:
    shared = [0.1, 0.2]
    pipe = al.Compose([al.GaussNoise(std_range=shared, p=1.0), al.GaussNoise(std_range=shared)])
    text = pipe.to_yaml()
    assert "&" not in text and al.load_pipeline(text).config_hash == pipe.config_hash


@pytest.mark.parametrize("channels", [2, 4, 5])
def test_hue_saturation_value_refuses_images_that_are_not_rgb_or_grey(channels: int) -> None:
    img = np.zeros((8, 8, channels), np.uint8)
    with pytest.raises(al.errors.InvalidInput, match="3-channel"):
        al.HueSaturationValue(p=1.0)(image=img)


def test_color_jitter_on_five_channels_is_an_image_not_a_cv2_error() -> None:
    img = np.full((8, 8, 5), 100, np.uint8)
    img[:, :, 4] = 200
    out = al.ColorJitter(brightness=0, contrast=(0.5, 0.5), saturation=0, hue=0, p=1.0)(image=img)
    # contrast about the mean over every channel (120): 100 -> 110, 200 -> 160
    assert out["image"][0, 0].tolist() == [110, 110, 110, 110, 160]
