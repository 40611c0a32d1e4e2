// The server under test: `laget serve --demo` on a free port, with a fresh
// SQLite database in a temporary directory.

import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN } from './config.mjs';
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
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(t);
}
