# Strada: `make demo` runs the demo network on SQLite; `make test` runs every check and test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: demo test lint typecheck migrations-check pytest pytest-postgres bench lock messages clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Strada needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

DEMO_ENV := STRADA_DEBUG=1 STRADA_REQUIRE_MFA=0

# The demo: build (or top up) the fictional network, then serve it with a background worker for
# long imports; Ctrl+C stops both.
demo: $(STAMP)
	$(DEMO_ENV) $(BIN)/strada demo
	@echo "Strada runs at http://127.0.0.1:$(PORT)/ (Ctrl+C stops it; the task worker logs to var/worker.log)."
	@$(DEMO_ENV) $(BIN)/strada db_worker >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/strada runserver 127.0.0.1:$(PORT)

test: $(STAMP) lint typecheck migrations-check pytest pytest-postgres

lint: $(STAMP)
	$(BIN)/ruff check strada bench
	$(BIN)/ruff format --check strada bench

typecheck: $(STAMP)
	STRADA_TESTING=1 $(BIN)/mypy strada bench

migrations-check: $(STAMP)
	STRADA_TESTING=1 STRADA_DATA_DIR=$(CURDIR)/var/test $(BIN)/strada makemigrations --check --dry-run

# pytest exits 5 when it collected no test: that is a broken test run, never a pass.
NO_TESTS = { rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): check testpaths and markers" >&2; fi; exit $$rc; }

pytest: $(STAMP)
	@echo "== tests on SQLite =="
	STRADA_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n 2 -q --durations=15 || $(NO_TESTS)

# PostgreSQL: set STRADA_TEST_POSTGRES_URL (.ci/run starts a server and sets it).
pytest-postgres: $(STAMP)
	@if [ -n "$$STRADA_TEST_POSTGRES_URL" ]; then \
		echo "== tests on PostgreSQL =="; \
		DATABASE_URL="$$STRADA_TEST_POSTGRES_URL" STRADA_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n 2 -q --durations=15 || $(NO_TESTS); \
	else \
		echo "== PostgreSQL tests skipped: STRADA_TEST_POSTGRES_URL is not set (bash .ci/run sets it) =="; \
	fi

bench: $(STAMP)
	$(BIN)/python -m bench

messages: $(STAMP)
	cd strada && ../$(BIN)/strada makemessages -l uk -l ro --no-obsolete && ../$(BIN)/strada compilemessages

lock:
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var/test
