#!/usr/bin/env bash
# CI step: the floors. The lower bounds of the core dependencies in pyproject.toml (read from it by
# .ci/pkgtools.py, so they cannot drift) are installed exactly, as wheels, in a fresh venv; augmentlab
# goes on top with --no-deps and the test tools are held to the floors (-c), so nothing lifts one.
# Then the tests that need only the core dependencies, and the CLI smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/augmentlab-floors.XXXXXX")
trap 'rm -rf "$work"' EXIT

# the suites that need nothing beyond the core dependencies (and the conftest's test tools below)
core_tests=(tests/test_core.py tests/test_bad_input.py tests/test_color.py tests/test_distortion.py
            tests/test_noise.py tests/test_geometry_reference.py tests/test_invariants.py
            tests/test_fusion.py tests/test_jets.py tests/test_points.py tests/test_video.py
            tests/test_registry.py tests/test_augment_coco.py tests/test_augment_dataset.py
            tests/test_box_label_fields.py)

python3 .ci/pkgtools.py floors >"$work/floors.txt"
python3 -m venv "$work/venv"
py=$work/venv/bin/python
"$py" -m pip install --quiet --only-binary=:all: -r "$work/floors.txt"
"$py" -m pip install --quiet --no-deps "$root"
# test tools: tests/conftest.py fits a scikit-learn oracle and reads scikit-image's photos
"$py" -m pip install --quiet --only-binary=:all: -c "$work/floors.txt" -c constraints.txt \
    pytest scikit-learn scikit-image
"$py" -m pip check
"$py" .ci/pkgtools.py check-installed "$work/floors.txt"

"$py" -m pytest -q -p no:cacheprovider "${core_tests[@]}"
"$py" .ci/cli_smoke.py "$work/cli"
echo "floors: the core tests and the CLI pass on the declared minimum versions ($((SECONDS - start)) s)"
