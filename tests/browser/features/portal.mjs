// The family's portal (issue #12; crates/web/src/portal/, oidc/): scenarios
// u1–u9, the browser path of the issue — a guardian logs in through the
// OpenID provider, gives digital consent to PPT, PPT can then open the log,
// the guardian sees PPT's read in «Hvem har sett loggen», withdraws, PPT gets
// 404 — and the portal at 375 px, with the keyboard, a guardian without
// parental responsibility, the youth and nynorsk.
//
// The provider is the real one in ID-porten's role (tests/oidc/provider.mjs,
// npm oidc-provider), started by lib/server.mjs and named in Laget's
// `[idporten]`, so `--demo` mounts no demo provider. A browser meets its
// form «Testinnlogging (ikke ID-porten)»: a national identity number and a
// level of assurance. Its pages are not Laget's: they get a screenshot but
// no axe/title check (as Swagger UI in api.mjs).
//
// The log is Nora Ødegård's in Solsiden barnehage (crates/cli/src/
// demo_logs.rs): level 2, held by «ansatt» (Astrid Ansatt), with «ppt»
// (Petter PP-rådgiver, PPT Demo) on the team under a consent that expired
// twelve days ago, so PPT is on the team but not covered. Her guardians
// Kari and Sindre Ødegård have no national identity number in the demo:
// the staff form gives them synthetic ones (month plus 80, as
// NationalId::synthetic). No other feature uses this log.

import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS } from '../lib/config.mjs';
import { log, soft, scenario } from '../lib/runner.mjs';
import { oidcIssuer } from '../lib/server.mjs';
import {
  BASE,
  newContext,
  newPage,
  checkPage,
  goto,
  pathOf,
  text,
  expectFieldError,
  expectNotice,
  focusInfo,
  login,
  dateIn,
  loadBy,
  nextShotNo,
} from '../lib/browser.mjs';
import { DEMO_PASSWORD } from '../lib/demo.mjs';
import { bokmalWords } from './nynorsk.mjs';

// A synthetic national identity number (month plus 80) for a birth date, by
// the rules of NationalId::synthetic (crates/domain/src/children/
// national_id.rs): the first individual number from `seed` on whose two
// modulus-11 check digits exist.
export function syntheticNationalId(year, month, day, seed) {
  const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const check = (digits, weights) => {
    const k = 11 - (digits.reduce((s, d, i) => s + d * weights[i], 0) % 11);
    return k === 11 ? 0 : k === 10 ? null : k;
  };
  const [lo, hi] = year < 2000 ? [0, 499] : [500, 999];
  const head = `${String(day).padStart(2, '0')}${month + 80}${String(year % 100).padStart(2, '0')}`;
  for (let k = 0; k <= hi - lo; k++) {
    const individual = lo + ((seed + k) % (hi - lo + 1));
    const digits = [...head, ...String(individual).padStart(3, '0')].map(Number);
    const k1 = check(digits, W1);
    if (k1 === null) continue;
    digits.push(k1);
    const k2 = check(digits, W2);
    if (k2 === null) continue;
    digits.push(k2);
    return digits.join('');
  }
  return null;
}

// The birth date the demo gives a child of `months` months
// (crates/cli/src/demo_logs.rs: today less the months, as chrono's
// checked_sub_months, less months % 23 days).
function demoBirth(months) {
  const now = new Date();
  const first = new Date(now.getFullYear(), now.getMonth() - months, 1);
  const last = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
  const d = new Date(first.getFullYear(), first.getMonth(), Math.min(now.getDate(), last) - (months % 23));
  return [d.getFullYear(), d.getMonth() + 1, d.getDate()];
}

const PORTAL = {
  child: 'Nora Ødegård',
  firstName: 'Nora',
  lead: 'ansatt',
  ppt: 'ppt',
  pptName: 'Petter PP-rådgiver',
  pptUnit: 'PPT Demo',
  mother: 'Kari Ødegård',
  father: 'Sindre Ødegård',
  motherId: syntheticNationalId(1989, 5, 12, 77),
  fatherId: syntheticNationalId(1987, 2, 3, 78),
  badId: '12858907704', // the mother's with a wrong check digit
  validTo: dateIn(180),
  // The youth (Markus Iversen, 200 months old, his own log at the health
  // station, held by «helsesykepleier»): his number is the child's, made by
  // the demo (crates/cli/src/demo_portal.rs, YOUTH_SEED 1601).
  youth: 'Markus Iversen',
  youthId: syntheticNationalId(...demoBirth(200), 1601),
  youthUnit: 'Utekontakten',
  // «Nabo kommune» writes nynorsk; Solveig Haugland is Eirik Haugland's
  // mother there (crates/web/src/oidc/demo_provider.rs PERSONS: born
  // 23.06.1982, seed 43).
  nabo: 'Solveig Haugland',
  naboChild: 'Eirik Haugland',
  naboId: syntheticNationalId(1982, 6, 23, 43),
  // Filled in as the scenarios go.
  childHref: null,
  logHref: null, // staff: /logger/{id}
  familyHref: null, // portal: /familie/logger/{id}
  consentGiven: false,
  withdrawn: false,
};

// The cards of a page keep their values readable: no value of a card's
// description list squeezed into a narrow column (letter by letter), and
// the card's content not against its border.
async function cardsReadable(page) {
  const bad = await page.evaluate(() => {
    const out = [];
    for (const card of document.querySelectorAll('main .ds-card')) {
      const box = card.getBoundingClientRect();
      for (const dd of card.querySelectorAll('dd')) {
        const w = dd.getBoundingClientRect().width;
        if (dd.textContent.trim().length > 3 && w < 60) out.push(`«${dd.textContent.trim().slice(0, 30)}» is ${Math.round(w)} px wide`);
      }
      const first = card.querySelector('h2, h3, h4');
      if (first) {
        const gap = first.getBoundingClientRect().left - box.left;
        if (gap < 8) out.push(`«${first.textContent.trim().slice(0, 30)}» is ${Math.round(gap)} px from its card's border`);
      }
    }
    return out;
  });
  soft(() => assert.deepEqual(bad, [], `cards on ${pathOf(page)} at ${page.viewportSize().width} px: ${bad.join('; ')}`));
}

// A screenshot of a page that is not Laget's (the provider's), in the run's
// numbering; no a11y line (a third party's page).
async function shot(page, name) {
  await page.waitForLoadState('load');
  const label = `${nextShotNo()}-${name}`;
  await page.screenshot({ path: path.join(SHOTS, `${label}.png`), fullPage: true });
  return label;
}

// The page is no wider than its window (nothing to scroll sideways).
async function fitsWidth(page) {
  const [wide, width, culprits] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    innerWidth,
    [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
      .slice(-3)
      .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`),
  ]);
  soft(() => assert.ok(wide <= width, `${pathOf(page)} is ${wide} px wide in a ${width} px window (it scrolls sideways): ${culprits.join(' ')}`));
}

// Laget's login page for families → «Logg inn med ID-porten» → the
// provider's form, as a person does it. Returns whether the browser got to
// the provider; when Laget's page blocks the way there (the CSP's
// form-action), it says so as a failed check and returns false.
async function toProvider(page, name, report) {
  const resp = await goto(page, '/familie/logg-inn', `${name}-portal-login`);
  assert.equal(resp.status(), 200);
  assert.equal(await text(page.locator('h1')), 'Logg inn på familiens side');
  const violations = [];
  const onConsole = (m) => {
    if (/Content Security Policy/.test(m.text())) violations.push(m.text());
  };
  page.on('console', onConsole);
  try {
    await page.getByRole('button', { name: 'Logg inn med ID-porten', exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(`${oidcIssuer}/interaction/`), { timeout: 8_000 });
    return true;
  } catch {
    const why =
      `«Logg inn med ID-porten» did not lead to the provider (${oidcIssuer}); the browser stayed at ${pathOf(page)}` +
      (violations.length ? `: ${violations[0].split('\n')[0]}` : '');
    if (report) soft(() => assert.fail(why));
    else log(`    (note) ${why} (a failed check of u2)`);
    return false;
  } finally {
    page.off('console', onConsole);
  }
}

// At the provider: the number and the level, «Logg inn»; back in Laget.
async function atProvider(page, nationalId, name, level = 'idporten-loa-high') {
  assert.equal(await text(page.locator('h1')), 'Testinnlogging (ikke ID-porten)');
  await shot(page, `${name}-provider-login`);
  await page.fill('#pid', nationalId);
  await page.locator(`input[name="acr"][value="${level}"]`).check();
  return loadBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
}

// A citizen's whole login in `ctx`. When Laget's page cannot reach the
// provider (see toProvider, a failed check of its own), the login is done
// in a helper context that does not enforce the CSP and its cookies (Laget's
// session, the provider's) are moved over, so the rest of the path still
// runs under the real CSP. Returns the answer of the page landed on.
async function citizenLogin(ctx, page, nationalId, name, { level, report = false } = {}) {
  if (await toProvider(page, name, report)) return atProvider(page, nationalId, name, level);
  log('    (note) logging in through a context without CSP for the rest of the path (see u2)');
  const helper = await newContext({ bypassCSP: true });
  try {
    const p = await newPage(helper);
    await p.goto('/familie/logg-inn', { waitUntil: 'load' });
    await p.getByRole('button', { name: 'Logg inn med ID-porten', exact: true }).click();
    await p.waitForURL((u) => u.href.startsWith(`${oidcIssuer}/interaction/`));
    await atProvider(p, nationalId, name, level);
    await ctx.addCookies(await helper.cookies());
  } finally {
    await helper.close();
  }
  return page.goto('/familie', { waitUntil: 'load' });
}

// A staff member opens the log: 404, the same as for a log that does not
// exist, naming no child.
async function expectHidden(page, url, name, who) {
  const resp = await page.goto(url, { waitUntil: 'load' });
  await checkPage(page, name);
  assert.equal(resp.status(), 404, `${who} should get 404 for ${url}, got ${resp.status()}`);
  assert.equal(await text(page.locator('h1')), 'Fant ikke siden');
  assert.equal(await page.getByText(PORTAL.child).count(), 0, `the 404 page for ${who} should not name the child`);
}

// The staff guardian form: set a guardian's national identity number (and
// parental responsibility), returning the answer.
async function guardianForm(page, guardian, fields, name) {
  await goto(page, PORTAL.childHref, `${name}-child`);
  const resp = await loadBy(page, () => page.getByRole('link', { name: `Endre: ${guardian}`, exact: true }).click());
  await checkPage(page, `${name}-guardian-form`);
  assert.equal(resp.status(), 200);
  assert.equal(await text(page.locator('h1')), 'Endre foresatt');
  if (fields.nationalId !== undefined) await page.fill('#fodselsnummer', fields.nationalId);
  if (fields.responsible !== undefined) await page.locator('#foreldreansvar').setChecked(fields.responsible);
  return loadBy(page, () => page.locator('main form').first().getByRole('button', { name: 'Lagre', exact: true }).click());
}

// The portal's link to a page of the log (consent, voice, requests), or
// the address itself when the log page has no such link (a failed check).
async function portalLink(page, suffix, what) {
  const href = `${PORTAL.familyHref}${suffix}`;
  const link = page.locator(`main a[href="${href}"]`);
  if ((await link.count()) === 0) {
    soft(() => assert.fail(`the portal's log page ${pathOf(page)} has no link to ${what} (${href})`));
    return href;
  }
  return href;
}

export async function portal() {
  const staffCtx = await newContext();
  const pptCtx = await newContext();
  const guardianCtx = await newContext();
  const staff = await newPage(staffCtx);
  const ppt = await newPage(pptCtx);
  const guardian = await newPage(guardianCtx);
  try {
    // u1. The lead gives the mother her national identity number in the
    // child's guardian form (a wrong check digit refused beside the field,
    // 422, the value kept); PPT, on the team but not covered by a valid
    // consent, gets 404 for the log.
    await scenario('u1. the lead sets the mother\'s national identity number (a wrong one refused beside the field, 422, kept); PPT on the team without a valid consent gets 404', async () => {
      assert.ok(PORTAL.motherId && PORTAL.fatherId && PORTAL.youthId && PORTAL.naboId, 'synthetic numbers');
      await login(staff, PORTAL.lead, DEMO_PASSWORD, 'u1-login-lead');
      await goto(staff, '/barn', 'u1-children');
      const row = staff.locator('main tbody tr').filter({ hasText: PORTAL.child });
      assert.equal(await row.count(), 1, `«${PORTAL.child}» is among Solsiden's children`);
      PORTAL.childHref = await row.locator('a[href^="/barn/"]').first().getAttribute('href');
      PORTAL.logHref = await row.locator('a[href^="/logger/"]').first().getAttribute('href');
      assert.ok(PORTAL.childHref && PORTAL.logHref, 'the child and the log are linked');
      PORTAL.familyHref = `/familie${PORTAL.logHref}`;

      let resp = await guardianForm(staff, PORTAL.mother, { nationalId: PORTAL.badId }, 'u1-bad-id');
      await checkPage(staff, 'u1-guardian-bad-id');
      soft(() => assert.equal(resp.status(), 422, `a wrong national identity number should answer 422, got ${resp.status()}`));
      await expectFieldError(staff, 'fodselsnummer', /fødselsnummer/i);
      assert.equal(await staff.inputValue('#fodselsnummer'), PORTAL.badId, 'the number typed is kept');
      assert.equal(await staff.inputValue('#navn'), PORTAL.mother, 'the name is kept');

      await staff.fill('#fodselsnummer', PORTAL.motherId);
      resp = await loadBy(staff, () => staff.locator('main form').first().getByRole('button', { name: 'Lagre', exact: true }).click());
      await checkPage(staff, 'u1-guardian-saved');
      assert.ok(resp.status() < 400, `saving the number answered ${resp.status()}`);
      const main = await text(staff.locator('main'));
      assert.ok(!main.includes(PORTAL.motherId), 'the child\'s page never shows the whole number');

      // The father: a number too, and no parental responsibility (the demo
      // municipality asks consent of every guardian with parental
      // responsibility, «alle foresatte»: the mother alone gives it, and u7
      // has a guardian without responsibility).
      resp = await guardianForm(staff, PORTAL.father, { nationalId: PORTAL.fatherId, responsible: false }, 'u1-father');
      await checkPage(staff, 'u1-father-saved');
      assert.ok(resp.status() < 400, `saving the father answered ${resp.status()}`);
      const guardians = await text(staff.locator('main'));
      assert.ok(guardians.includes(`${PORTAL.father} – Far`) && !guardians.includes(`${PORTAL.father} – Far · foreldreansvar`), 'the father has no parental responsibility now');

      // The lead's log: PPT on the team, flagged as not covered.
      resp = await goto(staff, PORTAL.logHref, 'u1-log-lead');
      assert.equal(resp.status(), 200);
      const team = await text(staff.locator('main'));
      assert.ok(team.includes(PORTAL.pptName), `PPT (${PORTAL.pptName}) is on the team`);
      assert.ok(team.includes('Ikke dekket av samtykke'), 'PPT is flagged as not covered by a consent');

      await login(ppt, PORTAL.ppt, DEMO_PASSWORD, 'u1-login-ppt');
      await expectHidden(ppt, PORTAL.logHref, 'u1-log-hidden-from-ppt', 'PPT (on the team, consent expired)');
    });

    // u2. The mother logs in with ID-porten's role: Laget's page, the
    // provider's form (number, level «Høyt»), back to «Familiens side» with
    // a card for the child; the log opens.
    await scenario('u2. the mother logs in through the OpenID provider (Laget\'s button, the provider\'s form) and lands on «Familiens side» with Nora\'s log', async () => {
      assert.ok(PORTAL.familyHref, 'needs u1');
      // Anonymous: the portal sends to its login page with «neste».
      let resp = await guardian.goto(PORTAL.familyHref, { waitUntil: 'load' });
      assert.equal(new URL(guardian.url()).pathname, '/familie/logg-inn', `an anonymous visit to the portal should land on its login page, got ${pathOf(guardian)}`);
      resp = await citizenLogin(guardianCtx, guardian, PORTAL.motherId, 'u2', { report: true });
      await checkPage(guardian, 'u2-portal-home');
      assert.equal(resp.status(), 200);
      assert.equal(new URL(guardian.url()).pathname, '/familie', `after the login: ${pathOf(guardian)}`);
      assert.equal(await text(guardian.locator('h1')), 'Familiens side');
      assert.match(await text(guardian.locator('header')), /Innlogget med ID-porten/);
      const card = guardian.locator('main .ds-card').filter({ has: guardian.locator(`a[href="${PORTAL.familyHref}"]`) });
      assert.equal(await card.count(), 1, `a card links to ${PORTAL.familyHref}`);
      const c = await text(card);
      for (const part of ['Nivå 2', 'Astrid Ansatt', 'Åpen']) assert.ok(c.replace(/\s+/g, '').includes(part.replace(/\s+/g, '')), `the card shows «${part}»: «${c}»`);
      await cardsReadable(guardian);

      resp = await loadBy(guardian, () => card.locator(`a[href="${PORTAL.familyHref}"]`).click());
      await checkPage(guardian, 'u2-portal-log');
      assert.equal(resp.status(), 200);
      assert.equal(await text(guardian.locator('h1')), `Stafettloggen – ${PORTAL.child}`);
      const team = await text(guardian.locator('section[aria-labelledby="laget"]'));
      assert.ok(team.includes(PORTAL.pptName), `the family sees PPT on the team: «${team}»`);
    });

    // u3. Digital consent: without «Jeg samtykker …» the form is refused
    // beside the box (422, the units, purposes and date kept); then, with
    // the keyboard only, PPT for sharing and meetings until a date; the
    // consent is in the history as given digitally, and PPT reads the log
    // («På laget, med samtykke»).
    await scenario('u3. the mother gives digital consent to PPT (no confirmation refused beside the box, 422, choices kept; then with the keyboard only); PPT then opens the log (200, «På laget, med samtykke»)', async () => {
      assert.ok(PORTAL.familyHref, 'needs u1');
      await goto(guardian, PORTAL.familyHref, 'u3-portal-log');
      const href = await portalLink(guardian, '/samtykke', '«Samtykke»');
      let resp = await goto(guardian, href, 'u3-consent');
      assert.equal(resp.status(), 200);
      assert.equal(await text(guardian.locator('h1')), 'Samtykke');
      const history = await text(guardian.locator('main'));
      assert.match(history, /Utløpt \d\d\.\d\d\.\d{4}/, 'the expired consent is in the history');

      // No confirmation: refused beside the box, the choices kept.
      await guardian.locator('#enheter').getByLabel(PORTAL.pptUnit, { exact: true }).check();
      await guardian.locator('#formal').getByLabel('Delta i møter om barnet', { exact: true }).check();
      await guardian.fill('#gyldig_til', PORTAL.validTo);
      resp = await loadBy(guardian, () => guardian.getByRole('button', { name: 'Gi samtykke', exact: true }).click());
      await checkPage(guardian, 'u3-consent-unconfirmed');
      soft(() => assert.equal(resp.status(), 422, `a consent without the confirmation should answer 422, got ${resp.status()}`));
      await expectFieldError(guardian, 'bekreft', /\S/);
      const err = await text(guardian.locator('#bekreft-error'));
      assert.match(err, /[æøåÆØÅ]|samtykke|kryss|bekreft/i, `the error is Norwegian: «${err}»`);
      assert.ok(await guardian.locator('#enheter').getByLabel(PORTAL.pptUnit, { exact: true }).isChecked(), 'PPT stays chosen');
      assert.ok(await guardian.locator('#formal').getByLabel('Delta i møter om barnet', { exact: true }).isChecked(), 'the purpose stays chosen');
      assert.ok(await guardian.locator('#formal').getByLabel('Dele opplysninger om barnet', { exact: true }).isChecked(), 'sharing stays chosen');
      assert.equal(await guardian.inputValue('#gyldig_til'), PORTAL.validTo, 'the date is kept');

      // With the keyboard alone, from the top of a fresh form: Tab to
      // PPT's box, Space; Tab on to the date, type; Tab to the
      // confirmation, Space; Enter on «Gi samtykke».
      resp = await goto(guardian, href, 'u3-consent-keyboard');
      await guardian.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
      const tabTo = async (want, what, max = 80) => {
        for (let i = 0; i < max; i++) {
          await guardian.keyboard.press('Tab');
          const f = await focusInfo(guardian);
          if (want(f)) {
            assert.ok(f.visible, `${what} is visible when focused`);
            return f;
          }
        }
        throw new Error(`${what} was not reached with Tab`);
      };
      const pptBox = await guardian.locator('#enheter').getByLabel(PORTAL.pptUnit, { exact: true }).getAttribute('id');
      await tabTo((f) => f.id === pptBox, `the box «${PORTAL.pptUnit}»`);
      await guardian.keyboard.press('Space');
      await tabTo((f) => f.id === 'formal-2', '«Delta i møter om barnet»');
      await guardian.keyboard.press('Space');
      await tabTo((f) => f.id === 'gyldig_til', '«Gyldig til og med»');
      await guardian.keyboard.press('ControlOrMeta+a');
      await guardian.keyboard.type(PORTAL.validTo);
      await tabTo((f) => f.id === 'bekreft', 'the confirmation box');
      await guardian.keyboard.press('Space');
      const submit = await tabTo((f) => f.tag === 'button' && f.text === 'Gi samtykke', '«Gi samtykke»', 5);
      assert.ok(submit);
      resp = await loadBy(guardian, () => guardian.keyboard.press('Enter'));
      await checkPage(guardian, 'u3-consent-given');
      assert.ok(resp.status() < 400, `giving the consent answered ${resp.status()}`);
      const notice = guardian.locator('main [role="status"]');
      assert.ok((await notice.count()) > 0, `a notice after the consent on ${pathOf(guardian)}`);
      log(`    (note) notice after the consent: «${await text(notice.first())}»`);
      const given = guardian.locator('main article.ds-card').filter({ hasText: PORTAL.pptUnit }).filter({ hasText: 'digitalt med ID-porten' });
      assert.equal(await given.count(), 1, 'the history shows the digital consent to PPT');
      const g = await text(given);
      assert.ok(g.includes(`Gyldig til og med ${PORTAL.validTo}`), `the consent is valid to the date given: «${g}»`);
      assert.ok(g.includes('Delta i møter om barnet') && g.includes('Dele opplysninger om barnet'), `both purposes: «${g}»`);
      await cardsReadable(guardian);
      PORTAL.consentGiven = true;

      // PPT reads the log now.
      resp = await goto(ppt, PORTAL.logHref, 'u3-log-ppt');
      assert.equal(resp.status(), 200, `PPT should read the log under the digital consent, got ${resp.status()}`);
      assert.match(await text(ppt.locator('section[aria-labelledby="oppsummering"]')), /På laget, med samtykke/);
      // The staff log page tells it was given digitally.
      await goto(staff, PORTAL.logHref, 'u3-log-lead');
      const consents = await text(staff.locator('section[aria-labelledby="samtykke"]'));
      assert.match(consents, /Gitt digitalt av .*ID-porten/, `the staff log page says the consent was given digitally: «${consents.slice(0, 300)}»`);
    });

    // u4. «Hvem har sett loggen» shows PPT's read, by name and unit, with
    // the ground «På laget, med samtykke»; the mother's own reads too.
    await scenario('u4. the mother sees PPT\'s read in «Hvem har sett loggen» (who, unit, «På laget, med samtykke»)', async () => {
      assert.ok(PORTAL.consentGiven, 'needs u3');
      await goto(guardian, PORTAL.familyHref, 'u4-portal-log');
      const resp = await loadBy(guardian, () => guardian.getByRole('link', { name: 'Hvem har sett loggen', exact: true }).click());
      await checkPage(guardian, 'u4-seen');
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(guardian), `${PORTAL.familyHref}/innsyn`);
      assert.equal(await text(guardian.locator('h1')), 'Hvem har sett loggen');
      const rows = guardian.locator('main tbody tr').filter({ hasText: PORTAL.pptName });
      assert.ok((await rows.count()) >= 1, 'PPT is in the list');
      const read = rows.filter({ hasText: 'Leste loggen' }).first();
      assert.equal(await read.count(), 1, 'PPT\'s read of the log is listed');
      const r = await text(read);
      assert.ok(r.includes(PORTAL.pptUnit), `the row names PPT's unit: «${r}»`);
      assert.ok(r.includes('På laget, med samtykke'), `the row gives the ground «På laget, med samtykke»: «${r}»`);
      const mine = guardian.locator('main tbody tr').filter({ hasText: 'Foresatt' });
      soft(() => assert.ok(mine, 'the mother\'s own reads'));
    });

    // u5. The mother withdraws the consent: PPT's next request is a 404;
    // she logs out, at the provider too, and is back on the portal's login
    // page; a new login asks the provider's form again (its session ended).
    await scenario('u5. the mother withdraws the consent, PPT\'s next request is 404; she logs out (at the provider too) and is back on the portal\'s login page', async () => {
      assert.ok(PORTAL.consentGiven, 'needs u3');
      await goto(guardian, `${PORTAL.familyHref}/samtykke`, 'u5-consent');
      const card = guardian.locator('main article.ds-card').filter({ hasText: 'digitalt med ID-porten' }).filter({ hasText: 'Gyldig til og med' });
      assert.equal(await card.count(), 1, 'the digital consent may be withdrawn');
      await card.locator('summary').click();
      await card.locator('textarea[name="begrunnelse"]').fill('Vi vil snakke med PPT først.');
      let resp = await loadBy(guardian, () => card.getByRole('button', { name: 'Trekk tilbake samtykket', exact: true }).click());
      await checkPage(guardian, 'u5-consent-withdrawn');
      assert.ok(resp.status() < 400, `withdrawing answered ${resp.status()}`);
      const after = guardian.locator('main article.ds-card').filter({ hasText: 'digitalt med ID-porten' });
      assert.match(await text(after.first()), /Trukket tilbake \d\d\.\d\d\.\d{4}/);
      PORTAL.withdrawn = true;

      await expectHidden(ppt, PORTAL.logHref, 'u5-log-hidden-from-ppt', 'PPT (the digital consent withdrawn)');

      // Logging out: Laget, then the provider's question, then back.
      const violations = [];
      const onConsole = (m) => /Content Security Policy/.test(m.text()) && violations.push(m.text());
      guardian.on('console', onConsole);
      await goto(guardian, '/familie', 'u5-portal-home');
      try {
        await guardian.locator('header').getByRole('button', { name: 'Logg ut', exact: true }).click();
        await guardian.waitForURL((u) => u.href.startsWith(oidcIssuer), { timeout: 8_000 });
        await shot(guardian, 'u5-provider-logout');
        await loadBy(guardian, () => guardian.getByRole('button', { name: 'Ja, logg meg ut', exact: true }).click());
        await checkPage(guardian, 'u5-logged-out');
        assert.equal(new URL(guardian.url()).pathname, '/familie/logg-inn', `after logging out: ${pathOf(guardian)}`);
        await expectNotice(guardian, 'Du er logget ut.');
      } catch (e) {
        soft(() =>
          assert.fail(
            `«Logg ut» did not lead through the provider's logout back to the portal's login page; the browser is at ${pathOf(guardian)}: ` +
              (violations.length ? violations[0].split('\n')[0] : e.message.split('\n')[0]),
          ),
        );
      } finally {
        guardian.off('console', onConsole);
      }
      // Laget's session has ended either way.
      await guardian.goto('/familie', { waitUntil: 'load' });
      assert.equal(new URL(guardian.url()).pathname, '/familie/logg-inn', 'the portal asks for a login again');
      // The provider's session ended: a new login shows its form again
      // (followed in a context without the CSP, with this one's cookies).
      const helper = await newContext({ bypassCSP: true });
      try {
        await helper.addCookies(await guardianCtx.cookies());
        const p = await newPage(helper);
        await p.goto('/familie/logg-inn', { waitUntil: 'load' });
        await p.getByRole('button', { name: 'Logg inn med ID-porten', exact: true }).click();
        await p.waitForURL((u) => u.href.startsWith(oidcIssuer) || u.pathname === '/familie');
        await p.waitForLoadState('load');
        soft(() =>
          assert.ok(
            p.url().startsWith(`${oidcIssuer}/interaction/`),
            `the provider's session should have ended with the logout, but a new login went straight on to ${p.url()}`,
          ),
        );
      } finally {
        await helper.close();
      }
    });

    // u6. Every portal page at 375 px: nothing scrolls sideways, axe passes
    // (checkPage), and the consent form is usable.
    await scenario('u6. the portal\'s pages at 375 px (login, overview, log, «Hvem har sett loggen», consent, voice, requests) do not scroll sideways', async () => {
      assert.ok(PORTAL.familyHref, 'needs u1');
      const phoneCtx = await newContext({ viewport: { width: 375, height: 812 } });
      try {
        const phone = await newPage(phoneCtx);
        await goto(phone, '/familie/logg-inn', 'u6-phone-login');
        await fitsWidth(phone);
        const resp = await citizenLogin(phoneCtx, phone, PORTAL.motherId, 'u6');
        await checkPage(phone, 'u6-phone-home');
        assert.equal(resp.status(), 200);
        await fitsWidth(phone);
        for (const [suffix, name] of [
          ['', 'log'],
          ['/innsyn', 'seen'],
          ['/samtykke', 'consent'],
          ['/stemme', 'voice'],
          ['/be-om', 'requests'],
        ]) {
          const r = await goto(phone, `${PORTAL.familyHref}${suffix}`, `u6-phone-${name}`);
          soft(() => assert.equal(r.status(), 200, `${PORTAL.familyHref}${suffix} answered ${r.status()}`));
          await fitsWidth(phone);
        }
      } finally {
        await phoneCtx.close();
      }
    });

    // u7. A guardian without parental responsibility (the father, given a
    // number and no parental responsibility in u1) logs in, sees no log,
    // and the log's address is a 404 page.
    await scenario('u7. a guardian without parental responsibility logs in, sees no log, and gets 404 for it', async () => {
      assert.ok(PORTAL.familyHref, 'needs u1 (the father\'s number, no parental responsibility)');
      const ctx = await newContext();
      try {
        const page = await newPage(ctx);
        const resp = await citizenLogin(ctx, page, PORTAL.fatherId, 'u7');
        await checkPage(page, 'u7-father-home');
        assert.equal(resp.status(), 200);
        assert.equal(new URL(page.url()).pathname, '/familie');
        assert.equal(await page.locator(`main a[href^="/familie/logger/"]`).count(), 0, 'no log is listed');
        assert.equal(await page.getByText(PORTAL.child).count(), 0, 'the child is not named');
        const r = await page.goto(PORTAL.familyHref, { waitUntil: 'load' });
        await checkPage(page, 'u7-father-log-404');
        assert.equal(r.status(), 404, `the father without parental responsibility should get 404, got ${r.status()}`);
        assert.equal(await page.getByText(PORTAL.child).count(), 0, 'the 404 page names no child');
        const s = await page.goto(`${PORTAL.familyHref}/innsyn`, { waitUntil: 'load' });
        assert.equal(s.status(), 404, `«Hvem har sett loggen» for him: ${s.status()}`);
      } finally {
        await ctx.close();
      }
    });

    // u8. The youth (15 or older) logs in, sees his own log («Din logg»),
    // and consents for himself.
    await scenario('u8. the youth logs in, sees his own log and consents for himself', async () => {
      const ctx = await newContext();
      try {
        const page = await newPage(ctx);
        const resp = await citizenLogin(ctx, page, PORTAL.youthId, 'u8');
        await checkPage(page, 'u8-youth-home');
        assert.equal(resp.status(), 200);
        const link = page.locator('main a[href^="/familie/logger/"]');
        assert.equal(await link.count(), 1, `the youth sees one log: «${await text(page.locator('main'))}»`);
        const main = await text(page.locator('main'));
        soft(() => assert.ok(main.includes('Din logg') || main.includes(PORTAL.youth.split(' ')[0]), `the card is his own log: «${main}»`));
        const href = await link.getAttribute('href');
        let r = await loadBy(page, () => link.click());
        await checkPage(page, 'u8-youth-log');
        assert.equal(r.status(), 200);
        r = await goto(page, `${href}/samtykke`, 'u8-youth-consent');
        assert.equal(r.status(), 200);
        await page.locator('#enheter').getByLabel(PORTAL.youthUnit, { exact: true }).check();
        await page.locator('#bekreft').check();
        r = await loadBy(page, () => page.getByRole('button', { name: 'Gi samtykke', exact: true }).click());
        await checkPage(page, 'u8-youth-consented');
        assert.ok(r.status() < 400, `the youth's consent answered ${r.status()}`);
        const given = page.locator('main article.ds-card').filter({ hasText: PORTAL.youthUnit }).filter({ hasText: 'digitalt med ID-porten' });
        assert.equal(await given.count(), 1, 'his digital consent to Utekontakten is in the history');
        const g = await text(given);
        assert.match(g, /Gitt av (deg|ungdommen)/, `given by the youth himself: «${g}»`);
      } finally {
        await ctx.close();
      }
    });

    // u9. Nynorsk: the mother of a child in «Nabo kommune» (which writes
    // nynorsk) logs in, sees Eirik's log, and chooses nynorsk on the consent
    // page (/familie/sprak): the pages are then in nynorsk (lang="nn"), the
    // choice kept on the next page.
    await scenario('u9. nynorsk: a guardian in «Nabo kommune» sees her child\'s log and chooses nynorsk (/familie/sprak): lang="nn" from then on', async () => {
      const ctx = await newContext();
      try {
        const page = await newPage(ctx);
        const resp = await citizenLogin(ctx, page, PORTAL.naboId, 'u9');
        await checkPage(page, 'u9-nabo-home');
        assert.equal(resp.status(), 200);
        const lang = await page.evaluate(() => document.documentElement.lang);
        if (lang !== 'nn') log(`    (note) the portal of a guardian in the nynorsk municipality opens in «${lang}» until she chooses`);
        const link = page.locator('main a[href^="/familie/logger/"]');
        assert.equal(await link.count(), 1, `«${PORTAL.naboChild}»'s log is listed`);
        const href = await link.getAttribute('href');
        let r = await goto(page, `${href}/samtykke`, 'u9-consent');
        assert.equal(r.status(), 200);
        await page.locator('summary').filter({ hasText: /^Språk$/ }).click();
        await page.getByLabel('Nynorsk', { exact: true }).check();
        r = await loadBy(page, () => page.getByRole('button', { name: /^(Bytt språk|Byt språk)$/ }).click());
        await checkPage(page, 'u9-consent-nn');
        assert.ok(r.status() < 400, `choosing nynorsk answered ${r.status()}`);
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'nn', 'nynorsk chosen: lang="nn"');
        assert.equal(await text(page.locator('h1')), 'Samtykke');
        const nynorskOnly = async (what) => {
          const visible = await page.evaluate(() => document.querySelector('main').innerText);
          const found = bokmalWords(visible);
          for (const m of visible.matchAll(/[^\n]*\bBarnets\b[^\n]*/g)) found.push(`«Barnets» in «${m[0].trim().slice(0, 80)}»`);
          soft(() => assert.deepEqual(found, [], `${what} (${pathOf(page)}) shows bokmål: ${found.join('; ')}`));
        };
        await nynorskOnly('the consent page in nynorsk');
        r = await goto(page, href, 'u9-log-nn');
        assert.equal(r.status(), 200);
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'nn', 'the choice holds on the next page');
        assert.match(await text(page.locator('h1')), new RegExp(PORTAL.naboChild));
        await nynorskOnly('the log in nynorsk');
      } finally {
        await ctx.close();
      }
    });
  } finally {
    await staffCtx.close();
    await pptCtx.close();
    await guardianCtx.close();
  }
}
