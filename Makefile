# GigFlow: every command a person needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Target of db-reset; empty means the persistent local cluster (started when needed).
DATABASE_URL ?=
SQL_SOURCES := supabase/schemas supabase/migrations supabase/seed.sql supabase/local functions policies
# Migrations squawk checks for lock and rerun hazards: every one after the baseline.
SQUAWKED_MIGRATIONS := $(filter-out %_baseline.sql,$(wildcard supabase/migrations/*.sql))

.DEFAULT_GOAL := help
.PHONY: help demo test test-sql test-py bench bench-quick lint format os-deps node-deps venv db-up db-down db-reset db-url migration migrations-lock types docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed ## create .venv with the project and its dev tools

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed ## install the pinned Supabase CLI, postgres-meta and TypeScript (npm)

os-deps: ## install pgTAP, plpgsql_check, PgBouncer and RUM when missing (apt)
	@scripts/install-os-deps.sh

demo: venv node-deps ## the whole marketplace story, offline: database, Whop emulator, worker
	$(BIN)/gigflow demo

test: os-deps venv node-deps lint ## lint, then every SQL and Python test on a throwaway cluster
	$(BIN)/pytest

test-sql: os-deps venv node-deps ## only the pgTAP files in tests/sql
	$(BIN)/pytest tests/py/test_pgtap.py

test-py: os-deps venv node-deps ## only the Python tests
	$(BIN)/pytest --deselect tests/py/test_pgtap.py

bench: os-deps venv node-deps ## benchmarks at scale (1M gigs, 1M orders); results in bench/results/
	$(BIN)/python -m bench.run

bench-quick: os-deps venv node-deps ## the benchmarks on 100k gigs, in about two minutes
	$(BIN)/python -m bench.run --quick

lint: venv ## ruff, sqlfluff, and squawk on every migration after the baseline
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 $(SQL_SOURCES)
	$(if $(SQUAWKED_MIGRATIONS),$(BIN)/squawk --config .squawk.toml $(SQUAWKED_MIGRATIONS))

format: venv ## let ruff and sqlfluff fix what they can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix --processes 2 $(SQL_SOURCES)

migration: venv node-deps ## NAME=what_changed: write the sources' changes as a new migration
	@test -n "$(NAME)" || { echo "usage: make migration NAME=what_changed" >&2; exit 2; }
	$(BIN)/gigflow db migration $(NAME)

migrations-lock: venv ## record new migrations' checksums (after review, before they land)
	$(BIN)/gigflow db lock-migrations

types: venv node-deps ## regenerate types/database.ts from the database the migrations build
	$(BIN)/python -m apiref.generate types

docs: venv node-deps ## regenerate docs/api.md from the comments in that database
	$(BIN)/python -m apiref.generate docs

db-up: venv node-deps ## start the persistent local cluster (built on first start); prints its URL
	$(BIN)/gigflow db up

db-down: venv ## stop the persistent local cluster
	$(BIN)/gigflow db down

db-url: venv ## print the local cluster's URL
	@$(BIN)/gigflow db url

db-reset: venv node-deps ## rebuild DATABASE_URL (default: local) from migrations + seed
	$(BIN)/gigflow db reset $(if $(DATABASE_URL),--database-url '$(DATABASE_URL)')

clean: ## stop the local cluster and remove it and the venv
	-$(BIN)/gigflow db down
	rm -rf .local $(VENV) node_modules
