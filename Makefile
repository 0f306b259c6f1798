# The two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo demo-reset mosquitto test bench lock docs translations clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Passline needs Python 3.11 or newer"' \
		|| { echo "Passline needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) \
		|| { echo "Cannot create $(VENV): on Debian run 'apt-get install python3-venv' first"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The hub runs its own Mosquitto (Debian's, with its dynamic security plugin): install it when missing.
mosquitto:
	@command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing Mosquitto (apt-get install mosquitto)"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto && \
			{ systemctl disable --now mosquitto >/dev/null 2>&1 || true; } && \
			echo "Debian's own broker service is switched off: the hub runs and supervises its Mosquitto"; \
		else \
			echo "Passline needs Mosquitto. Run: sudo apt-get install mosquitto   (then make demo again)"; exit 1; \
		fi; }

demo: $(STAMP) mosquitto
	PASSLINE_DATA_DIR=$${PASSLINE_DATA_DIR:-$(CURDIR)/data} $(BIN)/passline demo $(DEMO_ARGS)

# The demo from scratch: delete ./data (orders, devices, logins; only a folder the demo made) and start again.
demo-reset: $(STAMP) mosquitto
	PASSLINE_DATA_DIR=$${PASSLINE_DATA_DIR:-$(CURDIR)/data} $(BIN)/passline demo --reset $(DEMO_ARGS)

test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/intake.py $(BENCH_ARGS)

docs: $(STAMP)
	$(BIN)/passline docs protocol

# Re-pin every dependency after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra test --extra build --generate-hashes --python-version 3.11 -o requirements.lock

# Gather the kiosk's, counter's and displays' strings, and the printed words of tickets, receipts and customer
# displays, into their German catalogs (new ones untranslated), then compile them.
# Each entry is page:strings file:catalog folder.
PAGE_CATALOGS := kiosk:kiosk/kiosk_strings.py:kiosk/translations/kiosk \
	counter:kiosk/counter_strings.py:kiosk/translations/counter \
	displays:displays/display_strings.py:displays/translations \
	printed:devices/printers/words.py:devices/printers/translations
translations: $(STAMP)
	@for entry in $(PAGE_CATALOGS); do \
		page=$${entry%%:*}; rest=$${entry#*:}; strings=$${rest%%:*}; folder=$${rest#*:}; \
		$(BIN)/pybabel -q extract -k N_ --no-location --no-wrap -o .$$page.pot $$strings && \
		$(BIN)/pybabel -q update --no-fuzzy-matching --no-wrap -i .$$page.pot -d $$folder -l de && \
		$(BIN)/pybabel compile --statistics -d $$folder -l de; \
		rm -f .$$page.pot; \
	done

# The customer's e-receipt page has its own catalog too.
PAGE_CATALOGS += receipt:kiosk/receipt_words.py:kiosk/translations/receipt
# So has the end-of-day page of the back office (issue 17).
PAGE_CATALOGS += endofday:hub/entrypoints/web/day_words.py:hub/entrypoints/web/translations/end_of_day
# The back office's reports (issue 17).
PAGE_CATALOGS += reports:hub/entrypoints/web/report_words.py:hub/entrypoints/web/translations/reports
# The back office's menu page, sold out (86) (issue 17).
PAGE_CATALOGS += menu:hub/entrypoints/web/menu_words.py:hub/entrypoints/web/translations/menu

clean:
	rm -rf $(VENV) .pytest_cache
