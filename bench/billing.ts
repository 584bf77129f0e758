/**
 * npm run bench:billing — billing at scale on real PostgreSQL.
 *
 *   1. a fresh database (BENCH_DATABASE_URL, else a new `radiant_bench_billing_<time>` on
 *      postgres://postgres@127.0.0.1:5432), migrated, with the catalog;
 *   2. 1,000 tenants and 10,000,000 usage events in ONE month (last month), generated in SQL with
 *      generate_series (per-token chat/reasoning/embedding models, free models and per-image
 *      models; exact NUMERIC cost and price with the markup in force);
 *   3. times the incremental rollups (all 10M events), the billing run for all tenants, and the
 *      admin dashboard's queries (revenue/cost/margin by day for 30 and 90 days, top models, top
 *      tenants; they read revenue_daily_aggregates / usage_rollups), plus the margin report;
 *   4. checks the books: invoice totals, rollups and usage_events agree exactly;
 *   5. prints a markdown table (for BENCHMARKS.md).
 *
 * Knobs: BENCH_EVENTS (default 10,000,000), BENCH_TENANTS (1,000), BENCH_KEEP=1 keeps the
 * database, BENCH_ROLLUP_BATCH (50,000). Targets: dashboard queries < 200 ms, billing < 60 s.
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { openDb, queryRows, setDbHandle, type DbHandle } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { seedCatalog } from '../lib/catalog/seed';
import { systemCtx } from '../lib/platform/context';
import { rollupUsage } from '../lib/billing/rollups';
import { runBilling } from '../lib/billing/runs';
import { revenueByDay, topModels, topTenants } from '../lib/billing/dashboard';
import { getMarginReport } from '../lib/billing/books';
import { getPortalUsage } from '../lib/portal-views/usage';
import { withTenant } from '../lib/db/tenant';
import { previousPeriod, periodRange } from '../lib/billing/period';
import { dec } from '../lib/pricing/money';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 1_000);
const CHUNK = 1_000_000;
const SERVER = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Models the traffic is drawn from (ids from the catalog); weights by repetition. */
const MODELS = [
  'openai-gpt-4-1',
  'openai-gpt-4-1',
  'openai-gpt-4-1-mini',
  'openai-gpt-4-1-mini',
  'openai-gpt-4o',
  'openai-gpt-5-mini',
  'anthropic-claude-sonnet-4-5',
  'anthropic-claude-sonnet-4-5',
  'anthropic-claude-haiku-4-5',
  'google-gemini-25-flash',
  'google-gemini-25-pro',
  'deepseek-chat',
  'deepseek-reasoner',
  'mistral-large',
  'openai-text-embedding-3-small',
  'openai-text-embedding-3-large',
  'google-gemini-2-flash-thinking-exp',
  'xai-grok-5-preview',
  'openai-dall-e-3',
  'stability-sdxl',
];

interface Row {
  step: string;
  value: string;
  note?: string;
}
const rows: Row[] = [];
const log = (s: string) => console.log(`[bench] ${s}`);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  log(`${label}: ${(ms / 1000).toFixed(2)} s`);
  return { ms, value };
}

async function freshDatabase(): Promise<string> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const name = `radiant_bench_billing_${Date.now()}`;
  const admin = await openDb({ url: SERVER, max: 1 });
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  await admin.close();
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = await openDb({ url: SERVER, max: 1 });
  await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  await admin.close();
}

async function generate(h: DbHandle, period: string): Promise<void> {
  const r = periodRange(period);
  const db = h.db;
  const present = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM models WHERE id IN (${sql.join(
      MODELS.map((m) => sql`${m}`),
      sql`, `,
    )})`,
  );
  const ids = MODELS.filter((m) => present.some((p) => p.id === m));
  if (ids.length < 10) throw new Error(`catalog is missing bench models (found ${ids.length})`);
  log(`traffic over ${new Set(ids).size} models`);
  await db.execute(sql`
    INSERT INTO tenants (slug, name, tier, tax_rate_percent, monthly_budget)
    SELECT 'bench-' || lpad(g::text, 5, '0'), 'Bench tenant ' || g, 1 + g % 5,
           (ARRAY[0, 0, 8.875, 20, 7.25, 19])[1 + g % 6], CASE WHEN g % 3 = 0 THEN 5000 END
      FROM generate_series(1, ${TENANTS}) g`);
  await db.execute(sql`CREATE UNLOGGED TABLE bench_models AS
    SELECT (row_number() OVER ()) - 1 AS idx, m.id, m.provider_id, m.pricing_type, m.category,
           coalesce(m.input_cost_per_1k, 0) AS ic, coalesce(m.output_cost_per_1k, 0) AS oc,
           coalesce(m.cached_input_cost_per_1k, m.input_cost_per_1k, 0) AS cc, coalesce(m.cost_per_image, 0) AS pi,
           m.is_self_hosted
      FROM unnest(${sql.raw(`ARRAY[${ids.map((i) => `'${i}'`).join(',')}]`)}::text[]) WITH ORDINALITY AS x(id, ord)
      JOIN models m ON m.id = x.id ORDER BY x.ord`);
  const [{ n: nModels } = { n: 0 }] = await queryRows<{ n: number | string }>(db, sql`SELECT count(*) AS n FROM bench_models`);
  await db.execute(
    sql`CREATE UNLOGGED TABLE bench_tenants AS SELECT (row_number() OVER (ORDER BY slug)) - 1 AS idx, id FROM tenants WHERE slug LIKE 'bench-%'`,
  );
  const seconds = Math.round((Date.parse(`${r.nextStart}T00:00:00Z`) - Date.parse(`${r.start}T00:00:00Z`)) / 1000);
  for (let from = 1; from <= EVENTS; from += CHUNK) {
    const to = Math.min(EVENTS, from + CHUNK - 1);
    await timed(`events ${from.toLocaleString('en-US')}..${to.toLocaleString('en-US')}`, () =>
      db.execute(sql`
        INSERT INTO usage_events (tenant_id, request_id, model_id, provider_id, requested_model, endpoint, input_tokens,
                                  cached_input_tokens, output_tokens, image_count, request_count, cost, markup_percent,
                                  markup_source, price, status, http_status, latency_ms, created_at)
        SELECT t.id, 'bench-' || g, m.id, m.provider_id, m.id,
               CASE WHEN m.pricing_type = 'per_image' THEN 'images' WHEN m.category = 'embedding' THEN 'embeddings' ELSE 'chat.completions' END,
               q.inp, q.cached, q.outp, q.imgs, 1,
               q.cost, q.markup, 'default', q.cost * (1 + q.markup / 100),
               CASE WHEN q.err THEN 'error' ELSE 'success' END, CASE WHEN q.err THEN 502 ELSE 200 END,
               50 + (g * 7919) % 3000,
               (${r.start}::timestamp AT TIME ZONE 'UTC') + make_interval(secs => (g::bigint * 48271) % ${seconds})
          FROM generate_series(${from}::bigint, ${to}::bigint) g
          JOIN bench_tenants t ON t.idx = (g * 2654435761) % ${TENANTS}
          JOIN bench_models m ON m.idx = (g * 40503 + g / 7) % ${Number(nModels)}
          CROSS JOIN LATERAL (
            SELECT e.*,
                   CASE WHEN e.err THEN 0
                        WHEN m.pricing_type = 'per_image' THEN e.imgs * m.pi
                        ELSE (e.inp - e.cached) * m.ic / 1000 + e.cached * m.cc / 1000 + e.outp * m.oc / 1000 END AS cost
              FROM (SELECT (g % 50 = 0) AS err,
                           CASE WHEN m.pricing_type = 'per_image' OR g % 50 = 0 THEN 0 ELSE 200 + (g * 31) % 6000 END AS inp,
                           CASE WHEN m.pricing_type = 'per_image' OR g % 50 = 0 OR g % 3 <> 0 THEN 0 ELSE (200 + (g * 31) % 6000) / 3 END AS cached,
                           CASE WHEN m.pricing_type = 'per_image' OR m.category = 'embedding' OR g % 50 = 0 THEN 0 ELSE 20 + (g * 17) % 1500 END AS outp,
                           CASE WHEN m.pricing_type = 'per_image' AND g % 50 <> 0 THEN 1 + g % 2 ELSE 0 END AS imgs,
                           CASE WHEN m.is_self_hosted THEN 75::numeric WHEN g % 10 = 0 THEN 55.5 ELSE 40 END AS markup) e
          ) q`),
    );
  }
  await db.execute(sql`DROP TABLE bench_models, bench_tenants`);
  await db.execute(sql`ANALYZE usage_events`);
}

async function measure(label: string, fn: () => Promise<unknown>, runs = 7): Promise<{ median: number; p95: number; first: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  const first = times[0]!;
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)]!;
  const p95 = warm[Math.min(warm.length - 1, Math.ceil(warm.length * 0.95) - 1)]!;
  log(`${label}: first ${first.toFixed(1)} ms, median ${median.toFixed(1)} ms, max ${p95.toFixed(1)} ms`);
  return { median, p95, first };
}

async function main(): Promise<void> {
  const url = await freshDatabase();
  const handle = await openDb({ url, max: 8 });
  setDbHandle(handle);
  const period = previousPeriod();
  const r = periodRange(period);
  log(`database ${handle.describe}; ${EVENTS.toLocaleString('en-US')} events over ${TENANTS} tenants in ${period}; ${os.cpus().length} CPUs`);
  try {
    await migrate(handle.db);
    await seedCatalog(handle.db);

    const gen = await timed('generate', () => generate(handle, period));
    rows.push({ step: `Generate ${EVENTS.toLocaleString('en-US')} usage events (SQL generate_series)`, value: `${(gen.ms / 1000).toFixed(1)} s` });
    if (process.env.BENCH_STOP_AFTER === 'generate') return;

    const batch = Number(process.env.BENCH_ROLLUP_BATCH ?? 50_000);
    let last = 0;
    const roll = await timed('rollups', () =>
      rollupUsage({
        batchSize: batch,
        onBatch: ({ totalEvents }) => {
          if (totalEvents - last >= 1_000_000) {
            last = totalEvents;
            log(`  rolled up ${totalEvents.toLocaleString('en-US')}`);
          }
        },
      }),
    );
    rows.push({
      step: `Rollups: fold all events into usage_rollups, daily aggregates, model tracking, books (batches of ${batch.toLocaleString('en-US')})`,
      value: `${(roll.ms / 1000).toFixed(1)} s`,
      note: `${Math.round(roll.value.events / (roll.ms / 1000)).toLocaleString('en-US')} events/s`,
    });
    // The next pass finds nothing to do, but first walks past the partial index entries of the
    // 10M rows just marked (each is checked once, then marked dead); autovacuum then removes them.
    const idle = await timed('rollup pass with nothing pending, before vacuum', () => rollupUsage({ batchSize: batch }));
    rows.push({ step: 'Rollup pass with nothing pending, right after (walks the dead index entries once)', value: `${(idle.ms / 1000).toFixed(1)} s` });
    const vac = await timed('vacuum usage_events', () => handle.db.execute(sql`VACUUM (ANALYZE) usage_events`));
    rows.push({ step: 'VACUUM usage_events (what autovacuum does after the rollup)', value: `${(vac.ms / 1000).toFixed(1)} s` });
    const [{ n: rollupRows } = { n: 0 }] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM usage_rollups`);

    const bill = await timed('billing run', () => runBilling({ period, ctx: systemCtx('bench') }));
    rows.push({
      step: `Billing run, all tenants (${bill.value.invoicesCreated} invoices issued)`,
      value: `${(bill.ms / 1000).toFixed(1)} s`,
      note: `target < 60 s ${bill.ms < 60_000 ? 'met' : 'MISSED'}`,
    });
    const rerun = await timed('billing re-run (idempotent)', () => runBilling({ period, ctx: systemCtx('bench') }));
    rows.push({ step: 'Billing re-run (nothing changes)', value: `${(rerun.ms / 1000).toFixed(1)} s`, note: `${rerun.value.unchanged} unchanged` });

    // Steady state: autovacuum would have set the visibility map by now (index-only scans).
    await timed('vacuum analyze', () =>
      handle.db.execute(sql`VACUUM (ANALYZE) usage_rollups, revenue_daily_aggregates, model_revenue_tracking, revenue_entries, cost_entries`),
    );
    const until = r.end;
    const queries: [string, () => Promise<unknown>][] = [
      ['Dashboard: revenue/cost/margin by day, 30 days', () => revenueByDay({ days: 30, until })],
      ['Dashboard: revenue/cost/margin by day, 90 days', () => revenueByDay({ days: 90, until })],
      ['Dashboard: top 10 models, 30 days', () => topModels({ days: 30, until, limit: 10 })],
      ['Dashboard: top 10 models, 90 days', () => topModels({ days: 90, until, limit: 10 })],
      ['Dashboard: top 10 tenants, 30 days', () => topTenants({ days: 30, until, limit: 10 })],
      ['Dashboard: top 10 tenants, 90 days', () => topTenants({ days: 90, until, limit: 10 })],
      ['Margin report by model (month, from rollups)', () => getMarginReport({ period, groupBy: 'model' })],
      ['Margin report by tenant (month, from rollups)', () => getMarginReport({ period, groupBy: 'tenant' })],
    ];
    const [someTenant] = await queryRows<{ id: string }>(handle.db, sql`SELECT id FROM tenants WHERE slug = 'bench-00001'`);
    queries.push(['Portal usage for one tenant (month)', () => withTenant(someTenant!.id, (tx) => getPortalUsage(tx, someTenant!.id, { period }))]);
    for (const [label, fn] of queries) {
      const m = await measure(label, fn);
      const dash = label.startsWith('Dashboard');
      rows.push({
        step: label,
        value: `${m.median.toFixed(1)} ms`,
        note: `first ${m.first.toFixed(1)} ms, max ${m.p95.toFixed(1)} ms${dash ? `; target < 200 ms ${m.p95 < 200 ? 'met' : 'MISSED'}` : ''}`,
      });
    }
    const recon = await timed('margin report reconciled against usage_events', () => getMarginReport({ period, groupBy: 'provider', reconcile: true }));
    rows.push({
      step: 'Margin report reconciled with usage_events (scans the month)',
      value: `${(recon.ms / 1000).toFixed(1)} s`,
      note: recon.value.usageEvents?.matches ? 'rollups == usage_events exactly' : 'MISMATCH',
    });

    const [inv] = await queryRows<{ n: string | number; total: string; subtotal: string }>(
      handle.db,
      sql`SELECT count(*) AS n, sum(total_amount)::text AS total, sum(subtotal)::text AS subtotal FROM invoices WHERE period = ${period} AND status <> 'void'`,
    );
    const [lines] = await queryRows<{ total: string }>(
      handle.db,
      sql`SELECT sum(l.amount)::text AS total FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.period = ${period} AND i.status <> 'void'`,
    );
    const ok = dec(inv!.total).equals(dec(lines!.total)) && recon.value.usageEvents?.matches && recon.value.books?.matchesUsage;
    log(
      `check: ${inv!.n} invoices, total ${inv!.total} == sum of lines ${lines!.total}; metered revenue ${recon.value.totals.revenue}; books ${recon.value.books?.matchesUsage ? 'match' : 'MISMATCH'}`,
    );

    console.log('\n### Billing benchmark\n');
    console.log(
      `${EVENTS.toLocaleString('en-US')} usage events, ${TENANTS.toLocaleString('en-US')} tenants, one month (${period}); ` +
        `${Number(rollupRows).toLocaleString('en-US')} rollup rows; PostgreSQL 15 (server defaults), ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM. ` +
        `Invoices: ${inv!.n}, total ${inv!.total} == sum of lines; margin report == usage_events: ${ok ? 'yes' : 'NO'}.\n`,
    );
    console.log('| Step | Time | Notes |');
    console.log('|---|---|---|');
    for (const x of rows) console.log(`| ${x.step} | ${x.value} | ${x.note ?? ''} |`);
    if (!ok) process.exitCode = 1;
  } finally {
    setDbHandle(null);
    await handle.close();
    if (!process.env.BENCH_KEEP && !process.env.BENCH_DATABASE_URL) await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
