# Zhibiao: `make demo` starts the platform with demo data; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_DATA_DIR ?= $(CURDIR)/var/test
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install frontend demo test test-backend test-frontend clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU wheel of torch 2.13.0 first, so the open requirement below installs nothing bigger.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

frontend/dist/index.html: $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts -type f 2>/dev/null)
	@if [ -f frontend/package.json ]; then cd frontend && npm ci --no-audit --no-fund && npm run build; fi

frontend: frontend/dist/index.html

demo: install frontend
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py rundemo --port $(PORT)

test-frontend: frontend
	@if [ -f frontend/package.json ]; then cd frontend && npm test; fi

test-backend: install frontend
	rm -rf $(TEST_DATA_DIR) && mkdir -p $(TEST_DATA_DIR)
	DATA_DIR=$(TEST_DATA_DIR) $(PY) -m pytest

test: test-frontend test-backend

clean:
	rm -rf var frontend/dist
