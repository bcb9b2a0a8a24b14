# govthemes: every target sets itself up on a fresh machine (virtual environment, install).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SHARED ?= ../shared
RAW ?= data/raw
PROCESSED ?= data/processed

.PHONY: install label segment test lint bench evaluate-segments clean-processed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## The main job: data/raw -> data/processed (clauses, with their manifest).
label: $(STAMP)
	$(BIN)/govthemes segment $(RAW) -o $(PROCESSED)/clauses.parquet

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests

evaluate-segments: $(STAMP)
	$(BIN)/govthemes evaluate-segments $(SHARED)/corpora/statements

bench: $(STAMP)
	$(BIN)/govthemes bench --sizes 10,50 --workers 1,2

clean-processed:
	rm -rf $(PROCESSED)/clauses.* 
