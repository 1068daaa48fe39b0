"""What every dataset format shares: `Entry` (one sample and its files), the `Format` interface
(detect, scan, read, write, assemble), and the path checks that keep every file inside the root.

A format is one object; `augmentlab.datasets.formats` keeps the registry and dispatches to it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ...image.io import IMAGE_SUFFIXES, encode_image, image_orientation, read_image
from ...image.spatial.warp import MAX_PIXELS

__all__ = ["Entry", "Format", "ImageFormat", "Listing", "PairedImageFormat", "file_sha256", "files_below",
           "inside", "output_name", "turn_hint"]

Files = dict[str, bytes]  # relative path -> bytes, nothing written yet


@dataclass(frozen=True)
class Entry:
    """One source image (``rel``: its path relative to the root, the key everywhere) and its
    annotation files.

    Example:
        >>> Entry("cats/a.jpg", label="cats").key, Entry("t.csv", row=3).key
        ('cats/a.jpg', 't.csv#3')
    """

    rel: str
    label: str | None = None
    mask: str | None = None
    boxes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    row: int | None = None  # a row of a table or text file

    @property
    def key(self) -> str:
        """What identifies the sample (its seed-tree id is a hash of it): the path, and the row."""
        return self.rel if self.row is None else f"{self.rel}#{self.row}"


class Listing:
    """What a root holds, listed once for every format's `Format.detect`: its files (below it,
    hidden ones left out).

    Example:
        >>> import tempfile
        >>> Listing(Path(tempfile.mkdtemp())).suffixes
        set()
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    @cached_property
    def files(self) -> list[Path]:
        """Every file below the root, hidden ones left out."""
        return [p for p in self.root.rglob("*") if p.is_file() and not p.name.startswith(".")]

    @cached_property
    def suffixes(self) -> set[str]:
        """The (lower-case) suffixes of `files`."""
        return {p.suffix.lower() for p in self.files}


class Format:
    """One dataset layout on disk. Subclasses set `name` (and `carried`) and override what they
    support; the defaults suit a format with one file per sample plus its annotation files.

    Example:
        >>> from augmentlab.datasets.formats import FORMATS
        >>> FORMATS["yolo"].name, "data.yaml" in FORMATS["yolo"].carried
        ('yolo', True)
    """

    name: ClassVar[str]
    # files (glob patterns below the root) that describe the dataset rather than hold samples,
    # carried into OUTPUT byte for byte (see `augmentlab.datasets.formats.carried_files`)
    carried: ClassVar[tuple[str, ...]] = ()

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        """Whether the folder `root` holds a dataset in this format."""
        return False

    def accepts_file(self, path: Path, text_column: str) -> bool:
        """Whether the single file `path` is a dataset in this format on its own."""
        return False

    def scan(self, root: Path, problems: list[dict[str, str]], *, label: str | None,
             text_column: str, only: str | None) -> list[Entry]:
        """The entries below `root` (sorted by path); what cannot be used goes to `problems`."""
        raise NotImplementedError

    def entry_for_file(self, path: Path) -> tuple[Path, Entry] | None:
        """The root and `Entry` of one image file when it sits in a dataset of this format."""
        return None

    def carries(self, root: Path, rel: str) -> bool:
        """Whether a file matching `carried` is one to carry (a format may veto a name)."""
        return True

    def read(self, root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
        """The pipeline fields of one entry."""
        raise NotImplementedError

    def inputs(self, src: Path, entry: Entry) -> dict[str, Any]:
        """What a sample's outputs are made from besides its source file (a resume redoes the
        sample when it changes): the sha256 of its mask or annotation file."""
        return {name: file_sha256(src / rel) for name in ("mask", "boxes")
                if (rel := getattr(entry, name)) is not None}

    def original(self, src: Path, entry: Entry) -> tuple[Files, Any]:
        """An original copied byte for byte: ``(files, part)`` as `write`."""
        files = {entry.rel: (src / entry.rel).read_bytes()}
        for extra in (entry.mask, entry.boxes):
            if extra is not None:
                files[extra] = (src / extra).read_bytes()
        return files, None

    def write(self, out: Path, entry: Entry, copy: int, fields: dict[str, Any],
              src: Path | None) -> tuple[Files, Any]:
        """Encode one augmented sample: ``(files, part)``, nothing written yet. ``part`` is what
        the output adds to a shared file (a COCO image and its annotations, a row), assembled
        when the run ends; None for formats with one file per sample."""
        raise NotImplementedError

    def shared_file(self, line: dict[str, Any]) -> str:
        """The shared file a manifest line's part goes to."""
        return str(line["source"])

    def assemble(self, src: Path, rel: str, parts: list[Any]) -> bytes:
        """The shared file `rel`, made of `parts` (in manifest order)."""
        raise NotImplementedError(f"the {self.name} format has no shared files")


class ImageFormat(Format):
    """A format whose samples are image files: reading and writing the image is shared, each
    format adds its annotations (`annotate`, `write_annotations`)."""

    def read(self, root: Path, entry: Entry, *, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
        image = read_image(root / entry.rel, max_pixels=max_pixels)
        return self.annotate(root, entry, image, max_pixels)

    def annotate(self, root: Path, entry: Entry, image: np.ndarray, max_pixels: int) -> dict[str, Any]:
        """The fields of an image and its annotations."""
        return {"image": image}

    def write(self, out: Path, entry: Entry, copy: int, fields: dict[str, Any],
              src: Path | None) -> tuple[Files, Any]:
        image_rel = output_name(entry.rel, copy)
        files = {image_rel: encode_image(out / image_rel, fields["image"])}
        return files, self.write_annotations(files, out, entry, copy, fields, src, image_rel)

    def write_annotations(self, files: Files, out: Path, entry: Entry, copy: int,
                          fields: dict[str, Any], src: Path | None, image_rel: str) -> Any:
        """Add the annotation files of one output to `files`; returns its part (or None)."""
        return None


class PairedImageFormat(ImageFormat):
    """An image format whose root holds two folders: `images`, and `annotations` with one file per
    image, at the image's path below `images` with the annotation's own suffix."""

    images: ClassVar[str]
    annotations: ClassVar[str]

    def detect(self, root: Path, listing: Listing, text_column: str) -> bool:
        return (root / self.images).is_dir() and (root / self.annotations).is_dir()

    def image_stems(self, root: Path, problems: list[dict[str, str]]) -> list[tuple[str, str]]:
        """Every image below `images` (as `files_below` finds them) as ``(rel, stem)``: its path
        from the root, and its path below `images` without the suffix (its annotation's, below
        `annotations`, with the annotation's suffix).

        Example:
            >>> import tempfile
            >>> from augmentlab.datasets.formats import FORMATS
            >>> root = Path(tempfile.mkdtemp()); (root / "images" / "a").mkdir(parents=True)
            >>> _ = (root / "images" / "a" / "b.png").write_bytes(b"")
            >>> FORMATS["yolo"].image_stems(root, [])
            [('images/a/b.png', 'a/b')]
        """
        folder = root / self.images
        return [(path.relative_to(root).as_posix(), path.relative_to(folder).with_suffix("").as_posix())
                for path in files_below(root, folder, problems, IMAGE_SUFFIXES)]


def output_name(rel: str, copy: int) -> str:
    """Where copy `copy` of `rel` goes (copy 0: the original's own name).

    Example:
        >>> output_name("cats/a.jpg", 2), output_name("cats/a.jpg", 0)
        ('cats/a_aug2.jpg', 'cats/a.jpg')
    """
    if copy == 0:
        return rel
    p = Path(rel)
    return p.with_name(f"{p.stem}_aug{copy}{p.suffix}").as_posix()


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a"; _ = p.write_bytes(b"")
        >>> file_sha256(p)[:12]
        'e3b0c44298fc'
    """
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def inside(root: Path, path: Path) -> bool:
    """Whether `path`, symbolic links followed, is inside `root`.

    Example:
        >>> inside(Path("/data"), Path("/data/a/b.png")), inside(Path("/data"), Path("/etc/passwd"))
        (True, False)
    """
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _linked_folder(root: Path, path: Path, problems: list[dict[str, str]]) -> bool:
    """Whether `path` is a symbolic link to a folder; if so it is not followed, and reported."""
    if not path.is_symlink():
        return False
    rel = path.relative_to(root).as_posix()
    if not inside(root, path):
        problems.append({"file": rel, "error": "a symbolic link leading outside the input folder; "
                         "its files are left out: copy the folder into the input to augment it"})
        return True
    # following it could read the target's files twice (under two names), or loop
    target = path.resolve().relative_to(root.resolve()).as_posix()
    problems.append({"file": rel, "error": f"a symbolic link to the folder {target} inside the "
                     "input, not followed (so that no image is read twice, under two names): its "
                     "files are left out under this name; replace the link with a copy of the "
                     "folder to augment them under both"})
    return True


def files_below(root: Path, folder: Path, problems: list[dict[str, str]],
                suffixes: tuple[str, ...]) -> list[Path]:
    """The files with `suffixes` below `folder` (sorted, hidden ones left out), never leaving
    `root`: a symbolic link out of it, or to a folder, is reported in `problems`, not followed.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp()); _ = (root / "a.png").write_bytes(b"")
        >>> [p.name for p in files_below(root, root, [], (".png",))]
        ['a.png']
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not _linked_folder(root, Path(dirpath) / d, problems))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() not in suffixes:
                continue
            if not inside(root, path):
                problems.append({"file": str(path.relative_to(root)),
                                 "error": "a symbolic link leading outside the input folder"})
                continue
            found.append(path)
    return found


def turn_hint(image: Path, said: tuple[Any, Any], shape: tuple[int, ...]) -> str:
    """What to add to a size mismatch when the size an annotation gives (width, height) is that of
    the image's pixels as stored, which its EXIF orientation shows turned: "" otherwise.

    Example:
        >>> turn_hint(Path("a.jpg"), (4, 6), (4, 6, 3))
        ''
    """
    height, width = shape[:2]
    if said != (height, width) or width == height:
        return ""
    orientation = image_orientation(image)
    if orientation < 5:
        return ""
    return (f" (its EXIF orientation {orientation} shows the {height}x{width} pixels stored in the "
            f"file turned, as {width}x{height}: annotations are read in displayed coordinates, as "
            "every viewer shows the image; annotate the image as displayed, or strip its EXIF "
            "orientation if the annotations are meant for the pixels as stored)")

