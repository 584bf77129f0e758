import { configDefaults, defineConfig } from 'vitest/config';
import path from 'node:path';
import { isNullSocketWriteTrace } from './lib/db/postgres-guard';

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
    // The tests that cut the database under load can hit postgres.js's null-socket write
    // (porsager/postgres#1208): thrown from a setImmediate after the connection closed, outside
    // any test. The server drops exactly that write (lib/db/postgres-guard.ts); here it is
    // ignored the same way instead of failing a run whose tests all passed. Anything else counts.
    onUnhandledError: (err) => !isNullSocketWriteTrace(err),
  },
});
