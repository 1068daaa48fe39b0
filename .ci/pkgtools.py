"""Helpers of the packaging CI steps (.ci/floors.sh, .ci/fresh_install.sh); standard library only.

    python3 .ci/pkgtools.py floors                     # name==floor, one per core dependency
    python3 .ci/pkgtools.py check-installed FLOORS     # with the venv's python: exactly those installed?
    python3 .ci/pkgtools.py readme-example README OUT  # README's first ```python block -> OUT;
                                                       # prints its third-party top-level imports
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_FLOOR = re.compile(r">=\s*([^,;\s]+)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def floors(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``name==version`` for every core dependency, from its ``>=`` lower bound in pyproject.toml."""
    import tomllib

    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out = []
    for dep in deps:
        name, floor = _NAME.match(dep), _FLOOR.search(dep.split(";")[0])
        if name is None or floor is None:
            raise SystemExit(f"pyproject.toml: core dependency {dep!r} has no '>=' lower bound; "
                             "every core dependency needs one (the floors CI step installs it)")
        out.append(f"{name.group(1)}=={floor.group(1)}")
    return out


def check_installed(floors_file: Path) -> None:
    """Exit non-zero unless every ``name==version`` line is what this interpreter has installed."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for line in floors_file.read_text(encoding="utf-8").split():
        name, _, wanted = line.partition("==")
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "not installed"
        if found != wanted:
            wrong.append(f"{name}: wanted {wanted}, found {found}")
    if wrong:
        raise SystemExit("floors not installed exactly: " + "; ".join(wrong))
    print("floors installed exactly: " + ", ".join(floors_file.read_text(encoding="utf-8").split()))


def readme_example(readme: Path, out: Path) -> list[str]:
    """Write the first ```python block of `readme` to `out`; return its third-party top-level
    imports (not the standard library, not augmentlab), sorted."""
    match = re.search(r"^```python[ \t]*\n(.*?)^```", readme.read_text(encoding="utf-8"), re.M | re.S)
    if match is None:
        raise SystemExit(f"{readme}: no ```python block")
    code = match.group(1)
    out.write_text(code, encoding="utf-8")
    names: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return sorted(n for n in names if n not in sys.stdlib_module_names and n != "augmentlab")


def main(argv: list[str]) -> None:
    if argv[:1] == ["floors"] and len(argv) == 1:
        print("\n".join(floors()))
    elif argv[:1] == ["check-installed"] and len(argv) == 2:
        check_installed(Path(argv[1]))
    elif argv[:1] == ["readme-example"] and len(argv) == 3:
        print("\n".join(readme_example(Path(argv[1]), Path(argv[2]))))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
