// Nynorsk (issue #10, item 2; crates/web/src/i18n.rs): «Nabo kommune» in the
// demo writes nynorsk, so its staff read nynorsk throughout. Scenario p1.

import assert from 'node:assert/strict';
import { soft, scenario } from '../lib/runner.mjs';
import { newContext, newPage, goto, login, pathOf } from '../lib/browser.mjs';
import { DEMO_PASSWORD } from '../lib/demo.mjs';

// The demo staff of «Nabo kommune» (crates/cli/src/demo.rs) and the child
// whose log they keep (crates/cli/src/demo_logs.rs).
const NABO_STAFF = ['nabo', 'naboleiar'];
const NABO_CHILD = 'Eirik Haugland';

// Words that bokmål has and nynorsk does not: a page that shows one of them
// has a text that is not in the reader's written standard.
const BOKMAL_ONLY = ['ikke', 'hva', 'hvem', 'hvordan', 'hvis', 'enhet', 'tjeneste', 'ansatt', 'bruker', 'være', 'noen', 'fra', 'også'];

// The bokmål-only words in a text, as whole words in any case, each with the
// line it stands in.
export function bokmalWords(text) {
  const found = [];
  for (const line of text.split('\n')) {
    for (const word of BOKMAL_ONLY) {
      const re = new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, 'iu');
      if (re.test(line)) found.push(`«${word}» in «${line.trim().slice(0, 160)}»`);
    }
  }
  return found;
}

function slug(href) {
  return href.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-[0-9a-f]{8}-[0-9a-f-]{27}/gi, '').slice(0, 40) || 'start';
}

// The page is in nynorsk: <html lang="nn"> and no bokmål-only word in the
// visible text.
async function expectNynorsk(page, what) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  soft(() => assert.equal(lang, 'nn', `${what} (${pathOf(page)}) has <html lang="${lang}">`));
  const visible = await page.evaluate(() => document.body.innerText);
  const found = bokmalWords(visible);
  soft(() => assert.deepEqual(found, [], `${what} (${pathOf(page)}) shows bokmål: ${found.join('; ')}`));
}

export async function nynorsk() {
  // p1. The staff member and the leader of Nabo skule sign in and open every
  // page of their navigation, the child's page and the child's log. Every
  // page says <html lang="nn"> and shows none of the words only bokmål has
  // (ikke, hva, hvem, hvordan, hvis, enhet, tjeneste, ansatt, bruker, være,
  // noen, fra, også); every page passes axe and is screenshotted.
  await scenario('p1. the staff of «Nabo kommune» (nynorsk) read nynorsk on every page of their navigation, the child\'s page and the log: lang="nn", no bokmål-only words', async () => {
    assert.deepEqual(bokmalWords('Eg veit ikkje kven som var der.\nHvem var der ikke?'), ['«ikke» in «Hvem var der ikke?»', '«hvem» in «Hvem var der ikke?»'], 'the word check finds whole words in any case');
    assert.deepEqual(bokmalWords('Einingar, tenester, brukarar, frå, òg, nokon, vere'), [], 'nynorsk words are not taken for bokmål');
    for (const user of NABO_STAFF) {
      const ctx = await newContext({ locale: 'nn-NO' });
      try {
        const page = await newPage(ctx);
        await login(page, user, DEMO_PASSWORD, `p1-login-${user}`);
        assert.equal(pathOf(page), '/', `${user} lands on the start page`);
        const hrefs = [...new Set(await page.locator('nav.laget-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))];
        assert.ok(hrefs.length >= 4, `${user} has a navigation: ${hrefs.join(', ')}`);
        for (const href of hrefs) {
          const resp = await goto(page, href, `p1-${user}-${slug(href)}`);
          soft(() => assert.equal(resp.status(), 200, `${href} answers ${resp.status()}`));
          await expectNynorsk(page, `${user}: ${href}`);
        }
        // The child's page and the child's log.
        await goto(page, '/barn', `p1-${user}-children`);
        const child = page.locator('main a[href^="/barn/"]').filter({ hasText: NABO_CHILD }).first();
        assert.equal(await child.count(), 1, `${user} sees ${NABO_CHILD} among the children`);
        const childHref = await child.getAttribute('href');
        await goto(page, childHref, `p1-${user}-child`);
        await expectNynorsk(page, `${user}: the child's page`);
        const logLink = page.locator('main a[href^="/logger/"]').first();
        assert.equal(await logLink.count(), 1, `${NABO_CHILD}'s page links to the log`);
        const logHref = (await logLink.getAttribute('href')).replace(/[?#].*$/, '');
        const resp = await goto(page, logHref, `p1-${user}-log`);
        assert.equal(resp.status(), 200, `the log answers ${resp.status()}`);
        await expectNynorsk(page, `${user}: the log`);
      } finally {
        await ctx.close();
      }
    }
  });
}
