# Everything a newcomer needs: `make demo` and `make test` each create the virtual environment,
# install the project's requirements into it and run. Nothing is installed outside .venv except
# the pip bootstrap ansible-test caches under ~/.ansible/test/cache.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
COLLECTION_LINK := .build/collections/ansible_collections/serverless/aws_lambda

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup demo test unit integration sanity lint format benchmark clean
.PHONY: matrix-setup matrix matrix-unit matrix-sanity matrix-core217 matrix-core221 docs
.PHONY: mutation coverage try try-stop screenshots

# The version matrix (README "Development"): besides .venv (ansible 12 = ansible-core 2.19 + amazon.aws 10),
# the oldest ansible-core the collection claims with the oldest amazon.aws (2.17 + 10.x) and the newest
# ansible release (14.x = ansible-core 2.21 + amazon.aws 11.x, which needs Python 3.12+).
PYTHON312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12) python3.12)
VENV_CORE217 := .venv-core217
VENV_CORE221 := .venv-core221
VENV_IMPORTER := .venv-importer

setup: $(STAMP) $(COLLECTION_LINK)

$(STAMP): requirements.txt tests/requirements.txt tests/emulator/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r tests/requirements.txt
	touch $@

# The source tree itself is the collection; a symlink puts it where Ansible looks for it.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

# README "Try it without AWS": the emulator in a virtual environment of its own (.build/try/venv), started in the
# background on TRY_PORT with the README's functions and queue; it prints what to export. try-stop ends it.
TRY_PORT ?= 5000
TRY_VENV := .build/try/venv
TRY_STAMP := $(TRY_VENV)/.installed

$(TRY_STAMP): tests/emulator/requirements.txt
	$(PYTHON) -m venv $(TRY_VENV)
	$(TRY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/emulator/requirements.txt
	touch $@

try: $(TRY_STAMP)
	@$(TRY_VENV)/bin/python scripts/try_without_aws.py start --port $(TRY_PORT)

try-stop:
	@$(TRY_VENV)/bin/python scripts/try_without_aws.py stop

demo: setup
	$(VPY) scripts/run_demo.py

test: setup lint matrix-setup
	VERSION_MATRIX=required $(VPY) -m pytest -n 2 --dist loadgroup tests
	scripts/sanity.sh
	$(MAKE) --no-print-directory matrix-unit matrix-sanity

unit: setup
	$(VPY) -m pytest tests/unit

integration: setup
	$(VPY) -m pytest tests/integration

sanity: setup
	scripts/sanity.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/black --check --quiet .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/black --quiet .

benchmark: setup
	$(VPY) benchmarks/run.py

# Mutation testing of plugins/module_utils with the unit tests (mutmut, about 4 minutes on 2 CPUs; not part of
# `make test`). It works in a scratch copy, .build/mutation, never on the work tree; the score is its last line but
# one, the survivors follow, and tests/unit/MUTATION.md lists those that are equivalent.
mutation: setup
	scripts/mutation.sh

# The README as Galaxy renders it and a module page of `make docs`, in headless Chromium (.build/screenshots/).
screenshots: docs $(VENV_IMPORTER)/.installed
	$(VPY) scripts/screenshots.py

# Branch coverage of plugins/module_utils by the unit tests.
coverage: setup
	$(VPY) -m pytest tests/unit -q -p no:cacheprovider --cov=plugins/module_utils --cov-branch --cov-report=term
	rm -f .coverage

clean:
	rm -rf $(VENV) $(VENV_CORE217) $(VENV_CORE221) $(VENV_IMPORTER) .build

# The documentation site as users browse it (antsibull-docs, Sphinx): .build/docs/build/html/index.html
docs: setup
	$(VPY) scripts/build_docs.py

$(VENV_CORE217)/.installed: requirements.txt tests/requirements-core217.txt tests/requirements-core217-collections.txt
	$(PYTHON) -m venv $(VENV_CORE217)
	$(VENV_CORE217)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_CORE217)/bin/python -m pip install --quiet -r tests/requirements-core217.txt
	$(VENV_CORE217)/bin/python -m pip install --quiet --no-deps -r tests/requirements-core217-collections.txt
	touch $@

$(VENV_CORE221)/.installed: requirements.txt tests/requirements-core221.txt
	$(PYTHON312) -m venv $(VENV_CORE221)
	$(VENV_CORE221)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_CORE221)/bin/python -m pip install --quiet -r tests/requirements-core221.txt
	touch $@

matrix-setup: setup $(VENV_CORE217)/.installed $(VENV_CORE221)/.installed $(VENV_IMPORTER)/.installed

# Galaxy's importer (galaxy-importer from PyPI), run on the built tarball by tests/integration/packaging.
$(VENV_IMPORTER)/.installed: tests/requirements-importer.txt
	$(PYTHON) -m venv $(VENV_IMPORTER)
	$(VENV_IMPORTER)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_IMPORTER)/bin/python -m pip install --quiet -r tests/requirements-importer.txt
	touch $@

# The parts of the matrix `make test` runs after the main suite (whose pytest run includes the integration
# scenarios under both, tests/integration/packaging/test_version_matrix.py): unit tests and ansible-test
# sanity with each version's own ansible-core.
matrix-unit: matrix-setup
	$(VENV_CORE217)/bin/python -m pytest -q tests/unit
	$(VENV_CORE221)/bin/python -m pytest -q tests/unit

matrix-sanity: matrix-setup
	PYTHON=$(CURDIR)/$(VENV_CORE217)/bin/python scripts/sanity.sh
	PYTHON=$(CURDIR)/$(VENV_CORE221)/bin/python scripts/sanity.sh

# One version of the matrix alone: unit tests, sanity, integration scenarios.
matrix-core217 matrix-core221: matrix-%: matrix-setup
	.venv-$*/bin/python -m pytest -q tests/unit
	PYTHON=$(CURDIR)/.venv-$*/bin/python scripts/sanity.sh
	VERSION_MATRIX=required $(VPY) -m pytest -n 2 --dist loadgroup -k $* tests/integration/packaging/test_version_matrix.py

# The whole matrix besides .venv's: what `make test` adds to the main suite, on its own.
matrix: matrix-unit matrix-sanity
	VERSION_MATRIX=required $(VPY) -m pytest -n 2 --dist loadgroup tests/integration/packaging/test_version_matrix.py
