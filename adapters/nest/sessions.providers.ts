import type { Provider, Type } from '@nestjs/common';
import type { AppInfrastructure } from './infrastructure';

/** Session use cases (deciders' commands, queries' writes), their HTTP controllers and the SessionAccess the gateways use. */
export const SESSION_CONTROLLERS: Type[] = [];

export function sessionsProviders(_infra: AppInfrastructure): Provider[] {
  return [];
}
