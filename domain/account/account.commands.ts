import type { Command } from '../shared/event';

export type RegisterAccount = Command<'RegisterAccount', { accountId: string; name: string; kind: 'client-space' | 'msp' }>;
export type RenameAccount = Command<'RenameAccount', { accountId: string; name: string }>;
export type CloseAccount = Command<'CloseAccount', { accountId: string }>;

export type AccountCommand = RegisterAccount | RenameAccount | CloseAccount;
