// Settings, from the environment where the README's «Environment» table says
// so. Read once, when the suite starts.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository root (this file is tests/browser/lib/config.mjs).
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.resolve(ROOT, process.env.LAGET_BIN || 'target/debug/laget');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.resolve(ROOT, process.env.SCREENSHOT_DIR || 'target/screenshots');
export const AXE_SOURCE = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Generous: the suite runs about 5 minutes on a busy 2-core machine.
export const WATCHDOG_MS = Number(process.env.WATCHDOG_MS || 900_000);
export const HEADED = Boolean(process.env.HEADED);
export const KEEP_DB = Boolean(process.env.KEEP_DB);
// The Python that runs the SMTP server for the mail checks (tests/mail/,
// installed by `make deps`), as for the integration tests.
export const MAIL_PYTHON = path.resolve(ROOT, process.env.LAGET_TEST_PYTHON || 'target/mail-venv/bin/python');
