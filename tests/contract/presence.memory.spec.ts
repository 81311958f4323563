import { MemoryPresenceStore } from '../../adapters/presence/memory-presence-store.adapter';
import { presenceContract } from './presence.contract';

// Two in-process "nodes" share one hub, as two Redis-backed nodes share Redis.
presenceContract('memory', async () => {
  const a = new MemoryPresenceStore();
  return { a, b: a.sibling() };
});
