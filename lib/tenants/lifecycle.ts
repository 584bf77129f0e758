/**
 * A tenant's life in the console: created with its first owner invited in the same step;
 * contact, budget, tax rate, notes and options changed directly (audited, one transaction);
 * tier, suspension, reactivation, cancellation, model access and contract prices proposed as
 * two-person approvals (executors in lib/governance/changes/tenants.ts and markup.ts). Every
 * change that the gateway caches (status, budget, options) drops the tenant's cached keys and
 * configuration on every instance (lib/gateway/invalidation.ts) after it commits.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../db/client';
import { dataRetentionPolicies, hipaaConfig, tenants } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { proposeChange, type ApprovalView } from '../governance/approvals';
import { auditFields, writeAudit } from '../platform/audit';
import type { AdminContext, SystemContext } from '../platform/context';
import { hasPermission } from '../governance/permissions';
import { invalidateTenant } from '../gateway/invalidation';
import { DEFAULT_REQUEST_LOG_RETENTION_DAYS } from '../gateway/state';
import { dec } from '../pricing/money';
import { deliverTenantInvitation, insertTenantInvitation, type TenantInvitationView } from './invitations';
import { createTenantSchema, statusChangeSchema, updateTenantSchema, type CreateTenantInput, type UpdateTenantInput } from './schemas';

function need(ctx: AdminContext, permission: 'tenants.manage' | 'tenants.propose'): void {
  if (!hasPermission(ctx.role, permission)) throw new ForbiddenError(`Your role (${ctx.role}) does not have the ${permission} permission`);
}

export interface CreatedTenant {
  tenant: { id: string; slug: string; name: string };
  owner: TenantInvitationView;
  acceptUrl: string | null;
  delivery: 'smtp' | 'log' | 'test';
}

/** A tenant's row as created (createTenant's input without the owner). */
export type NewTenant = Omit<z.output<typeof createTenantSchema>, 'ownerEmail'>;

/**
 * The one way a tenant comes into being, inside the caller's transaction: the row (status
 * active) and its `tenant.created` audit entry. The console (createTenant: first owner invited)
 * and the self-service sign-up (lib/tenants/signup.ts: first owner registered, e-mail to verify)
 * differ only in how the first owner arrives. A taken slug is a ConflictError on `slug`.
 */
export async function insertTenant(tx: Tx, ctx: AdminContext | SystemContext, data: NewTenant): Promise<{ id: string; slug: string; name: string }> {
  const inserted = await tx
    .insert(tenants)
    .values({
      name: data.name,
      slug: data.slug,
      billingEmail: data.billingEmail,
      currency: data.currency,
      taxRatePercent: data.taxRatePercent,
      tier: data.tier,
      monthlyBudget: data.monthlyBudget,
      notes: data.notes,
      status: 'active',
    })
    .onConflictDoNothing({ target: tenants.slug })
    .returning({ id: tenants.id, slug: tenants.slug, name: tenants.name });
  const t = inserted[0];
  if (!t) throw new ConflictError(`The slug "${data.slug}" is taken`, { details: { field: 'slug' } });
  await writeAudit(tx, {
    ...auditFields(ctx),
    tenantId: t.id,
    action: 'tenant.created',
    resourceType: 'tenant',
    resourceId: t.id,
    newValues: data,
  });
  return t;
}

export async function createTenant({ ctx, input, baseUrl }: { ctx: AdminContext; input: CreateTenantInput; baseUrl?: string }): Promise<CreatedTenant> {
  need(ctx, 'tenants.manage');
  const { ownerEmail, ...data } = createTenantSchema.parse(input);
  const { tenant, row, token } = await withPlatform(async (tx) => {
    const t = await insertTenant(tx, ctx, data);
    const inv = await insertTenantInvitation(tx, ctx, t.id, { email: ownerEmail, role: 'owner' });
    return { tenant: t, ...inv };
  });
  const delivery = await deliverTenantInvitation({ ctx, input: { tenantName: tenant.name, row, token }, baseUrl });
  return {
    tenant,
    owner: { id: row.id, email: row.email, role: row.role, status: 'pending', createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() },
    ...delivery,
  };
}

/** Direct changes (no approval): contact, budget, tax rate, notes, cache, request logging, HIPAA. */
export async function updateTenant({ ctx, tenantId, input }: { ctx: AdminContext; tenantId: string; input: UpdateTenantInput }): Promise<{ id: string }> {
  need(ctx, 'tenants.manage');
  if (!isUuid(tenantId)) throw new NotFoundError('No such tenant');
  const d = updateTenantSchema.parse(input);
  await withPlatform(async (tx) => {
    const [t] = await tx.select().from(tenants).where(eq(tenants.id, tenantId)).for('update');
    if (!t) throw new NotFoundError('No such tenant');
    const settings = { ...t.settings };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const set: Partial<typeof tenants.$inferInsert> = {};
    const col = <K extends 'name' | 'billingEmail' | 'taxRatePercent' | 'monthlyBudget' | 'notes' | 'responseCacheEnabled' | 'requestLoggingEnabled'>(
      k: K,
      v: (typeof tenants.$inferInsert)[K] | undefined,
    ) => {
      if (v === undefined) return;
      const old = t[k] as unknown;
      const numeric = k === 'taxRatePercent' || k === 'monthlyBudget';
      const same = numeric && typeof old === 'string' && typeof v === 'string' ? dec(old).eq(dec(v)) : old === v;
      if (same) return;
      before[k] = old;
      after[k] = v;
      (set as Record<string, unknown>)[k] = v;
    };
    col('name', d.name);
    col('billingEmail', d.billingEmail);
    col('taxRatePercent', d.taxRatePercent);
    col('monthlyBudget', d.monthlyBudget);
    col('notes', d.notes);
    col('responseCacheEnabled', d.responseCacheEnabled);
    col('requestLoggingEnabled', d.requestLoggingEnabled);
    if (d.responseCacheTtlSeconds !== undefined && settings.responseCacheTtlSeconds !== d.responseCacheTtlSeconds) {
      before.responseCacheTtlSeconds = settings.responseCacheTtlSeconds ?? null;
      after.responseCacheTtlSeconds = d.responseCacheTtlSeconds;
      settings.responseCacheTtlSeconds = d.responseCacheTtlSeconds;
      set.settings = settings;
    }
    if (Object.keys(set).length)
      await tx
        .update(tenants)
        .set({ ...set, updatedAt: new Date() })
        .where(eq(tenants.id, tenantId));
    if (d.requestLogRetentionDays !== undefined) {
      const [r] = await tx
        .select({ days: dataRetentionPolicies.retentionDays })
        .from(dataRetentionPolicies)
        .where(and(eq(dataRetentionPolicies.tenantId, tenantId), eq(dataRetentionPolicies.dataType, 'request_logs')));
      if ((r?.days ?? DEFAULT_REQUEST_LOG_RETENTION_DAYS) !== d.requestLogRetentionDays || !r) {
        before.requestLogRetentionDays = r?.days ?? null;
        after.requestLogRetentionDays = d.requestLogRetentionDays;
        await tx
          .insert(dataRetentionPolicies)
          .values({ tenantId, dataType: 'request_logs', retentionDays: d.requestLogRetentionDays, enabled: true, updatedBy: ctx.adminId })
          .onConflictDoUpdate({
            target: [dataRetentionPolicies.tenantId, dataRetentionPolicies.dataType],
            set: { retentionDays: d.requestLogRetentionDays, enabled: true, updatedBy: ctx.adminId, updatedAt: sql`now()` },
          });
      }
    }
    if (d.hipaaOnlyProviders !== undefined) {
      const [h] = await tx.select().from(hipaaConfig).where(eq(hipaaConfig.tenantId, tenantId));
      const was = Boolean(h?.enabled && h.restrictToHipaaProviders);
      if (was !== d.hipaaOnlyProviders) {
        before.hipaaOnlyProviders = was;
        after.hipaaOnlyProviders = d.hipaaOnlyProviders;
        await tx
          .insert(hipaaConfig)
          .values({ tenantId, enabled: d.hipaaOnlyProviders, restrictToHipaaProviders: true })
          .onConflictDoUpdate({ target: hipaaConfig.tenantId, set: { enabled: d.hipaaOnlyProviders, restrictToHipaaProviders: true, updatedAt: sql`now()` } });
      }
    }
    if (!Object.keys(after).length) return;
    await writeAudit(tx, {
      ...auditFields(ctx),
      tenantId,
      action: 'tenant.updated',
      resourceType: 'tenant',
      resourceId: tenantId,
      oldValues: before,
      newValues: after,
    });
  });
  invalidateTenant(tenantId);
  return { id: tenantId };
}

/** Suspend, reactivate or cancel: proposed here, applied when a second administrator approves. */
export async function proposeTenantStatus({ ctx, input }: { ctx: AdminContext; input: unknown }): Promise<ApprovalView> {
  need(ctx, 'tenants.propose');
  const p = statusChangeSchema.parse(input);
  return proposeChange({
    ctx,
    input: { action: 'tenant.set_status', payload: p, description: p.reason, rollbackPlan: p.change === 'suspend' ? 'Propose reactivation' : undefined },
  });
}
