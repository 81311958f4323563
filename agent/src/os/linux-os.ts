import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentOs, ServiceManager, ServiceSpec } from './agent-os';
import { SERVICE_DESCRIPTION, SERVICE_NAME } from './agent-os';
import { FINAL_EXIT_CODES } from '../exit-codes';
import type { CommandRunner } from './command-runner';
import { CommandNotFoundError, describeFailure } from './command-runner';
import { isNotFound } from './command-runner';

export interface LinuxOsOptions {
  readonly runner: CommandRunner;
  /** Where systemd reads system units; specs point it at a temporary directory. */
  readonly unitDir?: string;
}

export function createLinuxOs(options: LinuxOsOptions): AgentOs {
  return {
    platform: 'linux',
    loggedInUser: async () => {
      const result = await options.runner.run('who', [], { timeoutMs: 5_000 });
      return result.code === 0 ? consoleUserFromWho(result.stdout.toString('utf8')) : null;
    },
    service: systemdService(options.runner, options.unitDir ?? '/etc/systemd/system'),
  };
}

/**
 * The user at the console from `who`: a graphical session (line or host ":0") first, then a text
 * console (tty1...), then anyone logged in (ssh).
 */
export function consoleUserFromWho(output: string): string | null {
  const sessions = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [user, tty = ''] = line.split(/\s+/);
      const host = /\(([^)]*)\)\s*$/.exec(line)?.[1] ?? '';
      return { user, tty, host };
    });
  const graphical = sessions.find((s) => s.tty.startsWith(':') || s.host.startsWith(':') || s.tty === 'seat0');
  const text = sessions.find((s) => /^tty\d+$/.test(s.tty));
  return (graphical ?? text ?? sessions[0])?.user ?? null;
}

/** One argument of ExecStart: systemd splits on spaces, unquotes "..." and expands % and $. */
export function systemdQuote(arg: string): string {
  const escaped = arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

export function systemdUnit(spec: ServiceSpec): string {
  return [
    '[Unit]',
    `Description=${SERVICE_DESCRIPTION}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[spec.execPath, ...spec.args].map(systemdQuote).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=10',
    // A refused enrollment, a removed computer or an outdated agent needs a person, not a restart loop.
    `RestartPreventExitStatus=${FINAL_EXIT_CODES.join(' ')}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

function systemdService(runner: CommandRunner, unitDir: string): ServiceManager {
  const unitFile = path.join(unitDir, `${SERVICE_NAME}.service`);
  const systemctl = async (args: string[], mayFail = false): Promise<void> => {
    let result;
    try {
      result = await runner.run('systemctl', args, { timeoutMs: 60_000 });
    } catch (e) {
      if (e instanceof CommandNotFoundError) throw new Error('systemctl was not found: this computer does not run systemd; start the agent with --once from your own init system');
      throw e;
    }
    if (result.code !== 0 && !mayFail) throw new Error(describeFailure('systemctl', args, result));
  };
  return {
    install: async (spec) => {
      try {
        await fs.writeFile(unitFile, systemdUnit(spec), { mode: 0o644 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EACCES') throw new Error(`cannot write ${unitFile}: installing the service needs root (sudo)`);
        throw e;
      }
      await systemctl(['daemon-reload']);
      await systemctl(['enable', '--now', `${SERVICE_NAME}.service`]);
      return `installed the systemd service ${SERVICE_NAME} (${unitFile}); it starts now and at every boot`;
    },
    uninstall: async () => {
      try {
        await fs.access(unitFile);
      } catch (e) {
        if (isNotFound(e)) return `the systemd service ${SERVICE_NAME} is not installed (${unitFile} does not exist)`;
        throw e;
      }
      await systemctl(['disable', '--now', `${SERVICE_NAME}.service`], true);
      await fs.rm(unitFile, { force: true });
      await systemctl(['daemon-reload']);
      return `removed the systemd service ${SERVICE_NAME} (${unitFile}); the agent key stays in the data directory`;
    },
  };
}
