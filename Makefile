# The two commands:
#   make run    build and start Laget on SQLite with «Demo kommune»
#   make test   run every check and test (formatting, lints, unit,
#               integration, CLI and browser tests)
# Both install what they need first (npm packages; Chromium for the browser
# tests). Set DATABASE_URL=postgres://… to run the integration tests on
# PostgreSQL as well.

CARGO ?= cargo
NPM ?= npm

.PHONY: run test check unit browser deps browser-deps clean

run: deps
	$(CARGO) run -p laget-cli --bin laget -- serve --demo

test: check unit browser

check: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit: deps
	$(CARGO) test --workspace

browser: deps browser-deps
	$(CARGO) build -p laget-cli --bin laget
	node tests/browser/run.mjs

deps: node_modules/.installed

# npm ci installs exactly what package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; nothing is
# downloaded from elsewhere).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium from Debian's packages…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	$(CARGO) clean
	rm -rf node_modules data
