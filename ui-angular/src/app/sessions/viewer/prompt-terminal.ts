import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, InjectionToken, afterNextRender, inject, input, output } from '@angular/core';

/** What the prompt needs of a terminal emulator, so tests can hand in a double instead of xterm.js. */
export interface TerminalLike {
  readonly cols: number;
  readonly rows: number;
  write(data: Uint8Array | string): void;
  onData(listener: (data: string) => void): void;
  onResize(listener: (size: { cols: number; rows: number }) => void): void;
  /** Sizes the terminal to its element. */
  fit(): void;
  focus(): void;
  dispose(): void;
}

export type TerminalFactory = (element: HTMLElement) => Promise<TerminalLike>;

/**
 * xterm.js 5 ships UMD bundles: a bundler's dynamic import of such a CommonJS module gives its exports
 * as `default` only (the production build has no named `Terminal`), other tools name them too.
 */
export function commonJsExports<T extends object>(module: T): T {
  return (module as { default?: T }).default ?? module;
}

/** xterm.js with its fit addon, loaded with the first prompt (a lazy chunk: most sessions never open one). */
export const TERMINAL_FACTORY = new InjectionToken<TerminalFactory>('TERMINAL_FACTORY', {
  providedIn: 'root',
  factory: () => async (element) => {
    const [xterm, fit] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]);
    const { Terminal } = commonJsExports(xterm);
    const { FitAddon } = commonJsExports(fit);
    const terminal = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000, convertEol: false });
    const fitAddon = new FitAddon();
    terminal.loadAddon(fitAddon);
    terminal.open(element);
    fitAddon.fit();
    return {
      get cols() {
        return terminal.cols;
      },
      get rows() {
        return terminal.rows;
      },
      write: (data) => terminal.write(data),
      onData: (listener) => void terminal.onData(listener),
      onResize: (listener) => void terminal.onResize(listener),
      fit: () => fitAddon.fit(),
      focus: () => terminal.focus(),
      dispose: () => terminal.dispose(),
    };
  },
});

/**
 * One web command prompt: the terminal in its element, sized to it (and resized with it); keystrokes
 * go out as `typed`, sizes as `resized`. The page writes the PTY's bytes with `write`.
 */
@Component({
  selector: 'app-prompt-terminal',
  template: '',
  styles: `
    :host {
      display: block;
      height: 24rem;
      padding: 0.4rem;
      background: #000;
      border-radius: 6px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'prompt-terminal', '[attr.data-prompt-id]': 'promptId()' },
})
export class PromptTerminal {
  private readonly element = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly createTerminal = inject(TERMINAL_FACTORY);
  private terminal: TerminalLike | null = null;
  /** Bytes that arrived before the terminal was ready. */
  private early: Uint8Array[] = [];
  private disposed = false;

  readonly promptId = input.required<string>();
  /** The first size, once the terminal fits its element. */
  readonly ready = output<{ cols: number; rows: number }>();
  readonly typed = output<string>();
  readonly resized = output<{ cols: number; rows: number }>();

  constructor() {
    const view = this.element.ownerDocument.defaultView;
    const observer = view && 'ResizeObserver' in view ? new view.ResizeObserver(() => this.terminal?.fit()) : null;
    inject(DestroyRef).onDestroy(() => {
      this.disposed = true;
      observer?.disconnect();
      this.terminal?.dispose();
    });
    afterNextRender(async () => {
      const terminal = await this.createTerminal(this.element);
      if (this.disposed) {
        terminal.dispose();
        return;
      }
      this.terminal = terminal;
      terminal.onData((data) => this.typed.emit(data));
      terminal.onResize((size) => this.resized.emit(size));
      for (const bytes of this.early) terminal.write(bytes);
      this.early = [];
      observer?.observe(this.element);
      this.ready.emit({ cols: terminal.cols, rows: terminal.rows });
      terminal.focus();
    });
  }

  write(bytes: Uint8Array): void {
    if (this.terminal) this.terminal.write(bytes);
    else this.early.push(bytes);
  }

  focus(): void {
    this.terminal?.focus();
  }
}
