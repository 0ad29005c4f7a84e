# Cairn: the two README commands (make demo, make test) and a few helpers.
SHELL := /bin/bash
# Evaluated at each use, so a uv installed by the `uv` target below is found.
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_LINK_MODE ?= copy

.PHONY: demo test test-fast lint bench install uv serve migrate clean vendor-assets screenshots

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { \
		echo "uv not found: installing it with pip"; \
		python3 -m pip install --quiet --user uv 2>/dev/null \
		|| python3 -m pip install --quiet uv 2>/dev/null \
		|| python3 -m pip install --quiet --user --break-system-packages uv; }

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on the shared dev machine)
# every Python process, test worker and subprocess compiled the libraries from source each
# time: about 4.5 s of CPU per process, 21 of the 49 s of CPU the production-settings and
# error-page tests (subprocess-heavy) took. uv writes the .pyc files once; later syncs keep
# them (about 2 s).
install: uv
	@$(UV) sync --locked --compile-bytecode

migrate: install
	@$(UV) run python manage.py migrate --noinput

## make demo: install, migrate SQLite, load the synthetic demo hub, serve on http://$(HOST):$(PORT)
## (another port: PORT=8001 make demo)
demo: migrate
	@$(UV) run python manage.py demo_data --if-empty
	@CAIRN_BASE_URL=http://$(HOST):$(PORT) $(UV) run python manage.py demo_logins
	@echo "Serving Cairn on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@CAIRN_BASE_URL=http://$(HOST):$(PORT) $(UV) run python manage.py runserver --noreload $(HOST):$(PORT)

# The tests' own bytecode: with PYTHONDONTWRITEBYTECODE set, every test process (each xdist
# worker, and each subprocess the production-settings, error-page and resilience tests
# start) compiled Cairn's modules again, and pytest rewrote every test module's asserts
# again (measured at load 5-7, noisy: about 1 s of CPU per Django subprocess, 2-13 s per
# worker collecting the suite). Unset here only, the .pyc files go to the checkout's
# (ignored) __pycache__ directories and are reused while the source is unchanged.
TEST_ENV = PYTHONDONTWRITEBYTECODE=

## make test: lint, type-check and the full suite (browser tests need /usr/bin/chromium)
test: install
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .
	@$(UV) run mypy cairn
	@DATABASE_URL= $(UV) run python manage.py makemigrations --check --dry-run --settings=cairn.settings.test >/dev/null || { echo "Missing migrations: run makemigrations"; exit 1; }
	@$(TEST_ENV) $(UV) run pytest -n 2 --dist loadfile

test-fast: install
	@$(TEST_ENV) $(UV) run pytest -n 2 --dist loadfile -m "not slow"

lint: install
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .
	@$(UV) run mypy cairn

## make bench: person-search latency at scale (see bench/README.md)
bench: install
	@$(UV) run python bench/run.py $(BENCH_ARGS)

## make screenshots: regenerate docs/screenshots/ from a throwaway demo hub (needs /usr/bin/chromium)
screenshots: install
	@$(UV) run python scripts/screenshots.py

vendor-assets:
	@bash scripts/vendor-assets.sh

clean:
	rm -rf var/cairn-demo.sqlite3* var/test*.sqlite3* var/staticfiles
