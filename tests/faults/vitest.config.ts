/**
 * The fault-injection suite (tests/faults): its own run, only with TEST_DATABASE_URL (PGlite
 * cannot be shared between processes); no build needed (gateway-only server processes). It makes
 * its own database, so no global setup; one file, one worker. About 80 s on 2 cores.
 */
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.resolve(__dirname, '../..');

export default defineConfig({
  root,
  resolve: {
    alias: {
      '@': root,
      'server-only': path.join(root, 'tests/support/server-only-stub.ts'),
    },
  },
  test: {
    include: ['tests/faults/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
