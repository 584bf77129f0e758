/**
 * The two-instance test (tests/multi-instance): its own run, after `next build`, only with
 * TEST_DATABASE_URL (PGlite cannot be shared between processes). It makes its own database, so
 * no global setup; one file, one worker.
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
    include: ['tests/multi-instance/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
