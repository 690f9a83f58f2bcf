# Two commands matter:  `make lab` (set up, open JupyterLab)  and  `make test` (set up, run every test).
# Everything else is a helper. Only Python 3.10-3.13 with pip and venv, and make, are needed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
LOCK   := requirements/lock-py$(PYVER).txt
STAMP  := $(VENV)/.installed-py$(PYVER)
# Your own copies of the notebooks (git-ignored); `make lab` opens JupyterLab there.
COURSE_WORKSPACE ?= $(CURDIR)/workspace
# Offline-friendly JupyterLab rooted at your workspace: no update checks, no news (neither fetched
# nor asked about: tools/lab-overrides.json sets the notification defaults), kernels talk over local
# IPC sockets instead of TCP. LAB_ARGS adds your own flags, e.g. make lab LAB_ARGS=--no-browser
LAB_FLAGS := --ServerApp.root_dir=$(COURSE_WORKSPACE) --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
             --LabApp.news_url=None --KernelManager.transport=ipc
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
LAB_ARGS ?=
# Jupyter refuses to run as root unless told; containers and CI often are root.
ifeq ($(shell id -u),0)
LAB_FLAGS += --allow-root
endif

.PHONY: help install lab test test-fast lint notebooks data lock bench clean

help:
	@echo "make lab        set up .venv (first time only) and open the course in JupyterLab"
	@echo "make test       set up .venv and run every test (unit, checker, notebooks)"
	@echo "make lint       ruff check . (also part of make test)"
	@echo "make notebooks  regenerate notebooks/ and solutions/*.ipynb from solutions/*.py"
	@echo "make data       verify the datasets and restore any that are missing or damaged"
	@echo "make bench      print the benchmarks (times and ratios against baselines)"
	@echo "make lock       re-resolve requirements/lock-py3.X.txt (course authors)"

$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYVER)" || { echo "error: '$(PYTHON)' was not found; install Python 3.10-3.13 or run make PYTHON=/path/to/python3"; exit 1; }
	@test -f "$(LOCK)" || { echo "error: no lock file for Python $(PYVER) ($(LOCK)); the course supports 3.10-3.13: run make PYTHON=python3.12 (for example)"; exit 1; }
	@if [ -x "$(PY)" ] && [ "$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYVER)" ]; then \
		echo "$(VENV) was made with another Python; recreating it"; rm -rf "$(VENV)"; fi
	@test -x "$(PY)" || { echo "[1/2] Creating $(VENV) with Python $(PYVER)"; $(PYTHON) -m venv "$(VENV)"; }
	@echo "[2/2] Installing the course's pinned packages into $(VENV) (first time: about a minute and a half)"
	@$(PY) tools/install.py -c "$(LOCK)" -e ".[test]"
	@rm -f $(VENV)/.installed-py*
	@touch "$(STAMP)"

install: $(STAMP)

lab: $(STAMP)
	@$(PY) -m course_utils workspace --workspace "$(COURSE_WORKSPACE)"
	@mkdir -p "$(LAB_SETTINGS)" && cp tools/lab-overrides.json "$(LAB_SETTINGS)/overrides.json"
	@echo "Opening JupyterLab in $(COURSE_WORKSPACE) (stop it with Ctrl+C twice)..."
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) $(LAB_ARGS)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest tests solutions notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

lint: $(STAMP)
	$(PY) -m ruff check .

test-fast: $(STAMP)
	$(PY) -m pytest tests -p no:cacheprovider -m "not slow"

notebooks: $(STAMP)
	$(PY) -m course_utils notebooks

data: $(STAMP)
	$(PY) -m course_utils data --restore

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

lock:
	tools/lock.sh

clean:
	rm -rf $(VENV) .pytest_cache grades.csv
