/**
 * npx tsx bench/customer-scale.ts — the customer side at scale on real PostgreSQL (issue 14).
 *
 *   1. a fresh database (BENCH_DATABASE_URL, else a new `radiant_bench_customers_<time>`), migrated,
 *      with the catalog;
 *   2. 5,000 tenants (BENCH_TENANTS), one of them ("big") with 100,000 API keys (BENCH_KEYS),
 *      BENCH_EVENTS usage events this month (default 1,000,000; 10,000,000 takes ~10x as long to
 *      generate here), half of them the big tenant's, and 20,000 request-log rows for it;
 *   3. times the read models behind every customer list (warm, median of 5) and the size of what a
 *      page sends as data (JSON of the page's rows), and streams the full tenants CSV;
 *   4. unless BENCH_PAGES=0 and when the app is built (.next/BUILD_ID): starts the built app
 *      (scripts/start.ts) on that database, signs in an administrator and the big tenant's owner
 *      through Auth.js, and measures every console and portal page as a browser's first request
 *      gets it (server time to the last byte, warm median of 3, and the HTML's size: the document
 *      with its inlined RSC data, scripts and styles excluded);
 *   5. prints markdown tables (for BENCHMARKS.md).
 * BENCH_KEEP=1 keeps the database.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { openDb, setDbHandle } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { seedCatalog } from '../lib/catalog/seed';
import { withPlatform, withTenant } from '../lib/db/tenant';
import { getTenantDetail, listTenantKeysPage, listTenantsPage, tenantKeyParamsSchema, tenantListParamsSchema } from '../lib/admin-views/tenants';
import { listRequestLogs, requestLogParamsSchema } from '../lib/tenants/request-logs';
import { allPages } from '../lib/lists/keyset';
import { rollupUsage } from '../lib/billing/rollups';
import { hashPassword } from '../lib/governance/passwords';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 5_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const LOGS = Number(process.env.BENCH_LOGS ?? 20_000);
const SERVER = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (s: string) => console.log(`[bench] ${s}`);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  log(`${label}: ${ms.toFixed(0)} ms`);
  return { ms, value };
}

async function median<T>(fn: () => Promise<T>, n = 5): Promise<{ ms: number; value: T }> {
  await fn(); // warm
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    value = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(n / 2)]!, value };
}

async function main(): Promise<void> {
  let url = process.env.BENCH_DATABASE_URL;
  let created: string | null = null;
  if (!url) {
    created = `radiant_bench_customers_${Date.now()}`;
    const admin = await openDb({ url: SERVER, max: 1 });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${created}`));
    await admin.close();
    const u = new URL(SERVER);
    u.pathname = `/${created}`;
    url = u.toString();
  }
  const h = await openDb({ url, max: 4 });
  setDbHandle(h);
  const db = h.db;
  const out: Array<{ what: string; ms: string; kb: string }> = [];
  const gen: Array<[string, string]> = [];
  try {
    // BENCH_REUSE=1 with BENCH_DATABASE_URL: a data set kept by BENCH_KEEP=1; only measure.
    const reuse = process.env.BENCH_REUSE === '1' && Boolean(process.env.BENCH_DATABASE_URL);
    let bigId: string;
    if (reuse) {
      const big = (await db.execute(sql`SELECT id FROM tenants WHERE slug = 'bench-1'`)) as unknown as Array<{ id: string }>;
      bigId = big[0]!.id;
    } else {
      await migrate(db);
      await seedCatalog(db);
      const g1 = await timed('tenants', () =>
        db.execute(sql`INSERT INTO tenants (slug, name, tier, billing_email, monthly_budget)
          SELECT 'bench-' || g, 'Bench tenant ' || lpad(g::text, 5, '0'), 1 + g % 5, 'billing-' || g || '@bench.test', CASE WHEN g % 3 = 0 THEN 1000 END
            FROM generate_series(1, ${TENANTS}) g`),
      );
      gen.push([`${TENANTS.toLocaleString('en-US')} tenants`, `${(g1.ms / 1000).toFixed(1)} s`]);
      const big = (await db.execute(sql`SELECT id FROM tenants WHERE slug = 'bench-1'`)) as unknown as Array<{ id: string }>;
      bigId = big[0]!.id;
      await db.execute(sql`UPDATE tenants SET name = 'Big Customer', request_logging_enabled = true WHERE id = ${bigId}`);
      const g2 = await timed('keys', () =>
        db.execute(sql`INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, created_at)
          SELECT ${bigId}, 'key ' || g, 'rk_live_' || substr(md5(g::text), 1, 6), md5('k' || g) || md5('h' || g), now() - make_interval(secs => g)
            FROM generate_series(1, ${KEYS}) g`),
      );
      gen.push([`${KEYS.toLocaleString('en-US')} API keys for one tenant`, `${(g2.ms / 1000).toFixed(1)} s`]);
      await db.execute(
        sql`INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash) SELECT id, 'default', 'rk_live_x', md5(id::text) || md5(slug) FROM tenants WHERE id <> ${bigId}`,
      );
      const models = (await db.execute(
        sql`SELECT id, provider_id FROM models WHERE pricing_type = 'per_token' AND enabled ORDER BY id LIMIT 10`,
      )) as unknown as Array<{ id: string; provider_id: string }>;
      const CHUNK = 500_000;
      const g3 = await timed('events', async () => {
        for (let from = 1; from <= EVENTS; from += CHUNK) {
          const to = Math.min(EVENTS, from + CHUNK - 1);
          await db.execute(sql`INSERT INTO usage_events (tenant_id, request_id, model_id, provider_id, input_tokens, output_tokens, cost, markup_percent, markup_source, price, status, latency_ms, created_at)
            SELECT CASE WHEN g % 2 = 0 THEN ${bigId}::uuid ELSE t.id END, 'bench-' || g, m.id, m.provider_id, 100 + g % 900, 50 + g % 400,
                   0.000123 * (1 + g % 7), 40, 'default', 0.0001722 * (1 + g % 7), CASE WHEN g % 50 = 0 THEN 'error' ELSE 'success' END, 50 + g % 2000,
                   date_trunc('month', now()) + make_interval(secs => (g * 48271) % greatest(1, extract(epoch FROM now() - date_trunc('month', now()))::int))
              FROM generate_series(${from}::bigint, ${to}::bigint) g
              JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS idx FROM tenants) t ON t.idx = g % ${TENANTS}
              JOIN (SELECT * FROM (VALUES ${sql.join(
                models.map((m, i) => sql`(${i}::int, ${m.id}::text, ${m.provider_id}::text)`),
                sql`, `,
              )}) AS v(idx, id, provider_id)) m ON m.idx = g % ${models.length}`);
          log(`events ..${to.toLocaleString('en-US')}`);
        }
      });
      gen.push([`${EVENTS.toLocaleString('en-US')} usage events this month (half for the big tenant)`, `${(g3.ms / 1000).toFixed(1)} s`]);
      const g4 = await timed('request logs', () =>
        // Logs of the big tenant's newest metered requests, with their request id and start time,
        // as the gateway writes both (ctx.start): the log finds its usage row by that.
        db.execute(sql`INSERT INTO request_logs (tenant_id, request_id, api_key_id, model, request_body, response_body, created_at, expires_at)
          SELECT ${bigId}, e.request_id, NULL, ${models[0]!.id},
                 jsonb_build_object('model', 'gpt-4.1-mini', 'messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'question number ' || e.g || ' ' || repeat('lorem ipsum ', 20)))),
                 jsonb_build_object('choices', jsonb_build_array(jsonb_build_object('message', jsonb_build_object('role', 'assistant', 'content', 'answer ' || e.g || ' ' || repeat('dolor sit ', 40))))),
                 e.created_at, now() + interval '30 days'
            FROM (SELECT request_id, created_at, row_number() OVER (ORDER BY created_at DESC) AS g
                    FROM usage_events WHERE tenant_id = ${bigId} ORDER BY created_at DESC LIMIT ${LOGS}) e`),
      );
      gen.push([`${LOGS.toLocaleString('en-US')} request-log rows for the big tenant`, `${(g4.ms / 1000).toFixed(1)} s`]);
      // The scheduler folds events into the rollups every minute (lib/jobs); the pages read the
      // rollups plus the unrolled tail, so the bench rolls up like the scheduler would, then leaves
      // a small tail (the last minute's traffic) unrolled.
      const g5 = await timed('rollup', () => rollupUsage({ db, waitForLocked: true }));
      gen.push([`rollup of those events (lib/billing/rollups.ts, as the scheduler does)`, `${(g5.ms / 1000).toFixed(1)} s`]);
      // VACUUM as autovacuum would after a bulk load: it also summarises the ledger's BRIN index on
      // seq, without which every block range matches "above the rollup's high-water mark".
      await db.execute(sql`VACUUM ANALYZE`);
    }
    const kb = (v: unknown) => (Buffer.byteLength(JSON.stringify(v)) / 1024).toFixed(1);
    const measure = async (what: string, fn: () => Promise<unknown>) => {
      const r = await median(fn);
      out.push({ what, ms: r.ms.toFixed(1), kb: kb(r.value) });
      log(`${what}: ${r.ms.toFixed(1)} ms, ${kb(r.value)} KB`);
      return r.value;
    };
    const tp = (x: Record<string, string> = {}) => tenantListParamsSchema.parse(x);
    const first = (await measure('Tenants, page 1 (50 by name, MTD spend per row)', () => withPlatform((tx) => listTenantsPage(tx, tp())))) as { next: string };
    let cursor = first.next;
    for (let i = 0; i < 40; i++) cursor = (await withPlatform((tx) => listTenantsPage(tx, { ...tp(), cursor })))!.next!;
    await measure('Tenants, page 42 (keyset cursor)', () => withPlatform((tx) => listTenantsPage(tx, { ...tp(), cursor })));
    await measure('Tenants, search "Big"', () => withPlatform((tx) => listTenantsPage(tx, tp({ q: 'Big' }))));
    await measure('Tenants, status=suspended (none)', () => withPlatform((tx) => listTenantsPage(tx, tp({ status: 'suspended' }))));
    await measure('Tenant detail of the 100,000-key tenant (25 newest keys, 30-day usage)', () => withPlatform((tx) => getTenantDetail(tx, bigId)));
    const kp = tenantKeyParamsSchema.parse({});
    const kfirst = (await measure("Big tenant's keys, page 1 (50)", () => withPlatform((tx) => listTenantKeysPage(tx, bigId, kp)))) as { next: string };
    let kc = kfirst.next;
    for (let i = 0; i < 100; i++) kc = (await withPlatform((tx) => listTenantKeysPage(tx, bigId, { ...kp, cursor: kc })))!.next!;
    await measure("Big tenant's keys, page 102 (keyset)", () => withPlatform((tx) => listTenantKeysPage(tx, bigId, { ...kp, cursor: kc })));
    await measure("Big tenant's keys, search by name", () =>
      withPlatform((tx) => listTenantKeysPage(tx, bigId, tenantKeyParamsSchema.parse({ q: 'key 99999' }))),
    );
    const rp = requestLogParamsSchema.parse({});
    await measure('Portal request log, page 1 (50, with usage join)', () => withTenant(bigId, (tx) => listRequestLogs(tx, bigId, rp)));
    await measure('Portal request log, full-text search', () =>
      withTenant(bigId, (tx) => listRequestLogs(tx, bigId, requestLogParamsSchema.parse({ q: 'question number 12345 ' }))),
    );
    await measure('Console request logs, page 1 (all tenants)', () => withPlatform((tx) => listRequestLogs(tx, null, rp)));
    const csv = await timed('tenants CSV', async () => {
      let n = 0;
      for await (const _ of allPages((fn) => withPlatform(fn), { ...tp(), limit: 100 as const }, listTenantsPage)) n++;
      return n;
    });
    out.push({ what: `Tenants CSV, streamed (${csv.value.toLocaleString('en-US')} rows, 100 per page)`, ms: csv.ms.toFixed(0), kb: '—' });

    const pages = fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID')) && process.env.BENCH_PAGES !== '0' ? await measurePages(url, bigId) : [];

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(`\n### Customer lists at scale (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, PostgreSQL, read models in-process)\n`);
    console.log('| data set | generated in |\n|---|---|');
    for (const [a, b] of gen) console.log(`| ${a} | ${b} |`);
    console.log('\n| query (what a page needs) | median ms (warm, 5 runs) | page data (JSON) KB |\n|---|---|---|');
    for (const r of out) console.log(`| ${r.what} | ${r.ms} | ${r.kb} |`);
    if (pages.length) {
      console.log('\n| page (as the browser asks for it) | median ms (warm, 3 runs) | HTML KB |\n|---|---|---|');
      for (const r of pages) console.log(`| ${r.what} | ${r.ms} | ${r.kb} |`);
    }
  } finally {
    await h.close();
    if (created && process.env.BENCH_KEEP === '1') console.log(`[bench] kept: BENCH_DATABASE_URL=${url}`);
    if (created && process.env.BENCH_KEEP !== '1') {
      const admin = await openDb({ url: SERVER, max: 1 });
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${created} WITH (FORCE)`));
      await admin.close();
    }
  }
}

const PASSWORD = 'bench-password-1234';

/** Cookies from a response, merged into a jar (name -> value). */
function keep(jar: Map<string, string>, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** Signs in through Auth.js's credentials callback (what the sign-in forms post to). */
async function signIn(base: string, provider: 'admin' | 'tenant', email: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  keep(jar, csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/${provider}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar), origin: base },
    body: new URLSearchParams({ csrfToken, email, password: PASSWORD, callbackUrl: `${base}/` }).toString(),
  });
  keep(jar, res);
  if (![...jar.keys()].some((k) => k.includes('session-token')))
    throw new Error(`sign-in as ${email} failed: HTTP ${res.status} ${res.headers.get('location')}`);
  return cookieHeader(jar);
}

/** Starts the built app on the bench database and times each console and portal page. */
async function measurePages(url: string, bigId: string): Promise<Array<{ what: string; ms: string; kb: string }>> {
  const port = Number(process.env.BENCH_PORT ?? 3321);
  const base = `http://127.0.0.1:${port}`;
  await withPlatform(async (tx) => {
    await tx.execute(sql`DELETE FROM administrators WHERE email = 'bench-admin@bench.test'`);
    await tx.execute(sql`DELETE FROM users WHERE email = 'owner@big.bench.test'`);
    await tx.execute(sql`INSERT INTO administrators (email, name, role, status, password_hash)
      VALUES ('bench-admin@bench.test', 'Bench admin', 'super_admin', 'active', ${await hashPassword(PASSWORD)})`);
    await tx.execute(sql`INSERT INTO users (tenant_id, email, name, role, status, password_hash)
      VALUES (${bigId}, 'owner@big.bench.test', 'Big owner', 'owner', 'active', ${await hashPassword(PASSWORD)})`);
  });
  const server = spawn(process.execPath, [require.resolve('tsx/cli'), 'scripts/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      NODE_ENV: 'production',
      RADIANT_JOBS: 'off',
      AUTH_SECRET: crypto.randomBytes(33).toString('base64'),
      RADIANT_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error(`the app did not start:\n${output.slice(-3000)}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const admin = await signIn(base, 'admin', 'bench-admin@bench.test');
    const owner = await signIn(base, 'tenant', 'owner@big.bench.test');
    const pages: Array<[string, string, string]> = [
      ['Console: dashboard', '/admin', admin],
      ['Console: tenants, page 1', '/admin/tenants', admin],
      ['Console: tenants, search "Big"', '/admin/tenants?q=Big', admin],
      ['Console: the 100,000-key tenant', `/admin/tenants/${bigId}`, admin],
      ['Console: usage explorer', '/admin/usage', admin],
      ['Console: request logs', '/admin/requests', admin],
      ['Console: invoices', '/admin/billing/invoices', admin],
      ['Console: billing runs', '/admin/billing', admin],
      ['Console: audit log', '/admin/audit', admin],
      ['Console: approvals', '/admin/approvals', admin],
      ['Console: models', '/admin/models', admin],
      ['Console: alerts', '/admin/alerts', admin],
      ['Portal (big tenant): overview', '/portal', owner],
      ['Portal: usage (month + requests)', '/portal/usage', owner],
      ['Portal: usage filtered by one key', '/portal/usage?key=__KEY__', owner],
      ['Portal: API keys', '/portal/keys', owner],
      ['Portal: request log', '/portal/requests', owner],
      ['Portal: invoices', '/portal/invoices', owner],
      ['Portal: prices', '/portal/prices', owner],
      ['Portal: people', '/portal/people', owner],
    ];
    const someKey = (await withPlatform((tx) =>
      tx.execute(sql`SELECT id FROM api_keys WHERE tenant_id = ${bigId} ORDER BY created_at DESC LIMIT 1`),
    )) as unknown as Array<{
      id: string;
    }>;
    const out: Array<{ what: string; ms: string; kb: string }> = [];
    for (const [what, p, cookie] of pages) {
      const target = `${base}${p.replace('__KEY__', someKey[0]?.id ?? '')}`;
      const get = async () => {
        const t = performance.now();
        const res = await fetch(target, { headers: { cookie }, redirect: 'manual' });
        const body = await res.arrayBuffer();
        return { ms: performance.now() - t, bytes: body.byteLength, status: res.status };
      };
      await get(); // warm (compiles nothing in production; fills caches)
      const runs = [await get(), await get(), await get()].sort((a, b) => a.ms - b.ms);
      const m = runs[1]!;
      const row = { what: m.status === 200 ? what : `${what} (HTTP ${m.status})`, ms: m.ms.toFixed(0), kb: (m.bytes / 1024).toFixed(1) };
      out.push(row);
      log(`${row.what}: ${row.ms} ms, ${row.kb} KB`);
    }
    return out;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
