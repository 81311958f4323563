import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './server-process';

/**
 * One entry point (the agent's or the server's main.ts) and what it imports, compiled with the options
 * of tsconfig.build.json into a temporary folder laid out as `npm run build` lays out dist/
 * (`<root>/dist/<path from the repository root>.js`), so that a test of a real process never runs a
 * stale dist/ nor races another build of it. The child needs `NODE_PATH=<repo>/node_modules`
 * (see `privateBuildEnv`). Remove the folder with `fs.rm(root, {recursive: true})`.
 */
export async function buildPrivately(entry: string, prefix: string): Promise<{ root: string; main: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const tsconfig = path.join(root, 'tsconfig.json');
  await fs.writeFile(
    tsconfig,
    JSON.stringify({
      extends: path.join(REPO_ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir: path.join(root, 'dist'), rootDir: REPO_ROOT, sourceMap: false, typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')] },
      files: [path.join(REPO_ROOT, entry)],
      include: [],
    }),
  );
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', tsconfig], { cwd: REPO_ROOT });
  } catch (error) {
    await fs.rm(root, { recursive: true, force: true });
    throw new Error(`${entry} does not compile:\n${(error as { stdout?: string }).stdout ?? (error as Error).message}`);
  }
  const main = path.join(root, 'dist', entry.replace(/\.ts$/, '.js'));
  await fs.access(main).catch(() => {
    throw new Error(`${entry} did not compile to ${main}: run npm run build to see why`);
  });
  return { root, main };
}

/** What a privately built program needs to find the repository's packages from its temporary folder. */
export const privateBuildEnv = { NODE_PATH: path.join(REPO_ROOT, 'node_modules') } as const;
