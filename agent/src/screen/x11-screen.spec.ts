import { spawn, type ChildProcess } from 'node:child_process';
import sharp from 'sharp';
import { chooseScreenSource } from './choose-screen';
import { SYNTHETIC_WIDTH } from './synthetic-screen';
import { runForOutput, X11Screen } from './x11-screen';

const INSTALL = 'this test needs a virtual X server and X clients: apt-get install xvfb x11-apps x11-xserver-utils';

/** Starts Xvfb on a display it picks itself (-displayfd), so parallel runs never collide; -noreset keeps xsetroot's colour after it disconnects. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '320x240x24', '-nolisten', 'tcp', '-noreset'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code === 'ENOENT' ? `Xvfb is not installed: ${INSTALL}` : error.message)));
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
  });
  return { display, process: child };
}

describe('X11 screen capture (under Xvfb)', () => {
  let xvfb: { display: string; process: ChildProcess };

  beforeAll(async () => {
    xvfb = await startXvfb();
  });

  afterAll(async () => {
    if (xvfb && xvfb.process.exitCode === null) {
      await new Promise((resolve) => {
        xvfb.process.once('exit', resolve);
        xvfb.process.kill('SIGTERM');
      });
    }
  });

  it('captures the root window as a PNG of what is on the screen', async () => {
    await runForOutput('xsetroot', ['-solid', 'red'], { ...process.env, DISPLAY: xvfb.display }).catch((error: Error) => {
      throw new Error(`${error.message} (${INSTALL})`);
    });
    const shot = await new X11Screen(xvfb.display).capture().catch((error: Error) => {
      throw new Error(`${error.message} (${INSTALL})`);
    });
    expect(shot).toMatchObject({ contentType: 'image/png', width: 320, height: 240 });
    const { data, info } = await sharp(shot.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([320, 240]);
    let red = 0;
    for (let i = 0; i < data.length; i += 3) if (data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 0) red++;
    expect(red).toBe(320 * 240);
  });

  it('is what the agent chooses when DISPLAY is set', async () => {
    const warnings: string[] = [];
    const source = chooseScreenSource({ DISPLAY: xvfb.display }, 'linux', (m) => warnings.push(m));
    expect(source.description).toContain(`x11 ${xvfb.display}`);
    expect((await source.capture()).width).toBe(320);
    expect(warnings).toEqual([]);
  });

  it('falls back to the synthetic screen, once warned, when the display cannot be captured', async () => {
    const warnings: string[] = [];
    const source = chooseScreenSource({ DISPLAY: ':9931' }, 'linux', (m) => warnings.push(m));
    expect((await source.capture()).width).toBe(SYNTHETIC_WIDTH);
    expect((await source.capture()).width).toBe(SYNTHETIC_WIDTH);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/:9931 failed/);
    expect(chooseScreenSource({}, 'linux', () => undefined).description).toBe('synthetic');
  });
});
