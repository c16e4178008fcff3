// ESM TypeScript under ts-jest (run with NODE_OPTIONS=--experimental-vm-modules, see package.json).
// One global setup starts the local stack once for every test file: most tests need real servers.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // The production-shaped migration runs on its own stack: `npm run test:production` (jest.production.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/production/'],
  globalSetup: '<rootDir>/__tests__/support/global-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.mjs',
  testTimeout: 600000,
  verbose: true,
};
