import type { Command } from '../shared/event';

/**
 * Creates a permalink on a computer the caller may see (checked by the application). A public
 * permalink opens to people who are not signed in, behind the password (hashed by the application).
 */
export type CreatePermalink = Command<
  'CreatePermalink',
  { accountId: string; path: string; computerId: string; public: boolean; passwordHash: string | null }
>;

/** Changes what is given; `passwordHash: null` removes the password, absent keeps it. */
export type ChangePermalink = Command<'ChangePermalink', { public?: boolean; passwordHash?: string | null; computerId?: string }>;

export type RemovePermalink = Command<'RemovePermalink', Record<string, never>>;

export type PermalinkCommand = CreatePermalink | ChangePermalink | RemovePermalink;
