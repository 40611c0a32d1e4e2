// A child's record (crates/web/src/children) and choosing measures for it
// in a log: scenarios o1 and o2.

import assert from 'node:assert/strict';
import { soft, scenario } from '../lib/runner.mjs';
import { newContext, newPage, checkPage, goto, pathOf, text, expectFieldError, login, dateIn, loadBy } from '../lib/browser.mjs';
import { DEMO_PASSWORD, LEADER_UNIT, stamp, STAFETT } from '../lib/demo.mjs';

export async function childRecord() {
  // o1: «ansatt» registers a four-year-old, corrects the record (errors
  // beside the fields first; removing her own unit refused), adds the health
  // station (whose nurse then finds the child under «Barn»), edits a
  // guardian and marks another as no longer a guardian; the child's page
  // shows the history. o2: a log about language; the new-measure form lists
  // the offers for a four-year-old in «Språk», a search and «Vis alle tilbud»
  // find the rest; «Hvis dette ikke er nok» shows the public page's next
  // steps that fit the child's age, each one click from a new measure.
  const RECORD = {
    child: `Lise Språk ${stamp}`,
    renamed: `Lise Språkdal ${stamp}`,
    birth: dateIn(-(4 * 365 + 40)),
    health: 'Helsestasjon og skolehelsetjeneste',
    nurse: 'helsesykepleier',
    guardians: [
      { name: `Nina Språk ${stamp}`, relation: 'mor', phone: '911 11 111', newPhone: '922 22 222' },
      { name: `Per Språk ${stamp}`, relation: 'far', phone: '933 33 333' },
    ],
    // demo-051 (0–19 år, step 4, «Språk» among others): the public page
    // shows five next steps, one of them for 6–12 only.
    offer: 'PPT – pedagogisk-psykologisk utredning og sakkyndig vurdering',
    youthOffer: 'NAV ungdomsveileder', // 16–25 år
  };
  const recordState = { childHref: null, logHref: null };
  const recordCtx = await newContext();
  const recordPage = await newPage(recordCtx);

  await scenario('o1. ansatt edits a child: errors beside the fields (422, input kept), her own last unit cannot be removed, an added unit\'s staff see the child, guardians edited and marked «ikke lenger foresatt», the history on the child\'s page', async () => {
    const page = recordPage;
    await login(page, 'ansatt', DEMO_PASSWORD, 'login-ansatt-record');
    await goto(page, '/barn/ny', 'record-child-new');
    await page.fill('#navn', RECORD.child);
    await page.fill('#fodselsdato', RECORD.birth);
    let resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Lagre', exact: true }).click());
    assert.ok(resp.status() < 400, `registering the child answered ${resp.status()}`);
    const m = new URL(page.url()).pathname.match(/^\/barn\/[0-9a-f-]{36}$/);
    assert.ok(m, `registering should lead to the child's page, got ${pathOf(page)}`);
    recordState.childHref = m[0];
    for (const g of RECORD.guardians) {
      await page.fill('#navn', g.name);
      await page.selectOption('#relasjon', g.relation);
      await page.fill('#telefon', g.phone);
      await page.check('#foreldreansvar');
      resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Legg til foresatt', exact: true }).click());
      assert.ok(resp.status() < 400, `adding a guardian answered ${resp.status()}`);
    }
    await checkPage(page, 'record-child');

    // The edit form, from the child's page.
    resp = await loadBy(page, () => page.getByRole('link', { name: 'Endre opplysninger', exact: true }).click());
    await checkPage(page, 'record-child-edit');
    assert.equal(new URL(page.url()).pathname, `${recordState.childHref}/endre`);
    assert.equal(await text(page.locator('h1')), 'Endre opplysninger om barnet');
    assert.equal(await page.inputValue('#navn'), RECORD.child);
    assert.equal(await page.inputValue('#fodselsdato'), RECORD.birth);
    const units = page.locator('#enheter');
    assert.ok(await units.getByLabel(LEADER_UNIT, { exact: true }).isChecked(), `«${LEADER_UNIT}» should be checked`);
    assert.ok(!(await units.getByLabel(RECORD.health, { exact: true }).isChecked()), `«${RECORD.health}» should not be checked yet`);

    // Errors beside the fields; the input kept.
    await page.fill('#navn', '');
    await page.fill('#fodselsnummer', STAFETT.badNationalId);
    resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'record-child-edit-errors');
    soft(() => assert.equal(resp.status(), 422, `an invalid form should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'navn', 'Dette feltet må fylles ut.');
    await expectFieldError(page, 'fodselsnummer', /^Fødselsnummeret er ikke gyldig\./);
    assert.equal(await page.inputValue('#fodselsnummer'), STAFETT.badNationalId, 'the number typed should be kept');
    assert.equal(await page.inputValue('#fodselsdato'), RECORD.birth, 'the birth date should be kept');

    // Moving the child to the health station only would leave ansatt
    // without the child: refused beside the units.
    await page.fill('#navn', RECORD.renamed);
    await page.fill('#fodselsnummer', '');
    await units.getByLabel(LEADER_UNIT, { exact: true }).uncheck();
    await units.getByLabel(RECORD.health, { exact: true }).check();
    resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'record-child-edit-own-unit');
    soft(() => assert.equal(resp.status(), 422, `removing one's own last unit should answer 422, got ${resp.status()}`));
    const unitsError = page.locator('#enheter-error');
    assert.equal(await unitsError.count(), 1, 'the refusal should stand beside the units');
    assert.match(await text(unitsError), /^Barnet må fortsatt gå i minst én av dine enheter/);
    assert.equal(await page.locator('.ds-error-summary a[href="#enheter"]').count(), 1, 'the error summary should link to the units');
    assert.equal(await page.inputValue('#navn'), RECORD.renamed, 'the new name should be kept');
    assert.ok(await units.getByLabel(RECORD.health, { exact: true }).isChecked(), 'the added unit should stay checked');

    // Both units: saved.
    await units.getByLabel(LEADER_UNIT, { exact: true }).check();
    resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'record-child-edited');
    assert.ok(resp.status() < 400, `saving the child answered ${resp.status()}`);
    assert.equal(new URL(page.url()).pathname, recordState.childHref);
    assert.equal(await text(page.locator('h1')), RECORD.renamed);
    assert.match(await text(page.locator('main')), new RegExp(`Enheter: .*${RECORD.health}`));
    const history = page.locator('table[aria-labelledby="endringer"]');
    assert.equal(await history.count(), 1, 'the child\'s page should show «Endringer»');
    const rename = history.locator('tbody tr').filter({ has: page.locator('td', { hasText: /^Navn$/ }) });
    assert.equal(await rename.count(), 1, 'the history should hold the new name');
    const cells = await rename.locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(1).map((c) => c.trim()), [STAFETT.staff, 'Navn', RECORD.child, RECORD.renamed]);
    assert.equal(await history.locator('tbody tr').filter({ hasText: `Enhet lagt til (${RECORD.health})` }).count(), 1);

    // The health station's nurse finds the child under «Barn».
    const nurseCtx = await newContext();
    try {
      const nurse = await newPage(nurseCtx);
      await login(nurse, RECORD.nurse, DEMO_PASSWORD, 'login-helsesykepleier-record');
      await goto(nurse, '/barn', 'record-children-of-health-station');
      assert.equal(await nurse.getByRole('link', { name: RECORD.renamed, exact: true }).count(), 1, `the nurse's «Barn» should list «${RECORD.renamed}»`);
    } finally {
      await nurseCtx.close();
    }

    // A guardian's phone number.
    const [mother, father] = RECORD.guardians;
    resp = await loadBy(page, () => page.getByRole('link', { name: `Endre: ${mother.name}`, exact: true }).click());
    await checkPage(page, 'record-guardian-edit');
    assert.equal(await text(page.locator('h1')), 'Endre foresatt');
    assert.equal(await page.inputValue('#telefon'), mother.phone);
    assert.ok(await page.isChecked('#foreldreansvar'));
    await page.fill('#telefon', 'ring meg');
    resp = await loadBy(page, () => page.locator('main form').first().getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'record-guardian-edit-error');
    soft(() => assert.equal(resp.status(), 422, `a bad phone number should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'telefon', /\S/);
    assert.equal(await page.inputValue('#telefon'), 'ring meg');
    await page.fill('#telefon', mother.newPhone);
    resp = await loadBy(page, () => page.locator('main form').first().getByRole('button', { name: 'Lagre', exact: true }).click());
    assert.ok(resp.status() < 400, `saving the guardian answered ${resp.status()}`);
    assert.equal(new URL(page.url()).pathname, recordState.childHref);
    const phone = history.locator('tbody tr').filter({ hasText: `Telefon (${mother.name})` });
    assert.equal(await phone.count(), 1, 'the history should hold the new phone number');
    assert.match(await text(phone), new RegExp(`${mother.phone.replace(/ /g, '\\s')}\\s+${mother.newPhone.replace(/ /g, '\\s')}$`));

    // The father is no longer a guardian: kept, marked, not editable.
    resp = await loadBy(page, () => page.getByRole('link', { name: `Endre: ${father.name}`, exact: true }).click());
    await checkPage(page, 'record-guardian-end');
    const end = page.locator('section[aria-labelledby="avslutt"]');
    assert.match(await text(end), /teller ikke lenger med når samtykke kreves/);
    resp = await loadBy(page, () => end.getByRole('button', { name: 'Marker som ikke lenger foresatt', exact: true }).click());
    await checkPage(page, 'record-guardian-ended');
    assert.ok(resp.status() < 400, `ending the guardian answered ${resp.status()}`);
    const line = page.locator('main ul.ds-list li').filter({ hasText: father.name });
    assert.equal(await line.count(), 1, `«${father.name}» should still be listed`);
    assert.match(await text(line), /ikke lenger foresatt$/);
    assert.equal(await page.getByRole('link', { name: `Endre: ${father.name}`, exact: true }).count(), 0, 'a former guardian has no edit link');
    assert.equal(await history.locator('tbody tr').filter({ hasText: `Ikke lenger foresatt: ${father.name}` }).count(), 1);
  });

  await scenario('o2. the new-measure form lists offers for the child\'s age and the log\'s areas (search and «Vis alle tilbud» for the rest, no JavaScript needed); «Hvis dette ikke er nok» shows the public page\'s next steps that fit the age, each opening the form with that offer', async () => {
    assert.ok(recordState.childHref, 'needs scenario o1 (the child)');
    const page = recordPage;
    await goto(page, recordState.childHref, 'record-child-before-log');
    let resp = await loadBy(page, () => page.getByRole('link', { name: 'Start stafettlogg fra en uro', exact: true }).click());
    await page.fill('#uro', 'Lise sier få ord og peker i stedet for å si hva hun vil ha.');
    await page.locator('#utfordringer').getByLabel('Språk', { exact: true }).check();
    resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Start loggen', exact: true }).click());
    assert.ok(resp.status() < 400, `starting the log answered ${resp.status()}`);
    recordState.logHref = new URL(page.url()).pathname;

    resp = await loadBy(page, () => page.getByRole('navigation', { name: 'Handlinger' }).getByRole('link', { name: 'Legg til tiltak', exact: true }).click());
    await checkPage(page, 'record-measure-new');
    const options = async () => (await page.locator('#tilbud option').allInnerTexts()).map((t) => t.trim());
    const find = page.locator('section[aria-labelledby="finn-tilbud"]');
    assert.ok(await find.getByLabel('Passer for barnets alder (4 år)', { exact: true }).isChecked(), 'the age filter should be on');
    assert.ok(await find.getByLabel('Innen loggens utfordringer (Språk)', { exact: true }).isChecked(), 'the area filter should be on');
    let listed = await options();
    assert.ok(listed.some((o) => o.startsWith(`${RECORD.offer} – `)), `«${RECORD.offer}» should be listed: ${listed.join(' | ')}`);
    assert.ok(!listed.some((o) => o.startsWith(RECORD.youthOffer)), `«${RECORD.youthOffer}» is not for a four-year-old`);
    assert.ok(listed.length < 20, `the default list should be short, it has ${listed.length}`);
    for (const o of listed.slice(1)) assert.match(o, / år\)$/, `each offer should show its provider and ages: «${o}»`);

    // A search within the filter: nothing, and the way out.
    await find.locator('#sok').fill('ungdomsveileder');
    resp = await loadBy(page, () => find.getByRole('button', { name: 'Vis tilbud', exact: true }).click());
    await checkPage(page, 'record-measure-search');
    assert.equal(resp.status(), 200);
    assert.match(await text(find.locator('[role="status"]')), /^Ingen tilbud passer\./);
    resp = await loadBy(page, () => find.getByRole('link', { name: 'Vis alle tilbud', exact: true }).click());
    await checkPage(page, 'record-measure-search-all');
    listed = await options();
    assert.ok(listed.some((o) => o.startsWith(`${RECORD.youthOffer} – `)), `«Vis alle tilbud» with the search should find «${RECORD.youthOffer}»: ${listed.join(' | ')}`);
    assert.equal(await page.inputValue('#sok'), 'ungdomsveileder', 'the search should be kept');
    assert.ok(!(await find.getByLabel('Passer for barnets alder (4 år)', { exact: true }).isChecked()));

    // Back to the default list; a form with an error keeps offer and filter.
    await goto(page, `${recordState.logHref}/tiltak`, 'record-measure-new-again');
    const offerValue = await page.locator('#tilbud option').filter({ hasText: RECORD.offer }).getAttribute('value');
    await page.selectOption('#tilbud', offerValue);
    const responsible = await page.locator('#ansvarlig option').filter({ hasText: STAFETT.staff }).getAttribute('value');
    await page.selectOption('#ansvarlig', responsible);
    resp = await loadBy(page, () => page.locator('main form[method="post"]').getByRole('button', { name: 'Lagre', exact: true }).click());
    await checkPage(page, 'record-measure-error');
    soft(() => assert.equal(resp.status(), 422, `a measure without a goal should answer 422, got ${resp.status()}`));
    await expectFieldError(page, 'mal', /\S/);
    assert.equal(await page.inputValue('#tilbud'), offerValue, 'the offer should stay chosen');
    assert.ok(await find.getByLabel('Passer for barnets alder (4 år)', { exact: true }).isChecked(), 'the filter should be kept');
    await page.fill('#mal', 'Lise bruker flere ord når hun vil noe.');
    await page.check('#endelig');
    await page.fill('#barnets_beste', 'Språk er nøkkelen til lek og venner for Lise.');
    resp = await loadBy(page, () => page.locator('main form[method="post"]').getByRole('button', { name: 'Lagre', exact: true }).click());
    assert.ok(resp.status() < 400, `saving the measure answered ${resp.status()}`);
    assert.match(new URL(page.url()).pathname, /\/tiltak\/[0-9a-f-]{36}$/, 'saving should lead to the measure page');

    // Not enough: the next steps.
    const evalForm = page.locator('section[aria-labelledby="evaluer"]');
    await evalForm.locator('#effekt').getByLabel('Uendret', { exact: true }).check();
    await page.fill('#vurdering', 'Like få ord som før.');
    await evalForm.locator('#videre').getByLabel('Fortsette', { exact: true }).check();
    await page.fill('#neste', dateIn(28));
    resp = await loadBy(page, () => evalForm.getByRole('button', { name: 'Lagre evaluering', exact: true }).click());
    await checkPage(page, 'record-measure-not-enough');
    assert.ok(resp.status() < 400, `saving the evaluation answered ${resp.status()}`);
    const steps = page.locator('section[aria-labelledby="neste-trinn"] li');
    const onMeasure = [];
    for (let i = 0; i < (await steps.count()); i++) {
      onMeasure.push((await steps.nth(i).locator('a.ds-link').innerText()).trim());
    }

    // The public page of the offer: its next steps, with ages.
    const offerHref = await page.getByRole('link', { name: 'Se tilbudet i tiltaksoversikten', exact: true }).getAttribute('href');
    const publicCtx = await newContext();
    let publicSteps = [];
    try {
      const pub = await newPage(publicCtx);
      await goto(pub, offerHref, 'record-offer-public');
      const items = pub.locator('#neste + ul li');
      for (let i = 0; i < (await items.count()); i++) {
        const name = (await items.nth(i).locator('a').innerText()).trim();
        const ages = (await text(items.nth(i).locator('.laget-muted'))).match(/(\d+)(?:–(\d+))? år/);
        publicSteps.push({ name, from: Number(ages[1]), to: Number(ages[2] ?? ages[1]) });
      }
    } finally {
      await publicCtx.close();
    }
    assert.ok(publicSteps.length >= 5, `the public page of «${RECORD.offer}» should show its five next steps, it shows ${publicSteps.length}`);
    const fitting = publicSteps.filter((s) => s.from <= 4 && 4 <= s.to).map((s) => s.name);
    assert.ok(fitting.length < publicSteps.length, 'some next steps should be for older children');
    assert.deepEqual([...onMeasure].sort(), [...fitting].sort(), 'the measure page should show the public page\'s next steps that fit a four-year-old');

    // One click from a next step to a new measure with that offer.
    const chosen = fitting[0];
    resp = await loadBy(page, () => page.getByRole('link', { name: `Legg til som tiltak: ${chosen}`, exact: true }).click());
    await checkPage(page, 'record-measure-from-next-step');
    assert.equal(new URL(page.url()).pathname, `${recordState.logHref}/tiltak`);
    const selected = await page.locator('#tilbud option:checked').innerText();
    assert.ok(selected.trim().startsWith(chosen), `«${chosen}» should be chosen, «${selected}» is`);
  });
  await recordCtx.close();
}
