/**
 * Usage explorer (admin), filtered by tenant, model, provider, day range and status. Two sources
 * (issue 15: one read per read model): the totals, the daily series and the per-model breakdown
 * come from the daily rollups (usage_rollups) plus the events above the rollup's high-water mark
 * (usage_rollup_state.last_seq), in one statement; only a status filter (which the rollups do not carry) reads raw events for them.
 * The matching requests are a keyset list of usage_events (50 a page, newest first), streamed
 * whole as CSV by GET /api/admin/usage?format=csv. Platform path.
 */
import { asc, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { models, providers } from '../db/schema';
import { decodeCursor, toPage, type Page } from '../lists/keyset';
import type { CsvColumn } from '../lists/csv-stream';
import { usageFiltersSchema, type UsageFilters } from './schemas';
import { dec } from '../pricing/money';
import { dayStr, decStr, isoOrNull, num } from '../db/sql-util';

export { usageFiltersSchema, type UsageFilters };

export interface UsageEventRow {
  id: string;
  createdAt: string;
  tenant: string;
  tenantId: string;
  model: string;
  modelId: string;
  providerId: string;
  status: string;
  httpStatus: number | null;
  inputTokens: number;
  outputTokens: number;
  cost: string;
  markupPercent: string;
  price: string;
  margin: string;
  latencyMs: number | null;
  requestId: string;
}

export interface UsageExplorerData {
  filters: { from: string; to: string } & Omit<UsageFilters, 'from' | 'to'>;
  options: {
    tenants: Array<{ id: string; name: string }>;
    models: Array<{ id: string; name: string }>;
    providers: Array<{ id: string; name: string }>;
  };
  totals: { requests: number; errors: number; inputTokens: number; outputTokens: number; revenue: string; cost: string; margin: string };
  daily: Array<{ day: string; requests: number; errors: number; revenue: string; cost: string; tokens: number }>;
  byModel: Array<{ modelId: string; model: string; requests: number; revenue: string; cost: string }>;
  /** The first page of matching requests (newest first); `events.next` continues it. */
  events: Page<UsageEventRow>;
}

/** Requests per page of the explorer's list. */
export const USAGE_EVENT_PAGE = 50;

function range(f: UsageFilters, now: Date): { from: string; to: string } {
  const to = f.to ?? now.toISOString().slice(0, 10);
  const from = f.from ?? new Date(new Date(`${to}T00:00:00Z`).getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

/** The filters on raw events (alias u). */
function eventWhere(f: UsageFilters, r: { from: string; to: string }): SQL {
  const parts: SQL[] = [
    sql`u.created_at >= (${r.from}::timestamp AT TIME ZONE 'UTC')`,
    sql`u.created_at < ((${r.to}::date + 1)::timestamp AT TIME ZONE 'UTC')`,
  ];
  if (f.tenantId) parts.push(sql`u.tenant_id = ${f.tenantId}`);
  if (f.modelId) parts.push(sql`u.model_id = ${f.modelId}`);
  if (f.providerId) parts.push(sql`u.provider_id = ${f.providerId}`);
  if (f.status) parts.push(sql`u.status = ${f.status}`);
  return sql.join(parts, sql` AND `);
}

/** Rows shaped alike from the rollups and the unrolled tail (or, with a status filter, from all
 * matching events): day, model_id, requests, errors, tokens, revenue, cost. */
function usageSource(f: UsageFilters, r: { from: string; to: string }): SQL {
  const events = (extra: SQL) => sql`SELECT (u.created_at AT TIME ZONE 'UTC')::date AS day, u.model_id, u.request_count AS requests,
      CASE WHEN u.status = 'error' THEN 1 ELSE 0 END AS errors, u.input_tokens AS input, u.output_tokens AS output, u.price AS revenue, u.cost
      FROM usage_events u WHERE ${eventWhere(f, r)} ${extra}`;
  if (f.status) return events(sql``);
  const parts: SQL[] = [sql`x.rollup_date >= ${r.from}::date`, sql`x.rollup_date <= ${r.to}::date`];
  if (f.tenantId) parts.push(sql`x.tenant_id = ${f.tenantId}`);
  if (f.modelId) parts.push(sql`x.model_id = ${f.modelId}`);
  if (f.providerId) parts.push(sql`x.provider_id = ${f.providerId}`);
  return sql`SELECT x.rollup_date AS day, x.model_id, x.request_count AS requests, x.error_count AS errors, x.input_tokens AS input,
      x.output_tokens AS output, x.price AS revenue, x.cost FROM usage_rollups x WHERE ${sql.join(parts, sql` AND `)}
    UNION ALL ${events(sql`AND u.seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1)`)}`;
}

/** One page of matching requests, newest first; keyset on (created_at, id). */
export async function listUsageEventsAdmin(
  q: Queryable,
  input: unknown,
  cursor?: string,
  limit = USAGE_EVENT_PAGE,
  now = new Date(),
): Promise<Page<UsageEventRow>> {
  const f = usageFiltersSchema.parse(input ?? {});
  const r = range(f, now);
  const c = decodeCursor(cursor);
  // Keyset on (created_at, seq): the ledger has no surrogate id (migration 0016); seq orders it.
  const after = c && typeof c[0] === 'string' && /^\d{1,19}$/.test(c[1]) ? sql`AND (u.created_at, u.seq) < (${c[0]}::timestamptz, ${c[1]}::bigint)` : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT u.seq, u.created_at, u.created_at::text AS ck, t.name AS tenant, u.tenant_id, coalesce(m.display_name, u.model_id) AS model, u.model_id,
               u.provider_id, u.status, u.http_status, u.input_tokens, u.output_tokens, u.cost::text AS cost, u.markup_percent::text AS markup_percent,
               u.price::text AS price, u.latency_ms, u.request_id
          FROM usage_events u JOIN tenants t ON t.id = u.tenant_id LEFT JOIN models m ON m.id = u.model_id
         WHERE ${eventWhere(f, r)} ${after}
         ORDER BY u.created_at DESC, u.seq DESC LIMIT ${limit + 1}`,
  );
  const page = toPage(rows, limit, (e) => [String(e.ck), String(e.seq)]);
  return {
    ...page,
    rows: page.rows.map((e) => ({
      id: String(e.request_id),
      createdAt: isoOrNull(e.created_at) ?? '',
      tenant: String(e.tenant),
      tenantId: String(e.tenant_id),
      model: String(e.model),
      modelId: String(e.model_id),
      providerId: String(e.provider_id),
      status: String(e.status),
      httpStatus: e.http_status === null || e.http_status === undefined ? null : num(e.http_status),
      inputTokens: num(e.input_tokens),
      outputTokens: num(e.output_tokens),
      cost: decStr(e.cost),
      markupPercent: decStr(e.markup_percent),
      price: decStr(e.price),
      margin: dec(decStr(e.price))
        .minus(dec(decStr(e.cost)))
        .toFixed(),
      latencyMs: e.latency_ms === null || e.latency_ms === undefined ? null : num(e.latency_ms),
      requestId: String(e.request_id),
    })),
  };
}

export const USAGE_EVENT_CSV: CsvColumn<UsageEventRow>[] = [
  { header: 'time_utc', value: (r) => r.createdAt },
  { header: 'tenant', value: (r) => r.tenant },
  { header: 'model', value: (r) => r.model },
  { header: 'provider', value: (r) => r.providerId },
  { header: 'status', value: (r) => r.status },
  { header: 'input_tokens', value: (r) => r.inputTokens },
  { header: 'output_tokens', value: (r) => r.outputTokens },
  { header: 'cost', value: (r) => r.cost },
  { header: 'markup_percent', value: (r) => r.markupPercent },
  { header: 'price', value: (r) => r.price },
  { header: 'margin', value: (r) => r.margin },
  { header: 'latency_ms', value: (r) => r.latencyMs ?? '' },
  { header: 'request_id', value: (r) => r.requestId },
];

export async function exploreUsage(q: Queryable, input: unknown, opts: { now?: Date; limit?: number; cursor?: string } = {}): Promise<UsageExplorerData> {
  const f = usageFiltersSchema.parse(input ?? {});
  const now = opts.now ?? new Date();
  const r = range(f, now);
  const src = usageSource(f, r);
  // One after the other: the caller's transaction is one connection.
  const daily = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT day::text AS day, sum(requests) AS requests, sum(errors) AS errors, sum(revenue)::text AS revenue, sum(cost)::text AS cost,
               sum(input) AS input, sum(output) AS output
          FROM (${src}) s GROUP BY day ORDER BY day`,
  );
  const byModel = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT s.model_id, coalesce(m.display_name, s.model_id) AS model, sum(s.requests) AS requests, sum(s.revenue)::text AS revenue, sum(s.cost)::text AS cost
          FROM (${src}) s LEFT JOIN models m ON m.id = s.model_id
         GROUP BY s.model_id, m.display_name ORDER BY sum(s.revenue) DESC, s.model_id`,
  );
  const events = await listUsageEventsAdmin(q, f, opts.cursor, opts.limit ?? USAGE_EVENT_PAGE, now);
  // The tenant filter offers the 200 tenants with the most revenue in the range (a select of
  // every tenant was 5,000 options in the page) plus the chosen one.
  const tenantOpts = await queryRows<{ id: string; name: string }>(
    q,
    sql`SELECT t.id::text AS id, t.name FROM tenants t
         WHERE t.id IN (SELECT tenant_id FROM tenant_daily_aggregates WHERE day >= ${r.from}::date AND day <= ${r.to}::date
                         GROUP BY tenant_id ORDER BY sum(revenue) DESC LIMIT 200)
            ${f.tenantId ? sql`OR t.id = ${f.tenantId}` : sql``}
         ORDER BY t.name`,
  );
  const modelOpts = await q.select({ id: models.id, name: models.displayName }).from(models).orderBy(asc(models.displayName));
  const providerOpts = await q.select({ id: providers.id, name: providers.displayName }).from(providers).orderBy(asc(providers.displayName));

  let revenue = dec(0);
  let cost = dec(0);
  let requests = 0;
  let errors = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const d of daily) {
    revenue = revenue.plus(decStr(d.revenue));
    cost = cost.plus(decStr(d.cost));
    requests += num(d.requests);
    errors += num(d.errors);
    inputTokens += num(d.input);
    outputTokens += num(d.output);
  }
  return {
    filters: { ...f, ...r },
    options: { tenants: tenantOpts, models: modelOpts, providers: providerOpts },
    totals: { requests, errors, inputTokens, outputTokens, revenue: revenue.toFixed(), cost: cost.toFixed(), margin: revenue.minus(cost).toFixed() },
    daily: daily.map((d) => ({
      day: dayStr(d.day),
      requests: num(d.requests),
      errors: num(d.errors),
      revenue: decStr(d.revenue),
      cost: decStr(d.cost),
      tokens: num(d.input) + num(d.output),
    })),
    byModel: byModel.map((m) => ({
      modelId: String(m.model_id),
      model: String(m.model),
      requests: num(m.requests),
      revenue: decStr(m.revenue),
      cost: decStr(m.cost),
    })),
    events,
  };
}
