# Every target bootstraps .venv itself; it re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve test lint pytest browser bench soak cast wheel clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rf-tui demo

serve: $(STAMP)
	$(BIN)/rf-tui serve --demo-seed

lint: $(STAMP)
	$(BIN)/ruff check rf_tui tests benchmarks docs
	$(BIN)/ruff format --check rf_tui tests benchmarks docs
	$(BIN)/mypy rf_tui

# tests/test_web.py drives Debian's Chromium: installed here when root can apt-get.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "tests/test_web.py needs Chromium: sudo apt-get install chromium"

pytest: $(STAMP) browser
	$(BIN)/pytest

test: lint pytest

# The long fault and load runs (20 server kills, 20 cuts, 10 stalls; 200 subscribers
# at 20 escalations a second for 60 s). Not part of `make test`.
soak: $(STAMP)
	RF_FAULT_CYCLES=50 RF_SOAK_SECONDS=60 $(BIN)/pytest tests/faults -s -o timeout=900

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# docs/demo.cast: `rf-tui demo --seed 1` recorded headless in a pty (asciicast v2).
cast: $(STAMP)
	$(BIN)/python docs/record_cast.py docs/demo.cast

# A wheel in dist/, and proof that it installs and runs in a clean virtualenv.
wheel: $(STAMP)
	bash .ci/package-check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
