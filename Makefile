# The two commands of the README: `make run` and `make test`. Both bootstrap everything themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx
PORT ?= 8501
WORKERS ?= $(shell nproc)
BASE_PORT ?= 8601

.PHONY: setup run serve test bench lint chromium postgresql nginx fonts demo-data clean

setup: $(STAMP) chromium postgresql nginx fonts

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

# Debian's PostgreSQL: the store's tests run on SQLite and on a throwaway PostgreSQL server.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "PostgreSQL est absent : installez-le avec « sudo apt-get install postgresql » (requis pour les tests du magasin)."; exit 1; fi; \
	echo "Installation de postgresql (Debian)…"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null

# Debian's nginx: the reverse proxy of the load benchmark and of its test (several server
# processes behind sticky sessions, as in the README). The benchmark starts its own unprivileged
# nginx in a temporary folder; it never uses the system service.
nginx:
	@if [ -x "$(NGINX)" ] || command -v nginx >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "nginx est absent : installez-le avec « sudo apt-get install nginx » (requis pour la mesure de charge et son test)."; exit 1; fi; \
	echo "Installation de nginx (Debian)…"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null

# Debian's colour emoji font: texts typed in the dashboard may hold emoji, which the PDF fiches
# (Typst) draw with the fonts of the machine. Without it, an emoji prints as an empty box.
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
fonts:
	@if [ -f "$(EMOJI_FONT)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "Police des émojis absente : installez-la avec « sudo apt-get install fonts-noto-color-emoji » (sinon un émoji s'imprime comme une case vide dans les fiches PDF)."; exit 0; fi; \
	echo "Installation de fonts-noto-color-emoji (Debian)…"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-noto-color-emoji >/dev/null

run: setup
	$(BIN)/streamlit run serve.py --server.port $(PORT)

# One server process per core on BASE_PORT, BASE_PORT+1… (loopback), to put behind a reverse
# proxy with sticky sessions (README). Set COTATION_DATABASE_URL for servers on several machines.
serve: setup
	@trap 'kill 0' INT TERM; \
	for i in $$(seq 0 $$(($(WORKERS) - 1))); do \
		port=$$(($(BASE_PORT) + i)); echo "Serveur $$((i + 1)) sur 127.0.0.1:$$port"; \
		$(BIN)/streamlit run serve.py --server.port $$port --server.address 127.0.0.1 & \
	done; wait

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
