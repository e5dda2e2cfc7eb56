# fieldapp — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
FLASK := $(BIN)/flask --app fieldapp
CATALOGS := $(wildcard fieldapp/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test fuzz lint format bench translations install screenshots

install: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

## run: set up everything on first use, migrate, load demo data once, serve on http://$(HOST):$(PORT)
## with the reminder scheduler as a second process next to the web server (Ctrl-C stops both)
run: export FIELDAPP_ENV = development
run: export FIELDAPP_BASE_URL = http://$(HOST):$(PORT)
run: export FIELDAPP_MAIL_SECONDS = 10
run: install
	$(FLASK) db upgrade
	$(FLASK) vapid-keys
	$(FLASK) demo-data --if-empty
	$(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite (SQLite; PostgreSQL when FIELDAPP_TEST_DATABASE_URL is set), spread over
## one worker per core (TEST_WORKERS=0 runs it in this one process)
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## fuzz: a long random pass of generated input over every route, form and JSON API as each role
## (some 20,000 requests); prints the inputs tried and the 5xx seen
fuzz: install
	FIELDAPP_FUZZ_EXAMPLES=$${FIELDAPP_FUZZ_EXAMPLES:-40} $(BIN)/pytest -q --timeout=0 tests/fuzzing $(PYTEST_ARGS)

# Biome, the JavaScript linter, is the only thing npm installs: the app has no build step.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

## lint: ruff for the Python (check and format), import-linter for the layers (README, "Layout";
## contracts in pyproject.toml), Biome for the JavaScript (needs node and npm)
lint: install $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	node_modules/.bin/biome lint --error-on-warnings

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

## translations: extract marked strings and merge them into the nl, fr and en catalogs
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs ".*" -o fieldapp/translations/messages.pot --no-location --sort-output --project fieldapp .
	$(BIN)/pybabel update -i fieldapp/translations/messages.pot -d fieldapp/translations --no-fuzzy-matching --ignore-obsolete
	$(MAKE) $(COMPILED)

## screenshots: regenerate the README's phone screenshots (needs /usr/bin/chromium)
screenshots: install
	$(BIN)/python docs/screenshots.py
