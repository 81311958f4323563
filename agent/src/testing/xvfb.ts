import { spawn, type ChildProcess } from 'node:child_process';

export const X11_TEST_INSTALL_HINT = 'this test needs a virtual X server and X clients: apt-get install xvfb x11-apps x11-xserver-utils xdotool xterm';

export interface Xvfb {
  readonly display: string;
  readonly process: ChildProcess;
}

/** Starts Xvfb on a display it picks itself (-displayfd), so parallel runs never collide; -noreset keeps the root's colour after a client disconnects. */
export async function startXvfb(size = '320x240x24'): Promise<Xvfb> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', size, '-nolisten', 'tcp', '-noreset'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code === 'ENOENT' ? `Xvfb is not installed: ${X11_TEST_INSTALL_HINT}` : error.message)));
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
  });
  return { display, process: child };
}

/** Stops a process started by a test and waits for it to be gone. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}
