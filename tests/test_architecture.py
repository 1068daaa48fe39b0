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
              "video": "augmentlab.image.video", "volume": "augmentlab.volume.fields",
              "image": None, "bboxes": None}
    for kind, module in owners.items():
        assert kinds[kind] == module, (kind, kinds[kind])
    core = (ROOT / "src/augmentlab/core").glob("*.py")
    for path in core:  # the core names no modality's kind
        text = path.read_text()
        for kind in ("spectrogram", "step_labels", "constituents", "point_labels", "bboxes",
                     "keypoints", "bbox_labels"):
            assert f'"{kind}"' not in text, f"{path.name} still knows the {kind} kind"


def test_the_core_imports_no_modality_and_the_image_pass_is_a_plug_in() -> None:
    # Nothing the core imports, directly or not, lies outside it; images reach Compose only as
    # the registered image pass (boxes, layouts, fusion) and the kinds they register.
    graph = grimp.build_graph("augmentlab", cache_dir=None)
    outside = sorted(m for m in graph.find_upstream_modules("augmentlab.core", as_package=True)
                     if not m.startswith("augmentlab.core"))
    assert outside == [], outside
    import augmentlab as al
    from augmentlab.core import kinds, passes

    assert passes.PASS_MODULES == ("augmentlab.image.spatial",)
    assert [type(p).__module__ for p in al.Compose([al.text.RandomSwap()])._passes] == \
        ["augmentlab.image.spatial.image_pass"]
    assert sorted(kinds.GRID_KINDS) == ["image", "mask"]


@pytest.mark.parametrize("name", ["audio.Gain", "series.Jitter", "points.Jitter", "graph.EdgeDrop",
                                  "HorizontalFlip", "RandAugment"])
def test_the_registry_finds_every_package_s_transforms(name: str) -> None:
    from augmentlab.core import registry

    assert registry.get(name).name == name
    assert name in registry.names()


def test_one_walk_finds_a_warmable_transform_nested_in_groups() -> None:
    # the dataset job (data/job.py) and warm_pipeline (text/translate.py) both walk with it
    import augmentlab as al
    from augmentlab.core.walk import iter_transforms
    from augmentlab.text import warm_pipeline

    warmed: list[list[str]] = []
    inner = al.text.RandomSwap()
    inner.warm = warmed.append  # type: ignore[attr-defined]  # a warm hook, as BackTranslate has
    group = al.OneOf([al.text.RandomSwap(), inner])
    pipe = al.Compose([al.text.RandomSwap(), al.SomeOf([al.Sequential([group])], n=1)])
    found = list(iter_transforms(pipe))
    assert [t.name for t in found] == ["Compose", "text.RandomSwap", "SomeOf", "Sequential", "OneOf",
                                       "text.RandomSwap", "text.RandomSwap"]
    assert found[-1] is inner and found[0] is pipe
    assert [t for t in found if hasattr(t, "warm")] == [inner]
    warm_pipeline(pipe, ["a b", 3])
    assert warmed == [["a b", "3"]]


def test_one_name_per_modality_resolved_below_the_harness() -> None:
    from augmentlab.datasets import MODALITIES, canonical_modality
    from augmentlab.errors import InvalidConfig
    from augmentlab.evaluate.modalities import ADAPTERS, adapter_for, canonical

    assert tuple(ADAPTERS) == MODALITIES  # one adapter per name, in the same order
    for name, adapter in ADAPTERS.items():
        # the name and the sample field both resolve to the adapter
        assert canonical_modality(name) == canonical(name) == adapter.name == name
        assert adapter_for(adapter.field) is adapter
    assert canonical_modality("tabular") == canonical_modality("features") == "table"
    for bad in ("video", "", None, ["image"]):
        with pytest.raises(InvalidConfig, match="unknown modality .*; use one of image, text, table"):
            canonical_modality(bad)
        with pytest.raises(InvalidConfig, match="unknown modality"):
            adapter_for(bad)  # type: ignore[arg-type]
