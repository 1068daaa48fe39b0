"""What the dataset command reads and writes keeps its meaning: palette masks give class ids
(not the grey of their colours) and keep their palette, 16-bit masks keep ids above 255, colour
masks are refused, and 16-bit images keep their depth through `augmentlab augment`."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import augmentlab as al
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets.photos import sample_photos
from augmentlab.errors import DataError
from augmentlab.image.io import read_image, read_mask

FLIP = al.Compose([al.HorizontalFlip(p=1.0)])
VOC_PALETTE = [0, 0, 0, 128, 0, 0, 0, 128, 0, 128, 128, 0] + [224, 224, 192] * 252


def _photo() -> np.ndarray:
    return sample_photos(64)[0][1]


def _seg_folder(root: Path, image: np.ndarray) -> None:
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if image.ndim == 3 else image
    assert cv2.imwrite(str(root / "images" / "a.png"), bgr)


def _ids() -> np.ndarray:
    ids = np.zeros((64, 64), np.uint8)
    ids[10:30, 5:20] = 1
    ids[40:60, 30:50] = 2
    ids[0:5, 0:64] = 3
    return ids


def test_a_palette_mask_gives_its_class_ids_and_keeps_its_palette(tmp_path: Path) -> None:
    # Pascal VOC stores masks as palette PNGs: pixel value = class id, shown through a palette;
    # read as grey, class 1 (dark red) came back as 38 and the output lost the palette
    src = tmp_path / "seg"
    _seg_folder(src, _photo())
    ids = _ids()
    mask = Image.fromarray(ids, mode="P")
    mask.putpalette(VOC_PALETTE)
    mask.save(src / "masks" / "a.png")
    augment_dataset(src, tmp_path / "out", FLIP, quiet=True)
    with Image.open(tmp_path / "out" / "masks" / "a_aug1.png") as out:
        assert out.mode == "P"
        assert out.getpalette()[:12] == VOC_PALETTE[:12]
        assert np.array_equal(np.array(out), ids[:, ::-1])
    assert verify_output(tmp_path / "out") == []


def test_a_16_bit_mask_keeps_ids_above_255(tmp_path: Path) -> None:
    src = tmp_path / "seg"
    _seg_folder(src, _photo())
    ids = _ids().astype(np.uint16) * 300  # instance ids 300, 600, 900
    assert cv2.imwrite(str(src / "masks" / "a.png"), ids)
    augment_dataset(src, tmp_path / "out", FLIP, quiet=True)
    out = cv2.imread(str(tmp_path / "out" / "masks" / "a_aug1.png"), cv2.IMREAD_UNCHANGED)
    assert out.dtype == np.uint16 and np.array_equal(out, ids[:, ::-1])


def test_a_colour_mask_is_refused_naming_the_file(tmp_path: Path) -> None:
    src = tmp_path / "seg"
    _seg_folder(src, _photo())
    colour = np.zeros((64, 64, 3), np.uint8)
    colour[10:30, 5:20] = (0, 0, 128)  # class "red" in BGR
    assert cv2.imwrite(str(src / "masks" / "a.png"), colour)
    with pytest.raises(DataError, match=r"masks/a\.png.*colour image whose channels differ"):
        read_mask(src / "masks" / "a.png")
    with pytest.raises(DataError, match=r"nothing was written.*masks/a\.png.*colour image"):
        augment_dataset(src, tmp_path / "out", FLIP, quiet=True)


def test_a_grey_mask_saved_as_rgb_is_read_as_its_ids(tmp_path: Path) -> None:
    path = tmp_path / "m.png"
    assert cv2.imwrite(str(path), np.repeat(_ids()[:, :, None], 3, axis=2))
    assert np.array_equal(read_mask(path), _ids())


@pytest.mark.parametrize("suffix", [".png", ".tif"])
@pytest.mark.parametrize("channels", [1, 3])
def test_a_16_bit_image_folder_keeps_its_depth(tmp_path: Path, suffix: str, channels: int) -> None:
    photo = _photo().astype(np.uint16) * 257 + np.arange(64, dtype=np.uint16)[None, :, None]
    img = photo if channels == 3 else photo[:, :, 1]
    src = tmp_path / "photos" / "cls"
    src.mkdir(parents=True)
    assert cv2.imwrite(str(src / f"a{suffix}"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
                       if channels == 3 else img)
    assert read_image(src / f"a{suffix}").dtype == np.uint16
    pipe = al.Compose([al.HorizontalFlip(p=1.0), al.GaussianBlur(sigma_limit=(1, 1), p=1.0),
                       al.BrightnessContrast(brightness_limit=(0.1, 0.1), contrast_limit=0, p=1.0)])
    augment_dataset(tmp_path / "photos", tmp_path / "out", pipe, seed=3, quiet=True)
    out = read_image(tmp_path / "out" / "cls" / f"a_aug1{suffix}")
    assert out.dtype == np.uint16 and out.shape == img.shape
    expected = pipe(image=img, seed=3, sample_id=0)["image"]  # what the pipeline makes in memory
    assert np.abs(out.astype(int) - expected.astype(int)).max() <= 0
    # 16 bits of detail survive: an 8-bit round trip would leave only multiples of 257
    assert (out % 257 != 0).mean() > 0.5
    assert verify_output(tmp_path / "out") == []


def test_the_augment_command_keeps_a_16_bit_png_folder_16_bit(tmp_path: Path) -> None:
    from augmentlab.cli import main

    src = tmp_path / "scans"
    (src / "a").mkdir(parents=True)
    ramp = (np.arange(48 * 64, dtype=np.uint32).reshape(48, 64) * 21).astype(np.uint16)
    for i in range(3):
        assert cv2.imwrite(str(src / "a" / f"s{i}.png"), ramp + i)
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(al.Compose([al.Rotate(limit=10, p=1.0), al.GaussNoise(p=1.0),
                                     al.RandomGamma(p=1.0)]).to_yaml())
    code = main(["augment", str(src), str(tmp_path / "out"), "--pipeline", str(pipe_file),
                 "--copies", "2", "--jobs", "2", "--quiet"])
    assert code == 0
    outs = sorted((tmp_path / "out" / "a").glob("*_aug*.png"))
    assert len(outs) == 6
    for path in outs:
        img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        assert img.dtype == np.uint16 and img.shape == ramp.shape
        assert img.max() > 10000 and (img % 257 != 0).mean() > 0.5
    assert verify_output(tmp_path / "out") == []


def test_a_16_bit_image_is_not_written_as_jpeg(tmp_path: Path) -> None:
    from augmentlab.image.io import encode_image

    with pytest.raises(DataError, match="16-bit image cannot be written as .jpg"):
        encode_image(tmp_path / "a.jpg", np.zeros((4, 4, 3), np.uint16))


@pytest.mark.parametrize("planar", ["contig", "separate"])
def test_the_augment_command_keeps_a_13_band_tiff_folder_band_for_band(tmp_path: Path,
                                                                       planar: str) -> None:
    """Satellite tiles (13 bands, like Sentinel-2): neither Pillow nor OpenCV reads them; every
    band must come out where it was, at 16 bits, moved like the others."""
    import tifffile

    from augmentlab.cli import main

    src = tmp_path / "tiles" / "field"
    src.mkdir(parents=True)
    rng = np.random.default_rng(0)
    tiles = [rng.integers(0, 65535, (40, 56, 13)).astype(np.uint16) for _ in range(3)]
    for i, tile in enumerate(tiles):  # "separate": stored one plane per band
        data = np.moveaxis(tile, -1, 0) if planar == "separate" else tile
        tifffile.imwrite(src / f"t{i}.tif", data, photometric="minisblack", planarconfig=planar)
        np.testing.assert_array_equal(read_image(src / f"t{i}.tif"), tile)
    pipe_file = tmp_path / "p.yaml"
    pipe_file.write_text(al.Compose([al.HorizontalFlip(p=1.0), al.RandomRotate90(p=1.0)]).to_yaml())
    assert main(["augment", str(tmp_path / "tiles"), str(tmp_path / "out"), "--pipeline",
                 str(pipe_file), "--jobs", "2", "--seed", "1", "--quiet"]) == 0
    for i, tile in enumerate(tiles):
        out = read_image(tmp_path / "out" / "field" / f"t{i}_aug1.tif")
        assert out.dtype == np.uint16 and out.shape[2] == 13
        # a flip and quarter turns move whole pixels: each output band is a turned input band
        flipped = tile[:, ::-1]
        turns = [np.rot90(flipped, k) for k in range(4)]
        assert any(t.shape == out.shape and np.array_equal(t, out) for t in turns)
    assert verify_output(tmp_path / "out") == []


def test_a_13_band_image_is_refused_as_png_and_a_broken_tiff_named(tmp_path: Path) -> None:
    from augmentlab.image.io import encode_image

    with pytest.raises(DataError, match="13 channels cannot be written as .png"):
        encode_image(tmp_path / "a.png", np.zeros((4, 4, 13), np.uint16))
    bad = tmp_path / "bad.tif"
    bad.write_bytes(b"II*\x00" + b"\x00" * 20)
    with pytest.raises(DataError, match="bad.tif"):
        read_image(bad)


def test_tiff_layouts_opencv_misreads_come_back_band_for_band(tmp_path: Path) -> None:
    """2 bands (OpenCV dropped the second), unassociated alpha (libtiff premultiplied it into the
    colours: [10, 20, 30] came back [2, 3, 5]), colour stored as grey bands (OpenCV: "cannot
    decode"): each read as stored."""
    import tifffile

    px = np.zeros((8, 8, 4), np.uint8)
    px[...] = [10, 20, 30, 40]
    cases = {
        "two.tif": (px[..., :2], {"photometric": "minisblack", "planarconfig": "contig"}),
        "rgba.tif": (px, {"photometric": "rgb", "extrasamples": ["unassalpha"]}),
        "four.tif": (px, {"photometric": "minisblack", "planarconfig": "contig"}),
        "three16.tif": (px[..., :3].astype(np.uint16) * 1000,
                        {"photometric": "minisblack", "planarconfig": "contig"}),
    }
    for name, (arr, kwargs) in cases.items():
        tifffile.imwrite(tmp_path / name, arr, **kwargs)
        out = read_image(str(tmp_path / name))  # a str path works as a Path
        assert out.dtype == arr.dtype and np.array_equal(out, arr), name


def test_a_tiff_of_several_pages_is_refused_rather_than_read_as_its_first(tmp_path: Path) -> None:
    import tifffile

    bands = np.random.default_rng(0).integers(0, 9999, (16, 12, 13)).astype(np.uint16)
    tifffile.imwrite(tmp_path / "naive.tif", bands)  # tifffile's default: 16 pages of 12x13
    with pytest.raises(DataError, match="a TIFF of 16 pages"):
        read_image(tmp_path / "naive.tif")
    with pytest.raises(DataError, match="cannot be read as RGB"):
        tifffile.imwrite(tmp_path / "one.tif", bands, photometric="minisblack",
                         planarconfig="contig")
        read_image(tmp_path / "one.tif", rgb=True)
