# Two commands set everything up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations extract-translations lint bench browser-deps redis clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(INSTALLED)

# Compiled catalogs are build output, made from the committed .po files on every run and test.
translations: $(INSTALLED)
	$(BIN)/pybabel compile --directory translations --domain messages --statistics 2>&1 | tail -n 6

# Pull new strings from code and templates, then merge them into the six catalogs for translation.
extract-translations: $(INSTALLED)
	$(BIN)/pybabel extract --mapping babel.cfg --keywords _l --keywords lazy_gettext --keywords N_ --add-comments TRANSLATORS: \
		--project follow-up-meetings --no-location --sort-output --output-file translations/messages.pot .
	$(BIN)/pybabel update --input-file translations/messages.pot --output-dir translations --no-fuzzy-matching --ignore-obsolete
	# English is the source language: its catalog repeats each message (GNU gettext's msgen).
	msgen --no-wrap --sort-output translations/en/LC_MESSAGES/messages.po -o translations/en/LC_MESSAGES/messages.po

run: translations
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed-demo --if-empty
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

# The browser tests drive Debian's chromium (Playwright cannot download its own here) and inject axe-core.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

browser-deps: $(CHROMIUM) node_modules/axe-core/axe.min.js

# Instances share the API's rate-limit counts through Redis; the tests prove it against a real server on loopback.
redis:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { command -v redis-server >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq redis-server); \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; }

# pytest exits non-zero (5) when it collects no test, which fails this target.
test: translations browser-deps redis
	$(BIN)/pytest $(PYTEST_ARGS)

# Figures go to docs/performance.md with the machine and the date.
/usr/bin/wrk:
	apt-get update -qq && apt-get install -y -qq wrk

bench: translations /usr/bin/wrk
	$(BIN)/python -m benchmarks.agenda
	$(BIN)/python -m benchmarks.outcomes
	$(BIN)/python -m benchmarks.participants
	$(BIN)/python -m benchmarks.api
	$(BIN)/python -m benchmarks.load

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache
