# Two commands: `make run` (set up and serve with demo data) and `make test` (lint, type check, tests).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE ?= 1

.PHONY: run test lint typecheck pytest openapi clean

# Postal-code coordinates for commute distances (GeoNames, CC BY 4.0); skipped when the file is absent.
GEONAMES ?= ../shared/data/geo-no/NO.txt

run: $(VENV)/.installed
	$(BIN)/jobmatch db upgrade
	@if [ -f "$(GEONAMES)" ]; then $(BIN)/jobmatch geo load "$(GEONAMES)"; \
	else echo "no GeoNames file at $(GEONAMES): commute distances stay unknown (see README)"; fi
	$(BIN)/jobmatch serve

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks migrations

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

openapi: $(VENV)/.installed
	$(BIN)/jobmatch openapi --out openapi.yaml

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

clean:
	rm -rf $(VENV) build dist src/*.egg-info
