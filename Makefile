# Warden: `make demo` runs the TUI on a sample project with a recorded model; `make test` runs
# the tests.  Both create .venv and install the project with its extras when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.warden-installed

.PHONY: demo test bench screenshots snapshots lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Warden needs Python 3.11 or newer; set PYTHON=python3.x")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/warden --demo

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/run.py

screenshots: $(STAMP)
	$(PY) -m tests.scenarios screenshots

snapshots: $(STAMP)
	$(PY) -m pytest -q tests --snapshot-update -k snapshot

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
