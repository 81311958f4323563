import type { AgentOs } from './agent-os';
import type { CommandRunner } from './command-runner';
import { execFileRunner } from './command-runner';
import { createDarwinOs } from './darwin-os';
import { createLinuxOs } from './linux-os';
import { createWindowsOs } from './windows-os';

/** The OS layer for this computer, or null on a platform the protocol does not know. */
export function osFor(platform: NodeJS.Platform, runner: CommandRunner = execFileRunner): AgentOs | null {
  switch (platform) {
    case 'linux':
      return createLinuxOs({ runner });
    case 'darwin':
      return createDarwinOs({ runner });
    case 'win32':
      return createWindowsOs({ runner });
    default:
      return null;
  }
}
