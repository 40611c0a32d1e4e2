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
// The login is not interactive: the interaction endpoint finishes it at
// once with the account named in the request's `login_hint` and the first
// level in its `acr_values`. Accounts with an `@` also carry `email`; every
// account carries `preferred_username` (the staff logins).
//
// Test switch, never part of a real provider: `POST /test/mode?mode=…`
// changes what the next logins get, so a test can say what it tampers:
//   normal      as issued
//   expired     the token endpoint's ID token re-signed with `exp` in the past
//   badsig      … signed with another key (the same `kid`)
//   wrongaud    … with another audience
//   wrongnonce  … with another nonce
//   lowacr      the login finishes at `idporten-loa-substantial`, whatever
//               was asked for (a real token, nothing rewritten)
// Every other change is re-signed with the provider's own key, so only the
// one claim is wrong.

import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.argv[2] ?? 0);
const clients = JSON.parse(process.argv[3] ?? process.env.OIDC_CLIENTS ?? '[]');
const MODES = ['normal', 'expired', 'badsig', 'wrongaud', 'wrongnonce', 'lowacr'];
let mode = 'normal';

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'laget-test-1', alg: 'RS256', use: 'sig' };
const other = await jose.generateKeyPair('RS256', { extractable: true });

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
    rpInitiatedLogout: { enabled: true },
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
  if (ctx.path !== '/token' || mode === 'normal' || mode === 'lowacr') return;
  const body = ctx.body;
  if (!body || typeof body !== 'object' || !body.id_token) return;
  const claims = jose.decodeJwt(body.id_token);
  const header = jose.decodeProtectedHeader(body.id_token);
  let key = privateKey;
  if (mode === 'expired') {
    claims.iat = Math.floor(Date.now() / 1000) - 7200;
    claims.exp = Math.floor(Date.now() / 1000) - 3600;
  } else if (mode === 'wrongaud') {
    claims.aud = 'another-client';
  } else if (mode === 'wrongnonce') {
    claims.nonce = 'not-the-nonce-laget-sent';
  } else if (mode === 'badsig') {
    key = other.privateKey;
  }
  body.id_token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: header.typ })
    .sign(key);
  ctx.body = body;
});

const callback = provider.callback();

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { params, prompt } = details;
  const accountId = params.login_hint || details.session?.accountId;
  if (!accountId) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('the test provider needs login_hint');
    return;
  }
  const asked = String(params.acr_values ?? '').split(' ').filter(Boolean);
  const acr = mode === 'lowacr' ? 'idporten-loa-substantial' : (asked[0] ?? 'idporten-loa-high');
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
    interaction(req, res).catch((err) => {
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
