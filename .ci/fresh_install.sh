#!/usr/bin/env bash
# CI step: does a plain `pip install .` (no extras) give a working package? In a fresh venv: the
# README's first ```python block, then `augmentlab validate / augment / replay --verify / show` on a
# small image folder (.ci/cli_smoke.py). If that README block imports torch, torch is installed first,
# on its own, through constraints.txt (the README's install line says the same), as a user would.
#   bash .ci/fresh_install.sh [README]     (default README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
readme=$(realpath "${1:-README.md}")
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/augmentlab-fresh.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py=$work/venv/bin/python
imports=$(python3 .ci/pkgtools.py readme-example "$readme" "$work/example.py")
echo "fresh install: the README's first example imports (besides augmentlab): ${imports//$'\n'/ }"
if grep -qx torch <<<"$imports"; then
    "$py" -m pip install --quiet -c constraints.txt torch
fi
"$py" -m pip install --quiet "$root"
"$py" -m pip check
# no extra came along: these are what the extras bring
"$py" - <<'PY'
import importlib.util, sys
extras = [m for m in ("pandas", "sklearn", "matplotlib", "soundfile", "optuna", "ray", "transformers",
                      "sentence_transformers") if importlib.util.find_spec(m)]
sys.exit(f"pip install . brought optional packages: {extras}" if extras else None)
PY
echo "fresh install: $("$py" -m pip list --format=freeze 2>/dev/null | tr '\n' ' ')"

echo "fresh install: running the README's first example"
(cd "$work" && "$py" example.py)
"$py" .ci/cli_smoke.py "$work/cli"
echo "fresh install: pip install . (no extras), the README's first example and the CLI: ok" \
     "($((SECONDS - start)) s)"
