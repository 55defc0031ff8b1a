# The two commands a new user needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The [ftm] extra builds PyICU from source, against the ICU headers system-deps installs.
FTM_STAMP := $(VENV)/.installed-ftm

.PHONY: demo test test-fast check bench lock clean system-deps

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,spark,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/unaccounted demo --dir demo-workspace

# System packages pip cannot give (headless Chromium for the HTML report's browser test,
# a Java runtime for the Spark linkage engine).
system-deps:
	bash scripts/system-deps.sh

$(FTM_STAMP): $(STAMP)
	bash scripts/system-deps.sh
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[ftm]'
	touch $(FTM_STAMP)

test: $(FTM_STAMP) system-deps
	$(BIN)/python -m pytest

test-fast: $(FTM_STAMP)
	$(BIN)/python -m pytest -m "not slow"

check: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# The benchmarks' baselines need the [bench] extra (natasha for bench/names.py).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/run.py

# Re-resolve the pinned versions in constraints.txt (needs network access to PyPI).
lock:
	$(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile pyproject.toml --all-extras --python-version 3.11 -o constraints.txt

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache .mypy_cache .ruff_cache
