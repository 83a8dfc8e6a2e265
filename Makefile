# Two commands do all the set-up on a fresh machine:
#   make run   - the whole platform (web, Celery worker and beat) with demo data
#   make test  - the test suite (installs what the tests need, Chromium included)
# and for development: make dev - the same platform with Django's auto-reloading server (DEBUG on)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test install install-dev browser tools migrate seed lint bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Browser tests drive Debian's Chromium; never a downloaded browser (no internet here).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "Installing chromium and chromium-driver (Debian packages)..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# CI reruns the tests under libfaketime (Debian's faketime) to prove no test reads the wall clock.
tools:
	@command -v faketime >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq faketime >/dev/null; }

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

run: seed
	$(PY) manage.py collectstatic --noinput -v 0
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) ./bin/run-all

dev: seed
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) ./bin/run-all --dev

test: install-dev browser tools
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

# Each prints its figures and a ratio against a baseline run in the same process.
# bench/reminders.py needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL).
# bench/http.py (gunicorn against bare baselines, on a database of its own) runs when DATABASE_URL
# names PostgreSQL; BENCH_HTTP_ARGS passes options (e.g. --keep, then --reuse; --mentors 2000).
# bench/discovery.py reads BENCH_DISCOVERY_DATABASE_URL (a copy of bench/http.py's database kept
# with --keep; default DATABASE_URL) and BENCH_DISCOVERY_ARGS (--rebuild on a fresh copy).
bench: install-dev
	$(PY) bench/slots.py
	$(PY) bench/calendars.py
	$(PY) bench/matching_quality.py
	$(PY) bench/matching.py
	@case "$$DATABASE_URL" in \
		postgres://*|postgresql://*) $(PY) bench/http.py $(BENCH_HTTP_ARGS) && $(PY) bench/insights.py $(BENCH_INSIGHTS_ARGS) \
			&& DATABASE_URL=$${BENCH_DISCOVERY_DATABASE_URL:-$$DATABASE_URL} $(PY) bench/discovery.py $(BENCH_DISCOVERY_ARGS) ;; \
		*) echo "bench/http.py, bench/insights.py and bench/discovery.py skipped: they need DATABASE_URL=postgres://..." ;; \
	esac

clean:
	rm -rf var/ .pytest_cache .ruff_cache
