# NTM Tracker — make run: start the app (SQLite, eager Celery, demo data); make test: all tests.
PYTHON_VERSION ?= 3.12
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup venv deps-dev demo worker beat messages clean bench lint lint-imports format

$(VENV)/.created:
	@py=$$(command -v pyenv >/dev/null && pyenv which python 2>/dev/null || true); \
	if [ -z "$$py" ] || ! "$$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then \
	  py=$$(command -v python$(PYTHON_VERSION) || ls $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python 2>/dev/null | head -n1); fi; \
	test -n "$$py" || { echo "Python $(PYTHON_VERSION) is required"; exit 1; }; \
	"$$py" -m venv $(VENV) && $(PIP) install -q --upgrade pip && touch $@

$(VENV)/.deps: requirements.txt $(VENV)/.created
	$(PIP) install -q -r requirements.txt && touch $@

$(VENV)/.deps-dev: requirements.txt requirements-dev.txt $(VENV)/.created
	$(PIP) install -q -r requirements-dev.txt && touch $@ $(VENV)/.deps

messages: $(VENV)/.deps
	$(PY) manage.py compilemessages -l vi -l en --ignore '.venv' >/dev/null

setup: $(VENV)/.deps messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_units
	$(PY) manage.py load_criteria
	$(PY) manage.py load_demo

run: setup
	@echo "NTM Tracker: http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.deps-dev messages lint
	bash scripts/ensure-browser.sh
	$(PY) -m pytest $(PYTEST_ARGS)

# The linters (make test runs them first): ruff's checks and formatting, djhtml's template indentation
# and the import contracts. `make format` rewrites the tree the way `make lint` wants it.
TEMPLATES = $$(find templates -name '*.html')
lint: $(VENV)/.deps-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $(TEMPLATES)
	$(VENV)/bin/lint-imports

format: $(VENV)/.deps-dev
	$(VENV)/bin/ruff check --fix --select I .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $(TEMPLATES)

# The dependency contracts of pyproject.toml (also checked by tests/test_import_contracts.py in make test).
lint-imports: $(VENV)/.deps-dev
	$(VENV)/bin/lint-imports

# The national-scale benchmark (PostgreSQL; see README "Benchmark"). Seed once with
#   DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py seed_synthetic --settings=bench.settings --era both --jobs 2
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ntm_bench
BENCH_ARGS ?= --growth
bench: $(VENV)/.deps
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py $(BENCH_ARGS)

# One worker process per machine (add machines for more); beat sends the periodic tasks and must run
# exactly once in a deployment (the reminders and the purge claim their day in jobs.DailyRun, and each
# reminder is recorded per user and day, so a second beat by mistake does nothing twice).
worker: $(VENV)/.deps
	$(VENV)/bin/celery -A ntm worker --loglevel=info

beat: $(VENV)/.deps
	$(VENV)/bin/celery -A ntm beat --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
