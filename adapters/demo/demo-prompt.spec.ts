import { DemoPrompt } from './demo-prompt';

describe('DemoPrompt', () => {
  const make = () => {
    const out: string[] = [];
    const exits: number[] = [];
    const prompt = new DemoPrompt((t) => out.push(t), (code) => exits.push(code), () => new Date('2025-03-04T05:06:07Z'));
    return { prompt, out, exits, text: () => out.join('') };
  };

  it('greets with a prompt, echoes typed characters and answers a command', () => {
    const { prompt, text } = make();
    prompt.open();
    expect(text()).toMatch(/demo\$ $/);
    prompt.type('ec');
    prompt.type('ho hi there\r');
    expect(text()).toContain('demo$ echo hi there\r\nhi there\r\ndemo$ ');
  });

  it('knows date, whoami and help, and says so for anything else', () => {
    const { prompt, text } = make();
    prompt.type('date\rwhoami\rhelp\rrm -rf /\r');
    expect(text()).toContain('Tue, 04 Mar 2025 05:06:07 GMT\r\n');
    expect(text()).toContain('whoami\r\ndemo\r\n');
    expect(text()).toContain('Commands: help, echo <text>, date, whoami, exit');
    expect(text()).toContain('rm: command not found');
  });

  it('erases on backspace, drops the line on Ctrl-C and ignores arrow keys', () => {
    const { prompt, text } = make();
    prompt.type('ecx\u007fho a\u001b[A\r');
    expect(text()).toContain('ecx\b \bho a\r\na\r\n');
    prompt.type('whoam\u0003');
    expect(text()).toContain('whoam^C\r\ndemo$ ');
  });

  it('ends on exit with code 0 and takes nothing more', () => {
    const { prompt, exits, text } = make();
    prompt.type('exit\r');
    expect(exits).toEqual([0]);
    const before = text();
    prompt.type('echo late\r');
    expect(text()).toBe(before);
  });
});
