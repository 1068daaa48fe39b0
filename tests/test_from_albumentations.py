"""`from_albumentations`: an Albumentations 2.0.8 pipeline, saved with ``A.to_dict`` / ``A.save``,
comes in as an augmentlab Compose with the same transforms and arguments, and gives the same
shapes, boxes, labels and (where the kernels are the same) pixels as Albumentations itself.

Albumentations runs here only to make the reference pipelines and outputs; the importer never
imports it (checked in a subprocess that blocks the import).

Tolerances, where outputs are compared:
- geometry (flips, affine, rotation, crops, pads, resizes) and the exact filters (box blur,
  median, CLAHE, gray, normalise, equalise, invert, posterize, solarize, emboss, sharpen,
  downscale): equal pixels.
- colour maps on uint8 (brightness/contrast, gamma, RGB shift, HSV, one-op ColorJitter,
  Gaussian blur): each value within 1 level (rounding of the tables); HSV also moves grey
  pixels (saturation 0), which Albumentations leaves grey: at most 0.1% of the values differ by more.
- a chain of such maps through Normalize: mean difference under 1.5 levels, 99% of values
  within 5 levels (the per-step roundings add up).
- boxes: 1e-3 px; keypoints: 0.5 px after a resize (Albumentations scales x by the factor,
  augmentlab keeps the pixel-centre convention), 1e-3 px otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import yaml

import augmentlab as al
from augmentlab.compat import from_albumentations
from augmentlab.errors import InvalidConfig

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
A = pytest.importorskip("albumentations")

INTER = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos"}
BORDER = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}


def quiet(make: Callable[[], Any]) -> Any:
    """Run Albumentations code with its warnings (deprecations, grey-image notes) silenced; the
    suite turns warnings into errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


def _image(h: int = 120, w: int = 160, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (7, 7), 0)


def _realistic() -> Any:
    """A training pipeline as people write them: 24 transforms, containers, boxes with labels,
    keypoints with labels, an extra image target."""
    return quiet(lambda: A.Compose([
        A.HorizontalFlip(p=0.5),
        A.VerticalFlip(p=0.1),
        A.Transpose(p=0.2),
        A.RandomRotate90(p=0.3),
        A.Affine(rotate=(-10, 10), scale=(0.9, 1.1), translate_percent=(-0.05, 0.05), p=0.7),
        A.Affine(rotate=(-10, 10), shear=(-5, 5), border_mode=cv2.BORDER_REFLECT_101, p=0.6),
        A.ShiftScaleRotate(shift_limit=0.05, scale_limit=0.1, rotate_limit=15, p=0.4),
        A.Rotate(limit=20, interpolation=cv2.INTER_CUBIC, fill=(10, 20, 30), p=0.3),
        A.Perspective(scale=(0.02, 0.05), p=0.2),
        A.RandomResizedCrop(size=(96, 128), scale=(0.5, 1.0), p=1.0),
        A.PadIfNeeded(100, 132, p=1.0),
        A.RandomCrop(96, 128, p=1.0),
        A.CenterCrop(90, 120, p=1.0),
        A.Resize(96, 128, p=1.0),
        A.LongestMaxSize(max_size=128, p=1.0),
        A.SmallestMaxSize(max_size=96, p=1.0),
        A.OneOf([A.RandomBrightnessContrast(p=0.6), A.HueSaturationValue(p=0.3),
                 A.RGBShift(r_shift_limit=0.1, p=0.1)], p=0.9),
        A.SomeOf([A.ColorJitter(), A.RandomGamma(), A.ToGray()], n=2, p=0.8),
        A.Sequential([A.GaussNoise(std_range=(0.02, 0.1)), A.GaussianBlur(), A.Blur(),
                      A.MedianBlur()], p=0.5),
        A.OneOrOther(A.CLAHE(), A.InvertImg(), p=0.3),
        A.MotionBlur(allow_shifted=False, direction_range=(0, 0), p=0.2),
        A.CoarseDropout(num_holes_range=(1, 3), hole_height_range=(0.05, 0.1),
                        hole_width_range=(0.05, 0.1), fill=0, p=0.5),
        A.ElasticTransform(alpha=30, sigma=5, noise_distribution="uniform", p=0.2),
        A.Normalize(p=1.0),
    ], bbox_params=A.BboxParams(format="pascal_voc", label_fields=["class_labels"], min_visibility=0.2),
       keypoint_params=A.KeypointParams(format="xy", label_fields=["kp_labels"]),
       additional_targets={"image2": "image"}))


# -- parameters --------------------------------------------------------------------------------

def _pairs(a_node: Any, ours: Any) -> Iterator[tuple[Any, al.Transform, float]]:
    """(Albumentations leaf, our transform, the p ours must have), walking both trees."""
    name = type(a_node).__name__
    if name in ("Compose", "Sequential", "SomeOf"):
        assert len(ours.transforms) == len(a_node.transforms)
        for a_child, our_child in zip(a_node.transforms, ours.transforms, strict=True):
            yield from _pairs(a_child, our_child)
        return
    if name in ("OneOf", "OneOrOther"):
        assert isinstance(ours, al.OneOf)
        weights = [c.p for c in a_node.transforms] if name == "OneOf" else [a_node.p, 1 - a_node.p]
        assert ours.weights == pytest.approx([w / sum(weights) for w in weights])
        for a_child, our_child in zip(a_node.transforms, ours.transforms, strict=True):
            for leaf, mine, _ in _pairs(a_child, our_child):
                yield leaf, mine, 1.0  # Albumentations applies the picked child unconditionally
        return
    yield a_node, ours, a_node.p


def _expected(a: Any) -> tuple[str, dict[str, Any]]:
    """Our class name and the config values it must have, read from the Albumentations instance."""
    name = type(a).__name__
    warp = lambda: {"interpolation": INTER[a.interpolation], "border_mode": BORDER[a.border_mode],  # noqa: E731
                    "fill": list(a.fill) if isinstance(a.fill, tuple) else a.fill, "fill_mask": a.fill_mask}
    if name in ("HorizontalFlip", "VerticalFlip", "Transpose", "RandomRotate90", "ToGray"):
        return name, {}
    if name == "InvertImg":
        return "Invert", {}
    if name == "Affine":
        return "Affine", {"rotate": list(a.rotate), "scale": list(a.scale["x"]),
                          "translate_percent": list(a.translate_percent["x"]) if a.translate_percent
                          else [0.0, 0.0],  # translate_px (0, 0)
                          "shear": [-a.shear["x"][1], -a.shear["x"][0]], "keep_ratio": a.keep_ratio,
                          **warp()}
    if name == "ShiftScaleRotate":  # x and y scales drawn independently, as Albumentations 2 does
        return "Affine", {"rotate": list(a.rotate_limit), "scale": list(a.scale["x"]),
                          "translate_percent": list(a.shift_limit_x), "shear": [0.0, 0.0],
                          "keep_ratio": False, **warp()}
    if name == "Rotate":
        return "Rotate", {"limit": list(a.limit), **warp()}
    if name == "Perspective":
        return "Perspective", {"scale": list(a.scale), **warp()}
    if name == "RandomResizedCrop":
        return name, {"size": list(a.size), "scale": list(a.scale), "ratio": list(a.ratio),
                      "interpolation": INTER[a.interpolation]}
    if name in ("RandomCrop", "CenterCrop"):
        return name, {"height": a.height, "width": a.width}
    if name == "Resize":
        return name, {"height": a.height, "width": a.width, "interpolation": INTER[a.interpolation]}
    if name == "PadIfNeeded":
        return name, {"min_height": a.min_height, "min_width": a.min_width, "position": a.position,
                      "border_mode": BORDER[a.border_mode], "fill": a.fill, "fill_mask": a.fill_mask}
    if name in ("LongestMaxSize", "SmallestMaxSize"):
        return name, {"max_size": a.max_size, "interpolation": INTER[a.interpolation]}
    if name == "RandomBrightnessContrast":
        return "BrightnessContrast", {"brightness_limit": list(a.brightness_limit),
                                      "contrast_limit": list(a.contrast_limit)}
    if name == "HueSaturationValue":
        return name, {k: list(getattr(a, k)) for k in ("hue_shift_limit", "sat_shift_limit",
                                                       "val_shift_limit")}
    if name == "RGBShift":  # limits within [-1, 1] are fractions of 255 in Albumentations
        return name, {k: [v * 255 if max(map(abs, getattr(a, k))) <= 1 else v for v in getattr(a, k)]
                      for k in ("r_shift_limit", "g_shift_limit", "b_shift_limit")}
    if name == "ColorJitter":
        return name, {k: list(getattr(a, k)) for k in ("brightness", "contrast", "saturation", "hue")}
    if name == "RandomGamma":
        return name, {"gamma_limit": list(a.gamma_limit)}
    if name == "CLAHE":
        return name, {"clip_limit": list(a.clip_limit), "tile_grid_size": list(a.tile_grid_size)}
    if name == "GaussNoise":
        return name, {"std_range": list(a.std_range), "mean_range": list(a.mean_range),
                      "per_channel": a.per_channel}
    if name == "GaussianBlur":  # blur_limit 0: a kernel of three sigmas a side, up to the top sigma
        return name, {"sigma_limit": list(a.sigma_limit),
                      "blur_limit": [3, 2 * int(np.ceil(3 * a.sigma_limit[1])) + 1]}
    if name in ("Blur", "MedianBlur", "MotionBlur"):
        return name, {"blur_limit": list(a.blur_limit)}
    if name == "CoarseDropout":
        return name, {"num_holes_range": list(a.num_holes_range),
                      "hole_height_range": list(a.hole_height_range),
                      "hole_width_range": list(a.hole_width_range), "fill": a.fill,
                      "fill_mask": a.fill_mask}
    if name == "ElasticTransform":  # the noise_distribution="uniform" recipe is our ElasticWarp
        return "ElasticWarp", {"alpha": a.alpha, "sigma": a.sigma, **warp()}
    if name == "Normalize":
        return name, {"mean": list(a.mean), "std": list(a.std), "max_pixel_value": a.max_pixel_value}
    raise AssertionError(f"no expectation for {name}")


def _check_leaf(a: Any, ours: al.Transform, p: float) -> None:
    name, expected = _expected(a)
    if type(a).__name__ == "Affine" and expected["shear"] != [0, 0] and expected["rotate"] != [0, 0]:
        # Albumentations shears after rotating: two fused steps, rotate+scale then shear+shift
        assert isinstance(ours, al.Sequential) and ours.p == pytest.approx(p)
        first, second = (t.get_config() for t in ours.transforms)
        assert first["rotate"] == expected["rotate"] and first["scale"] == expected["scale"]
        assert first["shear"] == [0, 0] and second["rotate"] == [0, 0]
        assert second["shear"] == pytest.approx(expected["shear"])
        assert second["translate_percent"] == pytest.approx(expected["translate_percent"])
        assert first["p"] == second["p"] == 1.0
        return
    assert type(ours).__name__ == name
    config = ours.get_config()
    assert config["p"] == pytest.approx(p), name
    for key, value in expected.items():
        assert config[key] == pytest.approx(value), (name, key, config[key], value)


def test_realistic_pipeline_maps_every_transform_with_its_arguments() -> None:
    a_pipe = _realistic()
    ours = from_albumentations(quiet(lambda: A.to_dict(a_pipe)))
    assert isinstance(ours, al.Compose)
    pairs = list(_pairs(a_pipe, ours))
    assert len(pairs) >= 15
    for a_leaf, mine, p in pairs:
        _check_leaf(a_leaf, mine, p)
    # the containers
    kinds = [type(t).__name__ for t in ours.transforms]
    assert kinds[16:20] == ["OneOf", "SomeOf", "Sequential", "OneOf"]
    some_of: Any = ours.transforms[17]
    assert some_of.n == (2, 2) and ours.transforms[18].p == 0.5
    # Compose settings: boxes, keypoints, extra targets
    config = ours.get_config()
    assert config["bbox_params"]["label_fields"] == ["class_labels"]
    assert config["bbox_params"]["min_visibility"] == 0.2 and ours.bbox_format == "pascal_voc"
    assert config["keypoint_params"]["label_fields"] == ["kp_labels"]
    assert ours.extra_fields == {"image2": "image"}
    # and it runs as the original is called
    img = _image()
    out = ours(image=img, image2=img.copy(), bboxes=[[10, 10, 60, 50], [70, 40, 150, 110]],
               class_labels=["cat", "dog"], keypoints=[[30, 30], [100, 80]], kp_labels=["a", "b"],
               sample_id=3)
    assert out["image"].dtype == np.float32 and out["image"].shape[:2] == out["image2"].shape[:2]
    assert len(out["class_labels"]) == len(out["bboxes"]) and len(out["kp_labels"]) == len(out["keypoints"])


def test_dict_json_yaml_and_paths_give_the_same_pipeline(tmp_path: Path) -> None:
    a_pipe = _realistic()
    as_dict = quiet(lambda: A.to_dict(a_pipe))
    reference = from_albumentations(as_dict).get_config()
    quiet(lambda: A.save(a_pipe, str(tmp_path / "pipe.yaml"), data_format="yaml"))
    quiet(lambda: A.save(a_pipe, str(tmp_path / "pipe.json"), data_format="json"))
    (tmp_path / "pipe.yml").write_text((tmp_path / "pipe.yaml").read_text())
    sources: list[Any] = [
        as_dict["transform"],
        json.dumps(as_dict),
        (tmp_path / "pipe.yaml").read_text(),
        tmp_path / "pipe.yaml",
        str(tmp_path / "pipe.yml"),
        str(tmp_path / "pipe.json"),
    ]
    for source in sources:
        assert from_albumentations(source).get_config() == reference, type(source)


def test_hand_written_dicts_read_like_albumentations_reads_them() -> None:
    """Missing arguments take Albumentations' defaults (p: 0.5, as A.from_dict) and single numbers
    Albumentations' meaning, checked against A.from_dict on the same dict."""
    nodes = [
        {"__class_fullname__": "Rotate", "limit": 15},
        {"__class_fullname__": "Affine", "rotate": 15, "scale": 1.2, "translate_percent": 0.1},
        {"__class_fullname__": "Blur", "blur_limit": 5},
        {"__class_fullname__": "CLAHE", "clip_limit": 3, "p": 1.0},
        {"__class_fullname__": "HueSaturationValue", "hue_shift_limit": 5},
        {"__class_fullname__": "ColorJitter", "brightness": 0.3, "hue": 0.1},
        {"__class_fullname__": "RGBShift", "r_shift_limit": 0.1},
        {"__class_fullname__": "RandomBrightnessContrast", "brightness_limit": 0.1},
        {"__class_fullname__": "albumentations.augmentations.geometric.resize.Resize",
         "height": 32, "width": 48, "p": 1.0},
        {"__class_fullname__": "GaussianBlur", "sigma_limit": [1.0, 2.0]},
    ]
    for node in nodes:
        a_t = quiet(lambda node=node: A.from_dict({"transform": dict(node)}))  # type: ignore[misc]
        ours = from_albumentations({"transform": node})
        assert len(ours.transforms) == 1 and ours.p == 1.0
        _check_leaf(a_t, ours.transforms[0], a_t.p)


def test_containers_keep_albumentations_semantics() -> None:
    a_pipe = quiet(lambda: A.Compose([
        A.OneOf([A.Blur(p=0.3), A.MedianBlur(p=0.6), A.Sequential([A.InvertImg()], p=0.1)], p=0.8),
        A.OneOrOther(A.HorizontalFlip(), A.VerticalFlip(), p=0.25),
        A.RandomOrder([A.InvertImg(), A.Equalize(), A.ChannelShuffle()], n=3, p=0.7),
        A.SomeOf([A.InvertImg(p=0.2), A.Equalize()], n=5, p=0.6),  # n is capped at 2
        A.Compose([A.Transpose()], p=0.4),  # nested: a Sequential
        A.NoOp(p=0.5),
    ]))
    ours = from_albumentations(quiet(lambda: A.to_dict(a_pipe)))
    one_of, other, order, some, nested, noop = ours.transforms
    assert isinstance(one_of, al.OneOf) and one_of.p == 0.8
    assert one_of.weights == pytest.approx([0.3, 0.6, 0.1])
    assert [t.p for t in one_of.transforms] == [1.0, 1.0, 1.0]  # applied once picked
    assert isinstance(other, al.OneOf) and other.p == 1.0 and other.weights == pytest.approx([0.25, 0.75])
    assert isinstance(order, al.Sequential) and order.random_order and order.p == 0.7
    assert isinstance(some, al.SomeOf) and some.n == (2, 2) and some.p == 0.6
    assert [t.p for t in some.transforms] == [0.2, 0.5]  # each still applies with its own p
    assert isinstance(nested, al.Sequential) and not nested.random_order and nested.p == 0.4
    assert isinstance(noop, al.Sequential) and len(noop) == 0
    ours(image=_image(), sample_id=0)  # and it runs


def test_a_single_transform_comes_in_as_a_compose() -> None:
    ours = from_albumentations(quiet(lambda: A.to_dict(A.Rotate(limit=(5, 5), p=1.0))))
    assert isinstance(ours, al.Compose) and type(ours.transforms[0]).__name__ == "Rotate"
    assert ours.transforms[0].get_config()["limit"] == [5.0, 5.0]


# the other mapped transforms, each with arguments of its own: name -> (maker, our name, config)
MORE: dict[str, tuple[Callable[[], Any], str, dict[str, Any]]] = {
    "ISONoise": (lambda: A.ISONoise(color_shift=(0.02, 0.03), intensity=(0.2, 0.3)), "ISONoise",
                 {"color_shift": [0.02, 0.03], "intensity": [0.2, 0.3]}),
    "SaltAndPepper": (lambda: A.SaltAndPepper(amount=(0.02, 0.03)), "SaltAndPepper",
                      {"amount": [0.02, 0.03], "salt_vs_pepper": [0.4, 0.6]}),
    "Defocus": (lambda: A.Defocus(radius=(2, 4)), "Defocus", {"radius": [2, 4], "alias_blur": [0.1, 0.5]}),
    "ImageCompression": (lambda: A.ImageCompression(quality_range=(40, 60)), "ImageCompression",
                         {"quality_range": [40, 60], "compression_type": "jpeg"}),
    "ImageCompression-webp": (lambda: A.ImageCompression(compression_type="webp"),
                              "ImageCompression", {"quality_range": [99, 100],
                                                   "compression_type": "webp"}),
    "RandomToneCurve": (lambda: A.RandomToneCurve(scale=0.2, per_channel=True), "RandomToneCurve",
                        {"scale": 0.2, "per_channel": True}),
    "UnsharpMask": (lambda: A.UnsharpMask(blur_limit=(5, 9), alpha=(0.3, 0.4), threshold=5),
                    "UnsharpMask", {"blur_limit": [5, 9], "alpha": [0.3, 0.4], "threshold": 5}),
    "Morphological": (lambda: A.Morphological(scale=(3, 3), operation="erosion"), "Morphological",
                      {"scale": [3, 3], "operation": "erosion"}),
    "ChannelDropout": (lambda: A.ChannelDropout(channel_drop_range=(1, 2), fill=7),
                       "ChannelDropout", {"channel_drop_range": [1, 2], "fill": 7}),
    "PixelDropout": (lambda: A.PixelDropout(dropout_prob=0.1, drop_value=None), "PixelDropout",
                     {"dropout_prob": 0.1}),
    "XYMasking": (lambda: A.XYMasking(num_masks_x=(1, 2), mask_x_length=(3, 8)), "XYMasking",
                  {"num_masks_x": [1, 2], "mask_x_length": [3, 8]}),
    "D4": (lambda: A.D4(), "D4", {}),
    "MaskDropout": (lambda: A.MaskDropout(max_objects=(1, 3), fill=7, fill_mask=2), "MaskDropout",
                    {"max_objects": [1, 3], "fill": 7, "fill_mask": 2}),
    "RandomGridShuffle": (lambda: A.RandomGridShuffle(grid=(2, 4)), "RandomGridShuffle",
                          {"grid": [2, 4]}),
    "PiecewiseAffine": (lambda: A.PiecewiseAffine(scale=(0.02, 0.04), nb_rows=(3, 5), nb_cols=4,
                                                  border_mode=1),
                        "PiecewiseAffine", {"scale": [0.02, 0.04], "nb_rows": [3, 5],
                                            "nb_cols": [4, 4], "border_mode": "replicate"}),
    "RandomSnow": (lambda: A.RandomSnow(snow_point_range=(0.2, 0.4), brightness_coeff=2.0),
                   "RandomSnow", {"snow_point_range": [0.2, 0.4], "brightness_coeff": 2.0}),
    "ChromaticAberration": (lambda: A.ChromaticAberration(primary_distortion_limit=0.1,
                                                          mode="red_blue", interpolation=2),
                            "ChromaticAberration", {"primary_distortion_limit": [-0.1, 0.1],
                                                    "secondary_distortion_limit": [-0.05, 0.05],
                                                    "mode": "red_blue", "interpolation": "cubic"}),
    "FancyPCA": (lambda: A.FancyPCA(alpha=0.3), "FancyPCA", {"alpha": 0.3}),
    "Spatter": (lambda: A.Spatter(mode="mud", intensity=(0.4, 0.7)), "Spatter",
                {"mode": "mud", "intensity": [0.4, 0.7], "color": [20, 42, 63]}),
    "PlanckianJitter": (lambda: A.PlanckianJitter(temperature_limit=(4000, 9000),
                                                  sampling_method="gaussian"),
                        "PlanckianJitter", {"temperature_limit": [4000, 9000],
                                            "sampling_method": "gaussian"}),
    "ThinPlateSpline": (lambda: A.ThinPlateSpline(scale_range=(0.1, 0.3), num_control_points=3),
                        "ThinPlateSpline", {"scale_range": [0.1, 0.3], "num_control_points": 3}),
    "AdvancedBlur": (lambda: A.AdvancedBlur(blur_limit=(3, 5), rotate_limit=45), "AdvancedBlur",
                     {"blur_limit": [3, 5], "rotate_limit": [-45, 45], "beta_limit": [0.5, 8.0]}),
    "BBoxSafeRandomCrop": (lambda: A.BBoxSafeRandomCrop(erosion_rate=0.2), "BBoxSafeRandomCrop",
                           {"erosion_rate": 0.2}),
    "RandomSizedBBoxSafeCrop": (lambda: A.RandomSizedBBoxSafeCrop(40, 50, interpolation=2),
                                "RandomSizedBBoxSafeCrop",
                                {"height": 40, "width": 50, "interpolation": "cubic"}),
    "ZoomBlur": (lambda: A.ZoomBlur(max_factor=1.2, step_factor=0.02), "ZoomBlur",
                 {"max_factor": [1.0, 1.2], "step_factor": [0.001, 0.02]}),
    "GlassBlur": (lambda: A.GlassBlur(sigma=0.5, max_delta=2, iterations=1), "GlassBlur",
                  {"sigma": 0.5, "max_delta": 2, "iterations": 1}),
    "ToSepia": (lambda: A.ToSepia(), "ToSepia", {}),
    "GridDistortion": (lambda: A.GridDistortion(num_steps=4, distort_limit=0.2, border_mode=1),
                       "GridDistortion", {"num_steps": 4, "distort_limit": [-0.2, 0.2],
                                          "border_mode": "replicate"}),
    "RandomShadow": (lambda: A.RandomShadow(num_shadows_limit=(1, 3)), "RandomShadow",
                     {"num_shadows_limit": [1, 3], "shadow_roi": [0, 0.5, 1, 1]}),
    "RandomScale": (lambda: A.RandomScale(scale_limit=0.2, interpolation=0), "RandomScale",
                    {"scale_limit": [-0.2, 0.2], "interpolation": "nearest"}),
    "Erasing": (lambda: A.Erasing(scale=(0.05, 0.1), fill="random"), "RandomErasing",
                {"scale": [0.05, 0.1], "ratio": [0.3, 3.3], "fill": "random"}),
    "AutoContrast": (lambda: A.AutoContrast(method="pil"), "AutoContrast", {}),
    "ChannelShuffle": (lambda: A.ChannelShuffle(), "ChannelShuffle", {}),
    "Perspective": (lambda: A.Perspective(scale=(0.02, 0.04), fill=5), "Perspective",
                    {"scale": [0.02, 0.04], "fill": 5}),
    "Downscale": (lambda: A.Downscale(scale_range=(0.3, 0.6),
                                      interpolation_pair={"downscale": 3, "upscale": 1}),
                  "Downscale", {"scale_range": [0.3, 0.6], "down_interpolation": "area",
                                "up_interpolation": "linear"}),
}


@pytest.mark.parametrize("case", sorted(MORE))
def test_other_transforms_map_with_their_arguments_and_run(case: str) -> None:
    make, name, expected = MORE[case]
    a_t = quiet(make)
    ours = from_albumentations(quiet(lambda: A.to_dict(a_t))).transforms[0]
    assert type(ours).__name__ == name
    config = ours.get_config()
    assert config["p"] == pytest.approx(a_t.p)
    for key, value in expected.items():
        assert config[key] == (value if isinstance(value, str) else pytest.approx(value)), key
    out = al.Compose([type(ours).from_config({**config, "p": 1.0})])(image=_image(), sample_id=0)
    assert out["image"].ndim == 3


# -- outputs ----------------------------------------------------------------------------------

def _run_both(a_transforms: list[Any], **fields: Any) -> tuple[dict[str, Any], Any]:
    settings: dict[str, Any] = {}
    if "bboxes" in fields:
        settings["bbox_params"] = A.BboxParams(format="pascal_voc")
    if "keypoints" in fields:
        settings["keypoint_params"] = A.KeypointParams(format="xy")
    a_pipe = quiet(lambda: A.Compose(a_transforms, seed=0, **settings))
    a_out = quiet(lambda: a_pipe(**fields))
    ours = from_albumentations(quiet(lambda: A.to_dict(a_pipe)))
    return a_out, ours(sample_id=0, **fields)


# Albumentations transform, forced to p=1 with degenerate ranges -> largest difference allowed per
# value (levels) and the fraction of values allowed above it
PIXELS: dict[str, tuple[Callable[[], Any], float, float]] = {
    "HorizontalFlip": (lambda: A.HorizontalFlip(p=1), 0, 0),
    "VerticalFlip": (lambda: A.VerticalFlip(p=1), 0, 0),
    "Transpose": (lambda: A.Transpose(p=1), 0, 0),
    "Affine": (lambda: A.Affine(rotate=(30, 30), scale=(1.2, 1.2), translate_percent=(0.1, 0.1), p=1), 0, 0),
    "Affine+shear": (lambda: A.Affine(rotate=(20, 20), shear=(10, 10), scale=(0.9, 0.9), p=1), 0, 0),
    "ShiftScaleRotate": (lambda: A.ShiftScaleRotate(shift_limit=(0.1, 0.1), scale_limit=(0.1, 0.1),
                                                    rotate_limit=(15, 15), p=1), 0, 0),
    "Rotate": (lambda: A.Rotate(limit=(25, 25), border_mode=cv2.BORDER_REFLECT_101, p=1), 0, 0),
    "CenterCrop": (lambda: A.CenterCrop(30, 41, p=1), 0, 0),
    "CenterCrop+pad": (lambda: A.CenterCrop(130, 170, pad_if_needed=True, fill=7, p=1), 0, 0),
    "Resize": (lambda: A.Resize(90, 120, interpolation=cv2.INTER_CUBIC, p=1), 0, 0),
    "LongestMaxSize": (lambda: A.LongestMaxSize(max_size=100, p=1), 0, 0),
    "SmallestMaxSize": (lambda: A.SmallestMaxSize(max_size=30, p=1), 0, 0),
    "PadIfNeeded": (lambda: A.PadIfNeeded(130, 171, position="top_left", fill=(10, 20, 30), p=1), 0, 0),
    "RandomResizedCrop": (lambda: A.RandomResizedCrop(size=(60, 80), scale=(1, 1), ratio=(4 / 3, 4 / 3),
                                                      p=1), 0, 0),
    "RandomBrightnessContrast": (lambda: A.RandomBrightnessContrast((0.1, 0.1), (0.2, 0.2), p=1), 1, 0),
    "HueSaturationValue": (lambda: A.HueSaturationValue((10, 10), (20, 20), (-10, -10), p=1), 1, 1e-3),
    "RGBShift": (lambda: A.RGBShift((10, 10), (-5, -5), (0.1, 0.1), p=1), 1, 0),
    "RandomGamma": (lambda: A.RandomGamma((150, 150), p=1), 1, 0),
    "ColorJitter": (lambda: A.ColorJitter((1.2, 1.2), (1, 1), (1, 1), (0, 0), p=1), 1, 0),
    "ToGray": (lambda: A.ToGray(p=1), 0, 0),
    "CLAHE": (lambda: A.CLAHE(clip_limit=(2, 2), p=1), 0, 0),
    "Blur": (lambda: A.Blur(blur_limit=(5, 5), p=1), 0, 0),
    "MedianBlur": (lambda: A.MedianBlur(blur_limit=(5, 5), p=1), 0, 0),
    "GaussianBlur": (lambda: A.GaussianBlur(sigma_limit=(1.5, 1.5), p=1), 1, 0),
    "InvertImg": (lambda: A.InvertImg(p=1), 0, 0),
    "Solarize": (lambda: A.Solarize(threshold_range=(0.5, 0.5), p=1), 0, 0),
    "Posterize": (lambda: A.Posterize(num_bits=3, p=1), 0, 0),
    "Equalize": (lambda: A.Equalize(p=1), 0, 0),
    "Downscale": (lambda: A.Downscale(scale_range=(0.5, 0.5), p=1), 0, 0),
    "Emboss": (lambda: A.Emboss(alpha=(0.5, 0.5), strength=(0.5, 0.5), p=1), 0, 0),
    "Sharpen": (lambda: A.Sharpen(alpha=(0.5, 0.5), lightness=(1, 1), p=1), 0, 0),
    "MultiplicativeNoise": (lambda: A.MultiplicativeNoise(multiplier=(1.2, 1.2), p=1), 1, 0),
    "Normalize": (lambda: A.Normalize(p=1), 1e-5, 0),
    "ToSepia": (lambda: A.ToSepia(p=1), 1, 0),
    # (not ImageCompression: Albumentations encodes RGB as if it were BGR, augmentlab converts)
    "Morphological": (lambda: A.Morphological(scale=(5, 5), p=1), 0, 0),
    "RandomToneCurve": (lambda: A.RandomToneCurve(scale=0.0, p=1), 1, 0),
}


@pytest.mark.parametrize("case", sorted(PIXELS))
def test_same_pixels_where_the_kernels_are_the_same(case: str) -> None:
    make, tol, frac = PIXELS[case]
    img = _image()
    a_out, out = _run_both([quiet(make)], image=img)
    assert out["image"].shape == a_out["image"].shape and out["image"].dtype == a_out["image"].dtype
    diff = np.abs(out["image"].astype(np.float64) - a_out["image"].astype(np.float64))
    assert (diff > tol + 1e-9).mean() <= frac, (case, diff.max())


def test_deterministic_pipeline_same_shapes_pixels_boxes_and_labels() -> None:
    """16 transforms at p=1 with fixed parameters: same output size, close pixels, the same
    boxes (the one pushed out of the frame and the one left mostly outside are dropped in both)
    and labels that stay in step with the boxes and keypoints that survive."""
    img = _image()
    boxes = [[20, 20, 50, 40], [60, 50, 100, 90], [100, 5, 150, 35], [2, 60, 12, 70],
             [130, 70, 158, 110], [135, 2, 158, 12]]
    labels = ["a", "b", "c", "pushed-out", "e", "mostly-out"]
    kps = [[30, 30], [80, 70], [125, 20], [5, 65], [150, 100]]
    kp_labels = ["k0", "k1", "k2", "k-out", "k4"]
    transforms = quiet(lambda: [
        A.HorizontalFlip(p=1), A.VerticalFlip(p=1),
        A.Affine(scale=(1.25, 1.25), translate_percent=(0.1, 0.1), p=1),
        A.RandomResizedCrop(size=(96, 128), scale=(1, 1), ratio=(4 / 3, 4 / 3), p=1),
        A.PadIfNeeded(104, 136, p=1), A.CenterCrop(96, 128, p=1), A.Resize(96, 128, p=1),
        A.RandomBrightnessContrast(brightness_limit=(0.1, 0.1), contrast_limit=(0.1, 0.1), p=1),
        A.HueSaturationValue((5, 5), (10, 10), (5, 5), p=1),
        A.RGBShift((10, 10), (-10, -10), (0, 0), p=1),
        A.RandomGamma((110, 110), p=1), A.CLAHE(clip_limit=(2, 2), p=1),
        A.Blur(blur_limit=(3, 3), p=1), A.GaussianBlur(sigma_limit=(0.8, 0.8), p=1),
        A.MedianBlur(blur_limit=(3, 3), p=1), A.Normalize(p=1),
    ])
    a_pipe = quiet(lambda: A.Compose(transforms, seed=0, bbox_params=A.BboxParams(
        format="pascal_voc", label_fields=["class_labels"], min_visibility=0.3),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kp_labels"])))
    fields: dict[str, Any] = {"image": img, "bboxes": boxes, "class_labels": labels,
                              "keypoints": kps, "kp_labels": kp_labels}
    a_out = quiet(lambda: a_pipe(**fields))
    out = from_albumentations(quiet(lambda: A.to_dict(a_pipe)))(sample_id=0, **fields)

    assert out["image"].shape == a_out["image"].shape == (96, 128, 3)
    levels = np.abs(out["image"] - a_out["image"]) * np.array(a_pipe.transforms[-1].std) * 255
    assert levels.mean() < 1.5 and np.percentile(levels, 99) < 5

    assert out["class_labels"] == a_out["class_labels"]
    assert "pushed-out" not in out["class_labels"] and "mostly-out" not in out["class_labels"]
    assert len(out["class_labels"]) == len(out["bboxes"]) == 4
    np.testing.assert_allclose(np.asarray(out["bboxes"]), np.asarray(a_out["bboxes"]), atol=1e-3)
    assert any(b[2] == 128 or b[3] == 96 for b in out["bboxes"].tolist())  # a clipped box is kept
    assert out["kp_labels"] == a_out["kp_labels"] and "k-out" not in out["kp_labels"]
    np.testing.assert_allclose(np.asarray(out["keypoints"]), np.asarray(a_out["keypoints"]), atol=0.5)


def test_rotation_moves_boxes_and_keypoints_as_albumentations_does() -> None:
    img = _image()
    boxes, kps = [[50, 40, 80, 70], [90, 50, 110, 80]], [[60, 50], [100, 70]]
    for make in (lambda: A.Affine(rotate=(20, 20), scale=(1.1, 1.1), translate_percent=(0.05, 0.05), p=1),
                 lambda: A.Affine(rotate=(-15, -15), shear=(8, 8), p=1),
                 lambda: A.Rotate(limit=(30, 30), p=1)):
        a_out, out = _run_both([quiet(make)], image=img, bboxes=boxes, keypoints=kps)
        np.testing.assert_allclose(np.asarray(out["bboxes"]), np.asarray(a_out["bboxes"]), atol=1e-3)
        np.testing.assert_allclose(np.asarray(out["keypoints"]), np.asarray(a_out["keypoints"]), atol=1e-3)


def test_coarse_dropout_blanks_as_much_and_noise_is_as_strong() -> None:
    img = np.full((64, 80, 3), 128, np.uint8)
    a_out, out = _run_both([quiet(lambda: A.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(8, 8),
                                                          hole_width_range=(6, 6), fill=0, p=1))], image=img)
    assert (out["image"] == 0).all(axis=2).sum() == (a_out["image"] == 0).all(axis=2).sum() == 48
    a_out, out = _run_both([quiet(lambda: A.GaussNoise(std_range=(0.1, 0.1), p=1))], image=img)
    a_std, our_std = (float(np.std(x["image"].astype(np.float64) - 128)) for x in (a_out, out))
    assert our_std == pytest.approx(25.5, rel=0.05) and a_std == pytest.approx(25.5, rel=0.05)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_dropout_fill_values_mean_what_they_mean_in_albumentations(dtype: type) -> None:
    img: np.ndarray = np.full((32, 40, 3), 200 if dtype == np.uint8 else 0.8, dtype)
    for fill in (0.5, 1.0, 17, (3, 4, 5)):
        make = lambda f=fill: A.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(32, 32),  # noqa: E731
                                              hole_width_range=(40, 40), fill=f, p=1)
        a_out, out = _run_both([quiet(make)], image=img)
        np.testing.assert_allclose(out["image"], a_out["image"], err_msg=str(fill))


def test_grid_dropout_and_to_tensor_map() -> None:
    from albumentations.pytorch import ToTensorV2

    a_pipe = quiet(lambda: A.Compose([A.GridDropout(ratio=0.4, p=0.7),
                                      A.GridDropout(ratio=0.5, unit_size_range=(4, 8), random_offset=False),
                                      ToTensorV2(transpose_mask=True)]))
    ours = from_albumentations(quiet(lambda: A.to_dict(a_pipe)))
    grid, sized, tensor = (t.get_config() for t in ours.transforms)
    assert grid["unit_size_range"] is None and grid["ratio"] == 0.4 and grid["p"] == 0.7
    assert sized["unit_size_range"] == [4.0, 8.0] and sized["random_offset"] is False
    assert type(ours.transforms[2]).__name__ == "ToTensorV2" and tensor["transpose_mask"] is True
    assert tuple(ours(image=_image(), sample_id=0)["image"].shape) == (3, 120, 160)


# -- refusals ---------------------------------------------------------------------------------

def test_everything_unsupported_is_listed_in_one_error() -> None:
    a_pipe = quiet(lambda: A.Compose([
        A.HorizontalFlip(),
        A.MotionBlur(),  # shifted, one-sided kernels: no counterpart
        A.Superpixels(),
        A.OneOf([A.RandomFog(), A.Affine(fit_output=True), A.Blur()]),
        A.Affine(translate_px=(5, 10)),
        A.ElasticTransform(),  # gaussian noise normalised by its maximum
        A.Lambda(name="mine", image=lambda x, **kw: x),
    ], bbox_params=A.BboxParams(format="pascal_voc", max_accept_ratio=3.0)))
    saved = quiet(lambda: A.to_dict(a_pipe, on_not_implemented_error="warn"))
    with pytest.raises(InvalidConfig) as info:
        from_albumentations(saved)
    message = str(info.value)
    for where in ("transforms[1] MotionBlur: allow_shifted", "transforms[1] MotionBlur: direction_range",
                  "transforms[2] Superpixels: no augmentlab counterpart",
                  "transforms[3].transforms[0] RandomFog", "transforms[3].transforms[1] Affine: fit_output",
                  "transforms[4] Affine: translate_px", "transforms[5] ElasticTransform: noise_distribution",
                  "transforms[6] Lambda: custom code", "bbox_params Compose: bbox_params max_accept_ratio"):
        assert where in message, where
    assert "HorizontalFlip" not in message and "Blur:" not in message.replace("MotionBlur:", "")
    assert message.count("\n  - ") == 9


def test_unknown_arguments_and_codes_are_refused_by_name() -> None:
    node = {"__class_fullname__": "Rotate", "limit": [-5, 5], "interpolation": 6, "p": 1.0,
            "future_option": True}
    with pytest.raises(InvalidConfig, match=r"(?s)interpolation=6.*future_option have no augmentlab"):
        from_albumentations({"transform": node})


@pytest.mark.parametrize("payload", [
    "__version__: 2.0.8\ntransform: !!python/object/apply:os.system ['echo owned > {marker}']\n",
    "!!python/object/new:os.system ['echo owned > {marker}']\n",
])
def test_a_malicious_yaml_file_is_refused(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "owned"
    path = tmp_path / "pipe.yaml"
    path.write_text(payload.format(marker=marker))
    with pytest.raises(InvalidConfig, match="not valid plain YAML"):
        from_albumentations(path)
    with pytest.raises(InvalidConfig):
        from_albumentations(path.read_text())
    assert not marker.exists()


def test_python_tuples_from_yaml_dump_are_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "pipe.yml"
    path.write_text(yaml.dump(quiet(lambda: A.to_dict(A.Compose([A.Rotate(limit=10)])))))
    assert "!!python/tuple" in path.read_text()
    with pytest.raises(InvalidConfig, match="data_format='yaml'"):
        from_albumentations(str(path))


@pytest.mark.parametrize(("source", "match"), [
    ("missing.yaml", "no such file"),
    ({"transform": [1, 2]}, "not an Albumentations pipeline"),
    ({"pipeline": {}, "augmentlab": 1}, "not an Albumentations pipeline"),
    ({"transform": {"__class_fullname__": "Compose", "transforms": []}, "extra": 1}, "extra"),
    ("{not json", "not valid JSON"),
    ("transform: " + "x" * 5000, "not an Albumentations pipeline"),  # one long line: text
    (42, "expected the dict"),
])
def test_bad_inputs_are_invalid_config(source: Any, match: str) -> None:
    with pytest.raises(InvalidConfig, match=match):
        from_albumentations(source)


def test_the_importer_never_imports_albumentations() -> None:
    code = (
        "import sys; sys.modules['albumentations'] = None\n"
        "from augmentlab.compat import from_albumentations\n"
        "pipe = from_albumentations({'transform': {'__class_fullname__': 'Compose', 'transforms': "
        "[{'__class_fullname__': 'HorizontalFlip', 'p': 0.5}]}})\n"
        "print(type(pipe.transforms[0]).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "HorizontalFlip"


@pytest.mark.parametrize("key", ["masks", "images", "image2", "mask_1", "bboxes2", "keypoints2"])
def test_albumentations_style_extra_targets_are_refused_not_passed_through(key: str) -> None:
    """An Albumentations habit (``masks=[...]``, an ``image2`` its ``additional_targets`` would
    declare) used to pass through untouched: the image flipped, the mask not."""
    from augmentlab.errors import InvalidInput

    img = np.zeros((8, 8, 3), np.uint8)
    value = [np.zeros((8, 8), np.uint8)] if key.endswith("s") and key != "bboxes2" else img
    pipe = al.Compose([al.HorizontalFlip(p=1.0)], seed=0)
    with pytest.raises(InvalidInput, match=f"{key}: looks like an? .* field .*extra_fields"):
        pipe(image=img, **{key: value})
    kind = key.rstrip("s_0123456789") if key not in ("bboxes2", "keypoints2") else key[:-1]
    declared = al.Compose([al.HorizontalFlip(p=1.0)], seed=0, extra_fields={key: kind})
    if kind in ("image", "mask") and not key.endswith("s"):
        marked = img.copy()
        marked[:, 0] = 255
        assert declared(image=img, **{key: marked})[key][:, -1].all()  # it follows the image
    # labels and other passthrough keys stay as they were
    out = pipe(image=img, labels=["cat"], class_labels=[1], meta={"f": 1})
    assert out["labels"] == ["cat"] and out["class_labels"] == [1]


def test_a_float_image_in_0_255_is_refused_by_colour_transforms_not_clipped() -> None:
    """float32 holds 0..1 in augmentlab; a 0..255 float image (an Albumentations or OpenCV habit)
    came back from BrightnessContrast clipped to 0..1: every pixel above 1 became 1."""
    from augmentlab.errors import InvalidInput

    img = (np.random.default_rng(0).random((16, 16, 3)) * 255).astype(np.float32)
    for t in (al.BrightnessContrast(p=1.0), al.GaussNoise(p=1.0), al.Sharpen(p=1.0)):
        with pytest.raises(InvalidInput, match=r"in \[0, 1\] for .*spans 0\.07668 to 254\.9.*divide by 255"):
            al.Compose([al.HorizontalFlip(p=1.0), t], seed=0)(image=img)
    import torch  # a CHW float tensor in 0..255 came back clipped too, after the numpy fix

    with pytest.raises(InvalidInput, match=r"in \[0, 1\] for BrightnessContrast"):
        al.Compose([al.BrightnessContrast(p=1.0)], seed=0)(image=torch.from_numpy(img).permute(2, 0, 1))
    # geometry and averaging filters keep any range; [0, 1] floats (and float rounding just
    # outside) pass
    blurred = al.GaussianBlur(p=1.0)(image=img, seed=0)["image"]
    assert blurred.max() > 100 and blurred.min() >= img.min() - 1e-3  # not clipped to 0..1
    flipped = al.Compose([al.HorizontalFlip(p=1.0)], seed=0)(image=img)["image"]
    assert np.array_equal(flipped, img[:, ::-1])
    unit = np.clip(img / 255, 0, 1)
    unit[0, 0, 0] = 1.0000001
    out = al.Compose([al.BrightnessContrast(p=1.0)], seed=0)(image=unit)["image"]
    assert out.dtype == np.float32 and out.min() >= 0 and out.max() <= 1


def test_a_channels_first_mask_stack_says_how_to_give_it() -> None:
    from augmentlab.errors import InvalidInput

    img = np.zeros((32, 32, 3), np.uint8)
    with pytest.raises(InvalidInput, match=r"channels-first \(N, H, W\).*np\.moveaxis"):
        al.Compose([al.HorizontalFlip(p=1.0)], seed=0)(image=img, mask=np.zeros((3, 32, 32), np.uint8))
    out = al.Compose([al.HorizontalFlip(p=1.0)], seed=0)(image=img, mask=np.zeros((32, 32, 3), np.uint8))
    assert out["mask"].shape == (32, 32, 3)
