/**
 * Business figures for Prometheus, read from the DATABASE at scrape time (so they never reset
 * when a process restarts and every instance reports the same numbers):
 *
 *   radiant_revenue_month_to_date{currency}   sum of usage_events.price this UTC month
 *   radiant_cost_month_to_date                sum of usage_events.cost this UTC month (USD, the
 *                                             catalog's currency)
 *   radiant_requests_month_to_date            usage events this UTC month
 *   radiant_notification_deliveries_queued    email/Slack deliveries waiting to be sent
 *   radiant_business_metrics_up               1 when the last query succeeded, else 0
 *
 * Money is exact in the database; it becomes a float only here, for display (Prometheus values
 * are float64), through lib/pricing/money `toDisplayNumber`. One query per scrape at most, cached
 * for METRICS_DB_CACHE_SECONDS (default 30) so several scrapers do not multiply the load.
 */
import { sql } from 'drizzle-orm';
import { Gauge } from 'prom-client';
import { queryRows } from '../db/client';
import { withPlatform } from '../db/tenant';
import { dec, toDisplayNumber } from '../pricing/money';
import { getLogger } from './logger';
import { addScrapeCollector, getMetrics } from './metrics';

export interface BusinessFigures {
  /** Exact decimal strings per tenant currency. */
  revenueByCurrency: Array<{ currency: string; revenue: string }>;
  cost: string;
  requests: number;
  deliveriesQueued: number;
}

/** The month-to-date figures from the database (UTC calendar month). */
export async function loadBusinessFigures(): Promise<BusinessFigures> {
  return withPlatform(async (tx) => {
    const rows = await queryRows<{ currency: string; revenue: string | null; cost: string | null; requests: string | number }>(
      tx,
      sql`SELECT t.currency AS currency,
                 coalesce(sum(u.price), 0)::text AS revenue,
                 coalesce(sum(u.cost), 0)::text AS cost,
                 count(*) AS requests
            FROM usage_events u
            JOIN tenants t ON t.id = u.tenant_id
           WHERE u.created_at >= (date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
           GROUP BY t.currency`,
    );
    const [queued] = await queryRows<{ n: string | number }>(tx, sql`SELECT count(*) AS n FROM notification_deliveries WHERE status = 'queued'`);
    let cost = '0';
    let requests = 0;
    for (const r of rows) {
      cost = dec(cost)
        .plus(dec(r.cost ?? '0'))
        .toFixed();
      requests += Number(r.requests);
    }
    return {
      revenueByCurrency: rows.map((r) => ({ currency: r.currency, revenue: r.revenue ?? '0' })),
      cost,
      requests,
      deliveriesQueued: Number(queued?.n ?? 0),
    };
  });
}

interface BusinessState {
  gauges: { revenue: Gauge<'currency'>; cost: Gauge; requests: Gauge; queued: Gauge; up: Gauge };
  source: () => Promise<BusinessFigures>;
  cacheMs: number;
  cached: { at: number; value: Promise<BusinessFigures> } | null;
  unregister: () => void;
}

const GLOBAL_KEY = Symbol.for('radiant.metrics.business');
type G = typeof globalThis & { [GLOBAL_KEY]?: BusinessState };

function cacheMsFromEnv(): number {
  const raw = process.env.METRICS_DB_CACHE_SECONDS;
  const n = raw ? Number.parseInt(raw, 10) : 30;
  return (Number.isFinite(n) && n >= 0 ? n : 30) * 1000;
}

/**
 * Turns the database-backed gauges on (idempotent). The /api/metrics route calls it; tests may
 * pass their own `source` and `cacheMs: 0`.
 */
export function enableBusinessMetrics(opts: { source?: () => Promise<BusinessFigures>; cacheMs?: number } = {}): void {
  const g = globalThis as G;
  const existing = g[GLOBAL_KEY];
  if (existing) {
    if (opts.source) existing.source = opts.source;
    if (opts.cacheMs !== undefined) existing.cacheMs = opts.cacheMs;
    existing.cached = null;
    return;
  }
  const registers = [getMetrics().registry];
  const state: BusinessState = {
    gauges: {
      revenue: new Gauge({
        name: 'radiant_revenue_month_to_date',
        help: 'Revenue (what tenants are charged, price) accrued this UTC calendar month, from usage_events, by tenant currency.',
        labelNames: ['currency'] as const,
        registers,
      }),
      cost: new Gauge({
        name: 'radiant_cost_month_to_date',
        help: 'Provider cost (what RADIANT pays, USD) accrued this UTC calendar month, from usage_events.',
        registers,
      }),
      requests: new Gauge({
        name: 'radiant_requests_month_to_date',
        help: 'Metered requests (usage events) this UTC calendar month, all instances.',
        registers,
      }),
      queued: new Gauge({
        name: 'radiant_notification_deliveries_queued',
        help: 'Email and Slack notification deliveries waiting to be sent (all instances).',
        registers,
      }),
      up: new Gauge({
        name: 'radiant_business_metrics_up',
        help: '1 when the last database query for the business figures succeeded, else 0.',
        registers,
      }),
    },
    source: opts.source ?? loadBusinessFigures,
    cacheMs: opts.cacheMs ?? cacheMsFromEnv(),
    cached: null,
    unregister: () => {},
  };
  state.unregister = addScrapeCollector(() => refresh(state));
  g[GLOBAL_KEY] = state;
}

async function refresh(state: BusinessState): Promise<void> {
  const now = Date.now();
  if (!state.cached || now - state.cached.at > state.cacheMs) {
    state.cached = { at: now, value: state.source() };
  }
  const { gauges } = state;
  try {
    const f = await state.cached.value;
    gauges.revenue.reset();
    for (const r of f.revenueByCurrency) gauges.revenue.set({ currency: r.currency }, toDisplayNumber(r.revenue));
    gauges.cost.set(toDisplayNumber(f.cost));
    gauges.requests.set(f.requests);
    gauges.queued.set(f.deliveriesQueued);
    gauges.up.set(1);
  } catch (err) {
    state.cached = null;
    gauges.up.set(0);
    getLogger().warn({ err: err instanceof Error ? err.message : String(err) }, 'business metrics query failed');
  }
}
