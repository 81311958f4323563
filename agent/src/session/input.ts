import type { InputEvent } from '../../../application/contracts/session.protocol';
import { CommandNotFoundError, describeFailure, execFileRunner, type CommandRunner } from '../os/command-runner';

/** Where a session's mouse and keyboard events go. */
export interface InputSink {
  /** Queues the events; they run in order, one batch after the other. */
  apply(events: readonly InputEvent[]): void;
  /** Resolves when every queued batch has run. */
  idle(): Promise<void>;
}

/** DOM `MouseEvent.button` (0 left, 1 middle, 2 right) → X button. */
const X_BUTTON: Readonly<Record<0 | 1 | 2, string>> = { 0: '1', 1: '2', 2: '3' };
/** X buttons 4 and 5 are the wheel's notches up and down. */
const WHEEL_UP = '4';
const WHEEL_DOWN = '5';
/** One wheel event turns the wheel at most this many notches. */
const MAX_NOTCHES = 10;
/** Batches waiting beyond this are dropped: input that old would surprise the person at the console. */
const MAX_QUEUED_BATCHES = 64;

/** DOM `KeyboardEvent.key` names of non-printing keys → X keysym names. */
const NAMED_KEYS: Readonly<Record<string, string>> = {
  Enter: 'Return',
  Backspace: 'BackSpace',
  Tab: 'Tab',
  Escape: 'Escape',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'Prior',
  PageDown: 'Next',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  Shift: 'Shift_L',
  Control: 'Control_L',
  Alt: 'Alt_L',
  AltGraph: 'ISO_Level3_Shift',
  Meta: 'Super_L',
  OS: 'Super_L',
  CapsLock: 'Caps_Lock',
  NumLock: 'Num_Lock',
  ScrollLock: 'Scroll_Lock',
  Pause: 'Pause',
  PrintScreen: 'Print',
  ContextMenu: 'Menu',
  ' ': 'space',
  ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`F${i + 1}`, `F${i + 1}`])),
};

/** Printable ASCII that is not a letter or digit → its keysym name (xdotool resolves names, not characters). */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '!': 'exclam',
  '"': 'quotedbl',
  '#': 'numbersign',
  $: 'dollar',
  '%': 'percent',
  '&': 'ampersand',
  "'": 'apostrophe',
  '(': 'parenleft',
  ')': 'parenright',
  '*': 'asterisk',
  '+': 'plus',
  ',': 'comma',
  '-': 'minus',
  '.': 'period',
  '/': 'slash',
  ':': 'colon',
  ';': 'semicolon',
  '<': 'less',
  '=': 'equal',
  '>': 'greater',
  '?': 'question',
  '@': 'at',
  '[': 'bracketleft',
  '\\': 'backslash',
  ']': 'bracketright',
  '^': 'asciicircum',
  _: 'underscore',
  '`': 'grave',
  '{': 'braceleft',
  '|': 'bar',
  '}': 'braceright',
  '~': 'asciitilde',
};

/** The X keysym of a DOM key name; null for keys X has no name for ("Unidentified", "Dead", "Process"). */
export function keysymOf(key: string): string | null {
  if (NAMED_KEYS[key] !== undefined) return NAMED_KEYS[key];
  const chars = [...key];
  if (chars.length !== 1) return null;
  const char = chars[0];
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  if (PUNCTUATION[char] !== undefined) return PUNCTUATION[char];
  const code = char.codePointAt(0)!;
  // Xlib reads "U<hex>" as the Unicode keysym of that character.
  return code >= 0x20 && code !== 0x7f ? `U${code.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/**
 * The xdotool runs for a batch of events: commands chained in one run (`mousemove 10 20 mousedown 1
 * ...`), except that `type` takes every argument after it, so a text ends its run. Consecutive moves
 * collapse into the last one.
 */
export function xdotoolRuns(events: readonly InputEvent[]): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  events.forEach((event, i) => {
    switch (event.t) {
      case 'move':
        if (events[i + 1]?.t !== 'move') run.push('mousemove', String(event.x), String(event.y));
        return;
      case 'down':
        run.push('mousedown', X_BUTTON[event.b]);
        return;
      case 'up':
        run.push('mouseup', X_BUTTON[event.b]);
        return;
      case 'wheel':
        if (event.dy !== 0) run.push('click', '--repeat', String(Math.min(MAX_NOTCHES, Math.abs(event.dy))), event.dy < 0 ? WHEEL_UP : WHEEL_DOWN);
        return;
      case 'key': {
        const keysym = keysymOf(event.key);
        if (keysym !== null) run.push(event.down ? 'keydown' : 'keyup', keysym);
        return;
      }
      case 'text':
        runs.push([...run, 'type', '--delay', '0', '--', event.s]);
        run = [];
        return;
      default: {
        const never: never = event;
        throw new Error(`unknown input event ${JSON.stringify(never)}`);
      }
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Mouse and keyboard on an X11 display through xdotool (XTEST), run without a shell. */
export class X11Input implements InputSink {
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private complained = new Set<string>();

  constructor(
    private readonly display: string,
    private readonly log: (level: 'warn', message: string) => void,
    private readonly runner: CommandRunner = execFileRunner,
  ) {}

  apply(events: readonly InputEvent[]): void {
    if (this.queued >= MAX_QUEUED_BATCHES) return this.complainOnce('input is arriving faster than xdotool runs it: some was dropped');
    this.queued++;
    this.queue = this.queue.then(async () => {
      try {
        for (const args of xdotoolRuns(events)) await this.xdotool(args);
      } finally {
        this.queued--;
      }
    });
  }

  idle(): Promise<void> {
    return this.queue;
  }

  private async xdotool(args: readonly string[]): Promise<void> {
    try {
      const result = await this.runner.run('xdotool', args, { env: { ...process.env, DISPLAY: this.display }, timeoutMs: 10_000 });
      if (result.code !== 0) this.complainOnce(describeFailure('xdotool', args.slice(0, 1), result));
    } catch (error) {
      this.complainOnce(error instanceof CommandNotFoundError ? 'xdotool is not installed (apt-get install xdotool): input from the console is ignored' : (error as Error).message);
    }
  }

  /** One log line per distinct problem: a mouse move a few times a second must not flood the log. */
  private complainOnce(message: string): void {
    if (this.complained.has(message)) return;
    this.complained.add(message);
    this.log('warn', message);
  }
}

/** No display to drive: input is ignored, said once. */
export class NoInput implements InputSink {
  private said = false;
  constructor(
    private readonly reason: string,
    private readonly log: (level: 'warn', message: string) => void,
  ) {}

  apply(): void {
    if (!this.said) this.log('warn', `input from the console is ignored: ${this.reason}`);
    this.said = true;
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }
}

/** xdotool on the X11 display in DISPLAY; elsewhere input is ignored (not supported on macOS and Windows yet). */
export function chooseInput(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, log: (level: 'warn', message: string) => void): InputSink {
  if (platform === 'win32' || platform === 'darwin') return new NoInput(`remote input is not supported on ${platform} yet`, log);
  if (!env.DISPLAY) return new NoInput('no X11 display (DISPLAY is not set)', log);
  return new X11Input(env.DISPLAY, log);
}
