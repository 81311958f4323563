import type { RgbImage } from './png';
import { SyntheticScreen } from './synthetic-screen';
import type { ScreenSource, Screenshot } from './screen-source';
import { X11Screen } from './x11-screen';

/**
 * The real display when there is one (X11 through DISPLAY on Linux and other Unixes), else the
 * synthetic screen. A display that cannot be captured (xwd missing, no permission) falls back to
 * the synthetic screen for that shot and says why once.
 */
export function chooseScreenSource(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, warn: (message: string) => void): ScreenSource {
  const synthetic = new SyntheticScreen();
  if (platform === 'win32' || platform === 'darwin' || !env.DISPLAY) return synthetic;
  const x11 = new X11Screen(env.DISPLAY);
  let warned = false;
  const orSynthetic = async <T>(real: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    try {
      return await real();
    } catch (error) {
      if (!warned) warn(`screen capture on ${env.DISPLAY} failed, sending a synthetic screen instead: ${(error as Error).message}`);
      warned = true;
      return fallback();
    }
  };
  return {
    description: `${x11.description} (synthetic when it fails)`,
    capture: (): Promise<Screenshot> => orSynthetic(() => x11.capture(), () => synthetic.capture()),
    captureRaw: (): Promise<RgbImage> => orSynthetic(() => x11.captureRaw(), () => synthetic.captureRaw()),
  };
}
