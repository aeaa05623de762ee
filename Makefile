# The two commands of the README: `make site` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: site test bench notebooks-env system-deps clean

site: $(STAMP)
	$(BIN)/litreview build

test: $(STAMP) system-deps
	$(BIN)/ruff check litreview tests benchmarks docs/conf.py
	$(BIN)/litreview bib --check
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# JupyterLab and papermill, for people who open the notebooks interactively.
notebooks-env: $(STAMP)
	$(BIN)/pip install --quiet -e ".[docs,test,notebooks]"

system-deps:
	bash .ci/system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip install --quiet -e ".[docs,test]"
	touch $@

clean:
	rm -rf build docs/_build docs/_generated
