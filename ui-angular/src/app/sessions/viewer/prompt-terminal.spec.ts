import { commonJsExports } from './prompt-terminal';

describe('commonJsExports', () => {
  class Terminal {}

  it('takes the exports from default, where the production build puts a UMD module', () => {
    const built = { default: { Terminal } } as unknown as { Terminal: typeof Terminal };
    expect(commonJsExports(built).Terminal).toBe(Terminal);
  });

  it('keeps a module whose exports are named', () => {
    expect(commonJsExports({ Terminal }).Terminal).toBe(Terminal);
  });
});
