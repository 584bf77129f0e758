/**
 * Loads the catalog (lib/catalog/data) into providers/models. Idempotent: rows that exist are
 * left alone, so costs and switches an administrator changed survive a re-seed; new catalog
 * entries are added. Runs as the owner (it is part of setting a database up).
 */
import { CATALOG_MODELS } from './data/models';
import { CATALOG_PROVIDERS } from './data/providers';
import type { CatalogModel, CatalogProvider } from './types';
import type { Queryable } from '../db/client';
import { models, providers } from '../db/schema';
import { refreshEstimates, type RaisedEstimateAlert } from '../pricing/service';
import { notifyEstimatedCostAlert } from '../notifications/hooks';
import { costColumns } from './sync';

export function providerRow(p: CatalogProvider): typeof providers.$inferInsert {
  return {
    id: p.id,
    name: p.name,
    displayName: p.displayName,
    category: p.category,
    description: p.description,
    website: p.website,
    apiBaseUrl: p.apiBaseUrl,
    authType: p.authType,
    apiKeyEnv: p.apiKeyEnv,
    wireFormat: p.wireFormat,
    isSelfHosted: p.isSelfHosted,
    enabled: p.enabled,
    features: p.features,
    regions: p.regions,
    compliance: p.compliance,
    rateLimitRpm: p.rateLimitRpm,
    rateLimitTpm: p.rateLimitTpm,
  };
}

export function modelRow(m: CatalogModel): typeof models.$inferInsert {
  const c = m.cost;
  return {
    id: m.id,
    providerId: m.providerId,
    providerModelId: m.providerModelId,
    litellmId: m.litellmId,
    name: m.name,
    aliases: m.aliases,
    displayName: m.displayName,
    description: m.description,
    category: m.category,
    capabilities: m.capabilities,
    contextWindow: m.contextWindow,
    maxOutput: m.maxOutput,
    inputModalities: m.inputModalities,
    outputModalities: m.outputModalities,
    pricingType: c.pricingType,
    ...costColumns(c),
    costSource: m.costSource,
    costIsEstimated: m.costIsEstimated,
    qualityScore: m.qualityScore,
    family: m.family,
    releaseDate: m.releaseDate,
    isSelfHosted: m.isSelfHosted,
    thermalState: m.isSelfHosted ? 'COLD' : null,
    deprecated: m.deprecated,
    enabled: m.enabled,
  };
}

export async function seedCatalog(db: Queryable): Promise<{ providers: number; models: number; estimated: string[] }> {
  const p = await db.insert(providers).values(CATALOG_PROVIDERS.map(providerRow)).onConflictDoNothing().returning({ id: providers.id });
  const m = await db.insert(models).values(CATALOG_MODELS.map(modelRow)).onConflictDoNothing().returning({ id: models.id });
  // Models whose cost is not published get an estimate from similar models (and an alert).
  const raised: RaisedEstimateAlert[] = [];
  const estimated = await refreshEstimates(db, { raised });
  // Each statement above committed on its own (db is not a transaction here), so admins can be
  // told now; in a caller's transaction the alert rows commit with it a moment later.
  for (const a of raised) notifyEstimatedCostAlert(a);
  return { providers: p.length, models: m.length, estimated };
}
