// The server under test: `laget serve --demo` on a free port, with a fresh
// SQLite database in a temporary directory, sending its e-mail to a real
// SMTP server on 127.0.0.1 (tests/mail/smtp_sink.py, aiosmtpd) that writes
// each message it receives to mailDir as NNNN.eml and NNNN.json. Citizens
// log in through a real OpenID provider in ID-porten's role
// (tests/oidc/provider.mjs, npm oidc-provider) on another free port, which
// Laget's `[idporten]` section names (so `--demo` mounts no demo provider).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, MAIL_PYTHON, ROOT } from './config.mjs';
import { log, setServerGone } from './runner.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let server = null; // child process
export let serverLog = ''; // everything the server printed
export let tempDir = null; // the database, the binary's copy, server.log

let sink = null; // the SMTP server's process
// Where the SMTP server writes what it receives; null when it could not be
// started (mailProblem says why, and the scenarios that read mail fail with it).
export let mailDir = null;
export let mailProblem = null;

// Starts tests/mail/smtp_sink.py with the Python of `make deps`
// (target/mail-venv, or LAGET_TEST_PYTHON) on a free port of 127.0.0.1 and
// returns the port, or null (with mailProblem set) when it cannot run.
async function startSmtpSink() {
  if (!existsSync(MAIL_PYTHON)) {
    mailProblem = `no Python with aiosmtpd at ${MAIL_PYTHON}: run «make deps» (or set LAGET_TEST_PYTHON)`;
    return null;
  }
  const dir = path.join(tempDir, 'mail');
  // stdin stays open: the sink stops when it closes (or on SIGTERM).
  sink = spawn(MAIL_PYTHON, [path.join(ROOT, 'tests/mail/smtp_sink.py'), dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 15_000);
    sink.stdout.on('data', (c) => {
      out += c.toString();
      const m = out.match(/READY (\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    sink.stderr.on('data', (c) => (out += c.toString()));
    sink.on('error', (e) => {
      clearTimeout(timer);
      out += e.message;
      resolve(null);
    });
    sink.on('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (!port) {
    mailProblem = `the SMTP server (tests/mail/smtp_sink.py) did not start: ${out.trim() || 'no output'}`;
    stopSink();
    return null;
  }
  mailDir = dir;
  return port;
}

function stopSink() {
  if (sink && sink.exitCode === null && sink.signalCode === null) {
    try {
      sink.stdin.end();
      sink.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

let oidc = null; // the OpenID provider's process
// The OpenID provider's address (its issuer), and the client Laget is there.
export let oidcIssuer = null;
export const OIDC_CLIENT = { id: 'laget-browser-tests', secret: 'browser-test-secret-not-a-real-one-42' };

// Starts tests/oidc/provider.mjs on a free port of 127.0.0.1 with Laget at
// `base` as its one client (the redirect URI and the page logging out
// returns to) and returns its issuer. Its form for a browser takes a
// national identity number and a level of assurance.
async function startOidcProvider(base) {
  const clients = [
    {
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      redirect_uris: [`${base}/innlogging/tilbake`],
      post_logout_redirect_uris: [`${base}/familie/logg-inn?utlogget=1`],
    },
  ];
  const port = await freePort();
  oidc = spawn(process.execPath, [path.join(ROOT, 'tests/oidc/provider.mjs'), String(port), JSON.stringify(clients)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    oidc.stdout.on('data', (c) => {
      out += c.toString();
      if (/READY \d+/.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    oidc.stderr.on('data', (c) => (out += c.toString()));
    oidc.on('error', (e) => {
      clearTimeout(timer);
      out += e.message;
      resolve(false);
    });
    oidc.on('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    stopOidc();
    throw new Error(`the OpenID provider (tests/oidc/provider.mjs) did not start: ${out.trim() || 'no output'} (run «npm ci»)`);
  }
  // Its later output goes into the server log, which a failure prints.
  oidc.stdout.on('data', (c) => (serverLog += `oidc-provider: ${c}`));
  oidc.stderr.on('data', (c) => (serverLog += `oidc-provider: ${c}`));
  oidcIssuer = `http://127.0.0.1:${port}`;
  return oidcIssuer;
}

function stopOidc() {
  if (oidc && oidc.exitCode === null && oidc.signalCode === null) {
    try {
      oidc.stdin.end();
      oidc.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

export async function startServer() {
  tempDir = await mkdtemp(path.join(tmpdir(), 'browser-tests-'));
  // Run a private copy of the binary, under a name without «laget» in it: a
  // rebuild of target/debug/laget, or someone's `pkill -f "laget serve"` for
  // their own server, must not pull the server away in the middle of the run.
  const bin = path.join(tempDir, 'browser-test-server');
  await copyFile(BIN, bin).catch((e) => {
    throw new Error(`cannot copy the server binary ${BIN}: ${e.message} (build it with «cargo build -p laget-cli» or set LAGET_BIN)`);
  });
  await chmod(bin, 0o755);
  const port = await freePort();
  const env = {
    ...process.env,
    LAGET__DATABASE__URL: path.join(tempDir, 'laget.sqlite3'),
    LAGET__LOG__FILTER: process.env.LAGET__LOG__FILTER || 'warn',
  };
  // E-mail through the SMTP server on this machine (plain SMTP is allowed
  // only to the loopback); the outbox looks for work every second.
  const smtpPort = await startSmtpSink();
  if (smtpPort) {
    Object.assign(env, {
      LAGET__MAIL__SMTP_HOST: '127.0.0.1',
      LAGET__MAIL__SMTP_PORT: String(smtpPort),
      LAGET__MAIL__SECURITY: 'none',
      LAGET__MAIL__FROM: 'Laget <laget@demo.kommune.example>',
      LAGET__MAIL__BASE_URL: `http://127.0.0.1:${port}`,
      LAGET__OUTBOX__POLL_SECONDS: '1',
    });
  } else {
    log(`!! e-mail is off for this run: ${mailProblem}`);
  }
  // ID-porten's role: the real OpenID provider, Laget registered there.
  const issuer = await startOidcProvider(`http://127.0.0.1:${port}`);
  Object.assign(env, {
    LAGET__IDPORTEN__ISSUER: issuer,
    LAGET__IDPORTEN__CLIENT_ID: OIDC_CLIENT.id,
    LAGET__IDPORTEN__CLIENT_SECRET: OIDC_CLIENT.secret,
    LAGET__IDPORTEN__BASE_URL: `http://127.0.0.1:${port}`,
    LAGET__IDPORTEN__ACR_VALUES: '[idporten-loa-high, idporten-loa-substantial]',
  });
  // cwd is the temp directory so that a stray ./laget.toml is not picked up.
  server = spawn(bin, ['serve', '--demo', '--listen', `127.0.0.1:${port}`], {
    cwd: tempDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 30 s\n${serverLog}`)), 30_000);
    const onData = (chunk) => {
      serverLog += chunk.toString();
      const m = serverLog.match(/running at (https?:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (c) => (serverLog += c.toString()));
    server.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin} (a copy of ${BIN}): ${e.message}`));
    });
    server.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal})\n${serverLog}`));
    });
  });
  server.on('exit', (code, signal) => {
    if (stopping) return;
    const serverGone =
      `the server exited in the middle of the run (code ${code}, signal ${signal}); ` +
      'code 0 is a graceful shutdown, i.e. something outside the tests sent it SIGTERM or SIGINT';
    setServerGone(serverGone);
    log(`!! ${serverGone}`);
  });
  // The listeners above keep collecting output for the log check and for a
  // failure report.
  return base;
}

let stopping = false;
export function stopServerSync() {
  stopping = true;
  stopSink();
  stopOidc();
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      server.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

export async function stopServer() {
  stopping = true;
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
  stopSink();
  stopOidc();
}
