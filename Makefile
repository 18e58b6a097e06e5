# The two commands of the README: `make run` and `make test`. Both bootstrap everything themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8501

.PHONY: setup run test bench lint chromium demo-data clean

setup: $(STAMP) chromium

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian's chromium drives the browser tests (never a downloaded browser).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "Chromium est absent : installez-le avec « sudo apt-get install chromium » (requis pour les tests navigateur)."; exit 1; fi; \
	echo "Installation de chromium (Debian)…"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

run: setup
	$(BIN)/streamlit run serve.py --server.port $(PORT)

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

demo-data: setup
	$(BIN)/python -m geodata.demo

clean:
	rm -rf $(VENV) .cache artifacts
