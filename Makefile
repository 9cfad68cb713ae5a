# Community Relations Desk: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A developer's machine runs with DEBUG on; production sets DJANGO_DEBUG=false itself.
export DJANGO_DEBUG ?= true

.PHONY: run test install messages lint format bench clean-db

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=python3.11).")'
	$(PYTHON) -m venv $(VENV) || { echo "Could not create .venv: on Debian, install python3-venv (apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Compiled translations (.mo) are built from the .po files in locale/, never committed.
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext) for the Spanish pages."; exit 1; }
	$(BIN)/python manage.py compilemessages --ignore '.venv/*' -v0

run: messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (demo users: see README.md). Ctrl-C stops it."
	@# The task worker (PDFs, email, imports) and the hourly notification sweep run beside
	@# the web server and stop with it; the worker is started again if it exits.
	(trap 'kill $$w 2>/dev/null; exit' TERM; while :; do $(BIN)/python manage.py task_worker & w=$$!; wait $$w; sleep 2; done) & worker=$$!; \
	$(BIN)/python manage.py send_notifications --every 3600 & sweeper=$$!; \
	trap 'kill $$worker $$sweeper 2>/dev/null' EXIT INT TERM; \
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
