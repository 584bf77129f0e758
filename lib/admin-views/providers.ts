/**
 * Providers (admin): health from live traffic (provider_health, written by the gateway) and the
 * last 24 h of usage_events as a cross-check, enabled state and base URL (changed through
 * approvals: provider.set_enabled / provider.set_base_url), content-policy rejection stats, and
 * the routing rules.
 *
 * Routing rules are PROPOSED (routing.save_rule / routing.delete_rule, approved by a second
 * administrator with a preview of the price effect): a rule decides which model answers and so
 * what tenants are billed (issue 17); an outage is handled by provider cooldowns and fallbacks,
 * not by one person's unreviewed rule.
 */
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { models, providerHealth, providers, routingRules, tenants } from '../db/schema';
import { ForbiddenError } from '../errors';
import { proposeChange } from '../governance/approvals';
import type { AdminContext } from '../platform/context';
import { hasPermission } from '../governance/permissions';
import { providerBaseUrlSchema, providerToggleSchema, routingRuleSchema } from './schemas';
import { decStr, isoOrNull, num, tsParam } from '../db/sql-util';
import { providerNotServedReason } from '../catalog/not-served';

export interface ProviderRow {
  id: string;
  name: string;
  category: string;
  enabled: boolean;
  isSelfHosted: boolean;
  wireFormat: string;
  /** Why the gateway cannot call this provider (not offered to tenants), or null. */
  notServedReason: string | null;
  apiBaseUrl: string | null;
  models: number;
  enabledModels: number;
  health: {
    status: string;
    /** live = the gateway's health tracker; traffic = derived from the last 24 h of usage. */
    source: 'live' | 'traffic' | 'none';
    latencyMs: number | null;
    errorRatePercent: string | null;
    consecutiveFailures: number;
    cooldownUntil: string | null;
    lastCheckAt: string | null;
    lastError: string | null;
  };
  traffic24h: { requests: number; errors: number; errorRatePercent: string; avgLatencyMs: number | null };
  rejections30d: number;
}

export interface RoutingRuleRow {
  id: string;
  name: string;
  description: string | null;
  priority: number;
  enabled: boolean;
  action: string;
  tenantId: string | null;
  tenant: string | null;
  conditions: { models: string[]; categories: string[]; capabilities: string[] };
  targetProvider: string | null;
  targetModel: string | null;
  fallbackModels: string[];
  rateLimitRpm: number | null;
  updatedAt: string;
}

export interface ProvidersPageData {
  providers: ProviderRow[];
  rules: RoutingRuleRow[];
  rejectionsByModel: Array<{ modelId: string; providerId: string; rejections: number; fallbackSuccesses: number }>;
  tenants: Array<{ id: string; name: string }>;
}

function conditionsOf(c: unknown): RoutingRuleRow['conditions'] {
  const o = (c ?? {}) as Record<string, unknown>;
  const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return { models: arr(o.models), categories: arr(o.categories), capabilities: arr(o.capabilities) };
}

export async function getProvidersPage(q: Queryable, now = new Date()): Promise<ProvidersPageData> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
  const [provs, health, modelCounts, traffic, rejections, rules, rejByModel, tenantRows] = await Promise.all([
    q.select().from(providers).orderBy(providers.displayName),
    q.select().from(providerHealth).where(eq(providerHealth.region, 'default')),
    q
      .select({ providerId: models.providerId, n: sql<number>`count(*)`, enabled: sql<number>`count(*) filter (where ${models.enabled})` })
      .from(models)
      .groupBy(models.providerId),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT provider_id, count(*) AS requests, count(*) FILTER (WHERE status = 'error') AS errors, avg(latency_ms) AS latency
          FROM usage_events WHERE created_at >= ${tsParam(dayAgo)}::timestamptz GROUP BY provider_id`,
    ),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT provider_id, coalesce(sum(rejection_count), 0) AS n FROM model_rejection_stats WHERE day >= ${monthAgo.toISOString().slice(0, 10)} GROUP BY provider_id`,
    ),
    q
      .select({ r: routingRules, tenant: tenants.name })
      .from(routingRules)
      .leftJoin(tenants, eq(tenants.id, routingRules.tenantId))
      .orderBy(routingRules.priority, routingRules.name),
    queryRows<Record<string, unknown>>(
      q,
      sql`SELECT model_id, provider_id, coalesce(sum(rejection_count), 0) AS n, coalesce(sum(fallback_success_count), 0) AS ok
          FROM model_rejection_stats WHERE day >= ${monthAgo.toISOString().slice(0, 10)}
          GROUP BY model_id, provider_id ORDER BY sum(rejection_count) DESC LIMIT 50`,
    ),
    q.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(tenants.name),
  ]);
  const h = new Map(health.map((x) => [x.providerId, x]));
  const mc = new Map(modelCounts.map((x) => [x.providerId, x]));
  const tr = new Map(traffic.map((x) => [String(x.provider_id), x]));
  const rj = new Map(rejections.map((x) => [String(x.provider_id), num(x.n)]));

  return {
    providers: provs.map((p) => {
      const hx = h.get(p.id);
      const t = tr.get(p.id);
      const requests = num(t?.requests);
      const errors = num(t?.errors);
      const cooling = hx?.cooldownUntil && hx.cooldownUntil.getTime() > now.getTime();
      return {
        id: p.id,
        name: p.displayName,
        category: p.category,
        enabled: p.enabled,
        isSelfHosted: p.isSelfHosted,
        wireFormat: p.wireFormat,
        notServedReason: providerNotServedReason(p),
        apiBaseUrl: p.apiBaseUrl,
        models: num(mc.get(p.id)?.n),
        enabledModels: num(mc.get(p.id)?.enabled),
        health: {
          // No row from the gateway's health tracker yet: judge from the last 24 h of metered traffic.
          status: !p.enabled
            ? 'disabled'
            : cooling
              ? 'cooldown'
              : hx && hx.status !== 'unknown'
                ? hx.status
                : requests === 0
                  ? 'unknown'
                  : errors / requests > 0.25
                    ? 'unhealthy'
                    : errors / requests > 0.05
                      ? 'degraded'
                      : 'healthy',
          source: hx && hx.status !== 'unknown' ? ('live' as const) : requests ? ('traffic' as const) : ('none' as const),
          latencyMs: hx?.latencyMs ?? null,
          errorRatePercent: hx?.errorRate === null || hx?.errorRate === undefined ? null : decStr(hx.errorRate),
          consecutiveFailures: hx?.consecutiveFailures ?? 0,
          cooldownUntil: isoOrNull(hx?.cooldownUntil),
          lastCheckAt: isoOrNull(hx?.lastCheckAt),
          lastError: hx?.lastError ?? null,
        },
        traffic24h: {
          requests,
          errors,
          errorRatePercent: requests ? ((errors / requests) * 100).toFixed(1) : '0',
          avgLatencyMs: t?.latency === null || t?.latency === undefined ? null : Math.round(Number(t.latency)),
        },
        rejections30d: rj.get(p.id) ?? 0,
      };
    }),
    rules: rules.map(({ r, tenant }) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      priority: r.priority,
      enabled: r.enabled,
      action: r.action,
      tenantId: r.tenantId,
      tenant: tenant ?? null,
      conditions: conditionsOf(r.conditions),
      targetProvider: r.targetProvider,
      targetModel: r.targetModel,
      fallbackModels: r.fallbackModels ?? [],
      rateLimitRpm: r.rateLimitRpm,
      updatedAt: isoOrNull(r.updatedAt) ?? '',
    })),
    rejectionsByModel: rejByModel.map((r) => ({
      modelId: String(r.model_id),
      providerId: String(r.provider_id),
      rejections: num(r.n),
      fallbackSuccesses: num(r.ok),
    })),
    tenants: tenantRows,
  };
}

// ---- changes through approval ------------------------------------------------------------

export async function proposeProviderEnabled({ ctx, input }: { ctx: AdminContext; input: unknown }) {
  const p = providerToggleSchema.parse(input);
  const v = await proposeChange({
    ctx,
    input: { action: 'provider.set_enabled', payload: { providerId: p.providerId, enabled: p.enabled, reason: p.reason }, description: p.reason },
  });
  return { id: v.id, title: v.title };
}

export async function proposeProviderBaseUrl({ ctx, input }: { ctx: AdminContext; input: unknown }) {
  const p = providerBaseUrlSchema.parse(input);
  const v = await proposeChange({
    ctx,
    input: {
      action: 'provider.set_base_url',
      payload: { providerId: p.providerId, apiBaseUrl: p.apiBaseUrl === '' ? null : p.apiBaseUrl, reason: p.reason },
      description: p.reason,
    },
  });
  return { id: v.id, title: v.title };
}

// ---- routing rules: proposals (lib/governance/changes/routing.ts) ---------------------------

function requireRoutingPermission(ctx: AdminContext) {
  if (!hasPermission(ctx.role, 'catalog.propose')) throw new ForbiddenError(`Your role (${ctx.role}) cannot propose routing rules`);
}

/** Proposes creating or changing a routing rule: it takes effect when a second administrator
 * approves it (routing decides which model answers, hence what tenants pay). */
export async function saveRoutingRule({ ctx, input }: { ctx: AdminContext; input: unknown }) {
  requireRoutingPermission(ctx);
  const p = routingRuleSchema.parse(input);
  const payload = {
    ...(p.id ? { id: p.id } : {}),
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    priority: p.priority,
    enabled: p.enabled,
    action: p.action,
    ...(p.tenantId ? { tenantId: p.tenantId } : {}),
    models: p.models,
    categories: p.categories,
    capabilities: p.capabilities,
    ...(p.targetProvider ? { targetProvider: p.targetProvider } : {}),
    ...(p.targetModel ? { targetModel: p.targetModel } : {}),
    fallbackModels: p.fallbackModels,
    ...(p.action === 'rate_limit' && p.rateLimitRpm ? { rateLimitRpm: p.rateLimitRpm } : {}),
  };
  const v = await proposeChange({ ctx, input: { action: 'routing.save_rule', payload } });
  return { id: v.id, title: v.title };
}

/** Proposes deleting a routing rule (applied on approval). */
export async function deleteRoutingRule({ ctx, id }: { ctx: AdminContext; id: string }) {
  requireRoutingPermission(ctx);
  const v = await proposeChange({ ctx, input: { action: 'routing.delete_rule', payload: { id } } });
  return { id: v.id, title: v.title };
}
