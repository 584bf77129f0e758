/**
 * npm test — everything, in order:
 *   0. type-check and lint;
 *   1. unit + integration tests (vitest) on the embedded PGlite;
 *   2. the same again on real PostgreSQL when TEST_DATABASE_URL is set (a fresh database);
 *   2b. with TEST_DATABASE_URL: the metering fault-injection suite (tests/faults, ~80 s): server
 *      processes on a fresh database behind a cuttable TCP proxy (`npm run test:faults`);
 *   3. a production build (`next build`);
 *   4. with TEST_DATABASE_URL: the two-instance test (tests/multi-instance): two production
 *      server processes on one fresh PostgreSQL database and one Redis;
 *   5. the Playwright e2e suite in Chromium against the build (on a fresh PostgreSQL database
 *      when TEST_DATABASE_URL is set, else a fresh embedded one).
 * Prints one summary line per stage and a final "N passed, N failed" line; exits non-zero on
 * any failure. `npm test -- --skip-e2e` (stages 0-2 only) / `--only-e2e` (stages 3-5) /
 * `--only-multi-instance` (stages 3-4) / `--skip-multi-instance` / `--skip-faults` narrow it while
 * developing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface StageResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
  seconds: number;
}

const root = process.cwd();
const results: StageResult[] = [];
const args = new Set(process.argv.slice(2));
const outDir = path.join(root, 'test-results');
fs.mkdirSync(outDir, { recursive: true });

function run(cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv): number {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env, cwd: root });
  return r.status ?? 1;
}

function vitestStage(name: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): void {
  const started = Date.now();
  const json = path.join(outDir, `vitest-${name}.json`);
  fs.rmSync(json, { force: true });
  const code = run('npx', ['vitest', 'run', ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`], env);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (fs.existsSync(json)) {
    const r = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed = r.numPassedTests;
    failed = r.numFailedTests;
    skipped = r.numPendingTests + r.numTodoTests;
  }
  if (code !== 0 && failed === 0) failed = 1; // crashed before reporting
  results.push({ name: `vitest (${name})`, passed, failed, skipped, ok: code === 0, seconds: (Date.now() - started) / 1000 });
}

/** Type-check, lint (the architecture rules live in eslint.config.mjs), check the formatting
 * (Prettier, .prettierrc.json; `npm run format` fixes it) and find unused files and exports
 * (knip, knip.json: an export nothing imports is dead code or a missing screen) in the whole tree,
 * and hold lib/ to the calling convention of docs/architecture.md (scripts/code-shape.ts). */
function staticStage(env: NodeJS.ProcessEnv): void {
  const started = Date.now();
  const codes = [
    run('npx', ['tsc', '--noEmit'], env),
    run('npx', ['eslint', '.'], env),
    run('npx', ['prettier', '--check', '--log-level', 'warn', '.'], env),
    run('npx', ['knip', '--no-progress', '--no-config-hints'], env),
    run('npx', ['tsx', 'scripts/code-shape.ts', 'lib', '--conventions'], env),
  ];
  const failed = codes.filter((c) => c !== 0).length;
  results.push({
    name: 'typecheck + lint + format + knip + conventions',
    passed: codes.length - failed,
    failed,
    skipped: 0,
    ok: failed === 0,
    seconds: (Date.now() - started) / 1000,
  });
}

async function freshPostgresDatabase(serverUrl: string, label: string): Promise<string> {
  const { default: postgres } = await import('postgres');
  const name = `radiant_${label}_${process.pid}_${Date.now()}`;
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(`CREATE DATABASE ${name}`);
  await sql.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropPostgresDatabase(serverUrl: string, dbUrl: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const name = new URL(dbUrl).pathname.slice(1);
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await sql.end();
}

function buildStage(env: NodeJS.ProcessEnv): boolean {
  const started = Date.now();
  const build = run('npx', ['next', 'build'], { ...env, NODE_ENV: 'production' });
  results.push({
    name: 'next build',
    passed: build === 0 ? 1 : 0,
    failed: build === 0 ? 0 : 1,
    skipped: 0,
    ok: build === 0,
    seconds: (Date.now() - started) / 1000,
  });
  return build === 0;
}

/** Two server processes against one PostgreSQL (a fresh database the test makes and drops) and
 * one Redis: shared limits and budgets, metering once, the scheduled billing once. */
function multiInstanceStage(env: NodeJS.ProcessEnv): void {
  vitestStage('multi-instance', env, ['--config', 'tests/multi-instance/vitest.config.ts']);
}

function e2eStage(env: NodeJS.ProcessEnv): void {
  const started = Date.now();
  const json = path.join(outDir, 'e2e-results.json');
  fs.rmSync(json, { force: true });
  fs.rmSync(path.join(outDir, 'e2e-data'), { recursive: true, force: true });
  const code = run('npx', ['playwright', 'test'], env);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (fs.existsSync(json)) {
    const r = JSON.parse(fs.readFileSync(json, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
    passed = r.stats.expected + r.stats.flaky;
    failed = r.stats.unexpected;
    skipped = r.stats.skipped;
  }
  if (code !== 0 && failed === 0) failed = 1;
  results.push({ name: 'e2e (playwright)', passed, failed, skipped, ok: code === 0, seconds: (Date.now() - started) / 1000 });
}

async function main(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const base = { ...process.env };
  delete base.TEST_DATABASE_URL;
  delete base.DATABASE_URL;

  const onlyMulti = args.has('--only-multi-instance');
  if (!args.has('--only-e2e') && !onlyMulti) {
    staticStage(base);
    vitestStage('pglite', base);
    if (serverUrl) vitestStage('postgres', { ...base, TEST_DATABASE_URL: serverUrl });
    if (serverUrl && !args.has('--skip-faults'))
      vitestStage('faults', { ...base, TEST_DATABASE_URL: serverUrl }, ['--config', 'tests/faults/vitest.config.ts']);
  }
  const built = !args.has('--skip-e2e') && buildStage(base);
  if (built && serverUrl && !args.has('--skip-multi-instance')) multiInstanceStage({ ...base, TEST_DATABASE_URL: serverUrl });
  if (built && !onlyMulti) {
    let e2eDb: string | null = null;
    if (serverUrl) e2eDb = await freshPostgresDatabase(serverUrl, 'e2e');
    try {
      e2eStage({ ...base, ...(e2eDb ? { E2E_DATABASE_URL: e2eDb } : {}) });
    } finally {
      if (serverUrl && e2eDb) await dropPostgresDatabase(serverUrl, e2eDb).catch(() => {});
    }
  }

  console.log('\n== RADIANT test summary ==');
  for (const r of results) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(24)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped  (${r.seconds.toFixed(1)} s)`);
  }
  const passed = results.reduce((s, r) => s + r.passed, 0);
  const failed = results.reduce((s, r) => s + r.failed, 0);
  const skipped = results.reduce((s, r) => s + r.skipped, 0);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
