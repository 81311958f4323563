// A local OpenID provider for tests (oidc-provider is ESM-only, so it runs in this child process).
// Input: the JSON of { accounts, clients } in the OIDC_TEST_CONFIG environment variable.
// Output: one line `{"issuer":"http://127.0.0.1:<port>"}` on stdout once it listens.
// It stops when its standard input closes (the test process ended, even abruptly) or on SIGTERM.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}');
/** accountId → { email, email_verified, name } */
const accounts = config.accounts ?? {};

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(issuer, {
  clients: config.clients ?? [],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'public_profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], public_profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  // Every client must prove possession of the code (PKCE), as the app always does.
  pkce: { required: () => true },
  async findAccount(_ctx, accountId) {
    const account = accounts[accountId];
    if (!account) return undefined;
    return { accountId, claims: async () => ({ sub: accountId, ...account }) };
  },
});

// Facebook's Graph API `GET /me?fields=...` over this provider's real access tokens: the id, the name,
// and the email only when the person confirmed it and granted the `email` permission, as Facebook does.
provider.use(async (ctx, next) => {
  if (ctx.path !== '/graph/me' || ctx.method !== 'GET') return next();
  const bearer = /^Bearer (.+)$/i.exec(ctx.get('authorization') ?? '')?.[1];
  const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
  const account = token ? accounts[token.accountId] : undefined;
  if (!token || !account) {
    ctx.status = 401;
    ctx.body = { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } };
    return;
  }
  const fields = new Set(String(ctx.query.fields ?? 'id,name').split(','));
  const granted = new Set(String(token.scope ?? '').split(' '));
  ctx.body = {
    ...(fields.has('id') ? { id: token.accountId } : {}),
    ...(fields.has('name') && account.name ? { name: account.name } : {}),
    ...(fields.has('email') && granted.has('email') && account.email_verified ? { email: account.email } : {}),
  };
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

// Nothing to keep: every token and session lives in memory and dies with the process.
const stop = () => process.exit(0);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
