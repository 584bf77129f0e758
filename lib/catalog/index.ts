/**
 * The RADIANT catalog: providers, models (with what each costs us) and default fallback chains,
 * plus lookups. Data in ./data, shape in ./types. Pure data and functions: safe anywhere.
 */
import { CATALOG_PROVIDERS } from './data/providers';
import { CATALOG_MODELS } from './data/models';
import { DEFAULT_FALLBACK_CHAINS } from './data/fallbacks';
import type { CatalogModel, CatalogProvider } from './types';

export * from './types';
export { CATALOG_PROVIDERS, CATALOG_MODELS, DEFAULT_FALLBACK_CHAINS };

export const CATALOG_PROVIDER_BY_ID: ReadonlyMap<string, CatalogProvider> = new Map(CATALOG_PROVIDERS.map((p) => [p.id, p]));

export const CATALOG_MODEL_BY_ID: ReadonlyMap<string, CatalogModel> = new Map(CATALOG_MODELS.map((m) => [m.id, m]));

/** Name or alias -> model (names and aliases are unique across the catalog; tested). */
const BY_NAME_OR_ALIAS: ReadonlyMap<string, CatalogModel> = new Map(CATALOG_MODELS.flatMap((m) => [m.name, ...m.aliases].map((key) => [key, m] as const)));

/** Lower-cased name or alias -> model, for case-insensitive matches. */
const BY_LOWER_NAME_OR_ALIAS: ReadonlyMap<string, CatalogModel> = new Map([...BY_NAME_OR_ALIAS].map(([key, m]) => [key.toLowerCase(), m] as const));

/**
 * The model a client means by `model`: an exact name or alias, else the same ignoring case and
 * surrounding whitespace. Returns undefined when nothing matches (the caller answers 404
 * model_not_found). `auto` is not a model: the optimizer handles it before this lookup.
 */
export function findCatalogModel(nameOrAlias: string): CatalogModel | undefined {
  return BY_NAME_OR_ALIAS.get(nameOrAlias) ?? BY_LOWER_NAME_OR_ALIAS.get(nameOrAlias.trim().toLowerCase());
}

/** The provider serving a model (by model object or model id). Throws if the model id is
 * unknown; every catalog model's provider exists (tested). */
export function providerFor(model: CatalogModel | string): CatalogProvider {
  const m = typeof model === 'string' ? CATALOG_MODEL_BY_ID.get(model) : model;
  if (!m) throw new Error(`unknown catalog model id: ${String(model)}`);
  const provider = CATALOG_PROVIDER_BY_ID.get(m.providerId);
  if (!provider) throw new Error(`catalog model ${m.id} has unknown provider ${m.providerId}`);
  return provider;
}

/** All models of one provider, in catalog order. */
export function modelsForProvider(providerId: string): CatalogModel[] {
  return CATALOG_MODELS.filter((m) => m.providerId === providerId);
}
