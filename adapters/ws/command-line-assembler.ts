/** Longest command line recorded; what is typed beyond it on the same line is not kept. */
export const MAX_COMMAND_LINE = 4096;

const ESC = '\u001b';
const BEL = '\u0007';

type EscapeState = 'none' | 'escape' | 'csi' | 'string' | 'string-escape';

/**
 * Turns the bytes typed into a web prompt into the command lines the audit records: a line ends at
 * Enter (`\r`, or `\n` not right after `\r`), backspace removes the last character, Ctrl-C and Ctrl-U
 * drop the line, and escape sequences (arrow keys, function keys, terminal replies) and other control
 * characters are left out. It records what was typed, not what the shell made of it (history recall
 * or tab completion are the shell's); blank lines are not lines. State carries over between calls:
 * a sequence may be split across messages.
 */
export class CommandLineAssembler {
  private line = '';
  private escape: EscapeState = 'none';
  private afterCr = false;

  /** Feeds typed data; returns the lines it completed, in order. */
  feed(data: string): string[] {
    const lines: string[] = [];
    for (const ch of data) {
      const wasCr = this.afterCr;
      this.afterCr = false;
      if (this.escape !== 'none') {
        this.skipEscape(ch);
        continue;
      }
      switch (ch) {
        case '\r':
          this.afterCr = true;
          this.complete(lines);
          break;
        case '\n':
          if (!wasCr) this.complete(lines);
          break;
        case '\u007f':
        case '\b':
          this.line = [...this.line].slice(0, -1).join('');
          break;
        case '\u0003':
        case '\u0015':
          this.line = '';
          break;
        case ESC:
          this.escape = 'escape';
          break;
        default:
          if (ch < ' ' || (ch >= '\u0080' && ch <= '\u009f')) break;
          if (this.line.length + ch.length <= MAX_COMMAND_LINE) this.line += ch;
      }
    }
    return lines;
  }

  private complete(lines: string[]): void {
    if (this.line.trim().length > 0) lines.push(this.line);
    this.line = '';
  }

  /** ESC x; CSI (ESC [ … final byte @–~); OSC, DCS and the like (ESC ] P _ ^ … BEL or ESC \). */
  private skipEscape(ch: string): void {
    switch (this.escape) {
      case 'escape':
        if (ch === '[') this.escape = 'csi';
        else if (ch === ']' || ch === 'P' || ch === '_' || ch === '^' || ch === 'X') this.escape = 'string';
        // SS3 (ESC O x) and charset selections (ESC ( x) take one more character.
        else if (ch === 'O' || ch === '(' || ch === ')') this.escape = 'csi';
        else this.escape = 'none';
        return;
      case 'csi':
        if (ch >= '@' && ch <= '~') this.escape = 'none';
        return;
      case 'string':
        if (ch === BEL) this.escape = 'none';
        else if (ch === ESC) this.escape = 'string-escape';
        return;
      case 'string-escape':
        this.escape = ch === '\\' ? 'none' : 'string';
        return;
      default:
        return;
    }
  }
}
