"""Template synthesis: texts generated from per-class templates with slots, e.g.
``"Can you help me with {task}?"`` with ``task`` drawn from a list — the quickest way to give an
intent classifier examples of a class it has few of."""

from __future__ import annotations

import string
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.rng import derive_rng, integer

if TYPE_CHECKING:
    from ..synth.base import Synthetic

__all__ = ["Template"]


class Template:
    """Per-class templates (``{slot}`` fields; ``{{`` and ``}}`` for literal braces) filled with
    values drawn uniformly from `slots`. `sample` returns a `augmentlab.synth.Synthetic` (texts
    as an object array; no parents: the rows come from no real row; ``info["made_from"]`` gives
    each text's template and slot values). The texts of class c depend on (seed, c) only.

    Example:
        >>> t = Template({"help": ["Can you help me with {task}?"]},
        ...              slots={"task": ["my invoice", "a refund"]})
        >>> s = t.sample(2, "help", seed=0)
        >>> set(s.X) <= {"Can you help me with a refund?", "Can you help me with my invoice?"}
        True
    """

    def __init__(self, templates: Mapping[Any, Sequence[str]],
                 slots: Mapping[str, Sequence[str]] | None = None) -> None:
        if not isinstance(templates, Mapping) or not templates:
            raise InvalidConfig("Template: templates must be a non-empty mapping class -> list of templates")
        self.slots = {str(k): [str(v) for v in vals] for k, vals in (slots or {}).items()}
        for name, values in self.slots.items():
            if not values:
                raise InvalidConfig(f"Template: slot {name!r} has no values")
        self.templates: dict[Any, list[str]] = {}
        for cls, items in templates.items():
            if isinstance(items, str) or not items:
                raise InvalidConfig(f"Template: class {cls!r} needs a list of templates")
            for text in items:
                for field in self.fields_of(text):
                    if field not in self.slots:
                        raise InvalidConfig(f"Template: {text!r} uses slot {{{field}}}, which is not in "
                                            f"slots ({', '.join(sorted(self.slots)) or 'none given'})")
            self.templates[cls] = [str(t) for t in items]

    @staticmethod
    def fields_of(text: str) -> list[str]:
        """The slot names a template uses.

        Example:
            >>> Template.fields_of("{a} and {b} {{not}}")
            ['a', 'b']
        """
        try:
            fields = [f for _, f, spec, conv in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise InvalidConfig(f"Template: {text!r} is not a valid template ({exc})") from None
        if any(not f.isidentifier() for f in fields):
            raise InvalidConfig(f"Template: {text!r}: slots are plain names, e.g. {{task}}")
        return fields

    def sample(self, n: int | dict[Any, int], y: Hashable | None = None, *, seed: int = 0) -> Synthetic:
        """`n` texts of class `y`, or ``{class: n}``."""
        from ..synth.base import Synthetic

        wanted = n if isinstance(n, dict) else {y: n}
        texts, labels, made_from = [], [], []
        for cls, count in wanted.items():
            if cls not in self.templates:
                raise InvalidInput(f"Template: no templates for class {cls!r}; it has "
                                   f"{', '.join(map(repr, self.templates))}")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise InvalidInput(f"Template: n={count!r} for class {cls!r} must be an integer >= 0")
            rng = derive_rng(seed, list(self.templates).index(cls), 0, ())
            for _ in range(count):
                k = integer(rng, 0, len(self.templates[cls]))
                template = self.templates[cls][k]
                fill = {f: self.slots[f][integer(rng, 0, len(self.slots[f]))]
                        for f in dict.fromkeys(self.fields_of(template))}
                texts.append(template.format(**fill))
                labels.append(cls)
                made_from.append({"template": k, "slots": fill})
        return Synthetic(np.array(texts, dtype=object), np.array(labels), [None] * len(texts),
                         info={"made_from": made_from})
