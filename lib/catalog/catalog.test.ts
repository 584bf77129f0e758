import { describe, expect, it } from 'vitest';
import { dec } from '@/lib/pricing/money';
import { modelNotServedReason } from '@/lib/catalog/not-served';
import {
  CATALOG_MODELS,
  CATALOG_MODEL_BY_ID,
  CATALOG_PROVIDERS,
  DEFAULT_FALLBACK_CHAINS,
  COST_SOURCES,
  MODEL_CATEGORIES,
  PRICING_TYPES,
  WIRE_FORMATS,
  findCatalogModel,
  modelsForProvider,
  providerFor,
} from '@/lib/catalog';
import type { CatalogModel, ModelCategory, ModelCost } from '@/lib/catalog';

/** Every money field of ModelCost (warmupSeconds/longContextThreshold are counts, not money). */
const MONEY_FIELDS = [
  'inputPer1k',
  'outputPer1k',
  'cachedInputPer1k',
  'longContextInputPer1k',
  'longContextOutputPer1k',
  'batchDiscountPercent',
  'perImage',
  'perSecond',
  'perMinute',
  'perRequest',
  'perToolCall',
  'per1kCharacters',
  'warmupCost',
] as const satisfies readonly (keyof ModelCost)[];

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const v of values) (seen.has(v) ? dups : seen).add(v);
  return [...dups];
}

function byName(name: string): CatalogModel {
  const m = CATALOG_MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`no catalog model named ${name}`);
  return m;
}

describe('catalog counts (verified against seed section 7, PART 1)', () => {
  // Seed PART 1 defines 29 provider entries with 28 distinct ids (Perplexity twice) -> 28, plus
  // RADIANT's self-hosted provider = 29.
  it('has 29 providers', () => {
    expect(CATALOG_PROVIDERS).toHaveLength(29);
  });

  // Seed PART 1 defines 81 model entries; the two Perplexity duplicates (sonar-pro, sonar)
  // merge -> 79 seed models, + 4 self-hosted + 2 unpublished-cost previews = 85.
  it('has 85 models: 79 from the seed, 4 self-hosted, 2 estimated previews', () => {
    expect(CATALOG_MODELS).toHaveLength(85);
    expect(CATALOG_MODELS.filter((m) => m.isSelfHosted)).toHaveLength(4);
    expect(CATALOG_MODELS.filter((m) => m.costIsEstimated)).toHaveLength(2);
  });

  it('has the expected number of models per category', () => {
    const counts: Partial<Record<ModelCategory, number>> = {};
    for (const m of CATALOG_MODELS) counts[m.category] = (counts[m.category] ?? 0) + 1;
    expect(counts).toEqual({
      text_generation: 38,
      reasoning: 8,
      search: 5,
      image_generation: 11,
      video_generation: 7,
      text_to_speech: 4,
      speech_to_text: 4,
      embedding: 5,
      '3d_generation': 3,
    });
  });

  it('has the expected number of models per provider', () => {
    const expected: Record<string, number> = {
      openai: 12,
      anthropic: 6,
      google: 7,
      xai: 7,
      deepseek: 2,
      mistral: 6,
      cohere: 3,
      perplexity: 3,
      'openai-images': 2,
      stability: 3,
      flux: 3,
      ideogram: 2,
      midjourney: 1,
      runway: 2,
      luma: 2,
      pika: 1,
      kling: 1,
      veo: 1,
      'openai-audio': 3,
      elevenlabs: 2,
      deepgram: 2,
      assemblyai: 1,
      'openai-embeddings': 2,
      voyage: 2,
      exa: 1,
      tavily: 1,
      meshy: 2,
      tripo: 1,
      'self-hosted': 4,
    };
    for (const p of CATALOG_PROVIDERS) expect(modelsForProvider(p.id).length, p.id).toBe(expected[p.id]);
  });
});

describe('catalog identity', () => {
  it('has unique provider ids', () => {
    expect(duplicates(CATALOG_PROVIDERS.map((p) => p.id))).toEqual([]);
  });

  it('has unique model ids, names and litellm ids', () => {
    expect(duplicates(CATALOG_MODELS.map((m) => m.id))).toEqual([]);
    expect(duplicates(CATALOG_MODELS.map((m) => m.name))).toEqual([]);
    expect(duplicates(CATALOG_MODELS.map((m) => m.litellmId))).toEqual([]);
  });

  it('has names and aliases that never collide (case-insensitively), across all models', () => {
    const keys = CATALOG_MODELS.flatMap((m) => [m.name, ...m.aliases]).map((k) => k.toLowerCase());
    expect(duplicates(keys)).toEqual([]);
  });

  it('lists the provider model id as an alias whenever it differs from the name', () => {
    for (const m of CATALOG_MODELS) {
      if (m.providerModelId !== m.name) expect(m.aliases, m.id).toContain(m.providerModelId);
      expect(m.aliases, m.id).not.toContain(m.name);
    }
  });

  it('gives every model an existing provider', () => {
    const ids = new Set(CATALOG_PROVIDERS.map((p) => p.id));
    for (const m of CATALOG_MODELS) expect(ids.has(m.providerId), `${m.id} -> ${m.providerId}`).toBe(true);
  });

  it('marks self-hosted models and their provider consistently', () => {
    for (const m of CATALOG_MODELS) expect(m.isSelfHosted, m.id).toBe(providerFor(m).isSelfHosted);
    const selfHosted = CATALOG_PROVIDERS.filter((p) => p.isSelfHosted);
    expect(selfHosted.map((p) => p.id)).toEqual(['self-hosted']);
    expect(selfHosted[0]).toMatchObject({
      wireFormat: 'openai',
      apiBaseUrl: 'http://127.0.0.1:8000/v1',
      apiKeyEnv: 'SELF_HOSTED_API_KEY',
      authType: 'bearer',
    });
  });

  it('uses only enum values the contract allows', () => {
    for (const p of CATALOG_PROVIDERS) {
      expect(MODEL_CATEGORIES, p.id).toContain(p.category);
      expect(WIRE_FORMATS, p.id).toContain(p.wireFormat);
      expect(p.apiKeyEnv, p.id).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(p.apiBaseUrl, p.id).toMatch(/^https?:\/\//);
    }
    for (const m of CATALOG_MODELS) {
      expect(MODEL_CATEGORIES, m.id).toContain(m.category);
      expect(PRICING_TYPES, m.id).toContain(m.cost.pricingType);
      expect(COST_SOURCES, m.id).toContain(m.costSource);
    }
  });

  it('has one Perplexity provider whose models are the merged text + search definitions', () => {
    expect(CATALOG_PROVIDERS.filter((p) => p.id === 'perplexity')).toHaveLength(1);
    expect(modelsForProvider('perplexity').map((m) => m.name)).toEqual(['sonar-huge', 'sonar-pro', 'sonar']);
    expect(findCatalogModel('sonar-pro-online')?.id).toBe('perplexity-sonar-pro');
  });

  it('gives DALL-E 3 and DALL-E 3 HD distinct litellm ids', () => {
    expect(byName('dall-e-3').litellmId).toBe('dall-e-3');
    expect(byName('dall-e-3-hd').litellmId).toBe('dall-e-3-hd');
  });
});

describe('catalog costs', () => {
  it('stores every money field as a canonical non-negative decimal string or null', () => {
    for (const m of CATALOG_MODELS) {
      for (const field of MONEY_FIELDS) {
        const v = m.cost[field];
        if (v === null) continue;
        expect(typeof v, `${m.id}.${field}`).toBe('string');
        const d = dec(v);
        expect(d.isNegative(), `${m.id}.${field}`).toBe(false);
        // Canonical plain notation: what toDbString() would produce, so string compares work.
        expect(d.toFixed(), `${m.id}.${field}`).toBe(v);
      }
    }
  });

  it('has the fields each pricing type needs', () => {
    for (const m of CATALOG_MODELS) {
      const c = m.cost;
      switch (c.pricingType) {
        case 'per_token':
          if (m.costIsEstimated) break;
          expect(c.inputPer1k, m.id).not.toBeNull();
          // Embeddings have no output tokens; every other token-priced model charges output.
          if (m.category !== 'embedding') expect(c.outputPer1k, m.id).not.toBeNull();
          break;
        case 'per_image':
          expect(c.perImage, m.id).not.toBeNull();
          break;
        case 'per_second':
          expect(c.perSecond, m.id).not.toBeNull();
          break;
        case 'per_minute':
          expect(c.perMinute, m.id).not.toBeNull();
          break;
        case 'per_request':
          expect(c.perRequest, m.id).not.toBeNull();
          break;
        case 'per_1k_characters':
          expect(c.per1kCharacters, m.id).not.toBeNull();
          break;
      }
    }
  });

  it('never carries token rates on non-token models', () => {
    for (const m of CATALOG_MODELS.filter((x) => x.cost.pricingType !== 'per_token')) {
      expect(m.cost.inputPer1k, m.id).toBeNull();
      expect(m.cost.outputPer1k, m.id).toBeNull();
    }
  });

  it('has long-context rates only together with a threshold', () => {
    for (const m of CATALOG_MODELS) {
      const c = m.cost;
      const hasRates = c.longContextInputPer1k !== null || c.longContextOutputPer1k !== null;
      expect(hasRates, m.id).toBe(c.longContextThreshold !== null);
    }
  });

  it('stores batch discounts as a percent, not the seed fraction', () => {
    const withBatch = CATALOG_MODELS.filter((m) => m.cost.batchDiscountPercent !== null);
    expect(withBatch.map((m) => m.name).sort()).toEqual(['claude-haiku-4.5', 'claude-opus-4.5', 'claude-sonnet-4.5', 'gpt-5.2'].sort());
    for (const m of withBatch) expect(m.cost.batchDiscountPercent).toBe('50');
  });

  it('prices text-to-speech per 1K characters, never per token', () => {
    const tts = CATALOG_MODELS.filter((m) => m.category === 'text_to_speech');
    expect(tts.map((m) => m.name)).toEqual(['tts-1', 'tts-1-hd', 'multilingual-v2', 'turbo-v2.5']);
    for (const m of tts) {
      expect(m.cost.pricingType, m.id).toBe('per_1k_characters');
      expect(m.cost.inputPer1k, m.id).toBeNull();
    }
    expect(byName('tts-1').cost.per1kCharacters).toBe('0.015');
    expect(byName('tts-1-hd').cost.per1kCharacters).toBe('0.03');
  });

  it('marks unpublished costs as estimated, with null token costs', () => {
    const estimated = CATALOG_MODELS.filter((m) => m.costIsEstimated);
    expect(estimated.length).toBeGreaterThanOrEqual(2);
    for (const m of estimated) {
      expect(m.costSource, m.id).toBe('estimated_average');
      expect(m.cost.inputPer1k, m.id).toBeNull();
      expect(m.cost.outputPer1k, m.id).toBeNull();
    }
    for (const m of CATALOG_MODELS.filter((x) => !x.costIsEstimated)) {
      expect(m.costSource, m.id).not.toBe('estimated_average');
    }
  });

  it('gives self-hosted models an infrastructure cost and a warm-up cost', () => {
    for (const m of CATALOG_MODELS.filter((x) => x.isSelfHosted)) {
      expect(m.costSource, m.id).toBe('admin_manual_entry');
      expect(m.cost.inputPer1k, m.id).not.toBeNull();
      expect(m.cost.outputPer1k, m.id).not.toBeNull();
      expect(m.cost.warmupCost, m.id).not.toBeNull();
      expect(m.cost.warmupSeconds, m.id).toBeGreaterThan(0);
    }
    for (const m of CATALOG_MODELS.filter((x) => !x.isSelfHosted)) {
      expect(m.cost.warmupCost, m.id).toBeNull();
      expect(m.cost.warmupSeconds, m.id).toBeNull();
    }
  });

  // Golden figures copied from the seed by hand.
  it.each([
    ['gpt-4.1', '0.002', '0.008'],
    ['gpt-5.2', '0.00175', '0.014'],
    ['claude-sonnet-4.5', '0.003', '0.015'],
    ['deepseek-chat', '0.00028', '0.00042'],
    ['gemini-2.5-flash', '0.0003', '0.0025'],
    ['command-r', '0.00015', '0.0006'],
  ])('golden: %s costs %s / %s per 1K tokens', (name, input, output) => {
    const m = findCatalogModel(name);
    expect(m?.cost.inputPer1k).toBe(input);
    expect(m?.cost.outputPer1k).toBe(output);
  });

  it('golden: special units', () => {
    expect(byName('claude-sonnet-4.5').cost).toMatchObject({
      cachedInputPer1k: '0.0003',
      longContextThreshold: 200000,
      longContextInputPer1k: '0.006',
      longContextOutputPer1k: '0.0225',
    });
    expect(byName('sonar-pro').cost.perRequest).toBe('0.005');
    expect(byName('grok-4').cost.perToolCall).toBe('0.005');
    expect(byName('dall-e-3-hd').cost.perImage).toBe('0.08');
    expect(byName('veo-2.0').cost.perSecond).toBe('0.04');
    expect(byName('nova-2').cost.perMinute).toBe('0.0043');
    expect(byName('meshy-v3').cost.perRequest).toBe('0.2');
  });
});

describe('quality scores', () => {
  it('gives every model an integer score in 0..100', () => {
    for (const m of CATALOG_MODELS) {
      expect(Number.isInteger(m.qualityScore), m.id).toBe(true);
      expect(m.qualityScore, m.id).toBeGreaterThanOrEqual(0);
      expect(m.qualityScore, m.id).toBeLessThanOrEqual(100);
    }
  });

  it('orders a family by tier', () => {
    const q = (n: string) => byName(n).qualityScore;
    expect(q('gpt-5.2')).toBeGreaterThan(q('gpt-5-mini'));
    expect(q('gpt-5-mini')).toBeGreaterThan(q('gpt-5-nano'));
    expect(q('claude-opus-4.5')).toBeGreaterThan(q('claude-haiku-4.5'));
    expect(q('dall-e-3-hd')).toBeGreaterThan(q('dall-e-3'));
  });
});

describe('lookups', () => {
  it('finds models by name, alias and case-insensitively', () => {
    expect(findCatalogModel('gpt-4.1')?.id).toBe('openai-gpt-4-1');
    expect(findCatalogModel('gpt-4.1-2025-04-14')?.id).toBe('openai-gpt-4-1');
    expect(findCatalogModel('claude-sonnet-4-5')?.id).toBe('anthropic-claude-sonnet-4-5');
    expect(findCatalogModel(' GPT-4.1 ')?.id).toBe('openai-gpt-4-1');
    expect(findCatalogModel('no-such-model')).toBeUndefined();
    expect(findCatalogModel('auto')).toBeUndefined();
  });

  it('indexes every model by id', () => {
    expect(CATALOG_MODEL_BY_ID.size).toBe(CATALOG_MODELS.length);
    expect(CATALOG_MODEL_BY_ID.get('openai-gpt-4-1')?.name).toBe('gpt-4.1');
  });

  it('resolves providers', () => {
    expect(providerFor(byName('gpt-4.1')).apiKeyEnv).toBe('OPENAI_API_KEY');
    expect(providerFor('anthropic-claude-opus-4-5').wireFormat).toBe('anthropic');
    expect(providerFor(byName('gemini-2.5-flash')).wireFormat).toBe('gemini');
    expect(providerFor(byName('llama-3.3-70b-instruct')).id).toBe('self-hosted');
    expect(() => providerFor('nope')).toThrow();
  });
});

describe('wire formats', () => {
  it('proxies exactly the providers the gateway has an adapter for', () => {
    const proxied = CATALOG_PROVIDERS.filter((p) => p.wireFormat !== 'none').map((p) => p.id);
    expect(proxied.sort()).toEqual(
      [
        'anthropic',
        'cohere',
        'deepseek',
        'google',
        'mistral',
        'openai',
        'openai-embeddings',
        'perplexity',
        'self-hosted',
        'xai',
        // embeddings and web search: one adapter each (lib/gateway/adapters)
        'voyage',
        'exa',
        'tavily',
        // images, speech, transcription: one adapter each (lib/gateway/adapters)
        'openai-images',
        'stability',
        'flux',
        'ideogram',
        'openai-audio',
        'elevenlabs',
        'deepgram',
        'assemblyai',
        // video and 3D: task adapters (lib/gateway/jobs), never the chat router
        'runway',
        'luma',
        'kling',
        'veo',
        'meshy',
        'tripo',
      ].sort(),
    );
    expect(providerFor('flux-pro-11')).toMatchObject({ wireFormat: 'bfl', apiBaseUrl: 'https://api.bfl.ai', apiKeyEnv: 'BFL_API_KEY' });
    expect(providerFor('midjourney-v6').wireFormat).toBe('none');
  });

  it('says why midjourney and flux-schnell are not offered', () => {
    const mj = CATALOG_MODELS.find((m) => m.id === 'midjourney-v6')!;
    expect(modelNotServedReason(mj, providerFor(mj))).toMatch(/no official public API/);
    const schnell = CATALOG_MODELS.find((m) => m.id === 'flux-schnell')!;
    expect(modelNotServedReason(schnell, providerFor(schnell))).toMatch(/does not host/);
    const pro = CATALOG_MODELS.find((m) => m.id === 'flux-pro-11')!;
    expect(modelNotServedReason(pro, providerFor(pro))).toBeNull();
  });

  it('serves every chat-capable model through a proxied provider', () => {
    for (const m of CATALOG_MODELS.filter((x) => x.capabilities.includes('chat'))) {
      expect(providerFor(m).wireFormat, m.id).not.toBe('none');
    }
  });
});

describe('fallback chains', () => {
  it('uses catalog names that are chat models on proxied providers, never the primary itself', () => {
    expect(Object.keys(DEFAULT_FALLBACK_CHAINS).length).toBeGreaterThan(0);
    for (const [primary, chain] of Object.entries(DEFAULT_FALLBACK_CHAINS)) {
      for (const name of [primary, ...chain]) {
        const m = findCatalogModel(name);
        expect(m?.name, name).toBe(name);
        expect(m?.capabilities, name).toContain('chat');
        expect(providerFor(m!).wireFormat, name).not.toBe('none');
      }
      expect(chain, primary).not.toContain(primary);
      expect(duplicates(chain), primary).toEqual([]);
    }
  });

  it('keeps the seed router chains (gemini-1.5-pro mapped to gemini-2.5-pro)', () => {
    expect(DEFAULT_FALLBACK_CHAINS['gpt-4o']).toEqual(['claude-sonnet-4', 'gemini-2.0-flash']);
    expect(DEFAULT_FALLBACK_CHAINS['claude-opus-4']).toEqual(['gpt-4o', 'gemini-2.5-pro']);
  });
});
