import type { ReadModelUpdatedNotice } from '@contracts/console.messages';

/** The sessions read model's collection (`session-history`, `session-history_v2` after a rebuild). */
const SESSION_HISTORY_COLLECTION = /^session-history(_|$)/;

export const isSessionHistoryNotice = (notice: ReadModelUpdatedNotice): boolean => SESSION_HISTORY_COLLECTION.test(notice.collection);

/** Notices come in bursts (a join touches the row several times): one refresh per burst. */
export const SESSION_LIVE_DEBOUNCE_MS = 400;
/** The fallback refresh when live notices do not arrive, as on the computers page. */
export const SESSION_AUTO_REFRESH_MS = 30_000;
