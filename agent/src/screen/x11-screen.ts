import { spawn } from 'node:child_process';
import { encodePng, fitWithin, type RgbImage } from './png';
import { SCREENSHOT_MAX_HEIGHT, SCREENSHOT_MAX_WIDTH, type ScreenSource, type Screenshot } from './screen-source';
import { decodeXwd } from './xwd';

/** Debian packages a Linux computer needs for real captures (xwd), and tests for a virtual display. */
export const X11_INSTALL_HINT = 'apt-get install x11-apps (xwd); tests also need xvfb and x11-xserver-utils';

/** A 4K screen at 32 bits a pixel is 33 MB; anything far above is not a screen dump. */
const MAX_DUMP_BYTES = 256 * 1024 * 1024;
const CAPTURE_TIMEOUT_MS = 20_000;

/** Runs a program and gives its standard output, refusing runaway output and hung programs. */
export function runForOutput(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = CAPTURE_TIMEOUT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DUMP_BYTES) child.kill('SIGKILL');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`${command} is not installed: ${X11_INSTALL_HINT}`) : error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out));
      const why = signal ? `killed (${signal}${size > MAX_DUMP_BYTES ? ', output too large' : ', too slow'})` : `exit ${code}`;
      reject(new Error(`${command} failed (${why}): ${Buffer.concat(err).toString('utf8').trim().slice(0, 300)}`));
    });
  });
}

/**
 * The X11 display's root window, dumped with `xwd -root -silent` and turned into a PNG here (no
 * ImageMagick needed), shrunk to a thumbnail size.
 */
export class X11Screen implements ScreenSource {
  readonly description: string;
  constructor(
    private readonly display: string,
    private readonly xwd = 'xwd',
  ) {
    this.description = `x11 ${display}`;
  }

  async capture(): Promise<Screenshot> {
    const image = fitWithin(await this.captureRaw(), SCREENSHOT_MAX_WIDTH, SCREENSHOT_MAX_HEIGHT);
    return { contentType: 'image/png', data: encodePng(image), width: image.width, height: image.height };
  }

  async captureRaw(): Promise<RgbImage> {
    return decodeXwd(await runForOutput(this.xwd, ['-root', '-silent'], { ...process.env, DISPLAY: this.display }));
  }
}
