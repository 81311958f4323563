import type { Provider, Type } from '@nestjs/common';
import { SESSION_RELAY } from '../../application/ports/session-relay.port';
import { AgentSessions } from '../ws/agent-sessions';
import { SessionGateway } from '../ws/session.gateway';
import type { AppInfrastructure } from './infrastructure';

/** The viewer gateway (/session), the session relay and the agent side of sessions. */
export const SESSION_REALTIME_CONTROLLERS: Type[] = [];

export function sessionRealtimeProviders(infra: AppInfrastructure): Provider[] {
  return [{ provide: SESSION_RELAY, useValue: infra.sessionRelay }, AgentSessions, SessionGateway];
}
