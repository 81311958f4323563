import { Command, CommanderError } from 'commander';
import { ALL_PROJECTIONS } from '../../read-models';
import type { Projection } from '../../read-models/projection';
import { auditVerify } from './audit-verify.command';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io';
import { listProjections, replayProjection } from './replay.command';

export interface CliDeps {
  /** The projections `replay` knows; ALL_PROJECTIONS by default. */
  readonly projections?: readonly Projection[];
  /** Events per runner batch for `replay`. */
  readonly batchSize?: number;
}

/**
 * The `switchboard` operator CLI, callable in-process: parses `argv` (without node and the
 * script), writes to `io`, and resolves with the exit code instead of exiting.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const projections = deps.projections ?? ALL_PROJECTIONS;
  let exitCode = EXIT_OK;
  const program = new Command()
    .name('switchboard')
    .description('Switchboard operator tools on the server\'s stores: DATA_DIR (default ./data), or EVENTSTORE_URL / MONGO_URL when set')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run "switchboard --help" for usage)');

  program
    .command('replay')
    .description('Rebuild one projection from the whole event log into a fresh collection, then switch to it')
    .argument('[projection]', 'name of the projection to rebuild (see --list)')
    .option('--list', 'list the projections and exit')
    .option('--data-dir <dir>', 'data directory (overrides DATA_DIR)')
    .action(async (name: string | undefined, options: { list?: boolean; dataDir?: string }) => {
      if (options.list) {
        exitCode = listProjections(io, projections);
        return;
      }
      if (!name) {
        io.stderr.write('switchboard replay: missing <projection> (or --list)\n');
        exitCode = EXIT_USAGE;
        return;
      }
      exitCode = await replayProjection(io, name, options.dataDir, { projections, batchSize: deps.batchSize });
    });

  program
    .command('audit:verify')
    .description('Verify the hash chain of every stream; print the first broken link and exit 1 if there is one')
    .option('--data-dir <dir>', 'data directory (overrides DATA_DIR)')
    .action(async (options: { dataDir?: string }) => {
      exitCode = await auditVerify(io, options.dataDir);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr.write(`switchboard: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  return exitCode;
}
