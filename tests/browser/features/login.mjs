// Signing in and out (crates/web/src/session): scenarios a, f and g.

import assert from 'node:assert/strict';
import { scenario } from '../lib/runner.mjs';
import { newContext, newPage, checkPage, navigateBy, goto, pathOf, text, expectNotice, expectOnLogin } from '../lib/browser.mjs';
import { stamp, state } from '../lib/demo.mjs';

// a. Anonymous visit and a wrong password.
export async function anonymousAndWrongPassword() {
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
}

// f. Logging out with the header button (as leder, signed in by scenario e);
// g. the 404 page, anonymous and as kommuneadmin.
export async function logoutAndNotFound({ adminPage, leaderPage }) {
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
}
