# Community Relations Desk: the two commands are `make run` and `make test`.
# The newest Python from 3.11 to 3.13 on the PATH, unless one is given (make PYTHON=python3.11).
PYTHON ?= $(shell for v in 3.13 3.12 3.11; do python$$v -c '' >/dev/null 2>&1 && { echo python$$v; exit 0; }; done; echo python3)
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# A developer's machine runs with DEBUG on; production sets DJANGO_DEBUG=false itself.
export DJANGO_DEBUG ?= true

.PHONY: run test install lock messages lint format bench clean-db

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "Python 3.11, 3.12 or 3.13 is required (set PYTHON=python3.13, for example).")'
	$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian, install python3-venv (apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the versions in requirements-dev.lock (the application's requirements.lock and the
# tools to test it), each file checked against its hash.
$(VENV)/.installed: $(BIN)/python requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Refresh the lock files from the ranges in pyproject.toml: the newest versions they allow,
# one set for Python 3.11 to 3.13 (markers where they differ), every file's hash. The
# servers install requirements.lock (the application alone), held to the same versions.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(LOCK) --upgrade --extra dev --output-file requirements-dev.lock
	$(LOCK) --upgrade --constraint requirements-dev.lock --output-file requirements.lock

# Compiled translations (.mo) are built from the .po files in locale/, never committed.
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext) for the Spanish pages."; exit 1; }
	$(BIN)/python manage.py compilemessages --ignore '.venv*' -v0

run: messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (demo users: see README.md). Ctrl-C stops it."
	@# A task worker for each queue (core/queues.py: email, PDFs and imports) and the hourly
	@# notification sweep run beside the web server and stop with it; a worker that exits
	@# is started again.
	(trap 'kill $$w 2>/dev/null; exit' TERM; while :; do $(BIN)/python manage.py task_worker --queue-name default & w=$$!; wait $$w; sleep 2; done) & worker=$$!; \
	(trap 'kill $$w 2>/dev/null; exit' TERM; while :; do $(BIN)/python manage.py task_worker --queue-name documents & w=$$!; wait $$w; sleep 2; done) & documents=$$!; \
	$(BIN)/python manage.py send_notifications --every 3600 & sweeper=$$!; \
	trap 'kill $$worker $$documents $$sweeper 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Static security analysis of the application (tests and benchmarks excluded).
	$(BIN)/bandit -q -c pyproject.toml -r . 2>/dev/null

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint messages
	$(BIN)/python manage.py makemigrations --check --dry-run
	@# Two workers: this machine (and CI's) has two cores; each gets its own test database.
	$(BIN)/pytest -n 2

# A large department's decade served as in production, with one table of figures
# (docs/PERFORMANCE.md). Needs PostgreSQL at 127.0.0.1:5432 or BENCH_DATABASE_URL.
bench: messages
	$(BIN)/python bench/run.py

clean-db:
	rm -rf .data/postgres
