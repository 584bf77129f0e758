/**
 * Admin dashboard aggregates, straight from the metering ledger (usage_events: the cost, markup
 * and price snapshots of every request) so they are right even before the billing rollups run.
 * Platform path only (withPlatform). Money stays exact: SUM() over NUMERIC, returned as strings.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { dec, marginPercentOfPrice } from '../pricing/money';
import { dayStr, decStr, isoOrNull, num, tsParam } from '../db/sql-util';

export type Granularity = 'day' | 'week' | 'month';

export interface SeriesPoint {
  bucket: string;
  revenue: string;
  cost: string;
  margin: string;
  requests: number;
  errors: number;
}

export interface DashboardData {
  rangeDays: number;
  totals: { revenue: string; cost: string; margin: string; marginPercent: string; requests: number; errors: number; errorRatePercent: string };
  series: Record<Granularity, SeriesPoint[]>;
  topModels: Array<{ modelId: string; displayName: string; providerId: string; revenue: string; margin: string; requests: number }>;
  topTenants: Array<{ tenantId: string; name: string; slug: string; revenue: string; requests: number }>;
  alerts: {
    open: number;
    bySeverity: Record<'critical' | 'warning' | 'info', number>;
    latest: Array<{ id: string; modelId: string; modelName: string; severity: string; status: string; createdAt: string }>;
  };
  approvals: {
    pending: number;
    latest: Array<{ id: string; title: string; riskLevel: string; action: string; initiatedBy: string | null; createdAt: string; expiresAt: string }>;
  };
}

type Row = Record<string, unknown>;

function point(r: Row): SeriesPoint {
  const revenue = decStr(r.revenue);
  const cost = decStr(r.cost);
  return {
    bucket: dayStr(r.bucket),
    revenue,
    cost,
    margin: dec(revenue).minus(dec(cost)).toFixed(),
    requests: num(r.requests),
    errors: num(r.errors),
  };
}

export async function getDashboard(q: Queryable, opts: { days?: number; now?: Date } = {}): Promise<DashboardData> {
  const days = Math.min(Math.max(opts.days ?? 90, 7), 366);
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - days * 86_400_000);

  const seriesFor = (g: Granularity) =>
    queryRows<Row>(
      q,
      sql`SELECT date_trunc(${g}, created_at AT TIME ZONE 'UTC')::date AS bucket,
                 COALESCE(SUM(price), 0) AS revenue, COALESCE(SUM(cost), 0) AS cost,
                 COUNT(*) AS requests, COUNT(*) FILTER (WHERE status = 'error') AS errors
          FROM usage_events WHERE created_at >= ${tsParam(since)}::timestamptz
          GROUP BY 1 ORDER BY 1`,
    );

  const [day, week, month, totalsRows, models, tenantsRows, alertRows, alertLatest, apprCount, apprLatest] = await Promise.all([
    seriesFor('day'),
    seriesFor('week'),
    seriesFor('month'),
    queryRows<Row>(
      q,
      sql`SELECT COALESCE(SUM(price), 0) AS revenue, COALESCE(SUM(cost), 0) AS cost, COUNT(*) AS requests,
                 COUNT(*) FILTER (WHERE status = 'error') AS errors
          FROM usage_events WHERE created_at >= ${tsParam(since)}::timestamptz`,
    ),
    queryRows<Row>(
      q,
      sql`SELECT u.model_id, m.display_name, u.provider_id, SUM(u.price) AS revenue, SUM(u.price - u.cost) AS margin, COUNT(*) AS requests
          FROM usage_events u JOIN models m ON m.id = u.model_id
          WHERE u.created_at >= ${tsParam(since)}::timestamptz
          GROUP BY u.model_id, m.display_name, u.provider_id ORDER BY SUM(u.price) DESC LIMIT 8`,
    ),
    queryRows<Row>(
      q,
      sql`SELECT u.tenant_id, t.name, t.slug, SUM(u.price) AS revenue, COUNT(*) AS requests
          FROM usage_events u JOIN tenants t ON t.id = u.tenant_id
          WHERE u.created_at >= ${tsParam(since)}::timestamptz
          GROUP BY u.tenant_id, t.name, t.slug ORDER BY SUM(u.price) DESC LIMIT 8`,
    ),
    queryRows<Row>(q, sql`SELECT severity, COUNT(*) AS n FROM estimated_cost_alerts WHERE status <> 'resolved' GROUP BY severity`),
    queryRows<Row>(
      q,
      sql`SELECT a.id, a.model_id, m.display_name, a.severity, a.status, a.created_at
          FROM estimated_cost_alerts a JOIN models m ON m.id = a.model_id
          WHERE a.status <> 'resolved'
          ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.created_at DESC LIMIT 5`,
    ),
    queryRows<Row>(q, sql`SELECT COUNT(*) AS n FROM approval_requests WHERE status = 'pending' AND expires_at > now()`),
    queryRows<Row>(
      q,
      sql`SELECT r.id, r.title, r.risk_level, r.action, a.name AS initiator, r.created_at, r.expires_at
          FROM approval_requests r LEFT JOIN administrators a ON a.id = r.initiated_by
          WHERE r.status = 'pending' AND r.expires_at > now()
          ORDER BY r.created_at DESC LIMIT 5`,
    ),
  ]);

  const t = totalsRows[0] ?? {};
  const revenue = decStr(t.revenue);
  const cost = decStr(t.cost);
  const requests = num(t.requests);
  const errors = num(t.errors);
  const bySeverity = { critical: 0, warning: 0, info: 0 };
  for (const r of alertRows) {
    const s = String(r.severity);
    if (s === 'critical' || s === 'warning' || s === 'info') bySeverity[s] = num(r.n);
  }

  return {
    rangeDays: days,
    totals: {
      revenue,
      cost,
      margin: dec(revenue).minus(dec(cost)).toFixed(),
      marginPercent: marginPercentOfPrice(cost, revenue).toFixed(),
      requests,
      errors,
      errorRatePercent: requests === 0 ? '0' : dec(errors).div(requests).times(100).toDecimalPlaces(2).toFixed(),
    },
    series: { day: day.map(point), week: week.map(point), month: month.map(point) },
    topModels: models.map((r) => ({
      modelId: String(r.model_id),
      displayName: String(r.display_name),
      providerId: String(r.provider_id),
      revenue: decStr(r.revenue),
      margin: decStr(r.margin),
      requests: num(r.requests),
    })),
    topTenants: tenantsRows.map((r) => ({
      tenantId: String(r.tenant_id),
      name: String(r.name),
      slug: String(r.slug),
      revenue: decStr(r.revenue),
      requests: num(r.requests),
    })),
    alerts: {
      open: bySeverity.critical + bySeverity.warning + bySeverity.info,
      bySeverity,
      latest: alertLatest.map((r) => ({
        id: String(r.id),
        modelId: String(r.model_id),
        modelName: String(r.display_name),
        severity: String(r.severity),
        status: String(r.status),
        createdAt: isoOrNull(r.created_at) ?? '',
      })),
    },
    approvals: {
      pending: num(apprCount[0]?.n),
      latest: apprLatest.map((r) => ({
        id: String(r.id),
        title: String(r.title),
        riskLevel: String(r.risk_level),
        action: String(r.action),
        initiatedBy: r.initiator === null || r.initiator === undefined ? null : String(r.initiator),
        createdAt: isoOrNull(r.created_at) ?? '',
        expiresAt: isoOrNull(r.expires_at) ?? '',
      })),
    },
  };
}
