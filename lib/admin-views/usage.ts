/**
 * Usage explorer (admin): usage_events filtered by tenant, model, provider, day range and status;
 * a daily series, a per-model breakdown and the matching events. Platform path.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { models, providers, tenants, usageEvents } from '../db/schema';
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
  events: UsageEventRow[];
  eventsTruncated: boolean;
}

export const USAGE_EVENT_LIMIT = 1000;

function range(f: UsageFilters, now: Date): { from: string; to: string } {
  const to = f.to ?? now.toISOString().slice(0, 10);
  const from = f.from ?? new Date(new Date(`${to}T00:00:00Z`).getTime() - 29 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

function where(f: UsageFilters, r: { from: string; to: string }): SQL {
  const start = new Date(`${r.from}T00:00:00Z`);
  const end = new Date(new Date(`${r.to}T00:00:00Z`).getTime() + 86_400_000);
  const parts: SQL[] = [gte(usageEvents.createdAt, start), lt(usageEvents.createdAt, end)];
  if (f.tenantId) parts.push(eq(usageEvents.tenantId, f.tenantId));
  if (f.modelId) parts.push(eq(usageEvents.modelId, f.modelId));
  if (f.providerId) parts.push(eq(usageEvents.providerId, f.providerId));
  if (f.status) parts.push(eq(usageEvents.status, f.status));
  return and(...parts)!;
}

export async function exploreUsage(q: Queryable, input: unknown, opts: { now?: Date; limit?: number } = {}): Promise<UsageExplorerData> {
  const f = usageFiltersSchema.parse(input ?? {});
  const r = range(f, opts.now ?? new Date());
  const w = where(f, r);
  const limit = opts.limit ?? USAGE_EVENT_LIMIT;

  const [tenantOpts, modelOpts, providerOpts, totals, daily, byModel, events] = await Promise.all([
    q.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(tenants.name),
    q.select({ id: models.id, name: models.displayName }).from(models).orderBy(models.displayName),
    q.select({ id: providers.id, name: providers.displayName }).from(providers).orderBy(providers.displayName),
    q
      .select({
        requests: sql<number>`count(*)`,
        errors: sql<number>`count(*) filter (where ${usageEvents.status} = 'error')`,
        inputTokens: sql<number>`coalesce(sum(${usageEvents.inputTokens}), 0)`,
        outputTokens: sql<number>`coalesce(sum(${usageEvents.outputTokens}), 0)`,
        revenue: sql<string>`coalesce(sum(${usageEvents.price}), 0)`,
        cost: sql<string>`coalesce(sum(${usageEvents.cost}), 0)`,
      })
      .from(usageEvents)
      .where(w),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS requests,
                 count(*) FILTER (WHERE status = 'error') AS errors,
                 coalesce(sum(price), 0) AS revenue, coalesce(sum(cost), 0) AS cost,
                 coalesce(sum(input_tokens + output_tokens), 0) AS tokens
          FROM usage_events WHERE ${w} GROUP BY 1 ORDER BY 1`,
    ),
    q
      .select({
        modelId: usageEvents.modelId,
        model: models.displayName,
        requests: sql<number>`count(*)`,
        revenue: sql<string>`coalesce(sum(${usageEvents.price}), 0)`,
        cost: sql<string>`coalesce(sum(${usageEvents.cost}), 0)`,
      })
      .from(usageEvents)
      .innerJoin(models, eq(models.id, usageEvents.modelId))
      .where(w)
      .groupBy(usageEvents.modelId, models.displayName)
      .orderBy(desc(sql`sum(${usageEvents.price})`)),
    q
      .select({
        id: usageEvents.requestId,
        createdAt: usageEvents.createdAt,
        tenant: tenants.name,
        tenantId: usageEvents.tenantId,
        model: models.displayName,
        modelId: usageEvents.modelId,
        providerId: usageEvents.providerId,
        status: usageEvents.status,
        httpStatus: usageEvents.httpStatus,
        inputTokens: usageEvents.inputTokens,
        outputTokens: usageEvents.outputTokens,
        cost: usageEvents.cost,
        markupPercent: usageEvents.markupPercent,
        price: usageEvents.price,
        latencyMs: usageEvents.latencyMs,
        requestId: usageEvents.requestId,
      })
      .from(usageEvents)
      .innerJoin(tenants, eq(tenants.id, usageEvents.tenantId))
      .innerJoin(models, eq(models.id, usageEvents.modelId))
      .where(w)
      .orderBy(desc(usageEvents.createdAt))
      .limit(limit + 1),
  ]);

  const t = totals[0];
  const revenue = decStr(t?.revenue);
  const cost = decStr(t?.cost);
  return {
    filters: { ...f, ...r },
    options: { tenants: tenantOpts, models: modelOpts, providers: providerOpts },
    totals: {
      requests: num(t?.requests),
      errors: num(t?.errors),
      inputTokens: num(t?.inputTokens),
      outputTokens: num(t?.outputTokens),
      revenue,
      cost,
      margin: dec(revenue).minus(dec(cost)).toFixed(),
    },
    daily: daily.map((d) => ({
      day: dayStr(d.day),
      requests: num(d.requests),
      errors: num(d.errors),
      revenue: decStr(d.revenue),
      cost: decStr(d.cost),
      tokens: num(d.tokens),
    })),
    byModel: byModel.map((m) => ({ modelId: m.modelId, model: m.model, requests: num(m.requests), revenue: decStr(m.revenue), cost: decStr(m.cost) })),
    events: events.slice(0, limit).map((e) => ({
      id: e.id,
      createdAt: isoOrNull(e.createdAt) ?? '',
      tenant: e.tenant,
      tenantId: e.tenantId,
      model: e.model,
      modelId: e.modelId,
      providerId: e.providerId,
      status: e.status,
      httpStatus: e.httpStatus,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      cost: decStr(e.cost),
      markupPercent: decStr(e.markupPercent),
      price: decStr(e.price),
      margin: dec(decStr(e.price))
        .minus(dec(decStr(e.cost)))
        .toFixed(),
      latencyMs: e.latencyMs,
      requestId: e.requestId,
    })),
    eventsTruncated: events.length > limit,
  };
}
