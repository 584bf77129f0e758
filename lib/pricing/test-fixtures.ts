/**
 * Test fixtures for the pricing engine (used by lib/pricing/*.test.ts; other test suites may use
 * them too). Figures mirror the seed catalog where named (GPT-4.1: $2.00 / $8.00 per 1M tokens).
 */
import type { CatalogModel, ModelCost } from '@/lib/catalog/types';

export const NO_COST: ModelCost = {
  pricingType: 'per_token',
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

export function makeCost(partial: Partial<ModelCost>): ModelCost {
  return { ...NO_COST, ...partial };
}

export function makeModel(partial: Partial<Omit<CatalogModel, 'cost'>> & { id: string; cost?: Partial<ModelCost> }): CatalogModel {
  const { cost, ...rest } = partial;
  return {
    providerId: 'openai',
    providerModelId: partial.id,
    litellmId: partial.id,
    name: partial.id,
    aliases: [],
    displayName: partial.id,
    description: '',
    category: 'text_generation',
    capabilities: ['chat', 'streaming'],
    contextWindow: 128_000,
    maxOutput: 16_384,
    inputModalities: ['text'],
    outputModalities: ['text'],
    costSource: 'provider_documentation',
    costIsEstimated: false,
    qualityScore: 70,
    family: null,
    releaseDate: null,
    isSelfHosted: false,
    deprecated: false,
    enabled: true,
    ...rest,
    cost: makeCost(cost ?? {}),
  };
}

/** GPT-4.1: $2.00 in / $8.00 out / $0.50 cached per 1M tokens, 50% batch discount. */
export const GPT_4_1 = makeModel({
  id: 'openai-gpt-4-1',
  name: 'gpt-4.1',
  displayName: 'GPT-4.1',
  providerId: 'openai',
  family: 'gpt-4.1',
  capabilities: ['chat', 'streaming', 'function_calling', 'vision', 'json_mode'],
  contextWindow: 1_047_576,
  maxOutput: 32_768,
  qualityScore: 88,
  cost: { inputPer1k: '0.002', outputPer1k: '0.008', cachedInputPer1k: '0.0005', batchDiscountPercent: '50' },
});

/** A Gemini-like model with long-context rates above 200K input tokens. */
export const LONG_CONTEXT_MODEL = makeModel({
  id: 'google-gemini-2-5-pro',
  name: 'gemini-2.5-pro',
  displayName: 'Gemini 2.5 Pro',
  providerId: 'google',
  family: 'gemini-2.5',
  contextWindow: 1_048_576,
  maxOutput: 65_536,
  qualityScore: 90,
  cost: {
    inputPer1k: '0.00125',
    outputPer1k: '0.01',
    longContextThreshold: 200_000,
    longContextInputPer1k: '0.0025',
    longContextOutputPer1k: '0.015',
  },
});

/** A self-hosted model with a warm-up cost. */
export const SELF_HOSTED_LLAMA = makeModel({
  id: 'self-llama-3-70b',
  name: 'llama-3-70b',
  displayName: 'Llama 3 70B (self-hosted)',
  providerId: 'self-hosted',
  isSelfHosted: true,
  family: 'llama-3',
  contextWindow: 8_192,
  maxOutput: 4_096,
  qualityScore: 75,
  cost: { inputPer1k: '0.0001', outputPer1k: '0.0002', warmupCost: '0.05', warmupSeconds: 30 },
});
