import type { Command } from '../shared/event';

/** Claims a 6-digit code for a session the technician just opened; the application drew the digits at random. */
export type IssueConnectionCode = Command<'IssueConnectionCode', { code: string; sessionId: string; accountId: string; expiresAt: string }>;

/** An end-user typed the code into the agent: it is used up, whatever happens next. */
export type RedeemConnectionCode = Command<'RedeemConnectionCode', { code: string; participantId: string }>;

export type ConnectionCodeCommand = IssueConnectionCode | RedeemConnectionCode;
