# The two commands a fresh machine needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[run]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

run: export DEBUG ?= true
# Scan for due reminders every minute in the demo, so the worker has visible work.
run: export REMINDER_SCAN_SECONDS ?= 60
run: export PORT := $(PORT)
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Mentorship is starting on http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: demo): admin, manager, mentor, mentee, mentee2"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat."
	@echo ""
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start -f Procfile.dev

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Real PostgreSQL and Redis when their programs are here (scripts/with-services), Chromium for the
# browser tests; the layers contract (lint-imports, pyproject.toml), Django's checks and a
# missing-migration check run first.
test: install-dev lint
	mkdir -p var
	$(BIN)/lint-imports --no-logo --cache-dir var/import-linter-cache
	scripts/with-services bash -c '\
	  DEBUG=true $(BIN)/python manage.py check --fail-level WARNING && \
	  DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run && \
	  $(BIN)/pytest --junitxml=var/junit.xml $(PYTEST_ARGS)'

# Against a throwaway PostgreSQL, with DEBUG off (so Django keeps no query log) and a one-off key.
bench: install-dev
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  scripts/with-services $(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
