# The two commands of the README: `make site` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# The site's checkers, driven by the tests: npm packages, pinned, kept inside .venv (html-validate 9
# runs on Debian 12's Node 18 as well as on Node 20).
NPM_TOOLS := axe-core@4.14.1 html-validate@9.7.1
NPM_STAMP := $(VENV)/npm/.installed-$(shell echo $(NPM_TOOLS) | cksum | cut -d' ' -f1)

.PHONY: site test bench notebooks-env system-deps clean

site: $(STAMP)
	$(BIN)/litreview build

test: $(STAMP) system-deps $(NPM_STAMP)
	$(BIN)/ruff check litreview tests benchmarks docs/conf.py
	$(BIN)/litreview bib --check
	$(BIN)/python -m pytest -n auto --dist loadfile  # one worker per core; a test file stays on one worker

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

$(NPM_STAMP): | $(BIN)/python system-deps
	rm -f $(VENV)/npm/.installed-*
	npm install --prefix $(VENV)/npm --no-audit --no-fund --loglevel=error $(NPM_TOOLS)
	touch $@

clean:
	rm -rf build docs/_build docs/_generated
