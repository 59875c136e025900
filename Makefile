# qadesk: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export QADESK_DATA_DIR ?= $(CURDIR)/data
# The Chromium the browser tests drive. `make test` installs Debian's when run as root, or stops and says how
# (scripts/test-prerequisites). QADESK_SKIP_BROWSER=1 runs the rest of the suite, and says the browser tests did not run.
CHROMIUM ?= /usr/bin/chromium
export QADESK_CHROMIUM := $(CHROMIUM)
export QADESK_SKIP_BROWSER ?=
PYTEST_MARKS := $(if $(QADESK_SKIP_BROWSER),-m "not browser")
# The suite runs on this many pytest-xdist workers (each its own test database and Redis database, see conftest.py);
# PYTEST_WORKERS=0 runs it in one process. A test module stays whole on one worker, so its module- and session-scoped
# fixtures (the race server) are made once (--dist loadscope; loadgroup's xdist_group does not group under pytest 9.2).
# Every test id is unique and the API fuzz reports a case per API operation, or the run fails (conftest.py): under
# pytest 9.2 schemathesis gave its 112 cases two ids, and two workers ran 2 of them while the run stayed green.
PYTEST_WORKERS ?= 2
PYTEST_XDIST := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadscope)
define browser_notice
$(if $(QADESK_SKIP_BROWSER),@printf '\n*** QADESK_SKIP_BROWSER is set: the browser tests were NOT run. ***\n\n')
endef

.PHONY: run serve install test test-prerequisites test-postgres lint format openapi messages check-messages bench bench-smoke clean

$(BIN)/qadesk: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "qadesk needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/qadesk

install: $(BIN)/qadesk

# The console shows the URL, the demo logins (and the demo's progress the first time) and the access log only.
run: install
	@$(BIN)/qadesk migrate --no-input -v 0
	@$(BIN)/qadesk demo --if-empty -v 0
	@$(BIN)/qadesk serve --host $(HOST) --port $(PORT) -v 0

test: install test-prerequisites
	$(browser_notice)
	$(BIN)/pytest $(PYTEST_MARKS) $(PYTEST_XDIST)
	$(browser_notice)

test-postgres: install test-prerequisites
	$(browser_notice)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/qadesk} $(BIN)/pytest $(PYTEST_MARKS) $(PYTEST_XDIST)
	$(browser_notice)

test-prerequisites:
	@CHROMIUM='$(CHROMIUM)' sh scripts/test-prerequisites

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
	$(BIN)/python benchmarks/autoqa_detectors.py
	$(BIN)/python benchmarks/kpi_report.py
	$(BIN)/python benchmarks/erlang_c.py
	$(BIN)/python benchmarks/call_import.py
	$(BIN)/python benchmarks/phone_report.py
	$(BIN)/python benchmarks/survey_results.py --responses 100000
	$(BIN)/python benchmarks/load.py --db sqlite
	$(BIN)/python benchmarks/load.py --db postgres

# The benchmark scripts still run end to end (tiny sizes, local PostgreSQL): a guard for CI, not a measurement.
bench-smoke: install
	$(BIN)/python benchmarks/import_interactions.py --n 300 >/dev/null
	$(BIN)/python benchmarks/import_interactions.py --n 300 --rich >/dev/null
	$(BIN)/python benchmarks/quality_report.py --reviews 2000 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/sampling_run.py --interactions 5000 --agents 20 --n-per-agent 3 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/calibration_stats.py --reviewers 4 --items 5 --criteria 5 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/autoqa_detectors.py --n 300 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/autoqa_job.py --n 300 --reference 100 >/dev/null
	$(BIN)/python benchmarks/kpi_report.py --interactions 2000 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/competence_page.py --agents 50 --interactions 1000 --reviews 300 --responses 100 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/erlang_c.py --repeat 1 >/dev/null
	$(BIN)/python benchmarks/cost_report.py --interactions 2000 --agents 50 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/call_import.py --n 300 >/dev/null
	$(BIN)/python benchmarks/phone_report.py --calls 3000 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/survey_results.py --responses 1000 --repeat 1 >/dev/null
	$(BIN)/python benchmarks/load.py --db sqlite --interactions 300 --reviews 20 --clients 2 --duration 1 --warmup 0.2 --alone 2 --port 8819 >/dev/null

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
