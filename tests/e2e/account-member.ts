import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { UserCommandSupport } from '../../application/user/user-command-support';
import type { UserRole } from '../../domain/user/user.events';
import { streamName } from '../../domain/shared/stream-name';
import { emailClaimDecider, type EmailClaimCommand } from '../../domain/user/email-claim';
import { bearer, login, STRONG_PASSWORD, type Pair } from './auth-kit';
import type { E2eApp } from './e2e-app';

const FIRST_PASSWORD = 'Temporary-Lantern-93k';

/**
 * A second user of an existing account, for tests of what users of one account may do to each other.
 * No HTTP API adds users to an account yet (the MSP administration issue brings it), so the user is
 * registered through the same commands a registration runs (email claim, then RegisterUser with the
 * account's id and the role), by the account's owner as principal; everything after that — the first
 * sign-in, the forced password change, every request of the test — goes over HTTP.
 */
export async function addMember(
  app: E2eApp,
  accountId: string,
  ownerUserId: string,
  email: string,
  role: UserRole = 'technician',
): Promise<{ pair: Pair; me: { id: string; accountId: string } }> {
  const support = app.app.get(UserCommandSupport);
  const userId = randomUUID();
  const owner = { kind: 'user' as const, id: ownerUserId, tenantId: accountId, role: 'owner' as const };
  const meta = { correlationId: randomUUID(), source: { channel: 'system' as const } };
  const emailHash = support.emailHash(email);
  await support.runner.run(
    streamName('emailclaim', emailHash),
    emailClaimDecider,
    { type: 'ClaimEmail', data: { emailHash, userId, accountId } } as EmailClaimCommand,
    owner,
    meta,
  );
  const generatedPasswordHash = await support.hasher.hash(FIRST_PASSWORD);
  await support.runUser(
    userId,
    { type: 'RegisterUser', data: { userId, accountId, email, role, method: 'email', emailVerified: false, generatedPasswordHash } },
    owner,
    meta,
  );
  const first = await login(app, email, FIRST_PASSWORD);
  const changed = await request(app.url)
    .post('/api/me/password')
    .set(bearer(first.accessToken))
    .send({ currentPassword: FIRST_PASSWORD, newPassword: STRONG_PASSWORD })
    .expect(200);
  const pair = changed.body as Pair;
  const me = await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200);
  return { pair, me: me.body };
}
