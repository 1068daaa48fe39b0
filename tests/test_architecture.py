"""The layering of ARCHITECTURE.md holds: import-linter's contracts pass, the document lists the
same layers as the contract, nothing inside the package imports the package root, and the field
kinds are registered by their modalities (one list, no copy in the core)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def _contract_layers() -> list[str]:
    contract = next(c for c in PYPROJECT["tool"]["importlinter"]["contracts"]
                    if c["type"] == "layers")
    return [re.sub(r"\s+", " ", layer.replace("augmentlab.", "")) for layer in contract["layers"]]


def test_architecture_md_lists_the_layers_the_contract_checks() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    table = re.search(r"<!-- layers -->\n(.*?)<!-- /layers -->", text, re.S)
    assert table, "ARCHITECTURE.md lost its layer table (between <!-- layers --> markers)"
    documented = [re.sub(r"\s+", " ", row.split("|")[1].strip().strip("`").replace("`", ""))
                  for row in table.group(1).splitlines() if row.startswith("| `")]
    assert [d.replace(", ", " | ") for d in documented] == _contract_layers()


def test_nothing_inside_the_package_imports_the_package_root() -> None:
    # the root imports every modality; a module importing it back would import everything
    graph = grimp.build_graph("augmentlab", cache_dir=None)
    importers = sorted(graph.find_modules_that_directly_import("augmentlab"))
    assert importers == [], importers


def test_every_field_kind_is_registered_once_by_the_package_that_owns_it() -> None:
    code = ("import augmentlab.core.kinds as k, augmentlab;"
            "print(sorted((n, getattr(c, '__module__', None)) for n, c in k._KINDS.items()))")
    kinds = dict(eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     check=True).stdout))
    owners = {"text": "augmentlab.text.fields", "spans": "augmentlab.text.fields",
              "audio": "augmentlab.audio.fields", "events": "augmentlab.audio.fields",
              "series": "augmentlab.series.fields", "points": "augmentlab.points.fields",
              "features": "augmentlab.tabular.fields", "graph": "augmentlab.graph.structure",
              "video": "augmentlab.image.video", "image": None, "bboxes": None}
    for kind, module in owners.items():
        assert kinds[kind] == module, (kind, kinds[kind])
    core = (ROOT / "src/augmentlab/core").glob("*.py")
    for path in core:  # the core names no modality's kind outside the image pass it still holds
        text = path.read_text()
        for kind in ("spectrogram", "step_labels", "constituents", "point_labels"):
            assert f'"{kind}"' not in text, f"{path.name} still knows the {kind} kind"


@pytest.mark.parametrize("name", ["audio.Gain", "series.Jitter", "points.Jitter", "graph.EdgeDrop",
                                  "HorizontalFlip", "RandAugment"])
def test_the_registry_finds_every_package_s_transforms(name: str) -> None:
    from augmentlab.core import registry

    assert registry.get(name).name == name
    assert name in registry.names()
