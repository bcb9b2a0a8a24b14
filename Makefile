# govthemes: every target sets itself up on a fresh machine (virtual environment, install).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
SHARED ?= ../shared
RAW ?= data/raw
PROCESSED ?= data/processed

MODEL ?= models/default

.PHONY: install label train train-cleaner evaluate report test lint bench evaluate-segments clean-processed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## The main job: data/raw -> data/processed (clauses with themes, and a manifest), with the
## committed default model. Needs nothing outside the repository.
label: $(STAMP)
	$(BIN)/govthemes label $(RAW) -o $(PROCESSED)/clauses.parquet --model $(MODEL)

## Rebuild the default model from the shared corpora and data/processed/annotations
## (grouped cross-validation figures go into its model card). Stops when the shared corpora
## are missing (see pipeline/config.py); ALLOW_PARTIAL=1 trains on what is present.
PARTIAL := $(if $(ALLOW_PARTIAL),--allow-partial)
train: $(STAMP)
	$(BIN)/govthemes train -o $(MODEL) $(PARTIAL)

## The new-source tests (everything else -> statements2, -> statements3), then grouped
## cross-validation of the model and both baselines over all data; after `make train`, also the
## previous model's settings on the clauses it knew, with the change per theme.
evaluate: $(STAMP)
	$(BIN)/govthemes evaluate --test $(SHARED)/corpora/statements2/clauses.jsonl $(PARTIAL) \
	  --json $(PROCESSED)/evaluation-statements2.json
	$(BIN)/govthemes evaluate --test $(SHARED)/corpora/statements3/clauses.jsonl $(PARTIAL) \
	  --json $(PROCESSED)/evaluation-statements3.json
	$(BIN)/govthemes evaluate --json $(PROCESSED)/evaluation.json $(PARTIAL) \
	  $(if $(wildcard $(MODEL)/previous.json),--previous $(MODEL)/previous.json)

report: $(STAMP)
	$(BIN)/govthemes report $(PROCESSED)/clauses.parquet -o $(PROCESSED)/report.html --model $(MODEL)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests

## Clean + segment the three gold statement corpora, each page by a line model that never saw its
## site (leave-site-out folds): clause P/R/F1, content recovered, boilerplate leaked, per corpus,
## batch and language, and the errors by kind.
evaluate-segments: $(STAMP)
	$(BIN)/govthemes evaluate-segments --cv 5 --errors $(SHARED)/corpora/statements $(SHARED)/corpora/statements2 \
	  $(SHARED)/corpora/statements3

## Rebuild the cleaner's line model (models/cleaner/line_model.json, JSON, with MODEL_CARD.md and
## its leave-site-out figures) from every line of the gold statement pages.
train-cleaner: $(STAMP)
	$(BIN)/govthemes train-cleaner $(SHARED)/corpora/statements $(SHARED)/corpora/statements2 \
	  $(SHARED)/corpora/statements3

bench: $(STAMP)
	$(BIN)/govthemes bench --sizes 10,50 --workers 2 --json bench/out/bench.json

clean-processed:
	rm -rf $(PROCESSED)/clauses.* 
