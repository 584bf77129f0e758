/**
 * Tenants for the admin console: the list with month-to-date spend against budget, and one
 * tenant's detail (model access and tenant+model markups, users, API keys without secrets,
 * 30 days of usage, invoices). Platform path.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { administrators, apiKeys, invoices, models, tenantModelAccess, tenants, users } from '../db/schema';
import { isUuid } from '../db/tenant';
import { NotFoundError } from '../errors';
import { dec } from '../pricing/money';
import { dayStr, decStr, isoOrNull, num, startOfUtcMonth, tsParam } from '../db/sql-util';

export const TIER_NAMES: Record<number, string> = { 1: 'Seed', 2: 'Startup', 3: 'Growth', 4: 'Scale', 5: 'Enterprise' };

export interface TenantListRow {
  id: string;
  slug: string;
  name: string;
  tier: number;
  tierName: string;
  status: string;
  currency: string;
  monthToDateSpend: string;
  monthlyBudget: string | null;
  budgetUsedPercent: string | null;
  users: number;
  activeKeys: number;
  createdAt: string;
}

export async function listTenants(q: Queryable, now = new Date()): Promise<TenantListRow[]> {
  const monthStart = startOfUtcMonth(now);
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT t.id, t.slug, t.name, t.tier, t.status, t.currency, t.monthly_budget, t.created_at,
               (SELECT coalesce(sum(u.price), 0) FROM usage_events u WHERE u.tenant_id = t.id AND u.created_at >= ${tsParam(monthStart)}::timestamptz) AS mtd,
               (SELECT count(*) FROM users x WHERE x.tenant_id = t.id AND x.deleted_at IS NULL) AS users,
               (SELECT count(*) FROM api_keys k WHERE k.tenant_id = t.id AND k.status = 'active') AS keys
        FROM tenants t WHERE t.deleted_at IS NULL ORDER BY t.name`,
  );
  return rows.map((r) => {
    const mtd = decStr(r.mtd);
    const budget = r.monthly_budget === null || r.monthly_budget === undefined ? null : decStr(r.monthly_budget);
    return {
      id: String(r.id),
      slug: String(r.slug),
      name: String(r.name),
      tier: num(r.tier),
      tierName: TIER_NAMES[num(r.tier)] ?? `Tier ${num(r.tier)}`,
      status: String(r.status),
      currency: String(r.currency),
      monthToDateSpend: mtd,
      monthlyBudget: budget,
      budgetUsedPercent: budget && !dec(budget).isZero() ? dec(mtd).div(dec(budget)).times(100).toDecimalPlaces(1).toFixed() : null,
      users: num(r.users),
      activeKeys: num(r.keys),
      createdAt: isoOrNull(r.created_at) ?? '',
    };
  });
}

export interface TenantDetail {
  tenant: TenantListRow & { billingEmail: string | null; domain: string | null; taxRatePercent: string };
  modelAccess: Array<{
    modelId: string;
    model: string;
    enabled: boolean;
    markupPercent: string | null;
    markupReason: string | null;
    markupSetBy: string | null;
    markupSetAt: string | null;
    markupExpiresAt: string | null;
    rateLimitRpm: number | null;
    rateLimitTpm: number | null;
  }>;
  users: Array<{ id: string; email: string; name: string | null; role: string; status: string; lastLoginAt: string | null }>;
  keys: Array<{
    id: string;
    name: string;
    keyPrefix: string;
    scopes: string[];
    status: string;
    rateLimitRpm: number | null;
    monthlyBudget: string | null;
    lastUsedAt: string | null;
    usageCount: number;
    createdAt: string;
  }>;
  usage: Array<{ day: string; requests: number; errors: number; revenue: string; cost: string }>;
  revenue30d: string;
  usageByModel: Array<{ model: string; requests: number; revenue: string; cost: string }>;
  invoices: Array<{ id: string; invoiceNumber: string | null; period: string; status: string; totalAmount: string; currency: string; issuedAt: string | null }>;
}

export async function getTenantDetail(q: Queryable, tenantId: string, now = new Date()): Promise<TenantDetail> {
  if (!isUuid(tenantId)) throw new NotFoundError('No such tenant');
  const list = await listTenants(q, now);
  const base = list.find((t) => t.id === tenantId);
  const [t] = await q.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!base || !t) throw new NotFoundError('No such tenant');
  const since = new Date(now.getTime() - 30 * 86_400_000);

  const [access, userRows, keyRows, usage, byModel, invoiceRows] = await Promise.all([
    q
      .select({
        modelId: tenantModelAccess.modelId,
        model: models.displayName,
        enabled: tenantModelAccess.enabled,
        markupPercent: tenantModelAccess.markupPercent,
        markupReason: tenantModelAccess.markupReason,
        markupSetBy: administrators.name,
        markupSetAt: tenantModelAccess.markupSetAt,
        markupExpiresAt: tenantModelAccess.markupExpiresAt,
        rateLimitRpm: tenantModelAccess.rateLimitRpm,
        rateLimitTpm: tenantModelAccess.rateLimitTpm,
      })
      .from(tenantModelAccess)
      .innerJoin(models, eq(models.id, tenantModelAccess.modelId))
      .leftJoin(administrators, eq(administrators.id, tenantModelAccess.markupSetBy))
      .where(eq(tenantModelAccess.tenantId, tenantId))
      .orderBy(models.displayName),
    q
      .select({ id: users.id, email: users.email, name: users.name, role: users.role, status: users.status, lastLoginAt: users.lastLoginAt })
      .from(users)
      .where(eq(users.tenantId, tenantId))
      .orderBy(users.email),
    q
      .select({
        id: apiKeys.id,
        name: apiKeys.name,
        keyPrefix: apiKeys.keyPrefix,
        scopes: apiKeys.scopes,
        status: apiKeys.status,
        rateLimitRpm: apiKeys.rateLimitRpm,
        monthlyBudget: apiKeys.monthlyBudget,
        lastUsedAt: apiKeys.lastUsedAt,
        usageCount: apiKeys.usageCount,
        createdAt: apiKeys.createdAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, tenantId))
      .orderBy(desc(apiKeys.createdAt)),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS requests, count(*) FILTER (WHERE status = 'error') AS errors,
                 coalesce(sum(price), 0) AS revenue, coalesce(sum(cost), 0) AS cost
          FROM usage_events WHERE tenant_id = ${tenantId} AND created_at >= ${tsParam(since)}::timestamptz GROUP BY 1 ORDER BY 1`,
    ),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT m.display_name AS model, count(*) AS requests, coalesce(sum(u.price), 0) AS revenue, coalesce(sum(u.cost), 0) AS cost
          FROM usage_events u JOIN models m ON m.id = u.model_id
          WHERE u.tenant_id = ${tenantId} AND u.created_at >= ${tsParam(since)}::timestamptz
          GROUP BY m.display_name ORDER BY sum(u.price) DESC`,
    ),
    q
      .select({
        id: invoices.id,
        invoiceNumber: invoices.invoiceNumber,
        period: invoices.period,
        status: invoices.status,
        totalAmount: invoices.totalAmount,
        currency: invoices.currency,
        issuedAt: invoices.issuedAt,
      })
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), gte(invoices.createdAt, new Date(0))))
      .orderBy(desc(invoices.period)),
  ]);

  return {
    tenant: { ...base, billingEmail: t.billingEmail, domain: t.domain, taxRatePercent: decStr(t.taxRatePercent) },
    modelAccess: access.map((a) => ({
      ...a,
      markupPercent: a.markupPercent === null ? null : decStr(a.markupPercent),
      markupSetAt: isoOrNull(a.markupSetAt),
      markupExpiresAt: isoOrNull(a.markupExpiresAt),
    })),
    users: userRows.map((u) => ({ ...u, lastLoginAt: isoOrNull(u.lastLoginAt) })),
    keys: keyRows.map((k) => ({
      ...k,
      monthlyBudget: k.monthlyBudget === null ? null : decStr(k.monthlyBudget),
      lastUsedAt: isoOrNull(k.lastUsedAt),
      usageCount: num(k.usageCount),
      createdAt: isoOrNull(k.createdAt) ?? '',
    })),
    usage: usage.map((d) => ({ day: dayStr(d.day), requests: num(d.requests), errors: num(d.errors), revenue: decStr(d.revenue), cost: decStr(d.cost) })),
    revenue30d: usage.reduce((a, d) => a.plus(dec(decStr(d.revenue))), dec(0)).toFixed(),
    usageByModel: byModel.map((m) => ({ model: String(m.model), requests: num(m.requests), revenue: decStr(m.revenue), cost: decStr(m.cost) })),
    invoices: invoiceRows.map((i) => ({ ...i, totalAmount: decStr(i.totalAmount), issuedAt: isoOrNull(i.issuedAt) })),
  };
}
