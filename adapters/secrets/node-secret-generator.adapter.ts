import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { SecretGenerator } from '../../application/ports/secret-generator.port';

/** Characters that cannot be misread in a mail (no 0/O, 1/l/I) and need no escaping anywhere. */
const CLASSES = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%+='] as const;
const ALPHABET = CLASSES.join('');

/** Secrets from node:crypto (a CSPRNG); `randomInt` draws without modulo bias. */
export class NodeSecretGenerator implements SecretGenerator {
  password(length: number): string {
    if (!Number.isSafeInteger(length) || length < CLASSES.length) throw new RangeError(`A password needs at least ${CLASSES.length} characters`);
    // One character of each class, the rest from the whole alphabet, then a Fisher-Yates shuffle.
    const chars = [...CLASSES.map(pick), ...Array.from({ length: length - CLASSES.length }, () => pick(ALPHABET))];
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join('');
  }

  token(): string {
    return randomBytes(32).toString('base64url');
  }

  digest(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
  }
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}
