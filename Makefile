# Every target bootstraps .venv itself; it re-installs only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo serve test lint pytest bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@echo "The queue TUI is not built yet: starting the reference server with the demo seed."
	@echo "Try: curl -s -X POST -H 'content-type: application/json' \\"
	@echo "       -d '{\"email\":\"dana@northwind.example\",\"password\":\"demo-password\"}' \\"
	@echo "       http://127.0.0.1:8765/api/v1/auth/login"
	$(BIN)/rf-tui serve --demo-seed --port 8765

serve: $(STAMP)
	$(BIN)/rf-tui serve --demo-seed

lint: $(STAMP)
	$(BIN)/ruff check rf_tui tests benchmarks
	$(BIN)/ruff format --check rf_tui tests benchmarks
	$(BIN)/mypy rf_tui

pytest: $(STAMP)
	$(BIN)/pytest

test: lint pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
