/**
 * The catalog as stored: database rows -> the pricing engine's types. Costs come out of NUMERIC
 * columns as strings and stay strings (exact) into ModelCost.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { markupOverrides, models, providers, tenantModelAccess } from '../db/schema';
import type { MarkupOverride } from '../pricing/markup';
import type { CatalogModel, CatalogProvider, ModelCost } from './types';

export type ModelRow = typeof models.$inferSelect;
export type ProviderRow = typeof providers.$inferSelect;

export function costFromRow(r: ModelRow): ModelCost {
  return {
    pricingType: r.pricingType,
    inputPer1k: r.inputCostPer1k,
    outputPer1k: r.outputCostPer1k,
    cachedInputPer1k: r.cachedInputCostPer1k,
    longContextThreshold: r.longContextThreshold,
    longContextInputPer1k: r.longContextInputCostPer1k,
    longContextOutputPer1k: r.longContextOutputCostPer1k,
    batchDiscountPercent: r.batchDiscountPercent,
    perImage: r.costPerImage,
    perSecond: r.costPerSecond,
    perMinute: r.costPerMinute,
    perRequest: r.costPerRequest,
    perToolCall: r.costPerToolCall,
    per1kCharacters: r.costPer1kCharacters,
    warmupCost: r.warmupCost,
    warmupSeconds: r.warmupSeconds,
  };
}

export function modelFromRow(r: ModelRow): CatalogModel {
  return {
    id: r.id,
    providerId: r.providerId,
    providerModelId: r.providerModelId,
    litellmId: r.litellmId,
    name: r.name,
    aliases: r.aliases,
    displayName: r.displayName,
    description: r.description ?? '',
    category: r.category,
    capabilities: r.capabilities,
    contextWindow: r.contextWindow,
    maxOutput: r.maxOutput,
    inputModalities: r.inputModalities,
    outputModalities: r.outputModalities,
    cost: costFromRow(r),
    costSource: r.costSource,
    costIsEstimated: r.costIsEstimated,
    qualityScore: r.qualityScore,
    family: r.family,
    releaseDate: r.releaseDate,
    isSelfHosted: r.isSelfHosted,
    deprecated: r.deprecated,
    enabled: r.enabled,
  };
}

export function providerFromRow(r: ProviderRow): CatalogProvider {
  return {
    id: r.id,
    name: r.name,
    displayName: r.displayName,
    category: r.category,
    description: r.description ?? '',
    website: r.website ?? '',
    apiBaseUrl: r.apiBaseUrl ?? '',
    authType: r.authType as CatalogProvider['authType'],
    apiKeyEnv: r.apiKeyEnv ?? '',
    wireFormat: r.wireFormat,
    isSelfHosted: r.isSelfHosted,
    enabled: r.enabled,
    regions: r.regions,
    features: r.features,
    compliance: r.compliance,
    rateLimitRpm: r.rateLimitRpm,
    rateLimitTpm: r.rateLimitTpm,
  };
}

export interface LoadedCatalog {
  models: CatalogModel[];
  providers: CatalogProvider[];
  /** Raw rows, for admin views that need timestamps, thermal state, estimate details. */
  modelRows: ModelRow[];
}

export async function loadCatalog(q: Queryable): Promise<LoadedCatalog> {
  const [modelRows, providerRows] = await Promise.all([
    q.select().from(models).orderBy(models.providerId, models.name),
    q.select().from(providers).orderBy(providers.id),
  ]);
  return { models: modelRows.map(modelFromRow), providers: providerRows.map(providerFromRow), modelRows };
}

/** Platform-level overrides (defaults, provider, model). */
export async function loadPlatformOverrides(q: Queryable): Promise<MarkupOverride[]> {
  const rows = await q.select().from(markupOverrides);
  return rows.map((r) => ({
    scope: r.scope,
    ...(r.providerId ? { providerId: r.providerId } : {}),
    ...(r.modelId ? { modelId: r.modelId } : {}),
    markupPercent: r.markupPercent,
    setBy: r.setBy ?? 'system',
    setAt: r.setAt,
    reason: r.reason,
    expiresAt: r.expiresAt,
  }));
}

/** Tenant+model overrides for one tenant (or all tenants on the platform path when tenantId is null). */
export async function loadTenantOverrides(q: Queryable, tenantId: string | null): Promise<MarkupOverride[]> {
  const where = tenantId
    ? and(eq(tenantModelAccess.tenantId, tenantId), isNotNull(tenantModelAccess.markupPercent))
    : isNotNull(tenantModelAccess.markupPercent);
  const rows = await q.select().from(tenantModelAccess).where(where);
  return rows.map((r) => ({
    scope: 'tenant_model' as const,
    tenantId: r.tenantId,
    modelId: r.modelId,
    markupPercent: r.markupPercent!,
    setBy: r.markupSetBy ?? 'system',
    setAt: r.markupSetAt ?? r.updatedAt,
    reason: r.markupReason ?? '',
    expiresAt: r.markupExpiresAt,
  }));
}
