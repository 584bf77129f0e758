/**
 * Tenant changes through the two-person rule: tier (1..5: rate limits and price tier), status
 * (suspend / reactivate / cancel) and per-model access (enable/disable, rpm/tpm). Each returned
 * change carries the tenantId, so after commit the gateway drops that tenant's cached keys and
 * configuration on every instance (executor-registry.ts -> invalidateTenant): a suspended
 * tenant's keys answer 403 on the next request.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { models, tenantModelAccess, tenants } from '../../db/schema';
import { InvalidStateError, NotFoundError, ValidationError } from '../../errors';
import { defineExecutor, type RegisteredExecutor } from '../executors';

export const setTenantTierPayload = z.object({
  tenantId: z.uuid(),
  tier: z.number().int().min(1).max(5),
  reason: z.string().trim().max(1000).optional(),
});

export const setTenantStatusPayload = z.object({
  tenantId: z.uuid(),
  change: z.enum(['suspend', 'reactivate', 'cancel']),
  reason: z.string().trim().min(1).max(1000),
});

const TARGET = { suspend: 'suspended', reactivate: 'active', cancel: 'cancelled' } as const;
/** Which statuses each change may start from (a cancelled tenant stays cancelled). */
const FROM = { suspend: ['active'], reactivate: ['suspended'], cancel: ['active', 'suspended'] } as const;

export const setTenantModelAccessPayload = z.object({
  tenantId: z.uuid(),
  modelId: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  rateLimitRpm: z.number().int().min(1).max(10_000_000).nullable().default(null),
  rateLimitTpm: z.number().int().min(1).max(2_000_000_000).nullable().default(null),
  reason: z.string().trim().max(1000).optional(),
});

export const tenantExecutors: RegisteredExecutor[] = [
  defineExecutor('tenant.set_status', {
    type: 'billing_change',
    defaultRisk: 'high',
    label: 'Suspend, reactivate or cancel a tenant',
    proposePermission: 'tenants.propose',
    validate: setTenantStatusPayload,
    riskFor: (p) => (p.change === 'cancel' ? 'high' : p.change === 'suspend' ? 'high' : 'medium'),
    describe: (p) => `${p.change[0]!.toUpperCase()}${p.change.slice(1)} tenant ${p.tenantId}`,
    async preview(tx, p) {
      const [t] = await tx.select({ id: tenants.id, slug: tenants.slug, status: tenants.status }).from(tenants).where(eq(tenants.id, p.tenantId));
      if (!t) throw new NotFoundError('No such tenant');
      return [
        {
          resourceType: 'tenant',
          resourceId: t.id,
          tenantId: t.id,
          before: { slug: t.slug, status: t.status },
          after: { slug: t.slug, status: TARGET[p.change] },
        },
      ];
    },
    async execute(tx, p, ctx) {
      const [t] = await tx.select({ id: tenants.id, slug: tenants.slug, status: tenants.status }).from(tenants).where(eq(tenants.id, p.tenantId)).for('update');
      if (!t) throw new NotFoundError('No such tenant');
      if (!(FROM[p.change] as readonly string[]).includes(t.status)) {
        throw new InvalidStateError(`Tenant ${t.slug} is ${t.status}: it cannot be ${TARGET[p.change] === 'active' ? 'reactivated' : TARGET[p.change]}`);
      }
      const to = TARGET[p.change];
      await tx
        .update(tenants)
        .set({
          status: to,
          updatedAt: ctx.now,
          ...(to === 'suspended' ? { suspendedAt: ctx.now } : {}),
          ...(to === 'active' ? { suspendedAt: null } : {}),
          ...(to === 'cancelled' ? { cancelledAt: ctx.now } : {}),
        })
        .where(eq(tenants.id, t.id));
      return [
        {
          resourceType: 'tenant',
          resourceId: t.id,
          tenantId: t.id,
          oldValues: { slug: t.slug, status: t.status },
          newValues: { slug: t.slug, status: to, reason: p.reason },
        },
      ];
    },
  }),

  defineExecutor('tenant.set_model_access', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: "Change a tenant's access to a model",
    proposePermission: 'tenants.propose',
    validate: setTenantModelAccessPayload,
    describe: (p) => `${p.enabled ? 'Allow' : 'Block'} ${p.modelId} for tenant ${p.tenantId}`,
    async preview(tx, p) {
      const [m] = await tx.select({ id: models.id }).from(models).where(eq(models.id, p.modelId));
      if (!m) throw new NotFoundError(`Model ${p.modelId} does not exist`);
      const [t] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, p.tenantId));
      if (!t) throw new NotFoundError('No such tenant');
      const [a] = await tx
        .select()
        .from(tenantModelAccess)
        .where(and(eq(tenantModelAccess.tenantId, p.tenantId), eq(tenantModelAccess.modelId, p.modelId)));
      return [
        {
          resourceType: 'tenant_model_access',
          resourceId: `${p.tenantId}:${p.modelId}`,
          tenantId: p.tenantId,
          before: a ? { enabled: a.enabled, rateLimitRpm: a.rateLimitRpm, rateLimitTpm: a.rateLimitTpm } : null,
          after: { enabled: p.enabled, rateLimitRpm: p.rateLimitRpm, rateLimitTpm: p.rateLimitTpm },
        },
      ];
    },
    async execute(tx, p, ctx) {
      const [m] = await tx.select({ id: models.id }).from(models).where(eq(models.id, p.modelId));
      if (!m) throw new NotFoundError(`Model ${p.modelId} does not exist`);
      const [a] = await tx
        .select()
        .from(tenantModelAccess)
        .where(and(eq(tenantModelAccess.tenantId, p.tenantId), eq(tenantModelAccess.modelId, p.modelId)))
        .for('update');
      const next = { enabled: p.enabled, rateLimitRpm: p.rateLimitRpm, rateLimitTpm: p.rateLimitTpm };
      if (a)
        await tx
          .update(tenantModelAccess)
          .set({ ...next, updatedAt: ctx.now })
          .where(eq(tenantModelAccess.id, a.id));
      else await tx.insert(tenantModelAccess).values({ tenantId: p.tenantId, modelId: p.modelId, ...next });
      return [
        {
          resourceType: 'tenant_model_access',
          resourceId: `${p.tenantId}:${p.modelId}`,
          tenantId: p.tenantId,
          oldValues: a ? { enabled: a.enabled, rateLimitRpm: a.rateLimitRpm, rateLimitTpm: a.rateLimitTpm } : null,
          newValues: next,
        },
      ];
    },
  }),

  defineExecutor('tenant.set_tier', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: "Change a tenant's tier",
    proposePermission: 'tenants.propose',
    validate: setTenantTierPayload,
    describe: (p) => `Move tenant ${p.tenantId} to tier ${p.tier}`,
    async preview(tx, p) {
      const [t] = await tx.select({ id: tenants.id, slug: tenants.slug, tier: tenants.tier }).from(tenants).where(eq(tenants.id, p.tenantId));
      if (!t) throw new NotFoundError('No such tenant');
      return [{ resourceType: 'tenant', resourceId: t.id, tenantId: t.id, before: { slug: t.slug, tier: t.tier }, after: { slug: t.slug, tier: p.tier } }];
    },
    async execute(tx, p, ctx) {
      const [t] = await tx.select({ id: tenants.id, slug: tenants.slug, tier: tenants.tier }).from(tenants).where(eq(tenants.id, p.tenantId)).for('update');
      if (!t) throw new NotFoundError('No such tenant');
      if (t.tier === p.tier) throw new ValidationError(`Tenant ${t.slug} is already on tier ${p.tier}`);
      await tx.update(tenants).set({ tier: p.tier, updatedAt: ctx.now }).where(eq(tenants.id, t.id));
      return [
        { resourceType: 'tenant', resourceId: t.id, tenantId: t.id, oldValues: { slug: t.slug, tier: t.tier }, newValues: { slug: t.slug, tier: p.tier } },
      ];
    },
  }),
];
