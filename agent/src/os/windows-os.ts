import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AgentOs, ServiceSpec } from './agent-os';
import { SERVICE_DESCRIPTION } from './agent-os';
import type { CommandRunner } from './command-runner';
import { describeFailure } from './command-runner';

/** The scheduled task that runs the agent (Task Scheduler path `\Switchboard Agent`). */
export const WINDOWS_TASK_NAME = 'Switchboard Agent';
/** The task definition kept beside the agent's key, for `schtasks /Create /XML`. */
export const WINDOWS_TASK_FILE = 'switchboard-agent-task.xml';

export interface WindowsOsOptions {
  readonly runner: CommandRunner;
}

/** One argument of a Windows command line (CommandLineToArgvW rules for the common cases). */
export function windowsQuote(arg: string): string {
  if (arg.length > 0 && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/** The program's arguments as one Windows command line. */
export function windowsArguments(args: readonly string[]): string {
  return args.map(windowsQuote).join(' ');
}

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The task definition: started at boot as LocalSystem with the highest privileges, never stopped for
 * running long, restarted every minute after a failure, one instance at a time. A task runs a plain
 * program, where a Windows service would need a host that answers the service control manager.
 */
export function windowsTaskXml(spec: ServiceSpec): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.3" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>${xmlText(SERVICE_DESCRIPTION)}</Description>
    <URI>\\${xmlText(WINDOWS_TASK_NAME)}</URI>
  </RegistrationInfo>
  <Triggers>
    <BootTrigger>
      <Enabled>true</Enabled>
    </BootTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings>
      <StopOnIdleEnd>false</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <Priority>7</Priority>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xmlText(spec.execPath)}</Command>
      <Arguments>${xmlText(windowsArguments(spec.args))}</Arguments>
      <WorkingDirectory>${xmlText(spec.dataDir)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}

/** schtasks reads a task file as UTF-16 with a byte-order mark, as Task Scheduler itself exports them. */
export const utf16WithBom = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

/**
 * Windows: the agent runs as a scheduled task at boot under LocalSystem (`schtasks`), restarted after
 * a failure. The specs check the commands and the task file against a recording runner; `schtasks`
 * itself does not run on the Linux build machines.
 */
export function createWindowsOs(options: WindowsOsOptions): AgentOs {
  const schtasks = async (args: string[], mayFail = false): Promise<void> => {
    const result = await options.runner.run('schtasks.exe', args, { timeoutMs: 60_000 });
    if (result.code !== 0 && !mayFail) throw new Error(describeFailure('schtasks.exe', args, result));
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
        const file = path.join(spec.dataDir, WINDOWS_TASK_FILE);
        await fs.mkdir(spec.dataDir, { recursive: true });
        await fs.writeFile(file, utf16WithBom(windowsTaskXml(spec)));
        // /F replaces an older definition (a reinstall); /Run starts it now rather than at the next boot.
        await schtasks(['/Create', '/TN', WINDOWS_TASK_NAME, '/XML', file, '/F']);
        await schtasks(['/Run', '/TN', WINDOWS_TASK_NAME]);
        return `installed the scheduled task "${WINDOWS_TASK_NAME}" (starts at boot as LocalSystem; definition in ${file})`;
      },
      uninstall: async () => {
        await schtasks(['/End', '/TN', WINDOWS_TASK_NAME], true);
        await schtasks(['/Delete', '/TN', WINDOWS_TASK_NAME, '/F']);
        return `removed the scheduled task "${WINDOWS_TASK_NAME}"`;
      },
    },
  };
}
