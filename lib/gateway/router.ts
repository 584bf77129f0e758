/**
 * Routing: which model serves a request, and what to try when it fails.
 *
 *  1. `model` -> catalog model by name, alias or id (case-insensitive); `"auto"` -> the price
 *     optimizer over the models this tenant may use (preference from `x-radiant-price-preference`,
 *     required capabilities from `x-radiant-capabilities` plus what the request implies: tools,
 *     JSON output, images). Unknown, disabled or not-allowed-for-this-tenant -> 404
 *     model_not_found; a model this endpoint cannot serve -> 400 model_not_supported.
 *  2. Routing rules (routing_rules, enabled, ascending priority; a rule with tenant_id applies to
 *     that tenant only; conditions {tenantIds, models, categories, capabilities}, all given must
 *     match the requested model):
 *       block      -> 403 model_blocked (first match stops routing)
 *       route      -> serve with target_model (or the same model id at target_provider); first match
 *       fallback   -> fallback_models replace the default chain; first match
 *       rate_limit -> an extra rpm limit (rate_limit_rpm) per rule and tenant; every match
 *  3. Fallback chain: the rule's, else DEFAULT_FALLBACK_CHAINS (seed), else for "auto" the next two
 *     ranked candidates. Models the tenant may not use are skipped.
 */
import { DEFAULT_FALLBACK_CHAINS } from '../catalog/data/fallbacks';
import { optimizePrice, PRICE_PREFERENCES, type OptimizationResult, type OptimizerCandidate, type PricePreference } from '../pricing/optimizer';
import { GatewayError, modelNotFound } from './errors';
import type { CatalogSnapshot, GatewayModel, GatewayRule, TenantConfig } from './state';
import type { Thermal } from './thermal';
import type { WireFormat } from '../catalog/types';
import { imageAdapterFor, speechAdapterFor, transcriptionAdapterFor } from './adapters/media-adapters';

const ENDPOINT_NAMES: Record<Endpoint, string> = {
  chat: 'chat completions',
  embeddings: 'embeddings',
  images: 'image generation',
  speech: 'speech (audio/speech)',
  transcriptions: 'transcription (audio/transcriptions)',
};

export type Endpoint = 'chat' | 'embeddings' | MediaEndpoint;
/** Images, speech and transcription: served where a media adapter takes the model. */
export type MediaEndpoint = 'images' | 'speech' | 'transcriptions';

export interface RoutePlan {
  requested: string;
  primary: GatewayModel;
  /** Primary first, then fallbacks (deduplicated, all allowed for the tenant). */
  chain: GatewayModel[];
  /** The chain came from a routing rule: content-policy refusals fall back too. */
  chainFromRule: boolean;
  rateRules: GatewayRule[];
  auto: OptimizationResult | null;
}

const CHAT_CATEGORIES = new Set(['text_generation', 'reasoning', 'search']);
/** Wire formats that carry chat completions (search APIs such as Exa and Tavily do not). */
const CHAT_WIRE_FORMATS = new Set(['openai', 'anthropic', 'gemini']);

export function servesEndpoint(m: GatewayModel, snap: CatalogSnapshot, endpoint: Endpoint): boolean {
  const p = snap.providers.get(m.providerId);
  if (!p || p.wireFormat === 'none') return false;
  if (endpoint === 'embeddings') return m.category === 'embedding' && p.wireFormat === 'openai';
  if (endpoint === 'images' || endpoint === 'speech' || endpoint === 'transcriptions') return servesMedia(m, p.wireFormat, endpoint);
  if (!CHAT_WIRE_FORMATS.has(p.wireFormat)) return false;
  return m.category !== 'embedding' && (CHAT_CATEGORIES.has(m.category) || m.capabilities.includes('chat'));
}

const MEDIA_CATEGORIES: Record<MediaEndpoint, ReadonlySet<string>> = {
  images: new Set(['image_generation']),
  speech: new Set(['text_to_speech', 'audio_generation']),
  transcriptions: new Set(['speech_to_text', 'audio_generation']),
};

/** A media model is served when its category fits and its provider's adapter takes its id. */
export function servesMedia(m: GatewayModel, wireFormat: WireFormat, endpoint: MediaEndpoint): boolean {
  if (!MEDIA_CATEGORIES[endpoint].has(m.category)) return false;
  if (endpoint === 'images') return imageAdapterFor(wireFormat)?.spec(m.providerModelId) != null;
  if (endpoint === 'speech') return speechAdapterFor(wireFormat)?.spec(m.providerModelId) != null;
  return transcriptionAdapterFor(wireFormat)?.supports(m.providerModelId) ?? false;
}

/** A model with an estimated cost that could not be estimated has no price: not servable. */
export function isPriced(m: GatewayModel): boolean {
  return !(m.costIsEstimated && m.cost.pricingType === 'per_token' && m.cost.inputPer1k === null);
}

export function ruleMatches(rule: GatewayRule, tenantId: string, m: GatewayModel): boolean {
  if (rule.tenantId && rule.tenantId !== tenantId) return false;
  const c = rule.conditions;
  if (c.tenantIds && !c.tenantIds.includes(tenantId)) return false;
  if (c.models && !c.models.some((n) => n === '*' || n === m.name || n === m.id || m.aliases.includes(n))) return false;
  if (c.categories && !c.categories.includes(m.category)) return false;
  if (c.capabilities && !c.capabilities.every((cap) => m.capabilities.includes(cap))) return false;
  return true;
}

export interface RouteInput {
  endpoint: Endpoint;
  requested: string;
  body: Record<string, unknown>;
  tenant: TenantConfig;
  tenantId: string;
  snap: CatalogSnapshot;
  header: (name: string) => string | undefined;
  promptTokens: number;
  /** Provider configured and not cooling down. */
  available: (m: GatewayModel) => boolean;
  thermal: (modelId: string) => Thermal;
  now: number;
}

export function planRoute(input: RouteInput): RoutePlan {
  const { snap, tenant, endpoint } = input;
  const usable = (m: GatewayModel | undefined): m is GatewayModel =>
    m !== undefined && tenant.allows(m, snap) && isPriced(m) && servesEndpoint(m, snap, endpoint);

  let auto: OptimizationResult | null = null;
  let primary: GatewayModel;
  if (endpoint === 'chat' && input.requested.trim().toLowerCase() === 'auto') {
    auto = chooseAuto(input, usable);
    primary = snap.byId.get(auto.selected.modelId)!;
  } else {
    const m = snap.find(input.requested);
    if (!m || !tenant.allows(m, snap) || !isPriced(m)) throw modelNotFound(input.requested);
    if (!servesEndpoint(m, snap, endpoint)) {
      const what = ENDPOINT_NAMES[endpoint];
      throw new GatewayError(400, 'model_not_supported', `The model '${input.requested}' does not support ${what} through this API.`, { param: 'model' });
    }
    primary = m;
  }

  let chainNames: string[] | null = null;
  let chainFromRule = false;
  let routed = false;
  const rateRules: GatewayRule[] = [];
  const requestedModel = primary;
  for (const rule of snap.rulesFor(input.tenantId)) {
    if (!ruleMatches(rule, input.tenantId, requestedModel)) continue;
    switch (rule.action) {
      case 'block':
        throw new GatewayError(403, 'model_blocked', `Requests to '${requestedModel.name}' are blocked by a routing policy.`, {
          type: 'permission_error',
          param: 'model',
        });
      case 'route': {
        if (routed) break;
        const target = routeTarget(rule, requestedModel, snap);
        if (usable(target)) {
          primary = target;
          routed = true;
        }
        break;
      }
      case 'fallback':
        if (chainNames === null) {
          chainNames = rule.fallbackModels;
          chainFromRule = true;
        }
        break;
      case 'rate_limit':
        if (rule.rateLimitRpm && rule.rateLimitRpm > 0) rateRules.push(rule);
        break;
    }
  }

  if (chainNames === null) {
    chainNames = DEFAULT_FALLBACK_CHAINS[primary.name] ?? (auto ? auto.candidates.slice(1, 3).map((c) => c.name) : []);
  }
  const chain: GatewayModel[] = [primary];
  for (const n of chainNames) {
    const m = snap.find(n);
    if (usable(m) && !chain.includes(m)) chain.push(m);
  }
  return { requested: input.requested, primary, chain, chainFromRule, rateRules, auto };
}

function routeTarget(rule: GatewayRule, m: GatewayModel, snap: CatalogSnapshot): GatewayModel | undefined {
  if (rule.targetModel) return snap.find(rule.targetModel);
  if (rule.targetProvider) {
    return snap.models.find((x) => x.providerId === rule.targetProvider && x.providerModelId === m.providerModelId && x.id !== m.id);
  }
  return undefined;
}

function headerList(v: string | undefined): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function chooseAuto(input: RouteInput, usable: (m: GatewayModel | undefined) => m is GatewayModel): OptimizationResult {
  const { body, snap, tenant } = input;
  const pref = (input.header('x-radiant-price-preference') ?? 'balance').trim().toLowerCase();
  if (!(PRICE_PREFERENCES as readonly string[]).includes(pref)) {
    throw new GatewayError(400, 'invalid_price_preference', `x-radiant-price-preference must be one of ${PRICE_PREFERENCES.join(', ')}`, {
      param: 'x-radiant-price-preference',
    });
  }
  const caps = new Set(headerList(input.header('x-radiant-capabilities')));
  const rf = body.response_format as { type?: string } | undefined;
  if (rf?.type === 'json_object' || rf?.type === 'json_schema') caps.add('json_mode');
  if (JSON.stringify(body.messages ?? []).includes('"image_url"')) caps.add('vision');
  const tools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
  const minQ = input.header('x-radiant-min-quality');
  const maxOut = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  const candidates: OptimizerCandidate[] = snap.models.filter(usable).map((m) => ({
    model: m,
    markupPercent: tenant.markupFor(m, snap, input.now).markupPercent,
    isAvailable: input.available(m),
    isEstimated: m.costIsEstimated,
    thermalState: m.isSelfHosted ? input.thermal(m.id) : null,
  }));
  return optimizePrice(
    {
      request: {
        estimatedInputTokens: input.promptTokens,
        estimatedOutputTokens: typeof maxOut === 'number' && maxOut > 0 ? maxOut : 500,
        requiresToolCalls: tools,
      },
      requiredCapabilities: [...caps],
      pricePreference: pref as PricePreference,
      includeEstimatedPricing: input.header('x-radiant-include-estimated') === 'true',
      ...(minQ && Number.isFinite(Number(minQ)) ? { minQualityScore: Math.min(100, Math.max(0, Number(minQ))) } : {}),
    },
    candidates,
  );
}
