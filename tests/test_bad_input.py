"""Bad input gets a typed error that names the field or argument and the rule it broke."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
from augmentlab.errors import InvalidConfig, InvalidInput

IMG = np.zeros((20, 30, 3), np.uint8)
PIPE = al.Compose([al.HorizontalFlip()], seed=0)


@pytest.mark.parametrize(("fields", "pattern"), [
    ({"image": IMG.astype(np.int64)}, r"image: dtype int64 is not supported"),
    ({"image": IMG.astype(np.float64)}, r"image: dtype float64"),
    ({"image": np.zeros((2, 3, 4, 5), np.uint8)}, r"image: expected HxW or HxWxC, got 4 dim"),
    ({"image": np.zeros((0, 5, 3), np.uint8)}, r"image: image is empty"),
    ({"image": np.full((4, 4), np.nan, np.float32)}, r"image: float image contains NaN"),
    ({"image": [[1, 2]]}, r"image: expected a numpy array"),
    ({"image": IMG, "mask": np.zeros((10, 10), np.uint8)}, r"mask: mask is 10x10 but the image is 30x20"),
    ({"image": IMG, "bboxes": [[0, 0, 40, 10]]}, r"bboxes: box 0 .* is outside the 30x20 image"),
    ({"image": IMG, "bboxes": [[10, 0, 5, 10]]}, r"bboxes: box 0 .* x_min >= x_max"),
    ({"image": IMG, "bboxes": [[1, 2, 3]]}, r"bboxes: expected an \(N, 4\+\) array"),
    ({"image": IMG, "bboxes": [[0, 0, np.nan, 3]]}, r"bboxes: box coordinates must be finite"),
    ({"image": IMG, "keypoints": [[1, 2, 3, 4, 5]][0]}, r"keypoints: expected an \(N, 2\+\) array"),
    ({"image": IMG, "keypoints": [[35, 2]]}, r"keypoints: keypoint 0 at \(35, 2\) lies outside"),
    ({"bboxes": [[0, 0, 1, 1]]}, r"bboxes: boxes, keypoints and polygons need an image or a mask"),
    ({"image": IMG, "bboxes": al.BBoxes([[1, 1, 5, 5]], labels=["a", "b"])}, r"1 items but 2 labels"),
])
def test_bad_fields(fields: dict, pattern: str) -> None:
    with pytest.raises(InvalidInput, match=pattern):
        PIPE(**fields)


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda: al.Rotate(limt=10), r"Rotate: .*unexpected keyword argument 'limt'.*valid arguments: limit"),
    (lambda: al.HorizontalFlip(p=1.5), r"HorizontalFlip: p=1.5 must lie in \[0, 1\]"),
    (lambda: al.HorizontalFlip(p=-0.1), r"p=-0.1 must lie in \[0, 1\]"),
    (lambda: al.Affine(scale=(1.2, 0.8)), r"Affine: scale=\(1.2, 0.8\) has min > max"),
    (lambda: al.Rotate(limit=(30, 10)), r"Rotate: rotate=\(30, 10\) has min > max"),
    (lambda: al.BrightnessContrast(brightness_limit="x"), r"brightness_limit='x' must be a number"),
    (lambda: al.Rotate(border_mode="mirror"), r"border_mode='mirror' is not one of"),
    (lambda: al.GaussianBlur(blur_limit=(4, 6)), r"blur_limit=.* must be odd"),
    (lambda: al.RandomCrop(height=0, width=5), r"RandomCrop: height=0 must be >= 1"),
    (lambda: al.OneOf([al.Blur()], weights=[1, 2]), r"OneOf: weights"),
    (lambda: al.Compose([al.Blur(), "x"]), r"transforms\[1\] is a str"),
    (lambda: al.Compose([], extra_fields={"d": "depth"}), r"extra_fields\['d'\]='depth' is not a field kind"),
    (lambda: al.Rotate(10), r"keyword-only"),
])
def test_bad_arguments(make, pattern: str) -> None:  # noqa: ANN001
    with pytest.raises(InvalidConfig, match=pattern):
        make()


@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"sample_id": -1}, r"sample_id=-1 must be >= 0"),
    ({"copy": 1.5}, r"copy=1.5 must be an integer"),
    ({"seed": -3}, r"seed=-3 must be >= 0"),
    ({"seed": 2**64}, r"seed=.* must be <="),
])
def test_bad_call_arguments(kwargs: dict, pattern: str) -> None:
    with pytest.raises(InvalidConfig, match=pattern):
        PIPE(image=IMG, **kwargs)


def test_crop_larger_than_image_says_what_to_do() -> None:
    with pytest.raises(InvalidInput, match="add PadIfNeeded"):
        al.RandomCrop(height=50, width=50)(image=IMG)


@pytest.mark.parametrize(("text", "pattern"), [
    ("augmentlab: 1\npipeline:\n  name: Nope\n", r"unknown transform 'Nope'"),
    ("augmentlab: 1\npipeline:\n  name: Rotate\n  limitt: 3\n", r"unexpected keyword argument 'limitt'"),
    ("augmentlab: 2\npipeline: {name: Rotate}\n", r"format version 2 is not supported"),
    ("augmentlab: 1\npipeline: {name: Rotate}\nextra: 1\n", r"unknown top-level key"),
    ("augmentlab: 1\npipeline: [\n", r"<text>:\d+: not valid YAML"),
    ("augmentlab: 1\npipeline: !!python/object:os.system {}\n", r"not valid YAML"),
])
def test_bad_pipeline_files(text: str, pattern: str) -> None:
    with pytest.raises(InvalidConfig, match=pattern):
        al.load_pipeline(text)


def test_replay_with_a_foreign_record() -> None:
    out = PIPE(image=IMG)
    other = al.Compose([al.VerticalFlip()], seed=0)
    with pytest.raises(InvalidInput, match="made by pipeline"):
        other.replay(out.record, image=IMG)
