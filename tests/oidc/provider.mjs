// A real OpenID provider for Laget's login tests: npm `oidc-provider` (a
// certified implementation), configured like ID-porten.
//
//   node tests/oidc/provider.mjs [port] [clients-json]
//
// Listens on 127.0.0.1 (port 0: any free port) and prints `READY <port>` on
// stdout once it answers. The clients come from the second argument or the
// environment variable OIDC_CLIENTS, a JSON array of
// {client_id, client_secret, redirect_uris, post_logout_redirect_uris}.
//
// Like ID-porten: the ID token carries `pid` (the national identity number,
// here the account id) and `acr` (`idporten-loa-substantial` or
// `idporten-loa-high`); PKCE is required; tokens are signed with RS256.
//
// With a `login_hint` the login is not interactive: the interaction
// endpoint finishes it at once with the account named there and the first
// level in its `acr_values` (the Rust tests). Without one (a browser, the
// browser tests in tests/browser/features/portal.mjs) it shows a small form,
// «Testinnlogging (ikke ID-porten)»: the national identity number and the
// level of assurance, posted to /interaction/{uid}/login. Accounts with an
// `@` also carry `email`; every account carries `preferred_username` (the
// staff logins). Logging out at the end_session_endpoint asks «Vil du logge
// ut …?» with a button, as oidc-provider does, in Norwegian.
//
// Test switch, never part of a real provider: `POST /test/mode?mode=…`
// changes what the next logins get, so a test can say what it tampers:
//   normal      as issued
//   expired     the token endpoint's ID token re-signed with `exp` in the past
//   badsig      … signed with another key (the same `kid`)
//   wrongaud    … with another audience
//   wrongnonce  … with another nonce
//   rotated     … signed with a new key (`kid` laget-test-2), which the
//               provider's key set (`/jwks`) now publishes too: the keys
//               were rotated since Laget read them
//   lowacr      the login finishes at `idporten-loa-substantial`, whatever
//               was asked for (a real token, nothing rewritten)
// Every other change is re-signed with the provider's own key, so only the
// one claim is wrong.

import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.argv[2] ?? 0);
const clients = JSON.parse(process.argv[3] ?? process.env.OIDC_CLIENTS ?? '[]');
const MODES = ['normal', 'expired', 'badsig', 'wrongaud', 'wrongnonce', 'lowacr', 'rotated'];
let mode = 'normal';

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'laget-test-1', alg: 'RS256', use: 'sig' };
const other = await jose.generateKeyPair('RS256', { extractable: true });
const rotatedJwk = { ...(await jose.exportJWK(other.publicKey)), kid: 'laget-test-2', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const actualPort = server.address().port;
const issuer = `http://127.0.0.1:${actualPort}`;

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    post_logout_redirect_uris: [],
    ...c,
  })),
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['laget-test-provider-cookie-key'] },
  acrValues: ['idporten-loa-substantial', 'idporten-loa-high'],
  claims: {
    openid: ['sub', 'pid'],
    profile: ['preferred_username', 'name'],
    email: ['email'],
    acr: null,
  },
  // Like ID-porten: the claims go into the ID token, not only userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, preferred_username: id, name: `Testperson ${id}` };
        if (/^\d{11}$/.test(id)) claims.pid = id;
        if (id.includes('@')) claims.email = id;
        return claims;
      },
    };
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

// The tamper switch: rewrites the ID token of the token endpoint's answer.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/jwks' && mode === 'rotated' && ctx.body?.keys) {
    ctx.body = { keys: [...ctx.body.keys, rotatedJwk] };
    return;
  }
  if (ctx.path !== '/token' || mode === 'normal' || mode === 'lowacr') return;
  const body = ctx.body;
  if (!body || typeof body !== 'object' || !body.id_token) return;
  const claims = jose.decodeJwt(body.id_token);
  const header = jose.decodeProtectedHeader(body.id_token);
  let key = privateKey;
  let kid = header.kid;
  if (mode === 'expired') {
    claims.iat = Math.floor(Date.now() / 1000) - 7200;
    claims.exp = Math.floor(Date.now() / 1000) - 3600;
  } else if (mode === 'wrongaud') {
    claims.aud = 'another-client';
  } else if (mode === 'wrongnonce') {
    claims.nonce = 'not-the-nonce-laget-sent';
  } else if (mode === 'badsig') {
    key = other.privateKey;
  } else if (mode === 'rotated') {
    key = other.privateKey;
    kid = 'laget-test-2';
  }
  body.id_token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid, typ: header.typ })
    .sign(key);
  ctx.body = body;
});

const callback = provider.callback();

const LEVELS = [
  ['idporten-loa-high', 'Høyt (BankID, Buypass, Commfides)'],
  ['idporten-loa-substantial', 'Betydelig (MinID)'],
];

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// The page a person sees at the provider without a `login_hint`: a
// national identity number and a level of assurance (the first asked for
// chosen), a Norwegian error beside the number when it is not 11 digits.
function loginForm(res, uid, asked, { pid = '', acr = '', error = null } = {}) {
  const chosen = acr || asked[0] || LEVELS[0][0];
  const levels = LEVELS.map(
    ([value, label], i) =>
      `<div><input type="radio" id="acr-${i}" name="acr" value="${value}"${value === chosen ? ' checked' : ''}> <label for="acr-${i}">${label}</label></div>`,
  ).join('\n');
  const invalid = error ? ' aria-invalid="true" aria-describedby="pid-error"' : '';
  const body = `<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Testinnlogging (ikke ID-porten)</title>
<style>body{font-family:sans-serif;margin:1rem;max-width:30rem}label,legend{font-weight:bold}input[type=text]{font-size:1.1rem;padding:.4rem;width:100%;box-sizing:border-box}fieldset{margin:1rem 0;border:1px solid #666}button{font-size:1.1rem;padding:.5rem 1rem}.error{color:#b00020}</style>
</head>
<body>
<main>
<h1>Testinnlogging (ikke ID-porten)</h1>
<p>En OpenID-tjeneste for tester. Skriv et syntetisk fødselsnummer.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<div>
<label for="pid">Fødselsnummer (11 siffer)</label>
<input type="text" id="pid" name="pid" inputmode="numeric" autocomplete="off" value="${escapeHtml(pid)}"${invalid}>
${error ? `<p class="error" id="pid-error">${escapeHtml(error)}</p>` : ''}
</div>
<fieldset>
<legend>Sikkerhetsnivå</legend>
${levels}
</fieldset>
<button type="submit">Logg inn</button>
</form>
</main>
</body>
</html>`;
  res.writeHead(error ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

// oidc-provider's logout question, in Norwegian and without the default's
// web font.
async function logoutSource(ctx, form) {
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logg ut (ikke ID-porten)</title>
</head>
<body>
<main>
<h1>Vil du logge ut av testinnloggingen?</h1>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logg meg ut</button>
<button type="submit" form="op.logoutForm">Nei, forbli innlogget</button>
</main>
</body>
</html>`;
}

async function interaction(req, res, submitted) {
  const details = await provider.interactionDetails(req, res);
  const { params, prompt, uid } = details;
  const asked = String(params.acr_values ?? '').split(' ').filter(Boolean);
  let accountId = params.login_hint || details.session?.accountId;
  let acr = asked[0] ?? 'idporten-loa-high';
  if (!accountId) {
    if (!submitted) {
      loginForm(res, uid, asked);
      return;
    }
    const form = await readForm(req);
    const pid = (form.get('pid') ?? '').replace(/\s+/g, '');
    const level = form.get('acr') ?? '';
    if (!/^\d{11}$/.test(pid)) {
      loginForm(res, uid, asked, { pid, acr: level, error: 'Skriv fødselsnummeret med 11 siffer.' });
      return;
    }
    accountId = pid;
    if (LEVELS.some(([value]) => value === level)) acr = level;
  }
  if (mode === 'lowacr') acr = 'idporten-loa-substantial';
  const result = { login: { accountId, acr, remember: false } };
  if (prompt.name === 'consent' || prompt.name === 'login') {
    const grant = new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope));
    result.consent = { grantId: await grant.save() };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

server.on('request', (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/test/mode' && req.method === 'POST') {
    const wanted = url.searchParams.get('mode');
    if (!MODES.includes(wanted)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`unknown mode; one of ${MODES.join(', ')}`);
      return;
    }
    mode = wanted;
    res.writeHead(204);
    res.end();
    return;
  }
  if (url.pathname.startsWith('/interaction/')) {
    const submitted = req.method === 'POST' && url.pathname.endsWith('/login');
    interaction(req, res, submitted).catch((err) => {
      console.error('interaction', err);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
    return;
  }
  callback(req, res);
});

// A test that stops reading must not stop the provider.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

// Stop when the test closes stdin (or dies).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

console.log(`READY ${actualPort}`);
