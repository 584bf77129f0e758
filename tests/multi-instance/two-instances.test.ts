/**
 * Two RADIANT instances, one PostgreSQL, one Redis (issue 7): two production server processes
 * (`scripts/start.ts`, i.e. `next start` plus the gateway fast path, from the existing build)
 * are started at the same moment on the same EMPTY database, on two ports, with a fake AI
 * provider upstream and the scheduled jobs ticking every minute. The test then shows that
 *   0. the simultaneous start seeds the demo world once;
 *   a. a per-key rate limit is one limit across both instances;
 *   b. a tenant's monthly budget is one budget across both instances (concurrent requests);
 *   c. metering from both instances lands in usage_events exactly once per request id;
 *   d. the scheduled monthly billing runs once: one billing run and one invoice per tenant for
 *      last month, one catch-up job, and at most one pg-boss job per cron tick.
 * and prints the figures. Needs TEST_DATABASE_URL (a fresh database is created on that server
 * and dropped afterwards), Redis at REDIS_URL (default redis://127.0.0.1:6379; keys under a
 * unique prefix, deleted afterwards) and a production build (`npx next build`).
 * Run: `npm test` (stage "multi-instance"), or
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx vitest run --config tests/multi-instance/vitest.config.ts
 */
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, queryRows, type DbHandle } from '../../lib/db/client';
import { generateApiKey } from '../../lib/gateway/key-material';
import { previousPeriod } from '../../lib/billing/period';
import { monthBeforeLast } from '../../lib/demo/billing';
import { dec, sum } from '../../lib/pricing/money';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/server';
import { createApiKeyRow, createTenant, insertPriorSpend } from '../support/factories';

const SERVER_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const ROOT = path.resolve(__dirname, '../..');
const LOG_DIR = path.join(ROOT, 'test-results', 'multi-instance');
const MODEL = 'gpt-4.1-mini';
/** Budget requests set max_tokens (answers are shorter), so their reservations cover them. */
const MAX_TOKENS = 16;

interface Instance {
  name: 'A' | 'B';
  port: number;
  url: string;
  child: ChildProcess;
  log: string[];
  exited: boolean;
}

const runId = `${process.pid}_${Date.now()}`;
const dbName = `radiant_multi_${runId}`;
const redisPrefix = `radiant-multi:${runId}:`;
const started = Date.now();
let dbUrl = '';
let h: DbHandle | null = null;
let fake: FakeUpstream | null = null;
const instances: Instance[] = [];
const summary: string[] = [];
const note = (line: string) => summary.push(line);
const secs = () => ((Date.now() - started) / 1000).toFixed(0);

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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>, everyMs = 500): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

const SECRETS = { auth: crypto.randomBytes(33).toString('base64'), box: crypto.randomBytes(32).toString('base64') };

function startInstance(name: 'A' | 'B', port: number, upstream: FakeUpstream): Instance {
  const env: Record<string, string | undefined> = {};
  // The parent's environment minus the test runner's own (VITEST would switch the notification
  // worker off, NODE_ENV=test, TEST_DATABASE_URL...).
  for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|TEST_|DATABASE_URL$|NODE_ENV$|RADIANT_|E2E_)/.test(k)) env[k] = v;
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl,
    REDIS_URL,
    RADIANT_REDIS_PREFIX: redisPrefix,
    RADIANT_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `radiant-multi-${name}-`)),
    // Production mode (PostgreSQL): real secrets, the same on both instances; the demo on request.
    AUTH_SECRET: SECRETS.auth,
    RADIANT_SECRET_KEY: SECRETS.box,
    RADIANT_DEMO: '1',
    RADIANT_DEMO_PASSWORD: 'multi-instance-password-1',
    // Jobs tick every minute so the test sees the schedule work (defaults: */10 and 02:00 on the 1st).
    RADIANT_ROLLUP_CRON: '* * * * *',
    RADIANT_BILLING_CRON: '* * * * *',
    METRICS_TOKEN: 'multi-instance-metrics-token',
    // info: the job worker's lines (which instance billed, who enqueued the catch-up) are read below.
    LOG_LEVEL: 'info',
    OPENAI_BASE_URL: upstream.openaiBaseUrl,
    OPENAI_API_KEY: 'multi-fake-openai-key',
    ANTHROPIC_BASE_URL: upstream.anthropicBaseUrl,
    ANTHROPIC_API_KEY: 'multi-fake-anthropic-key',
    GOOGLE_BASE_URL: upstream.geminiBaseUrl,
    GOOGLE_API_KEY: 'multi-fake-google-key',
  });
  // tsx runs start.ts in a child node process: a process group of its own, so afterAll can
  // signal the whole group.
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const inst: Instance = { name, port, url: `http://127.0.0.1:${port}`, child, log: [], exited: false };
  const file = fs.createWriteStream(path.join(LOG_DIR, `instance-${name}.log`));
  const onData = (chunk: Buffer) => {
    file.write(chunk);
    inst.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.on('exit', (code, signal) => {
    inst.exited = true;
    inst.log.push(`[exited code=${code} signal=${signal}]`);
    file.end();
  });
  return inst;
}

/** SIGTERM to the tsx process (it relays it to the server, which shuts down gracefully), then
 * SIGKILL to whatever is left of the process group. */
async function stopInstance(inst: Instance): Promise<void> {
  const pid = inst.child.pid;
  if (!pid) return;
  if (!inst.exited) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const end = Date.now() + 35_000;
    while (!inst.exited && Date.now() < end) await sleep(100);
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* the group is empty */
  }
}

function tail(inst: Instance, n = 30): string {
  return `--- instance ${inst.name} (port ${inst.port}), last lines ---\n${inst.log.slice(-n).join('\n')}`;
}

async function chat(inst: Instance, key: string, content: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${inst.url}/api/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }], ...extra }),
  });
  const body = (await res.json().catch(() => null)) as { error?: { type?: string; code?: string } } | null;
  return {
    instance: inst.name,
    status: res.status,
    requestId: res.headers.get('x-request-id') ?? '',
    code: body?.error?.code ?? null,
    type: body?.error?.type ?? null,
  };
}

type Reply = Awaited<ReturnType<typeof chat>>;

async function newKey(opts: { rateLimitRpm?: number; monthlyBudget?: string } = {}) {
  const t = await createTenant(h!.db, { tier: 3, ...(opts.monthlyBudget ? { monthlyBudget: opts.monthlyBudget } : {}) });
  const m = generateApiKey();
  await createApiKeyRow(h!.db, t.id, { keyPrefix: m.prefix, keyHash: m.hash, rateLimitRpm: opts.rateLimitRpm ?? null });
  return { tenantId: t.id, key: m.key };
}

async function count(q: ReturnType<typeof sql>): Promise<number> {
  const [r] = await queryRows<{ n: string | number }>(h!.db, q);
  return Number(r?.n ?? 0);
}

/** Waits until the metering writers have flushed `ids` (or times out), then counts the rows. */
async function meteredRows(ids: string[]): Promise<{ rows: number; distinct: number }> {
  const q = () =>
    queryRows<{ rows: string | number; distinct: string | number }>(
      h!.db,
      sql`SELECT count(*) AS rows, count(DISTINCT request_id) AS distinct FROM usage_events WHERE request_id IN (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    ).then(([r]) => ({ rows: Number(r!.rows), distinct: Number(r!.distinct) }));
  await until(`${ids.length} usage events`, 20_000, async () => (await q()).rows >= ids.length, 250);
  await sleep(1000); // anything late (a duplicate) would land now
  return q();
}

const count200 = (rs: Reply[]) => rs.filter((r) => r.status === 200).length;
const byInstance = (rs: Reply[], status: number) =>
  ['A', 'B'].map((n) => `${n} ${rs.filter((r) => r.instance === n && r.status === status).length}`).join(', ');

describe.runIf(!!SERVER_URL)('two RADIANT instances on one PostgreSQL and one Redis', () => {
  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('no production build: run `npx next build` first');
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
    try {
      await probe.connect();
      if ((await probe.ping()) !== 'PONG') throw new Error('no PONG');
    } catch (err) {
      throw new Error(`Redis is needed at ${REDIS_URL}: ${String(err)}`);
    } finally {
      probe.disconnect();
    }
    const admin = await openDb({ url: SERVER_URL!, max: 1 });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${dbName}`));
    await admin.close();
    const u = new URL(SERVER_URL!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();

    fake = await startFakeUpstream({ port: 0, host: '127.0.0.1', record: false });
    const [pa, pb] = [await freePort(), await freePort()];
    // Both at once, on the empty database.
    instances.push(startInstance('A', pa, fake), startInstance('B', pb, fake));
    try {
      await Promise.all(
        instances.map((inst) =>
          until(
            `instance ${inst.name} /api/health`,
            200_000,
            async () => {
              if (inst.exited) throw new Error(`instance ${inst.name} exited during start`);
              const r = await fetch(`${inst.url}/api/health`, { signal: AbortSignal.timeout(5000) });
              return r.status === 200;
            },
            1000,
          ).catch((err: unknown) => {
            throw new Error(`${String(err)}\n${tail(inst)}`);
          }),
        ),
      );
    } catch (err) {
      for (const inst of instances) if (inst.exited) throw new Error(`instance ${inst.name} exited during start\n${tail(inst)}`);
      throw err;
    }
    h = await openDb({ url: dbUrl, max: 4, applicationName: 'radiant-multi-instance-test' });
    note(`two instances up after ${secs()} s: A on :${pa}, B on :${pb} (scripts/start.ts), database ${dbName}, Redis prefix ${redisPrefix}`);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    await h?.close().catch(() => {});
    if (dbName && SERVER_URL) {
      const admin = await openDb({ url: SERVER_URL, max: 1 });
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
      await admin.close();
    }
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch {
      /* Redis gone: nothing to clean */
    } finally {
      redis.disconnect();
    }
    await fake?.close();
    console.log(['', '== two-instance test (issue 7) ==', ...summary, `total ${secs()} s`, ''].join('\n'));
  }, 60_000);

  it('0. starting both at once on an empty database seeds the demo world once', async () => {
    const seeders = instances.filter((i) => i.log.some((l) => l.includes('loaded the catalog and the demo world')));
    const tenants = await count(sql`SELECT count(*) AS n FROM tenants`);
    const seedPeriod = monthBeforeLast();
    const seedRuns = await count(sql`SELECT count(*) AS n FROM billing_runs WHERE tenant_id IS NULL AND period = ${seedPeriod}`);
    const keys = await count(sql`SELECT count(*) AS n FROM api_keys`);
    note(
      `0. bootstrap, both started at once on an empty database: demo world seeded by ${seeders.map((i) => i.name).join(', ') || 'nobody'}; ${tenants} tenants, ${keys} API keys, ${seedRuns} billing run of ${seedPeriod} (the seed's)`,
    );
    expect(seeders).toHaveLength(1);
    expect(tenants).toBe(2); // acme, globex
    expect(keys).toBe(2);
    expect(seedRuns).toBe(1);
  });

  it('a. one rate limit across both instances', async () => {
    const N = 5;
    const { key } = await newKey({ rateLimitRpm: N });
    const replies: Reply[] = [];
    for (let i = 0; i < 2 * N; i++) replies.push(await chat(instances[i % 2]!, key, `rate ${i}`));
    const limited = replies.filter((r) => r.status === 429);
    note(
      `a. rate limit ${N} rpm on one key, ${2 * N} requests alternating A/B: ${count200(replies)} answered (${byInstance(replies, 200)}), ${limited.length} refused 429 ${[...new Set(limited.map((r) => r.code))].join('/')} (${byInstance(replies, 429)})`,
    );
    expect(count200(replies)).toBe(N);
    expect(limited).toHaveLength(N);
    expect(limited.every((r) => r.type === 'rate_limit_error' && r.code === 'rate_limit_exceeded')).toBe(true);
    expect(new Set(limited.map((r) => r.instance))).toEqual(new Set(['A', 'B']));
  });

  it('b. one monthly budget across both instances, under concurrency', async () => {
    // The price of one request of this shape (same length of text, same max_tokens).
    const probe = await newKey();
    const p = await chat(instances[0]!, probe.key, 'budget 00', { max_tokens: MAX_TOKENS });
    expect(p.status).toBe(200);
    await meteredRows([p.requestId]);
    const [unitRow] = await queryRows<{ price: string }>(h!.db, sql`SELECT price FROM usage_events WHERE request_id = ${p.requestId}`);
    const unit = dec(unitRow!.price);
    const cap = '3';
    const LEFT = 12;
    const t = await newKey({ monthlyBudget: cap });
    // Spent earlier this month: all of the cap but LEFT requests' worth.
    const prior = dec(cap).minus(unit.times(LEFT));
    await insertPriorSpend(h!.db, t.tenantId, prior.toFixed());
    fake!.setBehavior({ mode: 'delay', delayMs: 80 });
    let replies: Reply[];
    try {
      replies = await Promise.all(
        Array.from({ length: 24 }, (_, i) => chat(instances[i % 2]!, t.key, `budget ${String(i + 1).padStart(2, '0')}`, { max_tokens: MAX_TOKENS })),
      );
    } finally {
      fake!.setBehavior('ok');
    }
    // Then one at a time, alternating, until the budget is used up: reservations settled to the
    // actual (smaller) prices may leave room for a few more; then both instances refuse.
    const after: Reply[] = [];
    for (let i = 0; i < 2 * LEFT + 2; i++) {
      after.push(await chat(instances[i % 2]!, t.key, `budget ${String(50 + i).padStart(2, '0')}`, { max_tokens: MAX_TOKENS }));
      const last = after.slice(-2);
      if (last.length === 2 && last.every((r) => r.status === 429)) break;
    }
    const ok = [...replies, ...after].filter((r) => r.status === 200);
    const rows = await meteredRows(ok.map((r) => r.requestId));
    const prices = await queryRows<{ price: string }>(h!.db, sql`SELECT price FROM usage_events WHERE tenant_id = ${t.tenantId}`);
    const spent = sum(prices.map((r) => r.price));
    const lastOf = (n: string) => after.filter((r) => r.instance === n).at(-1);
    const burstOk = count200(replies);
    note(
      `b. budget $${cap} with $${unit.times(LEFT).toFixed(6)} (${LEFT} requests' worth) left; 24 concurrent requests split A/B: ${burstOk} answered (${byInstance(replies, 200)}), ` +
        `${replies.length - burstOk} refused 429 insufficient_quota (${byInstance(replies, 429)}); then one at a time: ${count200(after)} more answered before both refused ` +
        `(A ${lastOf('A')?.status} ${lastOf('A')?.code}, B ${lastOf('B')?.status} ${lastOf('B')?.code}); ${ok.length} answered in all, ` +
        `spent $${spent.toFixed(6)} of $${cap} (overshoot $${(spent.greaterThan(cap) ? spent.minus(cap) : dec(0)).toFixed(6)}; the documented bound is zero with max_tokens set)`,
    );
    expect(rows.rows).toBe(ok.length);
    expect(burstOk).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(LEFT);
    expect([...replies, ...after].filter((r) => r.status !== 200).every((r) => r.status === 429 && r.code === 'insufficient_quota')).toBe(true);
    expect(new Set(replies.filter((r) => r.status === 429).map((r) => r.instance))).toEqual(new Set(['A', 'B']));
    expect([lastOf('A'), lastOf('B')].map((r) => [r?.status, r?.code])).toEqual([
      [429, 'insufficient_quota'],
      [429, 'insufficient_quota'],
    ]);
    expect(spent.lessThanOrEqualTo(cap)).toBe(true);
  });

  it('c. metering from both instances lands exactly once', async () => {
    const M = 30;
    const { tenantId, key } = await newKey();
    const replies: Reply[] = [];
    // Five at a time, alternating instances.
    for (let i = 0; i < M; i += 5)
      replies.push(...(await Promise.all(Array.from({ length: 5 }, (_, j) => chat(instances[(i + j) % 2]!, key, `meter ${i + j}`)))));
    expect(count200(replies)).toBe(M);
    const ids = replies.map((r) => r.requestId);
    expect(new Set(ids).size).toBe(M);
    const rows = await meteredRows(ids);
    const tenantRows = await count(sql`SELECT count(*) AS n FROM usage_events WHERE tenant_id = ${tenantId}`);
    const dupes = await count(sql`SELECT count(*) AS n FROM (SELECT request_id FROM usage_events GROUP BY request_id HAVING count(*) > 1) d`);
    note(
      `c. metering: ${M} requests (${byInstance(replies, 200)}) -> ${rows.rows} usage_events rows, ${rows.distinct} distinct request ids, ${tenantRows} rows for the tenant; duplicate request ids in the whole table: ${dupes}`,
    );
    expect(rows).toEqual({ rows: M, distinct: M });
    expect(tenantRows).toBe(M);
    expect(dupes).toBe(0);
  });

  it('e. each instance exposes its metrics (token required); month-to-date figures agree, read from the database', async () => {
    const scrape = async (inst: Instance, token?: string) => {
      const res = await fetch(`${inst.url}/api/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, text: await res.text() };
    };
    expect((await scrape(instances[0]!)).status).toBe(401);
    const [a, b] = await Promise.all(instances.map((i) => scrape(i, 'multi-instance-metrics-token')));
    expect(a!.status).toBe(200);
    expect(b!.status).toBe(200);
    const pick = (text: string, re: RegExp) => text.split('\n').filter((l) => !l.startsWith('#') && re.test(l));
    // Request counters are per process: both instances served traffic above.
    for (const m of [a!, b!]) {
      expect(pick(m.text, /^radiant_http_requests_total\{(?=.*route="\/api\/v1\/chat\/completions")(?=.*status="200")/).length).toBeGreaterThan(0);
      expect(pick(m.text, /^radiant_rate_limited_total/).length).toBeGreaterThan(0);
      expect(pick(m.text, /^radiant_budget_rejections_total/).length).toBeGreaterThan(0);
    }
    // Spend and revenue come from the database: the same on both instances.
    const mtd = (text: string) => pick(text, /^radiant_(revenue|cost|requests)_month_to_date/).sort();
    expect(mtd(a!.text).length).toBeGreaterThan(0);
    expect(mtd(a!.text)).toEqual(mtd(b!.text));
    const excerpt = pick(
      a!.text,
      /^radiant_(http_requests_total\{.*v1\/chat|http_request_duration_seconds_(count|sum)\{.*v1\/chat|upstream_requests_total|upstream_duration_seconds_count|rate_limited_total|budget_rejections_total|metering_queue_depth|metering_flush_duration_seconds_count|usage_event_write_failures_total|(revenue|cost|requests)_month_to_date)/,
    );
    note(`e. GET /api/metrics without the token: 401; instance A with it (excerpt, ${a!.text.split('\n').length} lines in all):`);
    for (const l of excerpt.slice(0, 40)) note(`   ${l}`);
  });

  it('d. the scheduled monthly billing runs once across both instances', async () => {
    const period = previousPeriod(new Date());
    // Wait for the catch-up's run and for cron ticks' jobs to be done (ticks every minute).
    await until(`the billing run of ${period}`, 150_000, () =>
      count(sql`SELECT count(*) AS n FROM billing_runs WHERE period = ${period} AND tenant_id IS NULL AND status = 'succeeded'`),
    );
    // Two ticks, a minute apart, so that "one job per tick" is seen, not assumed.
    await until(
      'two completed cron ticks of billing-monthly',
      170_000,
      async () =>
        (await count(sql`SELECT count(*) AS n FROM pgboss.job WHERE name = 'billing-monthly' AND singleton_key = 'billing-monthly' AND state = 'completed'`)) >=
        2,
    );
    const runs = await queryRows<{ status: string; invoices_created: number; n: string | number }>(
      h!.db,
      sql`SELECT status, invoices_created, count(*) OVER () AS n FROM billing_runs WHERE period = ${period} AND tenant_id IS NULL`,
    );
    const invoices = await queryRows<{ tenant_id: string; n: string | number }>(
      h!.db,
      sql`SELECT tenant_id, count(*) AS n FROM invoices WHERE period = ${period} GROUP BY tenant_id`,
    );
    const tenantsWithUsage = await count(
      sql`SELECT count(DISTINCT tenant_id) AS n FROM usage_events WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') = ${period}`,
    );
    const jobs = await queryRows<{ name: string; key: string | null; state: string; at: string; epoch: string | number; skipped: string | null }>(
      h!.db,
      sql`SELECT name, singleton_key AS key, state, to_char(created_on, 'HH24:MI:SS') AS at, extract(epoch FROM created_on) AS epoch, output->>'skipped' AS skipped
            FROM pgboss.job WHERE name IN ('billing-monthly', 'billing-rollup') ORDER BY created_on`,
    );
    // The job worker logs through the redacting logger: one JSON line per event.
    const logged = (l: string, msg: string) => l.includes(`"msg":"${msg}"`) && l.includes(`"period":"${period}"`);
    const billedBy = instances.filter((i) => i.log.some((l) => logged(l, 'jobs: billing')));
    const enqueuedBy = instances.filter((i) => i.log.some((l) => logged(l, 'jobs: catch-up billing enqueued')));
    const ticks = jobs.filter((j) => j.name === 'billing-monthly' && j.key === 'billing-monthly');
    const catchUps = jobs.filter((j) => j.name === 'billing-monthly' && j.key === `billing-monthly:${period}`);
    const rollups = jobs.filter((j) => j.name === 'billing-rollup');
    // One job per cron tick: ticks are a minute apart, so consecutive jobs of one schedule are
    // tens of seconds apart; a job per instance and tick would come in pairs seconds apart.
    const minGap = (js: typeof jobs) => js.slice(1).reduce((m, j, i) => Math.min(m, Number(j.epoch) - Number(js[i]!.epoch)), Infinity);
    note(
      `d. billing of ${period}: ${runs.length} all-tenant run(s) (${runs.map((r) => `${r.status}, ${r.invoices_created} invoices`).join('; ')}), run by instance ${billedBy.map((i) => i.name).join(', ') || '?'}; ` +
        `catch-up job enqueued by ${enqueuedBy.map((i) => i.name).join(', ') || '?'} (${catchUps.length} job, ${catchUps.map((j) => j.state).join('/')}); ` +
        `invoices: ${invoices.length} tenants x ${[...new Set(invoices.map((i) => Number(i.n)))].join('/')} (tenants with usage that month: ${tenantsWithUsage})`,
    );
    note(`   pg-boss billing-monthly cron-tick jobs: ${ticks.map((j) => `${j.at} ${j.state}${j.skipped ? ` (${j.skipped})` : ''}`).join(', ')}`);
    note(
      `   pg-boss billing-rollup cron-tick jobs: ${rollups.map((j) => `${j.at} ${j.state}`).join(', ')}; closest two jobs of one schedule: ${Number.isFinite(Math.min(minGap(ticks), minGap(rollups))) ? `${Math.min(minGap(ticks), minGap(rollups)).toFixed(0)} s apart` : 'n/a (one tick so far)'}`,
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('succeeded');
    expect(billedBy).toHaveLength(1);
    expect(invoices).toHaveLength(tenantsWithUsage);
    expect(invoices.every((i) => Number(i.n) === 1)).toBe(true);
    expect(enqueuedBy).toHaveLength(1);
    expect(catchUps.map((j) => j.state)).toEqual(['completed']);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    // Exactly one job did the billing (normally the catch-up); every other one found it done.
    const done = [...catchUps, ...ticks].filter((j) => j.state === 'completed');
    expect(done.filter((j) => j.skipped === null)).toHaveLength(1);
    expect(done.filter((j) => j.skipped !== null).every((j) => j.skipped === 'already_billed' || j.skipped === 'already_running')).toBe(true);
    expect(minGap(ticks)).toBeGreaterThanOrEqual(20);
    expect(minGap(rollups)).toBeGreaterThanOrEqual(20);
    for (const inst of instances)
      expect(
        inst.log.some((l) => l.includes('"msg":"jobs: scheduled with pg-boss (UTC)"')),
        `instance ${inst.name} started its jobs`,
      ).toBe(true);
  }, 240_000);
});
