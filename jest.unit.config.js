// Unit tests only (no stack): `npm run test:unit`, for a quick loop while editing pure modules.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts', '<rootDir>/__tests__/**/*-rules.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
