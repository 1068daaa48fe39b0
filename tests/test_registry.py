"""Registry coverage and the public API surface."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import CASES, MODAL_CASES

import augmentlab as al

# ToTensorV2 changes the output's type, which the shared suites compare as numpy arrays; its own
# tests are in tests/test_input_types.py
OWN_SUITE = {"ToTensorV2",
             # needs instance masks (H, W, N) beside boxes, which the shared suites do not pass;
             # tests/test_copy_paste.py runs the contract on real COCO fields
             "CopyPaste"}


def test_every_registered_transform_has_a_case() -> None:
    missing = sorted(set(al.registry.names()) - set(CASES) - set(MODAL_CASES) - OWN_SUITE)
    assert not missing, f"add these to tests/conftest.py CASES so the shared suites cover them: {missing}"


def test_every_case_is_registered() -> None:
    assert not sorted((set(CASES) | set(MODAL_CASES)) - set(al.registry.names()))


def test_all_is_explicit_and_complete() -> None:
    public = {n for n in dir(al) if not n.startswith("_")} | {"__version__"}
    modules = {"compat", "core", "errors", "image", "registry", "cli", "data", "datasets", "evaluate",
               "preview", "synth", "text", "audio", "tabular", "search", "torch"}
    assert set(al.__all__) <= public
    assert public - set(al.__all__) <= modules, sorted(public - set(al.__all__) - modules)
    for name in al.image.__all__:
        assert name in al.__all__


def test_import_is_light() -> None:
    code = ("import sys, augmentlab; heavy = [m for m in ('torch', 'ray', 'transformers', 'optuna', "
            "'albumentations', 'sklearn', 'pandas', 'matplotlib') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_transform_has_a_docstring_example() -> None:
    for name in al.registry.names():
        doc = al.registry.get(name).__doc__ or ""
        assert "Example" in doc and ">>>" in doc, f"{name} lacks a docstring example"
