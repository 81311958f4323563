import { PERMALINK_EVENT_TYPES, type PermalinkEvent } from '../../domain/session/session.events';
import { assertNever } from '../../domain/shared/event';
import type { Projection, ProjectedEvent } from '../projection';
import type { PermalinkView } from './permalinks.view';

export const PERMALINKS = 'permalinks';

/** `permalink-<accountId>.<path>`: the path is what follows the last dot (paths have none). */
const pathOf = (stream: string): string => stream.slice(stream.lastIndexOf('.') + 1);

/** The account's permalinks, for GET /api/permalinks; a removed one has no document. */
export const permalinksProjection: Projection<PermalinkView> = {
  name: PERMALINKS,
  version: 1,
  canHandle: PERMALINK_EVENT_TYPES,
  indexes: [{ keys: { path: 1 } }],
  docId: (event) => pathOf(event.stream),
  evolve(doc, projected) {
    const event = projected as unknown as PermalinkEvent & ProjectedEvent;
    switch (event.type) {
      case 'PermalinkCreated': {
        const d = event.data;
        return {
          id: d.path,
          tenantId: projected.metadata.tenantId,
          path: d.path,
          computerId: d.computerId,
          public: d.public,
          hasPassword: d.passwordHash !== null,
          createdBy: d.createdBy,
          createdAt: d.at,
        };
      }
      case 'PermalinkChanged':
        if (!doc) throw new Error(`PermalinkChanged before PermalinkCreated in ${projected.stream}`);
        return { ...doc, public: event.data.public, hasPassword: event.data.passwordHash !== null, computerId: event.data.computerId };
      case 'PermalinkRemoved':
        return null;
      default:
        return assertNever(event, 'permalink event');
    }
  },
};
