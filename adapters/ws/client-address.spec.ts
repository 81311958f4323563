import type { IncomingMessage } from 'node:http';
import { clientAddress } from './client-address';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:203.0.113.9'))).toBe('203.0.113.9');
  });

  it('walks X-Forwarded-For from the right through trusted proxies only', () => {
    const trustLoopback = (address: string) => address === '127.0.0.1';
    expect(clientAddress(request('127.0.0.1', '198.51.100.1'), trustLoopback)).toBe('198.51.100.1');
    // The left-most entry was written by the client: not trusted past the first untrusted hop.
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.1'), trustLoopback)).toBe('198.51.100.1');
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), trustLoopback)).toBe('203.0.113.9');
  });

  it('counts hops when the trust is a hop count', () => {
    const oneHop = (_: string, index: number) => index < 1;
    expect(clientAddress(request('10.0.0.2', '6.6.6.6, 198.51.100.1'), oneHop)).toBe('198.51.100.1');
  });
});
