import type { Provider, Type } from '@nestjs/common';
import { COMPUTER_PROVIDERS } from '../../application/computer';
import { BLOB_STORE } from '../../application/ports/blob-store.port';
import { GEOLOCATION } from '../../application/ports/geolocation.port';
import { PRESENCE_STORE } from '../../application/ports/presence.port';
import { DemoComputerService } from '../demo/demo-computer.service';
import { AgentController } from '../http/agent/agent.controller';
import { ComputerEnrollmentController } from '../http/computers/computer-enrollment.controller';
import { ComputerGroupsController } from '../http/computers/computer-groups.controller';
import { ComputerOverlay } from '../http/computers/computer-overlay';
import { ComputersController } from '../http/computers/computers.controller';
import { AGENT_DIRECTORY, CommandBusAgentDirectory } from '../ws/agent-directory';
import { AgentConnections } from '../ws/agent-connections';
import { AgentGateway } from '../ws/agent.gateway';
import { AgentPresenceSweeper } from '../ws/agent-presence.sweeper';
import { AGENT_LINK } from '../ws/agent-link.tokens';
import type { AppInfrastructure } from './infrastructure';

/**
 * Controllers of the agent link and of the console's computers; the enrollment controller before the
 * computers one, so that `/api/computers/downloads` is not read as a computer id.
 */
export const AGENT_LINK_CONTROLLERS: Type[] = [AgentController, ComputerEnrollmentController, ComputerGroupsController, ComputersController];

/**
 * Providers of the agent link: its stores as ports, the gateway, the sweeper, and the computer use
 * cases they send (listed here too so that the link works on its own; Nest keeps one instance per class).
 */
export function agentLinkProviders(infra: AppInfrastructure): Provider[] {
  return [
    { provide: AGENT_LINK, useValue: infra.agentLink },
    { provide: PRESENCE_STORE, useValue: infra.agentLink.presence },
    { provide: BLOB_STORE, useValue: infra.agentLink.blobs },
    { provide: GEOLOCATION, useValue: infra.agentLink.geolocation },
    { provide: AGENT_DIRECTORY, useClass: CommandBusAgentDirectory },
    ...COMPUTER_PROVIDERS,
    AgentConnections,
    AgentGateway,
    AgentPresenceSweeper,
    DemoComputerService,
    ComputerOverlay,
  ];
}
