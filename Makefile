# The two commands: `make demo` and `make test`; `make examples` runs every script of examples/.
# Each makes .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test examples lint format bench docs pictures clean

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

# The demo needs only the runtime (numpy, graphviz, graphviz-pure) and resvg (the cjk extra,
# 1.4 MB: its PNG in Chinese under a zh locale): seconds, not the 1.8 GB of the test set-up
# (torch, chromium's driver, the docs).
$(VENV)/.runtime: setup.cfg pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e '.[cjk]'
	touch $@

# The examples add matplotlib (every script) and scikit-learn (the Iris and digits ones).
$(VENV)/.examples: setup.cfg pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e '.[examples,datasets]'
	touch $@

EXAMPLES := $(filter-out examples/common.py,$(sort $(wildcard examples/*.py)))

$(VENV)/.installed: setup.cfg pyproject.toml $(VENV)/.created
	$(PY) -m pip install -q -e '.[dev,examples,docs,test,torch,datasets,cjk]'
	touch $@

$(VENV)/.bench: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev,examples,docs,test,torch,datasets,bench]'
	touch $@

demo: $(VENV)/.runtime
	$(VENV)/bin/micrograd-nndl demo

examples: $(VENV)/.examples
	@for script in $(EXAMPLES); do \
		echo "== $$script"; $(PY) $$script || exit 1; \
	done

test: $(VENV)/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.bench
	$(PY) -m benchmarks

docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict -d site

# The docs' page pictures (step page, live page, training replay, Chinese notes) in Chromium.
pictures: $(VENV)/.installed
	$(PY) docs/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis out site
