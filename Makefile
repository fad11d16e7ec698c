# Two commands set everything up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Every dependency, direct and indirect, pinned with its hashes; pyproject.toml keeps the ranges (make lock).
RUNTIME_LOCK := requirements/runtime.txt
TEST_LOCK := requirements/test.txt
TOOLS_LOCK := requirements/tools.txt
RUNTIME_INSTALLED := $(VENV)/.runtime-installed
TEST_INSTALLED := $(VENV)/.test-installed
COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' --quiet $(UPGRADE)

.PHONY: run test test-clock install lock mutation translations extract-translations lint bench browser-deps redis clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# --no-deps: the lock already names every package, and --require-hashes refuses anything it does not name.
$(RUNTIME_INSTALLED): $(RUNTIME_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(RUNTIME_LOCK)
	touch $@

$(TEST_INSTALLED): $(TEST_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(TEST_LOCK)
	touch $@

install: $(RUNTIME_INSTALLED)

# Regenerates the locks from pyproject.toml, keeping every pin that still fits its range; upgrade on purpose with
# `make lock UPGRADE="--upgrade-package babel"` (or UPGRADE=--upgrade for everything). The test lock is constrained
# by the runtime lock, so the tests run exactly the versions that production installs.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(TOOLS_LOCK)
	$(COMPILE) --output-file $(RUNTIME_LOCK)
	$(COMPILE) --extra test --constraint $(RUNTIME_LOCK) --output-file $(TEST_LOCK)
	$(BIN)/uv pip compile requirements/tools.in --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' --quiet --output-file $(TOOLS_LOCK)

# Compiled catalogs are build output, made from the committed .po files on every run and test.
translations: $(RUNTIME_INSTALLED)
	$(BIN)/pybabel compile --directory translations --domain messages --statistics 2>&1 | tail -n 6
	# Flask-Security's own messages (password rules, wrong current password), from its translators.
	$(BIN)/pybabel compile --directory translations --domain flask_security 2>&1 | tail -n 5

# Pull new strings from code and templates, then merge them into the six catalogs for translation.
extract-translations: $(RUNTIME_INSTALLED)
	$(BIN)/pybabel extract --mapping babel.cfg --keywords _l --keywords lazy_gettext --keywords N_ --add-comments TRANSLATORS: \
		--project follow-up-meetings --no-location --sort-output --ignore-dirs ".* ._ mutants node_modules" \
		--output-file translations/messages.pot .
	$(BIN)/pybabel update --input-file translations/messages.pot --output-dir translations --no-fuzzy-matching --ignore-obsolete
	# English is the source language: its catalog repeats each message (GNU gettext's msgen).
	msgen --no-wrap --sort-output translations/en/LC_MESSAGES/messages.po -o translations/en/LC_MESSAGES/messages.po

# Links in mail and calendars point where the app is served (PUBLIC_URL; set it to the site's address elsewhere).
run: export PUBLIC_URL ?= http://$(HOST):$(PORT)
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

# pytest exits non-zero (5) when it collects no test, which fails this target. One worker per core
# (PYTEST_WORKERS=0 runs in one process); worksteal keeps the cores busy until the last long test ends.
PYTEST_WORKERS ?= auto
test: translations $(TEST_INSTALLED) browser-deps redis
	$(BIN)/pytest --numprocesses $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# No test depends on today's date: the registration and invitation tests again with the system clock moved to two
# later days by Debian's libfaketime (the whole suite passes there too). Only the wall clock moves: with a faked
# monotonic clock every timed wait (the rate limiter's expiry timer, xdist's workers) sleeps for years.
/usr/bin/faketime:
	apt-get update -qq && apt-get install -y -qq faketime

CLOCK_DAYS := "2027-06-01 10:00:00" "2031-01-01 10:00:00"
test-clock: translations $(TEST_INSTALLED) /usr/bin/faketime
	for day in $(CLOCK_DAYS); do \
		FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$$day" $(BIN)/pytest --numprocesses $(PYTEST_WORKERS) -q tests/test_registration.py tests/test_invitations.py || exit 1; \
	done

# Figures go to docs/performance.md with the machine and the date.
/usr/bin/wrk:
	apt-get update -qq && apt-get install -y -qq wrk

bench: translations $(TEST_INSTALLED) /usr/bin/wrk
	$(BIN)/python -m benchmarks.agenda
	$(BIN)/python -m benchmarks.outcomes
	$(BIN)/python -m benchmarks.participants
	$(BIN)/python -m benchmarks.api
	$(BIN)/python -m benchmarks.outbox
	$(BIN)/python -m benchmarks.accounts
	$(BIN)/python -m benchmarks.load

# Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml): each rule broken one change at a time, and
# the tests must notice. Fails when any mutant survives; the score and every survivor go to docs/testing.md.
mutation: translations $(TEST_INSTALLED)
	rm -rf mutants
	$(BIN)/mutmut run
	@survivors=$$($(BIN)/mutmut results); echo "$$survivors"; test -z "$$survivors"

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache
