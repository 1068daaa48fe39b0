"""Name → class registry. Only registered classes are ever built from a config file."""

from __future__ import annotations

from typing import Any

from .errors import InvalidConfig
from .params import shown as _shown

__all__ = ["get", "names", "register", "suggest"]

_REGISTRY: dict[str, type] = {}

# Names augmentlab gave up because Albumentations uses them with other defaults or another
# meaning (a config naming one is refused with the way forward, never built as something else)
RENAMED: dict[str, str] = {
    "ElasticTransform": (
        "augmentlab's elastic warp is ElasticWarp (alpha=40, sigma=5 on blurred uniform noise); "
        "Albumentations' ElasticTransform defaults to alpha=1, sigma=50 on max-normalised "
        "Gaussian noise, another strength. Use name: ElasticWarp with the alpha and sigma you "
        "want"
    ),
}
# Where registered classes come from: a package registers its transforms when it is imported, so a
# lookup of a name not yet registered imports its package first ("audio.Gain" -> augmentlab.audio;
# an unprefixed name -> the image transforms, the policies and the multimodal pipelines). The core
# imports none of them itself (they build on it): it names them here as plug-ins.
_PREFIXED = ("text", "audio", "tabular", "series", "points", "graph", "volume")
_UNPREFIXED = ("image", "policies", "multimodal")


def register(cls: type) -> type:
    """Register `cls` under its ``name`` attribute (done automatically for every Transform)."""
    name = cls.__dict__.get("name") or cls.__name__
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise InvalidConfig(f"two classes registered as {name!r}: {existing} and {cls}")
    _REGISTRY[name] = cls
    return cls


def get(name: str) -> Any:
    """The class registered as `name`.

    Example:
        >>> import augmentlab as al
        >>> al.registry.get("HorizontalFlip").__name__
        'HorizontalFlip'
    """
    if not isinstance(name, str):  # a list or a mapping is not even hashable
        raise InvalidConfig(f"a transform's name must be text, e.g. name: Rotate; got "
                            f"{type(name).__name__} {_shown(name)}")
    if name not in _REGISTRY:
        prefix = name.split(".")[0] if "." in name else None
        if prefix is None:
            _load(_UNPREFIXED)
        elif prefix in _PREFIXED:
            _load((prefix,))
    try:
        return _REGISTRY[name]
    except KeyError:
        if name in RENAMED:
            raise InvalidConfig(f"{name}: {RENAMED[name]}") from None
        close = suggest(name)
        hint = f" — did you mean {' or '.join(close)}?" if close else ""
        raise InvalidConfig(
            f"unknown transform {_shown(name)}{hint} (`augmentlab list` shows every transform; "
            "`augmentlab list --search WORD` finds one)"
        ) from None


def _load(packages: tuple[str, ...]) -> None:
    import importlib

    for package in packages:
        importlib.import_module(f"augmentlab.{package}")


def suggest(name: str, *, limit: int = 2) -> list[str]:
    """The registered names closest to `name` (a misspelling, another case, a missing or
    superfluous modality prefix), best first; empty when nothing is close.

    Example:
        >>> suggest("Afine"), suggest("Gain"), suggest("Xyzzy")
        (['Affine'], ['audio.Gain'], [])
        >>> suggest("rotate")
        ['Rotate', 'points.Rotate']
    """
    import difflib

    keys: dict[str, list[str]] = {}  # a name in lower case, and without its prefix -> names
    for known in names():
        for key in {known.lower(), known.split(".", 1)[-1].lower()}:
            keys.setdefault(key, []).append(known)
    wanted = [name.lower(), name.split(".", 1)[-1].lower()]
    found: list[str] = []
    for key in wanted:  # exact but for case or prefix first, then misspellings
        found += keys.get(key, [])
    if not found:
        for key in wanted:
            for close in difflib.get_close_matches(key, list(keys), n=limit, cutoff=0.75):
                found += keys[close]
    found = [n for n in dict.fromkeys(found) if n != name]
    prefix = name.split(".")[0] + "." if "." in name else ""
    found.sort(key=lambda n: not n.startswith(prefix) if prefix else "." in n)  # same modality first
    return found[:limit]


def names() -> list[str]:
    """All registered names, sorted (every transform package is imported first).

    Example:
        >>> import augmentlab as al
        >>> "Rotate" in al.registry.names()
        True
    """
    _load(_UNPREFIXED + _PREFIXED)
    return sorted(_REGISTRY)
