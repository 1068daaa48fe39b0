"""Real text pages for the document tests: words rendered with DejaVu Sans (matplotlib ships it;
Debian's fonts-dejavu-core as a fallback), each with its box and its own ink mask."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["Page", "font_path", "render_page"]

_WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven",
          "wizards", "quietly", "judge", "boxing", "matches", "invoice", "total", "amount", "due",
          "date", "account", "number", "page", "section", "receipt", "balance", "payment",
          "reference", "letter", "document"]


@lru_cache(maxsize=1)
def font_path() -> str:
    """DejaVu Sans: matplotlib's own copy (installed with the test dependencies), else Debian's."""
    candidates = []
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    except ImportError:
        pass
    candidates.append(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    for path in candidates:
        if path.is_file():
            return str(path)
    raise FileNotFoundError("DejaVuSans.ttf not found: install matplotlib or fonts-dejavu-core")


@dataclass(frozen=True)
class Page:
    """A rendered page: grey uint8 image (black text on white), word boxes (pascal_voc, the ink's
    tight box), the words, and a label mask (word i's ink pixels hold i + 1)."""

    image: np.ndarray
    boxes: list[list[int]]
    words: list[str]
    labels: np.ndarray

    @property
    def rgb(self) -> np.ndarray:
        return np.repeat(self.image[:, :, None], 3, axis=2)

    @property
    def ink(self) -> np.ndarray:
        return self.image < 128


def render_page(width: int = 240, height: int = 320, size: int = 14, seed: int = 0,
                margin: int = 16) -> Page:
    """Lines of random words filling a white page, `size`-pixel DejaVu Sans, left-aligned."""
    rng = np.random.default_rng(seed)
    font = ImageFont.truetype(font_path(), size)
    canvas = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(canvas)
    boxes, words, masks = [], [], []
    line_height = int(size * 1.6)
    y = margin
    while y + line_height <= height - margin and len(words) < 254:
        x = margin
        while len(words) < 254:  # labels are uint8 (0: paper)
            word = str(rng.choice(_WORDS))
            x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
            if x1 > width - margin:
                break
            draw.text((x, y), word, fill=0, font=font)
            mask = Image.new("L", (width, height), 0)
            ImageDraw.Draw(mask).text((x, y), word, fill=255, font=font)
            boxes.append([int(x0), int(y0), int(x1), int(y1)])
            words.append(word)
            masks.append(np.asarray(mask) >= 128)
            x = x1 + int(size * 0.6)
        y += line_height
    image = np.asarray(canvas).copy()
    labels = np.zeros((height, width), np.uint8)
    for i, m in enumerate(masks):
        labels[m] = i + 1
    return Page(image, boxes, words, labels)
