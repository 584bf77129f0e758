/**
 * The tenant's own usage for the portal: spend by day and by model, requests, tokens, the
 * monthly budget and what is left. PRICE ONLY: these queries never select cost, markup or
 * margin columns, and the result is parsed through a strict schema before it leaves.
 * Run through withTenant (RLS limits every row to the session's tenant; the explicit tenant
 * filter is defence in depth).
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Queryable } from '../db/client';
import { models, tenants, usageEvents } from '../db/schema';
import { dec } from '../pricing/money';
import { dayStr, decStr, isoOrNull, num, startOfUtcMonth, tsParam } from '../db/sql-util';
import { decimalString } from '../platform/schemas';

const money = decimalString;

export const portalUsageSchema = z
  .object({
    currency: z.string(),
    rangeDays: z.number().int(),
    monthToDate: z.object({ spend: money, requests: z.number(), inputTokens: z.number(), outputTokens: z.number() }).strict(),
    budget: z.object({ monthly: money, remaining: money, usedPercent: z.number() }).strict().nullable(),
    daily: z.array(z.object({ day: z.string(), spend: money, requests: z.number(), tokens: z.number() }).strict()),
    byModel: z.array(z.object({ model: z.string(), displayName: z.string(), spend: money, requests: z.number(), tokens: z.number() }).strict()),
    byKey: z.array(z.object({ key: z.string(), spend: money, requests: z.number() }).strict()),
    recent: z.array(
      z
        .object({
          at: z.string(),
          model: z.string(),
          status: z.string(),
          inputTokens: z.number(),
          outputTokens: z.number(),
          price: money,
          requestId: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
export type PortalUsage = z.infer<typeof portalUsageSchema>;

export async function getPortalUsage(q: Queryable, tenantId: string, opts: { days?: number; now?: Date } = {}): Promise<PortalUsage> {
  const now = opts.now ?? new Date();
  const days = Math.min(Math.max(opts.days ?? 30, 1), 366);
  const since = new Date(now.getTime() - days * 86_400_000);
  const monthStart = startOfUtcMonth(now);

  const [[tenant], mtd, daily, byModel, byKey, recent] = await Promise.all([
    q.select({ currency: tenants.currency, monthlyBudget: tenants.monthlyBudget }).from(tenants).where(eq(tenants.id, tenantId)),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT coalesce(sum(price), 0) AS spend, count(*) AS requests, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output
          FROM usage_events WHERE tenant_id = ${tenantId} AND created_at >= ${tsParam(monthStart)}::timestamptz`,
    ),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT (created_at AT TIME ZONE 'UTC')::date AS day, coalesce(sum(price), 0) AS spend, count(*) AS requests,
                 coalesce(sum(input_tokens + output_tokens), 0) AS tokens
          FROM usage_events WHERE tenant_id = ${tenantId} AND created_at >= ${tsParam(since)}::timestamptz GROUP BY 1 ORDER BY 1`,
    ),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT m.name AS model, m.display_name, coalesce(sum(u.price), 0) AS spend, count(*) AS requests,
                 coalesce(sum(u.input_tokens + u.output_tokens), 0) AS tokens
          FROM usage_events u JOIN models m ON m.id = u.model_id
          WHERE u.tenant_id = ${tenantId} AND u.created_at >= ${tsParam(since)}::timestamptz
          GROUP BY m.name, m.display_name ORDER BY sum(u.price) DESC`,
    ),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT coalesce(k.name, 'Other') AS key, coalesce(sum(u.price), 0) AS spend, count(*) AS requests
          FROM usage_events u LEFT JOIN api_keys k ON k.id = u.api_key_id
          WHERE u.tenant_id = ${tenantId} AND u.created_at >= ${tsParam(since)}::timestamptz
          GROUP BY coalesce(k.name, 'Other') ORDER BY sum(u.price) DESC`,
    ),
    q
      .select({
        at: usageEvents.createdAt,
        model: models.name,
        status: usageEvents.status,
        inputTokens: usageEvents.inputTokens,
        outputTokens: usageEvents.outputTokens,
        price: usageEvents.price,
        requestId: usageEvents.requestId,
      })
      .from(usageEvents)
      .innerJoin(models, eq(models.id, usageEvents.modelId))
      .where(and(eq(usageEvents.tenantId, tenantId), gte(usageEvents.createdAt, since)))
      .orderBy(desc(usageEvents.createdAt))
      .limit(200),
  ]);

  const m = mtd[0] ?? {};
  const spend = decStr(m.spend);
  const budget = tenant?.monthlyBudget ? decStr(tenant.monthlyBudget) : null;
  const out: PortalUsage = {
    currency: tenant?.currency ?? 'USD',
    rangeDays: days,
    monthToDate: { spend, requests: num(m.requests), inputTokens: num(m.input), outputTokens: num(m.output) },
    budget:
      budget === null
        ? null
        : {
            monthly: budget,
            remaining: Decimal0(dec(budget).minus(dec(spend))),
            usedPercent: dec(budget).isZero() ? 100 : Math.min(999, dec(spend).div(dec(budget)).times(100).toDecimalPlaces(1).toNumber()),
          },
    daily: daily.map((d) => ({ day: dayStr(d.day), spend: decStr(d.spend), requests: num(d.requests), tokens: num(d.tokens) })),
    byModel: byModel.map((r) => ({
      model: String(r.model),
      displayName: String(r.display_name),
      spend: decStr(r.spend),
      requests: num(r.requests),
      tokens: num(r.tokens),
    })),
    byKey: byKey.map((r) => ({ key: String(r.key), spend: decStr(r.spend), requests: num(r.requests) })),
    recent: recent.map((r) => ({
      at: isoOrNull(r.at) ?? '',
      model: r.model,
      status: r.status,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      price: decStr(r.price),
      requestId: r.requestId,
    })),
  };
  return portalUsageSchema.parse(out);
}

/** Remaining budget never shows below zero. */
function Decimal0(d: ReturnType<typeof dec>): string {
  return d.isNegative() ? '0' : d.toFixed();
}
