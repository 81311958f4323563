import type { Provider, Type } from '@nestjs/common';
import type { AppInfrastructure } from './infrastructure';

/** The viewer gateway (/session), the session relay and the agent side of sessions. */
export const SESSION_REALTIME_CONTROLLERS: Type[] = [];

export function sessionRealtimeProviders(_infra: AppInfrastructure): Provider[] {
  return [];
}
