/**
 * Fault injection (issue 16): real server processes (`scripts/start.ts` with RADIANT_SERVE=gateway:
 * the production start, shutdown and metering code without Next, so no build is needed) on one
 * fresh PostgreSQL database reached through a TCP proxy this test cuts and restores, against the
 * fake provider. Faults: database cut under load then `kill -9` during the outage; SIGTERM under
 * load with streams open; the journal folder unwritable while the database is away; a provider
 * answering nonsense usage; two instances killed and restarted on one database. After each:
 * every request answered 200 is in usage_events exactly once, and requests after the fault are
 * metered again. Prints the table (fault, answered, metered, duplicates, lost, time to recover).
 * Needs TEST_DATABASE_URL. Run: `npm run test:faults` (also a stage of `npm test` then).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type DbHandle } from '../../lib/db/client';
import { generateApiKey } from '../../lib/gateway/key-material';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/server';
import { createApiKeyRow, createTenant } from '../support/factories';

const SERVER_URL = process.env.TEST_DATABASE_URL;
const ROOT = path.resolve(__dirname, '../..');
const LOG_DIR = path.join(ROOT, 'test-results', 'faults');
const MODEL = 'gpt-4.1-mini';
const runId = `${process.pid}_${Date.now()}`;
const dbName = `radiant_faults_${runId}`;
let dbUrl = '';
let h: DbHandle | null = null;
let fake: FakeUpstream | null = null;
let proxy: PgProxy | null = null;
let key = '';
const table: string[] = [];
const children: Instance[] = [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- a TCP proxy between the app and PostgreSQL ------------------------------------------------

interface PgProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: URL): Promise<PgProxy> {
  let up = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ---- server processes ---------------------------------------------------------------------------

interface Instance {
  name: string;
  port: number;
  url: string;
  dataDir: string;
  child: ChildProcess;
  log: string[];
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startInstance(name: string, opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<Instance> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `radiant-faults-${name}-`));
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|TEST_|DATABASE_URL$|NODE_ENV$|RADIANT_|E2E_|REDIS_URL$)/.test(k)) env[k] = v;
  Object.assign(env, {
    NODE_ENV: 'production',
    RADIANT_SERVE: 'gateway',
    RADIANT_DEMO: '0',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy!.port}/${dbName}`,
    RADIANT_DATA_DIR: dataDir,
    RADIANT_INSTANCE_ID: name,
    RADIANT_SHUTDOWN_DEADLINE_MS: '6000',
    RADIANT_METERING_FLUSH_MS: '100',
    RADIANT_JOBS: 'off',
    AUTH_SECRET: 'faults-suite-auth-secret-0123456789abcdef0123456789',
    RADIANT_SECRET_KEY: 'faults-suite-secret-key-0123456789abcdef0123456789',
    LOG_LEVEL: 'warn',
    RADIANT_GATEWAY_LOG_LEVEL: 'warn',
    OPENAI_BASE_URL: fake!.openaiBaseUrl,
    OPENAI_API_KEY: 'faults-fake-openai-key',
    ANTHROPIC_BASE_URL: fake!.anthropicBaseUrl,
    ANTHROPIC_API_KEY: 'faults-fake-anthropic-key',
    GOOGLE_BASE_URL: fake!.geminiBaseUrl,
    GOOGLE_API_KEY: 'faults-fake-google-key',
    ...opts.env,
  });
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const file = fs.createWriteStream(path.join(LOG_DIR, `${name}-${Date.now()}.log`));
  const onData = (c: Buffer) => {
    file.write(c);
    log.push(...c.toString('utf8').split('\n').filter(Boolean));
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.on('exit', (code, signal) => {
      file.end();
      r({ code, signal });
    }),
  );
  const inst: Instance = { name, port, url: `http://127.0.0.1:${port}`, dataDir, child, log, exited };
  children.push(inst);
  const end = Date.now() + 90_000;
  for (;;) {
    const r = await fetch(`${inst.url}/api/v1/models`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
    if (r?.status === 401) break;
    if (child.exitCode !== null || Date.now() > end) throw new Error(`instance ${name} did not start:\n${log.slice(-20).join('\n')}`);
    await sleep(300);
  }
  return inst;
}

function kill9(inst: Instance): Promise<unknown> {
  try {
    process.kill(-inst.child.pid!, 'SIGKILL');
  } catch {
    /* gone */
  }
  return inst.exited;
}

// ---- load and ledger ----------------------------------------------------------------------------

interface Load {
  ids: string[];
  other: number[];
  stop(): Promise<void>;
}

/** `workers` clients looping requests until stopped; ids of requests answered 200 (a stream
 * counts once its body was read to the end). */
function load(inst: Instance, workers: number, opts: { stream?: boolean; slow?: boolean } = {}): Load {
  const ids: string[] = [];
  const other: number[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      try {
        const r = await fetch(`${inst.url}/api/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, stream: opts.stream ?? false, messages: [{ role: 'user', content: `fault load ${w}-${i}` }] }),
          signal: AbortSignal.timeout(30_000),
        });
        const id = r.headers.get('x-request-id');
        await r.text();
        if (r.status === 200 && id) ids.push(id);
        else other.push(r.status);
      } catch {
        other.push(0); // connection refused / reset (the process is gone)
        await sleep(50);
      }
    }
  });
  return {
    ids,
    other,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function metered(ids: string[]): Promise<{ rows: number; distinct: number }> {
  if (ids.length === 0) return { rows: 0, distinct: 0 };
  const [r] = await queryRows<{ rows: string | number; distinct: string | number }>(
    h!.db,
    sql`SELECT count(*) AS rows, count(DISTINCT request_id) AS distinct FROM usage_events WHERE request_id = ANY(${sql.raw(`ARRAY[${ids.map((i) => `'${i.replace(/[^A-Za-z0-9_-]/g, '')}'`).join(',')}]::varchar[]`)})`,
  );
  return { rows: Number(r!.rows), distinct: Number(r!.distinct) };
}

/** Waits until every id is metered; returns the time it took and the final counts. */
async function settle(ids: string[], timeoutMs = 30_000): Promise<{ ms: number; rows: number; distinct: number }> {
  const start = Date.now();
  let m = await metered(ids);
  while (m.distinct < ids.length && Date.now() - start < timeoutMs) {
    await sleep(200);
    m = await metered(ids);
  }
  const ms = Date.now() - start;
  await sleep(500); // a late duplicate would land now
  m = await metered(ids);
  return { ms, ...m };
}

async function chatOnce(inst: Instance): Promise<string> {
  const r = await fetch(`${inst.url}/api/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'after the fault' }] }),
  });
  await r.text();
  expect(r.status).toBe(200);
  return r.headers.get('x-request-id')!;
}

/** Asserts exactly-once and records the table row. */
async function verdict(fault: string, ids: string[], recoverFrom: number, after: Instance[]): Promise<void> {
  const s = await settle(ids);
  const recoverMs = Date.now() - recoverFrom - 500;
  const afterIds = [];
  for (const inst of after) afterIds.push(await chatOnce(inst));
  const a = await settle(afterIds, 15_000);
  const lost = ids.length - s.distinct;
  const dups = s.rows - s.distinct;
  table.push(`| ${fault} | ${ids.length} | ${s.distinct} | ${dups} | ${lost} | ${(recoverMs / 1000).toFixed(1)} s | ${a.distinct}/${afterIds.length} |`);
  expect({ fault, lost, dups }).toEqual({ fault, lost: 0, dups: 0 });
  expect(a.distinct).toBe(afterIds.length);
}

describe.runIf(!!SERVER_URL)('metering under injected faults (real processes, PostgreSQL through a cuttable proxy)', () => {
  beforeAll(async () => {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const admin = await openDb({ url: SERVER_URL!, max: 1 });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${dbName}`));
    await admin.close();
    const u = new URL(SERVER_URL!);
    proxy = await startProxy(u);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    fake = await startFakeUpstream({ port: 0, host: '127.0.0.1', record: false });
    // The first start migrates and loads the catalog; then a tenant and a key for the load.
    const first = await startInstance('bootstrap');
    h = await openDb({ url: dbUrl, max: 4, applicationName: 'radiant-faults-test' });
    const t = await createTenant(h.db, { tier: 5 });
    const m = generateApiKey();
    await createApiKeyRow(h.db, t.id, { keyPrefix: m.prefix, keyHash: m.hash });
    key = m.key;
    first.child.kill('SIGTERM');
    await first.exited;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => kill9(c)));
    await h?.close().catch(() => {});
    await fake?.close();
    proxy?.restore();
    await proxy?.close();
    if (SERVER_URL) {
      const admin = await openDb({ url: SERVER_URL, max: 1 });
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
      await admin.close();
    }
    const out = [
      '',
      '== metering fault injection (issue 16) ==',
      '| fault | answered 200 | metered | duplicates | lost | time to recover | metered after |',
      '|---|---|---|---|---|---|---|',
      ...table,
      '',
    ].join('\n');
    console.log(out);
    fs.writeFileSync(path.join(LOG_DIR, 'table.md'), out);
  }, 60_000);

  it('database cut under load, then kill -9 during the outage, database back, restart', { timeout: 90_000 }, async () => {
    const a = await startInstance('cut');
    const l = load(a, 6);
    await sleep(1500);
    proxy!.cut();
    await sleep(2500);
    await kill9(a);
    await l.stop();
    proxy!.restore();
    const restarted = Date.now();
    const b = await startInstance('cut', { dataDir: a.dataDir, port: a.port });
    await verdict('DB cut under load + kill -9 during the outage', l.ids, restarted, [b]);
    b.child.kill('SIGTERM');
    await b.exited;
  });

  it('SIGTERM under load with streams open: exits within the deadline, everything answered is metered', { timeout: 90_000 }, async () => {
    const a = await startInstance('term');
    fake!.setBehavior({ mode: 'slow_stream', chunks: 400, chunkDelayMs: 25 });
    const streams = load(a, 3, { stream: true });
    const plain = load(a, 3);
    await sleep(1500);
    fake!.setBehavior([{ mode: 'slow_stream', chunks: 400, chunkDelayMs: 25, provider: 'openai' }]);
    const t0 = Date.now();
    a.child.kill('SIGTERM');
    const exit = await a.exited;
    const took = Date.now() - t0;
    await Promise.all([streams.stop(), plain.stop()]);
    fake!.reset();
    expect(exit.code).toBe(0);
    expect(took).toBeLessThan(6000 + 3000);
    expect(a.log.some((l) => l.includes('stopped in'))).toBe(true);
    const b = await startInstance('term', { dataDir: a.dataDir });
    await verdict(
      `SIGTERM under load with streams open (${streams.ids.length} streams + ${plain.ids.length} plain answered; exit ${exit.code} in ${(took / 1000).toFixed(1)} s; recovery incl. restart)`,
      [...streams.ids, ...plain.ids],
      t0,
      [b],
    );
    b.child.kill('SIGTERM');
    await b.exited;
  });

  it('journal folder unwritable while the database is away: 503 past the bound, nothing answered is lost', { timeout: 90_000 }, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-faults-nojournal-'));
    fs.writeFileSync(path.join(dataDir, 'metering-journal'), 'not a directory'); // ENOTDIR on every write
    const a = await startInstance('nojournal', { dataDir, env: { RADIANT_METERING_MAX_UNJOURNALED: '20' } });
    const l = load(a, 4);
    await sleep(1000);
    proxy!.cut();
    await sleep(2500);
    proxy!.restore();
    const restored = Date.now();
    await sleep(1500);
    await l.stop();
    const refused = l.other.filter((s) => s === 503).length;
    expect(refused).toBeGreaterThan(0);
    await verdict(`journal unwritable + DB cut (${refused} refused 503)`, l.ids, restored, [a]);
    a.child.kill('SIGTERM');
    await a.exited;
  });

  it('a provider answering nonsense usage', { timeout: 60_000 }, async () => {
    const a = await startInstance('nonsense');
    fake!.setBehavior({ mode: 'ok', usage: { prompt_tokens: 7.5, completion_tokens: -3, total_tokens: 4.5 } });
    const l = load(a, 4);
    await sleep(3000);
    await l.stop();
    fake!.reset();
    const t0 = Date.now();
    await verdict('provider answers fractional/negative usage', l.ids, t0, [a]);
    const [est] = await queryRows<{ n: string | number }>(
      h!.db,
      sql`SELECT count(*) AS n FROM usage_events WHERE tokens_estimated AND request_id = ANY(${sql.raw(`ARRAY[${l.ids.map((i) => `'${i}'`).join(',')}]::varchar[]`)})`,
    );
    expect(Number(est!.n)).toBe(l.ids.length);
    a.child.kill('SIGTERM');
    await a.exited;
  });

  it('two instances on one database killed (kill -9) under load and restarted', { timeout: 90_000 }, async () => {
    const [a, b] = await Promise.all([startInstance('twoA'), startInstance('twoB')]);
    const la = load(a, 3);
    const lb = load(b, 3);
    await sleep(1000);
    proxy!.cut();
    await sleep(1500);
    await Promise.all([kill9(a), kill9(b)]);
    await Promise.all([la.stop(), lb.stop()]);
    proxy!.restore();
    const t0 = Date.now();
    const [a2, b2] = await Promise.all([startInstance('twoA', { dataDir: a.dataDir }), startInstance('twoB', { dataDir: b.dataDir })]);
    await verdict('two instances, DB cut, both kill -9, both restarted', [...la.ids, ...lb.ids], t0, [a2, b2]);
    a2.child.kill('SIGTERM');
    b2.child.kill('SIGTERM');
    await Promise.all([a2.exited, b2.exited]);
  });
});
