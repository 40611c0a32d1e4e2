// The unit's access log (crates/web/src/audit/access_log.rs): scenario e.

import assert from 'node:assert/strict';
import { soft, scenario } from '../lib/runner.mjs';
import { checkPage, navigateBy, text, expectFieldError, login, today } from '../lib/browser.mjs';
import { DEMO_PASSWORD, LEADER_UNIT } from '../lib/demo.mjs';

// e. leder signs in (in the shared leader browser, used again by e2 and f)
// and filters the access log.
export async function accessLog({ leaderPage }) {
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
}
