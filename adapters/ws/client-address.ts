import type { IncomingMessage } from 'node:http';
import { normalizeIp } from '../geoip/ip-address';

/** Express's compiled `trust proxy` setting: whether the hop at `index` (0 = the socket peer) is a trusted proxy. */
export type TrustProxyFn = (address: string, index: number) => boolean;

const TRUST_NOBODY: TrustProxyFn = () => false;

/**
 * The client address of a WebSocket upgrade, by Express's rule for `req.ip`: start from the socket
 * peer and walk X-Forwarded-For from the right while each hop is a trusted proxy. Without TRUST_PROXY
 * nobody is trusted and the header is ignored, so a client cannot choose its address.
 */
export function clientAddress(request: IncomingMessage, trust: TrustProxyFn = TRUST_NOBODY): string {
  const peer = request.socket.remoteAddress ?? '';
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  const hops = [peer, ...forwarded];
  let index = 0;
  while (index < hops.length - 1 && trust(hops[index], index)) index += 1;
  return normalizeIp(hops[index]);
}
