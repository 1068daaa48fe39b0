"""One walk over a pipeline: every transform inside it, the groups that hold them included.

Whoever needs to visit a pipeline's transforms (a dataset job calling ``warm`` before workers
fork, a batch of texts translated at once) walks it here, so every place opens the same groups.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["iter_transforms"]


def iter_transforms(pipeline: Any) -> Iterator[Any]:
    """Every transform of `pipeline`: the pipeline itself, then each child, a group before what
    it holds (depth first, in list order). A group is anything with a ``transforms`` list
    (`Compose`, `OneOf`, `SomeOf`, `Sequential`, `Sometimes`, policies built on them); anything
    else is a leaf.

    Example:
        >>> import augmentlab as al
        >>> pipe = al.Compose([al.HorizontalFlip(), al.OneOf([al.VerticalFlip()])])
        >>> [t.name for t in iter_transforms(pipe)]
        ['Compose', 'HorizontalFlip', 'OneOf', 'VerticalFlip']
    """
    stack = [pipeline]
    while stack:
        transform = stack.pop()
        yield transform
        stack.extend(reversed(getattr(transform, "transforms", [])))
