import type { Command } from '../shared/event';

export type RegisterAccount = Command<
  'RegisterAccount',
  { accountId: string; name: string; kind: 'client-space' | 'msp'; ownerUserId?: string }
>;
export type RenameAccount = Command<'RenameAccount', { accountId: string; name: string }>;
export type CloseAccount = Command<'CloseAccount', { accountId: string }>;

/** The owner deletes the account; `passwordConfirmed` is the owner's current password, checked by the application. */
export type DeleteAccount = Command<'DeleteAccount', { accountId: string; passwordConfirmed: boolean }>;

/** Whether the account's remote sessions are recorded (sessions opened from now on). */
export type SetSessionRecording = Command<'SetSessionRecording', { accountId: string; enabled: boolean }>;

export type AccountCommand = RegisterAccount | RenameAccount | CloseAccount | DeleteAccount | SetSessionRecording;
