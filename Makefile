# Every target bootstraps .venv itself. `make demo` and `make serve` install only the
# client and its server extra; the other targets install `.[dev]`, the whole toolchain.
# Each re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SERVER := $(VENV)/.installed-server
DEV    := $(VENV)/.installed-dev

.PHONY: demo serve test lint pytest browser bench soak replicas cast wheel clean

# An editable install of a hatchling project needs pip 21.3 or later (PEP 660), newer
# than some Python 3.10 releases bundle; a newer pip is left as it is, which saves a
# round trip to the index on every fresh clone.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'pip>=21.3'

$(SERVER): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server]'
	@touch $@

# dev includes the server extra, so this install is good for both stamps.
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(SERVER)

demo: $(SERVER)
	$(BIN)/rf-tui demo

serve: $(SERVER)
	$(BIN)/rf-tui serve --demo-seed

lint: $(DEV)
	$(BIN)/ruff check rf_tui tests benchmarks docs
	$(BIN)/ruff format --check rf_tui tests benchmarks docs
	$(BIN)/mypy rf_tui

# tests/test_web.py drives Debian's Chromium: installed here when root can apt-get.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "tests/test_web.py needs Chromium: sudo apt-get install chromium"

# One worker per core (tests use port 0 and their own temporary directories); the
# worksteal scheduler keeps both cores busy when a few slow tests come last.
# `make pytest JOBS=0` runs in one process.
JOBS ?= auto
pytest: $(DEV) browser
	$(BIN)/pytest -n $(JOBS) --dist worksteal

test: lint pytest

# The long fault and load runs (20 server kills, 20 cuts, 10 stalls; 200 subscribers
# at 20 escalations a second for 60 s). Not part of `make test`.
soak: $(DEV)
	RF_FAULT_CYCLES=50 RF_SOAK_SECONDS=60 $(BIN)/pytest tests/faults -s -o timeout=900
	RF_REPLICA_CYCLES=20 $(BIN)/pytest tests/replicas/test_failover.py -s -o timeout=1800

# Postgres, Redis, two replicas and HAProxy on loopback (tests/replicas/stack.py),
# installed from Debian's packages when missing (as root); Ctrl-C stops them all.
replicas: $(DEV)
	$(BIN)/python -m tests.replicas.stack

# Three full runs (about 40 minutes), each figure from its median run; the noisy
# ones are medians inside each run as well. `make bench RUNS=1` for a quick look.
RUNS ?= 3
bench: $(DEV)
	$(BIN)/python -m benchmarks --runs $(RUNS)

# docs/demo.cast: `rf-tui demo --seed 1` recorded headless in a pty (asciicast v2).
cast: $(DEV)
	$(BIN)/python docs/record_cast.py docs/demo.cast

# A wheel in dist/, and proof that it installs and runs in a clean virtualenv.
wheel: $(DEV)
	bash .ci/package-check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
