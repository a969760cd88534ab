# capacity — the two commands a new user needs are `make report` and `make test`.
# Everything is installed into ./.venv from requirements/lock.txt; nothing outside the
# project folder is touched except the Jupyter kernel, registered inside the venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PARAMS ?= params/stockholm.yaml
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup report test lint format bench coverage lock sample clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name capacity --display-name "Python (capacity)"
	touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned dependencies and the 'capacity' Jupyter kernel

report: setup ## render the committee report from the sample data into reports/<run-id>/
	$(BIN)/capacity report -f $(PARAMS)

test: setup lint ## lint, then run the whole test suite
	$(BIN)/pytest -n $(JOBS)

lint: setup ## ruff lint and format check over src, tests, notebooks and benchmarks
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/ruff format --check src tests notebooks benchmarks

format: setup ## apply ruff's formatter and safe fixes
	$(BIN)/ruff check --fix src tests notebooks benchmarks
	$(BIN)/ruff format src tests notebooks benchmarks

bench: setup ## run the benchmarks and write benchmarks/RESULTS.md
	$(BIN)/python -m benchmarks.run

coverage: setup ## coverage study of the intervals on worlds that break the assumptions (~30 min)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(BIN)/python -m capacity.coverage --seeds 20 --jobs $(JOBS) --out docs/methods/coverage.md

sample: setup ## regenerate the synthetic sample in data/sample
	$(BIN)/capacity synth data/sample --seed 20261128 --sample

lock: ## re-resolve the newest allowed versions into requirements/lock.txt
	rm -rf /tmp/capacity-lock && $(PYTHON) -m venv /tmp/capacity-lock
	/tmp/capacity-lock/bin/pip install --quiet --upgrade pip
	/tmp/capacity-lock/bin/pip install --quiet ".[dev]"
	{ echo "# Exact pins for the capacity environment (Python 3.11). Regenerate with 'make lock'."; \
	  /tmp/capacity-lock/bin/pip freeze --exclude capacity; } > requirements/lock.txt

clean: ## remove the venv and rendered reports (data is never touched)
	rm -rf $(VENV) reports/*/ .pytest_cache .ruff_cache
