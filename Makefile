# The README's two commands are `make run` and `make test`; everything they need is here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# Every package installed into .venv, pinned with its hashes (README "Dependencies").
LOCK   := requirements.lock
# `make lock` resolves it with uv, pinned so that the same inputs give the same lock.
UV_VERSION ?= 0.13.9
# Locked beside the project's dependencies and its build requirements: pip, which installs them
# (CVE-2026-8643 fixed in 26.1.2; CVE-2026-6357, CVE-2026-3219 in 26.1; CVE-2026-1703 in 26.0).
LOCK_TOOLS := pip>=26.1.2
# e.g. `make lock LOCK_ARGS=--upgrade` (everything) or `LOCK_ARGS="--upgrade-package pypdf"`
LOCK_ARGS ?=

.PHONY: install run test lock system system-run packages translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip first, alone (it is in the lock too), then every locked package, each file checked
# against its hash; then LEANS itself without dependencies or a build environment of its own:
# its build requirements (setuptools, Babel) are locked packages already installed.
$(VENV)/.installed: pyproject.toml setup.py $(LOCK) | $(BIN)/python
	awk '/^pip==/ {p = 1} p {print} p && !/\\$$/ {exit}' $(LOCK) > $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --check-build-dependencies -e .
	touch $@

## install: the app and its test tools into .venv from requirements.lock, with the compiled
## translations
install: $(VENV)/.installed translations

## lock: resolve requirements.lock again from pyproject.toml (runtime, the test extra, the build
## requirements and pip), with the hashes of every file of every version, for any platform
## (Linux x86_64 and aarch64 included) on Python 3.11 and newer; keeps the locked versions
## unless pyproject.toml excludes them or LOCK_ARGS asks for upgrades
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	{ $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'; \
	  echo '$(LOCK_TOOLS)'; } \
	| $(BIN)/uv pip compile --quiet pyproject.toml - --extra test --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command 'make lock' $(LOCK_ARGS) -o $(LOCK)

## translations: compile the message catalogues (Bahasa Indonesia)
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d leans/translations

## run: install, load the demo data on SQLite and serve on http://127.0.0.1:$(PORT)/
run: install system-run
	$(BIN)/leans demo
	$(BIN)/leans run --port $(PORT)

## system: Debian packages the app (Pango, for PDFs) and the tests (chromium, redis-server,
## nginx) need, installed when missing and running as root; `make run` only needs Pango
system:
	@$(MAKE) --no-print-directory packages WANT="pango chromium redis nginx"

system-run:
	@$(MAKE) --no-print-directory packages WANT="pango"

packages:
	@missing=""; \
	case "$(WANT)" in *pango*) ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0";; esac; \
	case "$(WANT)" in *chromium*) command -v chromium >/dev/null || missing="$$missing chromium";; esac; \
	case "$(WANT)" in *redis*) command -v redis-server >/dev/null || missing="$$missing redis-server";; esac; \
	case "$(WANT)" in *nginx*) PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null || missing="$$missing nginx";; esac; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (without them the browser, shared-limit or nginx tests are skipped)"; fi; \
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
