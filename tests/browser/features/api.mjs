// The open API (crates/web/src/catalogue/api.rs) and its Swagger UI page:
// scenario l.

import path from 'node:path';
import assert from 'node:assert/strict';
import { SHOTS } from '../lib/config.mjs';
import { log, scenario } from '../lib/runner.mjs';
import { newContext, newPage, nextShotNo, text } from '../lib/browser.mjs';
import { state, CATALOGUE } from '../lib/demo.mjs';

export async function api() {
  // l. The API gives the same answer as the page; Swagger UI renders.
  await scenario('l. /api/v1/offers gives the same total as the page (ETag, 400 in Norwegian); /api/docs renders «Laget API» under the CSP', async () => {
    const ctx = await newContext();
    try {
      const page = await newPage(ctx);
      const url = `/api/v1/offers?kommune=${CATALOGUE.number}&alder=9&utfordring=skolefravaer`;
      const resp = await page.request.get(url);
      assert.equal(resp.status(), 200, `${url} answered ${resp.status()}`);
      assert.match(resp.headers()['content-type'] || '', /^application\/json/);
      const body = await resp.json();
      assert.equal(body.municipality, CATALOGUE.number);
      assert.ok(Number.isInteger(body.total), 'the answer should hold «total»');
      if (state.filteredCount !== null) assert.equal(body.total, state.filteredCount, `the API total (${body.total}) should equal the page's count (${state.filteredCount})`);
      else assert.ok(body.total >= 9);
      assert.equal(body.offers.length, Math.min(body.total, 20));
      if (state.filteredNames) assert.deepEqual(body.offers.map((o) => o.name), state.filteredNames, 'the API should list the same offers as the page, in the same order');
      for (const o of body.offers) assert.ok(o.id && o.name && o.provider && o.provider.name, 'every offer should have an id, a name and a provider');
      const etag = resp.headers()['etag'];
      assert.ok(etag, 'the answer should carry an ETag');
      const again = await page.request.get(url, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status(), 304, `If-None-Match with the ETag should answer 304, got ${again.status()}`);
      const bad = await page.request.get(`/api/v1/offers?kommune=${CATALOGUE.number}&alder=ni`);
      assert.equal(bad.status(), 400, `a bad age should answer 400, got ${bad.status()}`);
      const badText = await bad.text();
      assert.ok(badText.includes('alder') && /Skriv en alder/.test(badText), `the 400 should explain the «alder» parameter in Norwegian: ${badText.slice(0, 200)}`);
      const one = await page.request.get(`/api/v1/offers/${body.offers[0].id}`);
      assert.equal(one.status(), 200);
      assert.equal((await one.json()).name, body.offers[0].name);
      const unknown = await page.request.get('/api/v1/offers?kommune=0000');
      assert.equal(unknown.status(), 404, `an unknown municipality should answer 404, got ${unknown.status()}`);
    } finally {
      await ctx.close();
    }

    // Swagger UI: third-party, so no axe here; it must render under our CSP.
    const ctx2 = await newContext();
    try {
      const page = await newPage(ctx2);
      const consoleErrors = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !/favicon\.ico/.test(m.location().url || '')) consoleErrors.push(`${m.text()} (${m.location().url || '?'})`);
      });
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const resp = await page.goto('/api/docs', { waitUntil: 'load' });
      assert.equal(resp.status(), 200);
      await page.locator('#swagger-ui .swagger-ui .info .title').waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error('Swagger UI did not render into #swagger-ui within 10 s');
      });
      await page.locator('#swagger-ui .opblock').first().waitFor({ timeout: 5_000 });
      const no = nextShotNo();
      await page.screenshot({ path: path.join(SHOTS, `${no}-api-docs.png`), fullPage: true });
      assert.equal(await page.title(), 'API – Laget');
      assert.equal(await text(page.locator('main > h1')), 'Laget API');
      assert.match(await text(page.locator('#swagger-ui .info .title')), /^Laget API\b/);
      const paths = await page.locator('#swagger-ui .opblock-summary-path').allInnerTexts();
      const listed = paths.map((x) => x.replace(/[\u200b\s]/g, ''));
      for (const p of ['/api/v1/offers', '/api/v1/offers/{id}', '/api/v1/ladders']) {
        assert.ok(listed.includes(p), `Swagger UI should list ${p}, it lists ${JSON.stringify(listed)}`);
      }
      const scripts = await page.locator('script').evaluateAll((ss) => ss.map((s) => s.getAttribute('src') || 'inline'));
      assert.ok(scripts.every((s) => /^\/static\/[^/]+\.js$/.test(s)), `/api/docs should load its scripts from /static/ only: ${scripts.join(', ')}`);
      const violations = await page.evaluate(() => window.__cspViolations || []);
      const ours = violations.filter((v) => !/swagger-ui/.test(v.source || '') || /^script-src/.test(v.directive));
      const theirs = violations.filter((v) => !ours.includes(v));
      for (const v of theirs) log(`    (note) Swagger UI CSP violation: ${v.directive} blocked ${v.blocked || '(inline)'} from ${v.source}:${v.line} ${v.sample ? `«${v.sample}»` : ''}`);
      if (!violations.length) log('    (note) /api/docs: no CSP violations (neither ours nor Swagger UI\'s); axe is not run on this third-party page');
      assert.equal(
        ours.length,
        0,
        `our scripts on /api/docs caused CSP violations:\n${ours.map((v) => `  ${v.directive} blocked ${v.blocked || '(inline)'} from ${v.source}:${v.line}`).join('\n')}`,
      );
      const cspConsole = consoleErrors.filter((e) => /Content Security Policy/i.test(e));
      for (const e of cspConsole) log(`    (note) console: ${e}`);
      const ownConsole = cspConsole.filter((e) => !/swagger-ui/.test(e) || /script/i.test(e));
      assert.equal(ownConsole.length, 0, `CSP errors in the console on /api/docs: ${ownConsole.join(' | ')}`);
      assert.deepEqual(pageErrors, [], `/api/docs threw: ${pageErrors.join(' | ')}`);
    } finally {
      await ctx2.close();
    }
  });
}
