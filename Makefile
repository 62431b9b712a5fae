# Two commands on a fresh machine: `make run` and `make test`.
# Each bootstraps .venv from pyproject.toml (needs only python3 and make).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-next-year check serve demo clean messages help bench bench-scale fuzz

help:
	@echo "make run   - set up, migrate a SQLite database in var/, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test  - set up and run the whole test suite (SQLite, and PostgreSQL where one answers)"
	@echo "make check - lint (ruff check), formatting (ruff format --check) and types (mypy) over courtjourney/"
	@echo "make fuzz  - fuzz every JSON API operation with Schemathesis against a freshly served demo"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	@mkdir -p var
	$(BIN)/courtjourney init --quiet-if-done
	COURTJOURNEY_HOST=$(HOST) COURTJOURNEY_PORT=$(PORT) $(BIN)/courtjourney demo --if-empty
	$(BIN)/courtjourney serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint, formatting and types over the package (configured in pyproject.toml). `.ci/run` runs it before the tests.
check: $(VENV)/.installed-test
	$(BIN)/ruff check courtjourney
	$(BIN)/ruff format --check courtjourney
	$(BIN)/mypy

# The whole suite with every process's clock a year ahead (tests/clockshift/): a test that fails only
# here depends on the day it runs. CLOCK_SHIFT_DAYS=N make test moves it by N days instead.
test-next-year: $(VENV)/.installed-test
	CLOCK_SHIFT_DAYS=365 $(BIN)/python -m pytest $(PYTEST_ARGS)

# Schemathesis over every JSON API operation, as three demo people, against `courtjourney serve` on a fresh
# demo database (tests/fuzz/). Prints requests and failures; exits 1 on any failure.
# FUZZ_ARGS="--examples 200 --backend postgresql" for a longer run on PostgreSQL.
fuzz: $(VENV)/.installed-test
	$(BIN)/python -m tests.fuzz $(FUZZ_ARGS)

# Calendar feed and document benchmarks (bench/README.md): prints a table, asserts nothing. BENCH_ARGS="--cases 100" for a quick run.
bench: $(VENV)/.installed
	$(BIN)/python bench/feeds.py $(BENCH_ARGS)
	$(BIN)/python bench/documents.py

# The same requests on 1,000 and 100,000 cases in PostgreSQL (bench/README.md): about 15 minutes, most of it
# filling the big database. SCALE_ARGS="--cases 5000 --small 500" for a quick run; "--keep", then "--reuse".
bench-scale: $(VENV)/.installed
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

# Extract every string to translate (run from the root: babel.cfg's patterns are relative to it), merge it
# into the Welsh catalogue, and check the catalogue compiles. The app reads the .po itself at start-up,
# so the compiled .mo is written to a scratch directory, not kept.
messages: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k t --no-location --sort-output -o courtjourney/i18n/locales/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i courtjourney/i18n/locales/messages.pot -d courtjourney/i18n/locales
	$(BIN)/pybabel compile --statistics -i courtjourney/i18n/locales/cy/LC_MESSAGES/messages.po -o $$(mktemp -d)/messages.mo

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache
