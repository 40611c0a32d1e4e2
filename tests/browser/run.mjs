// Browser tests for Laget: real server, real browser, real database.
//
// Starts `laget serve --demo` on a free port with a fresh SQLite database in a
// temporary directory, drives Chromium through the main flows (also with the
// keyboard), runs axe-core on every page visited and saves a full-page
// screenshot of each. Prints «N passed, N failed» at the end and exits with a
// non-zero code on any failure.
//
//   node tests/browser/run.mjs
//
// Environment: LAGET_BIN (server binary, default target/debug/laget),
// CHROMIUM (browser, default /usr/bin/chromium), SCREENSHOT_DIR (default
// target/screenshots), HEADED=1 (show the browser), KEEP_DB=1 (keep the temp
// directory with the database and the server log), WATCHDOG_MS (give up
// after this long), ONLY (a comma-separated list of features to run, e.g.
// ONLY=reports,plans; default all).
//
// This file only starts and stops things and runs the features in order;
// the scenarios are in features/*.mjs, the shared helpers in lib/ (see
// README.md). The features share the server's data and the objects in
// lib/demo.mjs, so a later feature builds on what an earlier one created:
// keep the order.

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN, KEEP_DB, ROOT, SHOTS, WATCHDOG_MS } from './lib/config.mjs';
import { currentScenario, indent, log, record, results } from './lib/runner.mjs';
import { serverLog, startServer, stopServer, stopServerSync, tempDir } from './lib/server.mjs';
import { browser, launchBrowser, newContext, newPage, shotNo } from './lib/browser.mjs';
import { accessLog } from './features/access_log.mjs';
import { roleGrants, unitsAndUsers } from './features/admin.mjs';
import { api } from './features/api.mjs';
import { consultations } from './features/casework.mjs';
import { findEditApprove, reviewAtTwoWidths } from './features/catalogue.mjs';
import { childRecord } from './features/children.mjs';
import { errorSummaryFocus } from './features/keyboard.mjs';
import { stafettlogg } from './features/log.mjs';
import { meetings } from './features/meetings.mjs';
import { anonymousAndWrongPassword, logoutAndNotFound } from './features/login.mjs';
import { nynorsk } from './features/nynorsk.mjs';
import { phoneWidth } from './features/phone_width.mjs';
import { portal } from './features/portal.mjs';
import { plans } from './features/plans.mjs';
import { reports } from './features/reports.mjs';
import { teams } from './features/teams.mjs';

// ONLY=reports,plans runs only the named features (the names of the files in
// features/, without .mjs); without it, all of them, in order. A feature that
// builds on an earlier one (log on admin, for instance) needs it named too.
const ONLY = (process.env.ONLY || '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
function want(feature) {
  return ONLY.length === 0 || ONLY.includes(feature);
}

process.on('exit', stopServerSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (finished) process.exit(130); // a second signal: do not wait
    log(`!! interrupted (${sig})`);
    results.push({ name: `interrupted by ${sig}`, ok: false });
    stopServerSync();
    finish(130);
  });
}

async function main() {
  await mkdir(SHOTS, { recursive: true });
  for (const f of await readdir(SHOTS)) if (f.endsWith('.png')) await rm(path.join(SHOTS, f));

  if (ONLY.length) {
    const known = (await readdir(path.join(ROOT, 'tests/browser/features'))).map((f) => f.replace(/\.mjs$/, ''));
    const unknown = ONLY.filter((f) => !known.includes(f));
    if (unknown.length) throw new Error(`ONLY names no feature file: ${unknown.join(', ')} (features: ${known.join(', ')})`);
    log(`Only the features ${ONLY.join(', ')} (ONLY)`);
  }
  log(`Starting ${path.relative(ROOT, BIN).startsWith('..') ? BIN : path.relative(ROOT, BIN)} …`);
  const base = await startServer();
  log(`Server at ${base} (database in ${tempDir})`);
  await launchBrowser(base);

  // Two signed-in browsers that several features share: kommuneadmin (signed
  // in by scenario b) and leder (signed in by scenario e).
  const admin = await newContext();
  const adminPage = await newPage(admin);

  if (want('login')) await anonymousAndWrongPassword(); // a
  if (want('admin')) await unitsAndUsers({ adminPage }); // b, c, d

  const leader = await newContext();
  const leaderPage = await newPage(leader);
  if (want('access_log')) await accessLog({ leaderPage }); // e
  if (want('admin')) await roleGrants({ adminPage, leaderPage }); // e2
  if (want('login')) await logoutAndNotFound({ adminPage, leaderPage }); // f, g

  if (want('catalogue')) await findEditApprove(); // h1, h2, h3, i, j, k: the catalogue
  if (want('api')) await api(); // l

  if (want('log')) await stafettlogg({ adminPage }); // m1–m7: the child's log
  if (want('meetings')) await meetings(); // q1–q4: a case meeting from invitation to rating, with e-mail
  await admin.close();
  await leader.close();

  if (want('phone_width')) await phoneWidth(); // n1
  if (want('catalogue')) await reviewAtTwoWidths(); // c15: the catalogue's review
  if (want('keyboard')) await errorSummaryFocus(); // n2
  if (want('children')) await childRecord(); // o1, o2
  if (want('casework')) await consultations(); // d15
  if (want('teams')) await teams(); // t1, t2: standing teams
  if (want('nynorsk')) await nynorsk(); // p1: «Nabo kommune» reads nynorsk
  if (want('portal')) await portal(); // u1–u9: the family's portal, ID-porten's login through a real OpenID provider, digital consent
  if (want('reports')) await reports(); // r1–r6: a report of concern from level 3 to child welfare's feedback
  if (want('plans')) await plans(); // v1–v5: a log becomes an individual plan with a coordinator, seen in the portal

  // The server must not have logged an error while all this went on (a 500,
  // a database error, a failed background job). Warnings are only shown.
  await new Promise((r) => setTimeout(r, 300)); // let the last output arrive
  const lines = serverLog.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const errors = lines.filter((l) => /\bERROR\b/.test(l));
  for (const w of lines.filter((l) => /\bWARN\b/.test(l))) log(`    (note) server warning: ${w.trim()}`);
  record(
    'server logged no errors during the run',
    errors.length === 0,
    new Error(`the server logged ${errors.length} error line(s):\n${errors.map((l) => '  ' + l.trim()).join('\n')}`),
  );
}

// ---------------------------------------------------------------- go

const watchdog = setTimeout(() => {
  log(`!! the suite took longer than ${WATCHDOG_MS / 1000} s; giving up`);
  results.push({ name: 'watchdog', ok: false });
  finish(1);
}, WATCHDOG_MS);

let finished = false;
async function finish(forced) {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  try {
    if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5_000))]);
  } catch {
    /* ignore */
  }
  await stopServer().catch(() => {});
  const failed = results.filter((r) => !r.ok).length;
  const passed = results.length - failed;
  if (failed) {
    log('\nFailures:');
    for (const r of results.filter((x) => !x.ok)) {
      log(`  ✖ ${r.name}`);
      if (r.error) log(indent(indent(r.error instanceof Error ? r.error.message : String(r.error))));
    }
    if (tempDir) {
      await writeFile(path.join(tempDir, 'server.log'), serverLog).catch(() => {});
    }
    const tail = serverLog.split('\n').slice(-25).join('\n');
    log(`\nServer output (last lines):\n${indent(tail)}`);
  }
  if (tempDir && !KEEP_DB) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
  else if (tempDir) log(`Database and server log kept in ${tempDir}`);
  log(`Screenshots: ${path.relative(ROOT, SHOTS)}/ (${shotNo} pages)`);
  log(`\n${passed} passed, ${failed} failed`);
  process.exit(typeof forced === 'number' && forced > 1 ? forced : failed || forced ? 1 : 0);
}

main()
  .catch((err) => {
    const current = currentScenario();
    results.push({ name: current ? `${current} (setup)` : 'setup', ok: false, error: err });
    log(`✖ ${err && err.stack ? err.stack : err}`);
  })
  .finally(() => finish(0));
