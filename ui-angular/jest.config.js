const { createCjsPreset } = require('jest-preset-angular/presets');

/** Console component tests: jsdom, zoneless, no browser download. */
module.exports = {
  // jsdom through the preset's own environment, so no jest-environment-jsdom package is needed.
  ...createCjsPreset({ testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env' }),
  roots: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/setup-jest.ts'],
  moduleNameMapper: {
    // The contracts are shared with the server; the Angular build resolves the same alias from tsconfig.json.
    '^@contracts/(.*)$': '<rootDir>/../application/contracts/$1',
  },
};
