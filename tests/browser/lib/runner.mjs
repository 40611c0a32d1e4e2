// The runner: scenarios, soft checks and results. Every result line is
// printed as it comes («✔ name» or «✖ name»); run.mjs prints the summary.

export const results = []; // { name, ok, error }
let current = null; // the scenario running now
let softFailures = []; // failed checks that do not stop the scenario

// A check that is reported as a failure of the scenario but lets it go on, so
// that one wrong detail does not hide the rest of the flow.
export function soft(fn) {
  try {
    fn();
  } catch (err) {
    softFailures.push(err);
    log(`    ✖ (check) ${err.message.split('\n')[0]}`);
  }
}

export function log(...args) {
  console.log(...args);
}

export async function scenario(name, fn) {
  current = name;
  softFailures = [];
  const started = Date.now();
  try {
    if (serverGone) throw new Error(`not run: ${serverGone}`);
    await fn();
    if (serverGone) throw new Error(serverGone);
    if (softFailures.length) {
      throw new Error(softFailures.map((e) => e.message).join('\n'));
    }
    results.push({ name, ok: true });
    log(`✔ ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, error: err });
    log(`✖ ${name} (${Date.now() - started} ms)`);
    log(indent(err && err.stack ? err.stack : String(err)));
  } finally {
    current = null;
  }
}

// A result recorded outside the scenario flow (one per page for axe).
export function record(name, ok, error) {
  results.push({ name, ok, error });
  log(`${ok ? '✔' : '✖'} ${name}`);
  if (!ok) log(indent(error instanceof Error ? error.message : String(error)));
}

export function indent(s) {
  return String(s).split('\n').map((l) => '    ' + l).join('\n');
}

// The scenario running now (null between scenarios), for a failure outside
// any check.
export function currentScenario() {
  return current;
}

// Why the server is no longer running (set by lib/server.mjs); every
// scenario after that fails at once.
let serverGone = null;
export function setServerGone(reason) {
  serverGone = reason;
}
