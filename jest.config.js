/** Backend tests. Type checking is done once by `npm run typecheck`; ts-jest only transpiles here. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/domain', '<rootDir>/application', '<rootDir>/adapters', '<rootDir>/read-models', '<rootDir>/agent', '<rootDir>/tests'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/ui-angular/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/tests/kit/summary-reporter.cjs'],
};
