// Keyboard and focus after a failed submit: scenario n2.

import assert from 'node:assert/strict';
import { scenario } from '../lib/runner.mjs';
import { newContext, newPage, checkPage, focusInfo, loadBy } from '../lib/browser.mjs';
import { DEMO_PASSWORD } from '../lib/demo.mjs';

export async function errorSummaryFocus() {
  // n2. After a failed submit the page opens with the focus on the error
  // summary (autofocus, no script needed), with and without JavaScript; the
  // next Tab goes to its first link.
  await scenario('n2. after a failed submit the focus is on the error summary (login, register child; with and without JavaScript)', async () => {
    const expectSummaryFocused = async (p, what) => {
      const f = await p.evaluate(() => {
        const el = document.activeElement;
        return { summary: !!el && el.classList.contains('ds-error-summary'), tag: el ? el.tagName.toLowerCase() : null, text: el ? (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80) : null };
      });
      assert.ok(f.summary, `after ${what} the focus should be on the error summary, it is on <${f.tag}> «${f.text}»`);
    };
    for (const javaScriptEnabled of [true, false]) {
      const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
      const ctx = await newContext({ javaScriptEnabled });
      try {
        const page = await newPage(ctx);
        await page.goto('/logg-inn', { waitUntil: 'load' });
        let resp = await loadBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
        await checkPage(page, `login-empty-${javaScriptEnabled ? 'js' : 'nojs'}`);
        assert.equal(resp.status(), 422);
        // checkPage moved the focus to test the skip link: load the answer again.
        resp = await loadBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
        assert.equal(resp.status(), 422);
        await expectSummaryFocused(page, `an empty login ${how}`);
        await page.keyboard.press('Tab');
        const first = await focusInfo(page);
        assert.equal(first.href, '#brukernavn', `the next Tab should reach the summary's first link, it reached <${first.tag}> «${first.text}»`);

        await page.fill('#brukernavn', 'ansatt');
        await page.fill('#passord', DEMO_PASSWORD);
        await loadBy(page, () => page.getByRole('button', { name: 'Logg inn', exact: true }).click());
        await page.goto('/barn/ny', { waitUntil: 'load' });
        resp = await loadBy(page, () => page.locator('main form').getByRole('button', { name: 'Lagre', exact: true }).click());
        assert.equal(resp.status(), 422, `an empty child form ${how} answered ${resp.status()}`);
        await expectSummaryFocused(page, `an empty «Registrer barn» ${how}`);
        await checkPage(page, `child-new-empty-${javaScriptEnabled ? 'js' : 'nojs'}`);
      } finally {
        await ctx.close();
      }
    }
  });
}
