import type { AgentOs, ServiceSpec } from './agent-os';
import { SERVICE_DESCRIPTION } from './agent-os';
import type { CommandRunner } from './command-runner';
import { describeFailure } from './command-runner';

export const WINDOWS_SERVICE_NAME = 'SwitchboardAgent';

export interface WindowsOsOptions {
  readonly runner: CommandRunner;
}

/** One argument of a Windows command line (CommandLineToArgvW rules for the common cases). */
export function windowsQuote(arg: string): string {
  if (arg.length > 0 && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function windowsBinPath(spec: ServiceSpec): string {
  return [spec.execPath, ...spec.args].map(windowsQuote).join(' ');
}

/**
 * Windows: a service registered with `sc.exe`. Not exercised by the specs on the Linux build machines.
 * The service control manager expects the program to answer its start request; a plain Node process
 * does not, so a production Windows build needs a service host (a small wrapper) in front of it.
 */
export function createWindowsOs(options: WindowsOsOptions): AgentOs {
  const sc = async (args: string[], mayFail = false): Promise<void> => {
    const result = await options.runner.run('sc.exe', args, { timeoutMs: 60_000 });
    if (result.code !== 0 && !mayFail) throw new Error(describeFailure('sc.exe', args, result));
  };
  return {
    platform: 'win32',
    loggedInUser: async () => {
      const result = await options.runner.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', '(Get-CimInstance Win32_ComputerSystem).UserName'], {
        timeoutMs: 15_000,
      });
      const user = result.stdout.toString('utf8').trim();
      return result.code === 0 && user.length > 0 ? user : null;
    },
    service: {
      install: async (spec) => {
        // sc.exe wants "name= value" as two arguments, the space after "=" included.
        await sc(['create', WINDOWS_SERVICE_NAME, 'binPath=', windowsBinPath(spec), 'start=', 'auto', 'DisplayName=', 'Switchboard Agent']);
        await sc(['description', WINDOWS_SERVICE_NAME, SERVICE_DESCRIPTION], true);
        await sc(['failure', WINDOWS_SERVICE_NAME, 'reset=', '86400', 'actions=', 'restart/10000/restart/60000/restart/600000'], true);
        await sc(['start', WINDOWS_SERVICE_NAME]);
        return `installed the Windows service ${WINDOWS_SERVICE_NAME}`;
      },
      uninstall: async () => {
        await sc(['stop', WINDOWS_SERVICE_NAME], true);
        await sc(['delete', WINDOWS_SERVICE_NAME]);
        return `removed the Windows service ${WINDOWS_SERVICE_NAME}`;
      },
    },
  };
}
