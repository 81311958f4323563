import { MemorySessionRelay } from '../../adapters/session-relay/memory-session-relay.adapter';
import { sessionRelayContract } from './session-relay.contract';

// Two in-process "nodes" share one hub, as two Redis-backed nodes share Redis.
sessionRelayContract('memory', async () => {
  const a = new MemorySessionRelay();
  return { a, b: a.sibling() };
});
