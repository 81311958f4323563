import { DomainError } from './domain-error';

/**
 * Stream categories: one per aggregate, plus `emailclaim` (an email is registered once across all
 * tenants), `security` (refused attempts that belong to no known user), `computergroups` (an
 * account's tree of computer groups, one stream per account), `connectioncode` (a 6-digit connection
 * ID, one stream per code) and `permalink` (`<accountId>.<path>`). Hyphen-free so `<category>-<id>`
 * splits unambiguously.
 */
export const STREAM_CATEGORIES = [
  'account',
  'user',
  'computer',
  'computergroups',
  'session',
  'ticket',
  'portal',
  'emailclaim',
  'security',
  'connectioncode',
  'permalink',
] as const;
export type StreamCategory = (typeof STREAM_CATEGORIES)[number];

export type StreamName<C extends StreamCategory = StreamCategory> = `${C}-${string}`;

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$/;

/** `<category>-<id>`; the id must be a short token without spaces or slashes. */
export function streamName<C extends StreamCategory>(category: C, id: string): StreamName<C> {
  if (!ID_PATTERN.test(id)) {
    throw new DomainError('INVALID_STREAM_ID', `Invalid ${category} id: ${JSON.stringify(id)}`);
  }
  return `${category}-${id}`;
}

/** Splits a stream name at its first hyphen. */
export function parseStreamName(name: string): { category: StreamCategory; id: string } {
  const dash = name.indexOf('-');
  const category = name.slice(0, dash) as StreamCategory;
  const id = name.slice(dash + 1);
  if (dash <= 0 || !STREAM_CATEGORIES.includes(category) || !ID_PATTERN.test(id)) {
    throw new DomainError('INVALID_STREAM_NAME', `Invalid stream name: ${JSON.stringify(name)}`);
  }
  return { category, id };
}
