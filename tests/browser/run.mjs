// Browser tests for Laget: real server, real browser, real database.
//
// Starts `laget serve --demo` on a free port with a fresh SQLite database in a
// temporary directory, drives Chromium through the main flows (also with the
// keyboard), runs axe-core on every page visited and saves a full-page
// screenshot of each. Prints «N passed, N failed» at the end and exits with a
// non-zero code on any failure.
//
//   node tests/browser/run.mjs
//
// Environment: LAGET_BIN (server binary, default target/debug/laget),
// CHROMIUM (browser, default /usr/bin/chromium), SCREENSHOT_DIR (default
// target/screenshots), HEADED=1 (show the browser), KEEP_DB=1 (keep the temp
// directory with the database and the server log).

import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.resolve(ROOT, process.env.LAGET_BIN || 'target/debug/laget');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.resolve(ROOT, process.env.SCREENSHOT_DIR || 'target/screenshots');
const AXE_SOURCE = await readFile(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DEMO_PASSWORD = 'Tusenfryd-Gulrot-Lunefull-42';
const MUNICIPALITY = 'Demo kommune';
const LEADER_UNIT = 'Solsiden barnehage';
const WATCHDOG_MS = Number(process.env.WATCHDOG_MS || 170_000);

// ---------------------------------------------------------------- runner

const results = []; // { name, ok, error }
let current = null; // the scenario running now
let softFailures = []; // failed checks that do not stop the scenario

// A check that is reported as a failure of the scenario but lets it go on, so
// that one wrong detail does not hide the rest of the flow.
function soft(fn) {
  try {
    fn();
  } catch (err) {
    softFailures.push(err);
    log(`    ✖ (check) ${err.message.split('\n')[0]}`);
  }
}

function log(...args) {
  console.log(...args);
}

async function scenario(name, fn) {
  current = name;
  softFailures = [];
  const started = Date.now();
  try {
    if (serverGone) throw new Error(`not run: ${serverGone}`);
    await fn();
    if (serverGone) throw new Error(serverGone);
    if (softFailures.length) {
      throw new Error(softFailures.map((e) => e.message).join('\n'));
    }
    results.push({ name, ok: true });
    log(`✔ ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, error: err });
    log(`✖ ${name} (${Date.now() - started} ms)`);
    log(indent(err && err.stack ? err.stack : String(err)));
  } finally {
    current = null;
  }
}

// A result recorded outside the scenario flow (one per page for axe).
function record(name, ok, error) {
  results.push({ name, ok, error });
  log(`${ok ? '✔' : '✖'} ${name}`);
  if (!ok) log(indent(error instanceof Error ? error.message : String(error)));
}

function indent(s) {
  return String(s).split('\n').map((l) => '    ' + l).join('\n');
}

// ---------------------------------------------------------------- server

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let server = null; // child process
let serverGone = null; // why the server is no longer running
let serverLog = '';
let tempDir = null;

async function startServer() {
  tempDir = await mkdtemp(path.join(tmpdir(), 'browser-tests-'));
  // Run a private copy of the binary, under a name without «laget» in it: a
  // rebuild of target/debug/laget, or someone's `pkill -f "laget serve"` for
  // their own server, must not pull the server away in the middle of the run.
  const bin = path.join(tempDir, 'browser-test-server');
  await copyFile(BIN, bin).catch((e) => {
    throw new Error(`cannot copy the server binary ${BIN}: ${e.message} (build it with «cargo build -p laget-cli» or set LAGET_BIN)`);
  });
  await chmod(bin, 0o755);
  const port = await freePort();
  const env = {
    ...process.env,
    LAGET__DATABASE__URL: path.join(tempDir, 'laget.sqlite3'),
    LAGET__LOG__FILTER: process.env.LAGET__LOG__FILTER || 'warn',
  };
  // cwd is the temp directory so that a stray ./laget.toml is not picked up.
  server = spawn(bin, ['serve', '--demo', '--listen', `127.0.0.1:${port}`], {
    cwd: tempDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 30 s\n${serverLog}`)), 30_000);
    const onData = (chunk) => {
      serverLog += chunk.toString();
      const m = serverLog.match(/running at (https?:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (c) => (serverLog += c.toString()));
    server.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin} (a copy of ${BIN}): ${e.message}`));
    });
    server.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal})\n${serverLog}`));
    });
  });
  server.on('exit', (code, signal) => {
    if (stopping) return;
    serverGone =
      `the server exited in the middle of the run (code ${code}, signal ${signal}); ` +
      'code 0 is a graceful shutdown, i.e. something outside the tests sent it SIGTERM or SIGINT';
    log(`!! ${serverGone}`);
  });
  // The listeners above keep collecting output for the log check and for a
  // failure report.
  return base;
}

let stopping = false;
function stopServerSync() {
  stopping = true;
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      server.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

async function stopServer() {
  stopping = true;
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(t);
}

process.on('exit', stopServerSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (finished) process.exit(130); // a second signal: do not wait
    log(`!! interrupted (${sig})`);
    results.push({ name: `interrupted by ${sig}`, ok: false });
    stopServerSync();
    finish(130);
  });
}

// ---------------------------------------------------------------- pages

let shotNo = 0;
let browser = null;
let BASE = '';

async function newContext() {
  return browser.newContext({
    baseURL: BASE,
    bypassCSP: true, // the app's CSP (script-src 'self') would block the injected axe-core
    locale: 'nb-NO',
    viewport: { width: 1280, height: 900 },
  });
}

async function newPage(ctx) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(15_000);
  return page;
}

function slug(s) {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'o')
    .replace(/[å]/g, 'a')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

// Every page visited goes through here: the screenshot is saved, and then
// the page must hold no script (the app ships none), axe-core must find no
// serious or critical violation, the first Tab must focus the skip link, and
// the title must name the page. All that is recorded as one «a11y» line.
async function checkPage(page, name) {
  await page.waitForLoadState('load');
  const no = String(++shotNo).padStart(2, '0');
  const label = `${no}-${slug(name)}`;
  await page.screenshot({ path: path.join(SHOTS, `${label}.png`), fullPage: true });
  const problems = [];
  const check = async (fn) => {
    try {
      await fn();
    } catch (err) {
      problems.push(err.message);
    }
  };

  // The app ships no JavaScript; the pages must work without it.
  await check(async () => {
    const scripts = await page.locator('script').count();
    assert.equal(scripts, 0, `the page contains ${scripts} <script> element(s); the app should ship no JavaScript`);
  });

  await check(async () => {
    await page.addScriptTag({ content: AXE_SOURCE });
    const res = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
      AXE_TAGS,
    );
    const serious = (v) => v.impact === 'serious' || v.impact === 'critical';
    for (const v of res.violations.filter((x) => !serious(x))) {
      log(`    (note) axe ${v.id} [${v.impact}] on ${label}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    const bad = res.violations.filter(serious);
    if (bad.length) {
      const lines = bad.map(
        (v) =>
          `axe ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})\n` +
          v.nodes
            .map((n) => `      target: ${n.target.join(' ')}\n      html:   ${n.html.slice(0, 200)}\n      ${(n.failureSummary || '').replace(/\n/g, ' ')}`)
            .join('\n'),
      );
      throw new Error(`${bad.length} serious/critical axe violation(s):\n  ${lines.join('\n  ')}`);
    }
  });

  // Keyboard: the first Tab on every page focuses the skip link.
  await check(async () => {
    await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
    await page.keyboard.press('Tab');
    const f = await focusInfo(page);
    assert.equal(f.text, 'Hopp til hovedinnhold', `the first Tab should focus the skip link «Hopp til hovedinnhold», it focused <${f.tag}> «${f.text}»`);
    assert.ok(f.visible, 'the skip link should be visible when focused');
    // Shift+Tab leaves the page again, so that the next Tab (in a scenario)
    // starts from the top as on a freshly loaded page, and the skip link
    // (shown in the flow while focused) hides again before any mouse click.
    await page.keyboard.press('Shift+Tab');
    const after = await focusInfo(page);
    assert.notEqual(after.text, 'Hopp til hovedinnhold', 'Shift+Tab from the skip link should leave it');
  });

  // An error summary: every link must say which field it is about (links
  // with the same text to different fields cannot be told apart in a
  // screen reader's link list, WCAG 2.4.4), and the links must come in the
  // order of the fields in the form.
  await check(async () => {
    const summary = await page.evaluate(() => {
      const box = document.querySelector('.ds-error-summary');
      if (!box) return null;
      const links = [...box.querySelectorAll('a[href^="#"]')].map((a) => ({
        text: a.textContent.replace(/\s+/g, ' ').trim(),
        id: a.getAttribute('href').slice(1),
      }));
      const order = [...document.querySelectorAll('main [id]')].map((e) => e.id);
      return { links, order };
    });
    if (!summary) return;
    const byText = new Map();
    for (const l of summary.links) byText.set(l.text, [...(byText.get(l.text) || []), l.id]);
    const dup = [...byText].filter(([, ids]) => new Set(ids).size > 1);
    const positions = summary.links.map((l) => summary.order.indexOf(l.id));
    const missing = summary.links.filter((l, i) => positions[i] < 0).map((l) => '#' + l.id);
    const sorted = positions.every((p, i) => i === 0 || p >= positions[i - 1]);
    const msgs = [];
    for (const [t, ids] of dup) {
      msgs.push(`the error summary has ${ids.length} links with the same text «${t}» to different fields (${ids.map((i) => '#' + i).join(', ')}); a screen-reader user cannot tell them apart (WCAG 2.4.4) – name the field in each link`);
    }
    if (missing.length) msgs.push(`error summary links to ${missing.join(', ')}, which is not on the page`);
    if (!sorted) msgs.push(`the error summary lists the fields in the order ${summary.links.map((l) => '#' + l.id).join(', ')}, not in the order of the form`);
    if (msgs.length) throw new Error(msgs.join('\n'));
  });

  const title = await page.title();
  await check(async () => {
    assert.match(title, /^\S.* – Laget$/, `the page title «${title}» should be «<page> – Laget»`);
  });
  const problem = problems.length ? new Error(`${page.url()}\n${problems.join('\n')}`) : null;
  record(`a11y ${label} ${new URL(page.url()).pathname} «${title}»`, !problem, problem);
  return label;
}

// Clicks something that submits a form or follows a link, and returns the
// main-frame response of the page it lands on (after redirects).
async function navigateBy(page, action) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return response;
}

async function goto(page, url, name) {
  const response = await page.goto(url, { waitUntil: 'load' });
  await checkPage(page, name);
  return response;
}

function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return { tag: null };
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id || null,
      name: el.getAttribute('name'),
      text: (el.textContent || '').replace(/\s+/g, ' ').trim(),
      href: el.getAttribute('href'),
      visible: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  });
}

// Checks that a field shows the given error next to it, tied with
// aria-describedby and marked aria-invalid, and that the error summary links
// to it.
async function expectFieldError(page, field, message) {
  const input = page.locator(`#${field}`);
  const error = page.locator(`#${field}-error`);
  assert.equal(await error.count(), 1, `no error message element #${field}-error next to the field «${field}»`);
  const got = await text(error);
  if (message instanceof RegExp) assert.match(got, message, `error next to «${field}»`);
  else assert.equal(got, message, `error next to «${field}»`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `#${field} should have aria-invalid="true"`);
  const describedBy = (await input.getAttribute('aria-describedby')) || '';
  assert.ok(describedBy.split(/\s+/).includes(`${field}-error`), `#${field} aria-describedby="${describedBy}" should include ${field}-error`);
  // The error message sits inside the same field wrapper as the input.
  const sameField = await page.evaluate(
    (f) => document.getElementById(f).closest('.ds-field') === document.getElementById(`${f}-error`).closest('.ds-field'),
    field,
  );
  assert.ok(sameField, `the error for «${field}» is not next to the field`);
  const summaryLink = page.locator(`.ds-error-summary a[href="#${field}"]`);
  assert.equal(await summaryLink.count(), 1, `the error summary has no link to #${field}`);
}

async function expectNotice(page, message) {
  const notice = page.locator('main [role="status"]');
  assert.ok((await notice.count()) > 0, `expected the notice «${message}» on ${pathOf(page)}, found none`);
  assert.equal(await text(notice.first()), message);
}

async function expectOnLogin(page) {
  const p = new URL(page.url()).pathname;
  assert.equal(p, '/logg-inn', `expected the login page, got ${pathOf(page)}`);
  assert.equal(await text(page.locator('h1')), 'Logg inn');
}

async function login(page, username, password, name) {
  await goto(page, '/logg-inn', name || `login-${username}`);
  await page.fill('#brukernavn', username);
  await page.fill('#passord', password);
  const response = await navigateBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
  return response;
}

function today() {
  const d = new Date();
  return `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
}

// ---------------------------------------------------------------- scenarios

const stamp = Date.now().toString(36).slice(-5);
const state = {
  municipalityId: null,
  unitName: `Testskolen ${stamp}`,
  unitNameEdited: `Testskolen ${stamp} endret`,
  unitHref: null,
  newUser: {
    name: `Test Testesen ${stamp}`,
    username: `test.${stamp}`,
    email: `test.${stamp}@demo.kommune.no`,
    password: 'Blåbær-Trampoline-Vindu-77',
  },
  userHref: null,
};

async function main() {
  await mkdir(SHOTS, { recursive: true });
  for (const f of await readdir(SHOTS)) if (f.endsWith('.png')) await rm(path.join(SHOTS, f));

  log(`Starting ${path.relative(ROOT, BIN).startsWith('..') ? BIN : path.relative(ROOT, BIN)} …`);
  BASE = await startServer();
  log(`Server at ${BASE} (database in ${tempDir})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.HEADED,
    // Our own handlers close the browser and the server and print the summary.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      ...(process.env.HEADED ? [] : ['--headless']),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  const admin = await newContext();
  const adminPage = await newPage(admin);

  // a. Anonymous visit and a wrong password.
  await scenario('a. anonymous visit redirects to login; wrong password is refused and the user name kept', async () => {
    const ctx = await newContext();
    try {
      const page = await newPage(ctx);
      await page.goto('/');
      await checkPage(page, 'anonymous-root-redirect');
      assert.equal(new URL(page.url()).pathname, '/logg-inn', `/ should redirect to /logg-inn, got ${pathOf(page)}`);
      assert.equal(new URL(page.url()).searchParams.get('neste'), '/', 'the login page should remember where to go next');
      await expectOnLogin(page);
      await page.fill('#brukernavn', 'ansatt');
      await page.fill('#passord', 'helt-feil-passord-123');
      const resp = await navigateBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
      await checkPage(page, 'login-wrong-password');
      assert.ok(resp.status() >= 400 && resp.status() < 500, `a failed login should answer 4xx, got ${resp.status()}`);
      await expectOnLogin(page);
      const alert = page.locator('[role="alert"]');
      assert.ok((await alert.count()) > 0, 'no alert after a wrong password');
      assert.match(await text(alert.first()), /^Feil brukernavn eller passord\.$/);
      assert.equal(await page.inputValue('#brukernavn'), 'ansatt', 'the user name typed should be kept');
      assert.equal(await page.inputValue('#passord'), '', 'the password should not be sent back');
    } finally {
      await ctx.close();
    }
  });

  // b. kommuneadmin logs in with the keyboard only, and creates and edits a unit.
  await scenario('b. kommuneadmin logs in with the keyboard; creates a unit (with a validation error first) and edits it', async () => {
    const page = adminPage;
    await goto(page, '/logg-inn', 'login-keyboard');
    // The first Tab focuses the skip link, and the skip link is visible then.
    await page.locator('body').focus().catch(() => {});
    await page.keyboard.press('Tab');
    let f = await focusInfo(page);
    assert.equal(f.tag, 'a', `the first Tab should focus the skip link, focused <${f.tag}> «${f.text}»`);
    assert.equal(f.text, 'Hopp til hovedinnhold');
    assert.equal(f.href, '#hovedinnhold');
    assert.ok(f.visible, 'the skip link should be visible when it has keyboard focus');
    // Enter on the skip link moves focus to the main content.
    await page.keyboard.press('Enter');
    f = await focusInfo(page);
    assert.equal(f.id, 'hovedinnhold', `Enter on the skip link should move focus to <main id="hovedinnhold">, focus is on <${f.tag}> #${f.id}`);
    // From there, Tab (only) to the user name field.
    let presses = 0;
    while ((f = await focusInfo(page)).id !== 'brukernavn' && presses < 8) {
      await page.keyboard.press('Tab');
      presses++;
    }
    assert.equal(f.id, 'brukernavn', 'Tab never reached the user name field');
    await page.keyboard.type('kommuneadmin');
    await page.keyboard.press('Tab');
    f = await focusInfo(page);
    assert.equal(f.id, 'passord', `Tab from the user name should go to the password, went to <${f.tag}> #${f.id}`);
    await page.keyboard.type(DEMO_PASSWORD);
    await navigateBy(page, () => page.keyboard.press('Enter'));
    await checkPage(page, 'start-kommuneadmin');
    assert.equal(new URL(page.url()).pathname, '/', `after login expected the start page, got ${pathOf(page)}`);
    assert.match(await text(page.locator('h1')), /^Hei, \S.*/);
    assert.equal(await text(page.locator('h1')), 'Hei, Anne Administrator');
    // The first Tab on the start page also lands on the skip link.
    await page.keyboard.press('Tab');
    f = await focusInfo(page);
    assert.equal(f.text, 'Hopp til hovedinnhold', `first Tab on the start page focused <${f.tag}> «${f.text}»`);
    // Designsystemet shows the focused skip link in the flow (position:
    // static), so the page moves down while it has focus and back up when
    // a mouse press blurs it: a click would then land beside its target.
    // Move focus away before going on with the mouse.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());

    await navigateBy(page, () => page.getByRole('link', { name: `Enheter i ${MUNICIPALITY}`, exact: true }).click());
    await checkPage(page, 'units-list');
    const m = new URL(page.url()).pathname.match(/^\/kommuner\/([^/]+)\/enheter$/);
    assert.ok(m, `unexpected units URL ${pathOf(page)}`);
    state.municipalityId = m[1];
    assert.ok((await page.getByRole('link', { name: LEADER_UNIT, exact: true }).count()) === 1, `${LEADER_UNIT} is not in the unit list`);

    await navigateBy(page, () => page.getByRole('link', { name: 'Ny enhet', exact: true }).click());
    await checkPage(page, 'unit-new');
    assert.equal(new URL(page.url()).pathname, `/kommuner/${state.municipalityId}/enheter/ny`);
    // First submit: empty name, a type chosen.
    await page.selectOption('#type', 'skole');
    let resp = await navigateBy(page, () => page.getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'unit-new-empty-name');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'navn', 'Dette feltet må fylles ut.');
    assert.equal(await page.inputValue('#type'), 'skole', 'the chosen type should be kept');
    assert.match(await text(page.locator('.ds-error-summary')), /Dette feltet må fylles ut\./);
    // Fix it.
    await page.fill('#navn', state.unitName);
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'unit-created');
    assert.ok(resp.status() < 400, `creating the unit answered ${resp.status()}`);
    await expectNotice(page, 'Enheten er opprettet.');
    if (new URL(page.url()).pathname !== `/kommuner/${state.municipalityId}/enheter`) {
      await goto(page, `/kommuner/${state.municipalityId}/enheter`, 'units-list-after-create');
    }
    const link = page.getByRole('link', { name: state.unitName, exact: true });
    assert.equal(await link.count(), 1, `the new unit «${state.unitName}» is not in the list`);
    const row = page.locator('tr', { has: link });
    assert.match(await text(row), /Skole/, 'the new unit should be listed with type Skole');
    state.unitHref = await link.getAttribute('href');

    // Edit it.
    await navigateBy(page, () => link.click());
    await checkPage(page, 'unit-edit');
    assert.match(new URL(page.url()).pathname, new RegExp(`^/kommuner/${state.municipalityId}/enheter/[^/]+$`));
    assert.equal(await page.inputValue('#navn'), state.unitName);
    assert.equal(await page.inputValue('#type'), 'skole');
    await page.fill('#navn', state.unitNameEdited);
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'unit-saved');
    assert.ok(resp.status() < 400, `saving the unit answered ${resp.status()}`);
    await expectNotice(page, 'Endringene er lagret.');
    if (new URL(page.url()).pathname !== `/kommuner/${state.municipalityId}/enheter`) {
      await goto(page, `/kommuner/${state.municipalityId}/enheter`, 'units-list-after-edit');
    }
    assert.equal(await page.getByRole('link', { name: state.unitNameEdited, exact: true }).count(), 1, 'the edited name is not in the list');
    assert.equal(await page.getByRole('link', { name: state.unitName, exact: true }).count(), 0, 'the old name is still in the list');
  });

  // c. kommuneadmin creates a user (weak password first) and gives a role.
  await scenario('c. kommuneadmin creates a user (weak password refused first) and gives the role Ansatt in a unit', async () => {
    assert.ok(state.municipalityId, 'needs scenario b (municipality id)');
    const page = adminPage;
    await goto(page, '/', 'start-kommuneadmin-again');
    await navigateBy(page, () => page.getByRole('link', { name: `Brukere i ${MUNICIPALITY}`, exact: true }).click());
    await checkPage(page, 'users-list');
    assert.equal(new URL(page.url()).pathname, `/kommuner/${state.municipalityId}/brukere`);
    await navigateBy(page, () => page.getByRole('link', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-new');
    const u = state.newUser;
    // An empty form first: every required field gets its error.
    let resp = await navigateBy(page, () => page.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-new-empty');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    for (const field of ['navn', 'brukernavn', 'passord']) await expectFieldError(page, field, 'Dette feltet må fylles ut.');
    assert.equal(await page.locator('#epost-error').count(), 0, 'the e-mail is optional');
    await page.fill('#navn', u.name);
    await page.fill('#brukernavn', u.username);
    await page.fill('#epost', u.email);
    await page.fill('#passord', 'passordpassord');
    await page.fill('#passord2', 'passordpassord');
    resp = await navigateBy(page, () => page.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-new-weak-password');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'passord', /^Passordet er for lett å gjette\./);
    assert.equal(await page.inputValue('#navn'), u.name, 'the name should be kept');
    assert.equal(await page.inputValue('#brukernavn'), u.username, 'the user name should be kept');
    assert.equal(await page.inputValue('#epost'), u.email, 'the e-mail should be kept');
    assert.equal(await page.inputValue('#passord'), '', 'the password should not be sent back');
    for (const other of ['navn', 'brukernavn', 'epost']) {
      assert.equal(await page.locator(`#${other}-error`).count(), 0, `unexpected error on «${other}»`);
    }
    await page.fill('#passord', u.password);
    await page.fill('#passord2', u.password);
    resp = await navigateBy(page, () => page.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
    await checkPage(page, 'user-created');
    assert.ok(resp.status() < 400, `creating the user answered ${resp.status()}`);
    assert.match(new URL(page.url()).pathname, new RegExp(`^/kommuner/${state.municipalityId}/brukere/[^/]+$`));
    state.userHref = new URL(page.url()).pathname;
    await expectNotice(page, 'Brukeren er opprettet.');
    assert.equal(await text(page.locator('h1')), u.name);
    assert.match(await text(page.locator('main')), /Brukeren har ingen roller ennå\./);

    // Give the role «Ansatt» in Solsiden barnehage.
    await page.selectOption('#rolle', { label: 'Ansatt' });
    await page.selectOption('#enhet', { label: LEADER_UNIT });
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Gi rolle', exact: true }).click());
    await checkPage(page, 'user-role-added');
    assert.ok(resp.status() < 400, `adding the role answered ${resp.status()}`);
    await expectNotice(page, 'Rollen er lagt til.');
    const roleRow = page.locator('section[aria-labelledby="roller"] tbody tr').filter({ hasText: LEADER_UNIT });
    assert.equal(await roleRow.count(), 1, `the role in ${LEADER_UNIT} is not listed`);
    assert.match(await text(roleRow), new RegExp(`${LEADER_UNIT}\\s+Ansatt`));

    // The user is in the list.
    await navigateBy(page, () => page.getByRole('link', { name: 'Tilbake: Brukere', exact: true }).click());
    await checkPage(page, 'users-list-with-new-user');
    const row = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: u.name, exact: true }) });
    assert.equal(await row.count(), 1, 'the new user is not in the user list');
    assert.match(await text(row), new RegExp(`${u.username.replace('.', '\\.')}.*Aktiv`));
  });

  // d. The new user is signed in; disabling them logs them out at once.
  await scenario('d. disabling a signed-in user logs them out at once, and they cannot log in again', async () => {
    assert.ok(state.userHref, 'needs scenario c (the new user)');
    const u = state.newUser;
    const userCtx = await newContext();
    try {
      const userPage = await newPage(userCtx);
      await login(userPage, u.username, u.password, 'login-new-user');
      await checkPage(userPage, 'start-new-user');
      assert.equal(new URL(userPage.url()).pathname, '/', `the new user should land on the start page, got ${pathOf(userPage)}`);
      assert.equal(await text(userPage.locator('h1')), `Hei, ${u.name}`);
      const card = userPage.locator('.ds-card').filter({ hasText: LEADER_UNIT });
      assert.equal(await card.count(), 1, `the start page does not show the membership in ${LEADER_UNIT}`);
      assert.match(await text(card), /Ansatt/);

      // The admin disables the user.
      const page = adminPage;
      await goto(page, state.userHref, 'user-before-disable');
      const resp = await navigateBy(page, () => page.getByRole('button', { name: 'Deaktiver brukeren', exact: true }).click());
      await checkPage(page, 'user-disabled');
      assert.ok(resp.status() < 400, `disabling answered ${resp.status()}`);
      await expectNotice(page, 'Brukeren er deaktivert og logget ut.');
      assert.match(await text(page.locator('main')), /Deaktivert/);
      assert.equal(await page.getByRole('button', { name: 'Aktiver brukeren', exact: true }).count(), 1);

      // The user's next page load lands on the login page.
      await userPage.reload({ waitUntil: 'load' });
      await checkPage(userPage, 'new-user-after-disable');
      await expectOnLogin(userPage);
      const info = await userPage.locator('main [role="status"]').allInnerTexts();
      soft(() => assert.ok(info.some((t) => t.includes('Økten din er utløpt.')), `the login page should say «Økten din er utløpt. Logg inn på nytt.», it says ${JSON.stringify(info)}`));
      // And they cannot log in again.
      const r = await login(userPage, u.username, u.password, 'login-disabled-user');
      await checkPage(userPage, 'login-disabled-user-refused');
      assert.ok(r.status() >= 400, `login of a disabled user answered ${r.status()}`);
      await expectOnLogin(userPage);
      assert.match(await text(userPage.locator('[role="alert"]').first()), /^Feil brukernavn eller passord\.$/);

      // The list shows the user as disabled.
      await goto(page, `/kommuner/${state.municipalityId}/brukere`, 'users-list-disabled');
      const row = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: u.name, exact: true }) });
      assert.match(await text(row), /Deaktivert/);
    } finally {
      await userCtx.close();
    }
  });

  // e. The leader reads the access log of the unit, with filters.
  const leader = await newContext();
  const leaderPage = await newPage(leader);
  await scenario(`e. leder opens the access log of ${LEADER_UNIT}; a bad date is refused, a good filter works`, async () => {
    const page = leaderPage;
    await login(page, 'leder', DEMO_PASSWORD, 'login-leder');
    await checkPage(page, 'start-leder');
    assert.equal(await text(page.locator('h1')), 'Hei, Leif Leder');
    const nav = page.getByRole('navigation', { name: 'Hovedmeny' });
    await navigateBy(page, () => nav.getByRole('link', { name: 'Tilgangslogg', exact: true }).click());
    await checkPage(page, 'access-log');
    assert.match(new URL(page.url()).pathname, /^\/enheter\/[^/]+\/tilgangslogg$/);
    assert.equal(await text(page.locator('h1')), `Tilgangslogg – ${LEADER_UNIT}`);
    assert.equal(await nav.getByRole('link', { name: 'Tilgangslogg', exact: true }).getAttribute('aria-current'), 'page');

    await page.fill('#fra', '32.13.2026');
    let resp = await navigateBy(page, () => page.getByRole('button', { name: 'Filtrer', exact: true }).click());
    await checkPage(page, 'access-log-bad-date');
    soft(() => assert.equal(resp.status(), 422, `an invalid filter should answer 422 like every other invalid form, got ${resp.status()}`));
    await expectFieldError(page, 'fra', 'Skriv datoen som dd.mm.åååå, for eksempel 23.11.2026.');
    assert.equal(await page.inputValue('#fra'), '32.13.2026', 'the date typed should be kept');
    // The hint stays tied to the field too.
    assert.ok(((await page.getAttribute('#fra', 'aria-describedby')) || '').includes('fra-hint'));

    await page.fill('#fra', '01.01.2020');
    await page.fill('#til', today());
    await page.selectOption('#person', { label: 'Anne Administrator' }).catch(async () => {
      // The person list may hold only people seen in the log; fall back to all.
      await page.selectOption('#person', '');
    });
    resp = await navigateBy(page, () => page.getByRole('button', { name: 'Filtrer', exact: true }).click());
    await checkPage(page, 'access-log-filtered');
    assert.equal(resp.status(), 200, `a good filter should answer 200, got ${resp.status()}`);
    assert.equal(await page.locator('.ds-error-summary').count(), 0, 'a good filter should show no errors');
    assert.equal(await page.locator('[aria-invalid="true"]').count(), 0);
    assert.equal(await page.inputValue('#fra'), '01.01.2020');
    assert.equal(await page.inputValue('#til'), today());
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('fra'), '01.01.2020');
    const rows = await page.locator('table tbody tr').count();
    const empty = await page.getByText('Ingen oppføringer passer filteret.').count();
    assert.ok(rows > 0 || empty === 1, 'the filtered log shows neither rows nor the empty message');
    if (q.get('person')) {
      // Kommuneadmin gave a role in this unit in scenario c: that must be in the log.
      assert.ok(rows > 0, 'the log has no entries by Anne Administrator, though she changed a membership in the unit');
      for (const r of await page.locator('table tbody tr').all()) {
        assert.match(await text(r), /Anne Administrator/);
      }
    }
  });

  // f. Logging out with the header button.
  await scenario('f. logging out with the header button returns to the login page with «Du er logget ut.»', async () => {
    const page = leaderPage;
    await goto(page, '/', 'start-leder-before-logout');
    const resp = await navigateBy(page, () => page.locator('header').getByRole('button', { name: 'Logg ut', exact: true }).click());
    await checkPage(page, 'logged-out');
    assert.ok(resp.status() < 400, `logout answered ${resp.status()}`);
    await expectOnLogin(page);
    await expectNotice(page, 'Du er logget ut.');
    assert.equal(await page.locator('header').getByRole('button', { name: 'Logg ut' }).count(), 0, 'no logout button after logout');
    // The session is really gone.
    await page.goto('/');
    await checkPage(page, 'after-logout-root');
    await expectOnLogin(page);
  });

  // g. 404.
  await scenario('g. an unknown URL gives a 404 page (anonymous and signed in)', async () => {
    const ctx = await newContext();
    try {
      const page = await newPage(ctx);
      let resp = await page.goto('/finnes-ikke/i-det-hele-tatt');
      await checkPage(page, 'not-found-anonymous');
      assert.equal(resp.status(), 404, `expected 404, got ${resp.status()}`);
      assert.equal(await text(page.locator('h1')), 'Fant ikke siden');
      assert.equal(await page.getByRole('link', { name: 'Til forsiden', exact: true }).count(), 1);
      resp = await adminPage.goto(`/kommuner/${state.municipalityId || 'x'}/enheter/finnes-ikke-${stamp}`);
      await checkPage(adminPage, 'not-found-admin');
      assert.equal(resp.status(), 404, `expected 404 for an unknown unit, got ${resp.status()}`);
      assert.equal(await text(adminPage.locator('h1')), 'Fant ikke siden');
    } finally {
      await ctx.close();
    }
  });

  await admin.close();
  await leader.close();

  // The server must not have logged an error while all this went on (a 500,
  // a database error, a failed background job). Warnings are only shown.
  await new Promise((r) => setTimeout(r, 300)); // let the last output arrive
  const lines = serverLog.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const errors = lines.filter((l) => /\bERROR\b/.test(l));
  for (const w of lines.filter((l) => /\bWARN\b/.test(l))) log(`    (note) server warning: ${w.trim()}`);
  record(
    'server logged no errors during the run',
    errors.length === 0,
    new Error(`the server logged ${errors.length} error line(s):\n${errors.map((l) => '  ' + l.trim()).join('\n')}`),
  );
}

// ---------------------------------------------------------------- go

const watchdog = setTimeout(() => {
  log(`!! the suite took longer than ${WATCHDOG_MS / 1000} s; giving up`);
  results.push({ name: 'watchdog', ok: false });
  finish(1);
}, WATCHDOG_MS);

let finished = false;
async function finish(forced) {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  try {
    if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5_000))]);
  } catch {
    /* ignore */
  }
  await stopServer().catch(() => {});
  const failed = results.filter((r) => !r.ok).length;
  const passed = results.length - failed;
  if (failed) {
    log('\nFailures:');
    for (const r of results.filter((x) => !x.ok)) {
      log(`  ✖ ${r.name}`);
      if (r.error) log(indent(indent(r.error instanceof Error ? r.error.message : String(r.error))));
    }
    if (tempDir) {
      await writeFile(path.join(tempDir, 'server.log'), serverLog).catch(() => {});
    }
    const tail = serverLog.split('\n').slice(-25).join('\n');
    log(`\nServer output (last lines):\n${indent(tail)}`);
  }
  if (tempDir && !process.env.KEEP_DB) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  else if (tempDir) log(`Database and server log kept in ${tempDir}`);
  log(`Screenshots: ${path.relative(ROOT, SHOTS)}/ (${shotNo} pages)`);
  log(`\n${passed} passed, ${failed} failed`);
  process.exit(typeof forced === 'number' && forced > 1 ? forced : failed || forced ? 1 : 0);
}

main()
  .catch((err) => {
    results.push({ name: current ? `${current} (setup)` : 'setup', ok: false, error: err });
    log(`✖ ${err && err.stack ? err.stack : err}`);
  })
  .finally(() => finish(0));
