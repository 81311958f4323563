import type { AgentPlatform } from '../../../application/contracts/agent.protocol';

/** What the service manager starts: `execPath args...`, with the data directory among the args. */
export interface ServiceSpec {
  readonly execPath: string;
  readonly args: readonly string[];
  readonly dataDir: string;
}

/** Installs the agent as a service that starts with the computer (systemd, launchd, the Windows SCM). */
export interface ServiceManager {
  /** Registers and starts the service; returns a sentence saying where it was installed. */
  install(spec: ServiceSpec): Promise<string>;
  /** Stops and removes the service; returns a sentence saying what was removed. */
  uninstall(): Promise<string>;
}

/** The parts of the agent that differ per operating system. */
export interface AgentOs {
  readonly platform: AgentPlatform;
  /** The user logged in at the console, when there is one. */
  loggedInUser(): Promise<string | null>;
  readonly service: ServiceManager;
}

export const SERVICE_NAME = 'switchboard-agent';
export const SERVICE_DESCRIPTION = 'Switchboard agent (remote access to this computer)';
