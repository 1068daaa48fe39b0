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
from .errors import InvalidConfig
from .params import check_flag, check_prob, check_text, shown
from .sample import Sample, to_jsonable

__all__ = ["Transform"]


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
    fields: ClassVar[frozenset[str]] = frozenset()  # kinds this transform changes (containers: none)
    changes_dtype: ClassVar[bool] = False  # True only where the output dtype is the point
    # True where float images are read as values in [0, 1] (colour, noise, filters): a pipeline
    # holding one refuses a float image outside that range instead of clipping it to garbage
    unit_float_images: ClassVar[bool] = False
    # the image dtypes (numpy names) this transform takes; the image pass refuses an image of
    # another dtype before running anything. uint16 must be claimed: a transform written for 8
    # bits would read it on the wrong range
    image_dtypes: ClassVar[frozenset[str]] = frozenset({"uint8", "float32"})
    random: ClassVar[bool] = True  # False: sample_params draws nothing, so no generator is made
    # True: sample_params returns str keys and JSON-native values only (Python int, float, str,
    # bool, lists of them), so the runner records them without converting; the invariant
    # suite checks the claim
    native_params: ClassVar[bool] = False
    # the kind of fused group this step can join (a modality's field pass defers and fuses
    # consecutive steps of one kind: "geometry" and "lut" for images); None runs it on its own
    fusion: ClassVar[str | None] = None
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
