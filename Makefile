# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# The public address: credentials, QR codes and e-mails carry it, and only its host is served.
BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install setup lint translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d engine/translations

setup: install
	$(BIN)/flask --app wsgi setup --demo

# The background-job consumer (bulk issuing, large imports) runs beside gunicorn and stops
# with it; it looks for new jobs at least once a second.
run: setup
	@echo "Serving Outcome Engine on $(BASE_URL)/  (Ctrl-C stops it)"
	export OE_BASE_URL="$(BASE_URL)"; \
	$(BIN)/huey_consumer engine.tasks.huey --workers 1 --max-delay 1 --quiet & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

# axe-core (npm) for the accessibility checks of the browser tests, served from node_modules.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: install node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache

# After changing interface strings: refresh the template and the catalogs, then translate.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
	  --project "Outcome Engine" --copyright-holder "Outcome Engine developers" \
	  -o engine/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i engine/translations/messages.pot -d engine/translations
