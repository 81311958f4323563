import { CommandLineAssembler, MAX_COMMAND_LINE } from './command-line-assembler';

describe('CommandLineAssembler', () => {
  const lines = (...chunks: string[]): string[] => {
    const assembler = new CommandLineAssembler();
    return chunks.flatMap((chunk) => assembler.feed(chunk));
  };

  it('ends a line at Enter, across several messages', () => {
    expect(lines('l', 's -la', '\r', 'whoami\r')).toEqual(['ls -la', 'whoami']);
  });

  it('keeps a line open until Enter', () => {
    const assembler = new CommandLineAssembler();
    expect(assembler.feed('echo hi')).toEqual([]);
    expect(assembler.feed('\r')).toEqual(['echo hi']);
  });

  it('counts CR LF as one Enter and a lone LF (pasted text) as one too', () => {
    expect(lines('a\r\nb\nc\r')).toEqual(['a', 'b', 'c']);
  });

  it('removes the last character on backspace (DEL or BS), a whole emoji included', () => {
    expect(lines('lss\u007f -x\bla\r', 'ok😀\u007f!\r')).toEqual(['ls -la', 'ok!']);
    expect(lines('\u007f\u007fx\r')).toEqual(['x']);
  });

  it('drops escape sequences, also when split across messages', () => {
    // Arrow up (CSI), F1 (SS3), a bracketed paste wrapper, a window title (OSC ended by BEL), a DCS ended by ST.
    expect(lines('\u001b[Ad\u001b', '[1;5Cf\u001bOPx\r')).toEqual(['dfx']);
    expect(lines('\u001b[200~pasted\u001b[201~\r')).toEqual(['pasted']);
    expect(lines('\u001b]0;title\u0007a\u001bPq\u001b', '\\b\r')).toEqual(['ab']);
  });

  it('drops the line on Ctrl-C or Ctrl-U, and other control characters', () => {
    expect(lines('rm -rf /\u0003', 'ls\r')).toEqual(['ls']);
    expect(lines('oops\u0015date\r')).toEqual(['date']);
    expect(lines('a\tb\u0000c\u0004\r')).toEqual(['abc']);
  });

  it('does not record blank lines', () => {
    expect(lines('\r', '   \r', '\r\n')).toEqual([]);
  });

  it('keeps at most MAX_COMMAND_LINE characters of a line', () => {
    const [line] = lines('x'.repeat(MAX_COMMAND_LINE + 100), '\r');
    expect(line).toHaveLength(MAX_COMMAND_LINE);
  });
});
