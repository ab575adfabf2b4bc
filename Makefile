# Planning Workbench: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8866
VENV := .venv
PY := $(VENV)/bin/python
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
# Kernels started by Voilà and nbval must be this environment's Python.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
# Install compiled bytecode: every dashboard starts a new kernel, and where Python may not write
# .pyc files (PYTHONDONTWRITEBYTECODE, a read-only install) each one compiled pandas, plotly and
# SQLAlchemy from source again: 1.4 s of a kernel's start (issue 7). Our own package likewise.
export UV_COMPILE_BYTECODE := 1
COMPILE = $(PY) -m compileall -q workbench >/dev/null

.PHONY: run serve-team hub hub-env hub-proxy test bench env test-env uv sample screenshots plotly-bundle frontend clean help

help:
	@echo "make run    serve the dashboards on http://127.0.0.1:$(PORT) (sets up .venv if needed)"
	@echo "make serve-team HOST=10.0.0.5  serve the team on that address, with a token (README)"
	@echo "make hub WORKBENCH_DB=postgresql://...  a JupyterHub for the team: everyone signs in (README)"
	@echo "make test   set up .venv with the test extras and run every test"
	@echo "make test PYTEST_ARGS='-m \"not slow\"'  the same without the slowest tests"
	@echo "make bench  run the benchmarks and print a table"
	@echo "make sample regenerate the bundled sample data in data/"
	@echo "make screenshots  retake the README screenshots in a real browser"
	@echo "make plotly-bundle  rebuild the pages' plotly.js after upgrading plotly (needs npm)"
	@echo "make frontend  rebuild the pages' front end after upgrading ipywidgets (needs npm)"

# uv installs this stack in about 2 s; pip brings uv itself when the machine lacks it.
uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv

# `uv sync` does nothing when the environment already matches uv.lock.
env: uv
	@$(UV) sync --locked --quiet --inexact
	@$(COMPILE)

# the tests start a JupyterHub too (tests/hub): its extra and its proxy
test-env: uv hub-proxy
	@$(UV) sync --locked --quiet --extra test --extra hub
	@$(COMPILE)

run: env
	$(PY) -m workbench.serve --port $(PORT)

# HOST must be given on the command line (an inherited HOST, e.g. tcsh's hostname, is not a
# stated address); without it the server refuses to start. The token: WORKBENCH_TOKEN, else a
# random one printed once with the URL.
serve-team: env
	$(PY) -m workbench.serve --team --host="$(if $(filter command line,$(origin HOST)),$(HOST))" --port $(PORT)

# A JupyterHub for the team on this machine (tools/hub/jupyterhub_config.py says what it reads):
# everyone signs in, each gets a server of their own, all share the store in WORKBENCH_DB
# (refused without one). Its proxy, configurable-http-proxy, comes from npm (tools/hub).
hub-env: uv
	@$(UV) sync --locked --quiet --inexact --extra hub
	@$(COMPILE)

hub-proxy:
	@[ -x tools/hub/node_modules/.bin/configurable-http-proxy ] || \
		npm ci --prefix tools/hub --no-audit --no-fund --loglevel=error

hub: hub-env hub-proxy
	@$(PY) -m workbench.runtime.hub --check-store
	$(VENV)/bin/jupyterhub -f tools/hub/jupyterhub_config.py

# Ruff first (pyflakes, pycodestyle at 100 columns): a second, and it names the line. Then the
# tests on every core (pytest-xdist), a test file per worker: a file's tests share its server
# and browser. PYTEST_ARGS="-n 0" runs them in one process.
test: test-env
	$(PY) -m ruff check --quiet .
	$(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider \
		-n auto --dist loadfile $(PYTEST_ARGS)

bench: uv
	@$(UV) sync --locked --quiet --extra test --extra bench
	@$(COMPILE)
	$(PY) -m benchmarks

sample: env
	$(PY) -m workbench.sample --out data/

screenshots: test-env
	$(PY) tools/screenshots.py

# The pages' plotly.js: only the trace kinds the charts draw (tools/plotly_bundle/build.sh).
plotly-bundle:
	tools/plotly_bundle/build.sh

frontend:
	tools/frontend/build.sh

clean:
	rm -rf $(VENV) .pytest_cache
