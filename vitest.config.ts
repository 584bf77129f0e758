import { configDefaults, defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(__dirname),
      // `server-only` throws outside a React Server Components bundle; tests are server code.
      'server-only': path.resolve(__dirname, 'tests/support/server-only-stub.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'tests/**/*.test.ts'],
    // Its own stage after `next build` (tests/multi-instance/vitest.config.ts, scripts/test.ts).
    exclude: [...configDefaults.exclude, 'tests/multi-instance/**', 'tests/faults/**'],
    environment: 'node',
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one migrated database per run (fresh tenants per test); files run
    // in parallel worker processes, each opening its own connection or PGlite clone.
    pool: 'forks',
    maxWorkers: 2,
  },
});
