/**
 * The one read model of usage over a period (issue 15): whole days come from the rollups the
 * metering batches maintain (tenant_daily_aggregates: day x tenant; usage_rollups: day x tenant x
 * model), and the events not yet folded in (`seq` above the rollup's high-water mark,
 * usage_rollup_state; BRIN on seq, partitions pruned by the day range) are added from usage_events.
 * Both halves are read in ONE statement, so one snapshot: a rollup batch moves the mark and adds
 * its events to the aggregates in one transaction, so an event is counted exactly once. Raw events are read only for that tail and for recent
 * detail (lists of single requests), never summed over a whole month: that was 5.9 s for a
 * tenant with 500,000 events this month (BENCHMARKS.md, customer lists at scale).
 *
 * Days are UTC booked days (late usage for a closed period is booked to a day of the next open
 * one, lib/billing/rollups.ts). These admin reads carry cost: platform path only (withPlatform).
 * The portal's price-only month view is lib/billing/portal.ts (getPortalUsage), same two halves.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { dayStr, decStr, num } from '../db/sql-util';

/** 'YYYY-MM-DD' of the UTC day of an instant. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Month-to-date spend (price) per tenant, from `fromDay` on. Tenants without usage are absent. */
export async function tenantSpendSince(q: Queryable, tenantIds: string[], fromDay: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (tenantIds.length === 0) return out;
  const ids = sql.join(
    tenantIds.map((i) => sql`${i}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<{ tenant_id: string; spend: string }>(
    q,
    sql`SELECT tenant_id::text AS tenant_id, sum(spend)::text AS spend FROM (
          SELECT tenant_id, revenue AS spend FROM tenant_daily_aggregates WHERE tenant_id IN (${ids}) AND day >= ${fromDay}::date
          UNION ALL
          SELECT tenant_id, price FROM usage_events
           WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1) AND created_at >= (${fromDay}::timestamp AT TIME ZONE 'UTC') AND tenant_id IN (${ids})
        ) x GROUP BY tenant_id`,
  );
  for (const r of rows) out.set(String(r.tenant_id), decStr(r.spend));
  return out;
}

export interface TenantDay {
  day: string;
  requests: number;
  errors: number;
  revenue: string;
  cost: string;
}

/** One tenant's figures per day from `fromDay` on (admin: carries cost). */
export async function tenantUsageByDay(q: Queryable, tenantId: string, fromDay: string): Promise<TenantDay[]> {
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT day::text AS day, sum(requests) AS requests, sum(errors) AS errors, sum(revenue)::text AS revenue, sum(cost)::text AS cost FROM (
          SELECT day, request_count AS requests, error_count AS errors, revenue, cost
            FROM tenant_daily_aggregates WHERE tenant_id = ${tenantId} AND day >= ${fromDay}::date
          UNION ALL
          SELECT (created_at AT TIME ZONE 'UTC')::date, request_count, CASE WHEN status = 'error' THEN 1 ELSE 0 END, price, cost
            FROM usage_events
           WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1) AND tenant_id = ${tenantId} AND created_at >= (${fromDay}::timestamp AT TIME ZONE 'UTC')
        ) x GROUP BY day ORDER BY day`,
  );
  return rows.map((d) => ({ day: dayStr(d.day), requests: num(d.requests), errors: num(d.errors), revenue: decStr(d.revenue), cost: decStr(d.cost) }));
}

export interface TenantModelFigures {
  modelId: string;
  model: string;
  requests: number;
  revenue: string;
  cost: string;
}

/** One tenant's figures per model from `fromDay` on, by revenue (admin: carries cost). */
export async function tenantUsageByModel(q: Queryable, tenantId: string, fromDay: string): Promise<TenantModelFigures[]> {
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT x.model_id, coalesce(m.display_name, x.model_id) AS model, x.requests, x.revenue::text AS revenue, x.cost::text AS cost FROM (
          SELECT model_id, sum(requests) AS requests, sum(revenue) AS revenue, sum(cost) AS cost FROM (
            SELECT model_id, request_count AS requests, price AS revenue, cost
              FROM usage_rollups WHERE tenant_id = ${tenantId} AND rollup_date >= ${fromDay}::date
            UNION ALL
            SELECT model_id, request_count, price, cost
              FROM usage_events
             WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1) AND tenant_id = ${tenantId} AND created_at >= (${fromDay}::timestamp AT TIME ZONE 'UTC')
          ) y GROUP BY model_id
        ) x LEFT JOIN models m ON m.id = x.model_id
        ORDER BY x.revenue DESC, x.model_id`,
  );
  return rows.map((m) => ({
    modelId: String(m.model_id),
    model: String(m.model),
    requests: num(m.requests),
    revenue: decStr(m.revenue),
    cost: decStr(m.cost),
  }));
}
