import request from 'supertest';
import { ManualClock } from '../kit/counter-projection';
import { startApp, type E2eApp } from './e2e-app';
import {
  OTHER_STRONG_PASSWORD,
  PROBLEM,
  STRONG_PASSWORD,
  bearer,
  eventsOfType,
  generatedPassword,
  linkIn,
  login,
  mailTo,
  signedUp,
  template,
  type Pair,
} from './auth-kit';

const PUBLIC_URL = 'https://switchboard.example.test';

describe('sign-in flows over HTTP', () => {
  let app: E2eApp;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    app = await startApp({ PUBLIC_URL }, { clock });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('register → mail → first sign-in (password change forced) → change → profile → onboarding → refresh → sign out', async () => {
    const email = 'ann.flow@example.com';
    const registered = await request(app.url).post('/api/auth/register').send({ email, accountName: 'Ann’s computers', language: 'fr' }).expect(202);
    expect(registered.body).toEqual({ status: 'mail-sent' });

    const mail = await mailTo(app, email, template('registration-password'));
    expect(mail.subject).toBe('Votre compte Switchboard est prêt');
    expect(linkIn(mail.text, '/sign-in').href).toBe(`${PUBLIC_URL}/sign-in`);
    const generated = generatedPassword(mail.text);
    expect(mail.html).toContain(generated);

    const first = await request(app.url).post('/api/auth/login').send({ email: 'Ann.Flow@Example.com ', password: generated }).expect(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, mustChangePassword: true });
    const forced = bearer(first.body.accessToken);

    // Until the password changes, only GET /api/me and the change itself.
    const me = await request(app.url).get('/api/me').set(forced).expect(200);
    expect(me.body).toMatchObject({ email, role: 'owner', status: 'active', mustChangePassword: true, profile: null, onboarding: 'pending' });
    const blocked = await request(app.url).get('/api/me/profile').set(forced).expect(403);
    expect(blocked.headers['content-type']).toMatch(PROBLEM);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await request(app.url).get(`/api/accounts/${me.body.accountId}`).set(forced).expect(403)).body.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const changed = await request(app.url)
      .post('/api/me/password')
      .set(forced)
      .send({ currentPassword: generated, newPassword: STRONG_PASSWORD })
      .expect(200);
    expect(changed.body.mustChangePassword).toBe(false);
    let pair: Pair = changed.body;
    // The forced session is over; the generated password no longer opens anything.
    expect((await request(app.url).get('/api/me').set(forced).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect((await request(app.url).post('/api/auth/login').send({ email, password: generated }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
    const notice = await mailTo(app, email, template('password-changed'));
    expect(linkIn(notice.text, '/recover').href).toBe(`${PUBLIC_URL}/recover`);

    const profile = { firstName: 'Ann', lastName: 'Lovelace', country: 'fr', language: 'fr', timeZone: 'Europe/Paris', timeFormat: '24h', title: 'Technicienne' };
    const updated = await request(app.url).put('/api/me/profile').set(bearer(pair.accessToken)).send(profile).expect(200);
    expect(updated.body).toMatchObject({ email, mustChangePassword: false, profile: { ...profile, country: 'FR' } });
    expect((await request(app.url).get('/api/me/profile').set(bearer(pair.accessToken)).expect(200)).body).toEqual({ ...profile, country: 'FR' });

    await request(app.url).post('/api/me/onboarding').set(bearer(pair.accessToken)).send({ outcome: 'dismissed' }).expect(204);
    expect((await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200)).body.onboarding).toBe('dismissed');

    const refreshed = await request(app.url).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    expect(refreshed.body.refreshToken).not.toBe(pair.refreshToken);
    pair = refreshed.body;
    await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(200);

    await request(app.url).post('/api/auth/logout').set(bearer(pair.accessToken)).send({}).expect(204);
    expect((await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect((await request(app.url).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401)).body.code).toBe('SESSION_REVOKED');

    const types = (await app.infra.eventStore.readStream(`user-${me.body.id}`)).map((e) => e.type);
    expect(types).toEqual([
      'UserRegistered',
      'UserPasswordSet',
      'UserActivated',
      'UserSignedIn',
      'UserPasswordSet',
      'UserSessionRevoked',
      'UserSignedIn',
      'UserAttemptRefused',
      'UserProfileUpdated',
      'UserOnboardingFinished',
      'UserSessionRefreshed',
      'UserSignedOut',
      'UserAttemptRefused',
    ]);
  });

  it('keeps personal data out of the stored events (sealed with the user’s key)', async () => {
    const { me } = await signedUp(app, 'sealed.data@example.com');
    const raw = await app.infra.eventStore.readStream(`user-${me.id}`, { raw: true });
    expect(JSON.stringify(raw)).not.toContain('sealed.data@example.com');
    const opened = await app.infra.eventStore.readStream(`user-${me.id}`);
    expect(opened[0].data.email).toBe('sealed.data@example.com');
  });

  it('rotates refresh tokens; a reused one revokes the whole session (401 TOKEN_REUSED)', async () => {
    const { pair } = await signedUp(app, 'rotation@example.com');
    const next = (await request(app.url).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)).body as Pair;
    await request(app.url).get('/api/me').set(bearer(next.accessToken)).expect(200);

    const reused = await request(app.url).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    expect(reused.body).toMatchObject({ code: 'TOKEN_REUSED', status: 401 });
    // Theft detection: the thief's and the owner's tokens of that session both stop.
    expect((await request(app.url).post('/api/auth/refresh').send({ refreshToken: next.refreshToken }).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect((await request(app.url).get('/api/me').set(bearer(next.accessToken)).expect(401)).body.code).toBe('SESSION_REVOKED');
    const revoked = await eventsOfType(app, 'UserSessionRevoked');
    expect(revoked.some((e) => e.data.reason === 'token_reused')).toBe(true);
  });

  it('expires access tokens after 15 minutes; the refresh token still works', async () => {
    const { pair } = await signedUp(app, 'expiry@example.com');
    clock.advance(16 * 60_000);
    const expired = await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(401);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
    expect(expired.headers['www-authenticate']).toMatch(/^Bearer/);
    const next = (await request(app.url).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)).body as Pair;
    await request(app.url).get('/api/me').set(bearer(next.accessToken)).expect(200);
  });

  it('logout-all ends every session of the user, other devices included', async () => {
    const email = 'everywhere@example.com';
    const { pair: laptop } = await signedUp(app, email);
    const phone = await login(app, email, STRONG_PASSWORD);
    await request(app.url).get('/api/me').set(bearer(laptop.accessToken)).expect(200);

    await request(app.url).post('/api/auth/logout-all').set(bearer(phone.accessToken)).send({}).expect(204);
    for (const pair of [laptop, phone]) {
      expect((await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(401)).body.code).toBe('SESSION_REVOKED');
      expect((await request(app.url).post('/api/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401)).body.code).toBe('SESSION_REVOKED');
    }
    await login(app, email, STRONG_PASSWORD);
  });

  it('recovers a password by a mailed single-use link that expires after an hour', async () => {
    const email = 'forgetful@example.com';
    const { pair } = await signedUp(app, email);
    expect((await request(app.url).post('/api/auth/recovery').send({ email, language: 'de' }).expect(202)).body).toEqual({ status: 'accepted' });
    const mail = await mailTo(app, email, template('password-recovery'));
    expect(mail.subject).toMatch(/Switchboard/);
    const link = linkIn(mail.text, '/recover/complete');
    expect(link.origin + link.pathname).toBe(`${PUBLIC_URL}/recover/complete`);
    const token = link.searchParams.get('token') as string;

    await request(app.url).post('/api/auth/recovery/complete').send({ token, newPassword: OTHER_STRONG_PASSWORD }).expect(204);
    // Every session ended; the new password opens a new one, the old one nothing.
    expect((await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(401)).body.code).toBe('SESSION_REVOKED');
    await login(app, email, OTHER_STRONG_PASSWORD);
    expect((await request(app.url).post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');

    const again = await request(app.url).post('/api/auth/recovery/complete').send({ token, newPassword: 'Another-Fine-Pass-9' }).expect(410);
    expect(again.body.code).toBe('RECOVERY_LINK_USED');

    await request(app.url).post('/api/auth/recovery').send({ email }).expect(202);
    const late = await mailTo(app, email, template('password-recovery'));
    const lateToken = linkIn(late.text, '/recover/complete').searchParams.get('token') as string;
    clock.advance(61 * 60_000);
    const expired = await request(app.url).post('/api/auth/recovery/complete').send({ token: lateToken, newPassword: 'Another-Fine-Pass-9' }).expect(410);
    expect(expired.body.code).toBe('RECOVERY_LINK_EXPIRED');
    await login(app, email, OTHER_STRONG_PASSWORD);
  });

  it('answers 202 to a recovery for an unknown email, sends nothing, and records the attempt', async () => {
    const before = (await eventsOfType(app, 'SecurityAttemptRecorded')).length;
    await request(app.url).post('/api/auth/recovery').send({ email: 'nobody@example.com' }).expect(202);
    const attempts = await eventsOfType(app, 'SecurityAttemptRecorded');
    expect(attempts.slice(before)).toEqual([expect.objectContaining({ data: expect.objectContaining({ action: 'recovery', reason: 'unknown_email' }) })]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await app.infra.outbox?.latest('nobody@example.com')).toBeUndefined();
  });

  it('deletes a member’s own user with the current password; the email may register again', async () => {
    const email = 'leaving@example.com';
    const { pair, me } = await signedUp(app, email);
    await request(app.url).delete('/api/me/account').set(bearer(pair.accessToken)).send({ currentPassword: STRONG_PASSWORD }).expect(204);
    expect((await request(app.url).get('/api/me').set(bearer(pair.accessToken)).expect(401)).body.code).toBe('SESSION_REVOKED');
    expect((await request(app.url).post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(401)).body.code).toBe('INVALID_CREDENTIALS');
    // Crypto-shredding: the email reads as erased, the events stay.
    const events = await app.infra.eventStore.readStream(`user-${me.id}`);
    expect(events[0]).toMatchObject({ type: 'UserRegistered', data: { email: null }, metadata: { erased: true } });
    expect(events.at(-1)?.type).toBe('UserDeleted');
    const account = await request(app.url).get(`/api/accounts/${me.accountId}`).set(app.auth).expect(200);
    expect(account.body.status).toBe('closed');
    await request(app.url).post('/api/auth/register').send({ email }).expect(202);
  });

  it('lets the operator token in as before, and a user see their own account', async () => {
    const { pair, me } = await signedUp(app, 'own.account@example.com');
    await request(app.url).get(`/api/accounts/${me.accountId}`).set(app.auth).expect(200);
    const own = await request(app.url).get(`/api/accounts/${me.accountId}`).set(bearer(pair.accessToken)).expect(200);
    expect(own.body).toMatchObject({ id: me.accountId, kind: 'client-space', status: 'open' });
    expect((await request(app.url).get('/api/me').set(app.auth).expect(403)).body.code).toBe('USER_TOKEN_REQUIRED');
    expect((await request(app.url).post('/api/accounts').set(bearer(pair.accessToken)).send({ name: 'X', kind: 'msp' }).expect(403)).body.code).toBe(
      'OPERATOR_ONLY',
    );
  });
});
