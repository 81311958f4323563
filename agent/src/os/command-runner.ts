import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code; null when a signal ended the program. */
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs OS programs (systemctl, who, xwd...). Specs replace it to check what would be run. */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv }): Promise<CommandResult>;
}

/** The program is not installed: the message names the package that brings it. */
export class CommandNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`${command} was not found on this computer`);
  }
}

/** Largest output kept: a 4K X11 screen dump at 32 bits per pixel is about 33 MB. */
const MAX_OUTPUT = 128 * 1024 * 1024;

export const execFileRunner: CommandRunner = {
  run: (command, args, options = {}) =>
    new Promise((resolve, reject) => {
      execFile(
        command,
        [...args],
        { encoding: 'buffer', maxBuffer: MAX_OUTPUT, timeout: options.timeoutMs ?? 30_000, env: options.env ?? process.env, windowsHide: true },
        (error, stdout, stderr) => {
          // execFile's error carries the exit code as a number, or a string errno when the program could not run.
          const code = (error as { code?: unknown } | null)?.code;
          if (code === 'ENOENT') return reject(new CommandNotFoundError(command));
          if (error !== null && typeof code !== 'number') return reject(error);
          resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr: stderr.toString('utf8') });
        },
      );
    }),
};

/** A failed run as one line for a message: the program's own complaint when it gave one. */
export function describeFailure(command: string, args: readonly string[], result: CommandResult): string {
  const said = result.stderr.trim() || result.stdout.toString('utf8').trim();
  return `${command} ${args.join(' ')} exited with ${result.code ?? 'a signal'}${said.length > 0 ? `: ${said.split('\n')[0]}` : ''}`;
}

export const isNotFound = (e: unknown): boolean => (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
