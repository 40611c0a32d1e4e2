// The browser: contexts and pages under the app's real CSP, and the checks
// every page visited goes through (checkPage: screenshot, scripts, CSP, axe,
// skip link, error summary, title), with small helpers for forms and
// navigation that the feature files share.

import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AXE_SOURCE, AXE_TAGS, CHROMIUM, HEADED, SHOTS } from './config.mjs';
import { log, record } from './runner.mjs';

export let shotNo = 0; // pages screenshotted so far
export let browser = null;
export let BASE = ''; // the server's address

// Starts Chromium for a server at `base`.
export async function launchBrowser(base) {
  BASE = base;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !HEADED,
    // Our own handlers close the browser and the server and print the summary.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      ...(HEADED ? [] : ['--headless']),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// The number of the next screenshot, as two digits («07»).
export function nextShotNo() {
  return String(++shotNo).padStart(2, '0');
}

// Contexts run under the app's real Content-Security-Policy: axe-core is put
// into the page through the DevTools protocol (page.evaluate), which the CSP
// does not govern, so nothing has to be bypassed. Every CSP violation a page
// reports is collected and fails that page's a11y line (see checkPage).
const noJsContexts = new WeakSet();

export async function newContext(options = {}) {
  const ctx = await browser.newContext({
    baseURL: BASE,
    locale: 'nb-NO',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  if (options.javaScriptEnabled === false) noJsContexts.add(ctx);
  await ctx.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push({
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI,
        source: e.sourceFile,
        line: e.lineNumber,
        sample: e.sample,
      });
    });
  });
  return ctx;
}

export async function newPage(ctx) {
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

// Runs axe-core in a page and returns its violations. axe-core is evaluated
// through the DevTools protocol, so the page's CSP (script-src 'self') does
// not stop it and leaves no trace of it.
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return res.violations;
}

// axe-core cannot run in a page with JavaScript turned off (its timers never
// fire), so a page seen without JavaScript is checked in a copy: the same URL
// (always a GET) loaded in a JavaScript-enabled anonymous context. The server
// sends the same HTML either way.
let axeCopyContext = null;
async function axeViolationsOfCopy(url) {
  if (!axeCopyContext) axeCopyContext = await newContext();
  const copy = await newPage(axeCopyContext);
  try {
    await copy.goto(url, { waitUntil: 'load' });
    return await axeViolations(copy);
  } finally {
    await copy.close();
  }
}

// The skip link's text by the page's <html lang> (messages/nb.txt, nn.txt).
const SKIP_LINK = { nb: 'Hopp til hovedinnhold', nn: 'Hopp til hovudinnhaldet' };

// Every page visited goes through here: the screenshot is saved, and then
// the page may load scripts only as files from /static/ (no inline script,
// nothing from elsewhere), must have reported no CSP violation, axe-core must
// find no serious or critical violation, the first Tab must focus the skip
// link, and the title must name the page. All that is recorded as one «a11y»
// line.
export async function checkPage(page, name) {
  await page.waitForLoadState('load');
  const no = nextShotNo();
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

  const noJs = noJsContexts.has(page.context());

  // The app's own scripts (htmx) are files under /static/; there is no
  // inline script and nothing from another origin. The pages must still work
  // without JavaScript (see scenario h3).
  await check(async () => {
    const scripts = await page.evaluate(() =>
      [...document.querySelectorAll('script')].map((s) => ({ src: s.getAttribute('src') || '', inline: !s.src && s.textContent.trim().length > 0 })),
    );
    const bad = scripts.filter((s) => s.inline || !/^\/static\/[^/?#]+\.js$/.test(s.src));
    assert.equal(
      bad.length,
      0,
      `the page has ${bad.length} script(s) that are not files from /static/: ${bad.map((s) => (s.inline ? 'inline <script>' : `src="${s.src}"`)).join(', ')}`,
    );
  });

  // The real CSP is in force: a violation means something on the page is
  // blocked (a style, a script, a font) and does not work for the user.
  if (!noJs) {
    await check(async () => {
      const violations = await page.evaluate(() => window.__cspViolations || []);
      assert.equal(
        violations.length,
        0,
        `the page reported ${violations.length} Content-Security-Policy violation(s):\n` +
          violations.map((v) => `      ${v.directive} blocked ${v.blocked || '(inline)'} from ${v.source || '?'}:${v.line || '?'} ${v.sample ? `«${v.sample}»` : ''}`).join('\n'),
      );
    });
  }

  await check(async () => {
    const violations = noJs ? await axeViolationsOfCopy(page.url()) : await axeViolations(page);
    const res = { violations };
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
    // Start the Tab order from the top as on a freshly loaded page: after an
    // in-place update (htmx) the browser would go on from the field last used.
    await page.evaluate(() => {
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      const body = document.body;
      const had = body.getAttribute('tabindex');
      body.setAttribute('tabindex', '-1');
      body.focus({ preventScroll: true });
      if (had === null) body.removeAttribute('tabindex');
      else body.setAttribute('tabindex', had);
    });
    await page.keyboard.press('Tab');
    const f = await focusInfo(page);
    // The skip link speaks the page's language (nynorsk for the staff of a
    // nynorsk municipality).
    const lang = await page.evaluate(() => document.documentElement.lang);
    const skip = SKIP_LINK[lang] || SKIP_LINK.nb;
    assert.equal(f.text, skip, `the first Tab should focus the skip link «${skip}», it focused <${f.tag}> «${f.text}»`);
    assert.ok(f.visible, 'the skip link should be visible when focused');
    // Shift+Tab leaves the page again, so that the next Tab (in a scenario)
    // starts from the top as on a freshly loaded page, and the skip link
    // (shown in the flow while focused) hides again before any mouse click.
    await page.keyboard.press('Shift+Tab');
    const after = await focusInfo(page);
    assert.notEqual(after.text, skip, 'Shift+Tab from the skip link should leave it');
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
export async function navigateBy(page, action) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return response;
}

export async function goto(page, url, name) {
  const response = await page.goto(url, { waitUntil: 'load' });
  await checkPage(page, name);
  return response;
}

export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

export async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

export async function focusInfo(page) {
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
export async function expectFieldError(page, field, message) {
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

export async function expectNotice(page, message) {
  const notice = page.locator('main [role="status"]');
  assert.ok((await notice.count()) > 0, `expected the notice «${message}» on ${pathOf(page)}, found none`);
  assert.equal(await text(notice.first()), message);
}

export async function expectOnLogin(page) {
  const p = new URL(page.url()).pathname;
  assert.equal(p, '/logg-inn', `expected the login page, got ${pathOf(page)}`);
  assert.equal(await text(page.locator('h1')), 'Logg inn');
}

export async function login(page, username, password, name) {
  await goto(page, '/logg-inn', name || `login-${username}`);
  await page.fill('#brukernavn', username);
  await page.fill('#passord', password);
  const response = await navigateBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
  return response;
}

export function today() {
  return dateIn(0);
}

// The date `days` from today as dd.mm.yyyy (the app's date format).
export function dateIn(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
}

// Clicks or presses something that loads a new document, and returns the
// main-frame response of that document (after redirects). Unlike
// navigateBy it is not fooled by htmx's history.pushState, which Playwright
// counts as a navigation too.
export async function loadBy(page, action) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400),
    ),
    page.waitForEvent('load'),
    action(),
  ]);
  return response;
}
