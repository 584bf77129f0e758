import { defineConfig } from 'drizzle-kit';

// Generation only (`npm run db:generate`): migrations are APPLIED by scripts/db-migrate.ts, which
// records a checksum per file and reports edited ones (drizzle-kit's migrator does not).
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema/index.ts',
  out: './drizzle',
});
