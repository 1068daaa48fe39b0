"""``augmentlab list``: every transform with what it does, the fields it changes and its parameters."""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from typing import Any

from ..core import registry
from ..core.errors import InvalidConfig
from .command import Subparsers

__all__ = ["MODALITIES", "NAME", "add_parser", "describe", "modality_of", "run"]

NAME = "list"

# what `augmentlab list MODALITY` takes: the modalities, the groups of transforms (containers)
# and the transforms over several modalities at once; "table" is accepted for "tabular"
MODALITIES = ("image", "audio", "text", "tabular", "series", "points", "graph", "volume",
              "multimodal", "pipeline")
_ALIASES = {"table": "tabular", "tables": "tabular", "images": "image", "containers": "pipeline"}


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``list`` and its arguments to `subparsers`.

    Example:
        >>> subparsers = argparse.ArgumentParser(prog="augmentlab").add_subparsers()
        >>> add_parser(subparsers).parse_args(["image", "--search", "blur"])
        Namespace(modality='image', search='blur')
    """
    about = ("list the transforms: what each does, the fields it changes (image, mask, bboxes, "
             "keypoints, audio, text, ...) and its parameters with their defaults")
    parser = subparsers.add_parser(NAME, help=about, description=about)
    parser.add_argument("modality", nargs="?", default=None, metavar="MODALITY",
                        type=lambda text: _ALIASES.get(text, text), choices=MODALITIES,
                        help=f"only the transforms of one modality: {', '.join(MODALITIES[:-1])} "
                             "or pipeline (the groups: Compose, OneOf, ...)")
    parser.add_argument("--search", default=None, metavar="WORD",
                        help="only transforms whose name, description or fields contain WORD "
                             "(any case)")
    return parser


def modality_of(cls: type) -> str:
    """The modality `augmentlab list MODALITY` files transform class `cls` under.

    Example:
        >>> modality_of(registry.get("audio.Gain")), modality_of(registry.get("RandAugment"))
        ('audio', 'image')
        >>> modality_of(registry.get("OneOf"))
        'pipeline'
    """
    name = getattr(cls, "name", cls.__name__)
    if "." in name:
        return str(name.split(".")[0])
    package = cls.__module__.split(".")[1] if cls.__module__.count(".") else ""
    return {"core": "pipeline", "multimodal": "multimodal"}.get(package, "image")


def describe(cls: type) -> str:
    """The first sentence of `cls`'s docstring, as plain text (at most about a line).

    Example:
        >>> describe(registry.get("Sometimes"))
        'Run all children, in order, with probability p (default 0.5) for the group.'
    """
    doc = inspect.getdoc(cls) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    paragraph = re.sub(r"``([^`]*)``", r"\1", paragraph).replace("`", "")
    sentence = re.split(r"(?<=[.;!?])\s+(?=[A-Z(])", paragraph)[0]
    return sentence if len(sentence) <= 110 else sentence[:107].rstrip() + "..."


def _fields(cls: Any) -> str:
    fields = cls.fields if isinstance(getattr(cls, "fields", None), frozenset) else frozenset()
    return ", ".join(sorted(fields)) or "(those of its transforms)"  # a container


def _params(cls: Any) -> str:
    params = [f"{p.name}={p.default!r}" if p.default is not inspect.Parameter.empty else p.name
              for p in inspect.signature(cls.__init__).parameters.values()
              if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return ", ".join(params)


def run(args: argparse.Namespace) -> int:
    """Print three lines per transform: its name and the fields it changes, what it does, and its
    parameters with their defaults.

    Example:
        >>> run(argparse.Namespace(modality=None, search=None))
        AdvancedBlur           image
                               ...
                               blur_limit=(3, 7), sigma_x_limit=(0.2, 1.0), ...
        0
        >>> run(argparse.Namespace(modality="audio", search="gain"))
        audio.Gain             audio
        ...
    """
    modality, word = getattr(args, "modality", None), getattr(args, "search", None)
    lines = []
    for name in registry.names():
        cls: Any = registry.get(name)
        if modality is not None and modality_of(cls) != modality:
            continue
        fields, about = _fields(cls), describe(cls)
        if word and word.lower() not in f"{name} {about} {fields}".lower():
            continue
        lines.append(f"{name:22s} {fields}\n{'':22s} {about}\n{'':22s} {_params(cls)}")
    if not lines:
        within = f" among the {modality} transforms" if modality else ""
        close = registry.suggest(word) if word else []
        hint = f"; did you mean {' or '.join(close)}?" if close else "; try a shorter word"
        raise InvalidConfig(f"no transform matches {word!r}{within}{hint} (`augmentlab list` "
                            "shows them all)")
    try:
        print("\n".join(lines))
    except BrokenPipeError:  # `augmentlab list | head` closed the pipe: not an error
        sys.stderr.close()
    return 0
