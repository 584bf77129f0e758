/**
 * npm run litellm:export -- [--out FILE]
 * Writes a LiteLLM proxy config.yaml (model_list with litellm_params and model_info costs, router
 * fallbacks) from the LIVE catalog in the database (DATABASE_URL, else the embedded database
 * under RADIANT_DATA_DIR: stop a running server first, PGlite allows one process). Without
 * --out the YAML goes to stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { closeDb, getDbHandle } from '../lib/db/client';
import { exportLiteLLMConfig } from '../lib/interop/litellm';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: npm run litellm:export -- [--out config.yaml]');
    return;
  }
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? args[outIdx + 1] : undefined;
  if (outIdx >= 0 && !out) {
    console.error('--out needs a file name');
    process.exitCode = 2;
    return;
  }
  const handle = await getDbHandle();
  const { yaml, config } = await exportLiteLLMConfig({ db: handle.db });
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, yaml);
    const fallbacks = (config.router_settings.fallbacks as unknown[]).length;
    console.error(`wrote ${out}: ${config.model_list.length} models, ${fallbacks} fallback chains (database: ${handle.describe})`);
  } else {
    process.stdout.write(yaml);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
