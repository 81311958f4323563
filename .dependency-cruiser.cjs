/**
 * Layering of Switchboard (ARCHITECTURE.md): dependencies point inward only.
 * tests/architecture/fixture-must-fail.cjs runs these rules on a fixture that breaks each of them,
 * so that a rule that silently checks nothing fails CI.
 */
/** A layer folder, at the root or inside the must-fail fixture. */
const layer = (names) => `^(${names}|tests/architecture/fixtures/broken/(${names}))/`;
const NODE_BUILTINS = '^(node:)?(fs|path|crypto|os|net|http|https|child_process|worker_threads|v8|stream|events|url|util|zlib|tls|dgram|cluster|readline)$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside itself: no other layer, no package, no Node API',
      severity: 'error',
      from: { path: layer('domain'), pathNot: '\\.spec\\.ts$' },
      to: { pathNot: layer('domain') },
    },
    {
      name: 'application-uses-ports-not-adapters',
      comment: 'application/ imports domain, read-model types and @nestjs/common|cqrs only; drivers and adapters stay out',
      severity: 'error',
      from: { path: layer('application'), pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: [
          layer('application|domain|read-models'),
          'node_modules/(@nestjs/common|@nestjs/cqrs|rxjs|reflect-metadata|tslib)/',
        ],
      },
    },
    {
      name: 'read-models-are-pure',
      comment: 'read-models/ import domain event types and application ports/contracts, never adapters or drivers',
      severity: 'error',
      from: { path: layer('read-models'), pathNot: '\\.spec\\.ts$' },
      to: {
        path: [layer('adapters|ui-angular|agent'), 'node_modules/', NODE_BUILTINS],
      },
    },
    {
      name: 'agent-speaks-only-contracts',
      comment: 'agent/ shares only application/contracts with the server',
      severity: 'error',
      from: { path: layer('agent') },
      to: { path: layer('domain|adapters|read-models|application'), pathNot: layer('application/contracts') },
    },
    {
      name: 'nothing-imports-adapters-inward',
      comment: 'only adapters/ and tests/ may import adapters/ (specs may use an adapter as their test double)',
      severity: 'error',
      from: { path: layer('domain|application|read-models'), pathNot: '\\.spec\\.ts$' },
      to: { path: layer('adapters') },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', 'dist', 'ui-angular'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
