/** Catalog changes through the two-person rule: model and provider activation, and a
 * provider's API base URL (critical: the base URL receives our provider credentials). */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { assertOutboundUrl } from '../../platform/outbound';
import type { Tx } from '../../db/client';
import { models, providers } from '../../db/schema';
import { NotFoundError, ValidationError } from '../../errors';
import { defineExecutor, type RegisteredExecutor } from '../executors';

const reason = z.string().trim().max(1000).optional();

export const setModelEnabledPayload = z.object({ modelId: z.string().trim().min(1).max(100), enabled: z.boolean(), reason });
export const setProviderEnabledPayload = z.object({ providerId: z.string().trim().min(1).max(50), enabled: z.boolean(), reason });
export const setProviderBaseUrlPayload = z.object({
  providerId: z.string().trim().min(1).max(50),
  /** http(s) URL, or null to fall back to the provider's built-in default / env override. */
  apiBaseUrl: z
    .string()
    .trim()
    .max(255)
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
      } catch {
        return false;
      }
    }, 'must be an http(s) URL without credentials')
    .nullable(),
  reason,
});

async function loadModel(tx: Tx, id: string, lock = false) {
  const q = tx.select({ id: models.id, enabled: models.enabled }).from(models).where(eq(models.id, id));
  const [m] = lock ? await q.for('update') : await q;
  if (!m) throw new NotFoundError(`Model ${id} does not exist`);
  return m;
}

async function loadProvider(tx: Tx, id: string, lock = false) {
  const q = tx.select({ id: providers.id, enabled: providers.enabled, apiBaseUrl: providers.apiBaseUrl }).from(providers).where(eq(providers.id, id));
  const [p] = lock ? await q.for('update') : await q;
  if (!p) throw new NotFoundError(`Provider ${id} does not exist`);
  return p;
}

export const catalogExecutors: RegisteredExecutor[] = [
  defineExecutor('model.set_enabled', {
    type: 'model_activation',
    defaultRisk: 'medium',
    label: 'Enable or disable a model',
    proposePermission: 'catalog.propose',
    validate: setModelEnabledPayload,
    describe: (p) => `${p.enabled ? 'Enable' : 'Disable'} model ${p.modelId}`,
    async preview(tx, p) {
      const m = await loadModel(tx, p.modelId);
      return [{ resourceType: 'model', resourceId: m.id, before: { enabled: m.enabled }, after: { enabled: p.enabled } }];
    },
    async execute(tx, p, ctx) {
      const m = await loadModel(tx, p.modelId, true);
      if (m.enabled === p.enabled) throw new ValidationError(`Model ${m.id} is already ${p.enabled ? 'enabled' : 'disabled'}`);
      await tx.update(models).set({ enabled: p.enabled, updatedAt: ctx.now }).where(eq(models.id, m.id));
      return [{ resourceType: 'model', resourceId: m.id, oldValues: { enabled: m.enabled }, newValues: { enabled: p.enabled } }];
    },
  }),

  defineExecutor('provider.set_enabled', {
    type: 'provider_change',
    defaultRisk: 'high',
    label: 'Enable or disable a provider',
    proposePermission: 'catalog.propose',
    validate: setProviderEnabledPayload,
    describe: (p) => `${p.enabled ? 'Enable' : 'Disable'} provider ${p.providerId}`,
    async preview(tx, p) {
      const pr = await loadProvider(tx, p.providerId);
      return [{ resourceType: 'provider', resourceId: pr.id, before: { enabled: pr.enabled }, after: { enabled: p.enabled } }];
    },
    async execute(tx, p, ctx) {
      const pr = await loadProvider(tx, p.providerId, true);
      if (pr.enabled === p.enabled) throw new ValidationError(`Provider ${pr.id} is already ${p.enabled ? 'enabled' : 'disabled'}`);
      await tx.update(providers).set({ enabled: p.enabled, updatedAt: ctx.now }).where(eq(providers.id, pr.id));
      return [{ resourceType: 'provider', resourceId: pr.id, oldValues: { enabled: pr.enabled }, newValues: { enabled: p.enabled } }];
    },
  }),

  defineExecutor('provider.set_base_url', {
    type: 'provider_change',
    // The base URL receives the provider credential with every call: pointing it elsewhere
    // could hand our API key to a third party, so a super_admin must approve.
    defaultRisk: 'critical',
    label: "Change a provider's API base URL",
    proposePermission: 'catalog.propose',
    validate: setProviderBaseUrlPayload,
    describe: (p) => `Point provider ${p.providerId} at ${p.apiBaseUrl ?? 'its default base URL'}`,
    async preview(tx, p) {
      const pr = await loadProvider(tx, p.providerId);
      // Not toward the platform's own network (lib/platform/outbound.ts): at proposal and at execution.
      if (p.apiBaseUrl) await assertOutboundUrl(p.apiBaseUrl, { path: 'payload.apiBaseUrl' });
      return [{ resourceType: 'provider', resourceId: pr.id, before: { apiBaseUrl: pr.apiBaseUrl }, after: { apiBaseUrl: p.apiBaseUrl } }];
    },
    async execute(tx, p, ctx) {
      if (p.apiBaseUrl) await assertOutboundUrl(p.apiBaseUrl, { path: 'payload.apiBaseUrl' });
      const pr = await loadProvider(tx, p.providerId, true);
      await tx.update(providers).set({ apiBaseUrl: p.apiBaseUrl, updatedAt: ctx.now }).where(eq(providers.id, pr.id));
      return [{ resourceType: 'provider', resourceId: pr.id, oldValues: { apiBaseUrl: pr.apiBaseUrl }, newValues: { apiBaseUrl: p.apiBaseUrl } }];
    },
  }),
];
