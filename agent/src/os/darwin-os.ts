import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentOs, ServiceSpec } from './agent-os';
import type { CommandRunner } from './command-runner';
import { describeFailure } from './command-runner';
import { isNotFound } from './command-runner';

/** launchd label and the system-wide daemon plist (starts at boot, before anyone logs in). */
export const LAUNCHD_LABEL = 'com.switchboard.agent';

export interface DarwinOsOptions {
  readonly runner: CommandRunner;
  readonly daemonDir?: string;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.execPath, ...spec.args].map((a) => `    <string>${xml(a)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>10</integer>
</dict>
</plist>
`;
}

/** macOS: a launchd daemon. Not exercised by the specs on the Linux build machines. */
export function createDarwinOs(options: DarwinOsOptions): AgentOs {
  const plistFile = path.join(options.daemonDir ?? '/Library/LaunchDaemons', `${LAUNCHD_LABEL}.plist`);
  const launchctl = async (args: string[], mayFail = false): Promise<void> => {
    const result = await options.runner.run('launchctl', args, { timeoutMs: 60_000 });
    if (result.code !== 0 && !mayFail) throw new Error(describeFailure('launchctl', args, result));
  };
  return {
    platform: 'darwin',
    loggedInUser: async () => {
      // The owner of /dev/console is the user at the screen; root means the login window.
      const result = await options.runner.run('stat', ['-f', '%Su', '/dev/console'], { timeoutMs: 5_000 });
      const user = result.stdout.toString('utf8').trim();
      return result.code === 0 && user.length > 0 && user !== 'root' ? user : null;
    },
    service: {
      install: async (spec) => {
        await fs.writeFile(plistFile, launchdPlist(spec), { mode: 0o644 });
        await launchctl(['bootout', `system/${LAUNCHD_LABEL}`], true);
        await launchctl(['bootstrap', 'system', plistFile]);
        return `installed the launchd daemon ${LAUNCHD_LABEL} (${plistFile})`;
      },
      uninstall: async () => {
        try {
          await fs.access(plistFile);
        } catch (e) {
          if (isNotFound(e)) return `the launchd daemon ${LAUNCHD_LABEL} is not installed`;
          throw e;
        }
        await launchctl(['bootout', `system/${LAUNCHD_LABEL}`], true);
        await fs.rm(plistFile, { force: true });
        return `removed the launchd daemon ${LAUNCHD_LABEL}`;
      },
    },
  };
}
