// Phone width (375 px): scenario n1.

import assert from 'node:assert/strict';
import { soft, scenario } from '../lib/runner.mjs';
import { newContext, newPage, goto, pathOf, text, login } from '../lib/browser.mjs';
import { DEMO_PASSWORD, CATALOGUE } from '../lib/demo.mjs';

export async function phoneWidth() {
  // n1. At phone width (375 px) the important pages pass axe as well (no
  // table that scrolls in a box the keyboard cannot reach:
  // scrollable-region-focusable) and do not scroll sideways; the access-log
  // tables become one block per row with each cell's column name, and the
  // log page's summary puts each label above its value.
  await scenario('n1. at 375 px the access logs, the log page, children, tasks and the catalogue pass axe and do not scroll sideways', async () => {
    const phone = { viewport: { width: 375, height: 812 } };
    const ctx = await newContext(phone);
    const anonCtx = await newContext(phone);
    try {
      const page = await newPage(ctx);
      const fits = async (p) => {
        const [wide, width, culprits] = await p.evaluate(() => [
          document.documentElement.scrollWidth,
          innerWidth,
          [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
            .slice(-3)
            .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`),
        ]);
        soft(() => assert.ok(wide <= width, `${pathOf(p)} is ${wide} px wide in a ${width} px window (it scrolls sideways): ${culprits.join(' ')}`));
      };
      const visit = async (p, url, name) => {
        const resp = await goto(p, url, name);
        assert.equal(resp.status(), 200, `${url} answered ${resp.status()}`);
        await fits(p);
      };

      await login(page, 'leder', DEMO_PASSWORD, 'phone-login-leder');
      const nav = page.getByRole('navigation', { name: 'Hovedmeny' });
      const accessLog = await nav.getByRole('link', { name: 'Tilgangslogg', exact: true }).getAttribute('href');
      const grants = await nav.getByRole('link', { name: 'Tildelte roller', exact: true }).getAttribute('href');
      await visit(page, grants, 'phone-role-grants');
      const unitLogs = await nav.getByRole('link', { name: 'Enhetens logger', exact: true }).getAttribute('href');
      await visit(page, `${accessLog}?fra=01.01.2020`, 'phone-access-log');
      const rows = page.locator('main table tbody tr');
      assert.ok((await rows.count()) > 0, 'the access log should have rows to show');
      const cell = await page.evaluate(() => {
        const td = document.querySelector('main table tbody td');
        const th = document.querySelector('main table thead th');
        const r = th.parentElement.parentElement.getBoundingClientRect();
        return {
          label: getComputedStyle(td, '::before').content,
          row: getComputedStyle(td.parentElement).display,
          header: th.textContent.trim(),
          headerHidden: r.width <= 1 && r.height <= 1,
        };
      });
      assert.equal(cell.row, 'block', 'at 375 px an access-log row should be one block');
      assert.equal(cell.label, `"${cell.header}"`, 'each cell should show its column name before the value');
      assert.ok(cell.headerHidden, 'the column headers are only for screen readers at 375 px');

      await visit(page, unitLogs, 'phone-unit-logs');
      const logHref = await page.locator('main a[href^="/logger/"]').first().getAttribute('href');
      assert.ok(logHref, '«Enhetens logger» should link to a log');
      await visit(page, logHref, 'phone-log');
      const summary = await page.evaluate(() => {
        const dt = document.querySelector('section[aria-labelledby="oppsummering"] dt');
        const dd = dt.nextElementSibling;
        const a = dt.getBoundingClientRect();
        const b = dd.getBoundingClientRect();
        return { left: [a.left, b.left], below: b.top >= a.bottom - 1, ddWidth: b.width };
      });
      assert.ok(summary.below && Math.abs(summary.left[0] - summary.left[1]) < 2, `the log summary should put the value under its label at 375 px: ${JSON.stringify(summary)}`);
      assert.ok(summary.ddWidth > 250, `the summary's values should have the width of the page, not a narrow column: ${summary.ddWidth} px`);
      await visit(page, `${logHref}/innsyn`, 'phone-log-who-has-seen');
      assert.equal(await text(page.locator('h1')), 'Hvem har sett loggen');

      const staff = await newPage(ctx);
      await staff.context().clearCookies();
      await login(staff, 'ansatt', DEMO_PASSWORD, 'phone-login-ansatt');
      await visit(staff, '/barn', 'phone-children');
      await visit(staff, '/mine-oppgaver', 'phone-tasks');

      const anon = await newPage(anonCtx);
      await visit(anon, `/tiltak?kommune=${CATALOGUE.number}`, 'phone-catalogue');
      const offer = await anon.locator('#resultater a[href^="/tiltak/"]').first().getAttribute('href');
      await visit(anon, offer, 'phone-offer');
      await visit(anon, `/tiltakstrapp?kommune=${CATALOGUE.number}`, 'phone-ladder');
    } finally {
      await ctx.close();
      await anonCtx.close();
    }
  });
}
