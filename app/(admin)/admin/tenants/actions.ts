'use server';

import { z } from 'zod';
import { runAction } from '@/lib/http/action';
import { requireAdmin } from '@/lib/auth/session';
import { proposeChange } from '@/lib/governance/approvals';
import { inviteTenantUser } from '@/lib/tenants/invitations';
import { createTenant, proposeTenantStatus, updateTenant } from '@/lib/tenants/lifecycle';
import { requestOrigin } from '@/lib/tenants/origin';
import { changePersonRole, removePerson, transferOwnership } from '@/lib/tenants/people';

const tierSchema = z.object({ tenantId: z.uuid(), tier: z.number().int().min(1).max(5), reason: z.string().trim().max(1000).optional() });
const tenantIdOf = (input: unknown) => z.object({ tenantId: z.uuid() }).parse(input).tenantId;
const bool = (v: unknown) => v === true || v === 'true' || v === 'on';

export async function proposeTierAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.propose');
    const p = tierSchema.parse(input);
    const v = await proposeChange({
      ctx,
      input: {
        action: 'tenant.set_tier',
        payload: { tenantId: p.tenantId, tier: p.tier, ...(p.reason ? { reason: p.reason } : {}) },
        ...(p.reason ? { description: p.reason } : {}),
      },
    });
    return { id: v.id, title: v.title };
  });
}

export async function createTenantAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.manage');
    const r = await createTenant({ ctx, input: input as never, baseUrl: await requestOrigin() });
    return { tenantId: r.tenant.id, name: r.tenant.name, email: r.owner.email, acceptUrl: r.acceptUrl };
  }, 'Tenant created.');
}

export async function updateTenantAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.manage');
    const { tenantId, ...rest } = input as Record<string, unknown>;
    const fields: Record<string, unknown> = { ...rest };
    for (const k of ['responseCacheEnabled', 'requestLoggingEnabled', 'hipaaOnlyProviders']) if (k in fields) fields[k] = bool(fields[k]);
    for (const k of ['responseCacheTtlSeconds', 'requestLogRetentionDays']) if (fields[k] === '') delete fields[k];
    await updateTenant({ ctx, tenantId: tenantIdOf({ tenantId }), input: fields as never });
    return null;
  }, 'Saved.');
}

export async function proposeStatusAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.propose');
    const v = await proposeTenantStatus({ ctx, input });
    return { id: v.id, title: v.title };
  });
}

const accessSchema = z.object({
  tenantId: z.uuid(),
  modelId: z.string().trim().min(1, 'choose a model').max(100),
  enabled: z.preprocess((v) => v === true || v === 'true' || v === 'allow', z.boolean()),
  rateLimitRpm: z.preprocess((v) => (v === '' || v === undefined ? null : Number(v)), z.number().int().min(1).nullable()),
  rateLimitTpm: z.preprocess((v) => (v === '' || v === undefined ? null : Number(v)), z.number().int().min(1).nullable()),
  reason: z.string().trim().max(1000).optional(),
});

export async function proposeModelAccessAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.propose');
    const p = accessSchema.parse(input);
    const v = await proposeChange({ ctx, input: { action: 'tenant.set_model_access', payload: p, ...(p.reason ? { description: p.reason } : {}) } });
    return { id: v.id, title: v.title };
  });
}

const contractSchema = z.object({
  tenantId: z.uuid(),
  modelId: z.string().trim().min(1, 'choose a model').max(100),
  markupPercent: z.string().trim().min(1, 'enter a markup percent'),
  expiresOn: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()),
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
});

/** A contract price = a tenant+model markup with an optional expiry (markup.set_tenant_model). */
export async function proposeContractPriceAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('pricing.propose');
    const p = contractSchema.parse(input);
    const v = await proposeChange({
      ctx,
      input: {
        action: 'markup.set_tenant_model',
        payload: {
          tenantId: p.tenantId,
          modelId: p.modelId,
          markupPercent: p.markupPercent,
          reason: p.reason,
          expiresAt: p.expiresOn ? `${p.expiresOn}T23:59:59Z` : null,
        },
        description: p.reason,
      },
    });
    return { id: v.id, title: v.title };
  });
}

export async function inviteTenantUserAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.manage');
    const r = await inviteTenantUser({ ctx, input: input as never, baseUrl: await requestOrigin() });
    return { email: r.invitation.email, acceptUrl: r.acceptUrl };
  });
}

export async function changeRoleAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.manage');
    await changePersonRole({ ctx, input });
    return null;
  }, 'Role changed.');
}

export async function removePersonAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.manage');
    await removePerson({ ctx, input });
    return null;
  }, 'Removed.');
}

export async function transferOwnershipAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.manage');
    await transferOwnership({ ctx, input });
    return null;
  }, 'Ownership transferred.');
}
