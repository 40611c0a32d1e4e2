# The two commands:
#   make run    build and start Laget on SQLite with «Demo kommune»
#   make test   run every check and test (formatting, lints, unit,
#               integration, CLI and browser tests)
# Both install what they need first (npm packages; Python packages for the
# mail tests in target/mail-venv; Chromium for the browser
# tests). Set DATABASE_URL=postgres://… to run the integration tests on
# PostgreSQL as well.

CARGO ?= cargo
NPM ?= npm
PYTHON ?= python3
MAIL_VENV ?= target/mail-venv

.PHONY: run test check unit browser deps browser-deps clean mutants

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

deps: node_modules/.installed $(MAIL_VENV)/.installed

# npm ci installs exactly what package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

# Python for the mail tests (crates/web/tests/app/mail.rs): a real SMTP
# server (aiosmtpd) and a real iCalendar parser, pinned in
# tests/mail/requirements.txt, in a venv under target/ (from PyPI).
$(MAIL_VENV)/.installed: tests/mail/requirements.txt
	$(PYTHON) -m venv $(MAIL_VENV)
	$(MAIL_VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/mail/requirements.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; nothing is
# downloaded from elsewhere).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium from Debian's packages…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Mutation testing of the privacy rules (cargo-mutants, from crates.io; not
# run in CI): every change cargo-mutants makes to the access, consent, audit
# and escalation rules must make a test of the domain crate fail. Survivors
# are listed in target/mutants/mutants.out/missed.txt. On two cores the four
# files (about 350 mutants) take hours; narrow the run with MUTANTS_FILES or
# pass more options in MUTANTS_ARGS, e.g.
#   make mutants MUTANTS_FILES="-f crates/domain/src/audit.rs"
#   make mutants MUTANTS_ARGS="--shard 1/4"
MUTANTS_FILES ?= -f 'crates/domain/src/access/*.rs' -f crates/domain/src/log/consent.rs \
	-f crates/domain/src/audit.rs -f crates/domain/src/log/escalation.rs
MUTANTS_ARGS ?=
mutants:
	@command -v cargo-mutants >/dev/null 2>&1 || $(CARGO) install cargo-mutants --locked
	$(CARGO) mutants --package laget-domain --test-package laget-domain \
	  $(MUTANTS_FILES) --output target/mutants --timeout-multiplier 3 $(MUTANTS_ARGS)

clean:
	$(CARGO) clean
	rm -rf node_modules data
