# The README's two commands are `make run` and `make test`; everything they need is here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: install run test system system-run packages translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## install: the app and its test tools into .venv, with the compiled translations
install: $(VENV)/.installed translations

## translations: compile the message catalogues (Bahasa Indonesia)
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d leans/translations

## run: install, load the demo data on SQLite and serve on http://127.0.0.1:$(PORT)/
run: install system-run
	$(BIN)/leans demo
	$(BIN)/leans run --port $(PORT)

## system: Debian packages the app (Pango, for PDFs) and the tests (chromium, redis-server) need,
## installed when missing and running as root; `make run` only needs Pango
system:
	@$(MAKE) --no-print-directory packages WANT="pango chromium redis"

system-run:
	@$(MAKE) --no-print-directory packages WANT="pango"

packages:
	@missing=""; \
	case "$(WANT)" in *pango*) ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0";; esac; \
	case "$(WANT)" in *chromium*) command -v chromium >/dev/null || missing="$$missing chromium";; esac; \
	case "$(WANT)" in *redis*) command -v redis-server >/dev/null || missing="$$missing redis-server";; esac; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (without them the browser or shared-limit tests are skipped)"; fi; \
	fi

## test: install and run the whole test suite (lint and browser tests included), i.e. the
## README's test command: make install system && .venv/bin/pytest
test: install system
	$(BIN)/pytest

## translations-update: extract new UI strings into the catalogues
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project "LEANS LMS" --ignore-dirs=".venv .git instance" -o leans/translations/messages.pot .
	$(BIN)/pybabel update -i leans/translations/messages.pot -d leans/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
