# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: install run test lint unit bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) -e '.[dev]'
	@touch $@

install: $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/retrowalk run

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(VENV)/.dev
	$(BIN)/pytest --durations=15

test: lint unit

bench: $(VENV)/.dev
	$(BIN)/python bench/core.py
	$(BIN)/python bench/telegram.py
	$(BIN)/python bench/observe.py
	$(BIN)/python bench/board.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/fanout_telegram.py
	$(BIN)/python bench/fanout_weekly.py
	$(BIN)/python bench/linking.py
	$(BIN)/python bench/scale.py

# Regenerate the pinned set after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info
