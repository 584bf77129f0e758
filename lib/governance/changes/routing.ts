/**
 * Routing rules through the two-person rule (issue 17): a rule decides which model answers and
 * therefore what tenants are billed, so creating, changing or deleting one is PROPOSED
 * (`routing.save_rule`, `routing.delete_rule`) and applied when a second administrator approves.
 * The preview shows the rule's diff and, for a `route` rule, its price effect: for each model the
 * rule would redirect (up to 25), the price of the reference mix (1M input + 1M output tokens for
 * chat models) before and after, at the markup that applies (the tenant's when the rule is for
 * one tenant), like a markup change's preview.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { models, routingRules, tenants } from '../../db/schema';
import { ROUTING_ACTIONS } from '../../db/schema/gateway';
import { costFromRow, loadPlatformOverrides, loadTenantOverrides, modelFromRow, type ModelRow } from '../../catalog/repository';
import { NotFoundError } from '../../errors';
import { resolveMarkup } from '../../pricing/markup';
import { REFERENCE_MIX_LABEL, referencePrice } from '../../pricing/price';
import { defineExecutor, type PreviewChange, type RegisteredExecutor } from '../executors';

const list = (max: number) => z.array(z.string().trim().min(1).max(100)).max(max).default([]);

export const routingRulePayload = z
  .object({
    id: z.uuid().optional(),
    name: z.string().trim().min(2).max(100),
    description: z.string().trim().max(1000).nullish(),
    priority: z.number().int().min(0).max(10_000),
    enabled: z.boolean(),
    action: z.enum(ROUTING_ACTIONS),
    tenantId: z.uuid().nullish(),
    models: list(100),
    categories: list(50),
    capabilities: list(50),
    targetProvider: z.string().trim().max(50).nullish(),
    targetModel: z.string().trim().max(100).nullish(),
    fallbackModels: list(20),
    rateLimitRpm: z.number().int().min(1).max(1_000_000).nullish(),
    reason: z.string().trim().max(1000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'route' && !v.targetModel && !v.targetProvider)
      ctx.addIssue({ code: 'custom', path: ['targetModel'], message: 'A route rule needs a target model or provider' });
    if (v.action === 'fallback' && v.fallbackModels.length === 0)
      ctx.addIssue({ code: 'custom', path: ['fallbackModels'], message: 'List at least one fallback model' });
    if (v.action === 'rate_limit' && !v.rateLimitRpm)
      ctx.addIssue({ code: 'custom', path: ['rateLimitRpm'], message: 'A rate-limit rule needs requests per minute' });
  });
export type RoutingRulePayload = z.output<typeof routingRulePayload>;

export const deleteRoutingRulePayload = z.object({ id: z.uuid(), reason: z.string().trim().max(1000).optional() });

type RuleRow = typeof routingRules.$inferSelect;

/** The columns of a rule as stored. */
function ruleValues(p: RoutingRulePayload) {
  return {
    name: p.name,
    description: p.description || null,
    priority: p.priority,
    enabled: p.enabled,
    action: p.action,
    tenantId: p.tenantId ?? null,
    conditions: {
      ...(p.models.length ? { models: p.models } : {}),
      ...(p.categories.length ? { categories: p.categories } : {}),
      ...(p.capabilities.length ? { capabilities: p.capabilities } : {}),
      ...(p.tenantId ? { tenantIds: [p.tenantId] } : {}),
    },
    targetProvider: p.targetProvider || null,
    targetModel: p.targetModel || null,
    fallbackModels: p.fallbackModels.length ? p.fallbackModels : null,
    rateLimitRpm: p.action === 'rate_limit' ? (p.rateLimitRpm ?? null) : null,
  };
}
type RuleValues = ReturnType<typeof ruleValues>;

function shown(r: RuleRow | RuleValues | null): Record<string, unknown> | null {
  if (!r) return null;
  const { name, description, priority, enabled, action, tenantId, conditions, targetProvider, targetModel, fallbackModels, rateLimitRpm } = r;
  return { name, description, priority, enabled, action, tenantId, conditions, targetProvider, targetModel, fallbackModels, rateLimitRpm };
}

async function findRule(tx: Tx, id: string, lock: boolean): Promise<RuleRow> {
  const q = tx.select().from(routingRules).where(eq(routingRules.id, id));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new NotFoundError('No such routing rule');
  return row;
}

async function assertTenant(tx: Tx, tenantId: string | null | undefined): Promise<void> {
  if (!tenantId) return;
  const [t] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  if (!t) throw new NotFoundError('No such tenant');
}

const PRICE_EFFECT_LIMIT = 25;

/** Same matching as the router (lib/gateway/router.ts ruleMatches), on catalog rows. */
function matches(r: RuleValues, m: ModelRow): boolean {
  const c = r.conditions as { models?: string[]; categories?: string[]; capabilities?: string[] };
  if (c.models && !c.models.some((n) => n === '*' || n === m.name || n === m.id || (m.aliases ?? []).includes(n))) return false;
  if (c.categories && !c.categories.includes(m.category)) return false;
  if (c.capabilities && !c.capabilities.every((cap) => (m.capabilities ?? []).includes(cap))) return false;
  return true;
}

/**
 * What a `route` rule does to prices: for each model it would redirect, the reference-mix price
 * of the requested model and of the model that would answer. `direction` 'apply' for a new or
 * changed rule, 'remove' for a deletion (before and after swap).
 */
export async function routingPriceEffect(tx: Tx, r: RuleValues, direction: 'apply' | 'remove'): Promise<PreviewChange[]> {
  if (r.action !== 'route' || !r.enabled) return [];
  const rows: ModelRow[] = await tx.select().from(models);
  const byKey = new Map<string, ModelRow>();
  for (const m of rows) {
    byKey.set(m.id, m);
    byKey.set(m.name, m);
  }
  const overrides = [...(await loadPlatformOverrides(tx)), ...(r.tenantId ? await loadTenantOverrides(tx, r.tenantId) : [])];
  const at = new Date();
  const price = (m: ModelRow) => {
    const model = modelFromRow(m);
    const markup = resolveMarkup({
      model: { id: model.id, providerId: model.providerId, isSelfHosted: model.isSelfHosted },
      overrides,
      at,
      tenantId: r.tenantId ?? null,
    });
    return referencePrice(costFromRow(m), markup.markupPercent);
  };
  const targetOf = (m: ModelRow): ModelRow | undefined => {
    if (r.targetModel) return byKey.get(r.targetModel);
    if (r.targetProvider) return rows.find((x) => x.providerId === r.targetProvider && x.providerModelId === m.providerModelId && x.id !== m.id);
    return undefined;
  };
  const out: PreviewChange[] = [];
  for (const m of rows.filter((x) => x.enabled && matches(r, x))) {
    const target = targetOf(m);
    if (!target || target.id === m.id || target.pricingType !== m.pricingType) continue;
    const own = price(m);
    const routed = price(target);
    const [from, to] = direction === 'apply' ? [own, routed] : [routed, own];
    const [fromModel, toModel] = direction === 'apply' ? [m.id, target.id] : [target.id, m.id];
    out.push({
      resourceType: 'price_effect',
      resourceId: `${m.id}`,
      tenantId: r.tenantId ?? null,
      before: { answeredBy: fromModel, price: from.toFixed(), per: REFERENCE_MIX_LABEL[m.pricingType as keyof typeof REFERENCE_MIX_LABEL] },
      after: {
        answeredBy: toModel,
        price: to.toFixed(),
        change: to.minus(from).toFixed(),
        changePercent: from.isZero() ? null : to.minus(from).div(from).times(100).toDecimalPlaces(2).toFixed(),
      },
    });
    if (out.length >= PRICE_EFFECT_LIMIT) break;
  }
  return out;
}

export const routingExecutors: RegisteredExecutor[] = [
  defineExecutor('routing.save_rule', {
    type: 'provider_change',
    defaultRisk: 'medium',
    label: 'Create or change a routing rule',
    proposePermission: 'catalog.propose',
    validate: routingRulePayload,
    describe: (p) => (p.id ? `Change routing rule "${p.name}"` : `Create routing rule "${p.name}" (${p.action})`),
    async preview(tx, p) {
      await assertTenant(tx, p.tenantId);
      const before = p.id ? await findRule(tx, p.id, false) : null;
      const after = ruleValues(p);
      return [
        { resourceType: 'routing_rule', resourceId: p.id ?? 'new', tenantId: p.tenantId ?? null, before: shown(before), after: shown(after) },
        ...(before ? await routingPriceEffect(tx, before as unknown as RuleValues, 'remove') : []),
        ...(await routingPriceEffect(tx, after, 'apply')),
      ];
    },
    async execute(tx, p) {
      await assertTenant(tx, p.tenantId);
      const values = ruleValues(p);
      if (p.id) {
        const old = await findRule(tx, p.id, true);
        await tx
          .update(routingRules)
          .set({ ...values, updatedAt: new Date() })
          .where(eq(routingRules.id, p.id));
        return [{ resourceType: 'routing_rule', resourceId: p.id, oldValues: shown(old), newValues: shown(values) }];
      }
      const [row] = await tx.insert(routingRules).values(values).returning({ id: routingRules.id });
      return [{ resourceType: 'routing_rule', resourceId: row!.id, oldValues: null, newValues: shown(values) }];
    },
  }),

  defineExecutor('routing.delete_rule', {
    type: 'provider_change',
    defaultRisk: 'medium',
    label: 'Delete a routing rule',
    proposePermission: 'catalog.propose',
    validate: deleteRoutingRulePayload,
    describe: (p) => `Delete routing rule ${p.id}`,
    async preview(tx, p) {
      const old = await findRule(tx, p.id, false);
      return [
        { resourceType: 'routing_rule', resourceId: p.id, tenantId: old.tenantId, before: shown(old), after: null },
        ...(await routingPriceEffect(tx, old as unknown as RuleValues, 'remove')),
      ];
    },
    async execute(tx, p) {
      const old = await findRule(tx, p.id, true);
      await tx.delete(routingRules).where(eq(routingRules.id, p.id));
      return [{ resourceType: 'routing_rule', resourceId: p.id, oldValues: shown(old), newValues: null }];
    },
  }),
];
