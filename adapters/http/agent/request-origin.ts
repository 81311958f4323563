import type { IncomingMessage } from 'node:http';

const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/**
 * Where the caller reached this server: PUBLIC_URL when set, else `http://<Host>` of the request.
 * For agents and downloads only (the caller gets back the address it used); mail links never use
 * the Host header (see PublicLinks).
 */
export function requestOrigin(request: IncomingMessage | undefined, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const host = request?.headers.host;
  if (host && HOST.test(host)) return `http://${host}`;
  const local = request?.socket.localAddress ?? '127.0.0.1';
  const port = request?.socket.localPort ?? 80;
  const address = local.startsWith('::ffff:') ? local.slice(7) : local;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** The WebSocket URL of a path on that origin. */
export const wsUrlOf = (origin: string, path: string): string => `${origin.replace(/^http/, 'ws')}${path}`;
