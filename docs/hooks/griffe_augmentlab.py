"""Griffe extension for the API reference (loaded by mkdocstrings: ``extensions:`` in mkdocs.yml).

Two ways in which reading the source statically differs from what ``import augmentlab`` gives:

* augmentlab's docstrings title their doctests ``Example:`` (singular), which Google-style
  parsing reads as a note rather than code; that heading is read as ``Examples:``, so the ``>>>``
  lines render as highlighted code and their brackets (``out["image"][0, 0]``) are not taken for
  Markdown links. Nothing else of a docstring changes.
* a package whose ``__init__`` does ``from .name import name`` (``augmentlab.text`` imports the
  function ``wordnet`` from its module ``wordnet``) exports the object at run time, while a static
  reading keeps the submodule under that name. The exported object wins here too, so the
  reference documents ``augmentlab.text.wordnet`` as the function that ``__all__`` exports.

And one choice of what to show: attributes a class sets on ``self`` in ``__init__`` without a
docstring (``self.rotate = to_range(...)``: a transform's validated arguments) are left out of
its entry; its signature and ``Args:`` already say what they are. Documented attributes,
class-level ones and dataclass fields stay.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:(\s*)$", re.M)


def _walk(obj: griffe.Object) -> Iterator[griffe.Object | griffe.Alias]:
    for member in list(obj.members.values()):
        yield member
        if not member.is_alias and (member.is_module or member.is_class):
            yield from _walk(member)


class AugmentlabDocs(griffe.Extension):
    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        docstring = obj.docstring
        if docstring is not None and "Example:" in docstring.value:
            docstring.value = _EXAMPLE.sub(r"\1Examples:\2", docstring.value)

    def on_class(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        for name, member in list(cls.members.items()):
            if (not member.is_alias and member.is_attribute and "instance-attribute" in member.labels
                    and member.docstring is None):
                del cls.members[name]

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        modules = [pkg, *(m for m in _walk(pkg) if not m.is_alias and m.is_module)]
        for module in modules:
            for name in list(module.exports or ()):
                if not isinstance(name, str):
                    continue
                sub = module.members.get(name)
                if sub is None or sub.is_alias or not sub.is_module:
                    continue
                target = sub.members.get(name)
                if target is None or target.is_module:
                    continue
                # resolve, while the submodule is still reachable, every alias that points into it
                for alias in _walk(pkg):
                    if alias.is_alias and alias.target_path.startswith(sub.path + "."):
                        with contextlib.suppress(griffe.AliasResolutionError, griffe.CyclicAliasError):
                            alias.resolve_target()
                module.members[name] = griffe.Alias(name, target, parent=module)
