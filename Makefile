# One entry point for people and CI: `make demo` runs the main job, `make test` the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo ballots test lint format bench fuzz readme cases findings clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("sdo-sim needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dashboard]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	for scenario in scenarios/baselines/*.yaml; do \
	  $(BIN)/sdo-sim run $$scenario --out out/$$(basename $$scenario .yaml) --force || exit 1; \
	done

ballots: $(STAMP)
	$(BIN)/sdo-sim tally examples/all-procedures.json --format table

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks experiments
	$(BIN)/ruff format --check src tests benchmarks experiments

test: lint
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treating that as a failure" >&2; fi; \
	exit $$rc

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks experiments
	$(BIN)/ruff check --fix src tests benchmarks experiments

# The full fuzz run of the command line (tests/fuzz): 10,000 mutations per test, about 20 min; `make test`
# runs a fixed-seed slice of 300. `python -m tests.fuzz.survey --examples N` lists every failure class.
fuzz: $(STAMP)
	SDO_SIM_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider

# Benchmarks measure, they do not gate: all three always run, and each says whether its floors were met
# (a loaded machine may miss them; rerun on an idle one before recording figures).
bench: $(STAMP)
	-$(BIN)/python benchmarks/bench_rules.py --readme
	-$(BIN)/python benchmarks/bench_model.py --readme
	-$(BIN)/python benchmarks/bench_sweep.py --readme
	-$(BIN)/python benchmarks/bench_sobol.py --readme

calibrate: $(STAMP) ; for s in scenarios/baselines/*.yaml; do $(BIN)/sdo-sim calibrate $$s --seeds 10 || exit 1; done

# The historical cases (scenarios/cases, docs/cases.md) over the full 50 seeds; CI runs fewer (tests/cases/test_cases.py).
cases: $(STAMP)
	$(BIN)/sdo-sim cases --seeds 50

# The README's tables (scenarios shipped, baseline outcomes) come from the files and fresh runs.
readme: $(STAMP)
	$(BIN)/python benchmarks/readme_tables.py

# The questions the scenario library asks, answered in docs/findings.md: every experiment in experiments/
# swept into out/findings/ (resumed if there), its figure in docs/figures/ and its numbers between the
# findings markers (about 7 minutes on 2 cores from scratch, 5,940 runs).
findings: $(STAMP)
	$(BIN)/python experiments/findings.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
