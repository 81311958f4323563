import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface PackageInfo {
  /** Directory of the switchboard package.json (the repository root), whether running from source or dist/. */
  readonly root: string;
  readonly version: string;
}

/** Walks up from `from` to the package.json named `switchboard`; null when there is none (a bundled copy). */
export function findPackage(from: string = __dirname): PackageInfo | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'switchboard') return { root: dir, version: pkg.version ?? 'unknown' };
      } catch {
        // Another package.json on the way (dist/, a vendored copy) says nothing about ours; keep walking.
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}
