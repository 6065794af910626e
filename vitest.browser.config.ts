import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:browser`: the tests that drive headless Chromium (kept out of `npm test`).
// Not mergeConfig: it would concatenate `include` with the base's and run every test.
export default defineConfig({
  resolve: base.resolve,
  test: { include: ['packages/*/src/**/*.browser.test.ts'], testTimeout: 120_000, pool: 'forks' },
});
