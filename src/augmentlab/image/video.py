"""Video: a ``video`` field of frames ``(T, H, W)`` or ``(T, H, W, C)``. Temporal crop and
frame sampling, and `Video`, which runs any image transform or pipeline on every frame -- with
the same spatial parameters on all frames (a camera shake moves the whole clip) or fresh ones
per frame (``per_frame=True``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig, InvalidInput
from ..core.kinds import field_of, register_kinds
from ..core.params import check_choice, check_number
from ..core.rng import integer
from ..core.sample import Sample
from ..core.transform import Transform

__all__ = ["FrameSample", "TemporalCrop", "Video"]


def _video(sample: Any) -> tuple[str, np.ndarray]:
    return field_of(sample, "video", "a video: pass video=... ((T, H, W) or (T, H, W, C) frames)")


class Video(Transform):
    """Run an image transform (or a pipeline, or its config) on every frame. By default every
    frame gets the same parameters -- the inner pipeline runs on each frame with the same seed,
    sample id and copy, so the same flip, crop or colour shift applies to all of them; with
    ``per_frame=True`` frame ``t`` is sample ``t`` of the inner pipeline (fresh parameters per
    frame, still reproducible).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> clip = np.stack([np.full((8, 8), v, np.uint8) for v in (0, 100, 200)])
        >>> clip[:, :, :4] += 10  # a brighter left half in every frame
        >>> out = al.image.Video(al.HorizontalFlip(p=1.0))(video=clip, seed=0)["video"]
        >>> bool((out[:, :, 4:] == clip[:, :, :4][:, :, ::-1]).all())  # every frame flipped
        True
    """

    name = "Video"
    fields = frozenset({"video"})
    _positional_ok = True

    def __init__(self, transforms: Transform | Sequence[Transform] | dict[str, Any], *,
                 per_frame: bool = False, p: float = 1.0) -> None:
        super().__init__(p=p)
        if isinstance(transforms, dict):
            transforms = Transform.from_config(transforms)
        if isinstance(transforms, (list, tuple)):
            transforms = Compose(list(transforms))
        if not isinstance(transforms, Transform):
            raise InvalidConfig(f"Video: transforms must be an image transform, a pipeline or a "
                                f"config, got {type(transforms).__name__}")
        if not isinstance(per_frame, bool):
            raise InvalidConfig(f"Video: per_frame={per_frame!r} must be true or false")
        self._given = transforms
        self.inner = transforms if isinstance(transforms, Compose) else Compose([transforms])
        self.per_frame = per_frame

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "transforms": self._given.get_config(),
                "per_frame": self.per_frame, "p": self.p}

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Transform:
        return cls(**args)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        _video(sample)
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def apply_video(self, video: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        frames = [self.inner(image=frame, seed=params["seed"], copy=0,
                             sample_id=t if self.per_frame else 0)["image"]
                  for t, frame in enumerate(video)]
        shapes = {f.shape for f in frames}
        if len(shapes) > 1:  # per-frame crops of different sizes cannot make one clip
            raise InvalidInput(f"Video: the frames came out in different sizes {sorted(shapes)}; "
                               "use the same spatial parameters (per_frame=False) or a fixed "
                               "output size")
        return np.stack(frames)


class TemporalCrop(Transform):
    """Keep `frames` consecutive frames from a start drawn uniformly (the whole clip when it is
    not longer).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> clip = np.arange(10, dtype=np.uint8)[:, None, None] * np.ones((1, 2, 2), np.uint8)
        >>> out = al.image.TemporalCrop(frames=4)(video=clip, seed=0)["video"]
        >>> out.shape, bool((np.diff(out[:, 0, 0].astype(int)) == 1).all())
        ((4, 2, 2), True)
    """

    name = "TemporalCrop"
    fields = frozenset({"video"})

    def __init__(self, *, frames: int, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.frames = int(check_number(self.name, "frames", frames, low=1, high=10**7, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        length = len(_video(sample)[1])
        return {"start": integer(rng, 0, max(length - self.frames, 0) + 1)}

    def apply_video(self, video: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return video[params["start"]: params["start"] + self.frames].copy()


class FrameSample(Transform):
    """Keep `frames` frames in their order: evenly spaced from a random offset
    (``mode="uniform"``, a random temporal stride phase) or a random sorted subset
    (``mode="random"``); a shorter clip repeats frames to reach `frames`.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> clip = np.arange(12, dtype=np.uint8)[:, None, None] * np.ones((1, 2, 2), np.uint8)
        >>> al.image.FrameSample(frames=3)(video=clip, seed=0)["video"][:, 0, 0].tolist()
        [3, 7, 11]
    """

    name = "FrameSample"
    fields = frozenset({"video"})

    def __init__(self, *, frames: int, mode: str = "uniform", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.frames = int(check_number(self.name, "frames", frames, low=1, high=10**7, integer=True))
        self.mode = check_choice(self.name, "mode", mode, ("uniform", "random"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        length = len(_video(sample)[1])
        if self.mode == "random" and length >= self.frames:
            return {"index": sorted(rng.choice(length, self.frames, replace=False).tolist())}
        stride = length / self.frames
        offset = float(rng.random()) * stride if stride >= 1 else 0.0
        return {"index": [min(int(offset + k * stride), length - 1) for k in range(self.frames)]}

    def apply_video(self, video: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return video[np.asarray(params["index"], dtype=np.intp)]


def check_video_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``video`` fields: frames ``(T, H, W)`` or ``(T, H, W, C)``, uint8 or
    float32, at least one frame.

    Example:
        >>> check_video_fields({"video": np.zeros((0, 4, 4), np.uint8)}, {"video": "video"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: video: expected uint8 or float32 frames ... got uint8 (0, 4, 4)
    """
    for key, kind in kinds.items():
        value = fields[key]
        if kind == "video" and (not isinstance(value, np.ndarray) or value.ndim not in (3, 4)
                                or len(value) == 0 or value.dtype not in (np.uint8, np.float32)):
            raise InvalidInput(f"{key}: expected uint8 or float32 frames (T, H, W) or (T, H, W, "
                               f"C), got {getattr(value, 'dtype', type(value).__name__)} "
                               f"{getattr(value, 'shape', '')}")


register_kinds(("video",), check_video_fields)
