import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FINAL_EXIT_CODES } from '../exit-codes';
import type { CommandResult, CommandRunner } from './command-runner';
import { CommandNotFoundError, execFileRunner } from './command-runner';
import { launchdPlist } from './darwin-os';
import { consoleUserFromWho, createLinuxOs, systemdQuote } from './linux-os';
import { createWindowsOs, WINDOWS_TASK_FILE, WINDOWS_TASK_NAME, windowsArguments, windowsQuote, windowsTaskXml } from './windows-os';

/** Stands in for systemctl and who only: every other part of the Linux layer is real. */
class RecordingRunner implements CommandRunner {
  readonly calls: string[][] = [];
  answers = new Map<string, CommandResult>();
  missing = new Set<string>();
  async run(command: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([command, ...args]);
    if (this.missing.has(command)) throw new CommandNotFoundError(command);
    return this.answers.get([command, ...args].join(' ')) ?? { code: 0, stdout: Buffer.alloc(0), stderr: '' };
  }
}

const SPEC = { execPath: '/usr/bin/node', args: ['/opt/switchboard agent/bin/switchboard-agent', '--data-dir', '/var/lib/sb 100%'], dataDir: '/var/lib/sb 100%' };

describe('Linux OS layer', () => {
  let unitDir: string;
  let runner: RecordingRunner;
  beforeEach(async () => {
    unitDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-units-'));
    runner = new RecordingRunner();
  });
  afterEach(async () => {
    await fs.rm(unitDir, { recursive: true, force: true });
  });

  it('installs a systemd unit that runs the agent and is not restarted after a final exit, then enables and starts it', async () => {
    const linux = createLinuxOs({ runner, unitDir });
    const said = await linux.service.install(SPEC);
    const unitFile = path.join(unitDir, 'switchboard-agent.service');
    expect(said).toContain(unitFile);
    const unit = await fs.readFile(unitFile, 'utf8');
    expect(unit).toContain('ExecStart="/usr/bin/node" "/opt/switchboard agent/bin/switchboard-agent" "--data-dir" "/var/lib/sb 100%%"\n');
    expect(unit).toContain(`RestartPreventExitStatus=${FINAL_EXIT_CODES.join(' ')}\n`);
    expect(unit).toMatch(/\[Install\]\nWantedBy=multi-user\.target/);
    expect((await fs.stat(unitFile)).mode & 0o777).toBe(0o644);
    expect(runner.calls).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'switchboard-agent.service'],
    ]);
  });

  it('says why the install failed: systemctl refused, or no systemd at all', async () => {
    runner.answers.set('systemctl enable --now switchboard-agent.service', { code: 1, stdout: Buffer.alloc(0), stderr: 'Failed to enable unit: Access denied\n' });
    await expect(createLinuxOs({ runner, unitDir }).service.install(SPEC)).rejects.toThrow(/systemctl enable --now switchboard-agent.service exited with 1: Failed to enable unit: Access denied/);
    runner.missing.add('systemctl');
    await expect(createLinuxOs({ runner, unitDir }).service.install(SPEC)).rejects.toThrow(/does not run systemd/);
  });

  it('uninstalls: stops and disables the service, removes the unit, reloads; twice is harmless', async () => {
    const linux = createLinuxOs({ runner, unitDir });
    await linux.service.install(SPEC);
    runner.calls.length = 0;
    expect(await linux.service.uninstall()).toMatch(/removed the systemd service switchboard-agent/);
    await expect(fs.access(path.join(unitDir, 'switchboard-agent.service'))).rejects.toThrow(/ENOENT/);
    expect(runner.calls).toEqual([
      ['systemctl', 'disable', '--now', 'switchboard-agent.service'],
      ['systemctl', 'daemon-reload'],
    ]);
    runner.calls.length = 0;
    expect(await linux.service.uninstall()).toMatch(/is not installed/);
    expect(runner.calls).toEqual([]);
  });

  it('quotes ExecStart arguments the way systemd unquotes them', () => {
    expect(systemdQuote('a b')).toBe('"a b"');
    expect(systemdQuote('say "hi" \\ $HOME 50%')).toBe('"say \\"hi\\" \\\\ $$HOME 50%%"');
  });

  it('finds the user at the console with who: graphical session first, then a text console, then anyone', async () => {
    expect(consoleUserFromWho('bob      pts/1        2026-11-21 07:00 (10.0.0.5)\nalice    tty7         2026-11-21 06:00 (:0)\n')).toBe('alice');
    expect(consoleUserFromWho('carol    :0           2026-11-21 06:00 (:0)\n')).toBe('carol');
    expect(consoleUserFromWho('bob      pts/1        2026-11-21 07:00 (10.0.0.5)\ndave     tty2         2026-11-21 06:00\n')).toBe('dave');
    expect(consoleUserFromWho('bob      pts/1        2026-11-21 07:00 (10.0.0.5)\n')).toBe('bob');
    expect(consoleUserFromWho('')).toBeNull();
    runner.answers.set('who', { code: 0, stdout: Buffer.from('erin     tty1         2026-11-21 06:00\n'), stderr: '' });
    expect(await createLinuxOs({ runner, unitDir }).loggedInUser()).toBe('erin');
    runner.answers.set('who', { code: 1, stdout: Buffer.alloc(0), stderr: 'no utmp' });
    expect(await createLinuxOs({ runner, unitDir }).loggedInUser()).toBeNull();
  });

  it('runs the real who of this machine without failing', async () => {
    const user = await createLinuxOs({ runner: execFileRunner, unitDir }).loggedInUser();
    expect(user === null || (typeof user === 'string' && user.length > 0)).toBe(true);
  });
});

// launchctl and schtasks run on macOS and Windows, not on the Linux build machines: the text these
// layers generate and the commands they would run are checked here.
describe('macOS and Windows service definitions', () => {
  it('writes a launchd daemon plist with escaped arguments', () => {
    const plist = launchdPlist({ execPath: '/usr/local/bin/node', args: ['/Applications/A & B/agent.js', '--data-dir', '/x'], dataDir: '/x' });
    expect(plist).toContain('<string>com.switchboard.agent</string>');
    expect(plist).toContain('<string>/Applications/A &amp; B/agent.js</string>');
    expect(plist).toContain('<key>RunAtLoad</key>\n  <true/>');
  });

  it('quotes Windows arguments by the CommandLineToArgvW rules', () => {
    expect(windowsQuote('C:\\Program Files\\node.exe')).toBe('"C:\\Program Files\\node.exe"');
    expect(windowsQuote('plain')).toBe('plain');
    expect(windowsQuote('a "b"')).toBe('"a \\"b\\""');
    expect(windowsQuote('C:\\Dir With Space\\')).toBe('"C:\\Dir With Space\\\\"');
    expect(windowsArguments(['C:\\Program Files\\SB\\main.js', '--data-dir', 'C:\\ProgramData\\Switchboard'])).toBe(
      '"C:\\Program Files\\SB\\main.js" --data-dir C:\\ProgramData\\Switchboard',
    );
  });

  it('defines a boot task as LocalSystem that restarts after a failure and never times out', () => {
    const xml = windowsTaskXml({ execPath: 'C:\\node\\node.exe', args: ['C:\\A & B\\main.js', '--data-dir', 'C:\\PD'], dataDir: 'C:\\PD' });
    expect(xml).toContain('<BootTrigger>');
    expect(xml).toContain('<UserId>S-1-5-18</UserId>');
    expect(xml).toContain('<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>');
    expect(xml).toContain('<RestartOnFailure>\n      <Interval>PT1M</Interval>');
    expect(xml).toContain('<Command>C:\\node\\node.exe</Command>');
    expect(xml).toContain('<Arguments>&quot;C:\\A &amp; B\\main.js&quot; --data-dir C:\\PD</Arguments>');
  });

  it('installs with schtasks from a UTF-16 task file, runs it, and removes it', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-win-'));
    try {
      const runner = new RecordingRunner();
      const windows = createWindowsOs({ runner });
      const spec = { execPath: 'C:\\node\\node.exe', args: ['main.js', '--data-dir', dataDir], dataDir };
      expect(await windows.service.install(spec)).toContain(WINDOWS_TASK_NAME);
      const file = path.join(dataDir, WINDOWS_TASK_FILE);
      const bytes = await fs.readFile(file);
      expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
      expect(bytes.subarray(2).toString('utf16le')).toBe(windowsTaskXml(spec));
      await windows.service.uninstall();
      expect(runner.calls).toEqual([
        ['schtasks.exe', '/Create', '/TN', WINDOWS_TASK_NAME, '/XML', file, '/F'],
        ['schtasks.exe', '/Run', '/TN', WINDOWS_TASK_NAME],
        ['schtasks.exe', '/End', '/TN', WINDOWS_TASK_NAME],
        ['schtasks.exe', '/Delete', '/TN', WINDOWS_TASK_NAME, '/F'],
      ]);
      runner.answers.set(['schtasks.exe', '/Create', '/TN', WINDOWS_TASK_NAME, '/XML', file, '/F'].join(' '), { code: 1, stdout: Buffer.alloc(0), stderr: 'ERROR: Access is denied.' });
      await expect(windows.service.install(spec)).rejects.toThrow(/Access is denied/);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
