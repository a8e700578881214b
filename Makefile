# ree-tracker: `make run` and `make test` do all the set-up on a machine with only Python 3.11.
# Settings come from the environment (REE_WAREHOUSE, REE_LANDING_DIR, REE_PUBLISH_DIR);
# their defaults live in orchestration/settings.py, the one place they are read.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)

export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: install run test test-fast defs-check lint format dev manifest docs bench clean

install: $(INSTALLED)

# Exact versions from requirements.lock (what CI tested), then the project itself. uv
# installs the same pins as pip, in parallel: about 10 s here against pip's 45 s; where uv
# cannot be had, pip does it. Both write the packages' bytecode at install (pip always does,
# uv when asked): where PYTHONDONTWRITEBYTECODE is set, as on CI here, Python never writes it
# later, and every process would compile dagster, dbt and GE from source again (measured
# here: `dbt --version` 10.5 s of CPU without, 4.1 s with; the imports of a pipeline run
# 12-17 s without, 7-8 s with).
UV := uv==0.13.9
$(INSTALLED): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "ree-tracker needs Python 3.11, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if $(BIN)/python -m pip install --quiet $(UV); then \
	    $(BIN)/python -m uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock && \
	    $(BIN)/python -m uv pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
	    $(BIN)/python -m pip install --quiet -r requirements.lock && \
	    $(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
	touch $@

$(DAGSTER_HOME)/dagster.yaml: config/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp config/dagster.yaml $@

# dagster-dbt loads the dbt manifest; re-parse whenever a dbt file changes.
$(MANIFEST): $(INSTALLED) $(DBT_SOURCES)
	$(BIN)/python -c 'import subprocess, sys; from orchestration import settings; from orchestration.transform.project import dbt_parse_args; sys.exit(subprocess.run([str(settings.dbt_executable()), *dbt_parse_args()], env=settings.dbt_env()).returncode)'
	touch $@

manifest: $(MANIFEST)

## run: materialize every asset on the landing folder's data and publish the marts
run: $(INSTALLED) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/ree-tracker run

## test: lint, `dg check defs`, then every test (pytest runs dbt build and the GE suites on
## temp warehouses): on both cores (pytest-xdist; tests/conftest.py keeps the readers of the
## shared pipeline run on one worker, so it is built once), then the browser tests alone,
## since a browser waiting on the webserver must not be slowed by tests beside it.
## --no-loadscope-reorder hands out the groups in file order, the two longest (tests/end_to_end)
## first, one to each worker; xdist's default order (most tests first) left them to the end,
## so one worker ran both while the other had finished (512 s against 444 s)
test: $(INSTALLED) $(MANIFEST) lint defs-check
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -m "not serial"
	$(BIN)/python -m pytest -m serial

## test-fast: lint and the unit tests that need no dbt build, for the edit-test loop (< 2 min)
test-fast: $(INSTALLED) $(MANIFEST) lint
	$(BIN)/python -m pytest -n 2 tests/unit -m "not slow" -q

## defs-check: Dagster's `dg check defs` loads the code location as the UI does
defs-check: $(INSTALLED) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs

lint: $(INSTALLED) $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && REE_WAREHOUSE=$$(mktemp -d)/lint.duckdb ../$(BIN)/sqlfluff lint --processes 0 models tests/singular

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	cd dbt_project && REE_WAREHOUSE=$$(mktemp -d)/lint.duckdb ../$(BIN)/sqlfluff fix models tests/singular

## dev: the Dagster UI on http://localhost:3000
dev: $(INSTALLED) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml

## docs: dbt's documentation site (every model and column with its description and unit, the
## lineage graph, and column types read from the built warehouse REE_WAREHOUSE, which
## `make run` builds; dbt opens it for writing, so not while a pipeline run is under way)
docs: $(INSTALLED) $(MANIFEST)
	@warehouse="$$($(BIN)/python -c 'from orchestration import settings; print(settings.warehouse_path())')"; \
	test -f "$$warehouse" || { echo "make docs: no warehouse at $$warehouse: run 'make run' first, or set REE_WAREHOUSE to a built one" >&2; exit 1; }; \
	cd dbt_project && REE_WAREHOUSE="$$warehouse" ../$(BIN)/dbt docs generate --static --project-dir . --profiles-dir .
	@echo "dbt docs: open dbt_project/target/static_index.html in a browser (one file, no server),"
	@echo "or serve the folder: $(BIN)/python -m http.server --directory dbt_project/target 8080"

## motherduck: build the models in MotherDuck from the tables landed in the local warehouse
## (after `make run`; needs MOTHERDUCK_TOKEN and network access; REE_MOTHERDUCK_DATABASE names
## the database, default ree_tracker)
motherduck: $(INSTALLED)
	REE_DBT_TARGET=motherduck $(BIN)/python -c 'import subprocess, sys; from orchestration import settings; from orchestration.transform.project import dbt_command; sys.exit(subprocess.run(dbt_command("build", "--target-path", "target/motherduck"), env=settings.dbt_env()).returncode)'

# GENERATED GACC lines and months for the pipeline benchmark (issue 6).
ROWS ?= 10000000
MONTHS ?= 120

## bench: benchmarks (never timed tests); the news extractor runs pinned to one core, then the
## pipeline against DuckDB alone on ROWS generated lines (data/bench/results.json)
bench: $(INSTALLED) $(MANIFEST)
	taskset -c 0 $(BIN)/python -m benchmarks.bench_news_extract
	$(BIN)/python -m benchmarks.pipeline --rows $(ROWS) --months $(MONTHS)

clean:
	rm -rf dbt_project/target dbt_project/logs .lint.duckdb
