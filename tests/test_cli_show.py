"""`augmentlab show` for an image: a captioned sheet without orphan tiles, annotations drawn with
their class names and distinct colours, and a file small enough to mail."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.preview import PALETTE, grid_shape, make_sheet, show_image

PIPE = al.Compose([al.HorizontalFlip(), al.Affine(rotate=15, scale=(0.9, 1.1), p=1.0),
                   al.BrightnessContrast(p=1.0)])


def _photo(h: int, w: int) -> np.ndarray:
    """A photo-like image (smooth shapes plus sensor noise): what JPEG and PNG see in practice."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.dstack([(xx * 255 // w), (yy * 255 // h), ((xx + yy) * 127 // (h + w))]).astype(np.float64)
    for _ in range(12):
        cx, cy, r = rng.integers(0, w), rng.integers(0, h), rng.integers(h // 20, h // 5)
        img[(xx - cx) ** 2 + (yy - cy) ** 2 < r * r] = rng.integers(0, 256, 3)
    return np.clip(img + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("count", range(1, 65))
def test_the_grid_leaves_no_orphan_tile(count: int) -> None:
    rows, columns = grid_shape(count)
    last = count - (rows - 1) * columns
    assert (rows - 1) * columns < count <= rows * columns
    assert rows == 1 or 2 * last >= columns, (count, rows, columns)  # no lone tiles on the last row
    assert max(rows, columns) <= 2 * min(rows, columns) + 1 or rows == 1 and count <= 3


def test_each_tile_is_captioned_the_original_as_original(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), cv2.cvtColor(_photo(120, 160), cv2.COLOR_RGB2BGR))
    sheet = show_image(PIPE, tmp_path / "a.png", tmp_path / "s.jpg", copies=15)
    assert (sheet.rows, sheet.columns) == (4, 4) and len(sheet.cells) == 16
    assert sheet.cells[0].caption == ["original", "160x120"]
    for copy, cell in enumerate(sheet.cells[1:], 1):
        assert cell.caption[0] == f"copy {copy}"
        text = " ".join(cell.caption)
        assert "Affine angle=" in text and "BrightnessContrast alpha=" in text  # sampled parameters
    flipped = ["HorizontalFlip" in " ".join(c.caption) for c in sheet.cells[1:]]
    assert 0 < sum(flipped) < 15  # p=0.5: the caption says which copies were flipped
    # the caption is drawn below its tile: dark text pixels in the band, none over other cells
    image = cv2.cvtColor(cv2.imread(str(sheet.path)), cv2.COLOR_BGR2RGB)
    for cell in sheet.cells:
        band = image[cell.y + cell.height + 2:cell.y + cell.height + 14 * len(cell.caption),
                     cell.x:cell.x + max(cell.width, 100)]
        assert (band.min(axis=2) < 100).sum() > 20, cell.caption


def test_a_large_photo_gives_a_small_jpeg_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cv2.imwrite(str(tmp_path / "big.png"), cv2.cvtColor(_photo(1500, 2000), cv2.COLOR_RGB2BGR))
    (tmp_path / "p.yaml").write_text(PIPE.to_yaml())
    monkeypatch.chdir(tmp_path)
    assert main(["show", "big.png", "--pipeline", "p.yaml"]) == 0
    assert "big.png and 15 augmented copies -> grid.jpg" in capsys.readouterr().out
    size = (tmp_path / "grid.jpg").stat().st_size
    assert size < 1_000_000, f"{size} bytes"  # 16 tiles of 256 pixels, not 16 full photos
    grid = cv2.imread(str(tmp_path / "grid.jpg"))
    assert grid.shape[0] < 1600 and grid.shape[1] < 1200
    assert main(["show", "big.png", "--pipeline", "p.yaml", "--copies", "3", "--out", "g.png"]) == 0
    assert (tmp_path / "g.png").stat().st_size < 1_000_000


def test_boxes_carry_their_class_names_in_a_colour_per_class(tmp_path: Path) -> None:
    root = tmp_path / "voc"
    (root / "JPEGImages").mkdir(parents=True)
    (root / "Annotations").mkdir()
    cv2.imwrite(str(root / "JPEGImages" / "c.png"), np.full((64, 64, 3), 90, np.uint8))
    objects = "".join(f"<object><name>{name}</name><bndbox><xmin>{x0}</xmin><ymin>8</ymin>"
                      f"<xmax>{x0 + 20}</xmax><ymax>56</ymax></bndbox></object>"
                      for name, x0 in (("cat", 4), ("dog", 36)))
    (root / "Annotations" / "c.xml").write_text(f"<annotation><filename>c.png</filename>{objects}</annotation>")
    sheet = show_image(al.Compose([al.HorizontalFlip()]), root / "JPEGImages" / "c.png",
                       tmp_path / "s.png", copies=1)
    assert sheet.cells[0].caption == ["original", "64x64, bboxes"]
    tile = sheet.image[sheet.cells[0].y:sheet.cells[0].y + 256, sheet.cells[0].x:sheet.cells[0].x + 256]
    colours = {tuple(int(v) for v in c) for c in tile.reshape(-1, 3)}
    assert PALETTE[0] in colours and PALETTE[1] in colours  # cat and dog: two colours
    left, right = tile[:, :128], tile[:, 128:]
    assert (left == PALETTE[0]).all(axis=2).sum() > 100 and (right == PALETTE[1]).all(axis=2).sum() > 100
    flipped = sheet.image[sheet.cells[1].y:sheet.cells[1].y + 256, sheet.cells[1].x:sheet.cells[1].x + 256]
    assert (flipped[:, 128:] == PALETTE[0]).all(axis=2).sum() > 100  # the cat moved right, still green


def test_masks_in_distinct_colours_and_keypoints_visible(tmp_path: Path) -> None:
    from augmentlab.preview import _tile

    mask = np.zeros((32, 32), np.uint8)
    mask[:, :16], mask[:, 16:] = 1, 2
    fields = {"image": np.zeros((32, 32, 3), np.uint8), "mask": mask,
              "keypoints": np.array([[16.0, 16.0]])}
    tile = _tile(fields, 4.0, str, {})
    left, right = tile[8, 8], tile[8, 120]
    assert tuple(left) != tuple(right) and left.sum() > 0 and right.sum() > 0
    assert tuple(tile[64, 64]) == (255, 40, 40) and tile.shape == (128, 128, 3)  # the keypoint's dot
    assert tile[64, 64 + 4].sum() == 0  # with a dark outline around it


def test_make_sheet_refuses_captions_that_do_not_match_the_tiles() -> None:
    with pytest.raises(al.errors.InvalidInput, match="2 tiles but 1 captions"):
        make_sheet([np.zeros((4, 4, 3), np.uint8)] * 2, [["original"]])
