/**
 * The catalog's shape: providers and models as RADIANT knows them, with what each costs US.
 * All money is a decimal STRING here (exact, e.g. "0.00175"), turned into Decimal by
 * lib/pricing/money.ts `dec()`. `null` means "this unit is not charged by this model".
 *
 * This file is the contract between the catalog data (lib/catalog/data), the database
 * (lib/db/schema/catalog.ts stores the same fields as NUMERIC columns) and the pricing engine.
 */

export const MODEL_CATEGORIES = [
  'text_generation',
  'reasoning',
  'image_generation',
  'video_generation',
  'audio_generation',
  'speech_to_text',
  'text_to_speech',
  'embedding',
  'search',
  '3d_generation',
] as const;
export type ModelCategory = (typeof MODEL_CATEGORIES)[number];

/** How a model is charged. `per_1k_characters` is text-to-speech: the seed says "per token" but
 * means per 1,000 characters of input text (a seed defect fixed here). */
export const PRICING_TYPES = ['per_token', 'per_image', 'per_second', 'per_minute', 'per_request', 'per_1k_characters'] as const;
export type PricingType = (typeof PRICING_TYPES)[number];

/** Where a cost figure came from (seed's CostSource). */
export const COST_SOURCES = [
  'provider_api',
  'provider_documentation',
  'admin_manual_entry',
  'registry_sync',
  'estimated_average',
  'historical_fallback',
] as const;
export type CostSource = (typeof COST_SOURCES)[number];

/** Which wire protocol the gateway speaks to the provider. `none` = not served by the chat/
 * embeddings gateway (image, video, audio, 3D: catalogued and priced, not proxied yet). */
/**
 * What the gateway speaks upstream. 'openai' / 'anthropic' / 'gemini' carry chat (and OpenAI's
 * images, audio and embeddings); the rest are one adapter each under lib/gateway/adapters/.
 * 'none': the gateway cannot call this provider, so its models are not offered to tenants.
 */
export const WIRE_FORMATS = [
  'openai',
  'anthropic',
  'gemini',
  'stability',
  'bfl',
  'ideogram',
  'elevenlabs',
  'deepgram',
  'assemblyai',
  'voyage',
  'exa',
  'tavily',
  'runway',
  'luma',
  'pika',
  'kling',
  'veo',
  'meshy',
  'tripo',
  'none',
] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

/** What RADIANT pays per unit. Decimal strings; null = not charged. */
export interface ModelCost {
  pricingType: PricingType;
  /** $ per 1K input tokens (for self-hosted: infrastructure cost per 1K tokens). */
  inputPer1k: string | null;
  /** $ per 1K output tokens. */
  outputPer1k: string | null;
  /** $ per 1K cached input tokens (prompt cache hits). */
  cachedInputPer1k: string | null;
  /** Prompts with more input tokens than this use the long-context rates for the whole request. */
  longContextThreshold: number | null;
  longContextInputPer1k: string | null;
  longContextOutputPer1k: string | null;
  /** Percent off input and output for batch API requests, e.g. "50". */
  batchDiscountPercent: string | null;
  perImage: string | null;
  perSecond: string | null;
  perMinute: string | null;
  perRequest: string | null;
  perToolCall: string | null;
  /** Text-to-speech: $ per 1,000 characters. */
  per1kCharacters: string | null;
  /** Self-hosted only: what one cold start (warm-up) of the model costs us, and how long it takes. */
  warmupCost: string | null;
  warmupSeconds: number | null;
}

/** Every ModelCost field that holds an amount of money per unit (decimal string or null). */
export const COST_RATE_FIELDS = [
  'inputPer1k',
  'outputPer1k',
  'cachedInputPer1k',
  'longContextInputPer1k',
  'longContextOutputPer1k',
  'perImage',
  'perSecond',
  'perMinute',
  'perRequest',
  'perToolCall',
  'per1kCharacters',
  'warmupCost',
] as const satisfies readonly (keyof ModelCost)[];
export type CostRateField = (typeof COST_RATE_FIELDS)[number];

export interface CatalogProvider {
  id: string;
  name: string;
  displayName: string;
  category: ModelCategory;
  description: string;
  website: string;
  /** Default base URL; `<ID>_BASE_URL` env and the providers table override it. */
  apiBaseUrl: string;
  authType: 'api_key' | 'bearer' | 'oauth' | 'none';
  /** Env var holding the credential, e.g. OPENAI_API_KEY. */
  apiKeyEnv: string;
  wireFormat: WireFormat;
  isSelfHosted: boolean;
  enabled: boolean;
  regions: string[];
  features: string[];
  compliance: string[];
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
}

export interface CatalogModel {
  /** Stable catalog id from the seed, e.g. "openai-gpt-4-1". Primary key. */
  id: string;
  providerId: string;
  /** The id the PROVIDER's API expects, e.g. "gpt-4.1-2025-04-14". */
  providerModelId: string;
  /** Unique LiteLLM id, e.g. "gpt-4.1-2025-04-14" or "anthropic/claude-sonnet-4-5". */
  litellmId: string;
  /** The name CLIENTS send as `model`, e.g. "gpt-4.1". Unique. */
  name: string;
  /** Other names clients may send (provider model id, dated snapshots). */
  aliases: string[];
  displayName: string;
  description: string;
  category: ModelCategory;
  capabilities: string[];
  contextWindow: number | null;
  maxOutput: number | null;
  inputModalities: string[];
  outputModalities: string[];
  cost: ModelCost;
  costSource: CostSource;
  /** True when the provider has not published a cost: the pricing engine estimates it. */
  costIsEstimated: boolean;
  /** Quality score 0..100 for the optimizer (from the model's tier/family; documented). */
  qualityScore: number;
  family: string | null;
  releaseDate: string | null;
  isSelfHosted: boolean;
  deprecated: boolean;
  enabled: boolean;
}
