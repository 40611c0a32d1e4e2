// Casework (crates/web/src/casework): anonymous consultations, scenario
// d15.

import assert from 'node:assert/strict';
import { soft, scenario } from '../lib/runner.mjs';
import { newContext, newPage, checkPage, text, expectFieldError, expectNotice, login, today, loadBy } from '../lib/browser.mjs';
import { DEMO_PASSWORD, STAFETT } from '../lib/demo.mjs';

export async function consultations() {
  // d15. Issue #15, anonymous consultations («anonym drøfting», items 2, 3,
  // 4 and 8) at 1280 and 375 px, as «ansatt» in Solsiden barnehage: a full
  // name in the text is warned about beside the field (422, text kept, a
  // checkbox to save anyway); the clean text is saved and shows who wrote
  // it; the writer corrects it («Rettet …»); the list of logs names each
  // child with birth date; a log whose consent lacks the father's signature
  // is refused beside the field, naming him; linking Alva Kristiansen's log
  // asks first and says which units will see it; on the timeline the entry
  // has its date only and its age band; the lead undoes the link with a
  // reason (the text leaves the log); the writer withdraws it (gone from the
  // list). Every page passes axe and does not scroll sideways.
  await scenario('d15. anonymous consultations at 1280 and 375 px: identifying text warned beside the field, corrected and withdrawn by the writer, linking names the child with birth date and asks first, a missing signature is named, date-only timeline entry with age band, the lead undoes the link', async () => {
    for (const width of [1280, 375]) {
      const ctx = await newContext({ viewport: { width, height: width === 375 ? 812 : 900 } });
      try {
        const page = await newPage(ctx);
        const fits = async (what) => {
          const [wide, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
          soft(() => assert.ok(wide <= inner, `${what} at ${width} px is ${wide} px wide`));
        };
        const visit = async (name) => {
          await checkPage(page, `d15-${name}-${width}`);
          await fits(name);
        };
        await login(page, 'ansatt', DEMO_PASSWORD, `d15-login-${width}`);
        let resp = await page.goto('/drofting', { waitUntil: 'load' });
        assert.equal(resp.status(), 200);
        await visit('list');

        // A full name: warned, not saved; the text is kept.
        const summary = `Et barn (${width}) som er stille i frilek og sjelden tar kontakt.`;
        const named = `Vi drøftet Nora Nordmann i dag. ${summary}`;
        await page.selectOption('#alder', '1-5');
        await page.fill('#sammendrag', named);
        await page.fill('#rad', 'Observer i to uker og snakk med foreldrene.');
        await page.fill('#drofta_med', 'PPT');
        resp = await loadBy(page, () => page.locator('main form[action="/drofting"]').getByRole('button', { name: 'Lagre', exact: true }).click());
        await visit('warned');
        assert.equal(resp.status(), 422, `identifying text should answer 422, got ${resp.status()}`);
        await expectFieldError(page, 'sammendrag', /kan identifisere barnet.*et fullt navn \(«Nora Nordmann»\)/);
        assert.equal(await page.inputValue('#sammendrag'), named, 'the text is kept');
        const check = page.getByLabel('Jeg har sjekket at teksten ikke identifiserer barnet', { exact: true });
        assert.equal(await check.count(), 1, 'the checkbox to save anyway is shown');

        // Without the name it is saved at once; the list says who wrote it.
        await page.fill('#sammendrag', summary);
        resp = await loadBy(page, () => page.locator('main form[action="/drofting"]').getByRole('button', { name: 'Lagre', exact: true }).click());
        assert.equal(resp.status(), 200);
        await visit('saved');
        await expectNotice(page, 'Drøftingen er lagret.');
        const row = () => page.locator('main ul.ds-list > li').filter({ hasText: summary });
        assert.equal(await row().count(), 1, 'the new consultation is listed');
        assert.match(await text(row()), new RegExp(`Skrevet av ${STAFETT.staff}`));

        // The writer corrects it.
        resp = await loadBy(page, () => row().getByRole('link', { name: /^Rett eller trekk tilbake/ }).click());
        await visit('edit');
        await page.fill('#rad', 'Observer i tre uker og snakk med foreldrene.');
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Lagre rettelsen', exact: true }).click());
        await visit('corrected');
        await expectNotice(page, 'Drøftingen er rettet.');
        assert.match(await text(row()), new RegExp(`Rettet ${today()}`));
        assert.match(await text(row()), /Observer i tre uker/);

        // The logs are named with birth dates.
        const options = (await row().locator('select[name="logg"] option').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '–');
        assert.ok(options.length > 0, 'the unit has open logs');
        for (const o of options) assert.match(o, /^.+ \((født|termin) \d\d\.\d\d\.\d{4}\)$/, `each log is named with a birth date: «${o}»`);
        const pick = async (child) => {
          const value = await row().locator('select[name="logg"] option').filter({ hasText: new RegExp(`^${child} \\(født`) }).getAttribute('value');
          assert.ok(value, `«${child}» is among the logs`);
          await row().locator('select[name="logg"]').selectOption(value);
          return value;
        };

        // Only the mother signed Oskar Lunde's consent: refused, naming the father.
        await pick('Oskar Lunde');
        resp = await loadBy(page, () => row().getByRole('button', { name: 'Koble til loggen', exact: true }).click());
        await visit('refused');
        assert.equal(resp.status(), 422);
        const select = row().locator('select[name="logg"]');
        assert.equal(await select.getAttribute('aria-invalid'), 'true');
        const errorId = (await select.getAttribute('aria-describedby')) || '';
        assert.match(await text(page.locator(`[id="${errorId}"]`)), /mangler samtykke fra Petter Lunde/);

        // Alva Kristiansen's log: the next page asks, naming her and who will see it.
        await pick('Alva Kristiansen');
        resp = await loadBy(page, () => row().getByRole('button', { name: 'Koble til loggen', exact: true }).click());
        await visit('confirm');
        assert.equal(resp.status(), 200);
        const main = await text(page.locator('main'));
        assert.match(main, /Du kobler drøftingen til loggen for Alva Kristiansen \(født \d\d\.\d\d\.\d{4}\)/);
        assert.match(main, /PPT Demo/);
        resp = await loadBy(page, () => page.getByRole('button', { name: /^Ja, koble til loggen/ }).click());
        await visit('linked-log');
        const logPath = new URL(page.url()).pathname;
        const entry = page.locator('ol.laget-timeline > li').filter({ hasText: summary });
        assert.equal(await entry.count(), 1, 'the consultation is on the timeline');
        const when = await text(entry.locator('.laget-muted').first());
        assert.match(when, /^\d\d\.\d\d\.\d{4} · Anonym drøfting · /, `date only, no time: «${when}»`);
        assert.match(await text(entry.locator('dl')), /Aldersgruppe 1-5 år/);

        // The list no longer has it; the lead undoes the link.
        resp = await loadBy(page, () => entry.getByRole('link', { name: /^Vis drøftingen/ }).click());
        await visit('on-log');
        assert.match(await text(page.locator('main')), /Koblet til loggen av Astrid Ansatt/);
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Koble fra loggen', exact: true }).click());
        await visit('unlink-refused');
        assert.equal(resp.status(), 422, 'a reason is required');
        await expectFieldError(page, 'begrunnelse', /\S/);
        const reason = `Koblet til feil barn (${width} px).`;
        await page.fill('#begrunnelse', reason);
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Koble fra loggen', exact: true }).click());
        await visit('unlinked');
        assert.equal(new URL(page.url()).pathname, logPath);
        assert.equal(await page.locator('ol.laget-timeline > li').filter({ hasText: summary }).count(), 0, 'the text leaves the log');
        assert.equal(await page.locator('ol.laget-timeline > li').filter({ hasText: 'Anonym drøfting koblet fra loggen' }).filter({ hasText: reason }).count(), 1);

        // Back on the list; the writer withdraws it.
        await page.goto('/drofting', { waitUntil: 'load' });
        await visit('list-again');
        assert.equal(await row().count(), 1, 'anonymous again, on the list');
        resp = await loadBy(page, () => row().getByRole('link', { name: /^Rett eller trekk tilbake/ }).click());
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Trekk tilbake drøftingen', exact: true }).click());
        await visit('withdrawn');
        await expectNotice(page, 'Drøftingen er trukket tilbake og vises ikke lenger i listen.');
        assert.equal(await row().count(), 0, 'a withdrawn consultation is not listed');
      } finally {
        await ctx.close();
      }
    }
  });
}
