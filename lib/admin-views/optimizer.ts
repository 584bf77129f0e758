/**
 * Price optimizer playground (admin): run lib/pricing/optimizer over the live catalog with the
 * markups in force (platform overrides; for a chosen tenant, only the models that tenant may use,
 * with its tenant+model overrides).
 * The admin result carries cost, markup and margin per candidate (never shown to tenants).
 */
import { loadCatalog, loadPlatformOverrides } from '../catalog/repository';
import { loadTenantCatalog } from '../pricing/service';
import type { Queryable } from '../db/client';
import { NoEligibleModelError } from '../errors';
import { resolveMarkup } from '../pricing/markup';
import { optimizePrice, type OptimizationResult, type ThermalState } from '../pricing/optimizer';
import { optimizerFormSchema } from './schemas';
import { tenants } from '../db/schema';

export interface OptimizerOptions {
  capabilities: string[];
  tenants: Array<{ id: string; name: string }>;
}

export async function getOptimizerOptions(q: Queryable): Promise<OptimizerOptions> {
  const [{ models }, tenantRows] = await Promise.all([loadCatalog(q), q.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(tenants.name)]);
  const caps = new Set<string>();
  for (const m of models) if (m.cost.pricingType === 'per_token' || m.cost.pricingType === 'per_request') m.capabilities.forEach((c) => caps.add(c));
  return { capabilities: [...caps].sort(), tenants: tenantRows };
}

export type OptimizerOutcome = { ok: true; result: OptimizationResult } | { ok: false; reason: string; excluded: Array<{ model: string; reasons: string[] }> };

export async function runOptimizer(q: Queryable, input: unknown): Promise<OptimizerOutcome> {
  const f = optimizerFormSchema.parse(input);
  const [{ models, providers, modelRows }, platform] = await Promise.all([loadCatalog(q), loadPlatformOverrides(q)]);
  const providerOn = new Map(providers.map((p) => [p.id, p.enabled]));
  const thermal = new Map(modelRows.map((r) => [r.id, (r.thermalState ?? null) as ThermalState | null]));
  const now = new Date();
  // For a chosen tenant: exactly the models it may see and buy, with its markups, from the one
  // place that decides (loadTenantCatalog -> tenantMayUse: HIPAA-only providers, model access,
  // providers the gateway cannot call), so the playground never proposes what the tenant's own
  // request would be refused.
  const tenantCatalog = f.tenantId ? await loadTenantCatalog(q, f.tenantId, now) : null;
  const forTenant = tenantCatalog ? new Map(tenantCatalog.entries.map((e) => [e.model.id, e.markup.markupPercent])) : null;
  const candidates = models.map((m) => ({
    model: m,
    markupPercent: forTenant?.get(m.id) ?? resolveMarkup({ model: m, tenantId: null, overrides: platform, at: now }).markupPercent,
    isAvailable: forTenant ? forTenant.has(m.id) : m.enabled && providerOn.get(m.providerId) === true,
    isEstimated: m.costIsEstimated,
    thermalState: thermal.get(m.id) ?? null,
  }));
  try {
    const result = optimizePrice(
      {
        request: {
          estimatedInputTokens: f.estimatedInputTokens,
          estimatedOutputTokens: f.estimatedOutputTokens,
          canUseCaching: f.canUseCaching,
          ...(f.canUseCaching && f.cachedTokenCount !== undefined ? { cachedTokenCount: f.cachedTokenCount } : {}),
          canUseBatch: f.canUseBatch,
          requiresToolCalls: f.requiresToolCalls,
        },
        requiredCapabilities: f.requiredCapabilities,
        pricePreference: f.pricePreference,
        ...(f.minQualityScore !== undefined ? { minQualityScore: f.minQualityScore } : {}),
        includeEstimatedPricing: f.includeEstimatedPricing,
        ...(f.maxPricePerRequest ? { budgetConstraints: { maxPricePerRequest: f.maxPricePerRequest } } : {}),
      },
      candidates,
    );
    return { ok: true, result };
  } catch (err) {
    if (err instanceof NoEligibleModelError) {
      const details = (err as unknown as { details?: { excluded?: Array<{ model: string; reasons: string[] }> } }).details;
      return { ok: false, reason: err.message, excluded: (details?.excluded ?? []).slice(0, 100) };
    }
    throw err;
  }
}
