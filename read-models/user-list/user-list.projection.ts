import { assertNever } from '../../domain/shared/event';
import type { UserEvent } from '../../domain/user/user.events';
import type { Projection, ProjectedEvent } from '../projection';
import type { UserView } from './user-list.view';

export const USER_LIST = 'user-list';

type ListedEvent = Extract<
  UserEvent,
  { type: 'UserRegistered' | 'UserPasswordSet' | 'UserActivated' | 'UserProfileUpdated' | 'UserOnboardingFinished' | 'UserDeleted' }
>;

const LISTED_TYPES: readonly ListedEvent['type'][] = [
  'UserRegistered',
  'UserPasswordSet',
  'UserActivated',
  'UserProfileUpdated',
  'UserOnboardingFinished',
  'UserDeleted',
];

function placed(doc: UserView | null, event: ListedEvent): UserView {
  if (!doc) throw new Error(`${event.type} before UserRegistered for ${event.data.userId}`);
  return doc;
}

/** The users of a tenant with their status and profile; GetMe and ListUsers read it. */
export const userListProjection: Projection<UserView> = {
  name: USER_LIST,
  version: 1,
  canHandle: LISTED_TYPES,
  indexes: [{ keys: { email: 1 } }, { keys: { createdAt: 1, id: 1 } }],
  docId: (event) => (event.data as { userId: string }).userId,
  evolve(doc, projected) {
    const event = projected as unknown as ListedEvent & ProjectedEvent;
    switch (event.type) {
      case 'UserRegistered':
        return {
          id: event.data.userId,
          tenantId: projected.metadata.tenantId,
          accountId: event.data.accountId,
          email: event.data.email,
          role: event.data.role,
          method: event.data.method,
          status: event.data.activated ? 'active' : 'pending',
          mustChangePassword: false,
          profile: null,
          onboarding: 'pending',
          createdAt: event.data.registeredAt,
          updatedAt: event.data.registeredAt,
        };
      case 'UserPasswordSet':
        return { ...placed(doc, event), mustChangePassword: event.data.mustChange, updatedAt: event.data.setAt };
      case 'UserActivated':
        return { ...placed(doc, event), status: 'active', updatedAt: event.data.activatedAt };
      case 'UserProfileUpdated':
        return { ...placed(doc, event), profile: event.data.profile, updatedAt: event.data.updatedAt };
      case 'UserOnboardingFinished':
        return { ...placed(doc, event), onboarding: event.data.outcome, updatedAt: event.data.finishedAt };
      case 'UserDeleted':
        return null;
      default:
        return assertNever(event, 'user event');
    }
  },
};
