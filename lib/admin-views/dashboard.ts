/**
 * The console's dashboard page: revenue, cost and margin from the dashboard read model
 * (lib/billing/dashboard.ts, the same figures GET /api/admin/reports/dashboard answers: daily
 * aggregates plus the events not rolled up yet), plus open alerts and pending approvals.
 * Platform path only (withPlatform). Money stays exact: Decimal, returned as strings.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { dec, marginPercentOfPrice } from '../pricing/money';
import { isoOrNull, num } from '../db/sql-util';
import { readRevenueDashboard, type DayFigures } from '../billing/dashboard';

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
  topModels: Array<{ modelId: string; displayName: string; revenue: string; margin: string; requests: number }>;
  topTenants: Array<{ tenantId: string; name: string; revenue: string; requests: number }>;
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

/** The Monday (date_trunc('week')) or first of month of a YYYY-MM-DD day. */
function bucketOf(day: string, g: Granularity): string {
  if (g === 'day') return day;
  if (g === 'month') return `${day.slice(0, 7)}-01`;
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

function series(days: DayFigures[], g: Granularity): SeriesPoint[] {
  const out = new Map<string, { revenue: ReturnType<typeof dec>; cost: ReturnType<typeof dec>; requests: number; errors: number }>();
  for (const d of days) {
    const b = bucketOf(d.day, g);
    const p = out.get(b) ?? { revenue: dec(0), cost: dec(0), requests: 0, errors: 0 };
    out.set(b, { revenue: p.revenue.plus(d.revenue), cost: p.cost.plus(d.cost), requests: p.requests + d.requests, errors: p.errors + d.errors });
  }
  return [...out.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([bucket, p]) => ({
      bucket,
      revenue: p.revenue.toFixed(),
      cost: p.cost.toFixed(),
      margin: p.revenue.minus(p.cost).toFixed(),
      requests: p.requests,
      errors: p.errors,
    }));
}

/** The console's dashboard: the money figures from the one dashboard read model
 * (lib/billing/dashboard.ts: aggregates plus the unrolled tail), then what needs attention. */
export async function getDashboard(q: Queryable, opts: { days?: number; now?: Date } = {}): Promise<DashboardData> {
  const days = Math.min(Math.max(opts.days ?? 90, 7), 366);
  const now = opts.now ?? new Date();
  const money = await readRevenueDashboard(q, { days, until: now.toISOString().slice(0, 10), limit: 8 });

  const [alertRows, alertLatest, apprCount, apprLatest] = await Promise.all([
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

  const { revenue, cost, requests, errors } = money.totals;
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
    series: { day: series(money.byDay, 'day'), week: series(money.byDay, 'week'), month: series(money.byDay, 'month') },
    topModels: money.topModels.map((r) => ({ modelId: r.id, displayName: r.label, revenue: r.revenue, margin: r.margin, requests: r.requests })),
    topTenants: money.topTenants.map((r) => ({ tenantId: r.id, name: r.label, revenue: r.revenue, requests: r.requests })),
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
