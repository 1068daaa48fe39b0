"""Output sizes are bounded like input sizes: a transform asked for a 100000x100000 image says so
in one line (at construction, or before any memory is taken), never an OpenCV out-of-memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.image.spatial.warp import MAX_PIXELS


@pytest.mark.parametrize("make", [lambda: al.Resize(100_000, 100_000), lambda: al.Resize(20_000, 20_000),
                                  lambda: al.RandomResizedCrop(size=(40_000, 40)),
                                  lambda: al.PadIfNeeded(min_height=12_000, min_width=12_000)])
def test_sizes_over_the_limit_are_refused_at_construction(make: object) -> None:
    with pytest.raises(InvalidConfig, match=r"must be <= 32766|over the limit"):
        make()  # type: ignore[operator]


def test_a_pipeline_file_asking_for_a_huge_image_fails_validation_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n"
                    "    - {name: Resize, height: 100000, width: 100000}\n")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "height=100000 must be <= 32766" in err


@pytest.mark.parametrize("fused", [True, False])
def test_a_size_that_only_the_image_makes_huge_is_refused_before_warping(fused: bool) -> None:
    image = np.zeros((10, 1000, 3), np.uint8)  # the shorter side to 30000: 3000000 x 30000
    t = al.SmallestMaxSize(max_size=30_000)
    with pytest.raises(InvalidInput, match="SmallestMaxSize: the output would be 3000000x30000"):
        (al.Compose([t]) if fused else t)(image=image)
    # up to the limit, it works
    side = int(MAX_PIXELS ** 0.5) // 2
    out = al.Compose([al.Resize(side, side)])(image=np.zeros((8, 8), np.uint8))
    assert out["image"].shape == (side, side)
