"""MkDocs hook: the gallery's pictures, drawn at build time (nothing binary is committed).

For every image transform in ``augmentlab.image.__all__`` (the video ones aside) and the automatic
policies, one strip: a real photo (scikit-image's astronaut, via
``augmentlab.datasets.sample_photos``), then the transform's output for two seeds. Then one
figure of a pipeline moving a mask, boxes and keypoints with the pixels. Every draw is seeded
(``sample_id`` and ``copy`` fixed), so the pictures are the same on every build; the whole
gallery takes a few seconds on one core.

The pictures are added to the build as generated files (``gallery/<Name>.jpg``), and
``docs/gallery.md``'s ``<!-- gallery: ... -->`` markers are replaced by their Markdown. A
transform added to ``augmentlab.image`` without an entry in `SETTINGS` is drawn with ``p=1.0``
alone; if that cannot be built, the build stops with a warning naming it (``--strict``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import numpy as np
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.gallery")

TILE = 192  # pixels: each tile's longer side on the page
QUALITY = 85

# Settings that show each transform clearly on a 256 x 256 photo (p=1.0: it always acts).
SETTINGS: dict[str, dict[str, Any]] = {
    "Affine": {"rotate": 20, "scale": (0.8, 1.1), "translate_percent": 0.08, "shear": 8, "p": 1.0},
    "AutoContrast": {"p": 1.0},
    "Blur": {"blur_limit": (7, 11), "p": 1.0},
    "BrightnessContrast": {"brightness_limit": 0.3, "contrast_limit": 0.3},
    "CLAHE": {"clip_limit": (2, 4), "p": 1.0},
    "CenterCrop": {"height": 160, "width": 200},
    "ChannelShuffle": {"p": 1.0},
    "CoarseDropout": {"num_holes_range": (2, 4), "p": 1.0},
    "ColorJitter": {"p": 1.0},
    "Defocus": {"radius": (4, 8), "p": 1.0},
    "Downscale": {"scale_range": (0.2, 0.3), "p": 1.0},
    "ElasticWarp": {"alpha": 120, "sigma": 8},
    "Emboss": {"alpha": (0.5, 0.8), "strength": (0.5, 1.0), "p": 1.0},
    "Equalize": {"p": 1.0},
    "GaussNoise": {"std_range": (0.1, 0.2), "p": 1.0},
    "GaussianBlur": {"sigma_limit": (2, 4), "p": 1.0},
    "GridDistortion": {"distort_limit": (-0.4, 0.4), "p": 1.0},
    "GridDropout": {"p": 1.0},
    "HorizontalFlip": {"p": 1.0},
    "HueSaturationValue": {"hue_shift_limit": 40, "sat_shift_limit": 50, "val_shift_limit": 30,
                           "p": 1.0},
    "ISONoise": {"intensity": (0.4, 0.8), "p": 1.0},
    "Invert": {},
    "JpegCompression": {"quality_range": (5, 15)},
    "LongestMaxSize": {"max_size": 128},
    "MedianBlur": {"blur_limit": (7, 9), "p": 1.0},
    "MotionBlur": {"blur_limit": (13, 19), "p": 1.0},
    "MultiplicativeNoise": {"multiplier": (0.6, 1.4), "elementwise": True, "p": 1.0},
    "Normalize": {},
    "OpticalDistortion": {"distort_limit": (-0.4, 0.4), "p": 1.0},
    "PadIfNeeded": {"min_height": 320, "min_width": 320},
    "Perspective": {"scale": (0.08, 0.15), "p": 1.0},
    "Posterize": {"num_bits": (2, 3), "p": 1.0},
    "RGBShift": {"r_shift_limit": 50, "g_shift_limit": 50, "b_shift_limit": 50, "p": 1.0},
    "RandomCrop": {"height": 160, "width": 160},
    "RandomErasing": {},
    "RandomFog": {"fog_coef_range": (0.5, 0.8), "p": 1.0},
    "RandomGamma": {"gamma_limit": (50, 200), "p": 1.0},
    "RandomRain": {"p": 1.0},
    "RandomResizedCrop": {"size": (256, 256), "scale": (0.2, 0.6)},
    "RandomRotate90": {},
    "RandomScale": {"scale_limit": (-0.5, -0.2), "p": 1.0},
    "RandomShadow": {"p": 1.0},
    "RandomSunFlare": {"src_radius": 80, "p": 1.0},
    "Resize": {"height": 128, "width": 256},
    "Rotate": {"limit": 40, "p": 1.0},
    "SaltAndPepper": {"amount": (0.03, 0.08), "p": 1.0},
    "Sharpen": {"alpha": (0.6, 1.0), "p": 1.0},
    "ShiftScaleRotate": {"p": 1.0},
    "SmallestMaxSize": {"max_size": 128},
    "Solarize": {"threshold": (0.4, 0.6), "p": 1.0},
    "ToGray": {"p": 1.0},
    "Transpose": {"p": 1.0},
    "VerticalFlip": {"p": 1.0},
    "ChannelDropout": {"p": 1.0},
    "D4": {},
    "ImageCompression": {"compression_type": "webp", "quality_range": (2, 8), "p": 1.0},
    "Morphological": {"scale": (5, 7), "operation": "erosion", "p": 1.0},
    "PixelDropout": {"dropout_prob": 0.1, "p": 1.0},
    "RandomToneCurve": {"scale": 0.25, "per_channel": True, "p": 1.0},
    "ToSepia": {"p": 1.0},
    "ZoomBlur": {"max_factor": (1.15, 1.25), "p": 1.0},
    "AdvancedBlur": {"blur_limit": (11, 15), "sigma_x_limit": (2, 4), "sigma_y_limit": (0.5, 1),
                     "p": 1.0},
    "BBoxSafeRandomCrop": {"erosion_rate": 0.2},
    "RandomSizedBBoxSafeCrop": {"height": 192, "width": 256},
    "CropNonEmptyMaskIfExists": {"height": 128, "width": 128},
    "GlassBlur": {"sigma": 0.9, "max_delta": 4, "p": 1.0},
    "UnsharpMask": {"alpha": (0.8, 1.0), "blur_limit": (9, 15), "p": 1.0},
    "XYMasking": {"num_masks_x": (2, 3), "mask_x_length": (10, 25), "num_masks_y": (1, 2),
                  "mask_y_length": (10, 25), "p": 1.0},
    "MaskDropout": {"max_objects": (1, 2), "p": 1.0},
    "RandomGridShuffle": {"grid": (3, 3), "p": 1.0},
    "PiecewiseAffine": {"scale": (0.04, 0.06), "p": 1.0},
    "ThinPlateSpline": {"scale_range": (0.4, 0.6), "p": 1.0},
    "RandomSnow": {"snow_point_range": (0.3, 0.5), "p": 1.0},
    "Vignetting": {"strength_range": (0.5, 0.7), "radius_range": (0.2, 0.3), "p": 1.0},
    "ChromaticAberration": {"primary_distortion_limit": (-0.4, 0.4),
                            "secondary_distortion_limit": (-0.5, 0.5), "p": 1.0},
    "FancyPCA": {"alpha": 1.0, "p": 1.0},
    "Spatter": {"mode": "mud", "p": 1.0},
    "PlanckianJitter": {"p": 1.0},
    "HistogramMatching": {"blend_ratio": (0.8, 1.0), "p": 1.0},
    "FDA": {"beta_limit": (0.05, 0.1), "p": 1.0},
    "CopyPaste": {"objects": (2, 3), "scale": (0.4, 0.7), "p": 1.0},
    "BleedThrough": {"intensity_range": (0.3, 0.5), "offset_range": 0.05},
    "DirtyDrum": {"concentration_range": (0.15, 0.25), "intensity_range": (0.5, 0.8)},
    "DirtyRollers": {"line_width_range": (10, 16), "intensity_range": (0.4, 0.6)},
    "Faxify": {"halftone": True},
    "Folding": {"fold_count": (2, 3), "depth_range": (0.02, 0.03), "shade_range": (0.3, 0.5)},
    "InkBleed": {"kernel_size": (7, 9), "severity_range": (0.6, 0.8), "intensity_range": (0.8, 1.0)},
    "LowInkLines": {"count_range": (15, 25), "lightness_range": (0.6, 0.9)},
    "PageWarp": {"curve_range": (-0.05, 0.05), "curl_range": (0.04, 0.05)},
    "PaperTexture": {"roughness_range": (0.1, 0.15), "grain_range": (0.03, 0.05),
                     "tint_range": (0.1, 0.15)},
    "PhotocopyNoise": {"density_range": (0.3, 0.5), "intensity_range": (0.5, 0.8)},
    "ShadowCast": {"opacity_range": (0.7, 0.9), "width_range": (0.6, 1.0), "depth_range": (0.4, 0.7)},
}
# transforms toward a reference image: the coffee photo (an array, shown by name)
REFERENCED = {"HistogramMatching", "FDA"}
# CopyPaste: objects cut from the coffee photo (its cup, a disc in the middle), shown by name
BANKED = {"CopyPaste"}
# transforms that read boxes or masks: drawn on the coffee photo with its mask, boxes and points
WITH_TARGETS = {"BBoxSafeRandomCrop", "RandomSizedBBoxSafeCrop", "CropNonEmptyMaskIfExists",
                "MaskDropout"}
# frames of a clip, not one picture: the video guide shows them
VIDEO = {"Video", "TemporalCrop", "FrameSample"}
POLICIES: dict[str, dict[str, Any]] = {
    "RandAugment": {"num_ops": 2, "magnitude": 9},
    "TrivialAugmentWide": {},
    "AutoAugment": {"policy": "imagenet"},
    "AugMix": {"severity": 3},
}
SEEDS = (0, 1)


def _displayable(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:  # Normalize: float, about zero-centred; shown min-max stretched
        low, high = float(image.min()), float(image.max())
        image = ((image - low) / max(high - low, 1e-6) * 255).round().astype(np.uint8)
    return image


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _strip(tiles: list[np.ndarray], gap: int = 8) -> np.ndarray:
    """Tiles side by side on white, top-aligned; one scale for all, so sizes compare."""
    scale = TILE / 256
    tiles = [_scaled(t, scale) for t in tiles]
    height = max(t.shape[0] for t in tiles)
    width = sum(t.shape[1] for t in tiles) + gap * (len(tiles) - 1)
    out = np.full((height, width, 3), 255, np.uint8)
    x = 0
    for tile in tiles:
        out[: tile.shape[0], x : x + tile.shape[1]] = tile
        x += tile.shape[1] + gap
    return out


def _jpeg(image: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    assert ok
    return buf.tobytes()


def _draw(fields: dict[str, Any]) -> np.ndarray:
    """Mask tinted blue, boxes green, keypoints yellow with a dark outline."""
    import cv2

    out = np.ascontiguousarray(fields["image"]).copy()
    mask = np.asarray(fields["mask"]) > 0
    out[mask] = (0.45 * out[mask] + 0.55 * np.array([0, 110, 255])).astype(np.uint8)
    for x0, y0, x1, y1 in np.asarray(fields["bboxes"], float).reshape(-1, 4)[:, :4]:
        cv2.rectangle(out, (round(x0), round(y0)), (round(x1) - 1, round(y1) - 1), (0, 255, 0), 2)
    for x, y in np.asarray(fields["keypoints"], float).reshape(-1, 2):
        cv2.circle(out, (round(x), round(y)), 5, (255, 230, 0), -1)
        cv2.circle(out, (round(x), round(y)), 6, (0, 0, 0), 1)
    return out


def _scene(photos: dict[str, np.ndarray]) -> dict[str, Any]:
    """The coffee photo with a mask, two boxes and two keypoints."""
    import cv2

    image = photos["coffee"]
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.ellipse(mask, (125, 95), (60, 32), 0, 0, 360, 1, -1)  # the coffee in the cup, roughly
    return {"image": image, "mask": mask, "bboxes": [[40, 8, 208, 160], [138, 138, 200, 212]],
            "labels": ["cup", "spoon"], "keypoints": [[125, 95], [166, 182]]}


class Gallery:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.sections: dict[str, str] = {}
        self.failed: list[str] = []
        self.scene: dict[str, Any] = {}
        self.reference: np.ndarray | None = None
        self.bank: Any = None

    def build(self) -> None:
        import augmentlab as al
        from augmentlab.datasets import sample_photos

        photos = dict(sample_photos(256))
        photo = photos["astronaut"]
        names = [n for n in al.image.__all__ if n not in VIDEO
                 and isinstance(getattr(al.image, n), type)
                 and issubclass(getattr(al.image, n), al.Transform)]  # not InstanceBank
        coffee = photos["coffee"]
        yy, xx = np.mgrid[:coffee.shape[0], :coffee.shape[1]]
        cup = ((yy - 128) ** 2 + (xx - 128) ** 2 < 90 ** 2).astype(np.uint8)[:, :, None]
        self.bank = al.InstanceBank.from_arrays([coffee], [cup], [["cup"]])
        self.scene = _scene(photos)
        self.reference = photos["coffee"]
        self.sections["transforms"] = self._section(al, names, SETTINGS, photo)
        self.sections["policies"] = self._section(al.policies, list(POLICIES), POLICIES, photo)
        self.sections["targets"] = self._targets(al, photos)

    def _section(self, module: Any, names: list[str], settings: dict[str, dict[str, Any]],
                 photo: np.ndarray) -> str:
        rows = []
        for name in names:
            config = settings.get(name, {"p": 1.0})
            extra: dict[str, Any] = {"reference_images": [self.reference]} \
                if name in REFERENCED else {"bank": self.bank} if name in BANKED else {}
            try:
                transform = getattr(module, name)(**config, **extra)
                if name in WITH_TARGETS:
                    from augmentlab import Compose

                    pipe = Compose([transform], min_visibility=0.3)
                    drawn = [pipe(**self.scene, sample_id=0, copy=0, seed=seed) for seed in SEEDS]
                    outs = [d["image"] for d in drawn]
                    tiles = [_draw(self.scene)] + [_draw(d) for d in drawn]
                else:
                    outs = [transform(image=photo, sample_id=0, copy=0, seed=seed)["image"]
                            for seed in SEEDS]
                    tiles = [photo] + [_displayable(o) for o in outs]
            except Exception as error:  # noqa: BLE001  (reported as a build warning, by name)
                self.failed.append(f"{name}({config}): {type(error).__name__}: {error}")
                continue
            self.files[f"gallery/{name}.jpg"] = _jpeg(_strip(tiles))
            shape = " x ".join(str(s) for s in outs[0].shape[:2])
            args = ", ".join(f"{k}={json.dumps(v) if isinstance(v, str) else v}"
                             for k, v in config.items())
            if name in REFERENCED:
                args = f"reference_images=[the coffee photo], {args}"
            elif name in BANKED:
                args = f"bank=[the cup of the coffee photo], {args}"
            rows.append(
                f"### {name}\n\n"
                f"`{name}({args})`: output {shape}"
                f"{'' if outs[0].dtype == np.uint8 else f', {outs[0].dtype} (shown stretched)'}"
                f" ([reference][{module.__name__}.{name}])\n\n"
                f'![{name}: the photo, then two draws](gallery/{name}.jpg)\n'
            )
        return "\n".join(rows)

    def _targets(self, al: Any, photos: dict[str, np.ndarray]) -> str:
        image, mask, bboxes, labels, keypoints = (self.scene[k] for k in (
            "image", "mask", "bboxes", "labels", "keypoints"))
        pipe = al.Compose([
            al.HorizontalFlip(p=0.5),
            al.Affine(rotate=25, scale=(0.8, 1.1), translate_percent=0.1, p=1.0),
            al.Perspective(scale=(0.05, 0.1), p=1.0),
            al.RandomResizedCrop((256, 256), scale=(0.5, 1.0)),
            al.BrightnessContrast(),
        ], seed=0, min_visibility=0.3)
        tiles = [_draw({"image": image, "mask": mask, "bboxes": bboxes, "keypoints": keypoints})]
        for copy in range(3):
            out = pipe(image=image, mask=mask, bboxes=bboxes, labels=labels, keypoints=keypoints,
                       sample_id=0, copy=copy)
            tiles.append(_draw(out))
        self.files["gallery/targets.jpg"] = _jpeg(_strip(tiles))
        return ('![The coffee photo with a mask (blue), two boxes (green) and two keypoints (yellow), '
                'then three augmented copies](gallery/targets.jpg)\n')


_gallery: Gallery | None = None


@event_priority(50)
def on_files(files: Files, config) -> Files:
    global _gallery
    start = time.perf_counter()
    _gallery = Gallery()
    _gallery.build()
    for failure in _gallery.failed:
        log.warning("gallery: cannot draw %s; add working settings to docs/hooks/gallery.py", failure)
    for path, content in _gallery.files.items():
        files.append(File.generated(config, path, content=content))
    log.info("gallery: %d pictures in %.1f s", len(_gallery.files), time.perf_counter() - start)
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    if _gallery is None or "<!-- gallery:" not in markdown:
        return markdown
    for key, text in _gallery.sections.items():
        markdown = markdown.replace(f"<!-- gallery: {key} -->", text)
    return markdown
