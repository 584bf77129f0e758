/**
 * Markup changes through the two-person rule: the default markups (external / self-hosted),
 * provider, model and tenant+model overrides, and clearing an override. Percents are validated
 * by the pricing engine's `markupPercentSchema` (0..1000, at most 4 decimals, canonical string).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/client';
import { markupOverrides, models, providers, tenantModelAccess, tenants } from '../../db/schema';
import { NotFoundError, ValidationError } from '../../errors';
import { loadPlatformOverrides } from '../../catalog/repository';
import { DEFAULT_MARKUP_PERCENT, markupPercentSchema, resolveMarkup } from '../../pricing/markup';
import { dec } from '../../pricing/money';
import { defineExecutor, type RegisteredExecutor, type ExecutedChange, type ExecutionContext, type PreviewChange } from '../executors';

const reason = z.string().trim().min(1, 'a reason is required').max(1000);
const expiresAt = z.iso.datetime({ offset: true }).nullish();
const providerId = z.string().trim().min(1).max(50);
const modelId = z.string().trim().min(1).max(100);

const DEFAULT_SCOPES = ['default_external', 'default_self_hosted'] as const;
type PlatformScope = 'default_external' | 'default_self_hosted' | 'provider' | 'model';

export const setDefaultMarkupPayload = z.object({
  scope: z.enum(DEFAULT_SCOPES),
  markupPercent: markupPercentSchema,
  reason,
  expiresAt,
});
export const setProviderMarkupPayload = z.object({ providerId, markupPercent: markupPercentSchema, reason, expiresAt });
export const setModelMarkupPayload = z.object({ modelId, markupPercent: markupPercentSchema, reason, expiresAt });
export const setTenantModelMarkupPayload = z.object({
  tenantId: z.uuid(),
  modelId,
  markupPercent: markupPercentSchema,
  reason,
  expiresAt,
});
export const clearMarkupPayload = z
  .object({
    scope: z.enum(['default_external', 'default_self_hosted', 'provider', 'model', 'tenant_model']),
    providerId: providerId.optional(),
    modelId: modelId.optional(),
    tenantId: z.uuid().optional(),
    reason,
  })
  .superRefine((p, c) => {
    const need = (field: 'providerId' | 'modelId' | 'tenantId', required: boolean) => {
      if (required && !p[field]) c.addIssue({ code: 'custom', path: [field], message: `${field} is required for scope ${p.scope}` });
      if (!required && p[field]) c.addIssue({ code: 'custom', path: [field], message: `${field} is not allowed for scope ${p.scope}` });
    };
    need('providerId', p.scope === 'provider');
    need('modelId', p.scope === 'model' || p.scope === 'tenant_model');
    need('tenantId', p.scope === 'tenant_model');
  });

const pct = (v: string | null | undefined) => (v === null || v === undefined ? null : dec(v).toFixed());

function futureDate(iso: string | null | undefined, now: Date): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (d.getTime() <= now.getTime()) {
    throw new ValidationError('expiresAt is already in the past', [{ path: 'payload.expiresAt', message: 'must be in the future' }]);
  }
  return d;
}

interface PlatformTarget {
  scope: PlatformScope;
  providerId: string | null;
  modelId: string | null;
}

function targetId(t: PlatformTarget): string {
  return t.scope === 'provider' ? `provider:${t.providerId}` : t.scope === 'model' ? `model:${t.modelId}` : t.scope;
}

async function findOverride(tx: Tx, t: PlatformTarget, lock: boolean) {
  const q = tx
    .select()
    .from(markupOverrides)
    .where(
      and(
        eq(markupOverrides.scope, t.scope),
        t.providerId === null ? isNull(markupOverrides.providerId) : eq(markupOverrides.providerId, t.providerId),
        t.modelId === null ? isNull(markupOverrides.modelId) : eq(markupOverrides.modelId, t.modelId),
      ),
    );
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

type OverrideRow = typeof markupOverrides.$inferSelect;

function overrideValues(r: OverrideRow | undefined): Record<string, unknown> | null {
  if (!r) return null;
  return { markupPercent: pct(r.markupPercent), reason: r.reason, expiresAt: r.expiresAt, setBy: r.setBy, setAt: r.setAt };
}

async function assertProvider(tx: Tx, id: string) {
  const [p] = await tx.select({ id: providers.id }).from(providers).where(eq(providers.id, id));
  if (!p) throw new NotFoundError(`Provider ${id} does not exist`);
}

async function assertModel(tx: Tx, id: string) {
  const [m] = await tx.select({ id: models.id }).from(models).where(eq(models.id, id));
  if (!m) throw new NotFoundError(`Model ${id} does not exist`);
}

async function assertTenant(tx: Tx, id: string) {
  const [t] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, id));
  if (!t) throw new NotFoundError(`Tenant ${id} does not exist`);
}

function builtInDefault(scope: PlatformScope): Record<string, unknown> | null {
  if (scope === 'default_external') return { markupPercent: DEFAULT_MARKUP_PERCENT.external, source: 'built-in default' };
  if (scope === 'default_self_hosted') return { markupPercent: DEFAULT_MARKUP_PERCENT.selfHosted, source: 'built-in default' };
  return null;
}

/**
 * What would apply to the target WITHOUT its own override (for the "now" column of a preview and
 * for what a removal falls back to): a model inherits its provider's override or the default, a
 * provider the default, a tenant+model the model's platform markup.
 */
async function inherited(tx: Tx, t: { scope: PlatformScope | 'tenant_model'; providerId?: string | null; modelId?: string | null }) {
  if (t.scope === 'default_external' || t.scope === 'default_self_hosted') return builtInDefault(t.scope);
  const overrides = (await loadPlatformOverrides(tx)).filter(
    (o) =>
      !(t.scope === 'model' && o.scope === 'model' && o.modelId === t.modelId) &&
      !(t.scope === 'provider' && o.scope === 'provider' && o.providerId === t.providerId),
  );
  let model: { id: string; providerId: string; isSelfHosted: boolean } | undefined;
  if (t.modelId) {
    [model] = await tx.select({ id: models.id, providerId: models.providerId, isSelfHosted: models.isSelfHosted }).from(models).where(eq(models.id, t.modelId));
  } else if (t.providerId) {
    const [p] = await tx.select({ isSelfHosted: providers.isSelfHosted }).from(providers).where(eq(providers.id, t.providerId));
    if (p) model = { id: '', providerId: t.providerId, isSelfHosted: p.isSelfHosted };
  }
  if (!model) return null;
  const r = resolveMarkup({ model, overrides, at: new Date() });
  return { markupPercent: r.markupPercent.toFixed(), source: `inherited (${r.source})` };
}

async function previewPlatform(tx: Tx, t: PlatformTarget, p: { markupPercent: string; reason: string; expiresAt?: string | null }): Promise<PreviewChange[]> {
  const row = await findOverride(tx, t, false);
  return [
    {
      resourceType: 'markup_override',
      resourceId: targetId(t),
      before: overrideValues(row) ?? (await inherited(tx, t)),
      after: { markupPercent: p.markupPercent, reason: p.reason, expiresAt: p.expiresAt ?? null },
    },
  ];
}

async function setPlatform(
  tx: Tx,
  t: PlatformTarget,
  p: { markupPercent: string; reason: string; expiresAt?: string | null },
  ctx: ExecutionContext,
): Promise<ExecutedChange[]> {
  const exp = futureDate(p.expiresAt, ctx.now);
  const existing = await findOverride(tx, t, true);
  const values = {
    markupPercent: p.markupPercent,
    reason: p.reason,
    expiresAt: exp,
    setBy: ctx.request.initiatedBy,
    setAt: ctx.now,
    approvalRequestId: ctx.request.id,
    updatedAt: ctx.now,
  };
  let row: OverrideRow;
  if (existing) {
    [row] = (await tx.update(markupOverrides).set(values).where(eq(markupOverrides.id, existing.id)).returning()) as [OverrideRow];
  } else {
    [row] = (await tx
      .insert(markupOverrides)
      .values({ scope: t.scope, providerId: t.providerId, modelId: t.modelId, ...values })
      .returning()) as [OverrideRow];
  }
  return [
    {
      resourceType: 'markup_override',
      resourceId: targetId(t),
      oldValues: overrideValues(existing) ?? builtInDefault(t.scope),
      newValues: overrideValues(row),
    },
  ];
}

// ---- tenant + model --------------------------------------------------------------------------

type AccessRow = typeof tenantModelAccess.$inferSelect;

function tenantMarkupValues(r: AccessRow | undefined): Record<string, unknown> | null {
  if (!r || r.markupPercent === null) return null;
  return {
    markupPercent: pct(r.markupPercent),
    reason: r.markupReason,
    expiresAt: r.markupExpiresAt,
    setBy: r.markupSetBy,
    setAt: r.markupSetAt,
  };
}

async function findAccess(tx: Tx, tenantId: string, model: string, lock: boolean) {
  const q = tx
    .select()
    .from(tenantModelAccess)
    .where(and(eq(tenantModelAccess.tenantId, tenantId), eq(tenantModelAccess.modelId, model)));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

// ---- registration ----------------------------------------------------------------------------

export const markupExecutors: RegisteredExecutor[] = [
  defineExecutor('markup.set_default', {
    type: 'billing_change',
    defaultRisk: 'high',
    label: 'Set a default markup',
    proposePermission: 'pricing.propose',
    validate: setDefaultMarkupPayload,
    describe: (p) => `Set the ${p.scope === 'default_external' ? 'external' : 'self-hosted'} default markup to ${p.markupPercent}%`,
    preview: (tx, p) => previewPlatform(tx, { scope: p.scope, providerId: null, modelId: null }, p),
    execute: (tx, p, ctx) => setPlatform(tx, { scope: p.scope, providerId: null, modelId: null }, p, ctx),
  }),

  defineExecutor('markup.set_provider', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: "Set a provider's markup",
    proposePermission: 'pricing.propose',
    validate: setProviderMarkupPayload,
    describe: (p) => `Set the markup of provider ${p.providerId} to ${p.markupPercent}%`,
    async preview(tx, p) {
      await assertProvider(tx, p.providerId);
      return previewPlatform(tx, { scope: 'provider', providerId: p.providerId, modelId: null }, p);
    },
    async execute(tx, p, ctx) {
      await assertProvider(tx, p.providerId);
      return setPlatform(tx, { scope: 'provider', providerId: p.providerId, modelId: null }, p, ctx);
    },
  }),

  defineExecutor('markup.set_model', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: "Set a model's markup",
    proposePermission: 'pricing.propose',
    validate: setModelMarkupPayload,
    describe: (p) => `Set the markup of model ${p.modelId} to ${p.markupPercent}%`,
    async preview(tx, p) {
      await assertModel(tx, p.modelId);
      return previewPlatform(tx, { scope: 'model', providerId: null, modelId: p.modelId }, p);
    },
    async execute(tx, p, ctx) {
      await assertModel(tx, p.modelId);
      return setPlatform(tx, { scope: 'model', providerId: null, modelId: p.modelId }, p, ctx);
    },
  }),

  defineExecutor('markup.set_tenant_model', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: "Set a tenant's markup for one model",
    proposePermission: 'pricing.propose',
    validate: setTenantModelMarkupPayload,
    describe: (p) => `Set tenant ${p.tenantId}'s markup on ${p.modelId} to ${p.markupPercent}%`,
    async preview(tx, p) {
      await assertTenant(tx, p.tenantId);
      await assertModel(tx, p.modelId);
      const row = await findAccess(tx, p.tenantId, p.modelId, false);
      return [
        {
          resourceType: 'tenant_model_markup',
          resourceId: `${p.tenantId}:${p.modelId}`,
          tenantId: p.tenantId,
          before: tenantMarkupValues(row) ?? (await inherited(tx, { scope: 'tenant_model', modelId: p.modelId })),
          after: { markupPercent: p.markupPercent, reason: p.reason, expiresAt: p.expiresAt ?? null },
        },
      ];
    },
    async execute(tx, p, ctx) {
      await assertTenant(tx, p.tenantId);
      await assertModel(tx, p.modelId);
      const exp = futureDate(p.expiresAt, ctx.now);
      const existing = await findAccess(tx, p.tenantId, p.modelId, true);
      const values = {
        markupPercent: p.markupPercent,
        markupReason: p.reason,
        markupExpiresAt: exp,
        markupSetBy: ctx.request.initiatedBy,
        markupSetAt: ctx.now,
        updatedAt: ctx.now,
      };
      const [row] = existing
        ? await tx.update(tenantModelAccess).set(values).where(eq(tenantModelAccess.id, existing.id)).returning()
        : await tx
            .insert(tenantModelAccess)
            .values({ tenantId: p.tenantId, modelId: p.modelId, ...values })
            .returning();
      return [
        {
          resourceType: 'tenant_model_markup',
          resourceId: `${p.tenantId}:${p.modelId}`,
          tenantId: p.tenantId,
          oldValues: tenantMarkupValues(existing),
          newValues: tenantMarkupValues(row),
        },
      ];
    },
  }),

  defineExecutor('markup.clear', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: 'Remove a markup override',
    proposePermission: 'pricing.propose',
    validate: clearMarkupPayload,
    describe: (p) =>
      `Remove the ${p.scope} markup override${p.providerId ? ` of ${p.providerId}` : ''}${p.modelId ? ` of ${p.modelId}` : ''}${
        p.tenantId ? ` for tenant ${p.tenantId}` : ''
      }`,
    async preview(tx, p) {
      if (p.scope === 'tenant_model') {
        const row = await findAccess(tx, p.tenantId!, p.modelId!, false);
        if (!tenantMarkupValues(row)) throw new NotFoundError('There is no such tenant markup override');
        return [
          {
            resourceType: 'tenant_model_markup',
            resourceId: `${p.tenantId}:${p.modelId}`,
            tenantId: p.tenantId ?? null,
            before: tenantMarkupValues(row),
            after: await inherited(tx, { scope: 'tenant_model', modelId: p.modelId ?? null }),
          },
        ];
      }
      const t = { scope: p.scope, providerId: p.providerId ?? null, modelId: p.modelId ?? null };
      const row = await findOverride(tx, t, false);
      if (!row) throw new NotFoundError('There is no such markup override');
      return [{ resourceType: 'markup_override', resourceId: targetId(t), before: overrideValues(row), after: await inherited(tx, t) }];
    },
    async execute(tx, p) {
      if (p.scope === 'tenant_model') {
        const row = await findAccess(tx, p.tenantId!, p.modelId!, true);
        if (!row || !tenantMarkupValues(row)) throw new NotFoundError('There is no such tenant markup override');
        await tx
          .update(tenantModelAccess)
          .set({ markupPercent: null, markupReason: null, markupExpiresAt: null, markupSetBy: null, markupSetAt: null, updatedAt: new Date() })
          .where(eq(tenantModelAccess.id, row.id));
        return [
          {
            resourceType: 'tenant_model_markup',
            resourceId: `${p.tenantId}:${p.modelId}`,
            tenantId: p.tenantId ?? null,
            oldValues: tenantMarkupValues(row),
            newValues: null,
          },
        ];
      }
      const t = { scope: p.scope, providerId: p.providerId ?? null, modelId: p.modelId ?? null };
      const row = await findOverride(tx, t, true);
      if (!row) throw new NotFoundError('There is no such markup override');
      await tx.delete(markupOverrides).where(eq(markupOverrides.id, row.id));
      return [
        {
          resourceType: 'markup_override',
          resourceId: targetId(t),
          oldValues: overrideValues(row),
          newValues: builtInDefault(t.scope),
        },
      ];
    },
  }),
];
