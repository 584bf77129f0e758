/**
 * Tenants for the admin console: the list with month-to-date spend against budget, and one
 * tenant's detail (model access and tenant+model markups, users, API keys without secrets,
 * 30 days of usage, invoices). Platform path.
 */
import { and, desc, eq, gte, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Queryable } from '../db/client';
import {
  administrators,
  apiKeys,
  dataRetentionPolicies,
  hipaaConfig,
  invoices,
  models,
  TENANT_STATUSES,
  tenantModelAccess,
  tenants,
  users,
} from '../db/schema';
import { isUuid } from '../db/tenant';
import { DEFAULT_REQUEST_LOG_RETENTION_DAYS } from '../gateway/state';
import { decodeCursor, likePattern, listParamsSchema, toPage, type Page } from '../lists/keyset';
import { NotFoundError } from '../errors';
import { dec } from '../pricing/money';
import { decStr, isoOrNull, num, startOfUtcMonth } from '../db/sql-util';
import { tenantSpendSince, tenantUsageByDay, tenantUsageByModel, utcDay } from '../billing/usage-read';

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

// Month-to-date spend is not summed here from raw events (2.8 s for a tenant with 500,000 events
// this month): withSpend() adds it from the rollups for the rows shown (lib/billing/usage-read.ts).
const TENANT_ROW_SQL = sql`t.id, t.slug, t.name, t.tier, t.status, t.currency, t.monthly_budget, t.created_at,
    (SELECT count(*) FROM users x WHERE x.tenant_id = t.id AND x.deleted_at IS NULL) AS users,
    (SELECT count(*) FROM api_keys k WHERE k.tenant_id = t.id AND k.status = 'active') AS keys`;

/** Rows with their month-to-date spend, read for just these tenants. */
async function withSpend(q: Queryable, rows: Record<string, unknown>[], now: Date): Promise<TenantListRow[]> {
  const spend = await tenantSpendSince(
    q,
    rows.map((r) => String(r.id)),
    utcDay(startOfUtcMonth(now)),
  );
  return rows.map((r) => toTenantRow({ ...r, mtd: spend.get(String(r.id)) ?? '0' }));
}

function toTenantRow(r: Record<string, unknown>): TenantListRow {
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
}

/** Every tenant (small installations, tests). Screens use listTenantsPage. */
export async function listTenants(q: Queryable, now = new Date()): Promise<TenantListRow[]> {
  const rows = await queryRows<Record<string, unknown>>(q, sql`SELECT ${TENANT_ROW_SQL} FROM tenants t WHERE t.deleted_at IS NULL ORDER BY t.name`);
  return withSpend(q, rows, now);
}

export const TENANT_SORTS = ['name', 'created'] as const;
export const tenantListParamsSchema = listParamsSchema(TENANT_SORTS, 'name', 'asc').extend({
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(TENANT_STATUSES).optional()).catch(undefined),
  tier: z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().int().min(1).max(5).optional()).catch(undefined),
});
export type TenantListParams = z.output<typeof tenantListParamsSchema>;

/** One page of tenants, filtered on the server; keyset on (name, id) or (created_at, id). Per-row
 * figures (month-to-date spend, people, keys) are computed for the page's rows only. */
export async function listTenantsPage(q: Queryable, p: TenantListParams, now = new Date()): Promise<Page<TenantListRow>> {
  const where: SQL[] = [sql`t.deleted_at IS NULL`];
  if (p.status) where.push(sql`t.status = ${p.status}`);
  if (p.tier) where.push(sql`t.tier = ${p.tier}`);
  if (p.q) where.push(sql`(t.name ILIKE ${likePattern(p.q)} OR t.slug ILIKE ${likePattern(p.q)} OR t.billing_email ILIKE ${likePattern(p.q)})`);
  const c = decodeCursor(p.cursor);
  const col = p.sort === 'created' ? sql`t.created_at` : sql`t.name`;
  const cast = p.sort === 'created' ? sql`::timestamptz` : sql`::text`;
  const cmp = p.dir === 'asc' ? sql`>` : sql`<`;
  if (c && c[0] !== null && isUuid(c[1])) where.push(sql`(${col}, t.id) ${cmp} (${String(c[0])}${cast}, ${c[1]}::uuid)`);
  const dir = p.dir === 'asc' ? sql`ASC` : sql`DESC`;
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT ${TENANT_ROW_SQL}, t.created_at::text AS ck
        FROM (SELECT * FROM tenants t WHERE ${sql.join(where, sql` AND `)} ORDER BY ${col} ${dir}, t.id ${dir} LIMIT ${p.limit + 1}) t
        ORDER BY ${col} ${dir}, t.id ${dir}`,
  );
  const page = toPage(rows, p.limit, (r) => [p.sort === 'created' ? String(r.ck) : String(r.name), String(r.id)]);
  return { ...page, rows: await withSpend(q, page.rows, now) };
}

async function tenantRow(q: Queryable, tenantId: string, now: Date): Promise<TenantListRow | null> {
  const rows = await queryRows<Record<string, unknown>>(q, sql`SELECT ${TENANT_ROW_SQL} FROM tenants t WHERE t.id = ${tenantId}`);
  return rows[0] ? ((await withSpend(q, rows, now))[0] ?? null) : null;
}

export type TenantKeyRow = TenantDetail['keys'][number];
export const tenantKeyParamsSchema = listParamsSchema(['created'] as const, 'created', 'desc').extend({
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['active', 'revoked', 'expired']).optional()).catch(undefined),
});
export type TenantKeyParams = z.output<typeof tenantKeyParamsSchema>;

/** One page of a tenant's API keys (metadata only), newest first; keyset on (created_at, id). */
export async function listTenantKeysPage(q: Queryable, tenantId: string, p: TenantKeyParams): Promise<Page<TenantKeyRow>> {
  const where: SQL[] = [sql`k.tenant_id = ${tenantId}`];
  if (p.status) where.push(sql`k.status = ${p.status}`);
  if (p.q) where.push(sql`(k.name ILIKE ${likePattern(p.q)} OR k.key_prefix ILIKE ${likePattern(p.q)})`);
  const c = decodeCursor(p.cursor);
  const asc = p.dir === 'asc';
  if (c && typeof c[0] === 'string' && isUuid(c[1]))
    where.push(asc ? sql`(k.created_at, k.id) > (${c[0]}::timestamptz, ${c[1]}::uuid)` : sql`(k.created_at, k.id) < (${c[0]}::timestamptz, ${c[1]}::uuid)`);
  const dir = asc ? sql`ASC` : sql`DESC`;
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT k.id, k.name, k.key_prefix, k.scopes, k.status, k.rate_limit_rpm, k.monthly_budget, k.last_used_at, k.usage_count, k.created_at,
               k.created_at::text AS ck
        FROM api_keys k WHERE ${sql.join(where, sql` AND `)} ORDER BY k.created_at ${dir}, k.id ${dir} LIMIT ${p.limit + 1}`,
  );
  const page = toPage(rows, p.limit, (r) => [String(r.ck), String(r.id)]);
  return {
    ...page,
    rows: page.rows.map((k) => ({
      id: String(k.id),
      name: String(k.name),
      keyPrefix: String(k.key_prefix),
      scopes: (Array.isArray(k.scopes)
        ? k.scopes
        : String(k.scopes ?? '')
            .replace(/[{}]/g, '')
            .split(',')
            .filter(Boolean)) as string[],
      status: String(k.status),
      rateLimitRpm: k.rate_limit_rpm === null ? null : num(k.rate_limit_rpm),
      monthlyBudget: k.monthly_budget === null ? null : decStr(k.monthly_budget),
      lastUsedAt: isoOrNull(k.last_used_at),
      usageCount: num(k.usage_count),
      createdAt: isoOrNull(k.created_at) ?? '',
    })),
  };
}

/** Keys shown on the detail page; the rest are a page away (listTenantKeysPage). */
export const DETAIL_KEYS = 25;

export interface TenantDetail {
  tenant: TenantListRow & {
    billingEmail: string | null;
    domain: string | null;
    taxRatePercent: string;
    notes: string | null;
    responseCacheEnabled: boolean;
    responseCacheTtlSeconds: number | null;
    requestLoggingEnabled: boolean;
    requestLogRetentionDays: number;
    hipaaOnlyProviders: boolean;
    suspendedAt: string | null;
    cancelledAt: string | null;
  };
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
  const base = await tenantRow(q, tenantId, now);
  const [t] = await q.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!base || !t) throw new NotFoundError('No such tenant');
  // The last 30 UTC days, today included, from the rollups plus the not-yet-rolled tail.
  const fromDay = utcDay(new Date(now.getTime() - 29 * 86_400_000));
  const [retention, hipaa] = await Promise.all([
    q
      .select({ days: dataRetentionPolicies.retentionDays })
      .from(dataRetentionPolicies)
      .where(and(eq(dataRetentionPolicies.tenantId, tenantId), eq(dataRetentionPolicies.dataType, 'request_logs'))),
    q.select({ enabled: hipaaConfig.enabled, restrict: hipaaConfig.restrictToHipaaProviders }).from(hipaaConfig).where(eq(hipaaConfig.tenantId, tenantId)),
  ]);

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
      .where(and(eq(users.tenantId, tenantId), isNull(users.deletedAt)))
      .orderBy(users.email)
      .limit(500),
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
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(DETAIL_KEYS),
    tenantUsageByDay(q, tenantId, fromDay),
    tenantUsageByModel(q, tenantId, fromDay),
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
    tenant: {
      ...base,
      billingEmail: t.billingEmail,
      domain: t.domain,
      taxRatePercent: decStr(t.taxRatePercent),
      notes: t.notes,
      responseCacheEnabled: t.responseCacheEnabled,
      responseCacheTtlSeconds:
        typeof (t.settings as Record<string, unknown>)?.responseCacheTtlSeconds === 'number'
          ? ((t.settings as Record<string, unknown>).responseCacheTtlSeconds as number)
          : null,
      requestLoggingEnabled: t.requestLoggingEnabled,
      requestLogRetentionDays: retention[0]?.days ?? DEFAULT_REQUEST_LOG_RETENTION_DAYS,
      hipaaOnlyProviders: Boolean(hipaa[0]?.enabled && hipaa[0]?.restrict),
      suspendedAt: isoOrNull(t.suspendedAt),
      cancelledAt: isoOrNull(t.cancelledAt),
    },
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
    usage,
    revenue30d: usage.reduce((a, d) => a.plus(dec(d.revenue)), dec(0)).toFixed(),
    usageByModel: byModel.map((m) => ({ model: m.model, requests: m.requests, revenue: m.revenue, cost: m.cost })),
    invoices: invoiceRows.map((i) => ({ ...i, totalAmount: decStr(i.totalAmount), issuedAt: isoOrNull(i.issuedAt) })),
  };
}
