# Two commands for a fresh machine:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint notebooks bench clean site

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## make demo: set up .venv, run the default scenario, write a report with plots to demo-output/
demo: $(STAMP)
	$(BIN)/crmsim simulate --scenario retail --customers 10000 --years 3 --seed 7 \
		--strategy loyalty_program --out demo-output --report

## make test: lint, unit tests and notebook validation (the command CI runs), in parallel
## (pytest-xdist, --dist loadfile: each file in one worker, so a notebook's cells run in order in one kernel)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile tests notebooks \
		--nbval --nbval-sanitize-with notebooks/sanitize.cfg

notebooks: $(STAMP)
	$(BIN)/python notebooks/execute_all.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_simulator.py
	$(BIN)/python benchmarks/bench_analysis.py

clean:
	rm -rf $(VENV) demo-output _build

## make site: the course website in English and Chinese -> _build/site/en, _build/site/zh
site: $(STAMP)
	$(BIN)/python site/build.py
