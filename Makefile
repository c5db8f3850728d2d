# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DXBOARD := $(VENV)/bin/dxboard
# `dxboard` defaults to the dev settings; the tests always use their own (scripts/run-tests).
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: run test lint audit bench fuzz venv messages clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

# The web server and the background worker together; Ctrl-C stops both.
run: venv
	mkdir -p var
	$(DXBOARD) migrate --noinput
	SITE_URL=http://127.0.0.1:$(PORT) $(DXBOARD) demo
	SITE_URL=http://127.0.0.1:$(PORT) $(DXBOARD) run 127.0.0.1:$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r src -lll  # no high-severity finding

# Known vulnerabilities of the installed dependencies, from PyPI's JSON API. --strict: a dependency that
# could not be audited is a failure (without it pip-audit says "No known vulnerabilities found" having
# audited nothing). Not part of `make test`: it needs PyPI's per-release JSON (/pypi/<name>/<version>/json),
# which the development machines' PyPI access does not serve (404), and the OSV database is not reachable.
audit: venv
	$(VENV)/bin/pip-audit -s pypi --strict --skip-editable --progress-spinner off

test: venv lint
	scripts/ensure-chromium
	scripts/run-tests

# The fuzz targets (REST API and Open311 under schemathesis, the Open311 form parser, every importer) with
# many more examples than the bounded run inside `make test`.
fuzz: venv
	DXBOARD_FUZZ_EXAMPLES=300 DJANGO_SETTINGS_MODULE=dxboard.settings.test $(PY) -m pytest tests/fuzz -q

bench: venv
	mkdir -p var/bench
	$(PY) bench/run.py --out var/bench

# The global catalogue; apps with a catalogue of their own (<app>/locale/) are skipped here and
# refreshed from their own folder. scripts/fill_vi.py lists what is left to translate.
messages: venv
	scripts/makemessages
	$(PY) scripts/fill_vi.py src/dxboard/locale/vi/LC_MESSAGES/django.po || true
	cd src/dxboard && ../../$(DXBOARD) compilemessages -l vi

clean:
	rm -rf $(VENV) var .pytest_cache
