/**
 * The admin revenue dashboard's queries. They read only the pre-aggregated tables
 * (revenue_daily_aggregates: day x provider x model; tenant_daily_aggregates: day x tenant),
 * never usage_events or usage_rollups, so they stay fast at any event volume (bench/billing.ts).
 * Days are booked days (UTC); `until` defaults to today.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
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

export interface DayFigures {
  day: string;
  requests: number;
  revenue: string;
  cost: string;
  margin: string;
}

export async function revenueByDay(w: DashboardWindow, db?: Db): Promise<DayFigures[]> {
  const { from, until } = window(w);
  const rows = await withPlatform(
    (tx) =>
      queryRows<{ day: string; requests: string | number; revenue: string; cost: string; margin: string }>(
        tx,
        sql`SELECT day::text AS day, sum(request_count) AS requests, sum(revenue)::text AS revenue,
                   sum(cost)::text AS cost, sum(margin)::text AS margin
              FROM revenue_daily_aggregates
             WHERE day >= ${from}::date AND day <= ${until}::date
             GROUP BY day ORDER BY day`,
      ),
    db,
  );
  return rows.map((r) => ({ day: r.day, requests: Number(r.requests), revenue: r.revenue, cost: r.cost, margin: r.margin }));
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

export async function topModels(w: DashboardWindow & { limit?: number }, db?: Db): Promise<RankedFigures[]> {
  const { from, until } = window(w);
  const rows = await withPlatform(
    (tx) =>
      queryRows<{ id: string; label: string; requests: string | number; revenue: string; cost: string }>(
        tx,
        sql`SELECT a.model_id AS id, coalesce(m.display_name, a.model_id) AS label, a.requests, a.revenue::text AS revenue, a.cost::text AS cost
              FROM (SELECT model_id, sum(request_count) AS requests, sum(revenue) AS revenue, sum(cost) AS cost
                      FROM revenue_daily_aggregates
                     WHERE day >= ${from}::date AND day <= ${until}::date
                     GROUP BY model_id
                     ORDER BY sum(revenue) DESC, model_id
                     LIMIT ${Math.min(w.limit ?? 10, 100)}) a
              LEFT JOIN models m ON m.id = a.model_id
             ORDER BY a.revenue DESC, a.model_id`,
      ),
    db,
  );
  return rows.map(ranked);
}

export async function topTenants(w: DashboardWindow & { limit?: number }, db?: Db): Promise<RankedFigures[]> {
  const { from, until } = window(w);
  const rows = await withPlatform(
    (tx) =>
      queryRows<{ id: string; label: string; requests: string | number; revenue: string; cost: string }>(
        tx,
        sql`SELECT a.tenant_id::text AS id, coalesce(t.name, a.tenant_id::text) AS label, a.requests, a.revenue::text AS revenue, a.cost::text AS cost
              FROM (SELECT tenant_id, sum(request_count) AS requests, sum(revenue) AS revenue, sum(cost) AS cost
                      FROM tenant_daily_aggregates
                     WHERE day >= ${from}::date AND day <= ${until}::date
                     GROUP BY tenant_id
                     ORDER BY sum(revenue) DESC, tenant_id
                     LIMIT ${Math.min(w.limit ?? 10, 100)}) a
              LEFT JOIN tenants t ON t.id = a.tenant_id
             ORDER BY a.revenue DESC, a.tenant_id`,
      ),
    db,
  );
  return rows.map(ranked);
}

export interface RevenueDashboard {
  from: string;
  until: string;
  totals: { requests: number; revenue: string; cost: string; margin: string; marginPercent: string };
  byDay: DayFigures[];
  topModels: RankedFigures[];
  topTenants: RankedFigures[];
}

/** Everything the admin revenue dashboard shows for a window (GET /api/admin/reports/dashboard). */
export async function revenueDashboard(w: DashboardWindow & { limit?: number }, db?: Db): Promise<RevenueDashboard> {
  const { from, until } = window(w);
  const [byDay, models, tenants] = [await revenueByDay(w, db), await topModels(w, db), await topTenants(w, db)];
  let revenue = ZERO;
  let cost = ZERO;
  let requests = 0;
  for (const d of byDay) {
    revenue = revenue.plus(d.revenue);
    cost = cost.plus(d.cost);
    requests += d.requests;
  }
  return {
    from,
    until,
    totals: {
      requests,
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
