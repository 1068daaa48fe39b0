"""Transforms that move time: TimeWarp, WindowSlice, WindowWarp (Le Guennec et al. 2016),
Permutation (Um et al. 2017), Crop, Resize. Each gives the input time every output step reads;
the series is resampled there (`resample_at`: missing stays missing) and ``step_labels`` take the
label of the nearest input step. One time axis serves every channel, so the labels stay true."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_number, to_range
from ..core.rng import integer
from ..core.sample import Sample
from .base import TimeTransform, series_of
from .values import check_curve, curve_knots, smooth_curve

__all__ = ["Crop", "Permutation", "Resize", "TimeWarp", "WindowSlice", "WindowWarp"]


class TimeWarp(TimeTransform):
    """Speed time up and down smoothly: the local speed is a cubic spline through `knots` + 2
    values drawn from ``N(1, sigma)`` (kept above 0.1, so time never runs backwards), integrated
    and scaled so the warped series starts and ends where the original does.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.arange(50.0)
        >>> out = al.series.TimeWarp(sigma=0.3)(series=x, step_labels=list(range(50)), seed=1)
        >>> y = out["series"]
        >>> float(y[0]), float(y[-1]), bool(np.all(np.diff(y) >= 0)), out["step_labels"][0]
        (0.0, 49.0, True, 0)
    """

    name = "series.TimeWarp"

    def __init__(self, *, sigma: float = 0.2, knots: int = 4, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.sigma, self.knots = check_curve(self.name, sigma, knots)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"speeds": curve_knots(rng, self.sigma, self.knots)}

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        if length < 2:
            return np.zeros(length)
        speed = np.maximum(smooth_curve([[v] for v in params["speeds"]], length)[:, 0], 0.1)
        clock = np.concatenate([[0.0], np.cumsum((speed[1:] + speed[:-1]) / 2)])
        return clock * ((length - 1) / clock[-1])


class WindowSlice(TimeTransform):
    """Read a window of `ratio` of the series (its start drawn uniformly) stretched back to the
    full length.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.series.WindowSlice(ratio=0.5)(series=np.arange(11.0), seed=0)["series"]
        >>> y.shape, float(y[-1] - y[0])  # half the span, over as many steps
        ((11,), 5.0)
    """

    name = "series.WindowSlice"

    def __init__(self, *, ratio: float = 0.9, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.ratio = check_number(self.name, "ratio", ratio, low=0.01, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        length = len(series_of(sample)[1])
        width = max(1, math.ceil(self.ratio * length))
        return {"start": integer(rng, 0, length - width + 1), "width": width}

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        return params["start"] + np.linspace(0, params["width"] - 1, length)


class WindowWarp(TimeTransform):
    """Slow down or speed up one window of `window_ratio` of the series by a factor picked from
    `scales` (2: twice as slow), then fit the whole back to its length.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.series.WindowWarp(window_ratio=0.2, scales=(2.0,))(series=np.arange(100.0), seed=0)
        >>> out["series"].shape, float(out["series"][0]), float(out["series"][-1])
        ((100,), 0.0, 99.0)
    """

    name = "series.WindowWarp"

    def __init__(self, *, window_ratio: float = 0.1, scales: tuple[float, ...] = (0.5, 2.0),
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.window_ratio = check_number(self.name, "window_ratio", window_ratio, low=0.01, high=1)
        if not isinstance(scales, (list, tuple)) or not scales:
            raise InvalidConfig(f"{self.name}: scales={scales!r} must be a non-empty list of factors")
        self.scales = tuple(check_number(self.name, "scales", s, low=0.05, high=20) for s in scales)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        length = len(series_of(sample)[1])
        width = max(1, math.ceil(self.window_ratio * length))
        return {"start": integer(rng, 0, length - width + 1), "width": width,
                "scale": self.scales[integer(rng, 0, len(self.scales))]}

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        start, width, scale = params["start"], params["width"], params["scale"]
        if length < 2:
            return np.zeros(length)
        # the warped timeline: before the window at speed 1, the window `scale` times longer,
        # the rest at speed 1; output steps spread evenly over it, mapped back to input time
        end = min(start + width, length - 1)
        stretched = start + (end - start) * scale
        new = [0.0, float(start), stretched, stretched + (length - 1 - end)]
        old = [0.0, float(start), float(end), float(length - 1)]
        grid = np.linspace(0.0, new[-1], length)
        return np.interp(grid, new, old)


class Permutation(TimeTransform):
    """Cut the series into 1 to `max_segments` pieces at random places and put them in a random
    order (each piece intact).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.series.Permutation(max_segments=4)(series=np.arange(10.0), seed=3)["series"]
        >>> sorted(y.tolist()) == list(range(10))
        True
    """

    name = "series.Permutation"

    def __init__(self, *, max_segments: int = 5, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_segments = int(check_number(self.name, "max_segments", max_segments, low=1,
                                             high=10**6, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        length = len(series_of(sample)[1])
        pieces = integer(rng, 1, min(self.max_segments, length) + 1)
        cuts = sorted(rng.choice(np.arange(1, length), pieces - 1, replace=False).tolist()) \
            if pieces > 1 else []
        return {"cuts": cuts, "order": rng.permutation(pieces).tolist()}

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        edges = [0, *params["cuts"], length]
        return np.concatenate([np.arange(edges[i], edges[i + 1]) for i in params["order"]])


class Crop(TimeTransform):
    """A window of `size` steps at a start drawn uniformly (the whole series when it is not
    longer). Output length ``min(T, size)``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.series.Crop(size=3)(series=np.arange(10.0), step_labels=list("abcdefghij"), seed=0)
        >>> len(out["series"]), "".join(out["step_labels"]) in "abcdefghij"
        (3, True)
    """

    name = "series.Crop"

    def __init__(self, *, size: int, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.size = int(check_number(self.name, "size", size, low=1, high=2**40, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        length = len(series_of(sample)[1])
        return {"start": integer(rng, 0, max(length - self.size, 0) + 1)}

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        return params["start"] + np.arange(min(length, self.size), dtype=np.float64)


class Resize(TimeTransform):
    """Resample to a length drawn in ``[min_size, max_size]`` steps (linear interpolation; step
    labels from the nearest step).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.series.Resize(min_size=5, max_size=5)(series=np.arange(9.0), seed=0)["series"].tolist()
        [0.0, 2.0, 4.0, 6.0, 8.0]
    """

    name = "series.Resize"

    def __init__(self, *, min_size: int, max_size: int, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.size = tuple(int(v) for v in to_range(self.name, "min_size..max_size",
                                                   (min_size, max_size), low=1, high=2**40))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"size": integer(rng, self.size[0], self.size[1] + 1)}

    def source_times(self, length: int, params: dict[str, Any]) -> np.ndarray:
        return np.linspace(0.0, length - 1, params["size"])

