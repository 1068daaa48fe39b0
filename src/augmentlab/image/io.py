"""Image files: the one reader (and encoder) every part of augmentlab uses.

Every read checks the pixel count from the file's header before anything is decoded (a
decompression bomb is refused with its declared size), turns the image the way its EXIF
Orientation tag says (as every viewer shows it: annotations are in displayed coordinates), and
raises `DataError` naming the file for anything it cannot read.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import DataError
from .spatial.warp import MAX_PIXELS

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "encode_image", "image_orientation", "read_image"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def read_image(path: Path, *, grayscale: bool = False, rgb: bool = False,
               max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image after checking its pixel count from the header (before decoding), turned the
    way its EXIF Orientation tag says.

    As stored by default: a grey image is ``(H, W)``, an RGBA one keeps its alpha, and only 8-bit
    colour images are accepted. ``rgb=True`` gives ``(H, W, 3)`` uint8 RGB whatever the file holds
    (alpha dropped, grey repeated, 16-bit scaled down), ``grayscale=True`` ``(H, W)``.

    Example:
        >>> import tempfile, cv2
        >>> p = Path(tempfile.mkdtemp()) / "a.png"
        >>> _ = cv2.imwrite(str(p), np.zeros((4, 6), np.uint8))
        >>> read_image(p).shape, read_image(p, rgb=True).shape
        ((4, 6), (4, 6, 3))
        >>> read_image(p, max_pixels=10)
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.DataError: ...: 6x4 (width x height) = 24 pixels is over the limit of 10 ...
    """
    import cv2

    orientation = _checked_orientation(path, max_pixels)
    data = np.fromfile(str(path), dtype=np.uint8)
    # OpenCV turns some reads by the EXIF tag and not others: it never does here, _turn does
    flags = cv2.IMREAD_GRAYSCALE if grayscale else cv2.IMREAD_COLOR if rgb else cv2.IMREAD_UNCHANGED
    img = cv2.imdecode(data, flags | cv2.IMREAD_IGNORE_ORIENTATION) if data.size else None
    if img is None:
        raise DataError("cannot decode this image (corrupt or truncated)", path=str(path))
    img = _turn(img, orientation)
    if grayscale or img.ndim == 2:
        return img
    if img.dtype != np.uint8:
        raise DataError(f"{img.dtype} images are not supported; convert to 8-bit", path=str(path))
    return cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA if img.shape[2] == 4 else cv2.COLOR_BGR2RGB)


def _checked_orientation(path: Path, max_pixels: int) -> int:
    """The EXIF orientation of an image whose header declares at most `max_pixels` pixels;
    `DataError` for a larger one (a decompression bomb?) or an unreadable header."""
    from PIL import Image

    try:
        with Image.open(path) as header:
            width, height = header.size
            # read after the size check below, so that it never decodes pixels (see _orientation)
            orientation = _orientation(header) if width * height <= max_pixels else 1
    except Image.DecompressionBombError as exc:  # over Pillow's own limit: it gives no size
        raise DataError(f"{_declared_size(path, exc)} is over the limit of {max_pixels} (a "
                        "decompression bomb?); resize it or raise the limit (max_pixels)",
                        path=str(path)) from None
    except (OSError, SyntaxError, ValueError):
        raise DataError("cannot decode this image's header (corrupt, truncated or not an image)",
                        path=str(path)) from None
    if width * height > max_pixels:
        raise DataError(f"{width}x{height} (width x height) = {width * height} pixels is over the "
                        f"limit of {max_pixels} (a decompression bomb?); resize it or raise the "
                        "limit (max_pixels)", path=str(path))
    return orientation


def _orientation(header: Any) -> int:
    """The EXIF Orientation (1..8) of an opened image; 1 (as stored) when there is none.

    Only the EXIF block Pillow read with the header counts: asking a PNG for a later one would
    decode the whole image. TIFF is left out: its orientation is a TIFF tag that OpenCV's TIFF
    decoder applies itself (turning it again here would turn it twice)."""
    raw = header.info.get("exif")
    if header.format == "TIFF" or not isinstance(raw, bytes):
        return 1
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(raw)
        value = exif.get(0x0112, 1)
    except Exception:  # a malformed EXIF block: viewers ignore it, so does this
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _turn(img: np.ndarray, orientation: int) -> np.ndarray:
    """The stored pixels as displayed for an EXIF orientation (rows are axis 0, columns axis 1);
    orientation 1 returns `img` itself, so images without a turn are exactly what was decoded."""
    if orientation == 1:
        return img
    turned = {2: lambda a: a[:, ::-1],  # mirrored left-right
              3: lambda a: a[::-1, ::-1],  # rotated 180
              4: lambda a: a[::-1],  # mirrored top-bottom
              5: lambda a: a.swapaxes(0, 1),  # transposed
              6: lambda a: np.rot90(a, -1),  # shown rotated 90 clockwise
              7: lambda a: a[::-1, ::-1].swapaxes(0, 1),  # transverse
              8: lambda a: np.rot90(a, 1)}[orientation](img)  # shown rotated 90 counter-clockwise
    return np.ascontiguousarray(turned)


def image_orientation(path: Path) -> int:
    """The EXIF Orientation an image is read with (1: as stored; 5 to 8 swap width and height).

    Example:
        >>> import tempfile, cv2
        >>> p = Path(tempfile.mkdtemp()) / "a.png"
        >>> _ = cv2.imwrite(str(p), np.zeros((4, 6, 3), np.uint8))
        >>> image_orientation(p)
        1
    """
    from PIL import Image

    try:
        with Image.open(path) as header:
            return _orientation(header)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 1


def _declared_size(path: Path, exc: Exception) -> str:
    """The size an image's header declares, for an image Pillow refused to open as a bomb (its
    error gives only the pixel count): each format's reader is tried directly, as Image.open does
    but without its pixel-count check; nothing is decoded."""
    from PIL import Image

    with path.open("rb") as fp:
        prefix = fp.read(16)
        for fmt in list(Image.ID):
            factory, accept = Image.OPEN[fmt]
            verdict = accept(prefix) if accept is not None else True
            if not verdict or isinstance(verdict, str):  # a str: Pillow's "not this format" note
                continue
            try:
                fp.seek(0)
                width, height = factory(fp, str(path)).size
            except (OSError, EOFError, SyntaxError, ValueError, IndexError, KeyError, TypeError,
                    struct.error):  # not this format: the next one is tried, as Image.open does
                continue
            return f"{width}x{height} (width x height) = {width * height} pixels"
    found = re.search(r"\((\d+) pixels\)", str(exc))
    return f"an image of {found[1]} pixels" if found else "an image of more pixels than Pillow opens"


def encode_image(path: Path, img: np.ndarray) -> bytes:
    """An RGB(A) or grey image encoded as the file `path` names (JPEG at quality 95).

    Example:
        >>> encode_image(Path("a.png"), np.zeros((2, 2, 3), np.uint8))[1:4]
        b'PNG'
    """
    import cv2

    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA if img.shape[2] == 4 else cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if path.suffix.lower() in (".jpg", ".jpeg") else []
    ok, buf = cv2.imencode(path.suffix.lower(), img, params)
    if not ok:
        raise DataError("OpenCV cannot encode this image format", path=str(path))
    return bytes(buf.tobytes())
