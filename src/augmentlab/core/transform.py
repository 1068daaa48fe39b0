"""Transform bases: the three-layer contract (kernels → sample_params → apply).

All randomness lives in ``sample_params(sample, rng)``; ``apply(sample, params)`` is pure. Params
are JSON-native and returned, never stored, so one transform object serves any number of threads.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from . import registry
from .dump import dump_pipeline
from .errors import InvalidConfig, InvalidInput
from .geometry import ExactPlan
from .lut import apply_lut
from .params import (
    BORDER_MODES,
    INTERPOLATIONS,
    check_choice,
    check_flag,
    check_number,
    check_prob,
    check_text,
    shown,
)
from .sample import Sample, to_jsonable
from .warp import WarpStyle, check_output_size, fill_value, remap_sample, warp_sample

__all__ = [
    "DisplacementTransform",
    "GeometricTransform",
    "ImageOnlyTransform",
    "PointwiseTransform",
    "Transform",
]


def _wrap_init(cls: type) -> None:
    """Make ``__init__`` keyword-only, turn bad arguments into `InvalidConfig`, capture config.

    Parameters an ``__init__`` declares before its ``*`` may be given by position: the sizes
    Albumentations takes that way (``Resize(224, 224)``, ``LongestMaxSize(512)``); everything
    else is keyword-only. ``_positional_ok = True`` lifts the limit (containers).
    """
    original = cls.__dict__["__init__"]
    sig = inspect.signature(original)
    positional = [n for n, prm in list(sig.parameters.items())[1:]
                  if prm.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    example = "p=0.5" if "p" in sig.parameters else f"{list(sig.parameters)[-1]}=..."

    @functools.wraps(original)
    def __init__(self: Transform, *args: Any, **kwargs: Any) -> None:
        owner = type(self).__name__  # the class called, not the base that defines __init__
        if len(args) > len(positional) and not getattr(cls, "_positional_ok", False):
            if not positional:
                raise InvalidConfig(f"{owner}: arguments are keyword-only, e.g. {owner}({example})")
            raise InvalidConfig(f"{owner}: only {', '.join(positional)} may be given by position, "
                                f"e.g. {owner}({', '.join(positional)}, {example}); pass every "
                                "other argument by keyword")
        try:
            bound = sig.bind(self, *args, **kwargs)
        except TypeError as exc:
            allowed = [n for n in sig.parameters if n not in ("self", "args", "kwargs")]
            raise InvalidConfig(f"{owner}: {exc}; valid arguments: "
                                f"{', '.join(allowed)}") from None
        if "_config" not in self.__dict__:  # the outermost __init__ records the config
            bound.apply_defaults()
            self._config = {k: v for k, v in bound.arguments.items() if k != "self"}
        original(self, *args, **kwargs)

    cls.__init__ = __init__  # type: ignore[misc]


# annotations (strings under `from __future__ import annotations`) checked for every config
_DECLARED = {"bool": "flag", bool: "flag", "str": "text", str: "text", "str | None": "text or null"}


@functools.cache
def _declared(target: type) -> dict[str, str]:
    """The constructor arguments declared ``bool``, ``str`` or ``str | None``: a config must give
    exactly that there, since the constructors convert with bool() and str() (bool("no") is true)
    or use the value as a key."""
    params = inspect.signature(target).parameters
    return {k: _DECLARED[prm.annotation] for k, prm in params.items()
            if isinstance(prm.annotation, (str, type)) and prm.annotation in _DECLARED}


class Transform:
    """Base of every transform. Subclasses set ``fields`` and implement ``apply_<kind>``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Invert()(image=np.zeros((2, 2), np.uint8))
        >>> int(out["image"][0, 0])
        255
    """

    name: ClassVar[str] = "Transform"
    fields: ClassVar[frozenset[str]] = frozenset({"image"})  # kinds this transform changes
    changes_dtype: ClassVar[bool] = False  # True only where the output dtype is the point
    random: ClassVar[bool] = True  # False: sample_params draws nothing, so no generator is made
    # True: sample_params returns str keys and JSON-native values only (Python int, float, str,
    # bool, lists of them), so the runner records them without converting; the invariant
    # suite checks the claim
    native_params: ClassVar[bool] = False
    _abstract: ClassVar[bool] = True
    _config: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            _wrap_init(cls)
        if not cls.__dict__.get("_abstract", False):
            if "name" not in cls.__dict__:
                cls.name = cls.__name__
            registry.register(cls)

    def __init__(self, *, p: float = 1.0) -> None:
        self.p = check_prob(type(self).__name__, "p", p)

    # -- randomness and application -------------------------------------------------------
    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        """Draw this call's parameters. The only place a transform touches randomness."""
        return {}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        """Apply with fixed `params`; dispatches each field to ``apply_<kind>``."""
        changes = {}
        for key, kind in sample.kinds.items():
            if kind in self.fields:
                changes[key] = getattr(self, f"apply_{kind}")(sample[key], params)
        return sample.derive(**changes)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError

    # -- convenience ----------------------------------------------------------------------
    def __call__(self, *, sample_id: int | None = None, copy: int = 0, seed: int | None = None,
                 **fields: Any) -> Sample:
        """Run this one transform as a pipeline (see `Compose.__call__`)."""
        from .compose import Compose

        return Compose([self], seed=seed)(sample_id=sample_id, copy=copy, **fields)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"

    # -- config round trip ----------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """JSON-native constructor arguments plus ``name``.

        Example:
            >>> import augmentlab as al
            >>> al.Rotate(limit=10, p=0.5).get_config()["limit"]
            10
        """
        return {"name": self.name, **to_jsonable(self._config)}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Transform:
        """Rebuild a transform from `get_config()` output; only registered names are built.

        Example:
            >>> import augmentlab as al
            >>> t = al.Transform.from_config({"name": "Rotate", "limit": 10})
            >>> type(t).__name__
            'Rotate'
        """
        if not isinstance(config, Mapping) or "name" not in config:
            raise InvalidConfig(f"a transform config must be a mapping with a 'name' key, got "
                                f"{shown(config)}")
        name = config["name"]
        target = registry.get(name)
        if cls is not Transform and not issubclass(target, cls):
            raise InvalidConfig(f"{name} is not a {cls.__name__}")
        args = {k: v for k, v in config.items() if k != "name"}
        for key in args:
            if not isinstance(key, str):
                raise InvalidConfig(f"{name}: argument names must be text, got {shown(key)}; "
                                    f"write e.g. p: 0.5")
        for key, kind in _declared(target).items():
            if key in args and kind == "flag":
                check_flag(name, key, args[key])
            elif key in args:
                check_text(name, key, args[key], optional=kind == "text or null")
        try:
            return target._from_args(args)
        except InvalidConfig:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:
            # The last safety net, for config files only: a value of the wrong type that a
            # constructor's own arithmetic or conversion trips over. Anything else (KeyError,
            # AttributeError...) is a bug and stays what it is.
            reason = f"{type(exc).__name__}: {exc}"
            reason = reason if len(reason) <= 300 else reason[:297] + "..."
            raise InvalidConfig(f"{name}: cannot be built from these arguments ({reason}); give "
                                "each argument a value of the type of its default (`augmentlab "
                                "list` shows them)") from exc

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Transform:
        return cls(**args)

    def to_yaml(self) -> str:
        """This transform as a versioned YAML document (see `augmentlab.load_pipeline`)."""
        return dump_pipeline(self, "yaml")

    def to_json(self) -> str:
        """This transform as a versioned JSON document (see `augmentlab.load_pipeline`)."""
        return dump_pipeline(self, "json")

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return id(self)


_wrap_init(Transform)  # a subclass without an __init__ of its own still records its config


class ImageOnlyTransform(Transform):
    """Changes pixel values only; masks, boxes and keypoints are unaffected by definition."""

    _abstract = True
    fields = frozenset({"image"})


class PointwiseTransform(ImageOnlyTransform):
    """A colour map applied per channel and per pixel, independent of pixel position and value
    statistics. Defined once by ``curve`` on values in [0, 1]; uint8 runs through a lookup table,
    and consecutive pointwise transforms fuse into one table pass.
    """

    _abstract = True
    per_channel: ClassVar[bool] = False  # True: the curve differs between channels
    # True when params take few distinct values (e.g. Posterize's bits): tables are then kept
    discrete_params: ClassVar[bool] = False

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        """Map values in [0, 1] (shape ``(..., C)``) to new values (clipped to [0, 1] after)."""
        raise NotImplementedError

    def lut(self, params: dict[str, Any], channels: int) -> np.ndarray:
        """The uint8 table of `curve`: ``(256, channels)``, or ``(256, 1)`` when the curve is the
        same for every channel (applied to all of them)."""
        columns = channels if self.per_channel else 1
        if self.random and not self.discrete_params:
            return self._table(params, columns)
        # a fixed curve, or one of a few: build each table once (tables are read-only)
        cache = self.__dict__.get("_lut_cache")
        if cache is None:
            cache = self.__dict__["_lut_cache"] = {}
        key = (columns, *params.values()) if params else columns
        table = cache.get(key)
        if table is None:
            table = cache[key] = self._table(params, columns)
        return table

    def _table(self, params: dict[str, Any], channels: int) -> np.ndarray:
        x = _UNIT_RAMP if channels == 1 else np.repeat(_UNIT_RAMP, channels, axis=1)
        y = self.curve(x, params) * 255.0  # a new float64 array, safe to work on in place
        if y.shape != x.shape:
            y = np.broadcast_to(y, x.shape).copy()
        # raw ufuncs with out=: np.clip's Python wrapper costs more than the 256 values
        np.rint(y, out=y)
        np.minimum(np.maximum(y, 0.0, out=y), 255.0, out=y)
        table = y.astype(np.uint8)
        table.flags.writeable = False
        return table

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        channels = 1 if image.ndim == 2 else image.shape[2]
        if image.dtype == np.uint8:
            return apply_lut(image, self.lut(params, channels))
        x = image if image.ndim == 3 else image[:, :, None]
        y = np.clip(self.curve(x, params), 0.0, 1.0).astype(np.float32)
        return y if image.ndim == 3 else y[:, :, 0]


_UNIT_RAMP = (np.arange(256, dtype=np.float64) / 255.0)[:, None]
_UNIT_RAMP.flags.writeable = False


class _WarpBase(Transform):
    """Shared arguments of transforms that resample pixels."""

    _abstract = True
    fields = frozenset({"image", "mask", "bboxes", "keypoints"})

    def __init__(self, *, interpolation: str = "linear", border_mode: str = "constant",
                 fill: Any = 0, fill_mask: float = 0, mask_interpolation: str = "nearest",
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        owner = type(self).__name__
        check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
        check_choice(owner, "mask_interpolation", mask_interpolation, INTERPOLATIONS)
        check_choice(owner, "border_mode", border_mode, BORDER_MODES)
        if not isinstance(fill, (int, float, list, tuple)) or (
                isinstance(fill, (list, tuple)) and not fill):
            raise InvalidConfig(f"{owner}: fill={shown(fill)} must be a number or a list of "
                                "numbers (one per channel)")
        for v in fill if isinstance(fill, (list, tuple)) else [fill]:  # finite: 1e400 and nan too
            check_number(owner, "fill", v)
        check_number(owner, "fill_mask", fill_mask)
        self.style = WarpStyle(interpolation, border_mode, fill_value(fill), float(fill_mask),
                               mask_interpolation)


class GeometricTransform(_WarpBase):
    """A transform given by a 3x3 matrix and an output size. Consecutive ones fuse: Compose
    multiplies their matrices and warps once (one interpolation, exact boxes and keypoints).

    ``sample_geometry`` may look only at the input size, which lets Compose plan a whole chain
    before touching a pixel.
    """

    _abstract = True

    def sample_geometry(self, size: tuple[int, int], rng: np.random.Generator) -> dict[str, Any]:
        """Draw params from the (height, width) of the input alone."""
        return {}

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return self.sample_geometry(sample.size, rng)

    def matrix(self, params: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
        """3x3 map from input pixel centres to output pixel centres."""
        raise NotImplementedError

    def output_size(self, params: dict[str, Any], size: tuple[int, int]) -> tuple[int, int]:
        """(height, width) of the output; the input size unless overridden."""
        return size

    def window(self, params: dict[str, Any], size: tuple[int, int]) -> ExactPlan | None:
        """The `ExactPlan` of a transform that only cuts a window lying inside the input, given
        directly so a lone step skips building and analysing its matrix; None (the default)
        means "work it out from the matrix"."""
        return None

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        size = sample.size
        out_hw = self.output_size(params, size)
        check_output_size(type(self).__name__, out_hw)
        return warp_sample(sample, self.matrix(params, size), out_hw, self.style)


class DisplacementTransform(_WarpBase):
    """A non-affine warp given by a backward map (elastic, grid, optical distortion). Keypoints
    move through the same field (inverted numerically) and boxes by their transformed outline.
    """

    _abstract = True

    def source_map(self, params: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
        """``(H, W, 2)`` float32 array: the source ``(x, y)`` shown at each output pixel."""
        raise NotImplementedError

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        return remap_sample(sample, self.source_map(params, sample.size), self.style)


def require_channels(image: np.ndarray, owner: str, channels: int = 3) -> None:
    """Raise `InvalidInput` unless `image` has exactly `channels` channels."""
    got = 1 if image.ndim == 2 else image.shape[2]
    if got != channels:
        raise InvalidInput(f"{owner}: needs a {channels}-channel image, got {got} channel(s); "
                           "convert the image or drop this transform for it")
