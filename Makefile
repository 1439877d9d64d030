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

.PHONY: setup demo test unit emulator-tests integration sanity lint format benchmark clean

setup: $(STAMP) $(COLLECTION_LINK)

$(STAMP): requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r tests/requirements.txt
	touch $@

# The source tree itself is the collection; a symlink puts it where Ansible looks for it.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: setup
	$(VPY) scripts/run_demo.py

test: setup lint
	$(VPY) -m pytest -n 2 --dist loadgroup tests
	scripts/sanity.sh

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

clean:
	rm -rf $(VENV) .build
