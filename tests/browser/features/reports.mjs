// Reports of concern (issue #13; crates/web/src/reports/form.rs, inbox.rs,
// feedback.rs): scenarios r1–r6, the browser path of the issue — a log at
// level 3 → the report written from it (prefilled) → child welfare
// acknowledges receipt and opens an investigation → the reporter sees it, in
// Laget and by e-mail (read from the real SMTP server, naming no child).
//
// The log is Alva Kristiansen's in Solsiden barnehage (crates/cli/src/
// demo_logs.rs): level 2, held by «ansatt» (Astrid Ansatt), PPT on the team
// under a consent, a catalogue measure evaluated («Språkstimulering og
// språkobservasjon i barnehagen»), a national identity number and two
// guardians with parental responsibility. Child welfare («barnevern», Bente
// Barnevern in «Barnevernstjenesten Demo og Nabo», which serves Demo and
// Nabo kommune) is NOT on her team, so the report must not open the log to
// them. casework.mjs (d15) links an anonymous consultation to this log;
// nothing else changes it.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { log, soft, scenario } from '../lib/runner.mjs';
import { mailDir, mailProblem, tempDir } from '../lib/server.mjs';
import { newContext, newPage, checkPage, goto, pathOf, text, expectFieldError, expectNotice, focusInfo, login, loadBy } from '../lib/browser.mjs';
import { DEMO_PASSWORD, MUNICIPALITY, stamp } from '../lib/demo.mjs';

export const REPORT = {
  child: 'Alva Kristiansen',
  lead: 'ansatt',
  leadName: 'Astrid Ansatt',
  leadAddress: 'ansatt@demo.kommune.example',
  leader: 'leder',
  unit: 'Solsiden barnehage',
  measure: 'Språkstimulering og språkobservasjon i barnehagen',
  guardians: ['Maria Kristiansen', 'Eirik Kristiansen'],
  welfare: 'barnevern',
  welfareName: 'Bente Barnevern',
  welfareUnit: 'Barnevernstjenesten Demo og Nabo',
  levelReason: `Språkvanskene er ikke bedret etter åtte uker med tiltak, og Alva har fortalt om vold hjemme (${stamp}).`,
  bestInterest: 'Det er til Alvas beste at barneverntjenesten får vite det barnehagen har sett, så hun kan få hjelp hjemme.',
  concern: `Alva sa i dag at pappa slo mamma i går kveld, og at hun gjemte seg under senga (${stamp}).`,
  otherViews: `Pedagogisk leder deler bekymringen (${stamp}).`,
  badPhone: '91a 23 456',
  phone: '+47 912 34 567',
  childNotInformed: 'Alva er fire år; hun er for liten til å forstå hva en melding er.',
  // A colleague in Solsiden barnehage (no leader) made by r5.
  colleague: {
    name: `Kari Kollega ${stamp}`,
    username: `kollega.${stamp}`,
    email: `kollega.${stamp}@demo.kommune.no`,
    password: 'Rabarbra-Paraply-Fyrlykt-31',
  },
  // Filled in as the scenarios go.
  logHref: null,
  reportHref: null, // /bekymringsmeldinger/{id}
  reportId: null,
  childNationalId: null,
  district: null,
  askedCosign: false,
  sent: false,
  inboxHref: null, // /barnevern/{unit}/meldinger
  inboxReportHref: null,
  acknowledged: false,
  investigated: false,
};

// ---------------------------------------------------------------- e-mail

async function receivedMail() {
  if (!mailDir) return [];
  const files = (await readdir(mailDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
  const out = [];
  for (const f of files) out.push({ file: f, ...JSON.parse(await readFile(path.join(mailDir, f), 'utf8')) });
  return out;
}

function header(mail, name) {
  const key = Object.keys(mail.headers || {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? mail.headers[key] : '';
}

async function waitForMail(match, what, ms = 30_000) {
  assert.ok(mailDir, `cannot read e-mail: ${mailProblem}`);
  const until = Date.now() + ms;
  for (;;) {
    const found = (await receivedMail()).filter(match);
    if (found.length) return found;
    if (Date.now() > until) {
      const all = await receivedMail();
      throw new Error(`no e-mail ${what} arrived within ${ms / 1000} s; the SMTP server got ${all.length}: ${all.slice(-5).map((m) => `${header(m, 'To')} «${header(m, 'Subject')}»`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---------------------------------------------------------------- helpers

// The page is no wider than its window (nothing to scroll sideways).
async function fitsWidth(page) {
  const [wide, width, culprits] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    innerWidth,
    [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 || (e.clientWidth > 20 && e.scrollWidth > e.clientWidth + 1))
      .slice(-3)
      .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`),
  ]);
  soft(() => assert.ok(wide <= width, `${pathOf(page)} is ${wide} px wide in a ${width} px window (it scrolls sideways): ${culprits.join(' ')}`));
}

// A 404 page that names no child.
async function expectHidden(page, url, name, who, child) {
  const resp = await page.goto(url, { waitUntil: 'load' });
  await checkPage(page, name);
  assert.equal(resp.status(), 404, `${who} should get 404 for ${url}, got ${resp.status()}`);
  assert.equal(await text(page.locator('h1')), 'Fant ikke siden');
  assert.equal(await page.getByText(child).count(), 0, `the 404 page for ${who} should not name the child`);
}

// Presses Tab until `want(focus)` holds (at most `max` times).
async function tabTo(page, want, what, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusInfo(page);
    if (want(f)) {
      assert.ok(f.visible, `${what} is visible when focused`);
      return f;
    }
  }
  throw new Error(`${what} was not reached with Tab`);
}

// The value of a field of the report view's description lists («Navn» →
// «Alva Kristiansen»), from all of them.
async function mainText(page) {
  return text(page.locator('main'));
}

export async function reports() {
  const staffCtx = await newContext();
  const welfareCtx = await newContext();
  const staff = await newPage(staffCtx);
  const welfare = await newPage(welfareCtx);
  try {
    // r1. The lead takes Alva's log from level 2 to level 3: the log page
    // then asks for a report of concern, with «Skriv bekymringsmelding».
    await scenario('r1. ansatt takes Alva Kristiansen\'s log from Nivå 2 to Nivå 3; the log page prompts a report of concern with «Skriv bekymringsmelding»', async () => {
      await login(staff, REPORT.lead, DEMO_PASSWORD, 'r1-login-ansatt');
      await goto(staff, '/barn', 'r1-children');
      const row = staff.locator('main tbody tr').filter({ hasText: REPORT.child });
      assert.equal(await row.count(), 1, `«${REPORT.child}» is among ${REPORT.unit}'s children`);
      REPORT.logHref = await row.locator('a[href^="/logger/"]').first().getAttribute('href');
      assert.ok(REPORT.logHref, 'the child\'s log is linked');
      let resp = await goto(staff, REPORT.logHref, 'r1-log-level-2');
      assert.equal(resp.status(), 200);
      resp = await loadBy(staff, () => staff.getByRole('navigation', { name: 'Handlinger' }).getByRole('link', { name: 'Endre nivå', exact: true }).click());
      await checkPage(staff, 'r1-level-form');
      assert.equal(new URL(staff.url()).pathname, `${REPORT.logHref}/niva`);
      assert.match(await text(staff.locator('main')), /Nå: Nivå 2\./);
      await staff.check('#niva-3');
      await staff.fill('#begrunnelse', REPORT.levelReason);
      await staff.fill('#barnets_beste', REPORT.bestInterest);
      resp = await loadBy(staff, () => staff.locator('main form').getByRole('button', { name: 'Lagre beslutning', exact: true }).click());
      await checkPage(staff, 'r1-log-level-3');
      assert.ok(resp.status() < 400, `changing the level answered ${resp.status()}: ${await text(staff.locator('main')).catch(() => '')}`);
      assert.equal(new URL(staff.url()).pathname, REPORT.logHref);
      await expectNotice(staff, 'Nivået er endret.');
      const button = staff.locator('main').getByRole('button', { name: 'Skriv bekymringsmelding', exact: true });
      assert.equal(await button.count(), 1, 'Nivå 3: the log page offers «Skriv bekymringsmelding»');
    });

    // r2. «Skriv bekymringsmelding»: the draft form, prefilled from the log
    // (the child's name and number, the guardians, the concern, the measures
    // tried); a phone with letters is refused beside the field (422, the
    // other input kept); then sent — to the leader for co-signature first
    // if the demo municipality requires it — and the log's timeline shows
    // the report.
    await scenario('r2. «Skriv bekymringsmelding» opens the draft prefilled from the log (child, guardians, measures tried); a phone with letters is refused beside the field (422, input kept); sent, the log\'s timeline shows it', async () => {
      assert.ok(REPORT.logHref, 'needs r1');
      await goto(staff, REPORT.logHref, 'r2-log');
      let resp = await loadBy(staff, () => staff.locator('main').getByRole('button', { name: 'Skriv bekymringsmelding', exact: true }).click());
      await checkPage(staff, 'r2-report-draft');
      assert.equal(resp.status(), 200);
      const m = new URL(staff.url()).pathname.match(/^\/bekymringsmeldinger\/([^/]+)\/endre$/);
      assert.ok(m, `the draft form is at /bekymringsmeldinger/{id}/endre, got ${pathOf(staff)}`);
      REPORT.reportId = m[1];
      REPORT.reportHref = `/bekymringsmeldinger/${m[1]}`;
      assert.equal(await text(staff.locator('h1')), 'Bekymringsmelding til barneverntjenesten');

      // Prefilled from the log.
      assert.equal(await staff.inputValue('#barn_navn'), REPORT.child, 'the child\'s name is prefilled');
      REPORT.childNationalId = await staff.inputValue('#barn_fnr');
      assert.match(REPORT.childNationalId, /^\d{11}$/, 'the child\'s national identity number is prefilled');
      const history = await staff.inputValue('#historie');
      assert.ok(history.includes(REPORT.measure), `the measures tried are prefilled in «Hvor lenge har bekymringen vart, og hva er prøvd?»: «${history.slice(0, 300)}»`);
      soft(() => assert.match(history, /Evaluert \d\d\.\d\d\.\d{4}/, `the measure's evaluation is prefilled: «${history.slice(0, 300)}»`));
      const concern = await staff.inputValue('#melding');
      soft(() => assert.ok(concern.includes('Alva forstår lite'), `the log's concern is prefilled: «${concern.slice(0, 200)}»`));
      const guardians = [await staff.inputValue('#foresatt1_navn'), await staff.inputValue('#foresatt2_navn')];
      soft(() => assert.deepEqual([...guardians].sort(), [...REPORT.guardians].sort(), `the guardians with parental responsibility are prefilled: ${guardians.join(', ')}`));
      const services = await staff.inputValue('#andre_hjelpeinstanser');
      soft(() => assert.ok(services.includes('PPT Demo'), `the other services on the team are prefilled: «${services}»`));
      const reporter = await staff.inputValue('#melder_navn');
      soft(() => assert.equal(reporter, REPORT.leadName, 'the reporter is the signed-in user'));
      const empty = [];
      for (const f of ['melder_rolle', 'melder_telefon', 'melder_epost', 'virksomhet_navn', 'virksomhet_orgnr', 'virksomhet_adresse', 'virksomhet_postnummer', 'virksomhet_poststed', 'barn_adresse', 'barn_postnummer', 'barn_poststed', 'foresatt1_telefon']) {
        if ((await staff.inputValue(`#${f}`)) === '') empty.push(f);
      }
      if (empty.length) log(`    (note) the draft leaves these empty: ${empty.join(', ')}`);

      // What the reporter adds; the phone with letters.
      await staff.fill('#melding', `${concern}\n\n${REPORT.concern}`.trim());
      await staff.fill('#andre_synspunkter', REPORT.otherViews);
      await staff.fill('#melder_telefon', REPORT.badPhone);
      await staff.check('input[name="barn_orientert"][value="nei"]');
      await staff.fill('#barn_grunn', REPORT.childNotInformed);
      for (const g of ['foresatt1', 'foresatt2']) {
        if ((await staff.inputValue(`#${g}_navn`)) !== '') await staff.check(`input[name="${g}_orientert"][value="ja"]`);
      }
      // Fill what the demo leaves empty and the schema requires.
      const fillIfEmpty = async (id, value) => {
        if ((await staff.inputValue(`#${id}`)) === '') await staff.fill(`#${id}`, value);
      };
      await fillIfEmpty('melder_rolle', 'Pedagogisk leder');
      await fillIfEmpty('virksomhet_orgnr', '974760673');
      await fillIfEmpty('virksomhet_adresse', 'Solsidevegen 1');
      await fillIfEmpty('virksomhet_postnummer', '9999');
      await fillIfEmpty('virksomhet_poststed', 'Demo');
      await fillIfEmpty('barn_adresse', 'Kristiansenvegen 4');
      await fillIfEmpty('barn_postnummer', '9999');
      await fillIfEmpty('barn_poststed', 'Demo');
      // The district (bydel), when the municipality has districts: the
      // first one.
      if ((await staff.locator('select#bydelsnummer').count()) === 1 && (await staff.inputValue('#bydelsnummer')) === '') {
        const first = await staff.locator('#bydelsnummer option').evaluateAll((os) => os.map((o) => o.value).find((v) => v));
        assert.ok(first, 'the district list has a district');
        await staff.selectOption('#bydelsnummer', first);
        REPORT.district = first;
      }
      // The leader co-signs when the municipality requires it, or (optional
      // in the demo) when the reporter asks.
      if ((await staff.locator('#medsignering').count()) === 1) {
        await staff.check('#medsignering');
        REPORT.askedCosign = true;
      }

      resp = await loadBy(staff, () => staff.locator('main form').getByRole('button', { name: 'Se over og send', exact: true }).click());
      await checkPage(staff, 'r2-report-bad-phone');
      soft(() => assert.equal(resp.status(), 422, `a phone with letters should answer 422, got ${resp.status()}`));
      await expectFieldError(staff, 'melder_telefon', /\S/);
      const err = await text(staff.locator('#melder_telefon-error'));
      assert.match(err, /telefon|siffer|[æøå]/i, `the error is Norwegian: «${err}»`);
      const invalid = await staff.locator('main [aria-invalid="true"]').evaluateAll((es) => es.map((e) => e.id));
      soft(() => assert.deepEqual(invalid, ['melder_telefon'], `only the phone should be marked invalid: ${invalid.join(', ')}`));
      assert.equal(await staff.inputValue('#melder_telefon'), REPORT.badPhone, 'the phone as typed is kept');
      assert.equal(await staff.inputValue('#andre_synspunkter'), REPORT.otherViews, '«Andre synspunkter» is kept');
      assert.ok((await staff.inputValue('#melding')).includes(REPORT.concern), 'the concern as typed is kept');
      assert.equal(await staff.inputValue('#barn_grunn'), REPORT.childNotInformed, 'why the child is not informed is kept');
      assert.ok(await staff.isChecked('input[name="barn_orientert"][value="nei"]'), '«Nei» stays chosen');
      assert.equal(await staff.inputValue('#barn_navn'), REPORT.child, 'the child\'s name is kept');
      if (REPORT.district) assert.equal(await staff.inputValue('#bydelsnummer'), REPORT.district, 'the district stays chosen');
      if (REPORT.askedCosign) assert.ok(await staff.isChecked('#medsignering'), '«Be leder medsignere» stays checked');

      await staff.fill('#melder_telefon', REPORT.phone);
      resp = await loadBy(staff, () => staff.locator('main form').getByRole('button', { name: 'Se over og send', exact: true }).click());
      await checkPage(staff, 'r2-report-review');
      if (resp.status() === 422) {
        const problems = await staff.locator('.ds-error-summary').innerText().catch(() => '');
        throw new Error(`the report was refused again (422): ${problems.replace(/\s+/g, ' ')}`);
      }
      // The review: the message as it will be sent, then «Send».
      assert.equal(await text(staff.locator('h1')), 'Se over meldingen før du sender den');
      const review = await text(staff.locator('main'));
      for (const part of [REPORT.child, REPORT.concern, REPORT.phone]) soft(() => assert.ok(review.includes(part), `the review shows «${part}»`));
      const send = staff.locator('main form').getByRole('button', { name: /^(Send til barneverntjenesten|Send til leder.*)$/ });
      assert.equal(await send.count(), 1, 'the review has one send button');
      resp = await loadBy(staff, () => send.click());
      await checkPage(staff, 'r2-report-sent');
      assert.ok(resp.status() < 400, `sending answered ${resp.status()}`);
      assert.equal(pathOf(staff), REPORT.reportHref, `after sending: the report's page, got ${pathOf(staff)}`);
      let status = await text(staff.locator('main p').filter({ hasText: /^Status:/ }).first());
      log(`    (note) after sending: «${status}»`);

      // Co-signature by the leader if the municipality asks for it.
      soft(() => assert.equal(/Venter på medsignering/.test(status), REPORT.askedCosign, `asked for co-signature: ${REPORT.askedCosign}, the status is «${status}»`));
      if (/Venter på medsignering/.test(status)) {
        const leaderCtx = await newContext();
        try {
          const lp = await newPage(leaderCtx);
          await login(lp, REPORT.leader, DEMO_PASSWORD, 'r2-login-leader');
          await goto(lp, '/bekymringsmeldinger', 'r2-leader-reports');
          const link = lp.locator('section[aria-labelledby="medsignering"] a').filter({ hasText: REPORT.child });
          assert.equal(await link.count(), 1, 'the leader has the report under «Venter på at du medsignerer»');
          await loadBy(lp, () => link.click());
          // The list leads to the co-sign page, or to the report with «Se og
          // medsigner».
          if ((await text(lp.locator('h1'))) !== 'Medsigner bekymringsmelding') {
            await checkPage(lp, 'r2-leader-report');
            await loadBy(lp, () => lp.getByRole('link', { name: 'Se og medsigner', exact: true }).click());
          }
          await checkPage(lp, 'r2-leader-cosign');
          assert.equal(await text(lp.locator('h1')), 'Medsigner bekymringsmelding');
          const shown = await text(lp.locator('main'));
          for (const part of [REPORT.child, REPORT.concern, REPORT.leadName]) soft(() => assert.ok(shown.includes(part), `the leader reads «${part}» before co-signing`));
          resp = await loadBy(lp, () => lp.getByRole('button', { name: 'Medsigner og send', exact: true }).click());
          await checkPage(lp, 'r2-leader-cosigned');
          assert.ok(resp.status() < 400, `co-signing answered ${resp.status()}`);
          const after = await text(lp.locator('main'));
          soft(() => assert.match(after, /Status: (Ny|Sendt)/, `after co-signing the report is sent: «${after.slice(0, 200)}»`));
        } finally {
          await leaderCtx.close();
        }
        await goto(staff, REPORT.reportHref, 'r2-report-cosigned');
        status = await text(staff.locator('main p').filter({ hasText: /^Status:/ }).first());
      }
      assert.match(status, /Status: (Ny|Sendt)/, `the report is sent: «${status}»`);
      const summary = await text(staff.locator('main dl').first());
      soft(() => assert.ok(summary.includes(REPORT.welfareUnit), `the report names the child welfare service it went to: «${summary}»`));
      if (REPORT.askedCosign) soft(() => assert.ok(summary.includes('Medsignert av') && summary.includes('Leif Leder'), `the report says the leader co-signed: «${summary}»`));
      REPORT.sent = true;

      // The KS Fiks message, delivered by the file drop of `serve --demo`
      // (data/bekymringsmeldinger/<report id>.json under the server's
      // working directory, the run's temporary directory).
      const file = path.join(tempDir, 'data', 'bekymringsmeldinger', `${REPORT.reportId}.json`);
      let message = null;
      for (let i = 0; i < 40 && !message; i++) {
        message = await readFile(file, 'utf8').then(JSON.parse, () => null);
        if (!message) await new Promise((r) => setTimeout(r, 500));
      }
      soft(() => assert.ok(message, `the KS Fiks message was dropped at ${file} within 20 s`));
      if (message) {
        soft(() => assert.equal(message.kommunenummer, '9999', 'kommunenummer'));
        soft(() => assert.equal(message.kommunenavn, MUNICIPALITY, 'kommunenavn'));
        const child = (message.offentligBarn || [])[0] || {};
        soft(() => assert.equal(child.personnavn, REPORT.child, 'offentligBarn[0].personnavn'));
        soft(() => assert.equal(child.fnr, REPORT.childNationalId, 'offentligBarn[0].fnr'));
        soft(() => assert.equal(child.orientert, false, 'offentligBarn[0].orientert'));
        soft(() => assert.equal(child.orientertGrunn, REPORT.childNotInformed, 'offentligBarn[0].orientertGrunn'));
        soft(() => assert.equal((message.offentligMelder || {}).telefonnummer, REPORT.phone, 'offentligMelder.telefonnummer'));
        soft(() => assert.deepEqual((message.foresatte || []).map((g) => g.personnavn).sort(), [...REPORT.guardians].sort(), 'foresatte'));
        soft(() => assert.ok(((message.melding || {}).melding || '').includes(REPORT.concern), 'melding.melding holds the concern'));
        soft(() => assert.ok(((message.melding || {}).historie || '').includes(REPORT.measure), 'melding.historie holds the measures tried'));
        soft(() => assert.match(message.sendingstidspunkt || '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, 'sendingstidspunkt'));
        log(`    (note) KS Fiks message: ${Object.keys(message).join(', ')}; leveringskanal «${message.leveringskanal}»`);
      }

      // The log's timeline shows the report.
      resp = await goto(staff, REPORT.logHref, 'r2-log-after-report');
      assert.equal(resp.status(), 200);
      const entry = staff.locator('ol.laget-timeline li').filter({ hasText: /[Bb]ekymringsmelding/ });
      assert.ok((await entry.count()) >= 1, `the log's timeline shows the report: «${(await text(staff.locator('ol.laget-timeline'))).slice(0, 400)}»`);
      log(`    (note) timeline: «${(await text(entry.first())).slice(0, 200)}»`);
      // The level-3 prompt (a red alert) is gone; another report may still
      // be written.
      const prompt = await staff.locator('main .ds-alert[data-color="danger"]').filter({ has: staff.getByRole('button', { name: 'Skriv bekymringsmelding', exact: true }) }).count();
      soft(() => assert.equal(prompt, 0, 'the level-3 prompt is gone once the report is sent'));
    });

    // r3. Child welfare: Bente Barnevern's inbox lists the report; she
    // acknowledges receipt and records «undersøkelse åpnet» (with the
    // keyboard only); the log stays a 404 for her (not on the team: the
    // report does not open it).
    await scenario('r3. Bente Barnevern sees the report in the inbox, acknowledges receipt and opens an investigation (keyboard only); the log is a 404 for her', async () => {
      assert.ok(REPORT.sent, 'needs r2');
      await login(welfare, REPORT.welfare, DEMO_PASSWORD, 'r3-login-barnevern');
      await checkPage(welfare, 'r3-home-barnevern');
      // «Mine oppgaver»: a new report is a task (noted, not required).
      await goto(welfare, '/mine-oppgaver', 'r3-tasks-barnevern');
      const taskRow = welfare.locator('main tbody tr').filter({ hasText: REPORT.child });
      log(`    (note) child welfare's «Mine oppgaver» about ${REPORT.child}: «${(await taskRow.count()) ? await text(taskRow.first()) : '(none)'}»`);
      await goto(welfare, '/', 'r3-start-barnevern');

      // The way in: «Innboks fra melderne» in the navigation (or on the
      // start page). Without it (a failed check), the inbox of the unit of
      // the start page's card, so the rest of the path still runs.
      const nav = welfare.getByRole('link', { name: 'Innboks fra melderne', exact: true });
      let resp;
      if ((await nav.count()) >= 1) {
        resp = await loadBy(welfare, () => nav.first().click());
      } else {
        soft(() => assert.fail(`no link «Innboks fra melderne» for child welfare on the start page ${pathOf(welfare)} (navigation or card)`));
        const children = await welfare.locator('main a[href^="/barn?enhet="]').first().getAttribute('href');
        const unit = new URL(children, 'http://x').searchParams.get('enhet');
        resp = await welfare.goto(`/barnevern/${unit}/meldinger`, { waitUntil: 'load' });
      }
      await checkPage(welfare, 'r3-inbox');
      assert.equal(resp.status(), 200);
      assert.match(new URL(welfare.url()).pathname, /^\/barnevern\/[^/]+\/meldinger$/);
      REPORT.inboxHref = new URL(welfare.url()).pathname;
      assert.equal(await text(welfare.locator('h1')), 'Innboks fra melderne');
      const row = welfare.locator('main tbody tr').filter({ hasText: REPORT.child });
      assert.equal(await row.count(), 1, `the inbox lists the report about ${REPORT.child}`);
      // A shared service: the neighbour municipality's reports come into the
      // same inbox (the demo's report about Eirik Haugland).
      const nabo = await welfare.locator('main tbody tr').filter({ hasText: 'Nabo kommune' }).count();
      soft(() => assert.ok(nabo >= 1, 'the shared service\'s inbox also lists a report from «Nabo kommune»'));
      const r = await text(row);
      for (const part of ['Ny', MUNICIPALITY]) soft(() => assert.ok(r.includes(part), `the row shows «${part}»: «${r}»`));
      soft(() => assert.ok(r.includes(REPORT.unit) || r.includes(REPORT.leadName), `the row says who reported: «${r}»`));

      resp = await loadBy(welfare, () => row.getByRole('link', { name: REPORT.child }).click());
      await checkPage(welfare, 'r3-inbox-report');
      assert.equal(resp.status(), 200);
      REPORT.inboxReportHref = new URL(welfare.url()).pathname;
      const all = await mainText(welfare);
      for (const part of [REPORT.child, REPORT.concern, REPORT.otherViews, REPORT.leadName, REPORT.phone]) {
        soft(() => assert.ok(all.includes(part), `child welfare's view of the report shows «${part}»`));
      }
      const logLinks = await welfare.getByRole('link', { name: 'Åpne stafettloggen' }).count();
      soft(() => assert.equal(logLinks, 0, 'no link to the log for child welfare off the team'));

      resp = await loadBy(welfare, () => welfare.getByRole('button', { name: 'Bekreft at meldingen er mottatt', exact: true }).click());
      await checkPage(welfare, 'r3-acknowledged');
      assert.ok(resp.status() < 400, `acknowledging answered ${resp.status()}`);
      await expectNotice(welfare, 'Mottak er bekreftet. Melderen har fått beskjed.');
      assert.match(await mainText(welfare), /Barneverntjenesten har mottatt meldingen\./);
      REPORT.acknowledged = true;

      // The outcome with the keyboard alone: from the top, Tab to
      // «Undersøkelse åpnet», Space; Tab to «Registrer utfall», Enter.
      await welfare.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
      const radio = await welfare.getByLabel('Undersøkelse åpnet', { exact: true }).getAttribute('id');
      assert.ok(radio, 'the outcome «Undersøkelse åpnet» is offered');
      // A radio group is one Tab stop: Tab into the group, then the arrow
      // keys to the choice.
      await tabTo(welfare, (f) => f.tag === 'input' && f.name === 'utfall', 'the outcome choices');
      for (let i = 0; i < 4 && (await focusInfo(welfare)).id !== radio; i++) await welfare.keyboard.press('ArrowDown');
      assert.equal((await focusInfo(welfare)).id, radio, 'the arrow keys reach «Undersøkelse åpnet»');
      await welfare.keyboard.press('Space');
      assert.ok(await welfare.locator(`#${radio}`).isChecked(), '«Undersøkelse åpnet» is chosen');
      await tabTo(welfare, (f) => f.tag === 'button' && f.text === 'Registrer utfall', '«Registrer utfall»', 5);
      resp = await loadBy(welfare, () => welfare.keyboard.press('Enter'));
      await checkPage(welfare, 'r3-investigation-opened');
      assert.ok(resp.status() < 400, `recording the outcome answered ${resp.status()}`);
      await expectNotice(welfare, 'Utfallet er registrert. Melderen har fått beskjed.');
      assert.match(await mainText(welfare), /Undersøkelse åpnet\./);
      REPORT.investigated = true;

      // The inbox: the report is no longer new.
      await goto(welfare, REPORT.inboxHref, 'r3-inbox-after');
      const after = await text(welfare.locator('main tbody tr').filter({ hasText: REPORT.child }));
      soft(() => assert.ok(/Undersøkelse åpnet|Mottatt/.test(after), `the inbox row shows the new status: «${after}»`));

      // The log: not opened by the report.
      await expectHidden(welfare, REPORT.logHref, 'r3-log-hidden-from-barnevern', 'child welfare (not on the team)', REPORT.child);
      const print = await welfare.goto(`${REPORT.logHref}/utskrift`, { waitUntil: 'load' });
      assert.equal(print.status(), 404, `the log's print view for child welfare: ${print.status()}`);
    });

    // r4. The reporter sees the feedback: «Bekymringsmeldinger» lists the
    // report with «Nytt svar»; its page says receipt and investigation. The
    // e-mail about the feedback arrived at the SMTP server without the
    // child's name (or any other personal data of the report).
    await scenario('r4. the reporter sees receipt and «Undersøkelse åpnet» under «Bekymringsmeldinger»; the e-mail arrived at the SMTP server without the child\'s name', async () => {
      assert.ok(REPORT.investigated, 'needs r3');
      // A new sign-in, as the next day.
      await staffCtx.clearCookies();
      await login(staff, REPORT.lead, DEMO_PASSWORD, 'r4-login-ansatt');
      const nav = staff.getByRole('link', { name: 'Bekymringsmeldinger', exact: true });
      let resp;
      if ((await nav.count()) >= 1) resp = await loadBy(staff, () => nav.first().click());
      else {
        soft(() => assert.fail(`no link «Bekymringsmeldinger» on ${pathOf(staff)}`));
        resp = await staff.goto('/bekymringsmeldinger', { waitUntil: 'load' });
      }
      await checkPage(staff, 'r4-my-reports');
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(staff), '/bekymringsmeldinger');
      const row = staff.locator('section[aria-labelledby="mine-meldinger"] tbody tr').filter({ hasText: REPORT.child });
      assert.equal(await row.count(), 1, `«Dine meldinger» lists the report about ${REPORT.child}`);
      const r = await text(row);
      soft(() => assert.ok(r.includes('Undersøkelse åpnet'), `the row shows «Undersøkelse åpnet»: «${r}»`));
      soft(() => assert.ok(r.includes('Nytt svar'), `the row marks «Nytt svar»: «${r}»`));
      soft(() => assert.ok(r.includes(REPORT.welfareUnit), `the row names the service: «${r}»`));

      resp = await loadBy(staff, () => row.getByRole('link', { name: REPORT.child }).click());
      await checkPage(staff, 'r4-report-feedback');
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(staff), REPORT.reportHref);
      const fb = await text(staff.locator('section[aria-labelledby="tilbakemelding"]'));
      assert.ok(fb.includes('Barneverntjenesten har mottatt meldingen.'), `the feedback says receipt: «${fb}»`);
      assert.ok(fb.includes('Undersøkelse åpnet.'), `the feedback says an investigation was opened: «${fb}»`);
      soft(() => assert.ok(fb.includes(REPORT.welfareName) || fb.includes(REPORT.welfareUnit), `the feedback says who: «${fb}»`));
      assert.equal(await staff.getByRole('button', { name: 'Bekreft at meldingen er mottatt' }).count(), 0, 'the reporter cannot acknowledge');

      // The e-mail: to the reporter, about feedback, no personal data.
      const mails = await waitForMail((mm) => header(mm, 'To').includes(REPORT.leadAddress) && header(mm, 'Subject') === 'Svar fra barneverntjenesten i Laget', `about the feedback to ${REPORT.leadAddress}`);
      soft(() => assert.ok(mails.length >= 1));
      for (const mail of mails) {
        const all = `${header(mail, 'Subject')}\n${mail.text || ''}\n${mail.html || ''}`;
        for (const word of [REPORT.child, 'Alva', 'Kristiansen', ...REPORT.guardians, REPORT.concern.slice(0, 30)]) {
          assert.ok(!all.includes(word), `the e-mail ${mail.file} names «${word}»: «${(mail.text || '').slice(0, 300)}»`);
        }
      }
      const body = mails[0].text || '';
      soft(() => assert.ok(body.includes('/bekymringsmeldinger'), `the e-mail links to «Bekymringsmeldinger»: «${body}»`));
      log(`    (note) ${mails.length} feedback e-mail(s); the first: «${body.replace(/\s+/g, ' ').slice(0, 200)}»`);
    });

    // r5. Who else sees it: a colleague in the same unit (not a leader,
    // made here by kommuneadmin) gets 404 for the report and finds it in no
    // list; the child welfare inbox is a 404 for the reporter.
    await scenario('r5. a colleague of the reporter in Solsiden barnehage gets 404 for the report; the reporter gets 404 for child welfare\'s inbox', async () => {
      assert.ok(REPORT.sent, 'needs r2');
      const u = REPORT.colleague;
      const adminCtx = await newContext();
      const colleagueCtx = await newContext();
      try {
        const admin = await newPage(adminCtx);
        await login(admin, 'kommuneadmin', DEMO_PASSWORD, 'r5-login-kommuneadmin');
        let resp = await loadBy(admin, () => admin.getByRole('link', { name: `Brukere i ${MUNICIPALITY}`, exact: true }).click());
        await checkPage(admin, 'r5-users');
        resp = await loadBy(admin, () => admin.getByRole('link', { name: 'Ny bruker', exact: true }).click());
        await checkPage(admin, 'r5-user-new');
        await admin.fill('#navn', u.name);
        await admin.fill('#brukernavn', u.username);
        await admin.fill('#epost', u.email);
        await admin.fill('#passord', u.password);
        await admin.fill('#passord2', u.password);
        resp = await loadBy(admin, () => admin.locator('main form').getByRole('button', { name: 'Ny bruker', exact: true }).click());
        await checkPage(admin, 'r5-user-created');
        assert.ok(resp.status() < 400, `creating the colleague answered ${resp.status()}`);
        await admin.selectOption('#rolle', { label: 'Ansatt' });
        await admin.selectOption('#enhet', { label: REPORT.unit });
        resp = await loadBy(admin, () => admin.getByRole('button', { name: 'Gi rolle', exact: true }).click());
        await checkPage(admin, 'r5-user-role');
        await expectNotice(admin, 'Rollen er lagt til.');

        const colleague = await newPage(colleagueCtx);
        await login(colleague, u.username, u.password, 'r5-login-colleague');
        await expectHidden(colleague, REPORT.reportHref, 'r5-report-hidden-from-colleague', 'a colleague in the same unit', REPORT.child);
        resp = await colleague.goto(`${REPORT.reportHref}/endre`, { waitUntil: 'load' });
        assert.equal(resp.status(), 404, `the report's form for the colleague: ${resp.status()}`);
        resp = await goto(colleague, '/bekymringsmeldinger', 'r5-colleague-reports');
        assert.equal(resp.status(), 200);
        assert.equal(await colleague.getByText(REPORT.child).count(), 0, 'the colleague\'s list does not show the report');
        if (REPORT.inboxReportHref) {
          await expectHidden(colleague, REPORT.inboxReportHref, 'r5-inbox-report-hidden-from-colleague', 'a colleague (not child welfare)', REPORT.child);
        }
      } finally {
        await adminCtx.close();
        await colleagueCtx.close();
      }
      if (REPORT.inboxHref) {
        const resp = await staff.goto(REPORT.inboxHref, { waitUntil: 'load' });
        await checkPage(staff, 'r5-inbox-hidden-from-reporter');
        assert.equal(resp.status(), 404, `child welfare's inbox for the reporter: ${resp.status()}`);
      }
    });

    // r6. At 375 px: the reporter's list and report page, child welfare's
    // inbox and report; nothing scrolls sideways.
    await scenario('r6. the report pages at 375 px (the reporter\'s list and report, child welfare\'s inbox and report) do not scroll sideways', async () => {
      assert.ok(REPORT.sent, 'needs r2');
      const phoneCtx = await newContext({ viewport: { width: 375, height: 812 } });
      const phoneWelfareCtx = await newContext({ viewport: { width: 375, height: 812 } });
      try {
        const phone = await newPage(phoneCtx);
        await login(phone, REPORT.lead, DEMO_PASSWORD, 'r6-phone-login-ansatt');
        for (const [url, name] of [
          ['/bekymringsmeldinger', 'r6-phone-my-reports'],
          [REPORT.reportHref, 'r6-phone-report'],
        ]) {
          const r = await goto(phone, url, name);
          soft(() => assert.equal(r.status(), 200, `${url} answered ${r.status()}`));
          await fitsWidth(phone);
        }
        const pw = await newPage(phoneWelfareCtx);
        await login(pw, REPORT.welfare, DEMO_PASSWORD, 'r6-phone-login-barnevern');
        for (const [url, name] of [
          [REPORT.inboxHref, 'r6-phone-inbox'],
          [REPORT.inboxReportHref, 'r6-phone-inbox-report'],
        ]) {
          if (!url) continue;
          const r = await goto(pw, url, name);
          soft(() => assert.equal(r.status(), 200, `${url} answered ${r.status()}`));
          await fitsWidth(pw);
        }
      } finally {
        await phoneCtx.close();
        await phoneWelfareCtx.close();
      }
    });
  } finally {
    await staffCtx.close();
    await welfareCtx.close();
  }
}
