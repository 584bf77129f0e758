/**
 * GET /api/v1/models, GET /api/v1/models/{model}: OpenAI's model list with price-only pricing,
 * and POST /api/v1/pricing/optimize: the price optimizer over the tenant's models (price-only
 * answer). Both show exactly the models this tenant may call (TenantConfig.allows).
 */
import { optimizePrice, optimizeRequestSchema, toClientOptimization, type OptimizerCandidate } from '../../pricing/optimizer';
import { buildClientModelPricing, categoryAveragePrices, categoryKey, type ClientModelPricing } from '../../pricing/views';
import { GatewayError } from '../errors';
import { sendJson } from '../http/types';
import type { EndpointHandler } from '../pipeline/run';
import { ENDPOINT_PATHS, endpointsServed, isPriced, servesEndpoint } from '../router';
import type { CatalogSnapshot, TenantConfig } from '../state';
import { authenticateStage } from '../stages/authenticate';
import { parseJson, validate } from '../stages/parse';
import { loadTenantView } from '../stages/route';

export interface ModelListItem {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** Where this model can be called, e.g. ["/v1/chat/completions", "/v1/messages"]. */
  endpoints: string[];
  pricing: ClientModelPricing;
}

export function listModelsEndpoint(one: string | null): EndpointHandler {
  return async (gw, ctx) => {
    const key = await authenticateStage(gw, ctx, 'models');
    const { snap, tenant } = await loadTenantView(gw, key);
    const list = modelsView(snap, tenant, ctx.start);
    if (one !== null) {
      const m = snap.find(one);
      const item = m ? list.find((x) => x.id === m.name) : undefined;
      if (!item) throw new GatewayError(404, 'model_not_found', `The model '${one}' does not exist or you do not have access to it.`, { param: 'model' });
      sendJson(ctx.sink, 200, ctx.headers, JSON.stringify(item));
      return;
    }
    sendJson(ctx.sink, 200, ctx.headers, JSON.stringify({ object: 'list', data: list }));
  };
}

export const optimizeEndpoint: EndpointHandler = async (gw, ctx) => {
  const key = await authenticateStage(gw, ctx, 'models');
  const request = validate(optimizeRequestSchema, parseJson(await ctx.req.readBody(1024 * 1024)), 'Invalid optimization request');
  const { snap, tenant } = await loadTenantView(gw, key);
  const candidates: OptimizerCandidate[] = snap.models
    .filter((m) => tenant.allows(m, snap) && isPriced(m) && servesEndpoint(m, snap, 'chat'))
    .map((m) => ({
      model: m,
      markupPercent: tenant.markupFor(m, snap, ctx.start).markupPercent,
      isAvailable: gw.available(m, snap),
      isEstimated: m.costIsEstimated,
      thermalState: m.isSelfHosted ? gw.thermal.state(m.id) : null,
    }));
  sendJson(ctx.sink, 200, ctx.headers, JSON.stringify(toClientOptimization(optimizePrice(request, candidates))));
};

/** Price-only model list for a tenant, memoised per snapshot and tenant config (60 s). */
function modelsView(snap: CatalogSnapshot, tenant: TenantConfig, at: number): ModelListItem[] {
  const memo = tenant.memo.get('models');
  if (memo && memo.version === snap.version && at < memo.until) return memo.value as ModelListItem[];
  // Offered only where the gateway can call the model (an adapter serves one of its endpoints).
  const entries = snap.models.flatMap((m) => {
    const endpoints = tenant.allows(m, snap) && isPriced(m) ? endpointsServed(m, snap) : [];
    return endpoints.length > 0 ? [{ model: m, endpoints, markupPercent: tenant.markupFor(m, snap, at).markupPercent }] : [];
  });
  const averages = categoryAveragePrices(entries);
  const items: ModelListItem[] = entries.map((e) => ({
    id: e.model.name,
    object: 'model',
    created: releaseSeconds(e.model.releaseDate),
    owned_by: e.model.providerId,
    endpoints: e.endpoints.flatMap((x) => ENDPOINT_PATHS[x]),
    pricing: buildClientModelPricing({ model: e.model, markupPercent: e.markupPercent, categoryAveragePrice: averages.get(categoryKey(e.model)) ?? null }),
  }));
  tenant.memo.set('models', { version: snap.version, value: items, until: at + 60_000 });
  return items;
}

function releaseSeconds(date: string | null): number {
  if (!date) return 0;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}
