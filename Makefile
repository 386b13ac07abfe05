# Two commands: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_UPDATED := /tmp/.dispatch-apt-updated

.PHONY: run test setup redis promtool browser vendor npm bench style types test-unit test-integration check clean

run: setup redis vendor
	$(PY) -m dispatch run

# Two workers per run, whole files per worker (a file's servers and fixtures stay
# together); the browser tests in a run of their own, after the rest (Playwright's sync API
# holds an event loop that async tests in the same process could not start beside).
test: setup redis promtool browser vendor
	$(PY) -m pytest -n 2 --dist loadfile tests/unit tests/integration
	$(PY) -m pytest -n 2 --dist loadfile tests/e2e

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(APT_UPDATED):
	$(SUDO) apt-get update -qq
	touch $(APT_UPDATED)

# Installed only when missing.
redis:
	@command -v redis-server >/dev/null || { $(MAKE) --no-print-directory $(APT_UPDATED) && \
		$(SUDO) apt-get install -y -qq redis-server >/dev/null; }

# promtool checks the /metrics expositions in tests/integration/test_metrics.py.
promtool:
	@command -v promtool >/dev/null || { $(MAKE) --no-print-directory $(APT_UPDATED) && \
		$(SUDO) apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }

browser:
	@command -v chromium >/dev/null || { $(MAKE) --no-print-directory $(APT_UPDATED) && \
		$(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@fc-list 2>/dev/null | grep -qiE 'wenquanyi|noto sans cjk' || { $(MAKE) --no-print-directory $(APT_UPDATED) && \
		$(SUDO) apt-get install -y -qq fonts-wqy-microhei >/dev/null; }

# Leaflet for the consoles' maps, Swagger UI and ReDoc for /docs and /redoc (a police
# network is offline: nothing may load from a CDN), from the npm registry, copied into
# the package once.
LEAFLET_VERSION := 1.9.4
LEAFLET_DIR := dispatch/static/vendor/leaflet
SWAGGER_UI_VERSION := 5.35.0
SWAGGER_UI_DIR := dispatch/static/vendor/swagger-ui
REDOC_VERSION := 2.5.4
REDOC_DIR := dispatch/static/vendor/redoc

vendor: $(LEAFLET_DIR)/leaflet.js $(SWAGGER_UI_DIR)/swagger-ui-bundle.js $(REDOC_DIR)/redoc.standalone.js

npm:
	@command -v npm >/dev/null || { $(MAKE) --no-print-directory $(APT_UPDATED) && \
		$(SUDO) apt-get install -y -qq npm >/dev/null; }

$(LEAFLET_DIR)/leaflet.js: | npm
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		(cd "$$tmp" && npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null && tar -xzf leaflet-*.tgz) && \
		mkdir -p $(LEAFLET_DIR) && cp -R "$$tmp"/package/dist/. $(LEAFLET_DIR)/ && \
		cp "$$tmp"/package/LICENSE $(LEAFLET_DIR)/LICENSE

$(SWAGGER_UI_DIR)/swagger-ui-bundle.js: | npm
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		(cd "$$tmp" && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null && \
		 tar -xzf swagger-ui-dist-*.tgz) && \
		mkdir -p $(SWAGGER_UI_DIR) && \
		cp "$$tmp"/package/{swagger-ui.css,favicon-32x32.png,LICENSE,NOTICE} $(SWAGGER_UI_DIR)/ && \
		cp "$$tmp"/package/swagger-ui-bundle.js $(SWAGGER_UI_DIR)/

$(REDOC_DIR)/redoc.standalone.js: | npm
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		(cd "$$tmp" && npm pack --silent redoc@$(REDOC_VERSION) >/dev/null && tar -xzf redoc-*.tgz) && \
		mkdir -p $(REDOC_DIR) && cp "$$tmp"/package/LICENSE $(REDOC_DIR)/ && \
		cp "$$tmp"/package/bundles/redoc.standalone.js $(REDOC_DIR)/

bench: setup redis
	$(PY) bench/run_all.py

test-unit: setup
	$(PY) -m pytest tests/unit

test-integration: setup redis promtool
	$(PY) -m pytest tests/integration

style: setup
	$(PY) -m ruff check --fix dispatch triage geo simulators tests bench

types: setup
	$(PY) -m mypy --strict --ignore-missing-imports dispatch triage geo simulators

check: test

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
