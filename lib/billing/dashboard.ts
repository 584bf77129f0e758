/**
 * The admin dashboard's read model, the only one (issue 15): the console's dashboard page
 * (lib/admin-views/dashboard.ts adds alerts and approvals to it), GET /api/admin/reports/dashboard
 * and bench/billing.ts all read these functions. Whole days come from the pre-aggregated tables
 * (revenue_daily_aggregates: day x provider x model; tenant_daily_aggregates: day x tenant), so
 * they stay fast at any event volume (bench/billing.ts); the events the rollup has not folded in
 * yet (`seq` above the high-water mark in usage_rollup_state) are added from usage_events in
 * the SAME statement (one snapshot: a rollup batch moves the mark and aggregates in one
 * transaction, so an event counts once), so the figures are current before the next rollup runs.
 * Days are booked days (UTC); `until` defaults to today. Platform only: cost and margin.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '@/lib/db/client';
import { withPlatform } from '@/lib/db/tenant';
import { ZERO, dec, marginPercentOfPrice, toDbString } from '@/lib/pricing/money';

export interface DashboardWindow {
  days: number;
  /** Last day included, YYYY-MM-DD (default today UTC). */
  until?: string;
}

function window(w: DashboardWindow): { from: string; until: string } {
  const days = Math.min(Math.max(Math.trunc(w.days), 1), 366);
  const until = w.until ?? new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${until}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, until };
}

/** The unrolled events of the window, as rows shaped like the aggregates. */
function tail(from: string, until: string) {
  return sql`SELECT (created_at AT TIME ZONE 'UTC')::date AS day, tenant_id, model_id, request_count,
                    CASE WHEN status = 'error' THEN 1 ELSE 0 END AS error_count, price AS revenue, cost
               FROM usage_events
              WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1)
                AND created_at >= (${from}::timestamp AT TIME ZONE 'UTC')
                AND created_at < ((${until}::date + 1)::timestamp AT TIME ZONE 'UTC')`;
}

export interface DayFigures {
  day: string;
  requests: number;
  errors: number;
  revenue: string;
  cost: string;
  margin: string;
}

export async function readRevenueByDay(q: Queryable, w: DashboardWindow): Promise<DayFigures[]> {
  const { from, until } = window(w);
  const rows = await queryRows<{ day: string; requests: string | number; errors: string | number; revenue: string; cost: string }>(
    q,
    sql`SELECT day::text AS day, sum(request_count) AS requests, sum(error_count) AS errors, sum(revenue)::text AS revenue, sum(cost)::text AS cost
          FROM (SELECT day, request_count, error_count, revenue, cost FROM revenue_daily_aggregates WHERE day >= ${from}::date AND day <= ${until}::date
                UNION ALL
                SELECT day, request_count, error_count, revenue, cost FROM (${tail(from, until)}) t) x
         GROUP BY day ORDER BY day`,
  );
  return rows.map((r) => ({
    day: r.day,
    requests: Number(r.requests),
    errors: Number(r.errors),
    revenue: toDbString(dec(r.revenue)),
    cost: toDbString(dec(r.cost)),
    margin: toDbString(dec(r.revenue).minus(dec(r.cost))),
  }));
}

export interface RankedFigures {
  id: string;
  label: string;
  requests: number;
  revenue: string;
  cost: string;
  margin: string;
  marginPercent: string;
}

function ranked(r: { id: string; label: string; requests: string | number; revenue: string; cost: string }): RankedFigures {
  const revenue = dec(r.revenue);
  const cost = dec(r.cost);
  return {
    id: r.id,
    label: r.label,
    requests: Number(r.requests),
    revenue: toDbString(revenue),
    cost: toDbString(cost),
    margin: toDbString(revenue.minus(cost)),
    marginPercent: toDbString(marginPercentOfPrice(cost, revenue)),
  };
}

export async function readTopModels(q: Queryable, w: DashboardWindow & { limit?: number }): Promise<RankedFigures[]> {
  const { from, until } = window(w);
  const rows = await queryRows<{ id: string; label: string; requests: string | number; revenue: string; cost: string }>(
    q,
    sql`SELECT a.model_id AS id, coalesce(m.display_name, a.model_id) AS label, a.requests, a.revenue::text AS revenue, a.cost::text AS cost
          FROM (SELECT model_id, sum(request_count) AS requests, sum(revenue) AS revenue, sum(cost) AS cost
                  FROM (SELECT model_id, request_count, revenue, cost FROM revenue_daily_aggregates WHERE day >= ${from}::date AND day <= ${until}::date
                        UNION ALL
                        SELECT model_id, request_count, revenue, cost FROM (${tail(from, until)}) t) x
                 GROUP BY model_id
                 ORDER BY sum(revenue) DESC, model_id
                 LIMIT ${Math.min(w.limit ?? 10, 100)}) a
          LEFT JOIN models m ON m.id = a.model_id
         ORDER BY a.revenue DESC, a.model_id`,
  );
  return rows.map(ranked);
}

export async function readTopTenants(q: Queryable, w: DashboardWindow & { limit?: number }): Promise<RankedFigures[]> {
  const { from, until } = window(w);
  const rows = await queryRows<{ id: string; label: string; requests: string | number; revenue: string; cost: string }>(
    q,
    sql`SELECT a.tenant_id::text AS id, coalesce(t.name, a.tenant_id::text) AS label, a.requests, a.revenue::text AS revenue, a.cost::text AS cost
          FROM (SELECT tenant_id, sum(request_count) AS requests, sum(revenue) AS revenue, sum(cost) AS cost
                  FROM (SELECT tenant_id, request_count, revenue, cost FROM tenant_daily_aggregates WHERE day >= ${from}::date AND day <= ${until}::date
                        UNION ALL
                        SELECT tenant_id, request_count, revenue, cost FROM (${tail(from, until)}) t) x
                 GROUP BY tenant_id
                 ORDER BY sum(revenue) DESC, tenant_id
                 LIMIT ${Math.min(w.limit ?? 10, 100)}) a
          LEFT JOIN tenants t ON t.id = a.tenant_id
         ORDER BY a.revenue DESC, a.tenant_id`,
  );
  return rows.map(ranked);
}

export interface RevenueDashboard {
  from: string;
  until: string;
  totals: { requests: number; errors: number; revenue: string; cost: string; margin: string; marginPercent: string };
  byDay: DayFigures[];
  topModels: RankedFigures[];
  topTenants: RankedFigures[];
}

/** Everything the dashboard shows for a window, in the caller's transaction. */
export async function readRevenueDashboard(q: Queryable, w: DashboardWindow & { limit?: number }): Promise<RevenueDashboard> {
  const { from, until } = window(w);
  // One after the other: the caller's transaction is one connection.
  const byDay = await readRevenueByDay(q, w);
  const models = await readTopModels(q, w);
  const tenants = await readTopTenants(q, w);
  let revenue = ZERO;
  let cost = ZERO;
  let requests = 0;
  let errors = 0;
  for (const d of byDay) {
    revenue = revenue.plus(d.revenue);
    cost = cost.plus(d.cost);
    requests += d.requests;
    errors += d.errors;
  }
  return {
    from,
    until,
    totals: {
      requests,
      errors,
      revenue: toDbString(revenue),
      cost: toDbString(cost),
      margin: toDbString(revenue.minus(cost)),
      marginPercent: toDbString(marginPercentOfPrice(cost, revenue)),
    },
    byDay,
    topModels: models,
    topTenants: tenants,
  };
}

/** Standalone forms (own platform transaction) for the report API and the benchmark. */
export const revenueByDay = (w: DashboardWindow, db?: Db) => withPlatform((tx) => readRevenueByDay(tx, w), db);
export const topModels = (w: DashboardWindow & { limit?: number }, db?: Db) => withPlatform((tx) => readTopModels(tx, w), db);
export const topTenants = (w: DashboardWindow & { limit?: number }, db?: Db) => withPlatform((tx) => readTopTenants(tx, w), db);
/** GET /api/admin/reports/dashboard. */
export const revenueDashboard = (w: DashboardWindow & { limit?: number }, db?: Db) => withPlatform((tx) => readRevenueDashboard(tx, w), db);
