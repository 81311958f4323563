import type { AccountEvent } from '../../domain/account/account.events';
import { ACCOUNT_EVENT_TYPES } from '../../domain/account/account.events';
import { assertNever } from '../../domain/shared/event';
import type { Projection, ProjectedEvent } from '../projection';
import type { AccountView } from './account-list.view';

export const ACCOUNT_LIST = 'account-list';

export const accountListProjection: Projection<AccountView> = {
  name: ACCOUNT_LIST,
  version: 2,
  canHandle: ACCOUNT_EVENT_TYPES,
  indexes: [{ keys: { name: 1, id: 1 } }],
  docId: (event) => (event.data as { accountId: string }).accountId,
  evolve(doc, projected) {
    const event = projected as unknown as AccountEvent & ProjectedEvent;
    switch (event.type) {
      case 'AccountRegistered':
        return {
          id: event.data.accountId,
          tenantId: projected.metadata.tenantId,
          name: event.data.name,
          kind: event.data.kind,
          status: 'open',
          sessionRecording: false,
          registeredAt: event.data.registeredAt,
          updatedAt: event.data.registeredAt,
        };
      case 'AccountRenamed':
        if (!doc) throw new Error(`AccountRenamed before AccountRegistered for ${event.data.accountId}`);
        return { ...doc, name: event.data.name, updatedAt: event.data.renamedAt };
      case 'AccountClosed':
        if (!doc) throw new Error(`AccountClosed before AccountRegistered for ${event.data.accountId}`);
        return { ...doc, status: 'closed', updatedAt: event.data.closedAt };
      case 'SessionRecordingChanged':
        if (!doc) throw new Error(`SessionRecordingChanged before AccountRegistered for ${event.data.accountId}`);
        return { ...doc, sessionRecording: event.data.enabled, updatedAt: event.data.changedAt };
      default:
        return assertNever(event, 'account event');
    }
  },
};
