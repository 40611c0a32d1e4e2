// Individual plans (issue #13, P1; crates/web/src/plans/page.rs, decide.rs,
// portal.rs): scenarios v1–v5, the browser path of the issue — a log
// becomes an individual plan with a coordinator: asked for from the log, the
// coordinating unit decides and appoints a coordinator, the coordinator
// writes a goal in the child's words and a service's contribution, the plan
// prints as the family's document, and a guardian sees it in the portal.
//
// The log is Filip Haugland's (crates/cli/src/demo_logs.rs): level 2,
// started in Solsiden barnehage and handed over to «larer» (Lars Lærer,
// Bakken skole) at the transition to school, with «ppt» (Petter
// PP-rådgiver, PPT Demo) on the team under a consent that covers Solsiden,
// Bakken skole and PPT. The demo gives it no plan (crates/cli/src/
// demo_plans.rs gives Lucas Hansen Holm an active plan and Tobias Lindqvist
// a plan asked for). His mother Silje Haugland has a synthetic national
// identity number in the demo (crates/cli/src/demo_portal.rs, born
// 14.03.1988, seed 41) and logs in through the OpenID provider in
// ID-porten's role (lib/server.mjs), as in portal.mjs. No other feature
// uses this log.

import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS } from '../lib/config.mjs';
import { log, soft, scenario } from '../lib/runner.mjs';
import { oidcIssuer } from '../lib/server.mjs';
import { newContext, newPage, checkPage, goto, pathOf, text, expectFieldError, expectNotice, login, loadBy, dateIn, nextShotNo } from '../lib/browser.mjs';
import { DEMO_PASSWORD, stamp } from '../lib/demo.mjs';
import { syntheticNationalId } from './portal.mjs';

export const PLAN = {
  child: 'Filip Haugland',
  lead: 'larer',
  leadName: 'Lars Lærer',
  decider: 'koordinator',
  deciderName: 'Kari Koordinator',
  coordinator: 'ppt',
  coordinatorName: 'Petter PP-rådgiver',
  coordinatorUnit: 'PPT Demo',
  mother: 'Silje Haugland',
  motherId: syntheticNationalId(1988, 3, 14, 41),
  reason: `Filip får hjelp fra skolen og PPT, og foreldrene ønsker én plan og én person å forholde seg til (${stamp}).`,
  decisionNote: `PPT kjenner Filip best og har kontakt med skolen og familien (${stamp}).`,
  goal: `Jeg vil ha min egen plass i garderoben, der ingen dytter meg (${stamp}).`,
  measure: 'PPT – pedagogisk-psykologisk utredning og sakkyndig vurdering',
  contribution: `PPT lager en plan for skjermet garderobe sammen med kontaktlæreren (${stamp}).`,
  badDate: 'til jul',
  evaluateOn: dateIn(60),
  // Filled in as the scenarios go.
  logHref: null,
  planHref: null,
  requested: false,
  granted: false,
  goalAdded: false,
  contributionAdded: false,
};

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

// A screenshot of the provider's page (not Laget's: no a11y line).
async function shot(page, name) {
  await page.waitForLoadState('load');
  const label = `${nextShotNo()}-${name}`;
  await page.screenshot({ path: path.join(SHOTS, `${label}.png`), fullPage: true });
  return label;
}

// A citizen's login as in portal.mjs: Laget's page, «Logg inn med
// ID-porten», the provider's form (number, level «Høyt»), back in Laget.
async function citizenLogin(page, nationalId, name) {
  const resp = await goto(page, '/familie/logg-inn', `${name}-portal-login`);
  assert.equal(resp.status(), 200);
  await page.getByRole('button', { name: 'Logg inn med ID-porten', exact: true }).click();
  await page.waitForURL((u) => u.href.startsWith(`${oidcIssuer}/interaction/`), { timeout: 8_000 });
  assert.equal(await text(page.locator('h1')), 'Testinnlogging (ikke ID-porten)');
  await shot(page, `${name}-provider-login`);
  await page.fill('#pid', nationalId);
  await page.locator('input[name="acr"][value="idporten-loa-high"]').check();
  return loadBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
}

// The task in «Mine oppgaver» about the child with `what`, and its link.
async function taskLink(page, what, name) {
  await goto(page, '/mine-oppgaver', name);
  const row = page.locator('main tbody tr, main li, main article').filter({ hasText: PLAN.child }).filter({ hasText: what });
  if ((await row.count()) === 0) return null;
  const link = row.first().locator('a').first();
  return (await link.count()) ? link.getAttribute('href') : null;
}

// A link of «Demo kommune» (/kommuner/{id}/brukere), from kommuneadmin's
// start page, for the municipality's id.
async function municipalityHref() {
  const ctx = await newContext();
  try {
    const page = await newPage(ctx);
    await login(page, 'kommuneadmin', DEMO_PASSWORD, 'v2-login-kommuneadmin');
    return (await page.locator('main a[href^="/kommuner/"]').first().getAttribute('href')) || '';
  } finally {
    await ctx.close();
  }
}

// No two elements of the page share an id (a label's `for`, an error
// summary's link and aria-describedby lead to the first one only).
async function uniqueIds(page) {
  const dup = await page.evaluate(() => {
    const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, [...(seen.get(e.id) || []), `<${e.tagName.toLowerCase()}>`]);
    return [...seen].filter(([, v]) => v.length > 1).map(([id, v]) => `#${id} (${v.join(', ')})`);
  });
  soft(() => assert.deepEqual(dup, [], `${pathOf(page)} has elements sharing an id: ${dup.join('; ')}`));
}

// The goals' cards keep their content off their borders.
async function cardsPadded(page) {
  const bad = await page.evaluate(() => {
    const out = [];
    for (const card of document.querySelectorAll('main .ds-card')) {
      const box = card.getBoundingClientRect();
      const first = card.querySelector('h2, h3, h4');
      if (!first) continue;
      const r = first.getBoundingClientRect();
      const left = r.left - box.left;
      const top = r.top - box.top;
      if (left < 8 || top < 4) out.push(`«${first.textContent.trim().slice(0, 40)}» is ${Math.round(left)} px from its card's left border and ${Math.round(top)} px from its top`);
    }
    return out;
  });
  soft(() => assert.deepEqual(bad, [], `cards on ${pathOf(page)} at ${page.viewportSize().width} px: ${bad.join('; ')}`));
}

function planStatus(page) {
  return page.locator('main dl').first();
}

export async function plans() {
  const leadCtx = await newContext();
  const lead = await newPage(leadCtx);
  try {
    // v1. The lead asks for an individual plan from the log: no reason is
    // refused beside the field (422), then the request is sent; the plan
    // page says it waits for the coordinating unit, and the log's timeline
    // tells it.
    await scenario('v1. larer asks for an individual plan from Filip Haugland\'s log (no reason refused beside the field, 422); the plan waits for the coordinating unit and the timeline tells it', async () => {
      await login(lead, PLAN.lead, DEMO_PASSWORD, 'v1-login-larer');
      await goto(lead, '/barn', 'v1-children');
      const row = lead.locator('main tbody tr').filter({ hasText: PLAN.child });
      assert.equal(await row.count(), 1, `«${PLAN.child}» is among larer's children`);
      PLAN.logHref = await row.locator('a[href^="/logger/"]').first().getAttribute('href');
      assert.ok(PLAN.logHref, 'the child\'s log is linked');
      PLAN.planHref = `${PLAN.logHref}/plan`;
      let resp = await goto(lead, PLAN.logHref, 'v1-log');
      assert.equal(resp.status(), 200);
      const link = lead.locator(`main a[href="${PLAN.planHref}"]`);
      if ((await link.count()) === 0) {
        soft(() => assert.fail(`the log page ${pathOf(lead)} has no link to the individual plan (${PLAN.planHref})`));
        resp = await goto(lead, PLAN.planHref, 'v1-plan');
      } else {
        log(`    (note) the log's plan link: «${await text(link.first())}»; the box: «${await text(lead.locator('#individuell-plan')).catch(() => '(no #individuell-plan)')}»`);
        resp = await loadBy(lead, () => link.first().click());
        await checkPage(lead, 'v1-plan');
      }
      assert.equal(resp.status(), 200);
      assert.equal(await text(lead.locator('h1')), `Individuell plan – ${PLAN.child}`);
      const submit = lead.getByRole('button', { name: 'Send forespørselen', exact: true });
      assert.equal(await submit.count(), 1, 'the plan page offers «Be om individuell plan»');

      resp = await loadBy(lead, () => submit.click());
      await checkPage(lead, 'v1-plan-no-reason');
      soft(() => assert.equal(resp.status(), 422, `a request without a reason should answer 422, got ${resp.status()}`));
      await expectFieldError(lead, 'begrunnelse', /\S/);

      await lead.fill('#begrunnelse', PLAN.reason);
      resp = await loadBy(lead, () => lead.getByRole('button', { name: 'Send forespørselen', exact: true }).click());
      await checkPage(lead, 'v1-plan-requested');
      assert.ok(resp.status() < 400, `asking answered ${resp.status()}`);
      assert.equal(new URL(lead.url()).pathname, PLAN.planHref);
      await expectNotice(lead, 'Forespørselen er sendt til koordinerende enhet.');
      const status = await text(planStatus(lead));
      assert.ok(status.includes('Bedt om – venter på koordinerende enhet'), `the plan waits: «${status}»`);
      assert.ok(status.includes(PLAN.reason), `the reason is shown: «${status}»`);
      PLAN.requested = true;

      await goto(lead, PLAN.logHref, 'v1-log-after-request');
      const entry = lead.locator('ol.laget-timeline li').filter({ hasText: 'Individuell plan ble bedt om' });
      const n = await entry.count();
      soft(() => assert.ok(n >= 1, 'the timeline shows «Individuell plan ble bedt om»'));
      const box = await text(lead.locator('#individuell-plan')).catch(() => '');
      soft(() => assert.ok(box.includes('Individuell plan er bedt om og venter på koordinerende enhet.'), `the log's plan box: «${box}»`));
    });

    // v2. The coordinating unit: the request is a task in «Mine oppgaver»
    // and in the municipality's queue; «Innvilg» without a coordinator is
    // refused beside the field (422, the choice kept); then granted with
    // PPT's adviser as coordinator.
    await scenario('v2. Kari Koordinator finds the request in «Mine oppgaver» and the queue; granting without a coordinator is refused (422), then granted with Petter PP-rådgiver as coordinator', async () => {
      assert.ok(PLAN.requested, 'needs v1');
      const ctx = await newContext();
      try {
        const page = await newPage(ctx);
        await login(page, PLAN.decider, DEMO_PASSWORD, 'v2-login-koordinator');
        const task = await taskLink(page, 'En forespørsel om individuell plan venter på avgjørelse', 'v2-tasks');
        soft(() => assert.ok(task, `«Mine oppgaver» of ${PLAN.deciderName} has the request about ${PLAN.child}`));
        if (!task) log(`    (note) «Mine oppgaver»: «${(await text(page.locator('main'))).slice(0, 500)}»`);

        // The queue of the municipality.
        const kommuner = await page.locator('a[href^="/kommuner/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        let queueHref = await page.locator('a[href$="/planer"]').first().getAttribute('href', { timeout: 2000 }).catch(() => null);
        if (!queueHref) {
          // The start page links the coordinating unit's queue.
          await goto(page, '/', 'v2-start');
          queueHref = await page.locator('a[href$="/planer"]').first().getAttribute('href', { timeout: 2000 }).catch(() => null);
        }
        let m = (queueHref || kommuner.find((h) => /^\/kommuner\/[^/]+/.test(h)) || '').match(/^\/kommuner\/([^/?#]+)/);
        soft(() => assert.ok(queueHref, `a link to «Forespørsler om individuell plan» (/kommuner/{m}/planer) for ${PLAN.deciderName} (navigation, start page or «Mine oppgaver»)`));
        if (!m) m = (await municipalityHref()).match(/^\/kommuner\/([^/?#]+)/);
        if (m) {
          const resp = await goto(page, `/kommuner/${m[1]}/planer`, 'v2-queue');
          assert.equal(resp.status(), 200);
          assert.equal(await text(page.locator('h1')), 'Forespørsler om individuell plan');
          const qrow = page.locator('main tbody tr').filter({ hasText: PLAN.child });
          const qn = await qrow.count();
          soft(() => assert.equal(qn, 1, `the queue lists ${PLAN.child}`));
          const demoWaiting = await page.locator('main tbody tr').filter({ hasText: 'Tobias Lindqvist' }).count();
          soft(() => assert.equal(demoWaiting, 1, 'the queue lists the demo\'s waiting request (Tobias Lindqvist)'));
        } else {
          log('    (note) no municipality id found for the queue');
        }

        // Into the decision: from the queue's row (as from the task).
        let resp;
        const fromQueue = page.locator('main tbody tr').filter({ hasText: PLAN.child }).getByRole('link', { name: PLAN.child });
        if ((await fromQueue.count()) === 1) {
          resp = await loadBy(page, () => fromQueue.click());
          await checkPage(page, 'v2-decide');
        } else {
          resp = await goto(page, task || `${PLAN.planHref}/beslutning`, 'v2-decide');
        }
        assert.equal(resp.status(), 200, `the decision form answered ${resp.status()}`);
        assert.equal(new URL(page.url()).pathname, `${PLAN.planHref}/beslutning`);
        assert.equal(await text(page.locator('h1')), 'Avgjør forespørsel om individuell plan');
        const main = await text(page.locator('main'));
        assert.ok(main.includes(PLAN.child) && main.includes(PLAN.reason), 'the form shows the child and the reason');

        // Grant without a coordinator.
        await page.getByLabel('Innvilg og oppnevn koordinator', { exact: true }).check();
        await page.locator('#type').getByLabel('Koordinator', { exact: true }).check();
        await page.fill('#begrunnelse', PLAN.decisionNote);
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Lagre avgjørelsen', exact: true }).click());
        await checkPage(page, 'v2-decide-no-coordinator');
        soft(() => assert.equal(resp.status(), 422, `granting without a coordinator should answer 422, got ${resp.status()}`));
        await expectFieldError(page, 'koordinator', /\S/);
        assert.ok(await page.getByLabel('Innvilg og oppnevn koordinator', { exact: true }).isChecked(), '«Innvilg» stays chosen');
        assert.equal(await page.inputValue('#begrunnelse'), PLAN.decisionNote, 'the note is kept');

        const options = await page.locator('#koordinator option').evaluateAll((os) => os.map((o) => o.textContent.trim()));
        const want = `${PLAN.coordinatorName} (${PLAN.coordinatorUnit})`;
        assert.ok(options.includes(want), `the coordinator may be «${want}»: ${options.join(' | ')}`);
        await page.selectOption('#koordinator', { label: want });
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Lagre avgjørelsen', exact: true }).click());
        await checkPage(page, 'v2-decided');
        assert.ok(resp.status() < 400, `deciding answered ${resp.status()}`);
        await expectNotice(page, 'Avgjørelsen er lagret.');
        log(`    (note) after the decision: ${pathOf(page)}`);
        const after = await page.locator('main tbody tr').filter({ hasText: PLAN.child }).count();
        soft(() => assert.equal(after, 0, `${PLAN.child} is no longer in the queue`));
        PLAN.granted = true;
      } finally {
        await ctx.close();
      }
    });

    // v3. The coordinator: the appointment is a task; the plan page shows
    // the coordinator; a goal in the child's words («Barnet»); a
    // contribution with a bad evaluation date refused beside the field
    // (422, the rest kept), then saved, linked to PPT's measure.
    await scenario('v3. Petter PP-rådgiver, appointed, adds a goal in Filip\'s words and PPT\'s contribution (a bad date refused beside the field, 422, input kept)', async () => {
      assert.ok(PLAN.granted, 'needs v2');
      const ctx = await newContext();
      try {
        const page = await newPage(ctx);
        await login(page, PLAN.coordinator, DEMO_PASSWORD, 'v3-login-ppt');
        const task = await taskLink(page, 'Du er oppnevnt som koordinator', 'v3-tasks');
        soft(() => assert.ok(task, `«Mine oppgaver» of ${PLAN.coordinatorName} says he is appointed for ${PLAN.child}`));
        soft(() => assert.equal(task && new URL(task, 'http://x').pathname, PLAN.planHref, `the task leads to the plan: ${task}`));
        const link = page.locator('main tbody tr').filter({ hasText: PLAN.child }).filter({ hasText: 'Du er oppnevnt som koordinator' }).locator('a').first();
        let resp = task ? await loadBy(page, () => link.click()) : await page.goto(PLAN.planHref, { waitUntil: 'load' });
        await checkPage(page, 'v3-plan');
        assert.equal(resp.status(), 200);
        assert.equal(new URL(page.url()).pathname, PLAN.planHref);
        const status = await text(planStatus(page));
        assert.ok(status.includes('Aktiv'), `the plan is active: «${status}»`);
        assert.ok(status.includes(`${PLAN.coordinatorName} – Koordinator, ${PLAN.coordinatorUnit}`), `the coordinator is shown: «${status}»`);
        soft(() => assert.ok(status.includes(PLAN.decisionNote), `the decision's note is shown: «${status}»`));

        // The goal, in the child's words.
        await page.fill('#ord', PLAN.goal);
        await page.getByLabel('Barnet', { exact: true }).check();
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Lagre målet', exact: true }).click());
        await checkPage(page, 'v3-goal-added');
        assert.ok(resp.status() < 400, `adding the goal answered ${resp.status()}`);
        await expectNotice(page, 'Lagret.');
        const goal = page.locator('section[aria-labelledby="barnets-mal"] article').filter({ hasText: PLAN.goal });
        assert.equal(await goal.count(), 1, 'the goal is on the plan in the child\'s words');
        assert.match(await text(goal), /Sagt av: Barnet/);
        PLAN.goalAdded = true;
        await uniqueIds(page); // the contribution form is shown now
        await cardsPadded(page);

        // The contribution: a bad date first.
        const goalOption = await page.locator('select[name="mal"] option').filter({ hasText: PLAN.goal.slice(0, 30) }).first().getAttribute('value');
        assert.ok(goalOption, 'the goal is offered in «Mål»');
        await page.selectOption('select[name="mal"]', goalOption);
        await page.selectOption('#enhet', { label: PLAN.coordinatorUnit });
        const measures = await page.locator('#tiltak option').evaluateAll((os) => os.map((o) => o.textContent.trim()));
        if (measures.includes(PLAN.measure)) await page.selectOption('#tiltak', { label: PLAN.measure });
        else soft(() => assert.fail(`PPT's measure «${PLAN.measure}» is offered in «Tiltak i loggen»: ${measures.join(' | ')}`));
        await page.fill('#hva', PLAN.contribution);
        await page.selectOption('#ansvarlig', { label: PLAN.coordinatorName }).catch(async () => {
          const people = await page.locator('#ansvarlig option').evaluateAll((os) => os.map((o) => o.textContent.trim()));
          const p = people.find((x) => x.startsWith(PLAN.coordinatorName));
          assert.ok(p, `«${PLAN.coordinatorName}» may be responsible: ${people.join(' | ')}`);
          await page.selectOption('#ansvarlig', { label: p });
        });
        await page.fill('#evaluering', PLAN.badDate);
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Lagre bidraget', exact: true }).click());
        await checkPage(page, 'v3-contribution-bad-date');
        soft(() => assert.equal(resp.status(), 422, `a contribution with the date «${PLAN.badDate}» should answer 422, got ${resp.status()}`));
        await expectFieldError(page, 'evaluering', /\S/);
        assert.equal(await page.inputValue('#evaluering'), PLAN.badDate, 'the date as typed is kept');
        assert.equal(await page.inputValue('#hva'), PLAN.contribution, 'what the service does is kept');
        assert.equal(await page.inputValue('select[name="mal"]'), goalOption, 'the goal stays chosen');

        await page.fill('#evaluering', PLAN.evaluateOn);
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Lagre bidraget', exact: true }).click());
        await checkPage(page, 'v3-contribution-added');
        assert.ok(resp.status() < 400, `adding the contribution answered ${resp.status()}`);
        await expectNotice(page, 'Lagret.');
        const card = await text(page.locator('section[aria-labelledby="barnets-mal"] article').filter({ hasText: PLAN.goal }));
        for (const part of [PLAN.coordinatorUnit, PLAN.contribution, `Ansvarlig: ${PLAN.coordinatorName}`, `Evalueres: ${PLAN.evaluateOn}`]) {
          assert.ok(card.includes(part), `the goal's card shows «${part}»: «${card}»`);
        }
        PLAN.contributionAdded = true;

        // The timeline of the log goes on.
        await goto(page, PLAN.logHref, 'v3-log-timeline');
        const timeline = (await text(page.locator('ol.laget-timeline'))).toLowerCase();
        for (const part of [`Individuell plan ble innvilget; koordinator: ${PLAN.coordinatorName} (${PLAN.coordinatorUnit})`, 'Nytt mål i den individuelle planen (sagt av: barnet)', `${PLAN.coordinatorUnit} bidrar i den individuelle planen; ansvarlig: ${PLAN.coordinatorName}`]) {
          soft(() => assert.ok(timeline.includes(part.toLowerCase()), `the log's timeline shows «${part}»`));
        }
        soft(() => assert.ok(timeline.includes(PLAN.goal.toLowerCase()), 'the timeline shows the goal\'s words'));
      } finally {
        await ctx.close();
      }
    });

    // v4. The print page: the family's document, with the goal, the
    // contribution, the coordinator, and no form.
    await scenario('v4. «Skriv ut planen» gives the family\'s document: the child, the coordinator, the goal in the child\'s words, the contribution; no forms', async () => {
      assert.ok(PLAN.contributionAdded, 'needs v3');
      let resp = await goto(lead, PLAN.planHref, 'v4-plan-lead');
      assert.equal(resp.status(), 200);
      resp = await loadBy(lead, () => lead.getByRole('link', { name: 'Skriv ut planen', exact: true }).click());
      await checkPage(lead, 'v4-plan-print');
      assert.equal(resp.status(), 200);
      assert.equal(new URL(lead.url()).pathname, `${PLAN.planHref}/utskrift`);
      assert.equal(await text(lead.locator('h1')), `Individuell plan for ${PLAN.child}`);
      const all = await text(lead.locator('main'));
      for (const part of [PLAN.goal, PLAN.contribution, PLAN.coordinatorName, PLAN.coordinatorUnit, PLAN.evaluateOn, 'Dette er familiens dokument.']) {
        assert.ok(all.includes(part), `the print shows «${part}»`);
      }
      assert.equal(await lead.locator('main form').count(), 0, 'the print has no forms');
    });

    // v5. The mother logs in to the portal and sees the plan: the goal in
    // Filip's words, the coordinator, the contribution; at 375 px too.
    await scenario('v5. Silje Haugland logs in through the OpenID provider and sees Filip\'s plan in the portal (goal, coordinator, contribution), also at 375 px', async () => {
      assert.ok(PLAN.contributionAdded, 'needs v3');
      assert.ok(PLAN.motherId, 'the mother\'s synthetic number');
      const familyLog = `/familie${PLAN.logHref}`;
      const familyPlan = `${familyLog}/plan`;
      for (const [width, tag] of [
        [1280, 'v5'],
        [375, 'v5-phone'],
      ]) {
        const ctx = await newContext({ viewport: { width, height: width === 375 ? 812 : 900 } });
        try {
          const page = await newPage(ctx);
          let resp = await citizenLogin(page, PLAN.motherId, tag);
          await checkPage(page, `${tag}-portal-home`);
          assert.equal(resp.status(), 200);
          assert.equal(new URL(page.url()).pathname, '/familie', `after the login: ${pathOf(page)}`);
          const card = page.locator(`main a[href="${familyLog}"]`);
          assert.equal(await card.count(), 1, `the portal lists Filip's log (${familyLog})`);
          resp = await loadBy(page, () => card.click());
          await checkPage(page, `${tag}-portal-log`);
          assert.equal(resp.status(), 200);
          const link = page.locator(`main a[href="${familyPlan}"]`);
          if ((await link.count()) === 0) {
            soft(() => assert.fail(`the portal's log page has no link to the plan (${familyPlan})`));
            resp = await goto(page, familyPlan, `${tag}-portal-plan`);
          } else {
            resp = await loadBy(page, () => link.first().click());
            await checkPage(page, `${tag}-portal-plan`);
          }
          assert.equal(resp.status(), 200);
          assert.equal(await text(page.locator('h1')), `Individuell plan – ${PLAN.child}`);
          const all = await text(page.locator('main'));
          for (const part of [PLAN.goal, PLAN.contribution, PLAN.coordinatorName, PLAN.coordinatorUnit]) {
            assert.ok(all.includes(part), `the family sees «${part}»: «${all.slice(0, 400)}»`);
          }
          assert.equal(await page.locator('main form').filter({ has: page.locator('textarea[name="ord"]') }).count(), 0, 'the family cannot write goals here');
          await cardsPadded(page);
          if (width === 375) {
            await fitsWidth(page);
            // Every cell of the contributions' table can be seen: none is
            // cut off at the window's edge (a card that clips its table).
            const cut = await page.evaluate(() =>
              [...document.querySelectorAll('main th, main td')]
                .filter((c) => c.getBoundingClientRect().right > innerWidth + 1)
                .map((c) => `«${c.textContent.trim().slice(0, 30)}» ends at ${Math.round(c.getBoundingClientRect().right)} px`),
            );
            soft(() => assert.deepEqual(cut, [], `${pathOf(page)} at 375 px: table cells run past the window's edge: ${cut.join('; ')}`));
          }
        } finally {
          await ctx.close();
        }
      }
    });
  } finally {
    await leadCtx.close();
  }
}
