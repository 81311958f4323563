import type { Provider, Type } from '@nestjs/common';
import type { AppInfrastructure } from './infrastructure';

/** Session history queries, CSV export, recordings (writer and playback). */
export const SESSION_HISTORY_CONTROLLERS: Type[] = [];

export function sessionHistoryProviders(_infra: AppInfrastructure): Provider[] {
  return [];
}
