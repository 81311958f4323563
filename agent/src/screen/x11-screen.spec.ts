import sharp from 'sharp';
import { chooseScreenSource } from './choose-screen';
import { SYNTHETIC_WIDTH } from './synthetic-screen';
import { startXvfb, stopProcess, X11_TEST_INSTALL_HINT, type Xvfb } from '../testing/xvfb';
import { runForOutput, X11Screen } from './x11-screen';

const INSTALL = X11_TEST_INSTALL_HINT;

describe('X11 screen capture (under Xvfb)', () => {
  let xvfb: Xvfb;

  beforeAll(async () => {
    xvfb = await startXvfb();
  });

  afterAll(async () => {
    await stopProcess(xvfb?.process);
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
    const raw = await new X11Screen(xvfb.display).captureRaw();
    expect([raw.width, raw.height, raw.rgb.length]).toEqual([320, 240, 320 * 240 * 3]);
    expect([...raw.rgb.subarray(0, 3)]).toEqual([255, 0, 0]);
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
