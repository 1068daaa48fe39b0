"""Packaging: what `pip install augmentlab` declares is what the code imports.

Every third-party import in src/ is a core dependency, or is declared in an extra, or raises
`MissingDependency`; module-level imports are core dependencies only, so `import augmentlab` and the
`augment` / `show` commands work with no extra (checked here with every optional package hidden);
every declared dependency is used; the metadata has ranges, never exact pins (those are machine
details: constraints.txt); markers agree with requires-python. The real installs are CI steps:
.ci/fresh_install.sh (`pip install .`, no extras) and .ci/floors.sh (the core dependencies at their
declared minimum versions).
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "augmentlab"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# import name -> distribution name, where they differ beyond case and - / _
DISTRIBUTION_OF = {
    "cv2": "opencv-python-headless",
    "yaml": "pyyaml",
    "PIL": "pillow",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "imblearn": "imbalanced-learn",
    "websocket": "websocket-client",
}

# Declared but never imported by name: each used at run time by another package, with a string
# that must appear in the file that relies on it (so the entry goes stale loudly).
USED_WITHOUT_IMPORT = {
    "pyarrow": ("src/augmentlab/tabular/io.py", "parquet"),  # pandas' Parquet engine
    "gguf": ("src/augmentlab/text/lm.py", "gguf_file"),  # transformers reads GGUF through it
    "accelerate": ("src/augmentlab/text/lm.py", "gguf_file"),  # transformers requires it for GGUF
    "psycopg": ("src/augmentlab/cli/search.py", "postgresql://"),  # Optuna's storage in PostgreSQL
    # dev: tools, stubs and packages the benchmarks' peers read through
    "ruff": ("Makefile", "ruff check"),
    "mypy": ("Makefile", "mypy src"),
    "import-linter": ("Makefile", "lint-imports"),  # the import contract of ARCHITECTURE.md
    "types-pyyaml": ("Makefile", "mypy src"),
    "ipykernel": ("tests/test_examples.py", "NotebookClient"),  # the notebooks' kernel
    "gensim": ("bench/text.py", "WordEmbsAug"),  # nlpaug reads GloVe through it
    # docs: the site's builder, theme and plugins, named in mkdocs.yml and run by `make docs`
    "mkdocs": ("Makefile", "mkdocs build --strict"),
    "mkdocs-material": ("mkdocs.yml", "name: material"),
    "mkdocstrings-python": ("mkdocs.yml", "- mkdocstrings:"),
    "mkdocs-jupyter": ("mkdocs.yml", "- mkdocs-jupyter:"),
}


# Modules whose own classes derive from an optional package's, so they import it at module level;
# nothing imports them before the extras they serve are known to be there (each import of one is
# lazy, behind the feature that needs it). The package must be declared in each extra listed.
EXTRA_ONLY_MODULES = {
    "src/augmentlab/evaluate/front_ends.py": ("measure",),  # scikit-learn transformers
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _dist(module: str) -> str:
    return _normal(DISTRIBUTION_OF.get(module, module))


def _requirements() -> Iterator[tuple[str, Requirement]]:
    """(``core`` or the extra's name, requirement) for everything in [project] but self-references."""
    for dep in PROJECT["dependencies"]:
        yield "core", Requirement(dep)
    for extra, deps in PROJECT["optional-dependencies"].items():
        for dep in deps:
            req = Requirement(dep)
            if _normal(req.name) != "augmentlab":
                yield extra, req


def _extra(name: str) -> set[str]:
    return {_normal(r.name) for where, r in _requirements() if where == name}


CORE = {_normal(r.name) for where, r in _requirements() if where == "core"}
EXTRAS = {_normal(r.name) for where, r in _requirements() if where not in ("core", "dev")}
DEV = {_normal(r.name) for where, r in _requirements() if where == "dev"}


@dataclass(frozen=True)
class Import:
    module: str  # the top-level name
    where: str  # path:line
    module_level: bool  # runs when the module is imported
    guarded: bool  # inside a try whose ImportError handler raises MissingDependency


def _raises_missing_dependency(handler: ast.ExceptHandler) -> bool:
    names = {n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)} if handler.type else set()
    if not names & {"ImportError", "ModuleNotFoundError", "Exception"}:
        return False
    return any(isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call)
               and getattr(n.exc.func, "id", getattr(n.exc.func, "attr", "")) == "MissingDependency"
               for n in ast.walk(handler))


def _imports(path: Path) -> list[Import]:
    found: list[Import] = []
    rel = path.relative_to(ROOT)

    def visit(node: ast.AST, in_function: bool, guarded: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if node.level == 0 and node.module else []
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("augmentlab", "__future__"):
                    found.append(Import(top, f"{rel}:{node.lineno}", not in_function, guarded))
            return
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return  # never runs
        if isinstance(node, ast.Call):  # core.optional's guard: require("pkg.mod", ...) imports
            func = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0] if node.args else None
            if func == "require" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(Import(first.value.split(".")[0], f"{rel}:{node.lineno}", not in_function,
                                    True))
            elif func == "require_torch":
                found.append(Import("torch", f"{rel}:{node.lineno}", not in_function, True))
        for field, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for child in children:
                if not isinstance(child, ast.AST):
                    continue
                inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                guard = guarded or (isinstance(node, ast.Try) and field == "body"
                                    and any(_raises_missing_dependency(h) for h in node.handlers))
                visit(child, inner, guard)

    visit(ast.parse(path.read_text(encoding="utf-8")), False, False)
    return found


SRC_IMPORTS = [imp for path in sorted(SRC.rglob("*.py")) for imp in _imports(path)]


def test_every_third_party_import_in_src_is_declared_or_raises_missing_dependency() -> None:
    undeclared = sorted({f"{imp.module} ({_dist(imp.module)}) at {imp.where}" for imp in SRC_IMPORTS
                         if _dist(imp.module) not in CORE | EXTRAS and not imp.guarded})
    assert not undeclared, ("imported but declared neither as a core dependency nor in an extra "
                            "(nor guarded to raise MissingDependency): " + "; ".join(undeclared))


def test_module_level_imports_are_core_dependencies() -> None:
    """A module-level import of an optional package would break `import augmentlab` without it."""
    optional = []
    for imp in SRC_IMPORTS:
        if not imp.module_level or _dist(imp.module) in CORE:
            continue
        extras = EXTRA_ONLY_MODULES.get(imp.where.split(":")[0], ())
        if not extras or any(_dist(imp.module) not in _extra(e) for e in extras):
            optional.append(f"{imp.module} at {imp.where}")
    assert not optional, "import these inside the function that needs them: " + "; ".join(optional)


def test_every_declared_dependency_is_used() -> None:
    imported = {_dist(imp.module) for imp in SRC_IMPORTS}
    elsewhere = {_dist(imp.module) for folder in ("tests", "bench")
                 for path in sorted((ROOT / folder).rglob("*.py")) for imp in _imports(path)}
    unused = []
    for name in sorted(CORE | EXTRAS | DEV):
        if name in imported or (name in DEV and name in elsewhere):
            continue
        if name not in USED_WITHOUT_IMPORT:
            unused.append(name)
            continue
        file, evidence = USED_WITHOUT_IMPORT[name]
        if evidence not in (ROOT / file).read_text(encoding="utf-8"):
            unused.append(f"{name} (no {evidence!r} in {file} any more)")
    assert not unused, f"declared but never used (src; tests and bench for dev): {unused}"


def test_metadata_has_ranges_not_exact_pins() -> None:
    pinned = [f"{where}: {req}" for where, req in _requirements()
              if any(s.operator in ("==", "===") for s in req.specifier)]
    assert not pinned, f"exact pins belong in constraints.txt, not the package metadata: {pinned}"


def test_every_core_dependency_has_the_floor_that_ci_installs() -> None:
    """.ci/floors.sh installs each core dependency at its `>=` bound: every one must have it."""
    spec = importlib.util.spec_from_file_location("pkgtools", ROOT / ".ci" / "pkgtools.py")
    assert spec is not None and spec.loader is not None
    pkgtools = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pkgtools)
    floors = dict(line.split("==") for line in pkgtools.floors())
    for dep in PROJECT["dependencies"]:
        req = Requirement(dep)
        assert req.name in floors and req.specifier.contains(floors[req.name]), dep
        assert not req.marker, f"{dep}: a core dependency for only some machines cannot be floor-tested"


def test_markers_agree_with_requires_python() -> None:
    """A dependency whose python_version marker is false on the oldest supported Python is missing
    exactly where the package says it works (or is dead metadata)."""
    python = SpecifierSet(PROJECT["requires-python"])
    oldest = min(Version(f"3.{minor}") for minor in range(8, 20) if python.contains(f"3.{minor}"))
    env = {"python_version": str(oldest), "python_full_version": f"{oldest}.0"}
    wrong = []
    for where, req in _requirements():
        if req.marker and "python" in str(req.marker):
            extras = {"extra": where} if where != "core" else {"extra": ""}
            if not Marker(str(req.marker)).evaluate({**env, **extras}):
                wrong.append(f"{where}: {req} (requires-python {python})")
    assert not wrong, f"these markers exclude the oldest supported Python: {wrong}"


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: {line!r} is not NAME==VERSION"
            pins[_normal(name)] = version
    return pins


def test_constraints_pin_torch_inside_every_declared_range() -> None:
    pins = _constraints()
    assert "torch" in pins, "constraints.txt pins torch (the CPU build on the machines' disk)"
    declared = [(where, req) for where, req in _requirements()]
    for name, version in pins.items():
        specs = [(where, req) for where, req in declared if _normal(req.name) == name]
        assert specs, f"constraints.txt pins {name}, which pyproject.toml does not declare"
        for where, req in specs:
            assert req.specifier.contains(version, prereleases=True), \
                f"constraints.txt {name}=={version} lies outside {where}'s {req}"


def test_installs_go_through_the_constraints_and_the_demo_installs_only_the_demo() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for line in makefile.splitlines():
        if not line.lstrip().startswith("#") and re.search(r"pip install(?!.*--upgrade pip)", line):
            assert "--no-deps" in line or "-c $(CONSTRAINTS)" in line, \
                f"Makefile: resolve through constraints.txt (torch must not drift): {line.strip()}"
    demo = makefile[makefile.index("$(DEMO_STAMP):"):].split("\n\n")[0]
    apt = re.search(r"^DEMO_APT :=(.*)$", makefile, re.M)
    assert apt is not None
    for heavy in ("chromium", "postgresql", "espeak", "lmms", "[all", "dev]"):
        assert heavy not in demo + apt.group(1), f"make demo installs {heavy}, which only the tests need"
    extras = re.search(r"^DEMO_EXTRAS :=(.*)$", makefile, re.M)
    assert extras is not None and not {"all", "dev"} & set(extras.group(1).strip().split(",")), extras
    for script in (".ci/fresh_install.sh", ".ci/floors.sh"):
        for line in (ROOT / script).read_text(encoding="utf-8").splitlines():
            if "pip install" in line and "torch" in line:
                assert "-c constraints.txt" in line, f"{script}: torch through constraints.txt"


def test_ci_runs_the_packaging_steps_before_the_suite() -> None:
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert steps[-1] == "make test", "pytest's summary line closes the CI run"
    assert "make test-slow" in steps, "CI runs the slow suites too (make test leaves them out)"
    for script in (".ci/fresh_install.sh", ".ci/floors.sh"):
        assert any(script in s for s in steps[:-1]), f".ci/run does not run {script}"


def _hidden_modules() -> list[str]:
    """Top-level modules of every installed distribution outside the core dependencies' closure."""
    closure: set[str] = set()
    todo = sorted(CORE)
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        for dep in importlib.metadata.requires(name) or []:
            req = Requirement(dep)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_normal(req.name))
    return sorted(module for module, dists in importlib.metadata.packages_distributions().items()
                  if module not in sys.stdlib_module_names and module != "augmentlab"
                  and not module.startswith("_") and not any(_normal(d) in closure for d in dists))


def test_import_augmentlab_and_the_augment_and_show_commands_need_no_extra(tmp_path: Path) -> None:
    """`pip install augmentlab` with no extra, simulated: every installed package outside the core
    dependencies (and theirs) is hidden, then every module is imported and `augmentlab augment`
    (with its progress bar, then --quiet) and `augmentlab show` run on a small image folder."""
    modules = sorted(".".join(("augmentlab", *p.relative_to(SRC).with_suffix("").parts)).removesuffix(
        ".__init__") for p in SRC.rglob("*.py") if str(p.relative_to(ROOT)) not in EXTRA_ONLY_MODULES)
    script = textwrap.dedent("""
        import importlib, importlib.abc, json, sys
        from pathlib import Path
        hidden, modules, work = set(json.loads(sys.argv[1])), json.loads(sys.argv[2]), Path(sys.argv[3])

        class Hide(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in hidden:
                    raise ModuleNotFoundError(f"No module named {name!r} (hidden)", name=name)
                return None

        sys.meta_path.insert(0, Hide())
        for name in modules:
            importlib.import_module(name)
        import cv2, numpy as np, augmentlab as al
        from augmentlab.cli import main
        for k in range(3):
            (work / "in" / "cat").mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(work / "in" / "cat" / f"{k}.png"), np.full((24, 32, 3), 40 * k, np.uint8))
        pipe = al.Compose([al.HorizontalFlip(), al.Invert(), al.BrightnessContrast(), al.RandomGamma()])
        (work / "p.yaml").write_text(pipe.to_yaml())
        p, d = str(work / "p.yaml"), str(work)
        assert main(["augment", d + "/in", d + "/out", "--pipeline", p, "--copies", "2"]) == 0
        assert main(["augment", d + "/in", d + "/quiet", "--pipeline", p, "--quiet"]) == 0
        assert main(["show", "--pipeline", p, "--input", d + "/in/cat/1.png", "--n", "2",
                     "--out", d + "/grid.png"]) == 0
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in hidden)
        assert not leaked, leaked
        """)
    hidden = _hidden_modules()
    assert {"torch", "pandas", "sklearn"} & set(hidden), "the optional packages are installed here"
    run = subprocess.run([sys.executable, "-c", script, json.dumps(hidden), json.dumps(modules),
                          str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "grid.png").is_file() and len(list((tmp_path / "out").rglob("*.png"))) == 6


def test_the_package_version_is_the_one_pyproject_declares() -> None:
    import augmentlab

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert augmentlab.__version__ == declared
