import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_VARIABLES } from '../../adapters/nest/config';

/** The README's configuration table is written by hand; this keeps it from drifting from the code. */
describe('README', () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

  it.each(CONFIG_VARIABLES.map((v) => v.name))('documents the variable %s', (name) => {
    expect(readme).toContain(`\`${name}\``);
  });

  it('shows the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
