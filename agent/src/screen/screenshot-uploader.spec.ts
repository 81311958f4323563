import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemText, ScreenshotUploader } from './screenshot-uploader';
import { SyntheticScreen } from './synthetic-screen';

describe('ScreenshotUploader', () => {
  let server: Server;
  let url: string;
  const seen: { auth?: string; type?: string; bytes: number }[] = [];
  let answer: { status: number; body: string } = { status: 204, body: '' };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, type: req.headers['content-type'], bytes: Buffer.concat(chunks).length });
        res.writeHead(answer.status, { 'Content-Type': 'application/problem+json' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/agent/screenshot`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('posts a PNG with the agent key as bearer', async () => {
    const uploader = new ScreenshotUploader({ source: new SyntheticScreen(), agentKey: 'c.KEY', log: () => undefined });
    const result = await uploader.uploadOnce(url);
    expect(result).toEqual({ ok: true, bytes: expect.any(Number) });
    expect(seen.at(-1)).toEqual({ auth: 'Bearer c.KEY', type: 'image/png', bytes: (result as { bytes: number }).bytes });
  });

  it('reports a refusal with the problem’s code and detail, and a revoked key', async () => {
    answer = { status: 401, body: JSON.stringify({ code: 'UNAUTHORIZED', detail: 'This agent key is unknown or was revoked: enroll again' }) };
    const logs: string[] = [];
    let unauthorized = 0;
    const uploader = new ScreenshotUploader({ source: new SyntheticScreen(), agentKey: 'c.KEY', log: (_l, m) => logs.push(m), onUnauthorized: () => unauthorized++ });
    expect(await uploader.uploadOnce(url)).toEqual({ ok: false, status: 401, message: 'UNAUTHORIZED: This agent key is unknown or was revoked: enroll again' });
    expect(unauthorized).toBe(1);
    expect(logs[0]).toMatch(/screenshot upload failed \(401\)/);
    answer = { status: 204, body: '' };
  });

  it('reports a server that is not there', async () => {
    const uploader = new ScreenshotUploader({ source: new SyntheticScreen(), agentKey: 'c.KEY', log: () => undefined });
    const result = await uploader.uploadOnce('http://127.0.0.1:1/api/agent/screenshot');
    expect(result).toMatchObject({ ok: false, status: null });
  });

  it('uploads at once and every interval until stopped', async () => {
    const before = seen.length;
    const uploader = new ScreenshotUploader({ source: new SyntheticScreen(), agentKey: 'c.KEY', log: () => undefined });
    uploader.start(url, 30);
    const deadline = Date.now() + 3000;
    while (seen.length < before + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    uploader.stop();
    expect(seen.length).toBeGreaterThanOrEqual(before + 3);
  });
});

describe('problemText', () => {
  it('shows code and detail, or the raw start of the body', () => {
    expect(problemText('{"code":"X","detail":"why"}')).toBe('X: why');
    expect(problemText('<html>')).toBe('<html>');
    expect(problemText('')).toBe('(empty answer)');
  });
});
