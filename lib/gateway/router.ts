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
import type { WireFormat } from '../catalog/types';
import type { CatalogSnapshot, GatewayModel, GatewayRule, TenantConfig } from './state';
import type { Thermal } from './thermal';
import { imageAdapterFor, speechAdapterFor, transcriptionAdapterFor } from './adapters/media-adapters';

/** Every kind of request the gateway serves; /api/v1/models lists the ones each model serves. */
export const ENDPOINTS = ['chat', 'embeddings', 'images', 'image_edits', 'speech', 'transcriptions', 'search', 'videos', '3d'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Where each endpoint is served (the public paths, for /api/v1/models). */
export const ENDPOINT_PATHS: Record<Endpoint, readonly string[]> = {
  chat: ['/v1/chat/completions', '/v1/messages'],
  embeddings: ['/v1/embeddings'],
  images: ['/v1/images/generations'],
  image_edits: ['/v1/images/edits'],
  speech: ['/v1/audio/speech'],
  transcriptions: ['/v1/audio/transcriptions'],
  search: ['/v1/search'],
  videos: ['/v1/videos'],
  '3d': ['/v1/3d/generations'],
};

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

const ENDPOINT_NAMES: Record<Endpoint, string> = {
  chat: 'chat completions',
  embeddings: 'embeddings',
  images: 'image generation',
  image_edits: 'image editing',
  speech: 'speech',
  transcriptions: 'transcription',
  search: 'search',
  videos: 'video generation',
  '3d': '3D generation',
};

/**
 * Which models an endpoint serves: a model of one of `categories` whose provider speaks one of
 * `wireFormats` (an adapter for that wire format exists for this endpoint). A provider whose wire
 * format is in no row here cannot be called, so its models are not offered to tenants. Add a row's
 * wire format in the same change as its adapter.
 */
const SERVES: Record<Endpoint, { categories: ReadonlySet<string>; wireFormats: ReadonlySet<WireFormat> }> = {
  chat: { categories: new Set(['text_generation', 'reasoning', 'search']), wireFormats: new Set(['openai', 'anthropic', 'gemini']) },
  embeddings: { categories: new Set(['embedding']), wireFormats: new Set(['openai', 'voyage']) },
  images: { categories: new Set(['image_generation']), wireFormats: new Set(['openai', 'stability', 'bfl', 'ideogram']) },
  image_edits: { categories: new Set(['image_generation']), wireFormats: new Set(['openai', 'stability', 'bfl', 'ideogram']) },
  speech: { categories: new Set(['text_to_speech', 'audio_generation']), wireFormats: new Set(['openai', 'elevenlabs']) },
  transcriptions: { categories: new Set(['speech_to_text', 'audio_generation']), wireFormats: new Set(['openai', 'deepgram', 'assemblyai']) },
  search: { categories: new Set(['search']), wireFormats: new Set(['exa', 'tavily']) },
  videos: { categories: new Set(['video_generation']), wireFormats: new Set(['runway', 'luma', 'kling', 'veo']) },
  '3d': { categories: new Set(['3d_generation']), wireFormats: new Set(['meshy', 'tripo']) },
};

export function servesEndpoint(m: GatewayModel, snap: CatalogSnapshot, endpoint: Endpoint): boolean {
  const p = snap.providers.get(m.providerId);
  if (!p) return false;
  const rule = SERVES[endpoint];
  if (!rule.wireFormats.has(p.wireFormat)) return false;
  // Chat: also any non-embedding model that declares the chat capability.
  if (endpoint === 'chat') return m.category !== 'embedding' && (rule.categories.has(m.category) || m.capabilities.includes('chat'));
  if (!rule.categories.has(m.category)) return false;
  // Images, speech, transcription: the provider's adapter must take this model id too (BFL does
  // not host flux-schnell; openai-audio's tts models are not transcription models).
  if (endpoint === 'images') return imageAdapterFor(p.wireFormat)?.spec(m.providerModelId) != null;
  // Edits: the model's spec says so and its adapter has `edit` (Ideogram V_2 / V_2_TURBO only).
  if (endpoint === 'image_edits') {
    const a = imageAdapterFor(p.wireFormat);
    return Boolean(a?.edit && a.spec(m.providerModelId)?.edits);
  }
  if (endpoint === 'speech') return speechAdapterFor(p.wireFormat)?.spec(m.providerModelId) != null;
  if (endpoint === 'transcriptions') return transcriptionAdapterFor(p.wireFormat)?.supports(m.providerModelId) ?? false;
  return true;
}

/** The endpoints a model can be called on (empty: the gateway cannot call it). */
export function endpointsServed(m: GatewayModel, snap: CatalogSnapshot): Endpoint[] {
  return ENDPOINTS.filter((e) => servesEndpoint(m, snap, e));
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
      const served = endpointsServed(m, snap).flatMap((e) => ENDPOINT_PATHS[e]);
      const where = served.length > 0 ? ` It is served at ${served.join(', ')}.` : '';
      throw new GatewayError(
        400,
        'model_not_supported',
        `The model '${input.requested}' does not support ${ENDPOINT_NAMES[endpoint]} through this API.${where}`,
        { param: 'model' },
      );
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
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
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
