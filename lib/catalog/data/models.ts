/**
 * Every model the seed catalog defines (seed section 7, PART 1), deduplicated, plus RADIANT's
 * four self-hosted models and two preview models whose cost is not published. All money is
 * COST (what RADIANT pays), as exact decimal strings copied from the seed's base figures
 * (`inputCostPer1k` etc.); the seed's `markup: 1.40` and `billed*` figures are NOT stored,
 * markup is resolved elsewhere as a percent. Every deviation from the seed is listed in
 * docs/catalog.md.
 *
 * QUALITY SCORE RULE (0..100, used by the price optimizer's "minimum quality"):
 * every model is put in ONE tier (the `tier` field of its entry below) and its score is that
 * tier's number (QUALITY_BY_TIER). No per-model fudging.
 *   Chat / reasoning / search-chat models, by the model's standing in its provider's line-up:
 *     frontier 95  the newest top model of a frontier lab, and o3-pro:
 *                  gpt-5.2, o3-pro, claude-opus-4.5, gemini-3-pro
 *     flagship 90  other current flagships and top reasoning models:
 *                  gpt-5.1, o3, claude-sonnet-4.5, claude-opus-4, gemini-2.5-pro, grok-4,
 *                  grok-5-preview
 *     strong   85  previous flagships, the best fast/mid models and DeepSeek V3/R1:
 *                  gpt-4.1, o4-mini, claude-haiku-4.5, claude-sonnet-4, gemini-3-flash,
 *                  grok-4.1-fast, grok-4-fast, grok-3, deepseek-chat, deepseek-reasoner,
 *                  mistral-large, magistral-medium, sonar-huge
 *     mid      78  general mid-tier and 70B-class open-weight models:
 *                  o3-mini, gpt-4o, gemini-2.5-flash, gemini-2.0-flash-thinking-exp, grok-2,
 *                  mistral-medium, pixtral-large, codestral, command-r-plus, sonar-pro,
 *                  llama-3.3-70b-instruct, qwen2.5-72b-instruct
 *     mini     70  "mini"/small models of a family, ~24B open-weight models:
 *                  gpt-5-mini, gpt-4.1-mini, claude-3.5-haiku, gemini-2.0-flash, grok-3-mini,
 *                  mistral-small-24b-instruct
 *     small    62  "lite"/"small" budget models, ~8B open-weight models:
 *                  gemini-2.5-flash-lite, mistral-small, command-r, sonar, llama-3.1-8b-instruct
 *     nano     50  gpt-5-nano, gpt-4.1-nano
 *   Non-chat models (image, video, TTS, STT, embedding, search API, 3D), within their category
 *   by the provider's own tiering (HD / Ultra / Large / Pro vs base vs Turbo / Schnell):
 *     premium  90  the provider's highest-quality variant (dall-e-3-hd, stable-image-ultra, ...)
 *     standard 80  the base variant (dall-e-3, tts-1, whisper-1, text-embedding-3-small, ...)
 *     economy  70  fast / draft variants sold as the cheap option (sdxl, flux-schnell,
 *                  pika-2.0, meshy-v3-turbo)
 * Compare scores within one category (the two scales are not meant to be compared).
 */
import type { CatalogModel, CostSource, ModelCategory, ModelCost, PricingType } from '../types';

export const QUALITY_BY_TIER = {
  frontier: 95,
  flagship: 90,
  strong: 85,
  mid: 78,
  mini: 70,
  small: 62,
  nano: 50,
  premium: 90,
  standard: 80,
  economy: 70,
} as const;
export type QualityTier = keyof typeof QUALITY_BY_TIER;

/** Long-context threshold in input tokens. The seed gives long-context RATES but no threshold;
 * Anthropic (Sonnet 4.5 1M beta) and Google (Gemini 2.5 Pro / 3 Pro) both switch rates for
 * prompts above 200K input tokens. */
const LONG_CONTEXT_200K = 200000;

/** xAI server-side tool invocations (web_search, x_search, code_execution, document_search):
 * the seed's provider-level `toolCallCost: 0.005`. */
const XAI_TOOL_CALL = '0.005';

/** Perplexity per-request search fee (seed `searchCostPerRequest` / `baseCostPerRequest`). */
const PERPLEXITY_SEARCH_FEE = '0.005';

const NO_COST: Omit<ModelCost, 'pricingType'> = {
  inputPer1k: null,
  outputPer1k: null,
  cachedInputPer1k: null,
  longContextThreshold: null,
  longContextInputPer1k: null,
  longContextOutputPer1k: null,
  batchDiscountPercent: null,
  perImage: null,
  perSecond: null,
  perMinute: null,
  perRequest: null,
  perToolCall: null,
  per1kCharacters: null,
  warmupCost: null,
  warmupSeconds: null,
};

type CostExtras = Partial<Omit<ModelCost, 'pricingType'>>;

function cost(pricingType: PricingType, fields: CostExtras): ModelCost {
  return { pricingType, ...NO_COST, ...fields };
}
/** Per-token cost: $ per 1K input / output tokens. */
function perToken(inputPer1k: string, outputPer1k: string | null, extras: CostExtras = {}): ModelCost {
  return cost('per_token', { inputPer1k, outputPer1k, ...extras });
}
const perImage = (v: string) => cost('per_image', { perImage: v });
const perSecond = (v: string) => cost('per_second', { perSecond: v });
const perMinute = (v: string) => cost('per_minute', { perMinute: v });
const perRequest = (v: string) => cost('per_request', { perRequest: v });
const per1kChars = (v: string) => cost('per_1k_characters', { per1kCharacters: v });
/** Cost not published: token fields null, the pricing engine estimates from similar models. */
const unpublishedTokens = () => cost('per_token', {});

interface ModelSpec {
  id: string;
  providerId: string;
  providerModelId: string;
  litellmId: string;
  name: string;
  /** Aliases beyond the provider model id (which is added automatically when it differs). */
  extraAliases?: string[];
  displayName: string;
  description: string;
  category: ModelCategory;
  capabilities: string[];
  contextWindow?: number;
  maxOutput?: number;
  inputModalities: string[];
  outputModalities: string[];
  cost: ModelCost;
  costSource?: CostSource;
  costIsEstimated?: boolean;
  tier: QualityTier;
  family?: string;
  releaseDate?: string;
  isSelfHosted?: boolean;
  deprecated?: boolean;
  enabled?: boolean;
}

function model(s: ModelSpec): CatalogModel {
  const aliases = [
    ...(s.providerModelId !== s.name ? [s.providerModelId] : []),
    ...(s.extraAliases ?? []),
  ].filter((a, i, all) => a !== s.name && all.indexOf(a) === i);
  return {
    id: s.id,
    providerId: s.providerId,
    providerModelId: s.providerModelId,
    litellmId: s.litellmId,
    name: s.name,
    aliases,
    displayName: s.displayName,
    description: s.description,
    category: s.category,
    capabilities: s.capabilities,
    contextWindow: s.contextWindow ?? null,
    maxOutput: s.maxOutput ?? null,
    inputModalities: s.inputModalities,
    outputModalities: s.outputModalities,
    cost: s.cost,
    costSource: s.costSource ?? 'provider_documentation',
    costIsEstimated: s.costIsEstimated ?? false,
    qualityScore: QUALITY_BY_TIER[s.tier],
    family: s.family ?? null,
    releaseDate: s.releaseDate ?? null,
    isSelfHosted: s.isSelfHosted ?? false,
    deprecated: s.deprecated ?? false,
    enabled: s.enabled ?? true,
  };
}

// ============================================================================
// OPENAI (provider `openai`)
// ============================================================================
const OPENAI_MODELS: CatalogModel[] = [
  model({
    id: 'openai-gpt-5-2', providerId: 'openai', providerModelId: 'gpt-5.2', litellmId: 'gpt-5.2', name: 'gpt-5.2',
    displayName: 'GPT-5.2',
    description: 'Most capable flagship model with configurable reasoning and 400K context',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'reasoning', 'function_calling', 'json_mode', 'streaming', 'fine_tuning', 'agents'],
    contextWindow: 400000, maxOutput: 128000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.00175', '0.014', { cachedInputPer1k: '0.000175', batchDiscountPercent: '50' }),
    tier: 'frontier', family: 'gpt-5', releaseDate: '2024-12-01',
  }),
  model({
    id: 'openai-gpt-5-1', providerId: 'openai', providerModelId: 'gpt-5.1', litellmId: 'gpt-5.1', name: 'gpt-5.1',
    displayName: 'GPT-5.1',
    description: 'Previous flagship with full capabilities and 400K context',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'reasoning', 'function_calling', 'json_mode', 'streaming', 'agents'],
    contextWindow: 400000, maxOutput: 128000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.00125', '0.01'),
    tier: 'flagship', family: 'gpt-5', releaseDate: '2024-10-01',
  }),
  model({
    id: 'openai-gpt-5-mini', providerId: 'openai', providerModelId: 'gpt-5-mini', litellmId: 'gpt-5-mini', name: 'gpt-5-mini',
    displayName: 'GPT-5 Mini',
    description: 'Fast, affordable GPT-5 variant for high-volume tasks',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 400000, maxOutput: 128000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.00025', '0.002'),
    tier: 'mini', family: 'gpt-5', releaseDate: '2024-11-01',
  }),
  model({
    id: 'openai-gpt-5-nano', providerId: 'openai', providerModelId: 'gpt-5-nano', litellmId: 'gpt-5-nano', name: 'gpt-5-nano',
    displayName: 'GPT-5 Nano',
    description: 'Ultra-fast, most cost-efficient GPT-5 for classification and simple tasks',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 400000, maxOutput: 128000,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.00005', '0.0004'),
    tier: 'nano', family: 'gpt-5', releaseDate: '2024-11-01',
  }),
  model({
    id: 'openai-gpt-4-1', providerId: 'openai', providerModelId: 'gpt-4.1-2025-04-14', litellmId: 'gpt-4.1-2025-04-14', name: 'gpt-4.1',
    displayName: 'GPT-4.1',
    description: 'Best coding model with industry-leading 1M context window',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'json_mode', 'streaming', 'agents', 'fine_tuning'],
    contextWindow: 1000000, maxOutput: 32768,
    inputModalities: ['text', 'image', 'video'], outputModalities: ['text'],
    cost: perToken('0.002', '0.008'),
    tier: 'strong', family: 'gpt-4.1', releaseDate: '2024-04-14',
  }),
  model({
    id: 'openai-gpt-4-1-mini', providerId: 'openai', providerModelId: 'gpt-4.1-mini-2025-04-14', litellmId: 'gpt-4.1-mini-2025-04-14', name: 'gpt-4.1-mini',
    displayName: 'GPT-4.1 Mini',
    description: 'Fast 1M context model beating GPT-4o benchmarks at lower cost',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 1000000, maxOutput: 32768,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.0004', '0.0016'),
    tier: 'mini', family: 'gpt-4.1', releaseDate: '2024-04-14',
  }),
  model({
    id: 'openai-gpt-4-1-nano', providerId: 'openai', providerModelId: 'gpt-4.1-nano-2025-04-14', litellmId: 'gpt-4.1-nano-2025-04-14', name: 'gpt-4.1-nano',
    displayName: 'GPT-4.1 Nano',
    description: 'Fastest 1M context model for classification and autocomplete',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 1000000, maxOutput: 16384,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0001', '0.0004'),
    tier: 'nano', family: 'gpt-4.1', releaseDate: '2024-04-14',
  }),
  model({
    id: 'openai-o3', providerId: 'openai', providerModelId: 'o3-2025-04-16', litellmId: 'o3-2025-04-16', name: 'o3',
    displayName: 'O3',
    description: 'Most powerful reasoning model for math, science, and complex coding',
    category: 'reasoning',
    capabilities: ['chat', 'reasoning', 'vision', 'function_calling', 'web_browsing', 'code_execution', 'streaming'],
    contextWindow: 200000, maxOutput: 100000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.002', '0.008'),
    tier: 'flagship', family: 'o-series', releaseDate: '2024-04-16',
  }),
  model({
    id: 'openai-o3-pro', providerId: 'openai', providerModelId: 'o3-pro-2025-06-10', litellmId: 'o3-pro-2025-06-10', name: 'o3-pro',
    displayName: 'O3 Pro',
    description: 'Extended compute O3 for maximum reasoning accuracy on hardest problems',
    category: 'reasoning',
    capabilities: ['chat', 'reasoning', 'vision', 'function_calling', 'streaming'],
    contextWindow: 200000, maxOutput: 100000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.02', '0.08'),
    tier: 'frontier', family: 'o-series', releaseDate: '2024-06-10',
  }),
  model({
    id: 'openai-o4-mini', providerId: 'openai', providerModelId: 'o4-mini-2025-04-16', litellmId: 'o4-mini-2025-04-16', name: 'o4-mini',
    displayName: 'O4 Mini',
    description: 'Fast reasoning model, best on AIME math benchmarks',
    category: 'reasoning',
    capabilities: ['chat', 'reasoning', 'vision', 'function_calling', 'streaming'],
    contextWindow: 200000, maxOutput: 100000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.0011', '0.0044'),
    tier: 'strong', family: 'o-series', releaseDate: '2024-04-16',
  }),
  model({
    id: 'openai-o3-mini', providerId: 'openai', providerModelId: 'o3-mini-2025-01-31', litellmId: 'o3-mini-2025-01-31', name: 'o3-mini',
    displayName: 'O3 Mini',
    description: 'Small reasoning model optimized for programming and math with configurable effort',
    category: 'reasoning',
    capabilities: ['chat', 'reasoning', 'streaming'],
    contextWindow: 200000, maxOutput: 100000,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0011', '0.0044'),
    tier: 'mid', family: 'o-series', releaseDate: '2024-01-31',
  }),
  model({
    id: 'openai-gpt-4o', providerId: 'openai', providerModelId: 'gpt-4o-2024-08-06', litellmId: 'gpt-4o-2024-08-06', name: 'gpt-4o',
    displayName: 'GPT-4o',
    description: 'Multimodal model with native audio input/output capabilities',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'audio', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 128000, maxOutput: 16384,
    inputModalities: ['text', 'image', 'audio'], outputModalities: ['text', 'audio'],
    cost: perToken('0.0025', '0.01'),
    tier: 'mid', family: 'gpt-4o', releaseDate: '2024-08-06',
  }),
];

// ============================================================================
// ANTHROPIC (provider `anthropic`). Extra aliases are Anthropic's own model aliases.
// ============================================================================
const ANTHROPIC_MODELS: CatalogModel[] = [
  model({
    id: 'anthropic-claude-opus-4-5', providerId: 'anthropic', providerModelId: 'claude-opus-4-5-20251101',
    litellmId: 'anthropic/claude-opus-4-5-20251101', name: 'claude-opus-4.5', extraAliases: ['claude-opus-4-5'],
    displayName: 'Claude Opus 4.5',
    description: 'Most intelligent model for coding, agents, and computer use',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'tool_use', 'computer_use', 'extended_thinking', 'streaming', 'batch'],
    contextWindow: 200000, maxOutput: 64000,
    inputModalities: ['text', 'image', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.005', '0.025', { cachedInputPer1k: '0.0005', batchDiscountPercent: '50' }),
    tier: 'frontier', family: 'claude-4.5', releaseDate: '2024-11-01',
  }),
  model({
    id: 'anthropic-claude-sonnet-4-5', providerId: 'anthropic', providerModelId: 'claude-sonnet-4-5-20250929',
    litellmId: 'anthropic/claude-sonnet-4-5-20250929', name: 'claude-sonnet-4.5', extraAliases: ['claude-sonnet-4-5'],
    displayName: 'Claude Sonnet 4.5',
    description: 'Best balance of intelligence, speed, and cost - recommended for most tasks',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'tool_use', 'computer_use', 'extended_thinking', 'streaming', 'batch', 'citations'],
    contextWindow: 200000, maxOutput: 64000,
    inputModalities: ['text', 'image', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.003', '0.015', {
      cachedInputPer1k: '0.0003',
      longContextThreshold: LONG_CONTEXT_200K,
      longContextInputPer1k: '0.006',
      longContextOutputPer1k: '0.0225',
      batchDiscountPercent: '50',
    }),
    tier: 'flagship', family: 'claude-4.5', releaseDate: '2024-09-29',
  }),
  model({
    id: 'anthropic-claude-haiku-4-5', providerId: 'anthropic', providerModelId: 'claude-haiku-4-5-20251001',
    litellmId: 'anthropic/claude-haiku-4-5-20251001', name: 'claude-haiku-4.5', extraAliases: ['claude-haiku-4-5'],
    displayName: 'Claude Haiku 4.5',
    description: 'Fastest Claude with near-frontier performance for high-volume tasks',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'tool_use', 'streaming', 'batch'],
    contextWindow: 200000, maxOutput: 64000,
    inputModalities: ['text', 'image', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.001', '0.005', { cachedInputPer1k: '0.0001', batchDiscountPercent: '50' }),
    tier: 'strong', family: 'claude-4.5', releaseDate: '2024-10-01',
  }),
  model({
    id: 'anthropic-claude-opus-4', providerId: 'anthropic', providerModelId: 'claude-opus-4-20250514',
    litellmId: 'anthropic/claude-opus-4-20250514', name: 'claude-opus-4', extraAliases: ['claude-opus-4-0'],
    displayName: 'Claude Opus 4',
    description: 'Previous flagship for complex analysis and extended tasks',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'tool_use', 'computer_use', 'extended_thinking', 'streaming'],
    // PART 1 says 64000; the seed's LiteLLM config (PART 2) and Anthropic's docs say 32000.
    contextWindow: 200000, maxOutput: 32000,
    inputModalities: ['text', 'image', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.015', '0.075'),
    tier: 'flagship', family: 'claude-4', releaseDate: '2024-05-14',
  }),
  model({
    id: 'anthropic-claude-sonnet-4', providerId: 'anthropic', providerModelId: 'claude-sonnet-4-20250514',
    litellmId: 'anthropic/claude-sonnet-4-20250514', name: 'claude-sonnet-4', extraAliases: ['claude-sonnet-4-0'],
    displayName: 'Claude Sonnet 4',
    description: 'Balanced performance and speed for general use',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'tool_use', 'computer_use', 'extended_thinking', 'streaming'],
    contextWindow: 200000, maxOutput: 64000,
    inputModalities: ['text', 'image', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.003', '0.015'),
    tier: 'strong', family: 'claude-4', releaseDate: '2024-05-14',
  }),
  model({
    id: 'anthropic-claude-haiku-35', providerId: 'anthropic', providerModelId: 'claude-3-5-haiku-20241022',
    litellmId: 'anthropic/claude-3-5-haiku-20241022', name: 'claude-3.5-haiku', extraAliases: ['claude-3-5-haiku-latest'],
    displayName: 'Claude 3.5 Haiku',
    description: 'Fast, affordable legacy model for high-volume tasks',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'tool_use', 'streaming'],
    contextWindow: 200000, maxOutput: 8192,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.0008', '0.004'),
    tier: 'mini', family: 'claude-3.5', releaseDate: '2024-10-22',
  }),
];

// ============================================================================
// GOOGLE (provider `google`)
// ============================================================================
const GOOGLE_MODELS: CatalogModel[] = [
  model({
    id: 'google-gemini-3-pro', providerId: 'google', providerModelId: 'gemini-3-pro-preview',
    litellmId: 'gemini/gemini-3-pro-preview', name: 'gemini-3-pro',
    displayName: 'Gemini 3 Pro',
    description: 'Latest flagship with advanced reasoning and native 1M context',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'audio', 'video', 'function_calling', 'thinking', 'grounding', 'streaming'],
    contextWindow: 1000000, maxOutput: 65536,
    inputModalities: ['text', 'image', 'audio', 'video', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.002', '0.012', {
      longContextThreshold: LONG_CONTEXT_200K,
      longContextInputPer1k: '0.004',
      longContextOutputPer1k: '0.018',
    }),
    tier: 'frontier', family: 'gemini-3', releaseDate: '2024-12-01',
  }),
  model({
    id: 'google-gemini-3-flash', providerId: 'google', providerModelId: 'gemini-3-flash-preview',
    litellmId: 'gemini/gemini-3-flash-preview', name: 'gemini-3-flash',
    displayName: 'Gemini 3 Flash',
    description: 'Fast Gemini 3 variant for high-volume multimodal tasks',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'audio', 'video', 'function_calling', 'thinking', 'streaming'],
    contextWindow: 1000000, maxOutput: 65536,
    inputModalities: ['text', 'image', 'audio', 'video'], outputModalities: ['text'],
    cost: perToken('0.0005', '0.003'),
    tier: 'strong', family: 'gemini-3', releaseDate: '2024-12-01',
  }),
  model({
    id: 'google-gemini-25-pro', providerId: 'google', providerModelId: 'gemini-2.5-pro',
    litellmId: 'gemini/gemini-2.5-pro', name: 'gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    description: 'Stable flagship with thinking mode and 1M context',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'audio', 'video', 'function_calling', 'thinking', 'grounding', 'streaming'],
    contextWindow: 1000000, maxOutput: 65536,
    inputModalities: ['text', 'image', 'audio', 'video', 'pdf'], outputModalities: ['text'],
    cost: perToken('0.00125', '0.01', {
      longContextThreshold: LONG_CONTEXT_200K,
      longContextInputPer1k: '0.0025',
      longContextOutputPer1k: '0.015',
    }),
    tier: 'flagship', family: 'gemini-2.5', releaseDate: '2024-09-01',
  }),
  model({
    id: 'google-gemini-25-flash', providerId: 'google', providerModelId: 'gemini-2.5-flash',
    litellmId: 'gemini/gemini-2.5-flash', name: 'gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    description: 'Fast multimodal with thinking capabilities',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'audio', 'video', 'function_calling', 'thinking', 'streaming'],
    contextWindow: 1000000, maxOutput: 65536,
    inputModalities: ['text', 'image', 'audio', 'video'], outputModalities: ['text'],
    cost: perToken('0.0003', '0.0025'),
    tier: 'mid', family: 'gemini-2.5', releaseDate: '2024-09-01',
  }),
  model({
    id: 'google-gemini-25-flash-lite', providerId: 'google', providerModelId: 'gemini-2.5-flash-lite',
    litellmId: 'gemini/gemini-2.5-flash-lite', name: 'gemini-2.5-flash-lite',
    displayName: 'Gemini 2.5 Flash-Lite',
    description: 'Ultra cost-efficient for high-volume processing',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'streaming'],
    contextWindow: 1000000, maxOutput: 65536,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.0001', '0.0004'),
    tier: 'small', family: 'gemini-2.5', releaseDate: '2024-09-01',
  }),
  model({
    id: 'google-gemini-2-flash', providerId: 'google', providerModelId: 'gemini-2.0-flash-001',
    litellmId: 'gemini/gemini-2.0-flash-001', name: 'gemini-2.0-flash',
    displayName: 'Gemini 2.0 Flash',
    description: 'Fast multimodal with real-time capabilities',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'audio', 'video', 'function_calling', 'streaming'],
    contextWindow: 1000000, maxOutput: 8192,
    inputModalities: ['text', 'image', 'audio', 'video'], outputModalities: ['text'],
    cost: perToken('0.0001', '0.0004'),
    tier: 'mini', family: 'gemini-2.0', releaseDate: '2024-06-01',
  }),
  // NOT IN THE SEED: an experimental model whose paid cost Google has not published. The
  // pricing engine estimates it from similar models (family gemini-2.0, reasoning).
  model({
    id: 'google-gemini-2-flash-thinking-exp', providerId: 'google', providerModelId: 'gemini-2.0-flash-thinking-exp',
    litellmId: 'gemini/gemini-2.0-flash-thinking-exp', name: 'gemini-2.0-flash-thinking-exp',
    displayName: 'Gemini 2.0 Flash Thinking (Experimental)',
    description: 'Experimental Gemini 2.0 Flash with visible thinking; cost not yet published (estimated)',
    category: 'reasoning',
    capabilities: ['chat', 'vision', 'reasoning', 'thinking', 'streaming'],
    contextWindow: 1000000, maxOutput: 65536,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: unpublishedTokens(),
    costSource: 'estimated_average', costIsEstimated: true,
    tier: 'mid', family: 'gemini-2.0', releaseDate: '2024-12-19',
  }),
];

// ============================================================================
// XAI (provider `xai`). perToolCall = xAI server-side tool invocations (seed toolCallCost).
// ============================================================================
const XAI_MODELS: CatalogModel[] = [
  model({
    id: 'xai-grok-4', providerId: 'xai', providerModelId: 'grok-4-0709', litellmId: 'xai/grok-4-0709', name: 'grok-4',
    displayName: 'Grok 4',
    description: 'xAI flagship with advanced reasoning capabilities',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'reasoning', 'function_calling', 'streaming'],
    contextWindow: 256000, maxOutput: 256000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.003', '0.015', { perToolCall: XAI_TOOL_CALL }),
    tier: 'flagship', family: 'grok-4', releaseDate: '2024-07-09',
  }),
  model({
    id: 'xai-grok-4-1-fast', providerId: 'xai', providerModelId: 'grok-4-1-fast-reasoning', litellmId: 'xai/grok-4-1-fast-reasoning', name: 'grok-4.1-fast',
    displayName: 'Grok 4.1 Fast',
    description: 'Best value: near-flagship performance at 1/15th price with 2M context',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'reasoning', 'function_calling', 'streaming', 'tool_calling'],
    contextWindow: 2000000, maxOutput: 2000000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.0002', '0.0005', { perToolCall: XAI_TOOL_CALL }),
    tier: 'strong', family: 'grok-4.1', releaseDate: '2024-11-01',
  }),
  model({
    id: 'xai-grok-4-fast', providerId: 'xai', providerModelId: 'grok-4-fast-reasoning', litellmId: 'xai/grok-4-fast-reasoning', name: 'grok-4-fast',
    displayName: 'Grok 4 Fast Reasoning',
    description: 'Fast reasoning with massive 2M context window',
    category: 'reasoning',
    capabilities: ['chat', 'vision', 'reasoning', 'function_calling', 'streaming'],
    contextWindow: 2000000, maxOutput: 2000000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.0002', '0.0005', { perToolCall: XAI_TOOL_CALL }),
    tier: 'strong', family: 'grok-4', releaseDate: '2024-09-01',
  }),
  model({
    id: 'xai-grok-3', providerId: 'xai', providerModelId: 'grok-3', litellmId: 'xai/grok-3', name: 'grok-3',
    displayName: 'Grok 3',
    description: 'Previous flagship with real-time X/Twitter knowledge',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'streaming'],
    contextWindow: 131072, maxOutput: 131072,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.003', '0.015', { perToolCall: XAI_TOOL_CALL }),
    tier: 'strong', family: 'grok-3', releaseDate: '2024-03-01',
  }),
  model({
    id: 'xai-grok-3-mini', providerId: 'xai', providerModelId: 'grok-3-mini', litellmId: 'xai/grok-3-mini', name: 'grok-3-mini',
    displayName: 'Grok 3 Mini',
    description: 'Smaller, faster Grok for everyday tasks',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'streaming'],
    contextWindow: 131072, maxOutput: 16384,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0003', '0.0005', { perToolCall: XAI_TOOL_CALL }),
    tier: 'mini', family: 'grok-3', releaseDate: '2024-03-01',
  }),
  model({
    id: 'xai-grok-2', providerId: 'xai', providerModelId: 'grok-2-1212', litellmId: 'xai/grok-2-1212', name: 'grok-2',
    displayName: 'Grok 2',
    description: 'Stable previous generation model',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'streaming'],
    contextWindow: 131072, maxOutput: 131072,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.002', '0.01', { perToolCall: XAI_TOOL_CALL }),
    tier: 'mid', family: 'grok-2', releaseDate: '2024-12-12',
  }),
  // NOT IN THE SEED: a preview whose cost xAI has not published. Estimated by the pricing
  // engine from similar models (grok-4 family, same capabilities).
  model({
    id: 'xai-grok-5-preview', providerId: 'xai', providerModelId: 'grok-5-preview', litellmId: 'xai/grok-5-preview', name: 'grok-5-preview',
    displayName: 'Grok 5 (Preview)',
    description: 'Preview of the next Grok flagship; cost not yet published (estimated)',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'reasoning', 'function_calling', 'streaming'],
    contextWindow: 256000,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: unpublishedTokens(),
    costSource: 'estimated_average', costIsEstimated: true,
    tier: 'flagship', family: 'grok-5',
  }),
];

// ============================================================================
// DEEPSEEK (provider `deepseek`)
// ============================================================================
const DEEPSEEK_MODELS: CatalogModel[] = [
  model({
    id: 'deepseek-chat', providerId: 'deepseek', providerModelId: 'deepseek-chat', litellmId: 'deepseek/deepseek-chat', name: 'deepseek-chat',
    displayName: 'DeepSeek Chat (V3.2)',
    description: 'Best value in market: frontier performance at 90% lower cost',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming', 'prefix_completion'],
    contextWindow: 128000, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.00028', '0.00042', { cachedInputPer1k: '0.000028' }),
    tier: 'strong', family: 'deepseek-v3', releaseDate: '2024-12-01',
  }),
  model({
    id: 'deepseek-reasoner', providerId: 'deepseek', providerModelId: 'deepseek-reasoner', litellmId: 'deepseek/deepseek-reasoner', name: 'deepseek-reasoner',
    displayName: 'DeepSeek R1',
    description: 'Advanced reasoning model rivaling O1 at fraction of cost',
    category: 'reasoning',
    capabilities: ['chat', 'reasoning', 'function_calling', 'streaming', 'thinking_in_tool_use'],
    contextWindow: 128000, maxOutput: 64000,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.00028', '0.00042', { cachedInputPer1k: '0.000028' }),
    tier: 'strong', family: 'deepseek-r1', releaseDate: '2024-12-01',
  }),
];

// ============================================================================
// MISTRAL (provider `mistral`). Seed categories 'vision' and 'code' are not ModelCategories:
// both are chat models and are catalogued as text_generation.
// ============================================================================
const MISTRAL_MODELS: CatalogModel[] = [
  model({
    id: 'mistral-large', providerId: 'mistral', providerModelId: 'mistral-large-2411', litellmId: 'mistral/mistral-large-2411', name: 'mistral-large',
    displayName: 'Mistral Large 2.1',
    description: 'European flagship for complex reasoning and enterprise tasks',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 128000, maxOutput: 4096,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.002', '0.006'),
    tier: 'strong', family: 'mistral-large', releaseDate: '2024-11-01',
  }),
  model({
    id: 'mistral-medium', providerId: 'mistral', providerModelId: 'mistral-medium-2505', litellmId: 'mistral/mistral-medium-2505', name: 'mistral-medium',
    displayName: 'Mistral Medium 3',
    description: 'Balanced European model for general enterprise tasks',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 128000, maxOutput: 4096,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0004', '0.002'),
    tier: 'mid', family: 'mistral-medium', releaseDate: '2024-05-01',
  }),
  model({
    id: 'mistral-small', providerId: 'mistral', providerModelId: 'mistral-small-2409', litellmId: 'mistral/mistral-small-2409', name: 'mistral-small',
    displayName: 'Mistral Small 2',
    description: 'Cost-efficient for everyday tasks',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 128000, maxOutput: 4096,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0001', '0.0003'),
    tier: 'small', family: 'mistral-small', releaseDate: '2024-09-01',
  }),
  model({
    id: 'mistral-pixtral-large', providerId: 'mistral', providerModelId: 'pixtral-large-2411', litellmId: 'mistral/pixtral-large-2411', name: 'pixtral-large',
    displayName: 'Pixtral Large',
    description: 'Vision model for OCR, document analysis, and image understanding',
    category: 'text_generation',
    capabilities: ['chat', 'vision', 'function_calling', 'streaming'],
    contextWindow: 128000, maxOutput: 4096,
    inputModalities: ['text', 'image'], outputModalities: ['text'],
    cost: perToken('0.002', '0.006'),
    tier: 'mid', family: 'pixtral', releaseDate: '2024-11-01',
  }),
  model({
    id: 'mistral-codestral', providerId: 'mistral', providerModelId: 'codestral-2501', litellmId: 'mistral/codestral-2501', name: 'codestral',
    displayName: 'Codestral',
    description: 'Specialized code model supporting 80+ languages with fill-in-the-middle',
    category: 'text_generation',
    capabilities: ['chat', 'code_completion', 'fim', 'streaming'],
    contextWindow: 256000, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0002', '0.0006'),
    tier: 'mid', family: 'codestral', releaseDate: '2024-01-01',
  }),
  model({
    id: 'mistral-magistral-medium', providerId: 'mistral', providerModelId: 'magistral-medium-2509', litellmId: 'mistral/magistral-medium-2509', name: 'magistral-medium',
    displayName: 'Magistral Medium',
    description: 'Reasoning model with configurable thinking effort levels',
    category: 'reasoning',
    capabilities: ['chat', 'reasoning', 'function_calling', 'streaming'],
    contextWindow: 128000, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.001', '0.003'),
    tier: 'strong', family: 'magistral', releaseDate: '2024-09-01',
  }),
];

// ============================================================================
// COHERE (provider `cohere`)
// ============================================================================
const COHERE_MODELS: CatalogModel[] = [
  model({
    id: 'cohere-command-r-plus', providerId: 'cohere', providerModelId: 'command-r-plus-08-2024', litellmId: 'cohere/command-r-plus-08-2024', name: 'command-r-plus',
    displayName: 'Command R+',
    description: 'Enterprise model optimized for RAG and complex tool use',
    category: 'text_generation',
    capabilities: ['chat', 'rag', 'function_calling', 'streaming'],
    contextWindow: 128000, maxOutput: 4096,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0025', '0.01'),
    tier: 'mid', family: 'command-r', releaseDate: '2024-08-01',
  }),
  model({
    id: 'cohere-command-r', providerId: 'cohere', providerModelId: 'command-r-08-2024', litellmId: 'cohere/command-r-08-2024', name: 'command-r',
    displayName: 'Command R',
    description: 'Balanced model for general enterprise tasks',
    category: 'text_generation',
    capabilities: ['chat', 'rag', 'function_calling', 'streaming'],
    contextWindow: 128000, maxOutput: 4096,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.00015', '0.0006'),
    tier: 'small', family: 'command-r', releaseDate: '2024-08-01',
  }),
  // Seed category 'embeddings' -> 'embedding'; seed maxOutput 0 -> null (not applicable).
  model({
    id: 'cohere-embed-v4', providerId: 'cohere', providerModelId: 'embed-v4.0', litellmId: 'cohere/embed-v4.0', name: 'embed-v4',
    displayName: 'Embed V4',
    description: 'State-of-the-art embeddings for semantic search and RAG',
    category: 'embedding',
    capabilities: ['embeddings'],
    contextWindow: 128000,
    inputModalities: ['text'], outputModalities: ['embedding'],
    cost: perToken('0.0001', '0'),
    tier: 'premium', family: 'embed', releaseDate: '2024-10-01',
  }),
];

// ============================================================================
// PERPLEXITY (provider `perplexity`). The seed defines Perplexity in BOTH text and search
// files with the same ids (perplexity-sonar-pro, perplexity-sonar). Merged into one model per
// id: provider model ids from the search file / LiteLLM config (`sonar-pro`, `sonar`), the
// text file's `*-online` ids kept as aliases; identical prices in both definitions.
// perRequest = the per-request search fee, charged on top of tokens.
// ============================================================================
const PERPLEXITY_MODELS: CatalogModel[] = [
  model({
    id: 'perplexity-sonar-huge', providerId: 'perplexity', providerModelId: 'sonar-huge-online', litellmId: 'perplexity/sonar-huge-online', name: 'sonar-huge',
    displayName: 'Sonar Huge',
    description: 'Most capable search-augmented model with real-time web access',
    category: 'search',
    capabilities: ['chat', 'search', 'citations', 'streaming'],
    contextWindow: 200000, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.005', '0.005', { perRequest: PERPLEXITY_SEARCH_FEE }),
    tier: 'strong', family: 'sonar', releaseDate: '2024-09-01',
  }),
  model({
    id: 'perplexity-sonar-pro', providerId: 'perplexity', providerModelId: 'sonar-pro', litellmId: 'perplexity/sonar-pro', name: 'sonar-pro',
    extraAliases: ['sonar-pro-online'],
    displayName: 'Sonar Pro',
    description: 'Premium search-augmented model for research and fact-checking',
    category: 'search',
    capabilities: ['chat', 'search', 'citations', 'reasoning', 'streaming'],
    contextWindow: 200000, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.003', '0.015', { perRequest: PERPLEXITY_SEARCH_FEE }),
    tier: 'mid', family: 'sonar', releaseDate: '2024-09-01',
  }),
  model({
    id: 'perplexity-sonar', providerId: 'perplexity', providerModelId: 'sonar', litellmId: 'perplexity/sonar', name: 'sonar',
    extraAliases: ['sonar-online'],
    displayName: 'Sonar',
    description: 'Fast search-augmented model for quick lookups',
    category: 'search',
    capabilities: ['chat', 'search', 'citations', 'streaming'],
    contextWindow: 128000, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.001', '0.001', { perRequest: PERPLEXITY_SEARCH_FEE }),
    tier: 'small', family: 'sonar', releaseDate: '2024-09-01',
  }),
];

// ============================================================================
// IMAGE GENERATION
// ============================================================================
const IMAGE_MODELS: CatalogModel[] = [
  model({
    id: 'openai-dall-e-3', providerId: 'openai-images', providerModelId: 'dall-e-3', litellmId: 'dall-e-3', name: 'dall-e-3',
    displayName: 'DALL-E 3', description: 'Latest image generation with superior quality',
    category: 'image_generation', capabilities: ['text_to_image', 'hd', 'wide_format'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.04'), tier: 'standard', family: 'dall-e-3',
  }),
  // Seed gave this the same litellmId as DALL-E 3 ('dall-e-3'), declared UNIQUE: now 'dall-e-3-hd'.
  // Upstream it is model 'dall-e-3' with quality 'hd'; an image adapter maps it.
  model({
    id: 'openai-dall-e-3-hd', providerId: 'openai-images', providerModelId: 'dall-e-3-hd', litellmId: 'dall-e-3-hd', name: 'dall-e-3-hd',
    displayName: 'DALL-E 3 HD', description: 'High-definition DALL-E 3 images',
    category: 'image_generation', capabilities: ['text_to_image', 'hd', 'wide_format'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.08'), tier: 'premium', family: 'dall-e-3',
  }),
  model({
    id: 'stability-sdxl', providerId: 'stability', providerModelId: 'stable-diffusion-xl-1024-v1-0', litellmId: 'stability/stable-diffusion-xl-1024-v1-0', name: 'sdxl',
    displayName: 'Stable Diffusion XL', description: 'High-quality 1024px image generation',
    category: 'image_generation', capabilities: ['text_to_image', 'image_to_image'],
    inputModalities: ['text', 'image'], outputModalities: ['image'],
    cost: perImage('0.002'), tier: 'economy',
  }),
  model({
    id: 'stability-sd3-large', providerId: 'stability', providerModelId: 'sd3-large', litellmId: 'stability/sd3-large', name: 'sd3-large',
    displayName: 'Stable Diffusion 3 Large', description: 'Latest SD3 with improved quality',
    category: 'image_generation', capabilities: ['text_to_image'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.065'), tier: 'standard',
  }),
  model({
    id: 'stability-ultra', providerId: 'stability', providerModelId: 'stable-image-ultra', litellmId: 'stability/stable-image-ultra', name: 'stable-image-ultra',
    displayName: 'Stable Image Ultra', description: 'Premium image generation with maximum quality',
    category: 'image_generation', capabilities: ['text_to_image'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.08'), tier: 'premium',
  }),
  model({
    id: 'flux-pro-11', providerId: 'flux', providerModelId: 'flux-pro-1.1', litellmId: 'replicate/black-forest-labs/flux-1.1-pro', name: 'flux-pro-1.1',
    displayName: 'FLUX 1.1 Pro', description: 'State-of-the-art text-to-image with 6x faster generation',
    category: 'image_generation', capabilities: ['text_to_image'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.04'), tier: 'standard', family: 'flux-1.1',
  }),
  model({
    id: 'flux-pro-ultra', providerId: 'flux', providerModelId: 'flux-pro-1.1-ultra', litellmId: 'replicate/black-forest-labs/flux-1.1-pro-ultra', name: 'flux-pro-1.1-ultra',
    displayName: 'FLUX 1.1 Pro Ultra', description: 'Ultra-high resolution 4MP images',
    category: 'image_generation', capabilities: ['text_to_image', '4mp'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.06'), tier: 'premium', family: 'flux-1.1',
  }),
  model({
    id: 'flux-schnell', providerId: 'flux', providerModelId: 'flux-schnell', litellmId: 'replicate/black-forest-labs/flux-schnell', name: 'flux-schnell',
    displayName: 'FLUX Schnell', description: 'Fast, efficient image generation',
    category: 'image_generation', capabilities: ['text_to_image', 'fast'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.003'), tier: 'economy',
  }),
  model({
    id: 'ideogram-v2', providerId: 'ideogram', providerModelId: 'ideogram-v2', litellmId: 'ideogram/ideogram-v2', name: 'ideogram-v2',
    displayName: 'Ideogram V2', description: 'Advanced text rendering in images',
    category: 'image_generation', capabilities: ['text_to_image', 'text_rendering'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.08'), tier: 'premium', family: 'ideogram-v2',
  }),
  model({
    id: 'ideogram-v2-turbo', providerId: 'ideogram', providerModelId: 'ideogram-v2-turbo', litellmId: 'ideogram/ideogram-v2-turbo', name: 'ideogram-v2-turbo',
    displayName: 'Ideogram V2 Turbo', description: 'Fast with good text rendering',
    category: 'image_generation', capabilities: ['text_to_image', 'text_rendering', 'fast'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.05'), tier: 'standard', family: 'ideogram-v2',
  }),
  model({
    id: 'midjourney-v6', providerId: 'midjourney', providerModelId: 'midjourney-v6', litellmId: 'midjourney/v6', name: 'midjourney-v6',
    displayName: 'Midjourney V6', description: 'Premium artistic image generation',
    category: 'image_generation', capabilities: ['text_to_image', 'artistic'],
    inputModalities: ['text'], outputModalities: ['image'],
    cost: perImage('0.1'), tier: 'premium',
  }),
];

// ============================================================================
// VIDEO GENERATION ($ per second of generated video)
// ============================================================================
const VIDEO_MODELS: CatalogModel[] = [
  model({
    id: 'runway-gen3-alpha-turbo', providerId: 'runway', providerModelId: 'gen3a_turbo', litellmId: 'runway/gen3a_turbo', name: 'gen3-alpha-turbo',
    displayName: 'Gen-3 Alpha Turbo', description: 'Fast, high-quality video generation',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.05'), tier: 'standard', family: 'gen-3',
  }),
  model({
    id: 'runway-gen3-alpha', providerId: 'runway', providerModelId: 'gen3a', litellmId: 'runway/gen3a', name: 'gen3-alpha',
    displayName: 'Gen-3 Alpha', description: 'Maximum quality video generation',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.1'), tier: 'premium', family: 'gen-3',
  }),
  model({
    id: 'luma-dream-machine', providerId: 'luma', providerModelId: 'dream-machine', litellmId: 'luma/dream-machine', name: 'dream-machine',
    displayName: 'Dream Machine', description: 'Fast, cinematic video generation',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.032'), tier: 'standard',
  }),
  model({
    id: 'luma-ray-2', providerId: 'luma', providerModelId: 'ray-2', litellmId: 'luma/ray-2', name: 'ray-2',
    displayName: 'Ray 2', description: 'Latest model with improved realism',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video', 'camera_motion'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.05'), tier: 'premium',
  }),
  model({
    id: 'pika-v2', providerId: 'pika', providerModelId: 'pika-2.0', litellmId: 'pika/pika-2.0', name: 'pika-2.0',
    displayName: 'Pika 2.0', description: 'Creative video generation with effects',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video', 'video_editing'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.02'), tier: 'economy',
  }),
  model({
    id: 'kling-v15-pro', providerId: 'kling', providerModelId: 'kling-v1.5-pro', litellmId: 'kling/kling-v1.5-pro', name: 'kling-v1.5-pro',
    displayName: 'Kling 1.5 Pro', description: 'High-quality Chinese video model',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.025'), tier: 'standard',
  }),
  model({
    id: 'google-veo-2', providerId: 'veo', providerModelId: 'veo-2.0', litellmId: 'gemini/veo-2.0', name: 'veo-2.0',
    displayName: 'Veo 2', description: 'Google DeepMind video generation',
    category: 'video_generation', capabilities: ['text_to_video', 'image_to_video'],
    inputModalities: ['text', 'image'], outputModalities: ['video'],
    cost: perSecond('0.04'), tier: 'premium',
  }),
];

// ============================================================================
// AUDIO: text-to-speech ($ per 1,000 characters; the seed says "per_token" / inputCostPer1k
// but the providers bill per character), speech-to-text ($ per minute of audio)
// ============================================================================
const AUDIO_MODELS: CatalogModel[] = [
  model({
    id: 'openai-tts-1', providerId: 'openai-audio', providerModelId: 'tts-1', litellmId: 'tts-1', name: 'tts-1',
    displayName: 'TTS-1', description: 'Fast text-to-speech',
    category: 'text_to_speech', capabilities: ['text_to_speech', 'multiple_voices'],
    inputModalities: ['text'], outputModalities: ['audio'],
    cost: per1kChars('0.015'), tier: 'standard', family: 'tts-1',
  }),
  model({
    id: 'openai-tts-1-hd', providerId: 'openai-audio', providerModelId: 'tts-1-hd', litellmId: 'tts-1-hd', name: 'tts-1-hd',
    displayName: 'TTS-1 HD', description: 'High-definition text-to-speech',
    category: 'text_to_speech', capabilities: ['text_to_speech', 'multiple_voices', 'hd'],
    inputModalities: ['text'], outputModalities: ['audio'],
    cost: per1kChars('0.03'), tier: 'premium', family: 'tts-1',
  }),
  model({
    id: 'openai-whisper-1', providerId: 'openai-audio', providerModelId: 'whisper-1', litellmId: 'whisper-1', name: 'whisper-1',
    displayName: 'Whisper', description: 'Speech recognition and transcription',
    category: 'speech_to_text', capabilities: ['transcription', 'translation', 'timestamps'],
    inputModalities: ['audio'], outputModalities: ['text'],
    cost: perMinute('0.006'), tier: 'standard', family: 'whisper',
  }),
  model({
    id: 'elevenlabs-multilingual-v2', providerId: 'elevenlabs', providerModelId: 'eleven_multilingual_v2', litellmId: 'elevenlabs/eleven_multilingual_v2', name: 'multilingual-v2',
    displayName: 'Multilingual V2', description: 'Multi-language voice synthesis',
    category: 'text_to_speech', capabilities: ['text_to_speech', 'multilingual', 'voice_cloning'],
    inputModalities: ['text'], outputModalities: ['audio'],
    cost: per1kChars('0.18'), tier: 'premium',
  }),
  model({
    id: 'elevenlabs-turbo-v2-5', providerId: 'elevenlabs', providerModelId: 'eleven_turbo_v2_5', litellmId: 'elevenlabs/eleven_turbo_v2_5', name: 'turbo-v2.5',
    displayName: 'Turbo V2.5', description: 'Fast, low-latency voice synthesis',
    category: 'text_to_speech', capabilities: ['text_to_speech', 'low_latency', 'streaming'],
    inputModalities: ['text'], outputModalities: ['audio'],
    cost: per1kChars('0.09'), tier: 'standard',
  }),
  model({
    id: 'deepgram-nova-2', providerId: 'deepgram', providerModelId: 'nova-2', litellmId: 'deepgram/nova-2', name: 'nova-2',
    displayName: 'Nova-2', description: 'Industry-leading speech recognition',
    category: 'speech_to_text', capabilities: ['transcription', 'diarization', 'sentiment', 'streaming'],
    inputModalities: ['audio'], outputModalities: ['text'],
    cost: perMinute('0.0043'), tier: 'standard', family: 'nova-2',
  }),
  model({
    id: 'deepgram-nova-2-medical', providerId: 'deepgram', providerModelId: 'nova-2-medical', litellmId: 'deepgram/nova-2-medical', name: 'nova-2-medical',
    displayName: 'Nova-2 Medical', description: 'Medical terminology optimized',
    category: 'speech_to_text', capabilities: ['transcription', 'medical', 'hipaa'],
    inputModalities: ['audio'], outputModalities: ['text'],
    cost: perMinute('0.0079'), tier: 'premium', family: 'nova-2',
  }),
  // Seed name 'best' is too generic for a client-facing model name: renamed
  // 'assemblyai-best'; 'best' (the provider model id) stays an alias.
  model({
    id: 'assemblyai-best', providerId: 'assemblyai', providerModelId: 'best', litellmId: 'assemblyai/best', name: 'assemblyai-best',
    displayName: 'AssemblyAI Best', description: 'Highest accuracy transcription',
    category: 'speech_to_text', capabilities: ['transcription', 'diarization', 'summarization', 'chapters'],
    inputModalities: ['audio'], outputModalities: ['text'],
    cost: perMinute('0.0062'), tier: 'premium',
  }),
];

// ============================================================================
// EMBEDDINGS ($ per 1K input tokens; no output tokens)
// ============================================================================
const EMBEDDING_MODELS: CatalogModel[] = [
  model({
    id: 'openai-text-embedding-3-small', providerId: 'openai-embeddings', providerModelId: 'text-embedding-3-small', litellmId: 'text-embedding-3-small', name: 'text-embedding-3-small',
    displayName: 'Text Embedding 3 Small', description: 'Efficient embedding with 1536 dimensions',
    category: 'embedding', capabilities: ['text_embedding', 'variable_dimensions'],
    contextWindow: 8191,
    inputModalities: ['text'], outputModalities: ['embedding'],
    cost: perToken('0.00002', null), tier: 'standard', family: 'text-embedding-3',
  }),
  model({
    id: 'openai-text-embedding-3-large', providerId: 'openai-embeddings', providerModelId: 'text-embedding-3-large', litellmId: 'text-embedding-3-large', name: 'text-embedding-3-large',
    displayName: 'Text Embedding 3 Large', description: 'High-performance with 3072 dimensions',
    category: 'embedding', capabilities: ['text_embedding', 'variable_dimensions'],
    contextWindow: 8191,
    inputModalities: ['text'], outputModalities: ['embedding'],
    cost: perToken('0.00013', null), tier: 'premium', family: 'text-embedding-3',
  }),
  model({
    id: 'voyage-3', providerId: 'voyage', providerModelId: 'voyage-3', litellmId: 'voyage/voyage-3', name: 'voyage-3',
    displayName: 'Voyage 3', description: 'State-of-the-art general-purpose embeddings',
    category: 'embedding', capabilities: ['text_embedding'],
    contextWindow: 32000,
    inputModalities: ['text'], outputModalities: ['embedding'],
    cost: perToken('0.00006', null), tier: 'premium', family: 'voyage-3',
  }),
  model({
    id: 'voyage-code-3', providerId: 'voyage', providerModelId: 'voyage-code-3', litellmId: 'voyage/voyage-code-3', name: 'voyage-code-3',
    displayName: 'Voyage Code 3', description: 'Code-optimized embeddings',
    category: 'embedding', capabilities: ['text_embedding', 'code'],
    contextWindow: 32000,
    inputModalities: ['text'], outputModalities: ['embedding'],
    cost: perToken('0.00006', null), tier: 'premium', family: 'voyage-3',
  }),
];

// ============================================================================
// SEARCH APIs ($ per request)
// ============================================================================
const SEARCH_MODELS: CatalogModel[] = [
  model({
    id: 'exa-search', providerId: 'exa', providerModelId: 'exa-search', litellmId: 'exa/search', name: 'exa-search',
    displayName: 'Exa Search', description: 'Neural search engine for precise results',
    category: 'search', capabilities: ['neural_search', 'content_extraction'],
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perRequest('0.001'), tier: 'standard',
  }),
  model({
    id: 'tavily-search', providerId: 'tavily', providerModelId: 'tavily-search', litellmId: 'tavily/search', name: 'tavily-search',
    displayName: 'Tavily Search', description: 'AI-optimized search API',
    category: 'search', capabilities: ['search', 'answer_generation'],
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perRequest('0.001'), tier: 'standard',
  }),
];

// ============================================================================
// 3D GENERATION ($ per request / generated asset)
// ============================================================================
const THREE_D_MODELS: CatalogModel[] = [
  model({
    id: 'meshy-v3', providerId: 'meshy', providerModelId: 'meshy-v3', litellmId: 'meshy/meshy-v3', name: 'meshy-v3',
    displayName: 'Meshy V3', description: 'Text-to-3D and image-to-3D generation',
    category: '3d_generation', capabilities: ['text_to_3d', 'image_to_3d'],
    inputModalities: ['text', 'image'], outputModalities: ['3d'],
    cost: perRequest('0.2'), tier: 'standard', family: 'meshy-v3',
  }),
  model({
    id: 'meshy-v3-turbo', providerId: 'meshy', providerModelId: 'meshy-v3-turbo', litellmId: 'meshy/meshy-v3-turbo', name: 'meshy-v3-turbo',
    displayName: 'Meshy V3 Turbo', description: 'Fast 3D generation (preview quality)',
    category: '3d_generation', capabilities: ['text_to_3d', 'fast'],
    inputModalities: ['text'], outputModalities: ['3d'],
    cost: perRequest('0.05'), tier: 'economy', family: 'meshy-v3',
  }),
  model({
    id: 'tripo-v2', providerId: 'tripo', providerModelId: 'tripo-v2', litellmId: 'tripo/tripo-v2', name: 'tripo-v2',
    displayName: 'Tripo V2', description: 'Fast text and image to 3D',
    category: '3d_generation', capabilities: ['text_to_3d', 'image_to_3d'],
    inputModalities: ['text', 'image'], outputModalities: ['3d'],
    cost: perRequest('0.1'), tier: 'standard',
  }),
];

// ============================================================================
// SELF-HOSTED (provider `self-hosted`; vLLM / Ollama, OpenAI-compatible). Costs are RADIANT's
// infrastructure cost per 1K tokens at typical utilisation, entered by an admin; warmupCost /
// warmupSeconds are one cold start (GPU time while the weights load). Provider model ids are
// the Hugging Face ids vLLM serves by default.
// ============================================================================
const SELF_HOSTED_MODELS: CatalogModel[] = [
  model({
    id: 'self-hosted-llama-3-3-70b-instruct', providerId: 'self-hosted', providerModelId: 'meta-llama/Llama-3.3-70B-Instruct',
    litellmId: 'hosted_vllm/meta-llama/Llama-3.3-70B-Instruct', name: 'llama-3.3-70b-instruct',
    displayName: 'Llama 3.3 70B Instruct (self-hosted)',
    description: 'Meta Llama 3.3 70B Instruct served by RADIANT on vLLM (2x H100)',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 131072, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0004', '0.0006', { warmupCost: '0.12', warmupSeconds: 90 }),
    costSource: 'admin_manual_entry',
    tier: 'mid', family: 'llama-3.3', releaseDate: '2024-12-06', isSelfHosted: true,
  }),
  model({
    id: 'self-hosted-qwen2-5-72b-instruct', providerId: 'self-hosted', providerModelId: 'Qwen/Qwen2.5-72B-Instruct',
    litellmId: 'hosted_vllm/Qwen/Qwen2.5-72B-Instruct', name: 'qwen2.5-72b-instruct',
    displayName: 'Qwen2.5 72B Instruct (self-hosted)',
    description: 'Alibaba Qwen2.5 72B Instruct served by RADIANT on vLLM (2x H100)',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 32768, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.0004', '0.0006', { warmupCost: '0.12', warmupSeconds: 90 }),
    costSource: 'admin_manual_entry',
    tier: 'mid', family: 'qwen2.5', releaseDate: '2024-09-19', isSelfHosted: true,
  }),
  model({
    id: 'self-hosted-mistral-small-24b-instruct', providerId: 'self-hosted', providerModelId: 'mistralai/Mistral-Small-24B-Instruct-2501',
    litellmId: 'hosted_vllm/mistralai/Mistral-Small-24B-Instruct-2501', name: 'mistral-small-24b-instruct',
    displayName: 'Mistral Small 24B Instruct (self-hosted)',
    description: 'Mistral Small 3 (24B) Instruct served by RADIANT on vLLM (1x H100)',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 32768, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.00015', '0.0002', { warmupCost: '0.04', warmupSeconds: 45 }),
    costSource: 'admin_manual_entry',
    tier: 'mini', family: 'mistral-small-3', releaseDate: '2025-01-30', isSelfHosted: true,
  }),
  model({
    id: 'self-hosted-llama-3-1-8b-instruct', providerId: 'self-hosted', providerModelId: 'meta-llama/Llama-3.1-8B-Instruct',
    litellmId: 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct', name: 'llama-3.1-8b-instruct',
    displayName: 'Llama 3.1 8B Instruct (self-hosted)',
    description: 'Meta Llama 3.1 8B Instruct served by RADIANT on vLLM / Ollama (1x L40S)',
    category: 'text_generation',
    capabilities: ['chat', 'function_calling', 'json_mode', 'streaming'],
    contextWindow: 131072, maxOutput: 8192,
    inputModalities: ['text'], outputModalities: ['text'],
    cost: perToken('0.00005', '0.0001', { warmupCost: '0.015', warmupSeconds: 30 }),
    costSource: 'admin_manual_entry',
    tier: 'small', family: 'llama-3.1', releaseDate: '2024-07-23', isSelfHosted: true,
  }),
];

export const CATALOG_MODELS: CatalogModel[] = [
  ...OPENAI_MODELS,
  ...ANTHROPIC_MODELS,
  ...GOOGLE_MODELS,
  ...XAI_MODELS,
  ...DEEPSEEK_MODELS,
  ...MISTRAL_MODELS,
  ...COHERE_MODELS,
  ...PERPLEXITY_MODELS,
  ...IMAGE_MODELS,
  ...VIDEO_MODELS,
  ...AUDIO_MODELS,
  ...EMBEDDING_MODELS,
  ...SEARCH_MODELS,
  ...THREE_D_MODELS,
  ...SELF_HOSTED_MODELS,
];
