# qadesk: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export QADESK_DATA_DIR ?= $(CURDIR)/data

.PHONY: run serve install test test-postgres lint format openapi messages check-messages bench bench-smoke clean

$(BIN)/qadesk: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "qadesk needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/qadesk

install: $(BIN)/qadesk

run: install
	$(BIN)/qadesk migrate --no-input
	$(BIN)/qadesk demo --if-empty
	$(BIN)/qadesk serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/qadesk} $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy qadesk

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install
	$(BIN)/qadesk export_openapi docs/openapi.json

messages: install
	$(BIN)/python manage.py makemessages -l it -l fr --no-location --no-obsolete -i 'qadesk/*/tests/*' -i 'qadesk/testing/*' -i data -i benchmarks -i build -v 0
	$(BIN)/python manage.py compilemessages -v 0 --ignore .venv

bench: install
	$(BIN)/python benchmarks/import_interactions.py
	$(BIN)/python benchmarks/quality_report.py
	$(BIN)/python benchmarks/sampling_run.py
	$(BIN)/python benchmarks/calibration_stats.py

# The benchmark scripts still run end to end (tiny sizes, local PostgreSQL): a guard for CI, not a measurement.
bench-smoke: install
	$(BIN)/python benchmarks/import_interactions.py --n 300 >/dev/null
	$(BIN)/python benchmarks/quality_report.py --reviews 2000 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/sampling_run.py --interactions 5000 --agents 20 --n-per-agent 3 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/calibration_stats.py --reviewers 4 --items 5 --criteria 5 --repeat 1 >/dev/null

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
