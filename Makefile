# Warden: `make demo` runs the TUI on a sample project with a recorded model; `make test` runs
# the tests.  Both create .venv and install the project with its extras when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.warden-installed

.PHONY: demo test bench oracle screenshots snapshots lint clean sandbox-deps

# The sandbox needs bubblewrap (and socat for its network bridge), from Debian's packages;
# the dynamic oracle (`make oracle`, and its sample in `make test`) also needs strace.
sandbox-deps:
	@if command -v bwrap >/dev/null 2>&1 && command -v socat >/dev/null 2>&1 && \
	    command -v strace >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing bubblewrap, socat and strace (Debian packages) for the sandbox..."; \
		(apt-get install -y -qq bubblewrap socat strace >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && \
		  apt-get install -y -qq bubblewrap socat strace >/dev/null)); \
	else \
		echo "warden: the sandbox needs bubblewrap and socat, the oracle strace:" \
		     "sudo apt-get install bubblewrap socat strace" >&2; \
	fi

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Warden needs Python 3.11 or newer; set PYTHON=python3.x")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench,lint]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/warden --demo

# The tests run on two pytest-xdist workers where there are two cores or more: on a 2-core
# machine the suite took 6-7 min that way against 9 min 24 s in one process (every run with
# other work on the machine).  TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= $(shell [ "$$(nproc 2>/dev/null || echo 1)" -ge 2 ] && echo 2 || echo 0)

test: $(STAMP) sandbox-deps
	$(PY) -m pytest -q -p xdist -n $(TEST_WORKERS)

bench: $(STAMP) sandbox-deps
	$(PY) bench/run.py

# Run every command Warden allows (NL2Bash + 20,000 variants) traced in a sandbox; takes minutes.
# Options: make oracle ORACLE_ARGS="--limit 500 --seed 1"
oracle: $(STAMP) sandbox-deps
	$(PY) bench/oracle.py $(ORACLE_ARGS)

screenshots: $(STAMP)
	$(PY) -m tests.scenarios screenshots

snapshots: $(STAMP)
	$(PY) -m pytest -q tests --snapshot-update -k snapshot

# ruff, mypy and the import contracts (configured in pyproject.toml).  All three run, so one
# failure does not hide another; the target fails when any of them does.
lint: $(STAMP)
	@status=0; \
	echo "ruff check ."; $(VENV)/bin/ruff check . || status=1; \
	echo "mypy tui widgets themes"; $(VENV)/bin/mypy tui widgets themes || status=1; \
	echo "lint-imports"; $(VENV)/bin/lint-imports || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) .pytest_cache
