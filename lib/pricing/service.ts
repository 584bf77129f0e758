/**
 * The pricing engine over the stored catalog: the admin view (cost, markup and its source,
 * price, margin, estimate details) and the client view (price only) for every model, and the
 * estimated-cost refresh that fills in models whose cost is not published.
 *
 * Callers pass a transaction from withPlatform (admin) or withTenant (tenant views); nothing
 * here chooses the database role.
 */
import crypto from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { estimatedCostAlerts, hipaaConfig, modelCostHistory, models, tenantModelAccess } from '../db/schema';
import { hipaaOnlyFrom, tenantMayUse } from '../catalog/visibility';
import { loadCatalog, loadPlatformOverrides, loadTenantOverrides, type ModelRow } from '../catalog/repository';
import { costColumns } from '../catalog/sync';
import { z } from 'zod';
import { MODEL_CATEGORIES, type CatalogModel, type ModelCategory } from '../catalog/types';
import { NotFoundError } from '../errors';
import { alertRecommendation, alertSeverity, estimateCost, type AlertSeverity, type EstimatedCostReason } from './estimates';
import { resolveMarkup, type MarkupOverride, type ResolvedMarkup } from './markup';
import {
  buildAdminModelPricing,
  buildClientModelPricing,
  categoryAveragePrices,
  categoryKey,
  type AdminModelPricing,
  type ClientModelPricing,
  type EstimateInfo,
} from './views';

/** What the `models.estimate` JSON column holds (admin-only). */
export interface StoredEstimate {
  reason: EstimatedCostReason;
  confidence: number;
  method: 'weighted_average';
  sourceModels: Array<{ modelId: string; displayName: string; providerId: string; similarity: number; weight: number }>;
  similarityFactors: string[];
  estimatedAt: string;
}

function estimateInfo(row: ModelRow | undefined): EstimateInfo | null {
  const e = row?.estimate as StoredEstimate | null | undefined;
  if (!e) return null;
  return { reason: e.reason, confidence: e.confidence, sourceModels: e.sourceModels.map((s) => ({ modelId: s.modelId, displayName: s.displayName })) };
}

/** Query-string filters of GET /api/admin/pricing (strings in, typed filters out). */
export const adminPricingQuerySchema = z
  .object({
    category: z.enum(MODEL_CATEGORIES).optional(),
    provider: z.string().trim().min(1).max(50).optional(),
    estimated: z.enum(['true', 'false']).optional(),
    selfHosted: z.enum(['true', 'false']).optional(),
    tenantId: z.uuid().optional(),
  })
  .strict()
  .transform((q): AdminPricingFilters => ({
    ...(q.category ? { category: q.category } : {}),
    ...(q.provider ? { providerId: q.provider } : {}),
    ...(q.estimated ? { estimated: q.estimated === 'true' } : {}),
    ...(q.selfHosted ? { selfHosted: q.selfHosted === 'true' } : {}),
    ...(q.tenantId ? { tenantId: q.tenantId } : {}),
  }));

export interface AdminPricingFilters {
  category?: ModelCategory;
  providerId?: string;
  estimated?: boolean;
  selfHosted?: boolean;
  /** Resolve with this tenant's tenant+model overrides (admin looking at one tenant's prices). */
  tenantId?: string;
  at?: Date;
}

export interface AdminPricingRow extends AdminModelPricing {
  enabled: boolean;
  providerEnabled: boolean;
  qualityScore: number;
  costUpdatedAt: string;
}

/** Admin view of every model (filterable). Run on the platform path. */
export async function listAdminPricing(q: Queryable, filters: AdminPricingFilters = {}): Promise<AdminPricingRow[]> {
  const at = filters.at ?? new Date();
  const { models: all, providers: provs, modelRows } = await loadCatalog(q);
  const overrides: MarkupOverride[] = [...(await loadPlatformOverrides(q)), ...(filters.tenantId ? await loadTenantOverrides(q, filters.tenantId) : [])];
  const rowById = new Map(modelRows.map((r) => [r.id, r]));
  const providerEnabled = new Map(provs.map((p) => [p.id, p.enabled]));
  return all
    .filter((m) => (filters.category ? m.category === filters.category : true))
    .filter((m) => (filters.providerId ? m.providerId === filters.providerId : true))
    .filter((m) => (filters.estimated === undefined ? true : m.costIsEstimated === filters.estimated))
    .filter((m) => (filters.selfHosted === undefined ? true : m.isSelfHosted === filters.selfHosted))
    .map((m) => {
      const row = rowById.get(m.id)!;
      const markup = resolveMarkup({ model: m, tenantId: filters.tenantId ?? null, overrides, at });
      return {
        ...buildAdminModelPricing({ model: m, markup, estimate: estimateInfo(row) }),
        enabled: m.enabled,
        providerEnabled: providerEnabled.get(m.providerId) ?? false,
        qualityScore: m.qualityScore,
        costUpdatedAt: row.costUpdatedAt.toISOString(),
      };
    });
}

export async function getAdminModelPricing(q: Queryable, modelId: string, filters: AdminPricingFilters = {}): Promise<AdminPricingRow> {
  const rows = await listAdminPricing(q, filters);
  const row = rows.find((r) => r.modelId === modelId || r.name === modelId);
  if (!row) throw new NotFoundError(`model ${modelId} not found`);
  return row;
}

export interface TenantCatalog {
  /** Models this tenant may use right now, with their resolved markups (server-side only). */
  entries: Array<{ model: CatalogModel; markup: ResolvedMarkup }>;
}

/**
 * The models a tenant may use, with the markup in force for it. Works on either path: on
 * withTenant the tenant_model_access rows are RLS-filtered; the explicit tenant filter is the
 * defence in depth. Hidden: disabled models, disabled providers, models the tenant has disabled,
 * non-HIPAA providers for a HIPAA-restricted tenant, providers the gateway cannot call.
 */
export async function loadTenantCatalog(q: Queryable, tenantId: string, at = new Date()): Promise<TenantCatalog> {
  const [{ models: all, providers: provs }, platform, tenantRows, hipaa] = await Promise.all([
    loadCatalog(q),
    loadPlatformOverrides(q),
    q.select().from(tenantModelAccess).where(eq(tenantModelAccess.tenantId, tenantId)),
    q.select().from(hipaaConfig).where(eq(hipaaConfig.tenantId, tenantId)),
  ]);
  const providerById = new Map(provs.map((p) => [p.id, p]));
  const accessByModel = new Map(tenantRows.map((r) => [r.modelId, r]));
  const tenant = { hipaaOnly: hipaaOnlyFrom(hipaa[0]) };
  const tenantOverrides: MarkupOverride[] = tenantRows
    .filter((r) => r.markupPercent !== null)
    .map((r) => ({
      scope: 'tenant_model',
      tenantId: r.tenantId,
      modelId: r.modelId,
      markupPercent: r.markupPercent!,
      setBy: r.markupSetBy ?? 'system',
      setAt: r.markupSetAt ?? r.updatedAt,
      reason: r.markupReason ?? '',
      expiresAt: r.markupExpiresAt,
    }));
  const overrides = [...platform, ...tenantOverrides];
  const entries = all
    // The gateway's decision (lib/catalog/visibility.ts), and only where the gateway can call it.
    .filter((m) => tenantMayUse(m, providerById.get(m.providerId), tenant, accessByModel.get(m.id)) && providerById.get(m.providerId)?.wireFormat !== 'none')
    .filter((m) => !m.costIsEstimated || m.cost.inputPer1k !== null || m.cost.pricingType !== 'per_token')
    .map((model) => ({ model, markup: resolveMarkup({ model, tenantId, overrides, at }) }));
  return { entries };
}

/** Client view (price only) of everything a tenant may use. */
export async function listClientPricing(q: Queryable, tenantId: string, at = new Date()): Promise<ClientModelPricing[]> {
  const { entries } = await loadTenantCatalog(q, tenantId, at);
  const averages = categoryAveragePrices(entries.map((e) => ({ model: e.model, markupPercent: e.markup.markupPercent })));
  return entries.map((e) =>
    buildClientModelPricing({
      model: e.model,
      markupPercent: e.markup.markupPercent,
      categoryAveragePrice: averages.get(categoryKey(e.model)) ?? null,
    }),
  );
}

/**
 * Estimate the cost of every model flagged `cost_is_estimated` that has no estimate yet (or
 * when `force`): weighted average of similar known-cost models, stored in the cost columns with
 * source `estimated_average`, the details in `models.estimate`, a cost-history row, and an
 * alert for admins with severity by confidence (one open alert per model). Platform path.
 */
export interface RaisedEstimateAlert {
  id: string;
  modelId: string;
  modelName: string;
  severity: AlertSeverity;
  confidence: number;
  recommendation: string;
}

export async function refreshEstimates(
  q: Queryable,
  options: { force?: boolean; at?: Date; /** Filled with the alerts raised (to notify after commit). */ raised?: RaisedEstimateAlert[] } = {},
): Promise<string[]> {
  const at = options.at ?? new Date();
  const { models: all, modelRows } = await loadCatalog(q);
  const rowById = new Map(modelRows.map((r) => [r.id, r]));
  const known = all.filter((m) => !m.costIsEstimated);
  const updated: string[] = [];
  for (const target of all.filter((m) => m.costIsEstimated)) {
    const row = rowById.get(target.id)!;
    if (row.estimate && !options.force) continue;
    let estimate;
    try {
      estimate = estimateCost(target, known);
    } catch {
      continue; // nothing similar: the model stays unpriced and hidden from clients
    }
    const stored: StoredEstimate = {
      reason: 'cost_not_published',
      confidence: estimate.confidence,
      method: 'weighted_average',
      sourceModels: estimate.sourceModels.map((s) => ({
        modelId: s.modelId,
        displayName: s.displayName,
        providerId: s.providerId,
        similarity: s.similarity,
        weight: s.weight,
      })),
      similarityFactors: estimate.similarityFactors,
      estimatedAt: at.toISOString(),
    };
    const c = estimate.cost;
    await q
      .update(models)
      .set({
        ...costColumns(c),
        costSource: 'estimated_average',
        costUpdatedAt: at,
        estimate: stored,
        updatedAt: at,
      })
      .where(eq(models.id, target.id));
    await q.insert(modelCostHistory).values({
      modelId: target.id,
      source: 'estimated_average',
      oldCost: target.cost,
      newCost: c,
      note: `estimated from ${stored.sourceModels.map((s) => s.modelId).join(', ')} (confidence ${stored.confidence})`,
    });
    const open = await q
      .select({ id: estimatedCostAlerts.id })
      .from(estimatedCostAlerts)
      .where(and(eq(estimatedCostAlerts.modelId, target.id), ne(estimatedCostAlerts.status, 'resolved')));
    if (open.length === 0) {
      const severity = alertSeverity(estimate.confidence);
      const recommendation = alertRecommendation(severity);
      const id = crypto.randomUUID();
      await q.insert(estimatedCostAlerts).values({
        id,
        modelId: target.id,
        severity,
        confidence: String(estimate.confidence),
        reason: stored.reason,
        estimatedCost: { cost: c, sourceModels: stored.sourceModels },
        recommendation,
      });
      options.raised?.push({ id, modelId: target.id, modelName: target.displayName, severity, confidence: estimate.confidence, recommendation });
    }
    updated.push(target.id);
  }
  return updated;
}
