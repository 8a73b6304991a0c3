# The two commands a newcomer needs: `make run` and `make test`. Both install everything.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := $(PYTHON) -m uv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test lint format worker beat bench bench-storage load

$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(VENV)/bin/pytest

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO

bench: install
	$(PY) bench/run.py
	$(PY) bench/contracts.py
	$(PY) bench/attestations.py
	$(PY) bench/mail.py

# Private files on the local disk and in an S3 bucket (SeaweedFS), side by side.
bench-storage: install
	$(PY) bench/storage.py

load: install
	$(PY) bench/load.py
