# GMR Thuis: `make run` serves the app on an embedded default, `make test` passes all tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
LOCK ?= requirements/dev.lock
STAMP := $(VENV)/.installed-$(notdir $(LOCK))

.PHONY: run test lint bench worker beat setup data demo migrate clean format messages vendor

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Install exactly what the lock file pins (hashes checked); redo when the lock changes.
$(STAMP): $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

# Translators' loop: update the English catalogue, then compile it (the .mo is committed).
messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

data: migrate
	$(PY) manage.py load_gmr_data
	$(PY) manage.py load_default_scenario

demo: data
	$(PY) manage.py load_demo_users
	$(PY) manage.py load_demo_mediation
	$(PY) manage.py load_demo_run

run: demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "GMR Thuis on http://127.0.0.1:$(PORT)/ (demo logins in README.md)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench:
	$(MAKE) setup LOCK=requirements/bench.lock
	$(PY) -m benchmarks
	$(PY) -m benchmarks.pages
	$(PY) -m benchmarks.load
	$(PY) -m benchmarks.sweep_workers
	$(PY) -m benchmarks.mediation
	$(PY) -m benchmarks.negotiation

worker: migrate
	$(VENV)/bin/celery -A gmr_thuis worker --loglevel=INFO

beat: migrate
	$(VENV)/bin/celery -A gmr_thuis beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# NL Design System CSS and a partial Plotly bundle (the trace types in frontend/plotly-bundle.js),
# pinned in frontend/package-lock.json; the results in static/vendor/ are committed, so only a
# version bump or a new chart type needs npm.
PLOTLY_BANNER := /* plotly.js $(shell node -p 'require("./frontend/package.json").dependencies["plotly.js"]') partial bundle (core, bar, heatmap, waterfall); MIT licence, Copyright Plotly, Inc.; see plotly.LICENSE */
vendor:
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p static/vendor/utrecht
	cp frontend/node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht/component-library.css
	cp frontend/node_modules/@utrecht/design-tokens/dist/theme.css static/vendor/utrecht/design-tokens.css
	cp frontend/node_modules/@utrecht/component-library-css/LICENSE.md static/vendor/utrecht/LICENSE.md
	cd frontend && npx esbuild plotly-bundle.js --bundle --minify --format=iife --global-name=Plotly \
		--define:global=window --target=es2016 --loader:.css=empty --legal-comments=none \
		--banner:js='$(PLOTLY_BANNER)' --outfile=../static/vendor/plotly.min.js
	cp frontend/node_modules/plotly.js/LICENSE static/vendor/plotly.LICENSE
