import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export interface TarEntry {
  /** Path inside the archive, `/`-separated, without a leading slash. */
  readonly name: string;
  readonly data: Buffer;
  /** Unix permission bits; 0644 by default, 0755 for launchers. */
  readonly mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/**
 * One ustar header (POSIX.1-1988): the fields every tar reads. Written here rather than pulled in
 * as a dependency because the archive is small and of one shape: regular files with a mode.
 */
function header(entry: TarEntry, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  let name = entry.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new RangeError(`Path too long for a tar archive: ${entry.name}`);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  block.write(name, 0, 100, 'utf8');
  block.write(octal(entry.mode ?? 0o644, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(entry.data.length, 12), 124, 12, 'ascii');
  block.write(octal(Math.floor(mtime / 1000), 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write('0', 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** A .tar.gz of the entries, in their order, all dated `mtime`. */
export async function tarGz(entries: readonly TarEntry[], mtime: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry, mtime), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(2 * BLOCK, 0));
  return promisify(gzip)(Buffer.concat(parts), { level: 9 });
}

/** Every file under `dir`, as entries under `prefix`, in a stable order. */
export async function filesUnder(dir: string, prefix: string, skip: (relative: string) => boolean = () => false): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const walk = async (current: string): Promise<void> => {
    const items = (await fs.readdir(current, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      const full = path.join(current, item.name);
      const relative = path.relative(dir, full).split(path.sep).join('/');
      if (skip(relative)) continue;
      if (item.isDirectory()) await walk(full);
      else if (item.isFile()) {
        const stat = await fs.stat(full);
        entries.push({ name: `${prefix}/${relative}`, data: await fs.readFile(full), mode: stat.mode & 0o111 ? 0o755 : 0o644 });
      }
    }
  };
  await walk(dir);
  return entries;
}
