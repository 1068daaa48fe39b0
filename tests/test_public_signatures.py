"""Every parameter of the public API has a real annotation, not a bare ``Any``.

The API reference is generated from signatures (mkdocstrings), so an unannotated parameter or one
typed ``Any`` shows the reader nothing. This walks the ``__all__`` of every public module: its
functions, each class's ``__init__``, ``__call__`` and the public methods a class defines inside
the package, and lists each offender as ``module.name(param)``.

Allowed: ``*args: Any`` / ``**kwargs: Any`` pass-throughs, and ``Any`` inside a container
(``dict[str, Any]``, ``Mapping[str, Any]``, ...) where the values are truly heterogeneous.
"""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from collections.abc import Callable, Iterator

import pytest

from public_api import PUBLIC_MODULES  # the docs hook's list

_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
_DUNDERS = ("__init__", "__call__")  # the constructor, and the call of transforms and mixers


def _defined_in_package(obj: object) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "augmentlab"


def _is_bare_any(annotation: object) -> bool:
    """True for ``Any`` itself (resolved, or as the string ``"Any"`` / ``"typing.Any"``), also
    when it is only made optional (``Any | None``); ``Any`` nested in a subscript is allowed."""
    if annotation is typing.Any:
        return True
    if isinstance(annotation, str):
        text = annotation.replace(" ", "")
        optional = re.fullmatch(r"(typing\.)?Optional\[(.*)\]", text)
        parts = [optional.group(2)] if optional else text.split("|")
        return any(part in ("Any", "typing.Any", "t.Any") for part in parts)
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return any(arg is typing.Any for arg in args)
    return False


def _hints(func: Callable[..., object]) -> dict[str, object]:
    """Resolved annotations where they resolve, else the raw (string) ones."""
    try:
        return dict(typing.get_type_hints(func))
    except Exception:  # a name only imported under TYPE_CHECKING (torch, pandas, ...)
        return dict(getattr(func, "__annotations__", {}) or {})


def _offending_params(func: Callable[..., object], skip_first: bool) -> Iterator[str]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin without a signature
        return
    hints = _hints(func)
    params = list(signature.parameters.values())
    if skip_first and params:
        params = params[1:]  # self / cls
    for param in params:
        if param.kind in _VARIADIC:
            continue
        if param.name not in hints or _is_bare_any(hints[param.name]):
            yield param.name


def _methods(cls: type) -> Iterator[tuple[str, Callable[..., object], bool]]:
    """(name, function, whether the first parameter is self/cls) for `__init__`, `__call__` and
    the public methods `cls` defines (itself or a base class inside the package)."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not _defined_in_package(klass):
            continue
        for name, raw in vars(klass).items():
            if name in seen or (name.startswith("_") and name not in _DUNDERS):
                continue
            seen.add(name)
            if isinstance(raw, staticmethod):
                yield name, raw.__func__, False
            elif isinstance(raw, classmethod):
                yield name, raw.__func__, True
            elif inspect.isfunction(raw):
                yield name, raw, True
            elif isinstance(raw, property) and raw.fset is not None:
                yield name, raw.fset, True


def find_offenders() -> list[str]:
    """Each offending parameter once, named by the first public module and name that shows it
    (a class exported by both ``augmentlab`` and ``augmentlab.image`` is listed once, and so is a
    method that several public classes inherit)."""
    offenders: list[str] = []
    checked: set[int] = set()

    def check(func: Callable[..., object], where: str, bound: bool) -> None:
        if id(func) in checked or not _defined_in_package(func):
            return
        checked.add(id(func))
        offenders.extend(f"{where}({param})" for param in _offending_params(func, bound))

    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not _defined_in_package(obj):
                continue
            if inspect.isclass(obj):
                for method_name, func, bound in _methods(obj):
                    suffix = "" if method_name == "__init__" else f".{method_name}"
                    check(func, f"{module_name}.{name}{suffix}", bound)
            elif callable(obj):
                check(obj, f"{module_name}.{name}", False)
    return sorted(offenders)


def test_public_parameters_have_real_types() -> None:
    offenders = find_offenders()
    if offenders:
        pytest.fail(f"{len(offenders)} public parameter(s) unannotated or typed a bare Any:\n  "
                    + "\n  ".join(offenders))


@pytest.mark.parametrize(("annotation", "bare"), [
    (typing.Any, True),
    ("Any", True),
    ("Any | None", True),
    ("Optional[Any]", True),
    (typing.Optional[typing.Any], True),  # noqa: UP045  (the spelling under test)
    ("dict[str, Any]", False),
    (dict[str, typing.Any], False),
    (typing.Mapping[str, typing.Any], False),  # noqa: UP006
    ("float | tuple[float, float]", False),
    (int, False),
])
def test_bare_any_detection(annotation: object, bare: bool) -> None:
    assert _is_bare_any(annotation) is bare


if __name__ == "__main__":  # list the offenders: python tests/test_public_signatures.py
    found = find_offenders()
    print("\n".join(found))
    print(len(found), "offender(s)")
