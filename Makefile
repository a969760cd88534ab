# capacity — the two commands a new user needs are `make report` and `make test`.
# Everything is installed into ./.venv from hash-pinned locks: requirements/runtime.txt for
# reports (make report), requirements/dev.txt adds tests, lint and benchmarks (make test).
# Nothing outside the project folder is touched except the Jupyter kernel, registered
# inside the venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK     := requirements/dev.txt
RUNTIME := $(VENV)/.runtime-installed
DEV     := $(VENV)/.dev-installed
PARAMS ?= params/stockholm.yaml
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup runtime report test test-fast golden lint format bench coverage lock sample clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml $(RUNTIME_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(RUNTIME_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name capacity --display-name "Python (capacity)"
	touch $@

$(DEV): $(RUNTIME) $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	touch $@

runtime: $(RUNTIME) ## create .venv with the pinned runtime dependencies and the 'capacity' kernel

setup: $(DEV) ## the same plus the development tools (pytest, ruff, hypothesis, pypdf)

report: runtime ## render the committee report from the sample data into reports/<run-id>/
	$(BIN)/capacity report -f $(PARAMS)

test: setup lint ## lint, then the whole test suite (with the hygiene checks of .pre-commit-config.yaml)
	$(BIN)/pytest -n $(JOBS) --dist loadscope --no-loadscope-reorder --durations=15

test-fast: setup lint ## lint, then the suite without the slow tier (notebook runs, reports): the edit loop
	$(BIN)/pytest -n $(JOBS) -m "not slow"

golden: setup ## rewrite tests/golden/committee_key_figures.json from the sample (review the diff)
	$(BIN)/python tests/golden.py --write

lint: setup ## ruff lint and format check over src, tests, notebooks and benchmarks
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/ruff format --check src tests notebooks benchmarks

format: setup ## apply ruff's formatter and safe fixes
	$(BIN)/ruff check --fix src tests notebooks benchmarks
	$(BIN)/ruff format src tests notebooks benchmarks

bench: setup ## run the benchmarks and write benchmarks/RESULTS.md
	$(BIN)/python -m benchmarks.run

coverage: runtime ## coverage of the intervals on worlds that break the assumptions (~1.5 h)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(BIN)/python -m capacity.coverage --seeds 20 --chain --jobs $(JOBS) --out docs/methods/coverage.md

sample: runtime ## regenerate the synthetic sample in data/sample
	$(BIN)/capacity synth data/sample --seed 20261128 --sample

# uv resolves from PyPI for this Python (the newest versions the ranges in pyproject.toml
# allow) and writes every file's hash; pip then installs only files with those hashes.
LOCK_PY = $(shell $(PYTHON) -c 'import platform; print(platform.python_version())')
UV_COMPILE = /tmp/capacity-lock/bin/uv pip compile pyproject.toml --generate-hashes \
	--python-version $(LOCK_PY) --custom-compile-command "make lock" --quiet

lock: ## re-resolve the pins with hashes into requirements/runtime.txt and requirements/dev.txt
	rm -rf /tmp/capacity-lock && $(PYTHON) -m venv /tmp/capacity-lock
	/tmp/capacity-lock/bin/pip install --quiet uv
	$(UV_COMPILE) -o $(RUNTIME_LOCK)
	$(UV_COMPILE) --extra dev -c $(RUNTIME_LOCK) -o $(DEV_LOCK)

clean: ## remove the venv, rendered reports and caches (data is never touched)
	rm -rf $(VENV) reports/*/ .cache .pytest_cache .ruff_cache
