# Territoires Store — two commands do everything: `make run` and `make test`.
#
#   make run    install (Python + DSFR), migrate, import the registry, seed the demos, serve on :8000
#   make test   the whole suite on SQLite (with the browser tests), then again on PostgreSQL
#   make lint   ruff, ruff format --check, mypy, import-linter
#
# A second `make run` reuses what exists: installs and data imports are guarded by stamps, and the
# commands behind them are idempotent anyway.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
UV := $(BIN)/uv
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Where the embedded database lives (same defaults as store/kit/settings.py).
DATA_DIR := $(or $(TS_DATA_DIR),var)
DATABASE_URL := $(or $(TS_DATABASE_URL),sqlite:///var/territoires.sqlite3)
# Stamps are per database, so that pointing TS_DATABASE_URL elsewhere imports again.
STAMPS := $(DATA_DIR)/.stamps/$(shell printf '%s' '$(DATABASE_URL)' | cksum | cut -d' ' -f1)
REGISTRY_INPUTS := $(shell find store/registry -type f -not -path '*__pycache__*' 2>/dev/null)
DEMO_INPUTS := $(shell find store/demo catalogue store/subscriptions/demo.py plugins/builtin -type f -not -path '*__pycache__*' 2>/dev/null)
CONSULTATION_INPUTS := $(shell find store/upstream_demo store/demo/data.py -type f -not -path '*__pycache__*' 2>/dev/null)
FUNDING_INPUTS := $(shell find catalogue/funding/demo.py -type f 2>/dev/null)
BILLING_INPUTS := $(shell find store/demo/billing.py -type f 2>/dev/null)
NPM_DIRS := . $(wildcard tools/meilisearch)

# What this tree's CLI offers (evaluated when a recipe needs it, after the install).
CLI_HELP = $(shell $(PY) -m store --help 2>/dev/null)
has_command = $(filter $(1),$(CLI_HELP))

PYTEST := $(BIN)/pytest
PYTEST_ARGS ?= -q -n 2

.PHONY: install python-deps front-deps run data banner serve test test-sqlite test-postgres lint migrate clean

install: python-deps front-deps

python-deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) sync --frozen --quiet
	@touch $@

# Front-end packages (DSFR) from the committed lock file. Without npm the pages still work, unstyled.
# The root runs no install scripts (see README, "Front-end assets"); tools/* folders keep theirs.
front-deps:
	@for dir in $(NPM_DIRS); do \
	  if [ ! -f "$$dir/package-lock.json" ]; then continue; fi; \
	  if [ -f "$$dir/node_modules/.package-lock.json" ] && \
	     [ "$$dir/node_modules/.package-lock.json" -nt "$$dir/package-lock.json" ]; then continue; fi; \
	  if ! command -v npm >/dev/null; then \
	    echo "!! npm introuvable : $$dir/node_modules non installé (pages sans DSFR)." >&2; continue; fi; \
	  echo "npm ci ($$dir)"; \
	  flags=""; if [ "$$dir" = . ]; then flags=--ignore-scripts; fi; \
	  (cd "$$dir" && npm ci $$flags --no-audit --no-fund --loglevel=error); \
	done

migrate: python-deps
	$(PY) -m store migrate

# The registry (full millésime), the demo catalogue and the demo consultation. Each runs only if its
# command exists in this tree, and only once per database (the commands are idempotent anyway).
data: migrate $(STAMPS)/registry $(STAMPS)/demo $(STAMPS)/consultation $(STAMPS)/funding $(STAMPS)/billing

$(STAMPS)/registry: $(REGISTRY_INPUTS) | python-deps
	@mkdir -p $(@D)
	@if [ -n "$(call has_command,import-registry)" ]; then \
	  $(PY) -m store import-registry && touch $@; \
	else echo "(import-registry indisponible dans cette version : référentiel non importé)"; fi

$(STAMPS)/demo: $(DEMO_INPUTS) $(STAMPS)/registry | python-deps
	@mkdir -p $(@D)
	@if [ -n "$(call has_command,seed-demo)" ]; then \
	  $(PY) -m store seed-demo 2>&1 | tee $(STAMPS)/demo.log && touch $@; \
	else echo "(seed-demo indisponible dans cette version : pas de catalogue de démonstration)"; fi

# The consultation replay (every phase with data); its curator is seed-demo's, hence the order.
$(STAMPS)/consultation: $(CONSULTATION_INPUTS) $(STAMPS)/demo | python-deps
	@mkdir -p $(@D)
	@if [ -n "$(call has_command,seed-consultation)" ]; then \
	  $(PY) -m store seed-consultation && touch $@; \
	else echo "(seed-consultation indisponible dans cette version : pas de consultation de démonstration)"; fi

# The funding plan (three axes, guichets, calls, applications); it also reserves what the
# consultation's committee selected, hence the order.
$(STAMPS)/funding: $(FUNDING_INPUTS) $(STAMPS)/consultation | python-deps
	@mkdir -p $(@D)
	@if [ -n "$(call has_command,seed-funding)" ]; then \
	  $(PY) -m store seed-funding && touch $@; \
	else echo "(seed-funding indisponible dans cette version : pas de financements de démonstration)"; fi

# The billing history: the closed months of the demo subscriptions invoiced, one service co-funded
# by the State on the funding plan's axis 1, hence the order.
$(STAMPS)/billing: $(BILLING_INPUTS) $(STAMPS)/funding | python-deps
	@mkdir -p $(@D)
	@if [ -n "$(call has_command,seed-billing)" ]; then \
	  $(PY) -m store seed-billing && touch $@; \
	else echo "(seed-billing indisponible dans cette version : pas de factures de démonstration)"; fi

banner:
	@echo
	@echo "================================================================"
	@echo " Territoires Store : http://$${TS_HOST:-127.0.0.1}:$${TS_PORT:-8000}/"
	@echo "================================================================"
	@if [ -n "$(call has_command,demo-accounts)" ]; then $(PY) -m store demo-accounts; \
	elif [ -s $(STAMPS)/demo.log ]; then echo " Démo :"; sed 's/^/   /' $(STAMPS)/demo.log | tail -n 25; \
	else echo " Pas encore de comptes de démonstration (voir README)."; fi
	@echo

serve:
	exec $(PY) -m store serve

run: install data banner serve

# Browser tests run in the SQLite pass (they start their own server on a temporary SQLite file);
# the PostgreSQL pass runs everything else again. A missing service skips loudly, unless listed in
# TSTEST_REQUIRE (as .ci/run does), where it fails.
test: install
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	$(MAKE) --no-print-directory test-postgres || status=1; \
	exit $$status

test-sqlite:
	TSTEST_DATABASE=sqlite $(PYTEST) $(PYTEST_ARGS)

test-postgres:
	TSTEST_DATABASE=postgres $(PYTEST) $(PYTEST_ARGS) -m "not browser"

lint: python-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var node_modules tools/meilisearch/node_modules .pytest_cache .mypy_cache .ruff_cache test-artifacts
