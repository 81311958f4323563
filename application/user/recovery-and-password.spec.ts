import { createHash } from 'node:crypto';
import type { Principal } from '../../domain/shared/event';
import { identityHarness, type IdentityHarness } from '../../tests/kit/identity-harness';
import { ChangePasswordCommand } from './change-password.command';
import { CompleteRecoveryCommand } from './complete-recovery.command';
import { RefreshSessionCommand } from './refresh-session.command';
import { RegisterByEmailCommand, type RegisterByEmailResult } from './register-by-email.command';
import { RequestRecoveryCommand, type RequestRecoveryResult } from './request-recovery.command';
import type { SessionGrant } from './session-grant';
import { SignInCommand } from './sign-in.command';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NEW_PASSWORD = 'Lantern-Quiver-73';

describe('Recovery and password change', () => {
  let h: IdentityHarness;
  let ann: RegisterByEmailResult;
  beforeEach(async () => {
    h = await identityHarness();
    ann = await h.commands.execute(new RegisterByEmailCommand({ email: 'ann.lee@example.com' }, h.meta()));
  });
  afterEach(() => h.close());

  const signIn = (password: string) =>
    h.commands.execute<SignInCommand, SessionGrant>(new SignInCommand({ email: 'ann.lee@example.com', password }, h.meta()));
  const requestRecovery = (email = 'ann.lee@example.com') =>
    h.commands.execute<RequestRecoveryCommand, RequestRecoveryResult>(new RequestRecoveryCommand({ email }, h.meta()));
  const complete = (token: string, newPassword = NEW_PASSWORD) => h.commands.execute(new CompleteRecoveryCommand({ token, newPassword }, h.meta()));
  const change = (grant: SessionGrant, currentPassword: string, newPassword: string) =>
    h.commands.execute(
      new ChangePasswordCommand(
        { kind: 'user', id: grant.userId, tenantId: grant.accountId, role: grant.role } as Principal,
        { currentPassword, newPassword, sessionId: grant.sessionId },
        h.meta(),
      ),
    );
  const lastUserEvent = async () => (await h.events(`user-${ann.userId}`)).at(-1);

  describe('recovery', () => {
    it('mails a one-hour link whose token is stored hashed; the link sets the password and ends every session', async () => {
      const session = await signIn(ann.mail.password);
      const { mail } = await requestRecovery('ANN.LEE@example.com');
      expect(mail).toEqual({ to: 'ann.lee@example.com', token: expect.stringMatching(new RegExp(`^${ann.userId}\\.`)), expiresAt: '2026-11-21T11:00:00.000Z' });
      const requested = await lastUserEvent();
      expect(requested?.data).toMatchObject({ tokenHash: sha256(mail!.token) });

      await complete(mail!.token);
      expect((await h.events(`user-${ann.userId}`)).slice(-3).map((e) => [e.type, e.data.reason])).toEqual([
        ['UserRecoveryCompleted', undefined],
        ['UserPasswordSet', 'recovered'],
        ['UserSessionRevoked', 'password_changed'],
      ]);
      await expect(h.commands.execute(new RefreshSessionCommand({ refreshToken: session.refreshToken }, h.meta()))).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
      expect(await signIn(NEW_PASSWORD)).toMatchObject({ mustChangePassword: false });
      await expect(signIn(ann.mail.password)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    });

    it('gives an unknown email no error and no mail, and records it anonymously', async () => {
      expect(await requestRecovery('nobody@example.com')).toEqual({ mail: null });
      const [attempt] = await h.events('security-anonymous-2026-11-21');
      expect(attempt.data).toMatchObject({ action: 'recovery', reason: 'unknown_email', emailHash: sha256('nobody@example.com') });
    });

    it('refuses a used link', async () => {
      const { mail } = await requestRecovery();
      await complete(mail!.token);
      await expect(complete(mail!.token, 'Another-Strong-91')).rejects.toMatchObject({ code: 'RECOVERY_LINK_USED' });
      expect(await lastUserEvent()).toMatchObject({ type: 'UserAttemptRefused', data: { action: 'recovery', reason: 'used' } });
    });

    it('refuses an expired link', async () => {
      const { mail } = await requestRecovery();
      h.clock.advance(60 * 60 * 1000);
      await expect(complete(mail!.token)).rejects.toMatchObject({ code: 'RECOVERY_LINK_EXPIRED' });
      expect(await lastUserEvent()).toMatchObject({ type: 'UserAttemptRefused', data: { reason: 'expired' } });
    });

    it('honours only the latest link', async () => {
      const first = await requestRecovery();
      const second = await requestRecovery();
      await expect(complete(first.mail!.token)).rejects.toMatchObject({ code: 'RECOVERY_LINK_INVALID' });
      await complete(second.mail!.token);
    });

    it('refuses a weak password with its reasons and leaves the link usable', async () => {
      const { mail } = await requestRecovery();
      await expect(complete(mail!.token, 'annlee2024')).rejects.toMatchObject({
        code: 'WEAK_PASSWORD',
        details: { reasons: ['contains_email'] },
      });
      expect(await lastUserEvent()).toMatchObject({ type: 'UserAttemptRefused', data: { reason: 'weak_password' } });
      await complete(mail!.token);
    });

    it('records a malformed link anonymously', async () => {
      await expect(complete('not-a-token')).rejects.toMatchObject({ code: 'RECOVERY_LINK_INVALID' });
      expect((await h.events('security-anonymous-2026-11-21')).map((e) => e.data.reason)).toEqual(['invalid_token']);
    });
  });

  describe('password change', () => {
    it('replaces the generated password at the first sign-in and ends the other sessions', async () => {
      const other = await signIn(ann.mail.password);
      const current = await signIn(ann.mail.password);
      await change(current, ann.mail.password, NEW_PASSWORD);
      const events = await h.events(`user-${ann.userId}`);
      expect(events.slice(-2).map((e) => [e.type, e.data.sessionId ?? e.data.reason])).toEqual([
        ['UserPasswordSet', 'changed'],
        ['UserSessionRevoked', other.sessionId],
      ]);
      expect(await signIn(NEW_PASSWORD)).toMatchObject({ mustChangePassword: false });
    });

    it('refuses a wrong current password, a weak new one and the same one, records each, and changes nothing', async () => {
      const grant = await signIn(ann.mail.password);
      await expect(change(grant, 'not-the-password-1', NEW_PASSWORD)).rejects.toMatchObject({ code: 'WRONG_CURRENT_PASSWORD' });
      await expect(change(grant, ann.mail.password, 'Password2024!')).rejects.toMatchObject({ code: 'WEAK_PASSWORD', details: { reasons: ['common_pattern'] } });
      await expect(change(grant, ann.mail.password, ann.mail.password)).rejects.toMatchObject({ code: 'PASSWORD_UNCHANGED' });
      const refusals = (await h.events(`user-${ann.userId}`)).filter((e) => e.type === 'UserAttemptRefused').map((e) => e.data.reason);
      expect(refusals).toEqual(['wrong_password', 'weak_password', 'same_password']);
      expect(await signIn(ann.mail.password)).toMatchObject({ mustChangePassword: true });
    });
  });
});
