# News archive: `make run` serves the archive with the seed stories; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 3
N      ?= 100000
STAMP  := $(VENV)/.installed

.PHONY: help install run serve migrate seed test lint format bench clean

help:
	@echo "make run    set up .venv, migrate, import fixtures/stories and serve on http://$(HOST):$(PORT)/ (with the import worker)"
	@echo "make test   run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)"
	@echo "make bench  run the benchmarks (N=$(N) stories)"
	@echo "make lint   ruff check and format check"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -c "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(d['dependencies'] + sum(d['optional-dependencies'].values(), [])))" > $(VENV)/requirements.txt
	$(BIN)/python -m pip install --quiet -r $(VENV)/requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py import_articles fixtures/stories/
	$(BIN)/python manage.py rebuild_index --no-progress

# The import worker (uploads) runs beside gunicorn and stops with it: Ctrl-C reaches both,
# and the shell's exit trap stops the worker whatever ended gunicorn.
run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving the archive on http://$(HOST):$(PORT)/ with an import worker for uploads (Ctrl-C to stop)"
	$(BIN)/python manage.py import_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/gunicorn archive.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --timeout 300 --access-logfile - --graceful-timeout 10

# axe-core for the accessibility checks of the browser tests (package.json, pinned by the
# lock file); without npm those checks are skipped with the reason.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; else echo "NOTE: npm not found: the accessibility checks (axe-core) will be SKIPPED. Install it with: apt-get install nodejs npm"; fi

test: $(STAMP) node_modules/.package-lock.json
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium not found: the browser tests (-m browser) will be SKIPPED. Install it with: apt-get install chromium chromium-driver"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run --n $(N)

clean:
	rm -rf $(VENV) var/index var/static .pytest_cache node_modules
