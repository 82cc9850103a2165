# Médiateur — the two commands of a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint conformity bench evidence bench-tools i18n clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	$(BIN)/mediator demo --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# Each requirement of the law-and-practice reference: its level, the code citing it, the tests marked with it
# (@pytest.mark.requirement); writes docs/conformity.md. CONFORMITY_ARGS=--check writes nothing and fails when
# a document is out of date (.ci/run).
conformity: $(STAMP)
	$(BIN)/python tools/conformity.py $(CONFORMITY_ARGS)

# The benchmarks drive the server with wrk and run PostgreSQL: Debian's packages, installed when missing.
BENCH_PACKAGES := wrk postgresql
bench-tools:
	@command -v wrk >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { SUDO=$$([ "$$(id -u)" -eq 0 ] || echo "sudo -n"); $$SUDO apt-get update -qq && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BENCH_PACKAGES) >/dev/null; }

# Each benchmark prints a markdown table; latest figures in bench/README.md. Together: a little over an hour.
bench: $(STAMP) bench-tools
	$(BIN)/python bench/seed_speed.py
	$(BIN)/python bench/sync_speed.py
	$(BIN)/python bench/rate_limit.py
	$(BIN)/python bench/fault_soak.py
	$(BIN)/python bench/report_speed.py
	$(BIN)/python bench/console_speed.py

# The evidence suites (issue 6), loopback only, bounded in time; figures in bench/README.md. About 10 minutes.
# Their short versions (fuzzing, database restart, backup/restore) run with `make test` in tests/evidence/.
evidence: $(STAMP) bench-tools
	$(BIN)/python bench/load_suite.py
	$(BIN)/python bench/db_restart.py
	$(BIN)/python bench/backup_drill.py

i18n: $(STAMP)
	$(BIN)/python tools/i18n.py update

clean:
	rm -rf $(VENV) var .pytest_cache
