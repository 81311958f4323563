import { createHash } from 'node:crypto';
import { verifyEventStore } from '../../adapters/eventstore-shared/hash-chain';
import type { AccountCommand } from '../../domain/account/account.commands';
import { accountDecider } from '../../domain/account/account.decide';
import type { Principal } from '../../domain/shared/event';
import { emailClaimDecider, type EmailClaimCommand } from '../../domain/user/email-claim';
import { userDecider } from '../../domain/user/user.decide';
import type { UserCommand } from '../../domain/user/user.commands';
import type { UserView } from '../../read-models/user-list/user-list.view';
import { PASSWORD_HASHER, type PasswordHasher } from '../ports/password-hasher.port';
import { identityHarness, type IdentityHarness } from '../../tests/kit/identity-harness';
import { ChangePasswordCommand } from './change-password.command';
import { DeleteAccountCommand, type DeleteAccountResult } from './delete-account.command';
import { FinishOnboardingCommand } from './finish-onboarding.command';
import { RegisterByEmailCommand, type RegisterByEmailResult } from './register-by-email.command';
import type { SessionGrant } from './session-grant';
import { SignInCommand } from './sign-in.command';
import { UpdateProfileCommand } from './update-profile.command';
import { GetMeQuery, ListUsersQuery } from './user.queries';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PASSWORD = 'Lantern-Quiver-73';
const profile = { firstName: 'Ann', lastName: 'Lee', country: 'GB', language: 'en', timeZone: 'Europe/London', timeFormat: '12h', title: 'Lead technician' };

describe('Profile, onboarding, users and deletion', () => {
  let h: IdentityHarness;
  let ann: RegisterByEmailResult;
  let annAsOwner: Principal;
  let grant: SessionGrant;

  beforeEach(async () => {
    h = await identityHarness();
    ann = await h.commands.execute(new RegisterByEmailCommand({ email: 'ann@example.com' }, h.meta()));
    grant = await h.commands.execute(new SignInCommand({ email: 'ann@example.com', password: ann.mail.password }, h.meta()));
    annAsOwner = { kind: 'user', id: ann.userId, tenantId: ann.accountId, role: 'owner' };
    await h.commands.execute(new ChangePasswordCommand(annAsOwner, { currentPassword: ann.mail.password, newPassword: PASSWORD, sessionId: grant.sessionId }, h.meta()));
  });
  afterEach(() => h.close());

  const caughtUp = async () => ({ minPosition: await h.store.headPosition() });
  const getMe = async (principal: Principal) => h.queries.execute<GetMeQuery, UserView | null>(new GetMeQuery(principal, await caughtUp()));

  /** A technician added to Ann's account by Ann (the MSP issue brings the invitation flow); with a password unless by provider. */
  async function addTechnician(email: string, method: 'email' | 'google' = 'email'): Promise<Principal> {
    const userId = `tech-${email.split('@')[0]}`;
    const emailHash = sha256(email);
    await h.runner.run(`emailclaim-${emailHash}`, emailClaimDecider, { type: 'ClaimEmail', data: { emailHash, userId, accountId: ann.accountId } } as EmailClaimCommand, annAsOwner, h.meta());
    const generatedPasswordHash = method === 'email' ? await h.module.get<PasswordHasher>(PASSWORD_HASHER).hash(PASSWORD) : undefined;
    await h.runner.run(
      `user-${userId}`,
      userDecider,
      {
        type: 'RegisterUser',
        data: { userId, accountId: ann.accountId, email, role: 'technician', method, emailVerified: method !== 'email', ...(generatedPasswordHash ? { generatedPasswordHash } : {}) },
      } as UserCommand,
      annAsOwner,
      h.meta(),
    );
    return { kind: 'user', id: userId, tenantId: ann.accountId, role: 'technician' };
  }

  it('records the profile and the finished tour, and GetMe shows them', async () => {
    expect(await getMe(annAsOwner)).toMatchObject({ status: 'active', mustChangePassword: false, profile: null, onboarding: 'pending' });
    await h.commands.execute(new UpdateProfileCommand(annAsOwner, { profile }, h.meta()));
    await h.commands.execute(new FinishOnboardingCommand(annAsOwner, { outcome: 'dismissed' }, h.meta()));
    await h.commands.execute(new FinishOnboardingCommand(annAsOwner, { outcome: 'completed' }, h.meta()));
    expect(await getMe(annAsOwner)).toMatchObject({ id: ann.userId, email: 'ann@example.com', role: 'owner', profile, onboarding: 'dismissed' });
  });

  it('refuses an invalid profile naming its fields, and changes nothing', async () => {
    const before = await h.store.headPosition();
    await expect(h.commands.execute(new UpdateProfileCommand(annAsOwner, { profile: { ...profile, timeZone: 'Europe/Nowhere', country: 'UK' } }, h.meta()))).rejects.toMatchObject({
      code: 'USER_PROFILE_INVALID',
      details: { fields: ['country', 'timeZone'] },
    });
    expect(await h.store.headPosition()).toBe(before);
  });

  it('lists the users of the caller’s account only, and not to a technician', async () => {
    const tech = await addTechnician('tom@example.com');
    await h.commands.execute(new RegisterByEmailCommand({ email: 'bob@example.com' }, h.meta()));
    const users = await h.queries.execute<ListUsersQuery, UserView[]>(new ListUsersQuery(annAsOwner, {}, await caughtUp()));
    expect(users.map((u) => u.email)).toEqual(['ann@example.com', 'tom@example.com']);
    await expect(h.queries.execute(new ListUsersQuery(tech))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a technician delete themself with the password; the account and its owner stay', async () => {
    const tech = await addTechnician('tom@example.com');
    await h.commands.execute(new SignInCommand({ email: 'tom@example.com', password: PASSWORD }, h.meta()));
    const result = await h.commands.execute<DeleteAccountCommand, DeleteAccountResult>(new DeleteAccountCommand(tech, { currentPassword: PASSWORD }, h.meta()));
    expect(result).toMatchObject({ accountClosed: false, deletedUserIds: [tech.id] });
    expect(await h.types(`user-${tech.id}`)).toEqual(['UserRegistered', 'UserPasswordSet', 'UserActivated', 'UserSignedIn', 'UserSessionRevoked', 'UserDeleted']);
    expect(await h.keys.isErased(`user-${tech.id}`)).toBe(true);
    expect(await h.types(`account-${ann.accountId}`)).toEqual(['AccountRegistered']);
    expect(await getMe(annAsOwner)).toMatchObject({ id: ann.userId });
  });

  it('tells a provider user without a password how to delete, and records the attempt', async () => {
    const tech = await addTechnician('pat@example.com', 'google');
    await expect(h.commands.execute(new DeleteAccountCommand(tech, { currentPassword: 'x' }, h.meta()))).rejects.toMatchObject({ code: 'PASSWORD_NOT_SET' });
    expect(await h.types(`user-${tech.id}`)).toEqual(['UserRegistered', 'UserAttemptRefused']);
  });

  it('refuses an owner’s deletion with a wrong password, records it, and deletes nothing', async () => {
    await expect(h.commands.execute(new DeleteAccountCommand(annAsOwner, { currentPassword: 'Not-the-password-9' }, h.meta()))).rejects.toMatchObject({
      code: 'WRONG_CURRENT_PASSWORD',
    });
    expect((await h.events(`user-${ann.userId}`)).at(-1)).toMatchObject({ type: 'UserAttemptRefused', data: { action: 'delete-account', reason: 'wrong_password' } });
    expect(await h.types(`account-${ann.accountId}`)).toEqual(['AccountRegistered']);
    expect(await h.keys.isErased(`user-${ann.userId}`)).toBe(false);
  });

  it('deletes the whole account for its owner: account closed, every user deleted and erased, emails free, chain intact', async () => {
    const tech = await addTechnician('tom@example.com');
    await h.commands.execute(new UpdateProfileCommand(annAsOwner, { profile }, h.meta()));
    const result = await h.commands.execute<DeleteAccountCommand, DeleteAccountResult>(new DeleteAccountCommand(annAsOwner, { currentPassword: PASSWORD }, h.meta()));
    expect(result).toMatchObject({ accountClosed: true, deletedUserIds: [tech.id, ann.userId] });

    expect((await h.events(`account-${ann.accountId}`)).at(-1)?.data).toMatchObject({ reason: 'deleted', deletedBy: ann.userId });
    const annEvents = await h.events(`user-${ann.userId}`);
    expect(annEvents.slice(-2).map((e) => [e.type, e.data.reason])).toEqual([
      ['UserSessionRevoked', 'account_deleted'],
      ['UserDeleted', 'account_deleted'],
    ]);
    expect(await h.types(`user-${tech.id}`)).toEqual(['UserRegistered', 'UserPasswordSet', 'UserDeleted']);

    // Erased: the personal fields read as null, marked; the stored bytes never held them in clear.
    const [registered] = annEvents;
    expect(registered.data.email).toBeNull();
    expect(registered.metadata.erased).toBe(true);
    expect(annEvents.find((e) => e.type === 'UserProfileUpdated')?.data.profile).toBeNull();
    expect(await h.keys.isErased(`user-${tech.id}`)).toBe(true);
    expect(await verifyEventStore(h.store)).toMatchObject({ ok: true });

    // The emails are free again, the user list is empty, and Ann's tokens are dead.
    expect(await h.types(`emailclaim-${sha256('ann@example.com')}`)).toEqual(['EmailClaimed', 'EmailReleased']);
    const again = await h.commands.execute<RegisterByEmailCommand, RegisterByEmailResult>(new RegisterByEmailCommand({ email: 'ann@example.com' }, h.meta()));
    expect(again.userId).not.toBe(ann.userId);
    expect(await h.queries.execute(new ListUsersQuery(annAsOwner, {}, await caughtUp()))).toEqual([]);
    expect(await getMe(annAsOwner)).toBeNull();
  });

  it('finishes an interrupted account deletion when the owner runs it again', async () => {
    await h.runner.run(
      `account-${ann.accountId}`,
      accountDecider,
      { type: 'DeleteAccount', data: { accountId: ann.accountId, passwordConfirmed: true } } as AccountCommand,
      annAsOwner,
      h.meta(),
    );
    const result = await h.commands.execute<DeleteAccountCommand, DeleteAccountResult>(new DeleteAccountCommand(annAsOwner, { currentPassword: PASSWORD }, h.meta()));
    expect(result.deletedUserIds).toEqual([ann.userId]);
    expect(await h.types(`account-${ann.accountId}`)).toEqual(['AccountRegistered', 'AccountClosed']);
  });
});
