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

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "encode_image", "encode_mask", "image_orientation",
           "mask_palette", "read_image", "read_mask"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def read_image(path: str | Path, *, grayscale: bool = False, rgb: bool = False,
               max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read an image after checking its pixel count from the header (before decoding), turned the
    way its EXIF Orientation tag says.

    As stored by default: a grey image is ``(H, W)``, an RGBA one keeps its alpha, 16-bit
    files stay uint16 (PNG, TIFF), and a TIFF that is not plain grey or RGB(A) (more than 4
    bands, 2 bands, unassociated alpha) is ``(H, W, bands)`` as stored (read with tifffile: the
    ``tiff`` extra); a TIFF of several pages is refused. ``rgb=True`` gives ``(H, W, 3)`` uint8 RGB
    whatever the file holds (alpha dropped, grey repeated, 16-bit scaled down),
    ``grayscale=True`` ``(H, W)`` uint8.
    Label masks are read with `read_mask` (class ids, not colours).

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

    path = Path(path)
    if path.suffix.lower() in (".tif", ".tiff"):
        bands = _read_tiff(path, max_pixels, converted=grayscale or rgb)
        if bands is not None:
            return bands
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
    if img.dtype not in (np.uint8, np.uint16):
        raise DataError(f"{img.dtype} images are not supported; convert to 8 or 16 bits per "
                        "channel", path=str(path))
    return cv2.cvtColor(img, cv2.COLOR_BGRA2RGBA if img.shape[2] == 4 else cv2.COLOR_BGR2RGB)


def _tifffile() -> Any:
    from ..core.optional import require

    return require("tifffile", "tiff", "reading and writing TIFF files of more than 4 bands")


def _read_tiff(path: Path, max_pixels: int, converted: bool) -> np.ndarray | None:
    """The TIFFs OpenCV cannot read or misreads, read with tifffile, bands as stored: more than
    4 bands (satellite tiles), 2 bands, grey-photometric colour, unassociated alpha (which
    OpenCV's libtiff premultiplies into the colours). None: a grey or RGB(A) page OpenCV reads
    as stored. A file of several pages is refused: only its first would be read."""
    try:
        tifffile = _tifffile()
    except ImportError:
        return None
    try:
        with tifffile.TiffFile(path) as tif:
            pages, page = len(tif.pages), tif.pages.first
            if pages > 1:  # a stack, or one (H, W, bands) array tifffile spread over H pages
                raise DataError(f"a TIFF of {pages} pages (a stack, a multi-page document, or "
                                "bands written as pages); one image per file is read and the rest "
                                "would be lost: split it, or write an image's bands into one page "
                                "(tifffile.imwrite(path, image, photometric='minisblack', "
                                "planarconfig='contig'))", path=str(path))
            bands = int(page.samplesperpixel)
            height, width = int(page.imagelength), int(page.imagewidth)
            rgb = int(page.photometric) == 2 and 2 not in tuple(page.extrasamples)
            if bands == 1 or (bands in (3, 4) and rgb):
                return None  # OpenCV reads it as stored (and decodes LZW and JPEG)
            if converted:
                raise DataError(f"a TIFF of {bands} bands cannot be read as RGB or grey; read it "
                                "as stored", path=str(path))
            if height * width > max_pixels:
                raise DataError(f"{width}x{height} (width x height) = {height * width} pixels is "
                                f"over the limit of {max_pixels}; resize it or raise the limit "
                                "(max_pixels)", path=str(path))
            arr = page.asarray()
    except DataError:
        raise
    except Exception as exc:  # tifffile's own errors: a corrupt or unusual file, a codec missing
        hint = "; install imagecodecs (pip install imagecodecs) or save it uncompressed" \
            if "imagecodecs" in str(exc) else ""
        raise DataError(f"cannot read this TIFF ({type(exc).__name__}: {exc}){hint}",
                        path=str(path)) from None
    if page.planarconfig == 2 and arr.ndim == 3 and arr.shape[0] == bands:
        arr = np.moveaxis(arr, 0, -1)  # stored one plane per band
    if arr.shape != (height, width, bands):
        raise DataError(f"a TIFF of {bands} bands read as shape {arr.shape}; only one image of "
                        "(height, width, bands) per file is supported", path=str(path))
    if arr.dtype not in (np.uint8, np.uint16, np.float32):
        raise DataError(f"{arr.dtype} bands are not supported; convert to uint8, uint16 or "
                        "float32", path=str(path))
    return np.ascontiguousarray(arr)


def read_mask(path: Path, *, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Read a label mask as ``(H, W)`` class ids, turned the way its EXIF tag says.

    A palette PNG (Pascal VOC's masks) gives its palette indices, not the colours they show; a
    16-bit PNG or TIFF keeps its ids above 255. A colour mask whose channels differ is refused:
    its colours are not class ids (map each colour to an id first).

    Example:
        >>> import tempfile
        >>> from PIL import Image
        >>> p = Path(tempfile.mkdtemp()) / "m.png"
        >>> ids = np.array([[0, 1], [2, 15]], np.uint8)
        >>> im = Image.fromarray(ids, mode="P"); im.putpalette([0, 0, 0, 128, 0, 0] * 128)
        >>> im.save(p)
        >>> read_mask(p).tolist()  # the indices, not the palette's colours
        [[0, 1], [2, 15]]
    """
    import cv2
    from PIL import Image

    orientation = _checked_orientation(path, max_pixels)
    with Image.open(path) as header:
        palette = header.mode in ("P", "PA")
        if palette:
            try:
                img = np.array(header.convert("P") if header.mode == "PA" else header)
            except (OSError, SyntaxError, ValueError):
                raise DataError("cannot decode this mask (corrupt or truncated)",
                                path=str(path)) from None
    if not palette:
        data = np.fromfile(str(path), dtype=np.uint8)
        decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION) \
            if data.size else None
        if decoded is None:
            raise DataError("cannot decode this mask (corrupt or truncated)", path=str(path))
        img = decoded
    if img.ndim == 3:
        colour = img[:, :, :3]
        if not ((colour == colour[:, :, :1]).all()):
            raise DataError("this mask is a colour image whose channels differ: a mask must hold "
                            "one class id per pixel (a grey or palette PNG); map each colour to "
                            "its class id first", path=str(path))
        img = np.ascontiguousarray(colour[:, :, 0])
    if img.dtype.kind not in "ui":
        raise DataError(f"a {img.dtype} mask cannot hold class ids; save it as 8- or 16-bit "
                        "integers", path=str(path))
    return _turn(img, orientation)


def mask_palette(path: Path) -> list[int] | None:
    """The palette of a palette PNG mask (to write augmented masks the same way), else None.
    Only the header is read.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "m.png"
        >>> encode_mask(p, np.zeros((2, 2), np.uint8)) and mask_palette(p) is None
        True
    """
    from PIL import Image

    try:
        with Image.open(path) as header:
            return header.getpalette() if header.mode in ("P", "PA") else None
    except (OSError, SyntaxError, ValueError):
        return None


def encode_mask(path: Path, mask: np.ndarray, palette: list[int] | None = None) -> bytes:
    """A label mask encoded as the file `path` names (a lossless format: PNG, TIFF, BMP), with
    `palette` as a palette PNG when given and every id fits in 8 bits.

    Example:
        >>> encode_mask(Path("m.png"), np.zeros((2, 2), np.uint8), [0, 0, 0] * 256)[1:4]
        b'PNG'
    """
    if mask.ndim == 3 and mask.shape[2] == 1:
        mask = mask[:, :, 0]
    if palette is not None and mask.ndim == 2 and path.suffix.lower() == ".png" and (
            mask.dtype == np.uint8 or (mask.size and mask.min() >= 0 and mask.max() <= 255)):
        import io

        from PIL import Image

        img = Image.fromarray(mask.astype(np.uint8), mode="P")
        img.putpalette(palette)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        return buf.getvalue()
    return encode_image(path, mask)


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
    """An RGB(A) or grey image encoded as the file `path` names (JPEG at quality 95); 16-bit
    images keep their depth in PNG and TIFF, and are refused by formats that cannot hold it.
    Images of more than 4 bands (satellite imagery) are written as TIFF, bands unchanged.

    Example:
        >>> encode_image(Path("a.png"), np.zeros((2, 2, 3), np.uint8))[1:4]
        b'PNG'
    """
    import cv2

    suffix = path.suffix.lower()
    if img.dtype == np.uint16 and suffix not in (".png", ".tif", ".tiff", ".pgm", ".ppm"):
        raise DataError(f"a 16-bit image cannot be written as {suffix} without losing depth; "
                        "write PNG or TIFF (or convert to 8 bits first)", path=str(path))
    if img.dtype not in (np.uint8, np.uint16):
        raise DataError(f"a {img.dtype} image cannot be written as {suffix}; convert it to uint8 "
                        "(or uint16) first", path=str(path))
    if img.ndim == 3 and img.shape[2] > 4 and suffix in (".tif", ".tiff"):
        import io

        out = io.BytesIO()  # bands as they are, one pixel's bands together, losslessly
        _tifffile().imwrite(out, img, photometric="minisblack", planarconfig="contig")
        return out.getvalue()
    if img.ndim == 3 and img.shape[2] not in (1, 3, 4):
        raise DataError(f"an image of {img.shape[2]} channels cannot be written as {suffix} "
                        "(1, 3 or 4 channels; TIFF takes any number)", path=str(path))
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGBA2BGRA if img.shape[2] == 4 else cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if suffix in (".jpg", ".jpeg") else []
    ok, buf = cv2.imencode(suffix, img, params)
    if not ok:
        raise DataError("OpenCV cannot encode this image format", path=str(path))
    return bytes(buf.tobytes())
