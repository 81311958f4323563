import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const OPERATOR_TOKEN_FILE = 'operator-token';

export interface OperatorTokenSource {
  readonly token: string;
  /** Where it came from: the environment, or the file it was read from or generated into. */
  readonly origin: 'env' | { readonly file: string; readonly generated: boolean };
}

/**
 * The operator's bearer token: OPERATOR_TOKEN when set, else `DATA_DIR/operator-token`, generated
 * (256 random bits, base64url) with mode 0600 on first start so that only the server's user can read it.
 */
export async function loadOperatorToken(dataDir: string, fromEnv?: string): Promise<OperatorTokenSource> {
  if (fromEnv) return { token: fromEnv, origin: 'env' };
  const file = path.join(dataDir, OPERATOR_TOKEN_FILE);
  try {
    const token = (await fs.readFile(file, 'utf8')).trim();
    if (token.length >= 22) return { token, origin: { file, generated: false } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, `${token}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600);
  return { token, origin: { file, generated: true } };
}

/** Compares a presented token with the expected one in constant time (hashes first, so lengths leak nothing). */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
