// Tests only: a certified OpenID Connect provider (panva/oidc-provider) on loopback for Médiateur's login tests.
//
//   node provider.js --port 0 --clients '<JSON list of client metadata>' --accounts '<JSON list of identities>'
//                    [--claims-in-userinfo]
//
// It listens on 127.0.0.1 (port 0: any free port), then prints one line "listening <issuer>" on stdout.
// Clients are standard client metadata (client_id, client_secret, redirect_uris, post_logout_redirect_uris,
// backchannel_logout_uri…); accounts are {sub, name, email, groups}. PKCE (S256) is required of every client.
// The signing key is an RSA key generated at each start (RS256): no key is shipped, none outlives the process.
// Signing in needs no browser: the interaction page takes ?login=<sub> and grants the requested scopes itself.
// More clients can be added at run time by Dynamic Client Registration (POST /reg), which here keeps the
// client_id and client_secret the caller gives: a test builds its app first, then registers it at its own URL.
// The process ends when its standard input closes, so it never outlives the test session that started it.

import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    clients: { type: 'string', default: '[]' },
    accounts: { type: 'string', default: '[]' },
    // oidc-provider's default: the ID token carries only what no userinfo call can give (sub, groups here).
    'claims-in-userinfo': { type: 'boolean', default: false },
  },
});
const accounts = new Map(JSON.parse(options.accounts).map((account) => [account.sub, account]));

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

async function findAccount(ctx, sub) {
  const account = accounts.get(sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { sub, name: account.name, email: account.email, email_verified: true, groups: account.groups };
    },
  };
}

function configuration() {
  return {
    clients: JSON.parse(options.clients),
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount,
    // The groups claim comes with every sign-in, as a group mapper of Keycloak or Entra ID gives it:
    // the console asks for "openid email profile" only.
    claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
    // By default name and e-mail come in the ID token too; with --claims-in-userinfo only from userinfo.
    conformIdTokenClaims: options['claims-in-userinfo'],
    pkce: { required: () => true },
    // Lifetimes in seconds, set so that the provider does not warn about its defaults; a test lasts less.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, Grant: 36000, IdToken: 3600, Interaction: 600, Session: 36000 },
    features: {
      devInteractions: { enabled: false },
      registration: {
        enabled: true,
        idFactory: (ctx) => ctx.oidc.body.client_id || randomUUID(),
        secretFactory: (ctx) => ctx.oidc.body.client_secret || randomBytes(32).toString('base64url'),
      },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    renderError,
    // oidc-provider refuses outgoing calls to loopback addresses (SSRF protection); the relying parties of the
    // tests, whose back-channel logout endpoints it calls, are all on loopback.
    fetch: (url, init) => {
      delete init.dispatcher;
      return globalThis.fetch(url, init);
    },
  };
}

// Pages without any outside resource (the defaults load a web font), so a browser test stays on loopback.
async function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><html><head><title>Sign out</title></head><body>${form}
    <button type="submit" form="op.logoutForm" value="yes" name="logout">Sign me out</button></body></html>`;
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = '<!DOCTYPE html><html><head><title>Signed out</title></head><body>Signed out.</body></html>';
}

async function renderError(ctx, out) {
  ctx.type = 'json';
  ctx.body = out;
}

// The interaction step without a form: login with the sub given in the query, then consent to what is asked.
async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    const sub = new URL(req.url, provider.issuer).searchParams.get('login');
    if (!accounts.has(sub)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`add ?login=<sub> with one of: ${[...accounts.keys()].join(', ')}`);
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const server = createServer();
server.listen(Number(options.port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  provider.on('backchannel.error', (ctx, error, client) => {
    console.error(`back-channel logout to ${client.clientId} failed: ${error.message}`);
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url.startsWith('/interaction/')) {
      handle(req, res);
      return;
    }
    interaction(provider, req, res).catch((error) => {
      console.error(error);
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(error.message));
    });
  });
  console.log(`listening ${issuer}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
