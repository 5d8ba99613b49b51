# Two commands (see README.md):
#   make book   install everything, build both books, the slides and the student labs
#   make test   install everything, then run every test
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: book test install release clean

book: install
	$(PY) -m coursetools.build

test: install
	bash .ci/install-test-tools.sh
	$(PY) -m pytest --durations=25

release: install
	$(PY) -m coursetools.release

install: $(STAMP) node_modules/.package-lock.json

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

clean:
	rm -rf _build
