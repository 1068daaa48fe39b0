"""Document degradation (augmentlab.image.document) on real rendered text pages: what each effect
does to ink and paper, that word boxes, masks and keypoints follow the page warps, and the
contract every transform keeps (determinism, replay, config round trip, p=0, dtypes, channels,
typed errors)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.errors import InvalidConfig
from augmentlab.image.document import (
    BleedThrough,
    DirtyDrum,
    DirtyRollers,
    Faxify,
    Folding,
    InkBleed,
    LowInkLines,
    PageWarp,
    PaperTexture,
    PhotocopyNoise,
    ShadowCast,
)
from document_pages import Page, render_page

# one configuration each that acts on every call (the shared suites' CASES use the same)
DOC_CASES: dict[str, dict[str, Any]] = {
    "BleedThrough": {},
    "DirtyDrum": {"concentration_range": (0.1, 0.2)},
    "InkBleed": {},
    "PaperTexture": {"tint_range": (0.05, 0.12)},
    "PhotocopyNoise": {"density_range": (0.2, 0.4)},
    "DirtyRollers": {"line_width_range": (4, 8)},
    "LowInkLines": {"count_range": (3, 6)},
    "ShadowCast": {},
    "Faxify": {"scale_range": (1.0, 1.25)},
    "Folding": {"border_mode": "constant"},
    "PageWarp": {"curl_range": (0.02, 0.05), "border_mode": "constant"},
}
WARPS = {"Folding", "PageWarp"}


def _build(name: str, **extra: Any) -> al.Transform:
    return al.Transform.from_config({"name": name, **DOC_CASES[name], **extra})


@pytest.fixture(scope="module")
def page() -> Page:
    return render_page(240, 320, size=14, seed=0)


def _run(t: al.Transform, image: np.ndarray, sample_id: int = 0, seed: int = 0) -> np.ndarray:
    return al.Compose([t], seed=seed)(image=image, sample_id=sample_id)["image"]


def _near(mask: np.ndarray, radius: int) -> np.ndarray:
    k = 2 * radius + 1
    return cv2.dilate(mask.astype(np.uint8), np.ones((k, k), np.uint8)) > 0


# -- what each effect does ------------------------------------------------------------------


@pytest.mark.parametrize("textured", [False, True])
def test_ink_bleed_spreads_ink_near_text_only(page: Page, textured: bool) -> None:
    image = page.image
    if textured:  # paper texture is not ink: far from text it must stay as it was too
        image = _run(PaperTexture(roughness_range=0.1, grain_range=0.04), image)
    ink = page.ink
    for sid in range(4):
        t = InkBleed(kernel_size=5, severity_range=(0.5, 0.5), intensity_range=(0.7, 0.7))
        out = _run(t, image, sid)
        far = ~_near(ink, 5 // 2 + 2)
        assert np.array_equal(out[far], image[far])
        ring = _near(ink, 2) & ~ink
        # the ring around strokes takes ink: darker on average, never lighter by more than the
        # light blur that softens a stroke's own edge
        assert out[ring].astype(float).mean() < image[ring].astype(float).mean() - 5
        assert out.astype(float).sum() < image.astype(float).sum()
    rgb = InkBleed()(image=page.rgb, seed=1)["image"]
    assert rgb.shape == page.rgb.shape and (rgb[..., 0] == rgb[..., 2]).all()


@pytest.mark.parametrize("method", ["otsu", "adaptive", "fixed"])
def test_faxify_is_binary_and_keeps_the_text_in_place(page: Page, method: str) -> None:
    for image in (page.image, page.rgb):
        for sid in range(3):
            out = _run(Faxify(method=method, scale_range=(1.0, 1.25)), image, sid)
            assert out.shape == image.shape and out.dtype == np.uint8
            assert set(np.unique(out).tolist()) == {0, 255}
            dark = (out if out.ndim == 2 else out[..., 0]) == 0
            if out.ndim == 3:  # a fax is monochrome: every channel alike
                assert (out == out[..., :1]).all()
            # the text stays where it was: strokes overlap, and within a pixel every black
            # pixel is ink and every stroke is black (a coarser scan thickens or thins them)
            iou = (dark & page.ink).sum() / (dark | page.ink).sum()
            assert iou > 0.5, (method, sid, iou)
            assert (dark & _near(page.ink, 1)).sum() >= 0.97 * dark.sum()
            # (a fixed threshold may drop the faintest strokes of a coarser scan)
            recall = 0.85 if method == "fixed" else 0.95
            assert (page.ink & _near(dark, 1)).sum() >= recall * page.ink.sum()


def test_faxify_halftone_renders_grey_as_dots_and_text_as_ink(page: Page) -> None:
    t = Faxify(halftone=True, scale_range=1.0, halftone_period_range=4)
    grey = np.full((64, 64), int(0.55 * 255), np.uint8)  # 0.5 after the levels
    out = _run(t, grey)
    assert set(np.unique(out).tolist()) == {0, 255}
    assert 0.4 < (out == 255).mean() < 0.6
    text = _run(t, page.image)
    dark = text == 0
    assert (dark & ~_near(page.ink, 1)).sum() == 0  # no dots on clean paper
    assert dark[page.image < 40].mean() > 0.99  # solid ink stays solid


def test_low_ink_lines_lighten_ink_only_along_the_lines(page: Page) -> None:
    pipe = al.Compose([LowInkLines(count_range=(6, 6), lightness_range=(0.6, 0.8))], seed=0)
    for mode_pipe in (pipe, al.Compose([LowInkLines(mode="periodic", period_range=(12, 12))],
                                       seed=0)):
        out = mode_pipe(image=page.image, sample_id=3)
        params = out.record.steps[0].params
        rows = np.asarray(params["rows"])
        img, before = out["image"].astype(int), page.image.astype(int)
        assert (img >= before).all()  # lighter or the same, never darker
        off = ~np.isin(np.arange(img.shape[0]), np.concatenate([rows - 1, rows, rows + 1]))
        assert np.array_equal(img[off], before[off])
        for row, light in zip(rows, params["lightness"], strict=True):
            assert img[row].min() >= round(light * 255) - 1
        # the lines cross text: some ink was actually lifted
        assert (img[rows] > before[rows]).sum() > 20
    assert len(out.record.steps[0].params["rows"]) >= 320 // 12 - 1


@pytest.mark.parametrize("name", sorted(WARPS))
def test_word_boxes_masks_and_keypoints_follow_the_warp(page: Page, name: str) -> None:
    strong = {"Folding": {"fold_count": (2, 3), "depth_range": (0.02, 0.03),
                          "width_range": (0.05, 0.08), "orientation": "random", "fill": 255},
              "PageWarp": {"curve_range": (0.03, 0.05), "curl_range": (0.04, 0.05), "fill": 255}}[name]
    t = _build(name, **strong)
    pipe = al.Compose([t], bbox_format="pascal_voc", seed=2, min_visibility=0.0)
    labels = list(range(len(page.boxes)))
    centres = [[(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] for b in page.boxes]
    moved = 0.0
    for sid in range(4):
        out = pipe(image=page.image, mask=page.labels,
                   bboxes=al.BBoxes(page.boxes, format="pascal_voc", labels=labels),
                   keypoints=al.KeyPoints(centres, labels=labels), sample_id=sid)
        img, mask = out["image"], out["mask"]
        boxes, kept = out["bboxes"].array, list(out["bboxes"].labels)
        assert len(kept) == len(labels)  # no word leaves the page
        inside = np.zeros(mask.shape, bool)
        for box, i in zip(boxes, kept, strict=True):
            x0, y0 = int(np.floor(box[0])) - 1, int(np.floor(box[1])) - 1
            x1, y1 = int(np.ceil(box[2])) + 1, int(np.ceil(box[3])) + 1
            word = mask == i + 1
            region = np.zeros(mask.shape, bool)
            region[max(0, y0):y1, max(0, x0):x1] = True
            inside |= region
            # the word's own ink (its mask, moved with the page) lies in its moved box
            assert word.sum() > 0 and (word & region).sum() >= 0.95 * word.sum(), (name, i)
        ink = img < 128
        # the warped page's ink lies in the moved boxes, and the mask moved with the ink
        assert (ink & inside).sum() >= 0.95 * ink.sum()
        assert (ink & (mask > 0)).sum() >= 0.9 * ink.sum()
        # each word's centre, moved as a keypoint, lies inside that word's moved box
        box_of = dict(zip(kept, boxes, strict=True))
        for (x, y), i in zip(out["keypoints"].array, out["keypoints"].labels, strict=True):
            b = box_of[i]
            assert b[0] - 1 <= x <= b[2] + 1 and b[1] - 1 <= y <= b[3] + 1
        moved = max(moved, float(np.abs(boxes - np.asarray(page.boxes)[kept]).max()))
    assert moved > 3  # the warp did move words


def test_folding_shades_its_crease_and_moves_text_along_it() -> None:
    blank = np.full((120, 160), 255, np.uint8)
    t = Folding(fold_count=1, orientation="vertical", angle_range=0, width_range=(0.1, 0.1),
                depth_range=(0.02, 0.02), shade_range=(0.3, 0.3))
    out = al.Compose([t], seed=0)(image=blank, sample_id=0)
    (angle, pos, *_), = out.record.steps[0].params["folds"]
    x = int(round((160 - 1) / 2 + (pos - 0.5) * 160))
    img = out["image"].astype(int)
    assert img[:, x].max() < 255 - 40  # a dark crease line down the page
    assert (img[:, : x - 17] == 255).all() or (img[:, x + 17:] == 255).all()  # shadow one side
    # text on the crease moves along it: a horizontal bar bends into a tent
    bar = np.full((120, 160), 255, np.uint8)
    bar[58:62] = 0
    moved = al.Compose([t], seed=0)(image=bar, sample_id=0)["image"]
    rows = np.nonzero(moved[:, x] < 128)[0]
    far = np.nonzero(moved[:, 2] < 128)[0]
    assert abs(rows.mean() - far.mean()) > 2


def test_page_warp_bows_lines_and_curls_an_edge(page: Page) -> None:
    t = PageWarp(curve_range=(0.04, 0.04), curl_range=(0.05, 0.05), curl_width_range=0.3,
                 curl_side="right")
    bar = np.full((200, 160), 255, np.uint8)
    bar[98:102] = 0
    out = al.Compose([t], seed=0)(image=bar, sample_id=0)["image"]
    centre = np.nonzero(out[:, 80] < 128)[0].mean()
    edge = np.nonzero(out[:, 1] < 128)[0].mean()
    assert centre - edge < -5  # bowed: the middle of the line rose (source below it shows)
    # the curled edge is shaded: the paper darkens toward it
    paper = out[150:190]
    assert paper[:, -2].mean() < paper[:, 100].mean() - 20 and (paper[:, :90] == 255).all()


def test_paper_texture_changes_the_paper_and_keeps_text_readable(page: Page) -> None:
    paper = ~_near(page.ink, 2)
    for image in (page.image, page.rgb):
        for sid in range(3):
            out = _run(PaperTexture(tint_range=(0.1, 0.12)), image, sid)
            grey = out.astype(float) if out.ndim == 2 else out.astype(float).mean(axis=2)
            assert grey[paper].std() > 1.5 and grey[paper].mean() < 250
            core = page.image < 40
            assert grey[core].max() < np.percentile(grey[paper], 1)
            if out.ndim == 3:  # tinted toward cream: less blue than red on the paper
                assert out[..., 2][paper].mean() < out[..., 0][paper].mean() - 3


def test_photocopy_noise_only_darkens_and_gathers_at_its_side(page: Page) -> None:
    left = right = 0.0
    for sid in range(4):
        out = _run(PhotocopyNoise(side="left", density_range=(0.3, 0.3)), page.image, sid)
        assert (out <= page.image).all()
        loss = page.image.astype(float) - out
        left += loss[:, :80].sum()
        right += loss[:, 160:].sum()
    assert left > 3 * right and left > 0


@pytest.mark.parametrize("direction", ["vertical", "horizontal"])
def test_dirty_rollers_make_stripes_along_the_feed(direction: str) -> None:
    blank = np.full((90, 120), 255, np.uint8)
    out = _run(DirtyRollers(direction=direction, line_width_range=(5, 5)), blank)
    stripes = out if direction == "vertical" else out.T
    assert (stripes == stripes[:1]).all()  # constant along the feed
    profile = stripes[0].astype(float)
    assert profile.max() >= 252 and profile.min() < 248
    # a band every 10-15 pixels: darkest points between
    minima = np.nonzero((profile[1:-1] < profile[:-2]) & (profile[1:-1] <= profile[2:]))[0]
    assert len(profile) // 16 <= len(minima) <= len(profile) // 8 + 2


def test_shadow_cast_darkens_from_its_side(page: Page) -> None:
    for side, near, far in (("top", np.s_[:20], np.s_[-30:]), ("right", np.s_[:, -20:],
                                                                np.s_[:, :20])):
        out = _run(ShadowCast(side=side, width_range=(0.9, 1.0), opacity_range=(0.6, 0.6)),
                   page.image)
        assert (out <= page.image).all()
        loss = page.image.astype(float) - out
        assert loss[near].mean() > 30 and loss[far].max() <= 1


def test_bleed_through_shows_the_mirrored_page_on_the_paper(page: Page) -> None:
    t = BleedThrough(intensity_range=(0.3, 0.3), blur_range=(1.0, 1.0), offset_range=0)
    out = _run(t, page.image)
    assert (out <= page.image).all()
    loss = page.image.astype(float) - out
    back = page.ink[:, ::-1]  # the other side's ink, as seen through the sheet
    paper = ~_near(page.ink, 1)
    assert loss[back & paper].mean() > 30  # the mirrored words show on the paper
    assert loss[~_near(back, 4)].max() <= 1  # and nothing else does
    assert (out[page.image < 40] < 40).all()  # ink stays ink


@pytest.mark.parametrize("direction", ["vertical", "horizontal"])
def test_dirty_drum_streaks_run_the_length_of_the_page(direction: str) -> None:
    blank = np.full((120, 160), 255, np.uint8)
    t = DirtyDrum(direction=direction, concentration_range=(0.2, 0.2), line_width_range=(1, 3))
    for sid in range(3):
        out = _run(t, blank, sid)
        assert (out <= blank).all()
        streaks = (out < 255) if direction == "vertical" else (out < 255).T
        lines = streaks.any(axis=0)
        assert 0 < lines.mean() < 0.5  # a few lines, not the whole page
        # each line is a long trail down the page, not a few specks
        assert streaks[:, lines].mean() > 0.3
        assert np.ptp(np.nonzero(streaks[:, lines].any(axis=1))[0]) > 100


# -- the contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOC_CASES))
def test_determinism_replay_and_config_round_trip(name: str, page: Page) -> None:
    pipe = al.Compose([_build(name)], seed=5)
    small = page.rgb[:160, :120].copy()
    a = pipe(image=small, sample_id=1)
    b = al.Compose([_build(name)], seed=5)(image=small, sample_id=1)
    assert a["image"].tobytes() == b["image"].tobytes()
    c = pipe(image=small, sample_id=2)
    assert c["image"].tobytes() != a["image"].tobytes()
    record = al.Record.from_json(a.record.to_json())
    assert pipe.replay(record, image=small)["image"].tobytes() == a["image"].tobytes()
    for text in (pipe.to_yaml(), pipe.to_json()):
        loaded = al.load_pipeline(text)
        assert loaded.get_config() == pipe.get_config()
        assert loaded(image=small, sample_id=1)["image"].tobytes() == a["image"].tobytes()
    off = al.Transform.from_config({**_build(name).get_config(), "p": 0.0})
    assert np.array_equal(al.Compose([off], seed=0)(image=small, sample_id=0)["image"], small)


@pytest.mark.parametrize("name", sorted(DOC_CASES))
def test_dtypes_and_channels_are_kept(name: str, page: Page) -> None:
    grey = page.image[:96, :120]
    for image in (grey, page.rgb[:96, :120], grey.astype(np.float32) / 255,
                  np.repeat(grey[:, :, None], 5, axis=2)):
        out = _run(_build(name), image, 3)
        assert out.shape == image.shape and out.dtype == image.dtype
        if out.dtype == np.float32:
            assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    # 16 bits: on their own range, the float result times 65535
    low_byte = np.random.default_rng(0).integers(0, 257, grey.shape).astype(np.uint16)
    deep = grey.astype(np.uint16) * 257 + low_byte
    out16 = _run(_build(name), deep, 3)
    out_f = _run(_build(name), deep.astype(np.float32) / 65535, 3)
    assert out16.dtype == np.uint16
    diff = np.abs(out16.astype(float) - out_f.astype(float) * 65535)
    assert diff.max() <= 2.0, name


@pytest.mark.parametrize(("make", "match"), [
    (lambda: InkBleed(kernel_size=(4, 6)), r"InkBleed: kernel_size=\(4, 6\) must be odd"),
    (lambda: InkBleed(intensity_range=(0.2, 1.5)), r"InkBleed: intensity_range"),
    (lambda: LowInkLines(mode="zigzag"), r"LowInkLines: mode='zigzag' is not one of random"),
    (lambda: LowInkLines(count_range=(2.5, 4)), r"LowInkLines: count_range=.* whole numbers"),
    (lambda: Faxify(method="sauvola"), r"Faxify: method='sauvola' is not one of otsu"),
    (lambda: Faxify(scale_range=(0.5, 1)), r"Faxify: scale_range=\(0.5, 1\) must be >= 1"),
    (lambda: PaperTexture(roughness_range=(0.3, 0.1)), r"PaperTexture: roughness_range.*min > max"),
    (lambda: PhotocopyNoise(side="middle"), r"PhotocopyNoise: side='middle' is not one of"),
    (lambda: DirtyRollers(line_width_range=0), r"DirtyRollers: line_width_range.*>= 1"),
    (lambda: ShadowCast(opacity_range=2), r"ShadowCast: opacity_range.*<= 1"),
    (lambda: Folding(orientation="diagonal"), r"Folding: orientation='diagonal' is not one of"),
    (lambda: Folding(width_range=(0, 0.1)), r"Folding: width_range.*>= 0.001"),
    (lambda: PageWarp(curl_side="top"), r"PageWarp: curl_side='top' is not one of"),
    (lambda: PageWarp(curve_range=0.5), r"PageWarp: curve_range.*>= -0.2"),
    (lambda: BleedThrough(blur_range=(-1, 2)), r"BleedThrough: blur_range.*>= 0"),
    (lambda: DirtyDrum(direction="diagonal"), r"DirtyDrum: direction='diagonal' is not one of"),
    (lambda: InkBleed(3), r"InkBleed: arguments are keyword-only"),
])
def test_bad_arguments_raise_typed_errors_naming_the_transform(make: Any, match: str) -> None:
    with pytest.raises(InvalidConfig, match=match):
        make()


def test_a_degraded_scan_pipeline_runs_on_a_page_with_its_words(page: Page) -> None:
    pipe = al.Compose([PageWarp(border_mode="constant", fill=255), Folding(fill=255),
                       InkBleed(), BleedThrough(), PaperTexture(), LowInkLines(),
                       DirtyRollers(p=0.5), DirtyDrum(p=0.5), ShadowCast(p=0.5),
                       PhotocopyNoise(p=0.5), al.JpegCompression()],
                      bbox_format="pascal_voc", seed=0)
    out = pipe(image=page.rgb, bboxes=page.boxes, sample_id=0)
    assert out["image"].shape == page.rgb.shape and len(out["bboxes"]) == len(page.boxes)
    assert [s.name for s in out.record.steps][-1] == "JpegCompression"
