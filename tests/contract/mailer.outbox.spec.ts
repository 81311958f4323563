import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxMailer } from '../../adapters/mail/outbox-mailer.adapter';
import { mailerContract, parseDelivered } from './mailer.contract';

mailerContract('outbox', async ({ from, clock }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-outbox-contract-'));
  const mailer = new OutboxMailer({ dataDir, from, clock, log: () => undefined });
  return {
    mailer,
    async delivered() {
      let files: string[];
      try {
        files = readdirSync(mailer.dir).sort();
      } catch {
        return [];
      }
      return Promise.all(files.map((file) => parseDelivered(readFileSync(join(mailer.dir, file)))));
    },
    async close() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
