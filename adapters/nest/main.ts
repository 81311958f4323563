import 'reflect-metadata';
import { ApplicationError } from '../../application/errors';
import { ServerLockedError } from '../system/server-lock';
import { bootstrap } from './bootstrap';
import { ConfigError, configHelp, loadConfig } from './config';

/** Exit codes: 1 the server could not start (data files, lock, port), 2 the configuration is invalid. */
export const EXIT_START_FAILED = 1;
export const EXIT_BAD_CONFIG = 2;

/**
 * One readable line for failures an operator can fix (a data file, the lock, a busy port);
 * the stack only for the unexpected.
 */
export function startFailureMessage(error: unknown): string {
  if (error instanceof ApplicationError || error instanceof ServerLockedError) return `switchboard: cannot start: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return `switchboard: cannot start: ${(error as Error).message}`;
  }
  return `switchboard: cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(configHelp());
    return;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT_BAD_CONFIG;
    return;
  }
  try {
    await bootstrap(config, { shutdownHooks: true, processMetrics: true });
  } catch (error) {
    process.stderr.write(`${startFailureMessage(error)}\n`);
    process.exit(EXIT_START_FAILED);
  }
}

if (require.main === module) void main(process.argv.slice(2));
