// A real OpenID Provider for Cairn's single sign-on tests (test-only; never deployed).
// panva/oidc-provider does the protocol: discovery, authorization code + PKCE, signed
// ID tokens, JWKS, userinfo, RP-initiated logout. This file adds only what a test needs:
// accounts and clients from the OP_CONFIG environment variable (JSON), and a plain sign-in
// page where the "user" types an account id and says whether they passed MFA.
//
// OP_CONFIG: {"port": 0, "issuer": "http://localhost:PORT", "idTokenTtl": 600,
//             "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//             "accounts": {"<sub>": {email, given_name, family_name, groups: [...]}}}
// Prints "READY <port>" on stdout once listening.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OP_CONFIG);
const accounts = config.accounts;

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...c,
  })),
  findAccount: async (ctx, id) => {
    if (!accounts[id]) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  claims: {
    // acr and amr with openid so that every ID token carries how the user signed in.
    openid: ['sub', 'acr', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  cookies: { keys: ['cairn-test-op-only'] },
  pkce: { required: () => true },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: config.idTokenTtl || 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the test identity provider',
          `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out of the test identity provider', '');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // First-party test clients: consent is implied, so only the sign-in page is shown.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page('Sign in to the test identity provider',
      `<form method="post" action="/interaction/${details.uid}">` +
      '<label for="login">Account</label> <input id="login" name="login" autofocus>' +
      '<label><input type="checkbox" name="mfa" value="yes"> I used my second factor</label>' +
      '<button type="submit">Sign in</button></form>');
    return undefined;
  }
  const form = await readForm(ctx.req);
  const login = form.get('login') || '';
  let result;
  if (!accounts[login]) {
    result = { error: 'access_denied', error_description: 'unknown account' };
  } else {
    const mfa = form.get('mfa') === 'yes';
    result = { login: { accountId: login, amr: mfa ? ['pwd', 'mfa'] : ['pwd'] } };
  }
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.redirect(redirectTo);
  return undefined;
});

const server = createServer(provider.callback());
server.listen(config.port || 0, '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
