"""What the Albumentations transforms of issue 24 (part 2) do: MaskDropout, RandomGridShuffle,
PiecewiseAffine, ThinPlateSpline. Each is checked against Albumentations' own kernel where its
math is ours, or against the definition where Albumentations' differs (said in the docstring)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import augmentlab as al
from augmentlab.compat.albumentations import from_albumentations
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.image.distortion import tps_control_points
from augmentlab.image.dropout import label_objects

A = pytest.importorskip("albumentations")


def _quiet(make):  # noqa: ANN001, ANN202 (Albumentations warns on import paths and defaults)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return np.ascontiguousarray(sample_photos(96)[1][1][8:72, 0:90])  # 64 x 90: not square


# -- MaskDropout ------------------------------------------------------------------------------

def _scene() -> tuple[np.ndarray, list[list[int]]]:
    """A label mask with three objects (two of class 1 apart, one of class 2) and their boxes."""
    mask = np.zeros((60, 80), np.uint8)
    mask[5:25, 5:35] = 1
    mask[40:55, 10:30] = 1
    mask[30:50, 50:75] = 2
    return mask, [[5, 5, 35, 25], [10, 40, 30, 55], [50, 30, 75, 50]]


def test_objects_are_numbered_as_albumentations_numbers_them() -> None:
    from albumentations.augmentations.dropout import functional as fdrop

    mask, _ = _scene()
    mask[0, 79] = 2  # a one-pixel object
    ours, n = label_objects(mask)
    theirs, m = fdrop.label(mask, return_num=True)
    assert n == m == 4 and np.array_equal(ours, theirs)


def test_an_erased_object_loses_its_box_its_labels_and_its_keypoints(photo: np.ndarray) -> None:
    mask, boxes = _scene()
    image = np.ascontiguousarray(photo[:60, :80])
    pipe = al.Compose([al.MaskDropout(max_objects=1, fill=0, fill_mask=0, p=1.0)],
                      bbox_params={"format": "pascal_voc", "label_fields": ["names"],
                                   "min_visibility": 0.1},
                      keypoint_params={"label_fields": ["kp_names"]})
    points = [[20, 15], [20, 47], [60, 40], [2, 2]]  # one on each object, one on background
    seen = set()
    for i in range(12):
        out = pipe(image=image, mask=mask, bboxes=boxes, names=["a", "b", "c"], keypoints=points,
                   kp_names=["pa", "pb", "pc", "bg"], sample_id=i)
        (gone,) = out.record.steps[0].params["objects"]
        name = "abc"[gone - 1]  # objects are numbered by value, then top to bottom
        seen.add(name)
        erased = (mask > 0) & (out["mask"] == 0)
        # exactly that object's pixels, in the image and the mask; everything else untouched
        x0, y0, x1, y1 = boxes[gone - 1]
        assert erased.sum() == (x1 - x0) * (y1 - y0) and erased[y0:y1, x0:x1].all()
        assert (out["image"][erased] == 0).all()
        assert np.array_equal(out["image"][~erased], image[~erased])
        # its box and its label are gone, the others kept as they were
        assert out["names"] == [n for n in "abc" if n != name]
        kept = [b for b, n in zip(boxes, "abc", strict=True) if n != name]
        assert np.array_equal(np.asarray(out["bboxes"]), np.asarray(kept, float))
        assert out["kp_names"] == [n for n in ("pa", "pb", "pc", "bg") if n != "p" + name]
    assert seen == {"a", "b", "c"}


def test_a_box_keeps_the_share_of_its_area_that_was_not_erased() -> None:
    mask = np.zeros((20, 40), np.uint8)
    mask[:, :10] = 1  # one object, the left quarter
    box = [[0.5, 0, 20.5, 10]]  # 9.5 of its 20 pixels' width lie on the object
    for min_vis, kept in ((0.5, 1), (0.55, 0)):
        pipe = al.Compose([al.MaskDropout(p=1.0)], min_visibility=min_vis, bbox_format="pascal_voc")
        out = pipe(image=np.ones((20, 40), np.uint8), mask=mask, bboxes=box, seed=0)
        assert len(out["bboxes"]) == kept  # visible: 10.5 / 20 = 0.525


def test_mask_dropout_matches_albumentations_on_image_mask_boxes_and_keypoints(
        photo: np.ndarray) -> None:
    mask, boxes = _scene()
    image = np.ascontiguousarray(photo[:60, :80])
    points = [[20.0, 15.0], [20.0, 47.0], [60.0, 40.0], [2.0, 2.0]]
    # every object erased: nothing left to draw, so both libraries do the same thing
    theirs = _quiet(lambda: A.Compose(
        [A.MaskDropout(max_objects=5, fill=9, fill_mask=4, p=1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["names"], min_visibility=0.2),
        keypoint_params=A.KeypointParams(format="xy", label_fields=["kp"]), seed=0)(
        image=image, mask=mask, bboxes=boxes, names=[0, 1, 2], keypoints=points, kp=[0, 1, 2, 3]))
    ours = al.Compose([al.MaskDropout(max_objects=5, fill=9, fill_mask=4, p=1.0)],
                      bbox_params={"format": "pascal_voc", "label_fields": ["names"],
                                   "min_visibility": 0.2},
                      keypoint_params={"label_fields": ["kp"]})(
        image=image, mask=mask, bboxes=boxes, names=[0, 1, 2], keypoints=points, kp=[0, 1, 2, 3],
        seed=0)
    assert np.array_equal(ours["image"], theirs["image"])
    assert np.array_equal(ours["mask"], theirs["mask"])
    assert len(ours["bboxes"]) == len(theirs["bboxes"]) == 0
    assert ours["kp"] == list(theirs["kp"]) == [3]


def test_mask_dropout_without_a_mask_or_objects_changes_nothing_and_checks_its_args() -> None:
    image = np.full((8, 8, 3), 5, np.uint8)
    t = al.MaskDropout(p=1.0)
    assert np.array_equal(t(image=image, seed=0)["image"], image)
    assert np.array_equal(t(image=image, mask=np.zeros((8, 8), np.uint8), seed=0)["image"], image)
    with pytest.raises(InvalidInput, match="MaskDropout: mask has 2 channels"):
        t(image=image, mask=np.ones((8, 8, 2), np.uint8), seed=0)
    with pytest.raises(InvalidConfig, match="max_objects"):
        al.MaskDropout(max_objects=0)
    with pytest.raises(InvalidConfig, match="inpainting"):
        al.MaskDropout(fill="inpaint_telea")
    # 16-bit: a fraction fill is a fraction of white, on the dtype's range
    mask = np.zeros((8, 8), np.uint8)
    mask[2:4, 2:4] = 3
    out = al.MaskDropout(fill=0.5, p=1.0)(image=np.zeros((8, 8), np.uint16), mask=mask, seed=0)
    assert set(np.unique(out["image"]).tolist()) == {0, 32768}


# -- RandomGridShuffle ------------------------------------------------------------------------

def _a_tiles(params: dict) -> np.ndarray:
    ys, xs = params["rows"], params["cols"]
    return np.array([[ys[r], xs[c], ys[r + 1], xs[c + 1]]
                     for r in range(len(ys) - 1) for c in range(len(xs) - 1)])


def test_grid_shuffle_is_albumentations_kernel_with_the_same_cells(photo: np.ndarray) -> None:
    from albumentations.augmentations.geometric import functional as fgeo

    mask = (photo[:, :, 0] // 64).astype(np.uint8)
    boxes = [[3, 4, 50, 30], [60, 10, 88, 62], [10, 35, 40, 60], [44, 20, 46, 44]]
    points = [[5.0, 5.0], [45.0, 33.0], [89.0, 63.0], [30.0, 21.0]]
    pipe = al.Compose([al.RandomGridShuffle(grid=(3, 4), p=1.0)], bbox_format="pascal_voc")
    shapes = set()
    for i in range(8):
        out = pipe(image=photo, mask=mask, bboxes=boxes, keypoints=points, sample_id=i)
        params = out.record.steps[0].params
        tiles, mapping = _a_tiles(params), params["mapping"]
        # cells: sides differ by at most one pixel; a cell moves only to one of its own shape
        sides = np.diff(params["rows"]), np.diff(params["cols"])
        assert sides[0].max() - sides[0].min() <= 1 and sides[1].max() - sides[1].min() <= 1
        shape = [tuple(t[2:] - t[:2]) for t in tiles]
        assert all(shape[old] == shape[new] for old, new in enumerate(mapping))
        assert sorted(mapping) == list(range(12))
        shapes.add(tuple(mapping))
        assert np.array_equal(out["image"], fgeo.swap_tiles_on_image(photo, tiles, mapping))
        assert np.array_equal(out["mask"], fgeo.swap_tiles_on_image(mask, tiles, mapping))
        assert np.allclose(out["keypoints"], fgeo.swap_tiles_on_keypoints(
            np.asarray(points), tiles, np.asarray(mapping)))
        theirs = fgeo.bboxes_grid_shuffle(np.asarray(boxes, float), tiles, mapping, photo.shape[:2],
                                          min_area=0.0, min_visibility=0.0)
        assert sorted(map(tuple, np.asarray(out["bboxes"]).tolist())) == \
            sorted(map(tuple, np.asarray(theirs, float).tolist()))
    assert len(shapes) > 4  # the permutation is drawn


def test_grid_shuffle_pieces_of_a_box_carry_its_labels_and_their_share() -> None:
    image = np.zeros((30, 30), np.uint8)
    box = [[0, 0, 20, 10]]  # two cells of a 3x3 grid
    pipe = al.Compose([al.RandomGridShuffle(grid=(3, 3), p=1.0)], bbox_format="pascal_voc",
                      bbox_params={"label_fields": ["names"], "min_visibility": 0.4})
    counts = set()
    for i in range(40):
        out = pipe(image=image, bboxes=box, names=["car"], sample_id=i)
        boxes = np.asarray(out["bboxes"])
        counts.add(len(boxes))
        assert out["names"] == ["car"] * len(boxes)
        assert ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])).sum() >= 200
    assert counts == {1, 2}  # the halves land touching (one box) or apart (two)
    strict = al.Compose([al.RandomGridShuffle(grid=(3, 3), p=1.0)], bbox_format="pascal_voc",
                        min_visibility=0.6)
    split = [strict(image=image, bboxes=box, sample_id=i)["bboxes"] for i in range(40)]
    assert {len(b) for b in split} == {0, 1}  # a half (0.5 of the box) is below 0.6


def test_grid_shuffle_refuses_a_grid_larger_than_the_image() -> None:
    with pytest.raises(InvalidInput, match="does not fit"):
        al.RandomGridShuffle(grid=(5, 5), p=1.0)(image=np.zeros((4, 40), np.uint8), seed=0)
    with pytest.raises(InvalidConfig, match="grid"):
        al.RandomGridShuffle(grid=(0, 3))


# -- PiecewiseAffine ---------------------------------------------------------------------------

def test_piecewise_affine_moves_each_node_to_its_source_and_is_affine_per_triangle() -> None:
    h, w = 61, 81
    t = al.PiecewiseAffine(scale=(0.05, 0.05), nb_rows=4, nb_cols=5, p=1.0)
    params = t.sample_params(al.Compose([t])(image=np.zeros((h, w), np.uint8), seed=0), np.random.
                             default_rng(3))
    nodes = t.nodes(params, (h, w))
    assert nodes.shape == (4, 5, 2) and np.abs(nodes - t.nodes({"jitter": np.zeros((4, 5, 2))},
                                                              (h, w))).max() > 1
    xy_map = t.source_map(params, (h, w))
    # the nodes sit on pixel centres here ((w - 1) / 4 = 20, (h - 1) / 3 = 20): exact
    for r in range(4):
        for c in range(5):
            assert np.allclose(xy_map[20 * r, 20 * c], nodes[r, c], atol=1e-4)
    # inside each triangle the map is one affine function of (x, y)
    yy, xx = np.mgrid[0:h, 0:w]
    for r in range(3):
        for c in range(4):
            u, v = (xx - 20 * c) / 20, (yy - 20 * r) / 20
            inside = (u >= 0) & (v >= 0) & (u <= 1) & (v <= 1)
            for tri in (inside & (u + v <= 1), inside & (u + v >= 1)):
                design = np.stack([xx[tri], yy[tri], np.ones(tri.sum())], axis=1)
                fit, *_ = np.linalg.lstsq(design, xy_map[tri].astype(np.float64), rcond=None)
                assert np.abs(design @ fit - xy_map[tri]).max() < 1e-3


def test_piecewise_affine_keypoints_and_boxes_follow_the_map(photo: np.ndarray) -> None:
    t = al.PiecewiseAffine(scale=(0.04, 0.04), p=1.0)
    mask = np.zeros(photo.shape[:2], np.uint8)
    mask[20:40, 30:60] = 1
    out = al.Compose([t], bbox_format="pascal_voc")(image=photo, mask=mask,
                                                    bboxes=[[30, 20, 60, 40]],
                                                    keypoints=[[45, 30]], seed=4)
    ys, xs = np.nonzero(out["mask"])
    box = np.asarray(out["bboxes"])[0]
    assert np.abs(box - [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]).max() <= 1.5
    x, y = np.asarray(out["keypoints"])[0]
    assert out["mask"][int(round(y)), int(round(x))] == 1


# -- ThinPlateSpline ---------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 4])
def test_thin_plate_spline_is_scipys_thin_plate_spline_through_the_moved_points(n: int) -> None:
    from scipy.interpolate import RBFInterpolator

    h, w = 48, 64
    t = al.ThinPlateSpline(scale_range=(0.4, 0.4), num_control_points=n, p=1.0)
    params = t.sample_params(al.Compose([t])(image=np.zeros((h, w), np.uint8), seed=0),
                             np.random.default_rng(n))
    src = tps_control_points(n)
    dst = src + np.asarray(params["jitter"])
    xy_map = t.source_map(params, (h, w))
    yy, xx = np.mgrid[0:h, 0:w]
    grid = np.stack([xx.ravel() / w, yy.ravel() / h], axis=1)
    expected = RBFInterpolator(src, dst, kernel="thin_plate_spline", degree=1)(grid)
    expected = (expected * [w, h]).reshape(h, w, 2)
    assert np.abs(xy_map - expected).max() < 2e-3
    # through its control points (those on a pixel: the image's top-left corner is (0, 0))
    assert np.allclose(xy_map[0, 0], dst[0] * [w, h], atol=1e-3)
    assert np.abs(xy_map - np.stack([xx, yy], axis=2)).max() > 0.5  # it moves pixels


def test_thin_plate_spline_checks_its_arguments_and_params() -> None:
    with pytest.raises(InvalidConfig, match="num_control_points"):
        al.ThinPlateSpline(num_control_points=1)
    with pytest.raises(InvalidConfig, match="scale_range"):
        al.ThinPlateSpline(scale_range=(0.2, 3))
    t = al.ThinPlateSpline(num_control_points=3)
    with pytest.raises(InvalidInput, match="control points"):
        t.source_map({"jitter": [[0.0, 0.0]] * 16}, (10, 10))


def test_rotated_boxes_lose_their_erased_share_and_are_refused_by_the_grid_shuffle() -> None:
    from augmentlab.image.spatial.fields import BBOX_FORMATS

    if "obb" not in BBOX_FORMATS:
        pytest.skip("rotated boxes are not in this build")
    mask = np.zeros((40, 40), np.uint8)
    mask[:, :20] = 1  # the left half: one object
    box = al.BBoxes([[20, 20, 20, 10, 30]], format="obb", labels=["x"])  # centred on the border
    for min_vis, kept in ((0.4, 1), (0.6, 0)):
        out = al.Compose([al.MaskDropout(p=1.0)], min_visibility=min_vis)(
            image=np.ones((40, 40), np.uint8), mask=mask, bboxes=box, seed=0)
        assert len(out["bboxes"]) == kept  # about half of it was erased
    with pytest.raises(InvalidInput, match="rotated boxes"):
        al.RandomGridShuffle(p=1.0)(image=np.ones((40, 40), np.uint8), bboxes=box, seed=0)


# -- RandomSnow, Vignetting, ChromaticAberration ------------------------------------------------

def test_random_snow_is_albumentations_bleach(photo: np.ndarray) -> None:
    from albumentations.augmentations.pixel import functional as fpix

    from augmentlab.image.weather import snow_bleach

    for point, coeff in ((0.1, 2.5), (0.3, 1.5), (0.8, 3.0)):
        assert np.array_equal(snow_bleach(photo, point, coeff),
                              fpix.add_snow_bleach(photo, point, coeff))
    pipe = al.Compose([al.RandomSnow(snow_point_range=(0.2, 0.4), p=1.0)], seed=0)
    out = pipe(image=photo, sample_id=0)
    point = out.record.steps[0].params["snow_point"]
    assert 0.2 <= point <= 0.4
    assert np.array_equal(out["image"], fpix.add_snow_bleach(photo, point, 2.5))
    assert out["image"].mean() > photo.mean() + 10  # whiter
    as_float = al.RandomSnow(p=1.0)(image=photo.astype(np.float32) / 255, seed=0)["image"]
    assert np.abs(as_float * 255 - al.RandomSnow(p=1.0)(image=photo, seed=0)["image"]).mean() < 2
    with pytest.raises(InvalidConfig, match="method"):
        al.RandomSnow(method="texture")


def test_vignetting_darkens_radially_to_one_minus_strength() -> None:
    t = al.Vignetting(strength_range=(0.4, 0.4), radius_range=(0.3, 0.3), p=1.0)
    image = np.full((41, 61, 2), 50000, np.uint16)
    out = t(image=image, seed=0)["image"].astype(float) / 50000
    assert out.dtype == np.float64 and np.allclose(out[20, 30], 1.0)
    assert np.allclose(out[[0, 0, -1, -1], [0, -1, 0, -1]], 0.6, atol=1e-4)
    gain = out[:, :, 0]
    yy, xx = np.mgrid[0:41, 0:61]
    r = np.hypot((xx - 30) / np.hypot(30, 20), (yy - 20) / np.hypot(30, 20))
    order = np.argsort(r.ravel(), kind="stable")
    assert (np.diff(gain.ravel()[order]) <= 1e-4).all()  # never brighter further out
    assert np.allclose(gain[r <= 0.3], 1.0)


def test_chromatic_aberration_is_albumentations_kernel_with_the_same_coefficients(
        photo: np.ndarray) -> None:
    from albumentations.augmentations.pixel import functional as fpix

    t = al.ChromaticAberration(primary_distortion_limit=0.2, secondary_distortion_limit=0.3,
                               p=1.0)
    pipe = al.Compose([t], seed=0)
    for i in range(5):
        out = pipe(image=photo, sample_id=i)
        params = out.record.steps[0].params
        (k1r, k2r), (k1b, k2b) = params["red"], params["blue"]
        # green_purple: every coefficient of one sign
        assert len({np.sign(v) for v in (k1r, k2r, k1b, k2b) if v}) == 1
        theirs = fpix.chromatic_aberration(photo, k1r, k2r, k1b, k2b, 1)
        diff = np.abs(out["image"].astype(int) - theirs.astype(int))
        assert np.array_equal(out["image"][:, :, 1], photo[:, :, 1])  # green stays
        assert diff.max() <= 1 and (diff > 0).mean() < 0.01
        assert (out["image"][:, :, 0] != photo[:, :, 0]).mean() > 0.2
    red_blue = al.Compose([al.ChromaticAberration(mode="red_blue", p=1.0)], seed=0)
    for i in range(5):
        params = red_blue(image=photo, sample_id=i).record.steps[0].params
        assert params["red"][0] * params["blue"][0] <= 0


# -- FancyPCA, PlanckianJitter ------------------------------------------------------------------

def test_fancy_pca_adds_alexnets_shift_along_the_principal_components(photo: np.ndarray) -> None:
    pipe = al.Compose([al.FancyPCA(alpha=0.5, p=1.0)], seed=0)
    image = photo.astype(np.float32) / 255 * 0.6 + 0.2  # no clipping
    for i in range(3):
        out = pipe(image=image, sample_id=i)
        alpha = np.asarray(out.record.steps[0].params["alpha"])
        x = image.reshape(-1, 3).astype(np.float64)
        values, vectors = np.linalg.eigh(np.cov(x, rowvar=False))  # ascending
        shift = vectors[:, ::-1] @ (alpha * values[::-1])  # [p1 p2 p3][a1 l1, a2 l2, a3 l3]^T
        delta = (out["image"] - image).reshape(-1, 3)
        assert np.abs(delta - shift[None, :]).max() < 2e-6  # the same shift at every pixel
        assert np.abs(shift).max() > 1e-3
    uint8 = al.FancyPCA(alpha=2.0, p=1.0)(image=photo, seed=1)["image"].astype(int) - photo
    as_float = al.FancyPCA(alpha=2.0, p=1.0)(image=photo.astype(np.float32) / 255, seed=1)["image"]
    assert np.abs(uint8 - (as_float * 255 - photo)).max() <= 1.0
    grey = al.FancyPCA(alpha=1.0, p=1.0)(image=photo[:, :, 0], seed=2)["image"]
    assert len(np.unique(grey.astype(int) - photo[:, :, 0])) <= 2  # one brightness shift


def test_black_body_colours_sit_on_the_cie_planckian_locus() -> None:
    from augmentlab.image.color import _C2, _CMF, _NM

    def chromaticity(t: float) -> tuple[float, float]:
        wl = _NM * 1e-9
        xyz = _CMF @ (1.0 / (wl ** 5 * np.expm1(_C2 / (wl * t))))
        return xyz[0] / xyz.sum(), xyz[1] / xyz.sum()

    # CIE standard illuminant A is a 2856 K black body: (0.44757, 0.40745) (CIE 15:2004); the
    # locus at 6500 K is (0.3135, 0.3236)
    assert np.allclose(chromaticity(2856), (0.44757, 0.40745), atol=2e-3)
    assert np.allclose(chromaticity(6500), (0.3135, 0.3236), atol=2e-3)


def test_planckian_jitter_relights_linear_light_by_the_black_body(photo: np.ndarray) -> None:
    from augmentlab.image.color import blackbody_gains

    pipe = al.Compose([al.PlanckianJitter(p=1.0)], seed=0)
    temps = []
    for i in range(20):
        out = pipe(image=photo, sample_id=i)
        t = out.record.steps[0].params["temperature"]
        temps.append(t)
        gains = np.asarray(blackbody_gains(t))
        lin = np.where(photo / 255 <= 0.04045, photo / 255 / 12.92,
                       ((photo / 255 + 0.055) / 1.055) ** 2.4) * gains
        lin = np.clip(lin, 0, 1)
        enc = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)
        assert np.abs(out["image"] - np.rint(enc * 255)).max() <= 1
        assert np.array_equal(out["image"][:, :, 1], photo[:, :, 1])
        warm = out["image"][:, :, 0].mean() - photo[:, :, 0].mean()
        assert warm > 0 if gains[0] > 1.02 else warm < 0 if gains[0] < 0.98 else True
        assert (gains[0] > 1.02) == (t < 7000) or abs(gains[0] - 1) < 0.02  # warm below ~7000 K
    assert min(temps) >= 3000 and max(temps) <= 15000 and min(temps) < 6000 < max(temps)
    with pytest.raises(InvalidConfig, match="include 6000"):
        al.PlanckianJitter(temperature_limit=(7000, 9000))
    with pytest.raises(InvalidConfig, match="blackbody"):
        al.PlanckianJitter(mode="cied")


# -- HistogramMatching, FDA ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return np.ascontiguousarray(sample_photos(96)[0][1][:64, :80])


def test_histogram_matching_is_albumentations_up_to_its_truncation(
        photo: np.ndarray, reference: np.ndarray) -> None:
    from albumentations.augmentations.mixing import domain_adaptation_functional as fda_fn

    # of the image's size: Albumentations resizes a reference first (which changes its
    # histogram a little); we match the reference's own histogram
    reference = np.ascontiguousarray(sample_photos(96)[0][1][:64, :90])
    pipe = al.Compose([al.HistogramMatching(reference_images=[reference], p=1.0)], seed=0)
    for i in range(3):
        out = pipe(image=photo, sample_id=i)
        blend = out.record.steps[0].params["blend"]
        theirs = fda_fn.apply_histogram(photo, reference, blend)
        # Albumentations truncates matched levels (half a level low on average); we round
        assert np.abs(out["image"].astype(int) - theirs.astype(int)).max() <= 1
    # blend 1: each channel's cumulative histogram is the reference's
    full = al.HistogramMatching(reference_images=[reference], blend_ratio=(1, 1), p=1.0)
    out = full(image=photo, seed=0)["image"]
    for c in range(3):
        ours = np.quantile(out[:, :, c], [0.1, 0.5, 0.9])
        ref = np.quantile(reference[:, :, c], [0.1, 0.5, 0.9])
        assert np.abs(ours - ref).max() <= 3


def test_fda_swaps_the_low_frequency_amplitude_and_keeps_the_phase(
        photo: np.ndarray, reference: np.ndarray) -> None:
    from augmentlab.image.domain import fda

    h, w = photo.shape[:2]
    img = photo.astype(np.float64)
    trg = cv2_resize(reference, (w, h)).astype(np.float64)
    beta = 0.1
    out = fda(img, trg, beta)
    b = int(np.floor(min(h, w) * beta))
    k = np.fft.fftfreq(h) * h
    m = np.fft.fftfreq(w) * w
    window = (np.abs(k)[:, None] < b) & (np.abs(m)[None, :] < b)
    for c in range(3):
        src, got = np.fft.fft2(img[:, :, c]), np.fft.fft2(out[:, :, c])
        amp_t = np.abs(np.fft.fft2(trg[:, :, c]))
        expected = np.where(window, amp_t, np.abs(src)) * np.exp(1j * np.angle(src))
        assert np.allclose(got, expected, atol=1e-6 * np.abs(src).max())
    # the transform: the reference's mean colour, the image's edges
    t = al.FDA(reference_images=[reference], beta_limit=(0.1, 0.1), p=1.0)
    res = t(image=photo, seed=0)["image"].astype(float)
    assert np.abs(res.mean(axis=(0, 1)) - trg.mean(axis=(0, 1))).max() < 3
    theirs = _quiet(lambda: __import__(
        "albumentations.augmentations.mixing.domain_adaptation_functional",
        fromlist=["x"]).fourier_domain_adaptation(photo, trg.astype(np.uint8), beta))
    # Albumentations' window is off-centre (see FDA's docstring): not the same image, but the
    # same move toward the reference's colours
    assert np.abs(theirs.astype(float).mean(axis=(0, 1)) - trg.mean(axis=(0, 1))).max() < 10


def cv2_resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


def test_reference_images_round_trip_as_paths_and_arrays_are_refused_by_name(
        tmp_path, reference: np.ndarray) -> None:  # noqa: ANN001
    import cv2

    path = tmp_path / "ref.png"
    cv2.imwrite(str(path), cv2.cvtColor(reference, cv2.COLOR_RGB2BGR))
    for cls in (al.HistogramMatching, al.FDA):
        t = cls(reference_images=[str(path)], p=1.0)
        again = al.load_pipeline(t.to_yaml())
        rebuilt = al.Transform.from_config(t.get_config())
        img = reference[::-1].copy()
        assert np.array_equal(rebuilt(image=img, seed=3)["image"], t(image=img, seed=3)["image"])
        assert np.array_equal(again(image=img, seed=3)["image"], t(image=img, seed=3)["image"])
        from_array = cls(reference_images=[reference], p=1.0)
        config = from_array.get_config()
        (shown_as,) = config["reference_images"]
        assert shown_as.startswith("array:64x80x3:uint8:")
        with pytest.raises(InvalidConfig, match="give the reference images as file paths"):
            al.Transform.from_config(config)
        with pytest.raises(InvalidConfig, match="is not a file"):
            cls(reference_images=[str(tmp_path / "missing.png")])
        with pytest.raises(InvalidInput, match="channel"):
            from_array(image=reference[:, :, :2].copy(), seed=0)
    mapped = from_albumentations({"__version__": "2.0.8", "transform": {
        "__class_fullname__": "HistogramMatching", "p": 1.0, "reference_images": [str(path)],
        "blend_ratio": [0.5, 1.0], "read_fn": None, "metadata_key": "hm_metadata"}})
    assert type(mapped.transforms[0]).__name__ == "HistogramMatching"
    with pytest.raises(InvalidConfig, match="file paths"):
        from_albumentations({"__version__": "2.0.8", "transform": {
            "__class_fullname__": "FDA", "p": 1.0, "metadata_key": "fda_metadata"}})


# -- Spatter --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["rain", "mud"])
def test_spatter_is_albumentations_spatter_on_the_same_noise(photo: np.ndarray, mode: str) -> None:
    from albumentations.augmentations.pixel import functional as fpix

    from augmentlab.core.rng import kernel_rng
    from augmentlab.image.weather import mud_layers, spatter_layer, spatter_noise

    t = al.Spatter(mode=mode, intensity=(0.5, 0.7), p=1.0)
    out = al.Compose([t], seed=0)(image=photo, sample_id=0)
    params = out.record.steps[0].params
    # Albumentations' layers from the same liquid layer
    rng = kernel_rng(params["seed"])
    noise = spatter_noise(rng, params["mean"], params["std"], photo.shape[:2])
    layer = spatter_layer(noise, params["cutout"], params["sigma"])
    color = np.asarray(t.color) / 255.0
    x = photo.astype(np.float32) / 255
    if mode == "rain":
        drops = fpix.get_rain_params(liquid_layer=layer.copy(), color=color,
                                     intensity=params["intensity"])["drops"]
        assert np.allclose(t.layers(photo.shape[:2], params), drops, atol=1e-6)
        expected = x + drops
    else:
        theirs = fpix.get_mud_params(liquid_layer=layer.copy(), color=color,
                                     cutout_threshold=params["cutout"], sigma=params["sigma"],
                                     intensity=params["intensity"], random_generator=rng)
        mud, non_mud = mud_layers(t.layers(photo.shape[:2], params), color)
        assert np.allclose(mud, theirs["mud"], atol=1e-6)
        assert np.allclose(non_mud, theirs["non_mud"], atol=1e-6)
        expected = x * non_mud + mud
    expected = np.clip(np.rint(np.clip(expected, 0, 1) * 255), 0, 255)
    assert np.abs(out["image"].astype(float) - expected).max() <= 1
    assert (out["image"] != photo).mean() > 0.05  # it spatters
    with pytest.raises(InvalidConfig, match="color"):
        al.Spatter(color=(1, 2))


def test_planckian_jitter_fast_tables_are_its_curve_rounded() -> None:
    from augmentlab.image.spatial.bases import PointwiseTransform

    t = al.PlanckianJitter(p=1.0)
    for temperature in (3000, 4321, 6000, 6001, 9876, 15000):
        params = {"temperature": temperature}
        assert np.array_equal(t._table(params, 3), PointwiseTransform._table(t, params, 3))


def test_domain_transforms_need_their_references() -> None:
    for cls in (al.HistogramMatching, al.FDA):
        with pytest.raises(InvalidConfig, match="needs reference_images"):
            cls()
        with pytest.raises(InvalidConfig, match="non-empty list"):
            cls(reference_images="one.png")


def test_mask_dropout_measures_a_turned_box_by_its_region_not_its_bounding_box() -> None:
    mask = np.zeros((80, 80), np.uint8)
    mask[20:60, 20:60] = 1
    pipe = al.Compose([al.Rotate(limit=(45, 45), p=1.0), al.MaskDropout(p=1.0)], min_visibility=0.1,
                      bbox_format="pascal_voc")
    out = pipe(image=np.ones((80, 80), np.uint8), mask=mask, bboxes=[[20, 20, 60, 60]], seed=0)
    # the turned square is all erased, though it fills only half of its bounding box
    assert len(out["bboxes"]) == 0
