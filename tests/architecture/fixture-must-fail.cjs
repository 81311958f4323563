/**
 * Runs the layering rules on a fixture that breaks every rule once, and fails unless each rule
 * reports it: a rule whose path no longer matches anything would otherwise pass silently.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const fixture = 'tests/architecture/fixtures/broken';
const expected = [
  'domain-is-pure',
  'application-uses-ports-not-adapters',
  'read-models-are-pure',
  'agent-speaks-only-contracts',
  'nothing-imports-adapters-inward',
];

let output = '';
try {
  output = execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'json', fixture],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
} catch (e) {
  output = e.stdout;
  if (!output) throw e;
}
const result = JSON.parse(output);
const seen = new Set(result.summary.violations.map((v) => v.rule.name));
const missing = expected.filter((rule) => !seen.has(rule));
if (missing.length > 0) {
  console.error(`Layering fixture: these rules reported nothing on a fixture that breaks them: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`Layering fixture: all ${expected.length} rules caught their violation (${result.summary.violations.length} violations)`);
