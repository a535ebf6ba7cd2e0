# heaplab — every target is one cargo / heaplab command. `make help` lists them.
CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# Every binary of the workspace in one build (`--workspace`: one feature set, so heaplab
# and the bench binaries share their libraries), then heaplab itself.
BUILD := $(CARGO) build --workspace --bins --bench time --bench instructions
HEAPLAB := $(BUILD) --release && $(TARGET_DIR)/release/heaplab

.DEFAULT_GOAL := help
.PHONY: help bench bench-quick report claims list plan exercises baseline regress test lint-python

# CPython interpreters for the references, e.g. PYTHONS="python3.11 python3.12 python3.13": the
# first is measured in full, each further one for what the claims ledger cites. Default: python3.
PYTHONS ?=
PYTHON_ARGS := $(foreach p,$(PYTHONS),--python $(p))

# ruff, for the CPython references: installed at this exact version into
# target/tools (never system-wide) by the first `make test`.
RUFF_VERSION := 0.14.6
RUFF_HOME := target/tools/ruff-$(RUFF_VERSION)
RUFF := $(RUFF_HOME)/bin/ruff
PYTHON_FILES := harness/python $(wildcard labs/*/python) $(wildcard labs/*/solutions/*.py)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

bench: ## Measure every lab (heap, time, instructions, CPython): results/latest.json + results/REPORT.md
	$(HEAPLAB) bench $(PYTHON_ARGS)

bench-quick: ## The same with sizes up to 10 000 and short timings, into results/quick/ (students; about a minute)
	$(HEAPLAB) bench --quick --out results/quick $(PYTHON_ARGS)

report: ## Regenerate results/REPORT.md, plots and the READMEs' figures from results/latest.json
	$(HEAPLAB) report

claims: ## The claims ledger of results/latest.json: each tutorial claim's verdict per CPython
	$(HEAPLAB) claims

list: ## List labs, cases and sizes
	$(HEAPLAB) list

plan: ## Expected time of the next full run, per lab and family, from the last run (budget 10 min)
	$(HEAPLAB) plan

exercises: ## Students: every exercise with its state (then `heaplab exercise watch`, or `check ID`)
	$(HEAPLAB) exercise list

baseline: ## Measure (quick sizes) and save results/baseline.json, the regression baseline
	$(HEAPLAB) baseline save $(PYTHON_ARGS)

regress: ## Measure (quick sizes) and compare with results/baseline.json; fails on a regression (heaplab exits 3)
	$(HEAPLAB) regress $(PYTHON_ARGS)

$(RUFF):
	python3 -m venv $(RUFF_HOME)
	$(RUFF_HOME)/bin/pip install --quiet --disable-pip-version-check ruff==$(RUFF_VERSION)

lint-python: $(RUFF) ## Lint and format-check the CPython references with ruff
	$(RUFF) check --config harness/python/ruff.toml $(PYTHON_FILES)
	$(RUFF) format --check --config harness/python/ruff.toml $(PYTHON_FILES)

# The smoke run measures the optimised build, as `make bench` does (one release build of every
# binary; a debug smoke run's valgrind passes are too slow for its limits' self-test).
test: lint-python ## What CI runs: format, lints (Rust and Python), unit + doc tests, and an end-to-end smoke run
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	$(HEAPLAB) smoke
