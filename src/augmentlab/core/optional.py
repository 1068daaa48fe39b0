"""Optional dependencies: the one guard every module uses to import a package that an extra brings.

``import augmentlab`` needs NumPy alone; torch, pandas, scikit-learn, soundfile and the rest are
imported where a feature needs them, through `require`, so a missing one is a `MissingDependency`
naming the feature and the install command, never a bare ``ImportError`` deep in a call.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingDependency

__all__ = ["require", "require_torch"]


def require(module: str, extra: str, feature: str, *, package: str | None = None,
            install: str | None = None) -> ModuleType:
    """Import `module` (dotted names allowed), or raise `MissingDependency`.

    Args:
        module: what to import, e.g. ``"sklearn.datasets"``.
        extra: the augmentlab extra that installs it (``pip install 'augmentlab[extra]'``).
        feature: what needs it, for the message (``"the HTML report"``).
        package: the distribution's name when it differs from the module's (``"scikit-learn"``).
        install: a whole install command, when the extra's is not the right one.

    Example:
        >>> require("json", "measure", "an example").__name__
        'json'
        >>> require("no_such_module_xyz", "measure", "an example", package="xyz")
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.MissingDependency: an example needs the 'xyz' package, which is not ...
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(package or module.split(".")[0], extra, feature,
                                install=install) from None


def require_torch(feature: str) -> ModuleType:
    """The torch module, or `MissingDependency` naming the ``torch`` extra (the commonest guard).

    Example:
        >>> require_torch("a test").__name__
        'torch'
    """
    return require("torch", "torch", feature)
