// The production-shaped migration (`npm run test:production`): its own stack beside the default one
// (STACK_PORT_BASE + 30, .stack-production, bigger node heaps) seeded with the production profile, so
// the default seed that the other tests compare against is never touched. Minutes, not seconds: a
// thousand indices are created, snapshotted, copied and restored on real nodes.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/production/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/__tests__/support/production-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.mjs',
  testTimeout: 3_600_000,
};
