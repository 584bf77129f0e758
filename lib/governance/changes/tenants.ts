/** A tenant's tier (1..5: rate limits and price tier), changed through an approval. */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tenants } from '../../db/schema';
import { NotFoundError, ValidationError } from '../../errors';
import { defineExecutor, type RegisteredExecutor } from '../executors';

export const setTenantTierPayload = z.object({
  tenantId: z.uuid(),
  tier: z.number().int().min(1).max(5),
  reason: z.string().trim().max(1000).optional(),
});

export const tenantExecutors: RegisteredExecutor[] = [
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
      const [t] = await tx
        .select({ id: tenants.id, slug: tenants.slug, tier: tenants.tier })
        .from(tenants)
        .where(eq(tenants.id, p.tenantId))
        .for('update');
      if (!t) throw new NotFoundError('No such tenant');
      if (t.tier === p.tier) throw new ValidationError(`Tenant ${t.slug} is already on tier ${p.tier}`);
      await tx.update(tenants).set({ tier: p.tier, updatedAt: ctx.now }).where(eq(tenants.id, t.id));
      return [{ resourceType: 'tenant', resourceId: t.id, tenantId: t.id, oldValues: { slug: t.slug, tier: t.tier }, newValues: { slug: t.slug, tier: p.tier } }];
    },
  }),
];
