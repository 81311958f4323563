const PROMPT = 'demo$ ';
const MAX_LINE = 256;

/**
 * The demo computer's web prompt: a toy line interpreter, never a shell on the server. It echoes
 * what is typed (backspace, Enter, Ctrl-C as a terminal would), knows `help`, `echo`, `date`,
 * `whoami` and `exit`, and says so for anything else.
 */
export class DemoPrompt {
  private line = '';
  private closed = false;

  constructor(
    /** Bytes for the console's terminal. */
    private readonly write: (text: string) => void,
    /** `exit` typed: the prompt is over, with this exit code. */
    private readonly exit: (code: number) => void,
    private readonly now: () => Date,
    private readonly user = 'demo',
  ) {}

  open(): void {
    this.write(`Switchboard demo prompt: a toy interpreter, not a real shell. Type help.\r\n${PROMPT}`);
  }

  /** Typed bytes; escape sequences (arrow keys) are ignored. */
  type(data: string): void {
    if (this.closed) return;
    let out = '';
    for (const ch of data.replace(/\u001b\[[0-9;?]*[@-~]|\u001bO./g, '')) {
      if (ch === '\r' || ch === '\n') {
        out += '\r\n';
        const result = this.run(this.line.trim());
        this.line = '';
        if (this.closed) {
          this.write(out + result);
          return;
        }
        out += result + PROMPT;
      } else if (ch === '\u007f' || ch === '\b') {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          out += '\b \b';
        }
      } else if (ch === '\u0003') {
        this.line = '';
        out += `^C\r\n${PROMPT}`;
      } else if (ch >= ' ' && this.line.length < MAX_LINE) {
        this.line += ch;
        out += ch;
      }
    }
    if (out) this.write(out);
  }

  private run(line: string): string {
    const [command = '', ...args] = line.split(/\s+/);
    switch (command) {
      case '':
        return '';
      case 'help':
        return 'Commands: help, echo <text>, date, whoami, exit\r\n';
      case 'echo':
        return `${args.join(' ')}\r\n`;
      case 'date':
        return `${this.now().toUTCString()}\r\n`;
      case 'whoami':
        return `${this.user}\r\n`;
      case 'exit':
        this.closed = true;
        this.exit(0);
        return 'logout\r\n';
      default:
        return `${command}: command not found (this is the demo's toy prompt; type help)\r\n`;
    }
  }
}
