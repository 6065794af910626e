import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import sibling packages from source, so a change is seen without a rebuild.
export default defineConfig({
  resolve: {
    alias: {
      '@kws/tensor': src('tensor'),
      '@kws/autograd': src('autograd'),
      '@kws/kws-model': src('kws-model'),
      '@kws/distill': src('distill'),
      '@kws/synth': src('synth'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    // Headless-Chromium tests run apart: `npm run test:browser` (vitest.browser.config.ts).
    exclude: ['**/node_modules/**', 'packages/*/src/**/*.browser.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
