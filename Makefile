# Everything people run. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-sqlite test-postgres check demo bench bench-large setup system-deps clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Serve the register on http://127.0.0.1:8000 with the demo force loaded on first start.
run: setup
	CSAS_DEMO=$${CSAS_DEMO:-on} $(BIN)/csas migrate
	CSAS_DEMO=$${CSAS_DEMO:-on} $(BIN)/csas serve

demo: setup
	CSAS_DEMO=on $(BIN)/csas migrate
	CSAS_DEMO=on $(BIN)/csas demo

# The whole suite on SQLite, then again on a private PostgreSQL cluster this target installs and starts.
test: setup system-deps test-sqlite test-postgres

test-sqlite: setup
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: setup
	scripts/with-postgres.sh $(BIN)/pytest -q

system-deps:
	scripts/system-deps.sh

# Lint, types, and a dependency audit against the PyPI advisory database (pip-audit needs to reach pypi.org's
# JSON API; where it cannot, it lists each package as not audited rather than passing silently).
check: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pip-audit --skip-editable --progress-spinner off

# Every issue-9 and issue-8 figure on a 10,000-officer force (a few minutes); bench-large adds a 100,000-officer
# force for the sweep's scaling and peak memory (several more minutes). Options: `$(BIN)/python -m bench --help`.
bench: setup
	$(BIN)/python -m bench

bench-large: setup
	$(BIN)/python -m bench --large

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
